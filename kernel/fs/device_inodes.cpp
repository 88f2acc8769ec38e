// device_inodes.cpp: the character devices and synthetic directory/link nodes.
#include "fs/device_inodes.h"
#include "dev/serial.h"
#include "lib/random.h"
#include "lib/string.h"

namespace {

class ConsoleDevice final : public Inode {
  public:
    ConsoleDevice() : Inode(InodeType::CharDevice) {}
    u32 mode_bits() override { return 0620; }
    // No console input yet: reads see end of file.
    Result<size_t> read(u64, u8*, size_t) override { return size_t(0); }
    Result<size_t> write(u64, const u8* buffer, size_t length) override {
        serial_write(reinterpret_cast<const char*>(buffer), length);
        return length;
    }
    bool is_terminal() override { return true; }
};

class NullDevice final : public Inode {
  public:
    NullDevice() : Inode(InodeType::CharDevice) {}
    u32 mode_bits() override { return 0666; }
    Result<size_t> read(u64, u8*, size_t) override { return size_t(0); }
    Result<size_t> write(u64, const u8*, size_t length) override { return length; }
};

class ZeroDevice final : public Inode {
  public:
    ZeroDevice() : Inode(InodeType::CharDevice) {}
    u32 mode_bits() override { return 0666; }
    Result<size_t> read(u64, u8* buffer, size_t length) override {
        memset(buffer, 0, length);
        return length;
    }
    Result<size_t> write(u64, const u8*, size_t length) override { return length; }
};

class RandomDevice final : public Inode {
  public:
    RandomDevice() : Inode(InodeType::CharDevice) {}
    u32 mode_bits() override { return 0666; }
    Result<size_t> read(u64, u8* buffer, size_t length) override {
        random_fill(buffer, length);
        return length;
    }
    Result<size_t> write(u64, const u8*, size_t length) override { return length; }
};

ConsoleDevice g_console;
NullDevice g_null;
ZeroDevice g_zero;
RandomDevice g_urandom;

} // namespace

Inode* console_inode() {
    return &g_console;
}
Inode* null_inode() {
    return &g_null;
}
Inode* zero_inode() {
    return &g_zero;
}
Inode* urandom_inode() {
    return &g_urandom;
}

bool SyntheticDirectory::add(const char* name, Inode* inode) {
    if (m_count == MAX_ENTRIES || !inode)
        return false;
    m_items[m_count++] = Item{name, inode};
    return true;
}

Result<Inode*> SyntheticDirectory::lookup(const char* name) {
    for (int i = 0; i < m_count; i++)
        if (str_equal(m_items[i].name, name))
            return m_items[i].inode;
    if (m_underlying)
        return m_underlying->lookup(name);
    return Errno::ENOENT;
}

bool SyntheticDirectory::reserved_name(const char* name) {
    for (int i = 0; i < m_count; i++)
        if (str_equal(m_items[i].name, name))
            return true;
    return false;
}

Result<DirectoryEntry> SyntheticDirectory::entry_at(u64 index) {
    if (index < u64(m_count))
        return DirectoryEntry{m_items[index].name, m_items[index].inode->number(),
                              m_items[index].inode->type(), index + 1};
    if (!m_underlying)
        return Errno::ENOENT;
    // Entries of the image directory at their own positions (after ours), skipping those we
    // shadow, so a reader's position stays valid while the directory changes.
    u64 position = index - u64(m_count);
    for (;;) {
        DirectoryEntry e = TRY(m_underlying->entry_at(position));
        u64 next = e.next ? e.next : position + 1;
        if (!reserved_name(e.name)) {
            e.next = u64(m_count) + next;
            return e;
        }
        position = next;
    }
}

Result<size_t> SyntheticLink::read_link(char* buffer, size_t length) {
    const char* target = m_target();
    size_t n = min(length, strlen(target));
    memcpy(buffer, target, n);
    return n;
}

u64 SyntheticLink::size() {
    return strlen(m_target());
}
