// procfs.cpp: generators for the /proc and /sys files, and the /proc/self/fd directory.
#include "linux/procfs.h"
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/per_cpu.h"
#include "fs/device_inodes.h"
#include "fs/generated_file.h"
#include "fs/vfs.h"
#include "lib/format.h"
#include "lib/string.h"
#include "linux/process.h"
#include "mm/address_space.h"
#include "mm/heap.h"
#include "mm/physical.h"
#include "sched/thread.h"
#include "time/clock.h"

namespace {

const char* const* g_argv;
u64 g_argc;

// Appends formatted text to a generator's buffer.
struct Writer {
    char* out;
    size_t capacity;
    size_t length = 0;
    void add(const char* fmt, ...) __attribute__((format(printf, 2, 3))) {
        if (length >= capacity)
            return;
        va_list args;
        va_start(args, fmt);
        length += vformat(out + length, capacity - length, fmt, args);
        va_end(args);
        if (length > capacity)
            length = capacity;
    }
};

const char* exe_path() { return current_process().exe; }

size_t generate_maps(char* out, size_t capacity) {
    Writer w{out, capacity};
    for (const Region* r = current_address_space().regions(); r; r = r->next) {
        w.add("%012lx-%012lx %c%c%c%c %08lx 00:00 0", r->start, r->end,
              has(r->protection, Protection::Read) ? 'r' : '-',
              has(r->protection, Protection::Write) ? 'w' : '-',
              has(r->protection, Protection::Execute) ? 'x' : '-', r->shared_file() ? 's' : 'p',
              r->backing.offset);
        if (r->name)
            w.add("%*s%s", 10, "", r->name);
        w.add("\n");
    }
    return w.length;
}

size_t generate_status(char* out, size_t capacity) {
    Writer w{out, capacity};
    const char* name = current_process().exe;
    for (const char* p = name; *p; p++)
        if (*p == '/')
            name = p + 1;
    u64 used_kb = (physical_total_pages() - physical_free_pages()) * 4;
    w.add("Name:\t%.15s\nUmask:\t0022\nState:\tR (running)\nTgid:\t1\nPid:\t1\nPPid:\t0\n", name);
    w.add("Uid:\t0\t0\t0\t0\nGid:\t0\t0\t0\t0\nThreads:\t%lu\nVmRSS:\t%lu kB\n", live_thread_count(),
          used_kb);
    w.add("SigBlk:\t%016lx\n", current_thread()->signal_mask);
    u64 cpus = cpu_count() == 64 ? ~0ull : (1ull << cpu_count()) - 1;
    w.add("Cpus_allowed:\t%lx\nCpus_allowed_list:\t0-%u\n", cpus, cpu_count() - 1);
    return w.length;
}

size_t generate_cmdline(char* out, size_t capacity) {
    size_t n = 0;
    for (u64 i = 0; i < g_argc; i++) {
        size_t l = strlen(g_argv[i]) + 1;
        if (n + l > capacity)
            break;
        memcpy(out + n, g_argv[i], l);
        n += l;
    }
    return n;
}

size_t generate_meminfo(char* out, size_t capacity) {
    Writer w{out, capacity};
    u64 total = physical_total_pages() * 4, free = physical_free_pages() * 4;
    w.add("MemTotal:       %8lu kB\nMemFree:        %8lu kB\nMemAvailable:   %8lu kB\n", total, free,
          free);
    w.add("Buffers:               0 kB\nCached:                0 kB\nSwapCached:            0 kB\n");
    w.add("SwapTotal:             0 kB\nSwapFree:              0 kB\n");
    return w.length;
}

size_t generate_cpuinfo(char* out, size_t capacity) {
    Writer w{out, capacity};
    auto vendor = cpu::cpuid(0);
    char vendor_id[13];
    memcpy(vendor_id, &vendor.ebx, 4);
    memcpy(vendor_id + 4, &vendor.edx, 4);
    memcpy(vendor_id + 8, &vendor.ecx, 4);
    vendor_id[12] = 0;
    char model_name[49] = {};
    if (cpu::cpuid(0x80000000).eax >= 0x80000004)
        for (u32 i = 0; i < 3; i++) {
            auto r = cpu::cpuid(0x80000002 + i);
            memcpy(model_name + 16 * i, &r, 16);
        }
    auto id = cpu::cpuid(1);
    u32 family = (id.eax >> 8) & 0xf, model = (id.eax >> 4) & 0xf;
    if (family == 0xf)
        family += (id.eax >> 20) & 0xff;
    if (family >= 6)
        model += ((id.eax >> 16) & 0xf) << 4;
    static const struct {
        u32 reg; // 0 = edx, 1 = ecx of leaf 1
        u32 bit;
        const char* name;
    } flags[] = {{0, 0, "fpu"},    {0, 4, "tsc"},     {0, 5, "msr"},    {0, 6, "pae"},
                 {0, 8, "cx8"},    {0, 9, "apic"},    {0, 15, "cmov"},  {0, 19, "clflush"},
                 {0, 23, "mmx"},   {0, 24, "fxsr"},   {0, 25, "sse"},   {0, 26, "sse2"},
                 {1, 0, "pni"},    {1, 1, "pclmulqdq"}, {1, 9, "ssse3"}, {1, 12, "fma"},
                 {1, 13, "cx16"},  {1, 19, "sse4_1"}, {1, 20, "sse4_2"}, {1, 22, "movbe"},
                 {1, 23, "popcnt"}, {1, 25, "aes"},   {1, 26, "xsave"}, {1, 28, "avx"},
                 {1, 30, "rdrand"}};
    for (u32 c = 0; c < cpu_count(); c++) {
        w.add("processor\t: %u\nvendor_id\t: %s\ncpu family\t: %u\nmodel\t\t: %u\n", c, vendor_id,
              family, model);
        w.add("model name\t: %s\nstepping\t: %u\ncpu MHz\t\t: %lu.000\n", model_name, id.eax & 0xf,
              tsc_frequency_hz() / 1000000);
        w.add("physical id\t: 0\nsiblings\t: %u\ncore id\t\t: %u\ncpu cores\t: %u\napicid\t\t: %u\n",
              cpu_count(), c, cpu_count(), cpu_block(c).apic_id);
        w.add("flags\t\t:");
        for (const auto& f : flags)
            if (((f.reg ? id.ecx : id.edx) >> f.bit) & 1)
                w.add(" %s", f.name);
        w.add("\n\n");
    }
    return w.length;
}

size_t generate_stat(char* out, size_t capacity) {
    Writer w{out, capacity};
    // Busy time is not accounted per CPU yet: everything since boot is reported as user time of
    // the program, in USER_HZ (100) ticks.
    u64 ticks = monotonic_ns() / 10000000;
    w.add("cpu  %lu 0 0 0 0 0 0 0 0 0\n", ticks * cpu_count());
    for (u32 c = 0; c < cpu_count(); c++)
        w.add("cpu%u %lu 0 0 0 0 0 0 0 0 0\n", c, ticks);
    w.add("btime %lu\nprocesses 1\nprocs_running 1\nprocs_blocked 0\n",
          (realtime_ns() - monotonic_ns()) / 1000000000);
    return w.length;
}

size_t generate_uptime(char* out, size_t capacity) {
    u64 centiseconds = monotonic_ns() / 10000000;
    return format(out, capacity, "%lu.%02lu 0.00\n", centiseconds / 100, centiseconds % 100);
}

size_t generate_cpu_online(char* out, size_t capacity) {
    if (cpu_count() == 1)
        return format(out, capacity, "0\n");
    return format(out, capacity, "0-%u\n", cpu_count() - 1);
}

// /proc/self/fd/<n>: a link to what descriptor n refers to.
class FdLink final : public Inode {
  public:
    explicit FdLink(int fd) : Inode(InodeType::Symlink), m_fd(fd) {}
    Result<size_t> read_link(char* buffer, size_t length) override {
        OpenFile* file = TRY(current_process().fds.get(m_fd));
        const char* target = file->path ? file->path : "anon_inode:[unknown]";
        size_t n = min(length, strlen(target));
        memcpy(buffer, target, n);
        return n;
    }

