// tar_extract.cpp: gzip (zlib) + a tar reader that writes only below the destination. The tar
// format is POSIX ustar with the GNU long-name records ('L', 'K') and pax extended headers ('x';
// path, linkpath, size), which is what GNU tar, bsdtar and Go's archive/tar write.
#include "ops/pkg/tar_extract.h"

#include "ops/base/error.h"

#include <array>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <optional>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>
#include <zlib.h>

namespace ops {

namespace {

constexpr std::size_t kBlock = 512;
constexpr std::size_t kCopyChunk = 64 * 1024;

class GzipInput {
  public:
    explicit GzipInput(const std::filesystem::path& archive) : m_archive(archive) {
        int fd = ::open(archive.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            throw Error("cannot read " + archive.string() + ": " + std::strerror(errno),
                        "check the path and its permissions");
        unsigned char magic[2] = {};
        ssize_t n = ::pread(fd, magic, sizeof magic, 0);
        if (n != 2 || magic[0] != 0x1f || magic[1] != 0x8b) {
            ::close(fd);
            throw Error(archive.string() + " is not a gzip file (no gzip header)",
                        "give a package directory or a .tar.gz made with tar -czf");
        }
        m_file = ::gzdopen(fd, "rb");
        if (!m_file) {
            ::close(fd);
            throw Error("cannot open " + archive.string() + " as gzip", "check the file");
        }
        ::gzbuffer(m_file, 128 * 1024);
    }
    ~GzipInput() {
        if (m_file)
            ::gzclose(m_file);
    }
    GzipInput(const GzipInput&) = delete;
    GzipInput& operator=(const GzipInput&) = delete;

    // Reads up to `size` bytes; fewer only at the end of the data. Throws on corrupt data.
    std::size_t read(void* buffer, std::size_t size) {
        std::size_t total = 0;
        auto* out = static_cast<unsigned char*>(buffer);
        while (total < size) {
            int n = ::gzread(m_file, out + total, static_cast<unsigned>(size - total));
            if (n < 0 || (n == 0 && !::gzeof(m_file)))
                fail_data();
            if (n == 0)
                break;
            total += static_cast<std::size_t>(n);
        }
        if (total < size) {
            int code = Z_OK;
            ::gzerror(m_file, &code);
            if (code != Z_OK)
                fail_data();
        }
        return total;
    }

    // Reads exactly `size` bytes or throws naming `what` as truncated.
    void read_exact(void* buffer, std::size_t size, const std::string& what) {
        if (read(buffer, size) != size)
            throw Error(m_archive.string() + " is truncated (it ends inside " + what + ")",
                        "download or create the archive again");
    }

    void skip(std::uint64_t size, const std::string& what) {
        std::array<unsigned char, kCopyChunk> buffer;
        while (size > 0) {
            std::size_t step =
                size < buffer.size() ? static_cast<std::size_t>(size) : buffer.size();
            read_exact(buffer.data(), step, what);
            size -= step;
        }
    }

    const std::filesystem::path& archive() const { return m_archive; }

  private:
    [[noreturn]] void fail_data() {
        int code = Z_OK;
        std::string message = ::gzerror(m_file, &code);
        // zlib names the stream "<fd:N>: " in front of its message; we name the file instead.
        if (message.rfind("<fd:", 0) == 0 && message.find(">: ") != std::string::npos)
            message = message.substr(message.find(">: ") + 3);
        throw Error(m_archive.string() + " has corrupt gzip data (" +
                        (message.empty() ? "unknown error" : message) + ")",
                    "download or create the archive again");
    }

    std::filesystem::path m_archive;
    gzFile m_file = nullptr;
};

std::string field(const unsigned char* header, std::size_t offset, std::size_t length) {
    const char* start = reinterpret_cast<const char*>(header + offset);
    return std::string(start, strnlen(start, length));
}

// A numeric header field: octal text (spaces and NULs around it), or base-256 when the high bit
// of the first byte is set (GNU tar for sizes of 8 GiB and more).
bool parse_number(const unsigned char* header, std::size_t offset, std::size_t length,
                  std::uint64_t* value) {
    const unsigned char* p = header + offset;
    *value = 0;
    if (p[0] & 0x80) {
        if (p[0] != 0x80)
            return false; // negative or too large for 64 bits after the marker
        for (std::size_t i = 1; i < length; ++i) {
            if (*value >> 56)
                return false;
            *value = (*value << 8) | p[i];
        }
        return true;
    }
    std::size_t i = 0;
    while (i < length && (p[i] == ' ' || p[i] == 0))
        ++i;
    for (; i < length && p[i] >= '0' && p[i] <= '7'; ++i) {
        if (*value >> 60)
            return false;
        *value = *value * 8 + (p[i] - '0');
    }
    for (; i < length; ++i)
        if (p[i] != ' ' && p[i] != 0)
            return false;
    return true; // an all-blank field is zero
}

bool checksum_ok(const unsigned char* header) {
    std::uint64_t stored = 0;
    if (!parse_number(header, 148, 8, &stored))
        return false;
    std::uint64_t unsigned_sum = 0;
    std::int64_t signed_sum = 0;
    for (std::size_t i = 0; i < kBlock; ++i) {
        unsigned char c = (i >= 148 && i < 156) ? ' ' : header[i];
        unsigned_sum += c;
        signed_sum += static_cast<signed char>(c);
    }
    return stored == unsigned_sum || static_cast<std::int64_t>(stored) == signed_sum;
}

bool all_zero(const unsigned char* block) {
    for (std::size_t i = 0; i < kBlock; ++i)
        if (block[i])
            return false;
    return true;
}

std::uint64_t padded(std::uint64_t size) {
    return (size + kBlock - 1) / kBlock * kBlock;
}

// pax records: "<length> <key>=<value>\n", repeated.
void parse_pax(const std::string& data, std::string* path, std::string* link_path,
               std::optional<std::uint64_t>* size, const std::string& archive) {
    std::size_t offset = 0;
    while (offset < data.size()) {
        std::size_t space = data.find(' ', offset);
        if (space == std::string::npos)
            break;
        std::uint64_t length = 0;
        for (std::size_t i = offset; i < space; ++i) {
            if (data[i] < '0' || data[i] > '9' || length > data.size())
                throw Error(archive + " has a corrupt pax header", "create the archive again");
            length = length * 10 + (data[i] - '0');
        }
        if (length <= space - offset || offset + length > data.size() ||
            data[offset + length - 1] != '\n')
            throw Error(archive + " has a corrupt pax header", "create the archive again");
        std::string record = data.substr(space + 1, offset + length - 1 - (space + 1));
        std::size_t equals = record.find('=');
        if (equals != std::string::npos) {
            std::string key = record.substr(0, equals);
            std::string value = record.substr(equals + 1);
            if (key == "path")
                *path = value;
            else if (key == "linkpath")
                *link_path = value;
            else if (key == "size") {
                std::uint64_t parsed = 0;
                for (char c : value) {
                    if (c < '0' || c > '9' || parsed >> 59)
                        throw Error(archive + " has a corrupt pax size",
                                    "create the archive again");
                    parsed = parsed * 10 + (c - '0');
                }
                *size = parsed;
            }
        }
        offset += length;
    }
}

class Extractor {
  public:
    Extractor(GzipInput& input, std::filesystem::path destination)
        : m_input(input), m_destination(std::move(destination)), m_name(input.archive().string()) {}

