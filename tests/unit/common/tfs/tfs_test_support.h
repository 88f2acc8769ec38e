// tfs_test_support.h: host-side helpers for the TFS, disk and manifest tests: a malloc allocator,
// an in-memory disk, vector loading (gzip via `gzip -dc`), SHA-256 and Value -> JSON.
#pragma once

#include "common/base/allocator.h"
#include "common/tfs/block_device.h"
#include "common/tfs/value.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace tfs_test {

class MallocAllocator final : public common::Allocator {
  public:
    void* allocate(size_t size, size_t) override {
        live++;
        return std::malloc(size);
    }
    void deallocate(void* p, size_t) override {
        live--;
        std::free(p);
    }
    long live = 0;
};

// An allocator that fails after `budget` successful allocations.
class FailingAllocator final : public common::Allocator {
  public:
    explicit FailingAllocator(long budget) : m_budget(budget) {}
    void* allocate(size_t size, size_t) override {
        if (m_budget-- <= 0)
            return nullptr;
        live++;
        return std::malloc(size);
    }
    void deallocate(void* p, size_t) override {
        live--;
        std::free(p);
    }
    long live = 0;

  private:
    long m_budget;
};

// A disk image in memory, readable and writable; writes past the end grow it (sparse file).
class MemoryDisk final : public tfs::BlockSource, public tfs::BlockSink {
  public:
    MemoryDisk() = default;
    explicit MemoryDisk(std::vector<uint8_t> bytes) : data(std::move(bytes)) {}
    bool read(uint64_t offset, common::MutableBytes out) override {
        reads++;
        if (offset > data.size() || out.size() > data.size() - offset)
            return false;
        std::memcpy(out.data(), data.data() + offset, out.size());
        return true;
    }
    bool write(uint64_t offset, common::Bytes in) override {
        if (offset + in.size() > data.size())
            data.resize(offset + in.size());
        std::memcpy(data.data() + offset, in.data(), in.size());
        return true;
    }
    std::vector<uint8_t> data;
    long reads = 0;
};

inline std::string specs_dir() {
    return OPS_SPECS_DIR;
}
inline std::string vector_path(const std::string& name) {
    return specs_dir() + "/vectors/" + name;
}

inline std::vector<uint8_t> gunzip_file(const std::string& path) {
    std::string cmd = "gzip -dc '" + path + "'";
    FILE* f = popen(cmd.c_str(), "r");
    if (!f)
        throw std::runtime_error("popen failed");
    std::vector<uint8_t> out;
    uint8_t buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
        out.insert(out.end(), buf, buf + n);
    if (pclose(f) != 0)
        throw std::runtime_error("gzip failed for " + path);
    return out;
}

inline nlohmann::json load_json(const std::string& path) {
    std::ifstream in(path);
    return nlohmann::json::parse(in);
}

// Vectors are decompressed once per test binary run.
inline const std::vector<uint8_t>& vector_image(const std::string& name) {
    static std::map<std::string, std::vector<uint8_t>> cache;
    auto it = cache.find(name);
    if (it == cache.end())
        it = cache.emplace(name, gunzip_file(vector_path(name + ".img.gz"))).first;
    return it->second;
}

inline std::string sha256_hex(const uint8_t* data, size_t size) {
    static const uint32_t k[64] = {
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2};
    uint32_t h[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                     0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    std::vector<uint8_t> m(data, data + size);
    m.push_back(0x80);
    while (m.size() % 64 != 56)
        m.push_back(0);
    uint64_t bits = uint64_t(size) * 8;
    for (int i = 7; i >= 0; i--)
        m.push_back(uint8_t(bits >> (8 * i)));
    auto rotr = [](uint32_t x, int n) { return (x >> n) | (x << (32 - n)); };
    for (size_t off = 0; off < m.size(); off += 64) {
        uint32_t w[64];
        for (int i = 0; i < 16; i++)
            w[i] = uint32_t(m[off + 4 * i]) << 24 | uint32_t(m[off + 4 * i + 1]) << 16 |
                   uint32_t(m[off + 4 * i + 2]) << 8 | m[off + 4 * i + 3];
        for (int i = 16; i < 64; i++) {
            uint32_t s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3);
            uint32_t s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16] + s0 + w[i - 7] + s1;
        }
        uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
        for (int i = 0; i < 64; i++) {
            uint32_t t1 =
                hh + (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) + ((e & f) ^ (~e & g)) + k[i] + w[i];
            uint32_t t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) + ((a & b) ^ (a & c) ^ (b & c));
            hh = g;
            g = f;
            f = e;
            e = d + t1;
            d = c;
            c = b;
            b = a;
            a = t1 + t2;
        }
        h[0] += a, h[1] += b, h[2] += c, h[3] += d, h[4] += e, h[5] += f, h[6] += g, h[7] += hh;
    }
    char out[65];
    for (int i = 0; i < 8; i++)
        std::snprintf(out + 8 * i, 9, "%08x", h[i]);
    return std::string(out, 64);
}

