// file_io.h: adapters between host files and the tiny I/O interfaces of common/tfs, for
// write_image: an image file as a tfs::BlockSink and a host file as tfs::FileContent.
#pragma once

#include "common/tfs/block_device.h"
#include "common/tfs/writer.h"
#include "ops/store/atomic_file.h"

#include <cstdint>
#include <filesystem>

namespace ops {

// Writes a TFS (or a whole disk) into an AtomicFileWriter at `base_offset` (a partition start).
class AtomicFileSink final : public tfs::BlockSink {
public:
    AtomicFileSink(AtomicFileWriter& file, std::uint64_t base_offset = 0)
        : m_file(file), m_base_offset(base_offset) {}
    bool write(std::uint64_t byte_offset, common::Bytes data) override;

private:
    AtomicFileWriter& m_file;
    std::uint64_t m_base_offset;
};

// A host file's bytes, read with pread when the TFS writer asks for them. Opens on construction
// (throws ops::Error), closes on destruction.
class HostFileContent final : public tfs::FileContent {
public:
    explicit HostFileContent(const std::filesystem::path& path);
    ~HostFileContent();
    HostFileContent(const HostFileContent&) = delete;
    HostFileContent& operator=(const HostFileContent&) = delete;

    std::uint64_t size() const { return m_size; }
    bool read(std::uint64_t offset, common::MutableBytes out) override;

private:
    int m_fd = -1;
    std::uint64_t m_size = 0;
};

} // namespace ops
