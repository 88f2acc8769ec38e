// epoll.h: epoll instances as VFS nodes: an interest list of (descriptor, open file, events,
// data), level- or edge-triggered, one-shot and exclusive flags.
#pragma once

#include "fs/open_file.h"

namespace epoll_flags {
constexpr u32 EXCLUSIVE = 1u << 28;
constexpr u32 WAKEUP = 1u << 29;
constexpr u32 ONESHOT = 1u << 30;
constexpr u32 EDGE = 1u << 31;
} // namespace epoll_flags

struct EpollEvent {
    u32 events;
    u64 data;
} __attribute__((packed));
static_assert(sizeof(EpollEvent) == 12);

Result<Inode*> epoll_create();
bool is_epoll(Inode* inode);
// EPOLL_CTL_ADD = 1, DEL = 2, MOD = 3.
Result<void> epoll_control(Inode* epoll, int op, int fd, OpenFile* file, const EpollEvent& event);
// Removes a closing open file from every interest list (called on its last close).
void epoll_forget_file(OpenFile* file);
// Collects up to `max` ready events without blocking; returns how many.
u64 epoll_collect(Inode* epoll, EpollEvent* out, u64 max);