inline std::string str(common::Bytes b) {
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
}
inline common::Bytes bytes(const std::string& s) {
    return common::Bytes(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

// The typed JSON form of the vectors' root_tuple_typed.
inline nlohmann::json to_json(const tfs::Value* v, int depth = 0) {
    if (depth > 200)
        throw std::runtime_error("too deep");
    if (!v)
        return nullptr;
    switch (v->kind()) {
    case tfs::ValueKind::tuple: {
        nlohmann::json o = nlohmann::json::object();
        for (size_t i = 0; i < v->entry_count(); i++)
            o[str(v->entry(i).name)] = to_json(v->entry(i).value, depth + 1);
        return o;
    }
    case tfs::ValueKind::vector: {
        nlohmann::json a = nlohmann::json::array();
        for (size_t i = 0; i < v->element_count(); i++)
            a.push_back(to_json(v->element(i), depth + 1));
        return a;
    }
    case tfs::ValueKind::string:
        return str(v->string());
    case tfs::ValueKind::integer: {
        nlohmann::json o;
        if (v->negative())
            o["$int"] = -int64_t(v->magnitude());
        else
            o["$int"] = v->magnitude();
        return o;
    }
    case tfs::ValueKind::null_flag:
        return nlohmann::json{{"$null", true}};
    }
    return nullptr;
}

} // namespace tfs_test

namespace tfs_test {

// A TFS image whose log holds `records` (raw encoded values) in one extension at sector 1, each in
// a single TUPLE_AVAILABLE frame, optionally separated by END_OF_SEGMENT bytes (`segments`).
inline std::vector<uint8_t> make_log_image(const std::vector<std::vector<uint8_t>>& records,
                                           uint8_t version = 5, bool segments = false) {
    std::vector<uint8_t> image(2048 * 512, 0);
    const uint8_t magic[] = {'N', 'V', 'M', 'T', 'F', 'S'};
    std::vector<uint8_t> s0(magic, magic + 6);
    s0.push_back(version);
    s0.push_back(1);
    for (int i = 0; i < 16; i++)
        s0.push_back(uint8_t(0x10 + i));
    for (uint8_t c : std::initializer_list<uint8_t>{'v', '4', 0, 5, 1, 0x88, 0, 1})
        s0.push_back(c);
    std::copy(s0.begin(), s0.end(), image.begin());
    std::vector<uint8_t> ext(magic, magic + 6);
    for (uint8_t c : {version, uint8_t(0x88), uint8_t(0)})
        ext.push_back(c);
    auto varint = [&](uint64_t v) {
        uint8_t buf[10];
        size_t n = 0;
        uint64_t t = v;
        do {
            n++;
            t >>= 7;
        } while (t);
        for (size_t i = 0; i < n; i++) {
            uint8_t g = uint8_t((v >> (7 * (n - 1 - i))) & 0x7f);
            buf[i] = i + 1 < n ? uint8_t(g | 0x80) : g;
        }
        ext.insert(ext.end(), buf, buf + n);
    };
    for (const auto& r : records) {
        ext.push_back(2);
        varint(r.size());
        varint(r.size());
        ext.insert(ext.end(), r.begin(), r.end());
        if (segments)
            ext.push_back(4);
    }
    ext.push_back(1);
    std::copy(ext.begin(), ext.end(), image.begin() + 512);
    return image;
}

// Record bytes from a mix of raw bytes and strings.
inline void append(std::vector<uint8_t>& r, std::initializer_list<uint8_t> b) {
    r.insert(r.end(), b.begin(), b.end());
}
inline void append(std::vector<uint8_t>& r, const std::string& s) {
    r.insert(r.end(), s.begin(), s.end());
}

} // namespace tfs_test
