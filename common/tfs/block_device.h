// block_device.h: the two tiny interfaces through which TFS code touches storage. The kernel backs
// BlockSource with virtio-blk, ops backs BlockSink with an image file, tests with memory.
#pragma once

#include "common/base/span.h"

#include <cstdint>

namespace tfs {

// Read access to one TFS. Offsets are bytes relative to the first byte of the TFS (partition start,
// or 0 for a bare volume) and need not be sector aligned. Returns false on an I/O error or a read
// past the end of the device; the reader turns that into Error::io. May block.
class BlockSource {
  public:
    virtual bool read(uint64_t byte_offset, common::MutableBytes out) = 0;

  protected:
    ~BlockSource() = default;
};

// Write access to one TFS, same offsets. Regions never written are expected to read as zeros (a
// sparse file). Returns false on an I/O error.
class BlockSink {
  public:
    virtual bool write(uint64_t byte_offset, common::Bytes data) = 0;

  protected:
    ~BlockSink() = default;
};

// A BlockSource at a fixed byte offset of another one (a partition of a disk).
class OffsetSource final : public BlockSource {
  public:
    OffsetSource(BlockSource& disk, uint64_t offset) : m_disk(disk), m_offset(offset) {}
    bool read(uint64_t byte_offset, common::MutableBytes out) override {
        if (byte_offset > UINT64_MAX - m_offset)
            return false;
        return m_disk.read(m_offset + byte_offset, out);
    }

  private:
    BlockSource& m_disk;
    uint64_t m_offset;
};

// A BlockSink at a fixed byte offset of another one.
class OffsetSink final : public BlockSink {
  public:
    OffsetSink(BlockSink& disk, uint64_t offset) : m_disk(disk), m_offset(offset) {}
    bool write(uint64_t byte_offset, common::Bytes data) override {
        if (byte_offset > UINT64_MAX - m_offset)
            return false;
        return m_disk.write(m_offset + byte_offset, data);
    }

  private:
    BlockSink& m_disk;
    uint64_t m_offset;
};

} // namespace tfs