    void run() {
        std::string long_name, long_link, pax_path, pax_link;
        std::optional<std::uint64_t> pax_size;
        std::uint64_t entries = 0;
        std::uint64_t offset = 0;
        unsigned char header[kBlock];
        for (;;) {
            std::size_t got = m_input.read(header, kBlock);
            if (got == 0)
                return; // no end-of-archive blocks: accepted, like GNU tar
            if (got != kBlock)
                fail("is truncated (it ends inside a tar header)", "download or create it again");
            if (all_zero(header)) {
                drain();
                return;
            }
            if (!checksum_ok(header))
                fail("is not a valid tar archive (bad header checksum at byte " +
                         std::to_string(offset) + " of the tar data)",
                     "give a .tar.gz made with tar -czf");
            offset += kBlock;
            if (++entries > kMaxArchiveEntries)
                fail("has more than " + std::to_string(kMaxArchiveEntries) + " entries",
                     "package fewer files");
            char type = static_cast<char>(header[156]);
            std::uint64_t size = 0;
            if (!parse_number(header, 124, 12, &size))
                fail("has a corrupt tar header (size field)", "create the archive again");
            if (pax_size && type != 'x' && type != 'g' && type != 'L' && type != 'K')
                size = *pax_size;

            std::string name = field(header, 0, 100);
            if (std::memcmp(header + 257, "ustar", 5) == 0 && header[345] != 0)
                name = field(header, 345, 155) + "/" + name;
            std::string link = field(header, 157, 100);

            if (type == 'L' || type == 'K' || type == 'x' || type == 'g') {
                if (size > kMaxPaxHeaderBytes)
                    fail("has an extended header larger than 1 MiB", "create the archive again");
                std::string data(static_cast<std::size_t>(size), '\0');
                m_input.read_exact(data.data(), data.size(), "an extended header");
                m_input.skip(padded(size) - size, "an extended header");
                offset += padded(size);
                if (type == 'L')
                    long_name = data.substr(0, strnlen(data.c_str(), data.size()));
                else if (type == 'K')
                    long_link = data.substr(0, strnlen(data.c_str(), data.size()));
                else if (type == 'x')
                    parse_pax(data, &pax_path, &pax_link, &pax_size, m_name);
                continue;
            }
            if (!long_name.empty())
                name = long_name;
            if (!pax_path.empty())
                name = pax_path;
            if (!long_link.empty())
                link = long_link;
            if (!pax_link.empty())
                link = pax_link;
            long_name.clear();
            long_link.clear();
            pax_path.clear();
            pax_link.clear();
            pax_size.reset();

            std::uint64_t mode = 0644;
            parse_number(header, 100, 8, &mode);
            extract_entry(type, name, link, size, static_cast<unsigned>(mode & 0777));
            m_input.skip(padded(size) - size, "the data of \"" + name + "\"");
            offset += padded(size);
        }
    }

