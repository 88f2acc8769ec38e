// log_reader.h: reading the TFS log (tfs.md 4): the sector-0 header (uuid, label), the chain of
// extensions and the frames that carry records. Records are handed to the RecordDecoder.
#pragma once

#include "common/tfs/block_device.h"
#include "common/tfs/decoder.h"
#include "common/tfs/format.h"

#include <cstddef>
#include <cstdint>

namespace tfs {

// What sector 0 says about a TFS: what the kernel's volume probe reads (4.1).
struct VolumeHeader {
    uint64_t version = 0;
    uint8_t uuid[kUuidBytes] = {};
    uint8_t label_bytes[kMaxLabelBytes + 1] = {};
    size_t label_size = 0;

    Bytes label() const { return Bytes(label_bytes, label_size); }
};

// Parses an extension header at the start of `sector0` (the first bytes of the TFS). Fails with
// bad_magic / bad_version / truncated. Does not look at the frames.
Error parse_volume_header(Bytes sector0, VolumeHeader* out);
// Reads sector 0 through the source and parses it (the kernel's probe of a disk without MBR).
Error probe_volume(BlockSource& source, VolumeHeader* out);
// The UUID text form: lowercase hex in stored order with dashes after bytes 4, 6, 8 and 10.
constexpr size_t kUuidTextBytes = 36;
void format_uuid(const uint8_t uuid[kUuidBytes], char out[kUuidTextBytes]);

// Optional hooks called while the log is replayed (for dump tools and tests). Offsets are bytes
// inside the extension, of the frame's code byte.
class LogObserver {
  public:
    // An extension at `sector`, `sectors` long, with its header's version.
    virtual void on_extension(uint64_t /*sector*/, uint64_t /*sectors*/, uint64_t /*version*/) {}
    // a/b: TUPLE_AVAILABLE total/chunk, TUPLE_EXTENDED chunk/0, LOG_EXTENSION_LINK sector/count.
    virtual void on_frame(uint64_t /*extension_sector*/, uint64_t /*offset*/, FrameCode /*code*/,
                          uint64_t /*a*/, uint64_t /*b*/) {}

  protected:
    ~LogObserver() = default;
};

struct ReplayOptions {
    // Size of the TFS in bytes, used to reject links and records past its end. 0 = unknown.
    uint64_t fs_bytes = 0;
    LogObserver* observer = nullptr;
    // Told about every entry applied to an existing tuple (decoder.h). May be nullptr.
    UpdateObserver* updates = nullptr;
};

// Replays the whole log into tree/dictionary and fills header. Allocates one record buffer (the
// largest record) from allocator and frees it before returning. Blocks on the source.
Error replay_log(BlockSource& source, const ReplayOptions& options, common::Allocator& allocator,
                 Tree& tree, Dictionary& dictionary, VolumeHeader* header);

} // namespace tfs
