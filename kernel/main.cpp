// main.cpp: kernel_main, the boot sequence from the PVH entry to the program's first
// instruction: CPU tables, memory, clock, devices, root filesystem, manifest, program.
#include "arch/x86_64/cpu.h"
#include "arch/x86_64/cpu_setup.h"
#include "arch/x86_64/fpu.h"
#include "arch/x86_64/gdt.h"
#include "arch/x86_64/idt.h"
#include "arch/x86_64/ioapic.h"
#include "arch/x86_64/pvh.h"
#include "arch/x86_64/smp.h"
#include "arch/x86_64/trap_frame.h"
#include "common/manifest/manifest.h"
#include "dev/interrupts.h"
#include "dev/pci/bar_window.h"
#include "dev/pci/enumeration.h"
#include "dev/serial.h"
#include "dev/virtio/blk/blk.h"
#include "dev/virtio/transport/mmio.h"
#include "dev/virtio/transport/pci.h"
#include "fs/device_inodes.h"
#include "fs/root_mount.h"
#include "fs/tfs_volume.h"
#include "fs/vfs.h"
#include "fs/volume_mounts.h"
#include "lib/format.h"
#include "lib/panic.h"
#include "lib/random.h"
#include "lib/string.h"
#include "linux/elf_loader.h"
#include "linux/missing_files.h"
#include "linux/process.h"
#include "linux/procfs.h"
#include "mm/heap.h"
#include "mm/layout.h"
#include "mm/page_table.h"
#include "mm/physical.h"
#include "net/stack.h"
#include "sched/kernel_lock.h"
#include "sched/scheduler.h"
#include "sched/thread.h"
#include "time/clock.h"

extern "C" void (*init_array_start[])();
extern "C" char boot_stack_top[];
extern "C" void (*init_array_end[])();

namespace {

constexpr size_t MAX_ARGUMENTS = 4096;
constexpr size_t MAX_ENVIRONMENT = 4096;

// The command line ops passes (QEMU -append): "ops.realtime=<ns since the epoch>" and the
// virtio_mmio.device declarations QEMU adds (we find the devices by probing; the declarations
// give their interrupt lines).
void apply_command_line(const HvmStartInfo& info) {
    if (!info.cmdline_paddr)
        return;
    const char* p = static_cast<const char*>(phys_to_virt(info.cmdline_paddr));
    virtio::mmio_parse_command_line(p);
    while (*p) {
        while (*p == ' ')
            p++;
        if (starts_with(p, "ops.realtime=")) {
            u64 ns = 0;
            for (p += 13; *p >= '0' && *p <= '9'; p++)
                ns = ns * 10 + u64(*p - '0');
            set_realtime_ns(ns);
        }
        while (*p && *p != ' ')
            p++;
    }
}

// Starts the driver for a virtio device found on either transport; `transport` lives on.
void start_virtio_device(virtio::Transport* transport) {
    if (transport->device_id() == virtio::device_id::NET) {
        net_add_device(transport);
        return;
    }
    if (transport->device_id() != virtio::device_id::BLOCK ||
        virtio::g_disk_count == virtio::MAX_DISKS)
        return;
    auto disk = virtio::BlockDevice::create(transport);
    if (disk.is_error()) {
        kprintf("ops kernel: virtio-blk device failed to start (%s)\n", errno_name(disk.error()));
        return;
    }
    virtio::g_disks[virtio::g_disk_count++] = disk.value();
}

void found_mmio_device(virtio::MmioTransport& found) {
    u32 type = found.device_id();
    if (type != virtio::device_id::NET && type != virtio::device_id::BLOCK)
        return;
    if (auto* transport = make<virtio::MmioTransport>(found))
        start_virtio_device(transport);
}

void found_pci_device(pci::Device& device) {
    u32 type = virtio::pci_virtio_device_id(device);
    if (type != virtio::device_id::NET && type != virtio::device_id::BLOCK)
        return;
    auto transport = virtio::PciTransport::create(device);
    if (transport.is_error()) {
        kprintf("ops kernel: virtio PCI device %x:%x.%x unusable (%s)\n", device.address().bus,
                device.address().device, device.address().function, errno_name(transport.error()));
        return;
    }
    start_virtio_device(transport.value());
}

char* copy_bytes_as_string(common::Bytes bytes) {
    auto* s = static_cast<char*>(kmalloc(bytes.size() + 1));
    if (!s)
        panic("out of memory reading the manifest");
    memcpy(s, bytes.data(), bytes.size());
    s[bytes.size()] = 0;
    return s;
}

[[noreturn]] void fail_boot(const char* what, int status) {
    kprintf("ops kernel: %s\n", what);
    process_exit(status);
}

} // namespace

