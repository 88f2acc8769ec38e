// elf_loader.cpp: maps PT_LOAD segments as Linux does (later segments replace shared pages,
// page heads come from the file, the rest of the last page is zeroed), then lays out the stack.
#include "linux/elf_loader.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/gdt.h"
#include "common/base/endian.h"
#include "common/elf/elf_file.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/random.h"
#include "lib/string.h"
#include "linux/abi/auxv.h"
#include "linux/process.h"
#include "linux/vdso.h"
#include "mm/address_space.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/region_names.h"

namespace {

using common::elf::ElfFile;

constexpr u64 HEADER_READ = 16 * KiB;      // enough for headers of any sane binary
constexpr u64 PIE_BASE = 0x555555554000;    // Linux's base for PIE without ASLR
constexpr u64 STACK_TOP = 0x7ffffffff000;
constexpr u64 STACK_RESERVE = 8 * MiB;      // RLIMIT_STACK default
constexpr u64 COPY_CHUNK = 64 * KiB;
constexpr u64 MAX_ARGUMENT_BYTES = 2 * MiB; // bound on argv+envp strings (Linux: ARG_MAX-ish)

char g_error_detail[160];

u64 random_pages(u64 max_pages) { return (random_u64() % max_pages) * PAGE_SIZE; }

Protection protection_of(u32 flags) {
    Protection p = Protection::None;
    if (flags & 4)
        p = p | Protection::Read;
    if (flags & 2)
        p = p | Protection::Write;
    if (flags & 1)
        p = p | Protection::Execute;
    return p;
}

Result<void> copy_file_to_user(Inode* inode, u64 file_offset, u64 user_address, u64 length) {
    auto* buffer = static_cast<u8*>(kmalloc(COPY_CHUNK));
    if (!buffer)
        return Errno::ENOMEM;
    Result<void> result;
    while (length) {
        u64 n = min(length, COPY_CHUNK);
        auto got = inode->read(file_offset, buffer, n);
        if (got.is_error() || got.value() != n) {
            result = Errno::EIO;
            break;
        }
        auto written = current_address_space().write_bytes(user_address, buffer, n);
        if (written.is_error()) {
            result = written.error();
            break;
        }
        file_offset += n;
        user_address += n;
        length -= n;
    }
    kfree(buffer);
    return result;
}

// Pushes bytes onto the user stack being built (top-down).
class StackBuilder {
  public:
    explicit StackBuilder(u64 top) : m_sp(top) {}
    Result<u64> push_bytes(const void* data, u64 length) {
        m_sp -= length;
        TRY(current_address_space().write_bytes(m_sp, data, length));
        return m_sp;
    }
    Result<u64> push_string(const char* s) { return push_bytes(s, strlen(s) + 1); }
    Result<void> push_word(u64 v) {
        TRY(push_bytes(&v, 8));
        return {};
    }
    void align(u64 a) { m_sp = align_down(m_sp, a); }
    u64 sp() const { return m_sp; }

  private:
    u64 m_sp;
};

// Where one ELF object ended up.
struct LoadedObject {
    u64 bias = 0;
    u64 entry = 0;
    u64 phdr = 0;
    u64 phnum = 0;
    u64 end = 0; // page-aligned end of its highest segment
    bool dynamic = false;
    char interpreter[256] = {};
};

// Reads the headers of `path`, checks them, and maps its PT_LOAD segments. `choose_bias` picks
// the load bias of a position-independent object from its load span.
template <typename ChooseBias>
Result<LoadedObject> load_object(const char* path, ChooseBias choose_bias) {
    Inode* inode = TRY(vfs_resolve("/", path, FollowLinks::Yes));
    if (inode->type() != InodeType::Regular)
        return Errno::EACCES;
    u64 file_size = inode->size();
    u64 header_length = min(file_size, HEADER_READ);
    auto* header = static_cast<u8*>(kmalloc(header_length ? header_length : 1));
    if (!header)
        return Errno::ENOMEM;
    struct Free {
        u8* p;
        ~Free() { kfree(p); }
    } free_header{header};
    u64 got = TRY(inode->read(0, header, header_length));

    ElfFile elf;
    auto error = ElfFile::parse(common::Bytes(header, got), file_size, &elf);
    if (error.ok())
        error = elf.check_entry();
    if (!error.ok()) {
        format(g_error_detail, sizeof(g_error_detail), "%s: %s", path,
               common::elf::elf_error_message(error.code));
        return Errno::ENOEXEC;
    }
    LoadedObject object;
    if (elf.link_kind() == common::elf::LinkKind::Dynamic) {
        if (elf.interpreter_length() >= sizeof(object.interpreter))
            return Errno::ENAMETOOLONG;
        object.dynamic = true;
        memcpy(object.interpreter, elf.interpreter(), elf.interpreter_length());
    }
    AddressSpace& space = current_address_space();
    if (elf.is_pie())
        object.bias = TRY(choose_bias(elf.load_span().low, elf.load_span().high));
    for (auto ph : elf.program_headers()) {
        if (ph.p_type == common::elf::PT_PHDR)
            object.phdr = ph.p_vaddr + object.bias;
        if (ph.p_type != common::elf::PT_LOAD || ph.p_memsz == 0)
            continue;
        u64 start = align_down(ph.p_vaddr + object.bias, PAGE_SIZE);
        u64 head = ph.p_vaddr + object.bias - start;
        u64 end = align_up(ph.p_vaddr + object.bias + ph.p_memsz, PAGE_SIZE);
        TRY(space.map(start, end - start, protection_of(ph.p_flags), MapPlacement::Fixed,
                      intern_region_name(path)));
        TRY(space.populate(start, end - start));
        TRY(copy_file_to_user(inode, ph.p_offset - head, start, ph.p_filesz + head));
        object.end = max(object.end, end);
        if (!object.phdr && ph.p_offset == 0)
            object.phdr = ph.p_vaddr + object.bias + common::load_le64(header + 32); // e_phoff
    }
    object.entry = elf.entry() + object.bias;
    object.phnum = elf.program_header_count();
    return object;
}

} // namespace

