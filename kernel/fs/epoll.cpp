// epoll.cpp: the interest list and readiness collection. Each interest is registered on the
// watched object's poll queue (fs/poll.h) and forwards its notifications to the instance's own
// queue, where epoll_wait sleeps. Edge-triggered entries report when a watched bit turns on
// since the last report; one-shot entries disarm after reporting; exclusive entries
// (EPOLLEXCLUSIVE) report only what a notification delivered to them, as Linux's ready list.
#include "fs/epoll.h"
#include "fs/poll.h"
#include "mm/heap.h"

namespace {

class EpollInstance;

struct Interest {
    int fd;
    OpenFile* file;
    u32 events;
    u64 data;
    u32 last_ready = 0;
    bool armed = true;
    // Exclusive entries only: a notification reached this entry (or it was ready when added)
    // and it has not been reported since; Linux's ready-list membership.
    bool queued = false;
    u64 seen_events; // the file's readiness_events() at the last report
    EpollInstance* owner;
    PollEntry entry; // on the watched object's poll queue
};

Interest* interest_of(PollEntry* entry) {
    auto offset = reinterpret_cast<size_t>(&(static_cast<Interest*>(nullptr)->entry));
    return reinterpret_cast<Interest*>(reinterpret_cast<char*>(entry) - offset);
}

bool forward_notification(PollEntry* entry, u32 depth);

class EpollInstance final : public Inode {
  public:
    EpollInstance() : Inode(InodeType::CharDevice) {}
    ListNode instances_node;
    u32 mode_bits() override { return 0600; }
    SpecialInode special() const override { return SpecialInode::Epoll; }
    u32 poll_events() override {
        EpollEvent scratch;
        return peek(&scratch) ? poll_bits::IN : 0;
    }
    void release() override;

    // The open file is going away: drop it from the interest list, as Linux does on last close.
    void forget(OpenFile* file) {
        for (u64 i = 0; i < m_count;) {
            if (m_items[i]->file == file)
                remove_at(i);
            else
                i++;
        }
    }

    void forget_all() {
        while (m_count)
            remove_at(m_count - 1);
    }

    Interest* find(int fd, OpenFile* file) {
        for (u64 i = 0; i < m_count; i++)
            if (m_items[i]->fd == fd && m_items[i]->file == file)
                return m_items[i];
        return nullptr;
    }

    Result<void> add(int fd, OpenFile* file, const EpollEvent& event) {
        if (m_count == m_capacity) {
            u64 capacity = m_capacity ? m_capacity * 2 : 16;
            auto* items = static_cast<Interest**>(kmalloc(sizeof(Interest*) * capacity));
            if (!items)
                return Errno::ENOMEM;
            for (u64 i = 0; i < m_count; i++)
                items[i] = m_items[i];
            kfree(m_items);
            m_items = items;
            m_capacity = capacity;
        }
        auto* it = make<Interest>();
        if (!it)
            return Errno::ENOMEM;
        it->fd = fd;
        it->file = file;
        it->events = event.events;
        it->data = event.data;
        it->seen_events = file->inode->readiness_events();
        it->owner = this;
        it->queued = (file->inode->poll_events() & wanted(*it)) != 0;
        it->entry.notify = forward_notification;
        poll_register(&it->entry, file->inode, event.events & epoll_flags::EXCLUSIVE);
        m_items[m_count++] = it;
        return {};
    }

    void remove(Interest* interest) {
        for (u64 i = 0; i < m_count; i++)
            if (m_items[i] == interest)
                return remove_at(i);
    }

    u64 collect(EpollEvent* out, u64 max, bool consume) {
        u64 n = 0;
        for (u64 i = 0; i < m_count && n < max; i++) {
            Interest& it = *m_items[i];
            if (!it.armed)
                continue;
            bool exclusive = it.events & epoll_flags::EXCLUSIVE;
            if (exclusive && !it.queued)
                continue;
            u32 ready = it.file->inode->poll_events();
            u32 hits = ready & wanted(it);
            bool report = hits != 0;
            u64 events = it.file->inode->readiness_events();
            if (report && (it.events & epoll_flags::EDGE))
                report = (hits & ~it.last_ready) != 0 || events != it.seen_events;
            if (consume) {
                it.last_ready = hits;
                it.seen_events = events;
                // Linux keeps a reported level-triggered entry on the ready list while it stays
                // ready; anything else leaves it until the next notification.
                it.queued = report && !(it.events & epoll_flags::EDGE);
            }
            if (!report)
                continue;
            out[n++] = EpollEvent{hits, it.data};
            if (consume && (it.events & epoll_flags::ONESHOT))
                it.armed = false;
        }
        return n;
    }