  private:
    // Reads the rest of the gzip data after the end of the archive, so a damaged stream (its
    // CRC is checked at the very end) is reported rather than half trusted.
    void drain() {
        std::vector<unsigned char> buffer(kCopyChunk);
        std::uint64_t total = 0;
        while (std::size_t got = m_input.read(buffer.data(), buffer.size())) {
            total += got;
            if (total > kMaxExtractedBytes)
                fail("has more than 16 GiB after its end", "create the archive again");
        }
    }

    [[noreturn]] void fail(const std::string& what, const std::string& fix) const {
        throw Error(m_name + " " + what, fix);
    }

    // The entry's path split into components, with "." and empty ones dropped.
    std::vector<std::string> components(const std::string& name) const {
        if (name.size() > kMaxEntryPathBytes)
            fail("has an entry name longer than 4096 bytes", "create the archive again");
        if (!name.empty() && name.front() == '/')
            fail("has an entry with an absolute path (\"" + name +
                     "\"), which would escape the package directory",
                 "create the archive with relative paths (tar -C dir -czf out.tar.gz .)");
        std::vector<std::string> parts;
        std::size_t start = 0;
        while (start <= name.size()) {
            std::size_t slash = name.find('/', start);
            if (slash == std::string::npos)
                slash = name.size();
            std::string part = name.substr(start, slash - start);
            if (part == "..")
                fail("has an entry \"" + name +
                         "\" with \"..\", which would escape the package "
                         "directory",
                     "do not use this archive; create it again without \"..\" paths");
            if (!part.empty() && part != ".")
                parts.push_back(part);
            start = slash + 1;
        }
        return parts;
    }

    // Creates the directories above `parts` (all but the last), refusing anything that is not a
    // real directory, so no write ever goes through a symlink the archive made. Returns the path.
    std::filesystem::path prepare(const std::vector<std::string>& parts, const std::string& name) {
        std::filesystem::path path = m_destination;
        for (std::size_t i = 0; i + 1 < parts.size(); ++i) {
            path /= parts[i];
            struct stat st;
            if (::lstat(path.c_str(), &st) == 0) {
                if (!S_ISDIR(st.st_mode))
                    fail("has an entry \"" + name + "\" below \"" + parts[i] +
                             "\", which is not a directory (a symlink or a file)",
                         "do not use this archive; entries must not go through symlinks");
                continue;
            }
            if (::mkdir(path.c_str(), 0755) != 0)
                fail_io("create", path);
        }
        return path / parts.back();
    }

