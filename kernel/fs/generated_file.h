// generated_file.h: read-only files whose content is produced when read (/proc, /sys). Like
// Linux's, they report size 0 and are read until end of file.
#pragma once

#include "fs/inode.h"

// Writes the content into `out` (at most `capacity` bytes) and returns its length.
using GenerateContent = size_t (*)(char* out, size_t capacity);

class GeneratedFile final : public Inode {
  public:
    // Content longer than this is cut: bounds the buffer one read allocates.
    static constexpr size_t MAX_CONTENT = 256 * 1024;
    explicit GeneratedFile(GenerateContent generate) : Inode(InodeType::Regular), m_generate(generate) {}
    u32 mode_bits() override { return 0444; }
    Result<size_t> read(u64 offset, u8* buffer, size_t length) override;

  private:
    GenerateContent m_generate;
};
