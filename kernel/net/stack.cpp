// stack.cpp: lwIP's life cycle in the kernel: initialisation, its timeouts driven by one kernel
// timer armed for the next lwIP deadline, and the loopback interface polled after each call.
#include "net/stack.h"
#include "lib/errno.h"
#include "lib/format.h"
#include "net/interface.h"
#include "sched/timer.h"
#include "time/clock.h"

#include "lwip/init.h"
#include "lwip/netif.h"
#include "lwip/timeouts.h"

namespace {

KernelTimer g_lwip_timer;
bool g_started = false;

void fire_lwip_timer(KernelTimer*) {
    net_service();
}

} // namespace

void net_init() {
    lwip_init(); // also adds the loopback interface (LWIP_HAVE_LOOPIF)
    g_lwip_timer.fire = fire_lwip_timer;
    g_started = true;
}

void net_service() {
    if (!g_started)
        return;
    netif_poll_all();
    sys_check_timeouts();
    netif_poll_all();
    // Sent frames hold their pbufs until collected; a quiet link raises no interrupt to do it.
    interfaces_reclaim_transmitted();
    u32 sleep_ms = sys_timeouts_sleeptime();
    if (sleep_ms == SYS_TIMEOUTS_SLEEPTIME_INFINITE) {
        timer_cancel(&g_lwip_timer);
        return;
    }
    // One millisecond more than asked: lwIP counts whole milliseconds (sys_now), and a timer
    // that fires just before its millisecond would find nothing due and spin.
    u64 deadline = monotonic_ns() + (u64(sleep_ms) + 1) * 1000000;
    if (!g_lwip_timer.armed() || g_lwip_timer.deadline > deadline)
        timer_start(&g_lwip_timer, deadline);
}

StackCall::~StackCall() {
    net_service();
}

void net_add_device(virtio::Transport* transport) {
    if (auto created = interface_create(transport); created.is_error())
        kprintf("ops kernel: virtio-net device failed to start (%s)\n",
                errno_name(created.error()));
}

void net_start(const tfs::Value* manifest_root) {
    interfaces_configure(manifest_root);
}