  private:
    int m_fd;
};

class FdDirectory final : public Inode {
  public:
    FdDirectory() : Inode(InodeType::Directory) {}
    Result<Inode*> lookup(const char* name) override {
        int fd = 0;
        for (const char* p = name; *p; p++) {
            if (*p < '0' || *p > '9' || fd > FdTable::MAX_FDS)
                return Errno::ENOENT;
            fd = fd * 10 + (*p - '0');
        }
        TRY(current_process().fds.get(fd));
        return link_for(fd);
    }
    Result<DirectoryEntry> entry_at(u64 index) override {
        u64 seen = 0;
        for (int fd = 0; fd < FdTable::MAX_FDS; fd++) {
            if (current_process().fds.get(fd).is_error())
                continue;
            if (seen++ == index) {
                format(m_name, sizeof(m_name), "%d", fd);
                Inode* link = TRY(link_for(fd));
                return DirectoryEntry{m_name, link->number(), InodeType::Symlink};
            }
        }
        return Errno::ENOENT;
    }

  private:
    Result<Inode*> link_for(int fd) {
        if (!m_links[fd] && !(m_links[fd] = make<FdLink>(fd)))
            return Errno::ENOMEM;
        return m_links[fd];
    }
    Inode* m_links[FdTable::MAX_FDS] = {};
    char m_name[16];
};

Result<Inode*> file(GenerateContent generate) {
    Inode* inode = make<GeneratedFile>(generate);
    if (!inode)
        return Errno::ENOMEM;
    return inode;
}

} // namespace

