// registry.h: the instances/ directory under ~/.ops: one directory per instance holding
// instance.json, console.log, the QMP socket, the exit channel and the instance's disk, plus one
// lock file that serialises every change to the set of records. Knows nothing about QEMU.
#pragma once

#include "ops/instance/record.h"

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ops {

class InstanceRegistry {
public:
    // `directory` is ~/.ops/instances. Creates nothing until lock() or write().
    explicit InstanceRegistry(std::filesystem::path directory) : m_directory(std::move(directory)) {}

    const std::filesystem::path& directory() const { return m_directory; }
    std::filesystem::path instance_directory(std::string_view name) const { return m_directory / name; }
    std::filesystem::path record_path(std::string_view name) const {
        return instance_directory(name) / "instance.json";
    }
    std::filesystem::path console_log(std::string_view name) const {
        return instance_directory(name) / "console.log";
    }
    std::filesystem::path qmp_socket(std::string_view name) const {
        return instance_directory(name) / "qmp.sock";
    }
    std::filesystem::path exit_channel(std::string_view name) const {
        return instance_directory(name) / "exit";
    }
    std::filesystem::path disk(std::string_view name) const { return instance_directory(name) / "disk.raw"; }

    // An exclusive flock(2) on instances/.lock, held until destruction. flock locks belong to
    // the open file, so two Locks conflict across threads as well as across processes. Blocks
    // until the lock is free; never taken recursively.
    class Lock {
    public:
        explicit Lock(int fd) : m_fd(fd) {}
        ~Lock();
        Lock(Lock&& other) noexcept : m_fd(other.m_fd) { other.m_fd = -1; }
        Lock(const Lock&) = delete;
        Lock& operator=(const Lock&) = delete;
        Lock& operator=(Lock&&) = delete;

    private:
        int m_fd = -1;
    };
    // Creates instances/ when missing. Throws ops::Error.
    [[nodiscard]] Lock lock() const;

    // Names of every directory that holds an instance.json, sorted.
    std::vector<std::string> names() const;
    // The record, or nullopt when there is none. Throws ops::Error for an unreadable or invalid
    // record.
    std::optional<InstanceRecord> read(std::string_view name) const;
    // Writes instance.json atomically, creating the instance directory. Call with lock() held.
    void write(const InstanceRecord& record) const;
    // Removes the instance directory and everything in it. Call with lock() held.
    void remove(std::string_view name) const;

private:
    std::filesystem::path m_directory;
};

} // namespace ops
