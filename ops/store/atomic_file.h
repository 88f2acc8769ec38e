// atomic_file.h: writing a file so readers see either the old content or the complete new one:
// write a temporary file in the same directory, fsync it, rename it over the target, fsync the
// directory. Used for images and every state file under ~/.ops.
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string_view>

namespace ops {

class AtomicFileWriter {
public:
    // Creates "<target>.tmp-XXXXXX" next to `target`. Throws ops::Error.
    explicit AtomicFileWriter(std::filesystem::path target, unsigned mode = 0644);
    // Removes the temporary file unless commit() succeeded.
    ~AtomicFileWriter();
    AtomicFileWriter(const AtomicFileWriter&) = delete;
    AtomicFileWriter& operator=(const AtomicFileWriter&) = delete;

    // Appends bytes at the current end. Throws ops::Error.
    void write(std::span<const std::uint8_t> bytes);
    void write(std::string_view text);
    // Writes bytes at `offset` (the file grows as needed). Throws ops::Error.
    void write_at(std::uint64_t offset, std::span<const std::uint8_t> bytes);
    // Sets the file length (sparse when growing). Throws ops::Error.
    void resize(std::uint64_t length);

    // The temporary file descriptor, for code that writes through its own I/O.
    int fd() const { return m_fd; }

    // fsync, rename over the target, fsync the directory. Throws ops::Error.
    void commit();

private:
    std::filesystem::path m_target;
    std::filesystem::path m_temporary;
    int m_fd = -1;
    bool m_committed = false;
};

// Whole-file convenience wrapper. Throws ops::Error.
void write_file_atomically(const std::filesystem::path& target, std::string_view content,
                           unsigned mode = 0644);

} // namespace ops
