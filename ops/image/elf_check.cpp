// elf_check.cpp: program validation for `ops build` on top of common/elf.
#include "ops/image/elf_check.h"

#include "ops/base/error.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace ops {

namespace {

using common::elf::ElfError;
using common::elf::ElfErrorCode;
using common::elf::ElfFile;
using common::elf::LinkKind;

// The first read; enough for the headers of every ordinary program.
constexpr std::uint64_t kFirstElfRead = 64 * 1024;

class ReadOnlyFile {
public:
    ReadOnlyFile(const std::filesystem::path& path, const std::string& shown) {
        m_fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        struct stat info {};
        if (m_fd < 0 || ::fstat(m_fd, &info) < 0)
            throw Error("cannot read the program " + shown + ": " + std::strerror(errno),
                        "check that it exists and is readable");
        m_size = static_cast<std::uint64_t>(info.st_size);
    }
    ~ReadOnlyFile() {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    ReadOnlyFile(const ReadOnlyFile&) = delete;
    ReadOnlyFile& operator=(const ReadOnlyFile&) = delete;

    std::uint64_t size() const { return m_size; }

    // The first min(count, size()) bytes.
    std::vector<std::uint8_t> prefix(std::uint64_t count, const std::string& shown) const {
        std::vector<std::uint8_t> bytes(static_cast<std::size_t>(std::min(count, m_size)));
        std::size_t done = 0;
        while (done < bytes.size()) {
            ssize_t n =
                ::pread(m_fd, bytes.data() + done, bytes.size() - done, static_cast<off_t>(done));
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                throw Error("cannot read the program " + shown + ": " +
                                (n < 0 ? std::strerror(errno) : "it shrank while being read"),
                            "check the file");
            done += static_cast<std::size_t>(n);
        }
        return bytes;
    }

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

std::string describe(const ElfError& error) {
    char text[256];
    common::elf::format_elf_error(error, text, sizeof text);
    return text;
}

std::string fix_for(ElfErrorCode code) {
    switch (code) {
    case ElfErrorCode::NotElf:
    case ElfErrorCode::TruncatedHeader:
        return "give a compiled x86-64 Linux executable, not a script, source file or archive";
    case ElfErrorCode::Elf32:
        return "rebuild it as a 64-bit x86-64 program (gcc -m64)";
    case ElfErrorCode::NotX86_64:
    case ElfErrorCode::BigEndian:
        return "rebuild it for x86-64 Linux (or use a cross-compiler that targets x86_64-linux)";
    case ElfErrorCode::NotExecutable:
        return "link it into an executable (an object file or core dump cannot run)";
    case ElfErrorCode::UnsupportedOsAbi:
        return "rebuild it for Linux";
    default:
        return "the file looks damaged or was made by an unusual linker; rebuild it";
    }
}

} // namespace

LinkKind check_program_elf(const std::filesystem::path& path, const std::string& shown) {
    ReadOnlyFile file(path, shown);
    std::uint64_t want = kFirstElfRead;
    ElfFile elf;
    ElfError error;
    std::vector<std::uint8_t> bytes;
    // At most two rounds: the first error says exactly how many bytes the headers need.
    for (int round = 0; round < 2; round++) {
        bytes = file.prefix(want, shown);
        error = ElfFile::parse(common::Bytes(bytes.data(), bytes.size()), file.size(), &elf);
        if (error.code != ElfErrorCode::BeyondBuffer)
            break;
        if (error.value > kMaxElfHeaderRead)
            throw Error("the program " + shown + " has its ELF headers more than " +
                            std::to_string(kMaxElfHeaderRead >> 20) + " MiB into the file",
                        "rebuild it with a standard linker");
        want = error.value;
    }
    if (error.ok())
        error = elf.check_entry();
    if (!error.ok())
        throw Error("the program " + shown + " cannot run: " + describe(error),
                    fix_for(error.code));
    if (elf.link_kind() == LinkKind::Dynamic)
        throw Error("dynamically linked programs are not supported yet (" + shown + " needs " +
                        std::string(elf.interpreter(), elf.interpreter_length()) + ")",
                    "build it with -static");
    return elf.link_kind();
}

} // namespace ops