    [[noreturn]] void fail_io(const char* doing, const std::filesystem::path& path) const {
        throw Error("cannot " + std::string(doing) + " " + path.string() + " while unpacking " +
                        m_name + ": " + std::strerror(errno),
                    "check the free space and permissions of ~/.ops");
    }

    // Removes a non-directory at `path` (a later entry of the same name replaces it, as in tar).
    void replace(const std::filesystem::path& path, const std::string& name) {
        struct stat st;
        if (::lstat(path.c_str(), &st) != 0)
            return;
        if (S_ISDIR(st.st_mode))
            fail("has an entry \"" + name + "\" where a directory of that name already is",
                 "create the archive again");
        if (::unlink(path.c_str()) != 0)
            fail_io("replace", path);
    }

    void count_bytes(std::uint64_t size) {
        m_bytes += size;
        if (m_bytes > kMaxExtractedBytes)
            fail("unpacks to more than 16 GiB", "package fewer or smaller files");
    }

    void extract_entry(char type, const std::string& name, const std::string& link,
                       std::uint64_t size, unsigned mode) {
        std::vector<std::string> parts = components(name);
        if (parts.empty()) { // "./": the top directory itself
            m_input.skip(size, "the data of \"" + name + "\"");
            return;
        }
        switch (type) {
        case '0':
        case '\0':
        case '7': {
            count_bytes(size);
            std::filesystem::path path = prepare(parts, name);
            replace(path, name);
            int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                            (mode | 0600) & 0755);
            if (fd < 0)
                fail_io("create", path);
            std::vector<unsigned char> buffer(kCopyChunk);
            std::uint64_t left = size;
            while (left > 0) {
                std::size_t step =
                    left < buffer.size() ? static_cast<std::size_t>(left) : buffer.size();
                m_input.read_exact(buffer.data(), step, "the data of \"" + name + "\"");
                if (::write(fd, buffer.data(), step) != static_cast<ssize_t>(step)) {
                    ::close(fd);
                    fail_io("write", path);
                }
                left -= step;
            }
            if (::close(fd) != 0)
                fail_io("write", path);
            return;
        }
        case '5': {
            std::filesystem::path path = prepare(parts, name);
            struct stat st;
            if (::lstat(path.c_str(), &st) == 0) {
                if (!S_ISDIR(st.st_mode))
                    fail("has a directory \"" + name + "\" where a file or symlink already is",
                         "create the archive again");
            } else if (::mkdir(path.c_str(), 0755) != 0) {
                fail_io("create", path);
            }
            m_input.skip(size, "the data of \"" + name + "\"");
            return;
        }
        case '2': {
            if (link.empty() || link.size() > kMaxEntryPathBytes)
                fail("has a symlink \"" + name + "\" with an empty or too long target",
                     "create the archive again");
            std::filesystem::path path = prepare(parts, name);
            replace(path, name);
            if (::symlink(link.c_str(), path.c_str()) != 0)
                fail_io("create the symlink", path);
            m_input.skip(size, "the data of \"" + name + "\"");
            return;
        }
        case '1': {
            std::vector<std::string> target = components(link);
            std::filesystem::path from = m_destination;
            for (const std::string& part : target) {
                from /= part;
                struct stat st;
                if (::lstat(from.c_str(), &st) != 0 ||
                    (&part != &target.back() && !S_ISDIR(st.st_mode)) ||
                    (&part == &target.back() && !S_ISREG(st.st_mode)))
                    fail("has a hard link \"" + name + "\" to \"" + link +
                             "\", which is not a file extracted before it",
                         "create the archive again");
            }
            if (target.empty())
                fail("has a hard link \"" + name + "\" without a target",
                     "create the archive again");
            std::filesystem::path path = prepare(parts, name);
            replace(path, name);
            if (::link(from.c_str(), path.c_str()) != 0)
                fail_io("link", path);
            m_input.skip(size, "the data of \"" + name + "\"");
            return;
        }
        default:
            // Character and block devices, FIFOs, and unknown types: nothing a package needs.
            m_input.skip(size, "the data of \"" + name + "\"");
            return;
        }
    }

    GzipInput& m_input;
    std::filesystem::path m_destination;
    std::string m_name;
    std::uint64_t m_bytes = 0;
};

} // namespace

void extract_tar_gz(const std::filesystem::path& archive,
                    const std::filesystem::path& destination) {
    GzipInput input(archive);
    Extractor(input, destination).run();
}

} // namespace ops
