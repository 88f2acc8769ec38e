// atomic_file.cpp: temp file + fsync + rename + directory fsync.
#include "ops/store/atomic_file.h"

#include "ops/base/error.h"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops {

namespace {
[[noreturn]] void fail(const std::string& action, const std::filesystem::path& path) {
    throw Error("cannot " + action + " " + path.string() + ": " + std::strerror(errno),
                "check permissions and free space");
}
} // namespace

AtomicFileWriter::AtomicFileWriter(std::filesystem::path target, unsigned mode)
    : m_target(std::move(target)) {
    std::string pattern = m_target.string() + ".tmp-XXXXXX";
    m_fd = ::mkostemp(pattern.data(), O_CLOEXEC);
    if (m_fd < 0)
        fail("create a temporary file for", m_target);
    m_temporary = pattern;
    // mkostemp creates 0600; apply the requested mode minus the umask.
    mode_t mask = ::umask(0);
    ::umask(mask);
    ::fchmod(m_fd, mode & ~mask);
}

AtomicFileWriter::~AtomicFileWriter() {
    if (m_fd >= 0)
        ::close(m_fd);
    if (!m_committed && !m_temporary.empty())
        ::unlink(m_temporary.c_str());
}

void AtomicFileWriter::write(std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(m_fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("write", m_temporary);
        done += static_cast<std::size_t>(n);
    }
}

void AtomicFileWriter::write(std::string_view text) {
    write(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()));
}

void AtomicFileWriter::write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::pwrite(m_fd, bytes.data() + done, bytes.size() - done,
                             static_cast<off_t>(offset + done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            fail("write", m_temporary);
        done += static_cast<std::size_t>(n);
    }
}

void AtomicFileWriter::resize(std::uint64_t length) {
    if (::ftruncate(m_fd, static_cast<off_t>(length)) < 0)
        fail("resize", m_temporary);
}

void AtomicFileWriter::commit() {
    if (::fsync(m_fd) < 0)
        fail("sync", m_temporary);
    if (::close(m_fd) < 0) {
        m_fd = -1;
        fail("close", m_temporary);
    }
    m_fd = -1;
    if (::rename(m_temporary.c_str(), m_target.c_str()) < 0)
        fail("rename a temporary file to", m_target);
    m_committed = true;
    // The rename is only durable once the directory entry is on disk.
    std::filesystem::path directory = m_target.parent_path();
    if (directory.empty())
        directory = ".";
    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
        ::fsync(directory_fd);
        ::close(directory_fd);
    }
}

void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           unsigned mode) {
    AtomicFileWriter writer(target, mode);
    writer.write(content);
    writer.commit();
}

} // namespace ops