const char* load_program_error_detail() { return g_error_detail; }

Result<void> load_program(const ProgramImage& program, TrapFrame& frame) {
    g_error_detail[0] = 0;
    AddressSpace& space = current_address_space();
    // The stack and mmap area are placed first so the interpreter can go into the mmap area.
    u64 stack_top = STACK_TOP - (program.randomize ? random_pages(1ull << 18) : 0);
    TRY(space.map(stack_top - STACK_RESERVE, STACK_RESERVE, Protection::Read | Protection::Write,
                  MapPlacement::Fixed, "[stack]"));
    space.set_mmap_top(stack_top - STACK_RESERVE - PAGE_SIZE -
                       (program.randomize ? random_pages(1ull << 28) : 0));

    LoadedObject executable = TRY(load_object(program.path, [&](u64 low, u64) -> Result<u64> {
        return PIE_BASE + (program.randomize ? random_pages(1ull << 28) : 0) - align_down(low, PAGE_SIZE);
    }));
    LoadedObject interpreter;
    if (executable.dynamic) {
        // The interpreter goes where mmap would put it (as Linux does), found by reserving its
        // span and loading it there.
        interpreter = TRY(load_object(executable.interpreter, [&](u64 low, u64 high) -> Result<u64> {
            u64 span = align_up(high, PAGE_SIZE) - align_down(low, PAGE_SIZE);
            u64 base = TRY(space.map(0, span, Protection::None, MapPlacement::Anywhere));
            return base - align_down(low, PAGE_SIZE);
        }));
        if (interpreter.dynamic) {
            format(g_error_detail, sizeof(g_error_detail), "the interpreter %s itself has an interpreter",
                   executable.interpreter);
            return Errno::ENOEXEC;
        }
    }
    u64 image_end = executable.end;
    u64 vdso_base = TRY(map_vdso());
    u64 heap_start = image_end + (program.randomize ? random_pages(1ull << 13) : 0);
    space.set_heap_start(heap_start);

    // Strings first (execfn, platform, env, argv), then random bytes, then the vectors.
    StackBuilder stack(stack_top);
    u64 total_strings = 0;
    for (u64 i = 0; i < program.argc; i++)
        total_strings += strlen(program.argv[i]) + 1;
    for (u64 i = 0; i < program.envc; i++)
        total_strings += strlen(program.envp[i]) + 1;
    if (total_strings > MAX_ARGUMENT_BYTES)
        return Errno::E2BIG;
    u64 execfn = TRY(stack.push_string(program.path));
    u64 platform = TRY(stack.push_string("x86_64"));
    auto* pointers = static_cast<u64*>(kmalloc(8 * (program.argc + program.envc + 1)));
    if (!pointers)
        return Errno::ENOMEM;
    struct FreePointers {
        u64* p;
        ~FreePointers() { kfree(p); }
    } free_pointers{pointers};
    for (u64 i = program.envc; i-- > 0;)
        pointers[program.argc + i] = TRY(stack.push_string(program.envp[i]));
    for (u64 i = program.argc; i-- > 0;)
        pointers[i] = TRY(stack.push_string(program.argv[i]));
    u8 random_bytes[16];
    random_fill(random_bytes, sizeof(random_bytes));
    stack.align(16);
    u64 at_random = TRY(stack.push_bytes(random_bytes, sizeof(random_bytes)));

    u64 auxv[][2] = {
        {auxv::PHDR, executable.phdr},
        {auxv::PHENT, sizeof(common::elf::Elf64Phdr)},
        {auxv::PHNUM, executable.phnum},
        {auxv::PAGESZ, PAGE_SIZE},
        {auxv::BASE, executable.dynamic ? interpreter.bias : 0},
        {auxv::FLAGS, 0},
        {auxv::ENTRY, executable.entry},
        {auxv::UID, 0},
        {auxv::EUID, 0},
        {auxv::GID, 0},
        {auxv::EGID, 0},
        {auxv::PLATFORM, platform},
        {auxv::HWCAP, cpu::cpuid(1).edx},
        {auxv::CLKTCK, 100},
        {auxv::SECURE, 0},
        {auxv::RANDOM, at_random},
        {auxv::HWCAP2, 0},
        {auxv::EXECFN, execfn},
        {auxv::SYSINFO_EHDR, vdso_base},
        {auxv::NULL_, 0},
    };
    u64 auxv_words = sizeof(auxv) / 8;
    u64 vector_words = 1 + program.argc + 1 + program.envc + 1 + auxv_words;
    // rsp must be 16-byte aligned at argc.
    stack.align(16);
    if (vector_words % 2)
        TRY(stack.push_word(0));
    TRY(stack.push_bytes(auxv, sizeof(auxv)));
    TRY(stack.push_word(0));
    for (u64 i = program.envc; i-- > 0;)
        TRY(stack.push_word(pointers[program.argc + i]));
    TRY(stack.push_word(0));
    for (u64 i = program.argc; i-- > 0;)
        TRY(stack.push_word(pointers[i]));
    TRY(stack.push_word(program.argc));

    memset(&frame, 0, sizeof(frame));
    frame.rip = executable.dynamic ? interpreter.entry : executable.entry;
    frame.rsp = stack.sp();
    frame.cs = selector::USER_CODE;
    frame.ss = selector::USER_DATA;
    frame.rflags = 0x202; // IF
    return {};
}
