// file_io.cpp: host file adapters for common/tfs.
#include "ops/image/file_io.h"

#include "ops/base/error.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <span>
#include <sys/stat.h>
#include <unistd.h>

namespace ops {

bool AtomicFileSink::write(std::uint64_t byte_offset, common::Bytes data) {
    try {
        m_file.write_at(m_base_offset + byte_offset, std::span(data.data(), data.size()));
        return true;
    } catch (const Error&) {
        return false;  // the TFS writer reports Error::io; the caller names the image
    }
}

HostFileContent::HostFileContent(const std::filesystem::path& path) {
    m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    struct stat info {};
    if (m_fd < 0 || ::fstat(m_fd, &info) < 0)
        throw Error("cannot read " + path.string() + ": " + std::strerror(errno),
                    "check that the file exists and is readable");
    m_size = static_cast<std::uint64_t>(info.st_size);
}

HostFileContent::~HostFileContent() {
    if (m_fd >= 0)
        ::close(m_fd);
}

bool HostFileContent::read(std::uint64_t offset, common::MutableBytes out) {
    std::size_t done = 0;
    while (done < out.size()) {
        ssize_t n = ::pread(m_fd, out.data() + done, out.size() - done,
                            static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;  // an error, or the file shrank while the image was being written
        done += static_cast<std::size_t>(n);
    }
    return true;
}

} // namespace ops
