// file_io.cpp: host file adapters for common/tfs.
#include "ops/image/file_io.h"

#include "ops/base/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <sys/stat.h>
#include <unistd.h>

namespace ops {

namespace {
// The block size of the host file systems we care about (ext4, xfs, btrfs, tmpfs): skipping a
// smaller zero run would not save any space, because the block around it is allocated anyway.
constexpr std::uint64_t kSparseBlockBytes = 4096;

bool all_zero(const std::uint8_t* data, std::size_t size) {
    for (std::size_t i = 0; i < size; i++)
        if (data[i])
            return false;
    return true;
}
} // namespace

bool AtomicFileSink::write(std::uint64_t byte_offset, common::Bytes data) {
    const std::uint64_t start = m_base_offset + byte_offset;
    // Bytes from `position` (inside data) to the next block boundary of the image file, so every
    // skipped piece is a whole hole (the first and last pieces may be partial blocks).
    auto piece_at = [&](std::size_t position) -> std::size_t {
        std::uint64_t to_boundary = kSparseBlockBytes - (start + position) % kSparseBlockBytes;
        return static_cast<std::size_t>(
            std::min<std::uint64_t>(to_boundary, data.size() - position));
    };
    auto zero_piece = [&](std::size_t position) {
        return all_zero(data.data() + position, piece_at(position));
    };
    try {
        std::size_t position = 0;
        while (position < data.size()) {
            if (zero_piece(position)) {
                position += piece_at(position);
                continue;
            }
            std::size_t run_end = position;
            while (run_end < data.size() && !zero_piece(run_end))
                run_end += piece_at(run_end);
            m_file.write_at(start + position,
                            std::span(data.data() + position, run_end - position));
            position = run_end;
        }
        return true;
    } catch (const Error& error) {
        m_failure = error.what();
        return false; // the TFS writer reports Error::io; the caller names the image
    }
}

HostFileContent::HostFileContent(std::filesystem::path path) : m_path(std::move(path)) {
    m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (m_fd < 0 || ::fstat(m_fd, &info) < 0) {
        int saved = errno;
        close_file();
        throw Error("cannot read " + m_path.string() + ": " + std::strerror(saved),
                    "check that the file exists and is readable");
    }
    m_size = static_cast<std::uint64_t>(info.st_size);
    if (info.st_mtim.tv_sec >= 0 && static_cast<std::uint64_t>(info.st_mtim.tv_sec) >> 32 == 0)
        m_mtime = tfs::fixed_time(static_cast<std::uint64_t>(info.st_mtim.tv_sec),
                                  static_cast<std::uint32_t>(info.st_mtim.tv_nsec));
    close_file();
}

HostFileContent::~HostFileContent() {
    close_file();
}

void HostFileContent::close_file() {
    if (m_fd >= 0)
        ::close(m_fd);
    m_fd = -1;
}

bool HostFileContent::read(std::uint64_t offset, common::MutableBytes out) {
    if (offset > m_size || out.size() > m_size - offset) {
        m_failure = "read past the end of the file";
        return false;
    }
    if (m_fd < 0) {
        m_fd = ::open(m_path.c_str(), O_RDONLY | O_CLOEXEC);
        if (m_fd < 0) {
            m_failure = std::strerror(errno);
            return false;
        }
    }
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n =
            ::pread(m_fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            m_failure = n < 0 ? std::strerror(errno) : "the file shrank while it was being read";
            close_file();
            return false;
        }
        done += static_cast<std::size_t>(n);
    }
    if (offset + out.size() == m_size)
        close_file();
    return true;
}

bool TextContent::read(std::uint64_t offset, common::MutableBytes out) {
    if (offset > m_text.size() || out.size() > m_text.size() - offset)
        return false;
    std::memcpy(out.data(), m_text.data() + offset, out.size());
    return true;
}

} // namespace ops