    bool peek(EpollEvent* scratch) { return collect(scratch, 1, false) != 0; }

  private:
    static u32 wanted(const Interest& it) { return it.events | poll_bits::ERR | poll_bits::HUP; }

    void remove_at(u64 i) {
        Interest* it = m_items[i];
        poll_unregister(&it->entry);
        destroy(it);
        m_items[i] = m_items[--m_count];
    }

    Interest** m_items = nullptr;
    u64 m_count = 0;
    u64 m_capacity = 0;
};

// A watched object changed: record it for exclusive entries and wake this instance's waiters
// (threads in epoll_wait, pollers of the epoll descriptor, enclosing epoll instances).
bool forward_notification(PollEntry* entry, u32 depth) {
    Interest* it = interest_of(entry);
    it->queued = true;
    return poll_notify_nested(it->owner, depth + 1);
}

IntrusiveList<EpollInstance, &EpollInstance::instances_node> g_instances;

void EpollInstance::release() {
    forget_all();
    decltype(g_instances)::remove(this);
    // FIXME: free the instance once inodes are reference counted.
}

} // namespace

Result<Inode*> epoll_create() {
    auto* instance = make<EpollInstance>();
    if (!instance)
        return Errno::ENOMEM;
    g_instances.push_back(instance);
    return instance;
}

void epoll_forget_file(OpenFile* file) {
    g_instances.for_each([&](EpollInstance* e) { e->forget(file); });
}

bool is_epoll(Inode* inode) {
    return inode->is_epoll();
}

Result<void> epoll_control(Inode* epoll, int op, int fd, OpenFile* file, const EpollEvent& event) {
    constexpr int ADD = 1, DEL = 2, MOD = 3;
    // What EPOLLEXCLUSIVE may be combined with ([linux] fs/eventpoll.c, EPOLLEXCLUSIVE_OK_BITS).
    constexpr u32 EXCLUSIVE_OK = poll_bits::IN | poll_bits::OUT | poll_bits::PRI |
                                 poll_bits::RDNORM | poll_bits::WRNORM | 0x80 /* RDBAND */ |
                                 0x200 /* WRBAND */ | poll_bits::ERR | poll_bits::HUP |
                                 epoll_flags::WAKEUP | epoll_flags::EDGE | epoll_flags::EXCLUSIVE;
    auto* instance = static_cast<EpollInstance*>(epoll);
    if (file->inode == epoll)
        return Errno::EINVAL;
    Interest* existing = instance->find(fd, file);
    switch (op) {
    case ADD:
        if (existing)
            return Errno::EEXIST;
        if ((event.events & epoll_flags::EXCLUSIVE) &&
            ((event.events & ~EXCLUSIVE_OK) || file->inode->is_epoll()))
            return Errno::EINVAL;
        TRY(instance->add(fd, file, event));
        break;
    case DEL:
        if (!existing)
            return Errno::ENOENT;
        instance->remove(existing);
        break;
    case MOD:
        if (!existing)
            return Errno::ENOENT;
        if ((event.events & epoll_flags::EXCLUSIVE) || (existing->events & epoll_flags::EXCLUSIVE))
            return Errno::EINVAL; // not allowed with MOD, as Linux
        existing->events = event.events;
        existing->data = event.data;
        existing->last_ready = 0;
        existing->armed = true;
        existing->seen_events = file->inode->readiness_events();
        break;
    default:
        return Errno::EINVAL;
    }
    poll_notify(epoll); // a waiter may now have something to report
    return {};
}

u64 epoll_collect(Inode* epoll, EpollEvent* out, u64 max) {
    return static_cast<EpollInstance*>(epoll)->collect(out, max, true);
}
