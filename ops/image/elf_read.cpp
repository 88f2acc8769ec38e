// elf_read.cpp: prefix reads of host ELF files with retries driven by common/elf's BeyondBuffer.
#include "ops/image/elf_read.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ops {

namespace {

using common::elf::DynamicSection;
using common::elf::ElfError;
using common::elf::ElfErrorCode;
using common::elf::ElfFile;

// The first read; enough for the headers of every ordinary program.
constexpr std::uint64_t kFirstElfRead = 64 * 1024;

// Each round learns one more bound from BeyondBuffer (headers, PT_INTERP, dynamic array, string
// table); a few more rounds than that cover files whose parts are out of order.
constexpr int kMaxReadRounds = 6;

class FileDescriptor {
public:
    explicit FileDescriptor(const std::filesystem::path& path)
        : m_fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC)) {}
    ~FileDescriptor() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    FileDescriptor(const FileDescriptor&) = delete;
    FileDescriptor& operator=(const FileDescriptor&) = delete;
    int get() const { return m_fd; }

private:
    int m_fd;
};

// Fills `bytes` from offset 0; returns the strerror text on failure.
std::string read_prefix(int fd, std::vector<std::uint8_t>& bytes) {
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::pread(fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return std::strerror(errno);
        if (n == 0)
            return "the file shrank while being read";
        done += static_cast<std::size_t>(n);
    }
    return {};
}

ElfError parse(HostElf& out, ElfParts parts) {
    ElfError error = ElfFile::parse(common::Bytes(out.bytes.data(), out.bytes.size()),
                                    out.file_size, &out.elf);
    if (error.ok() && parts == ElfParts::headers_and_dynamic)
        error = DynamicSection::parse(out.elf, &out.dynamic);
    return error;
}

} // namespace

HostElf read_host_elf(const std::filesystem::path& path, ElfParts parts, std::uint64_t limit) {
    HostElf out;
    FileDescriptor file(path);
    struct stat info {};
    if (file.get() < 0 || ::fstat(file.get(), &info) < 0) {
        out.io_error = std::strerror(errno);
        return out;
    }
    if (!S_ISREG(info.st_mode)) {
        out.io_error = "not a regular file";
        return out;
    }
    out.file_size = static_cast<std::uint64_t>(info.st_size);
    std::uint64_t want = kFirstElfRead;
    for (int round = 0; round < kMaxReadRounds; round++) {
        out.bytes.resize(static_cast<std::size_t>(std::min(want, out.file_size)));
        out.io_error = read_prefix(file.get(), out.bytes);
        if (!out.io_error.empty())
            return out;
        out.error = parse(out, parts);
        if (out.error.code != ElfErrorCode::BeyondBuffer || out.error.value > limit ||
            out.error.value <= out.bytes.size())
            break;
        want = out.error.value;
    }
    return out;
}

std::string describe_elf_error(const ElfError& error) {
    char text[256];
    common::elf::format_elf_error(error, text, sizeof text);
    return text;
}

} // namespace ops
