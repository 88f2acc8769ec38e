// registry.cpp: the instances/ directory, its lock file and atomic record writes.
#include "ops/instance/registry.h"

#include "ops/base/error.h"
#include "ops/store/atomic_file.h"
#include "ops/store/bounded_read.h"
#include "ops/store/paths.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

namespace ops {

InstanceRegistry::Lock::~Lock() {
    if (m_fd >= 0)
        ::close(m_fd);  // closing the only descriptor releases the flock
}

InstanceRegistry::Lock InstanceRegistry::lock() const {
    ensure_directory(m_directory);
    std::filesystem::path path = m_directory / ".lock";
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0)
        throw Error("cannot open " + path.string() + ": " + std::strerror(errno),
                    "check permissions on " + m_directory.string());
    while (::flock(fd, LOCK_EX) < 0) {
        if (errno == EINTR)
            continue;
        int saved = errno;
        ::close(fd);
        throw Error("cannot lock " + path.string() + ": " + std::strerror(saved), "");
    }
    return Lock(fd);
}

std::vector<std::string> InstanceRegistry::names() const {
    std::vector<std::string> names;
    std::error_code error;
    for (auto it = std::filesystem::directory_iterator(m_directory, error);
         !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
        std::string name = it->path().filename().string();
        std::error_code ignored;
        if (is_valid_instance_name(name) && std::filesystem::is_regular_file(record_path(name), ignored))
            names.push_back(name);
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::optional<InstanceRecord> InstanceRegistry::read(std::string_view name) const {
    if (!is_valid_instance_name(name))
        return std::nullopt;
    std::filesystem::path path = record_path(name);
    int open_errno = 0;
    std::optional<std::string> text = read_bounded(path, kMaxInstanceRecordBytes + 1, &open_errno);
    if (!text) {
        if (open_errno == ENOENT)
            return std::nullopt;
        throw Error("cannot read " + path.string() + ": " + std::strerror(open_errno), "");
    }
    InstanceRecord record = instance_record_from_json(*text, path);
    if (record.name != name)
        throw Error("instance record " + path.string() + " names \"" + record.name + "\"",
                    "remove that directory or rename it back");
    return record;
}

void InstanceRegistry::write(const InstanceRecord& record) const {
    check_instance_name(record.name);
    ensure_directory(instance_directory(record.name));
    write_file_atomically(record_path(record.name), instance_record_to_json(record));
}

void InstanceRegistry::remove(std::string_view name) const {
    check_instance_name(name);
    std::error_code error;
    std::filesystem::remove_all(instance_directory(name), error);
    if (error)
        throw Error("cannot remove " + instance_directory(name).string() + ": " + error.message(),
                    "check permissions");
}

} // namespace ops