extern "C" [[noreturn]] void kernel_main(u32 start_info_physical) {
    serial_init();
    gdt_init(0);
    kernel_lock_acquire(); // held by the boot CPU until it first idles
    idt_init();
    auto& info = *static_cast<HvmStartInfo*>(phys_to_virt(start_info_physical));
    if (info.magic != HvmStartInfo::MAGIC)
        panic("not started through PVH (start info magic %x)", info.magic);
    physical_init(info);
    paging_init();
    fpu_init();
    cpu_setup_features(0);
    for (auto** ctor = init_array_start; ctor < init_array_end; ctor++)
        (*ctor)();
    random_init();
    clock_init();
    interrupts_init();
    ioapic_init();
    apply_command_line(info);
    cpu::enable_interrupts();

    net_init();
    // Devices on both transports: virtio-mmio slots (microvm), then PCI (q35, pc).
    virtio::scan_mmio(found_mmio_device);
    pci::bar_window_init(info);
    pci::enumerate(found_pci_device);
    if (virtio::g_disk_count == 0)
        fail_boot("no disk: no virtio-blk device was found on virtio-mmio or PCI", 126);
    int boot_disk = -1;
    auto mounted = mount_root_filesystem(&boot_disk);
    if (mounted.is_error())
        fail_boot("no bootable disk with a root filesystem was found", 126);
    TfsVolume* root_volume = mounted.value();
    const tfs::Value* manifest_root = root_volume->reader().root();
    if (manifest::has_flag(manifest_root, "readonly_rootfs"))
        root_volume->set_read_only(); // manifest.md: no log writes at all
    net_start(manifest_root);

    Process& process = current_process();
    common::Bytes program_bytes;
    if (manifest::program(manifest_root, &program_bytes) != manifest::Error::none)
        fail_boot("the manifest has no program", 126);
    char* program = copy_bytes_as_string(program_bytes);
    process.trace = manifest::has_flag(manifest_root, manifest::key::trace);
    process.trace_all = manifest::has_flag(manifest_root, manifest::key::debugsyscalls);
    if (manifest::has_flag(manifest_root, manifest::key::missing_files))
        missing_files_enable();

    static common::Bytes argument_bytes[MAX_ARGUMENTS];
    size_t argc = 0;
    if (manifest::arguments(manifest_root, common::Span<common::Bytes>(argument_bytes), &argc) !=
        manifest::Error::none)
        fail_boot("the manifest's arguments are malformed", 126);
    argc = min(argc, MAX_ARGUMENTS);
    auto** argv = static_cast<const char**>(kmalloc(sizeof(char*) * (argc + 1)));
    for (size_t i = 0; i < argc; i++)
        argv[i] = copy_bytes_as_string(argument_bytes[i]);

    static manifest::EnvVar env_vars[MAX_ENVIRONMENT];
    size_t envc = 0;
    manifest::environment(manifest_root, common::Span<manifest::EnvVar>(env_vars), &envc);
    envc = min(envc, MAX_ENVIRONMENT);
    auto** envp = static_cast<const char**>(kmalloc(sizeof(char*) * (envc + 1)));
    for (size_t i = 0; i < envc; i++) {
        char* s = static_cast<char*>(kmalloc(env_vars[i].name.size() + env_vars[i].value.size() + 2));
        memcpy(s, env_vars[i].name.data(), env_vars[i].name.size());
        s[env_vars[i].name.size()] = '=';
        memcpy(s + env_vars[i].name.size() + 1, env_vars[i].value.data(), env_vars[i].value.size());
        s[env_vars[i].name.size() + 1 + env_vars[i].value.size()] = 0;
        envp[i] = s;
    }

    Inode* root = MUST(root_volume->root());
    MUST(vfs_init(root));
    MUST(procfs_init(argv, argc));
    mount_attached_volumes(manifest_root, boot_disk);
    memcpy(process.exe, program, strlen(program) + 1);
    common::Bytes cwd;
    if (manifest::cwd(manifest_root, &cwd)) {
        char* path = copy_bytes_as_string(cwd);
        char canonical[PATH_MAX_LENGTH];
        auto dir = vfs_resolve("/", path, FollowLinks::Yes, canonical);
        if (dir.is_error() || !dir.value()->is_directory())
            fail_boot("the manifest's cwd is not a directory in the image", 126);
        memcpy(process.cwd, canonical, strlen(canonical) + 1);
    }
    OpenFile* console = MUST(open_file_create(console_inode(), 2 /* O_RDWR */, "/dev/console"));
    for (int fd = 0; fd < 3; fd++)
        MUST(process.fds.install_at(fd, console));
    open_file_release(console);


    ProgramImage image{program, argv, argc, envp, envc,
                       !manifest::has_flag(manifest_root, manifest::key::noaslr)};
    TrapFrame frame;
    auto loaded = load_program(image, frame);
    if (loaded.is_error()) {
        char line[256];
        const char* detail = load_program_error_detail();
        format(line, sizeof(line), "cannot run %s: %s", program,
               detail[0] ? detail : errno_name(loaded.error()));
        fail_boot(line, 126);
    }
    // The boot CPU becomes its idle thread; the program's first thread and the other CPUs
    // take it from here.
    scheduler_init();
    scheduler_start_cpu(MUST(thread_create_idle(u64(boot_stack_top))));
    smp_start_application_processors();
    make_runnable(MUST(thread_create(frame, 0)));
    idle_loop();
}
