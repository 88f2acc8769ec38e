// bounded_read.cpp: open without following symlinks, read until the cap or end of file.
#include "ops/store/bounded_read.h"

#include <cerrno>
#include <fcntl.h>
#include <unistd.h>

namespace ops {

std::optional<std::string> read_bounded(const std::filesystem::path& path, std::size_t limit,
                                        int* open_errno) {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) {
        if (open_errno)
            *open_errno = errno;
        return std::nullopt;
    }
    std::string content(limit, '\0');
    std::size_t used = 0;
    while (used < content.size()) {
        ssize_t n = ::read(fd, content.data() + used, content.size() - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            break;
        used += static_cast<std::size_t>(n);
    }
    ::close(fd);
    content.resize(used);
    return content;
}

} // namespace ops
