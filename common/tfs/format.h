// format.h: the fixed numbers of the TFS v5 on-disk format (../shared/specs/tfs.md) and the bounds
// our reader enforces on untrusted logs. Encoding helpers live in varint.h.
#pragma once

#include <cstddef>
#include <cstdint>

namespace tfs {

constexpr uint64_t kSectorSize = 512;
constexpr uint8_t kMagic[6] = {'N', 'V', 'M', 'T', 'F', 'S'};
constexpr uint64_t kVersion = 5;
constexpr uint64_t kVersion4 = 4; // old value encoding, read only (tfs.md 5.9)
constexpr size_t kUuidBytes = 16;
constexpr size_t kMaxLabelBytes = 31; // plus a NUL terminator: 32 bytes on disk (4.1)
// Every log extension after sector 0 is 1024 sectors (4.1); writers must never use another size.
constexpr uint64_t kExtensionSectors = 1024;
constexpr uint64_t kExtensionBytes = kExtensionSectors * kSectorSize;
// Where our writer puts the first real extension and the first data sector (7.4).
constexpr uint64_t kFirstExtensionSector = 1;
constexpr uint64_t kFirstDataSector = kFirstExtensionSector + kExtensionSectors;
// Nanos mkfs and the kernel never make an extent longer than this (6.3); our writer follows.
constexpr uint64_t kMaxExtentBlocks = 65536;

// Frame codes (4.2).
enum class FrameCode : uint8_t {
    end_of_log = 1,
    tuple_available = 2,
    tuple_extended = 3,
    end_of_segment = 4,
    extension_link = 5,
};

// Value type codes (5.1).
enum class TypeCode : uint8_t { buffer = 0, tuple = 1, vector = 2, integer = 3, string = 4 };

// Chunking constants of the Nanos writers (4.4): room kept for a link, and for a frame header plus
// a link.
constexpr uint64_t kCloseExtensionMargin = 74;
constexpr uint64_t kChunkMargin = 42;

// Bounds on untrusted logs. Breaking one is Error::limit, never a crash.
// Nesting of values inside one record. Each directory level is two tuples (entry and children),
// and decoding recurses, so this also bounds stack use: about 140 bytes per level with the
// kernel flags, 18 KiB at the bound.
constexpr unsigned kMaxNesting = 128;
// One reassembled record. The Nanos tools buffer at most 32 MiB of records; a compacted log is one
// record for the whole tree, so allow more.
constexpr uint64_t kMaxRecordBytes = 128ull << 20;
// Log extensions followed from sector 0 (32 GiB of log). Also stops link cycles.
constexpr uint64_t kMaxLogExtensions = 65536;
// Sectors in one extension given by a link. Writers always use 1024; the kernel trusts the link.
constexpr uint64_t kMaxLinkSectors = 1024;
// Dictionary entries of one log (each costs at least one byte of log).
constexpr uint64_t kMaxDictionaryEntries = 1ull << 28;
// Path components kept while resolving "..".
constexpr size_t kMaxPathDepth = 64;

} // namespace tfs