Result<void> procfs_init(const char* const* argv, u64 argc) {
    g_argv = argv;
    g_argc = argc;
    auto* proc = make<SyntheticDirectory>(vfs_image_directory("proc"));
    auto* self = make<SyntheticDirectory>(nullptr);
    auto* sys = make<SyntheticDirectory>(vfs_image_directory("sys"));
    auto* devices = make<SyntheticDirectory>(vfs_image_directory("sys/devices"));
    auto* system = make<SyntheticDirectory>(vfs_image_directory("sys/devices/system"));
    auto* cpu_dir = make<SyntheticDirectory>(vfs_image_directory("sys/devices/system/cpu"));
    auto* exe = make<SyntheticLink>(exe_path);
    auto* fd = make<FdDirectory>();
    if (!proc || !self || !sys || !devices || !system || !cpu_dir || !exe || !fd)
        return Errno::ENOMEM;
    self->add("exe", exe);
    self->add("fd", fd);
    self->add("maps", TRY(file(generate_maps)));
    self->add("status", TRY(file(generate_status)));
    self->add("cmdline", TRY(file(generate_cmdline)));
    proc->add("self", self);
    proc->add("1", self);
    proc->add("meminfo", TRY(file(generate_meminfo)));
    proc->add("cpuinfo", TRY(file(generate_cpuinfo)));
    proc->add("stat", TRY(file(generate_stat)));
    proc->add("uptime", TRY(file(generate_uptime)));
    cpu_dir->add("online", TRY(file(generate_cpu_online)));
    cpu_dir->add("possible", TRY(file(generate_cpu_online)));
    cpu_dir->add("present", TRY(file(generate_cpu_online)));
    system->add("cpu", cpu_dir);
    devices->add("system", system);
    sys->add("devices", devices);
    TRY(vfs_add_root("proc", proc));
    TRY(vfs_add_root("sys", sys));
    return {};
}
