// stack.h: the TCP/IP stack's entry points and its one rule: lwIP (NO_SYS) is not reentrant,
// so every call into it runs inside a StackCall, which holds off this CPU's interrupts (the
// network interrupt feeds lwIP too) while the big kernel lock keeps other CPUs out. Leaving a
// StackCall delivers loopback traffic and re-arms lwIP's timers. Keep lwIP types behind net/.
#pragma once

#include "arch/x86_64/interrupt_guard.h"
#include "common/tfs/value.h"

namespace virtio {
class Transport;
}

// Brings up lwIP and the loopback interface. Before any device is added.
void net_init();
// Starts a virtio-net device found on the bus; interfaces are numbered en1, en2, ... in order.
void net_add_device(virtio::Transport* transport);
// Configures every interface from the manifest (static addresses or DHCP, IPv6) and enables
// their interrupts. After all devices are added.
void net_start(const tfs::Value* manifest_root);

class StackCall {
  public:
    StackCall() = default;
    ~StackCall();
    StackCall(const StackCall&) = delete;
    StackCall& operator=(const StackCall&) = delete;

  private:
    InterruptGuard m_interrupts;
};

// Runs what lwIP has queued (loopback packets, expired timeouts) and re-arms its timer. Called
// when a StackCall ends and from the timer itself; interrupts must be off.
void net_service();
