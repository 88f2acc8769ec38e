// epoll.cpp: the interest list and readiness collection. Edge-triggered entries report when a
// watched bit turns on since the last report; one-shot entries disarm after reporting.
#include "fs/epoll.h"
#include "fs/poll.h"
#include "mm/heap.h"

namespace {

struct Interest {
    int fd;
    OpenFile* file;
    u32 events;
    u64 data;
    u32 last_ready;
    bool armed;
    u64 seen_events; // the file's readiness_events() at the last report
};

class EpollInstance;

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
            if (m_items[i].file == file)
                m_items[i] = m_items[--m_count];
            else
                i++;
        }
    }

    Interest* find(int fd, OpenFile* file) {
        for (u64 i = 0; i < m_count; i++)
            if (m_items[i].fd == fd && m_items[i].file == file)
                return &m_items[i];
        return nullptr;
    }

    Result<void> add(const Interest& interest) {
        if (m_count == m_capacity) {
            u64 capacity = m_capacity ? m_capacity * 2 : 16;
            auto* items = static_cast<Interest*>(kmalloc(sizeof(Interest) * capacity));
            if (!items)
                return Errno::ENOMEM;
            for (u64 i = 0; i < m_count; i++)
                items[i] = m_items[i];
            kfree(m_items);
            m_items = items;
            m_capacity = capacity;
        }
        m_items[m_count++] = interest;
        return {};
    }

    void remove(Interest* interest) { *interest = m_items[--m_count]; }

    u64 collect(EpollEvent* out, u64 max, bool consume) {
        u64 n = 0;
        for (u64 i = 0; i < m_count && n < max; i++) {
            Interest& it = m_items[i];
            if (!it.armed)
                continue;
            u32 ready = it.file->inode->poll_events();
            u32 wanted = it.events | poll_bits::ERR | poll_bits::HUP;
            u32 hits = ready & wanted;
            bool report = hits != 0;
            u64 events = it.file->inode->readiness_events();
            if (report && (it.events & epoll_flags::EDGE))
                report = (hits & ~it.last_ready) != 0 || events != it.seen_events;
            if (consume) {
                it.last_ready = hits;
                it.seen_events = events;
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
    Interest* m_items = nullptr;
    u64 m_count = 0;
    u64 m_capacity = 0;
};

IntrusiveList<EpollInstance, &EpollInstance::instances_node> g_instances;

void EpollInstance::release() {
    m_count = 0;
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

bool is_epoll(Inode* inode) { return inode->is_epoll(); }

Result<void> epoll_control(Inode* epoll, int op, int fd, OpenFile* file, const EpollEvent& event) {
    constexpr int ADD = 1, DEL = 2, MOD = 3;
    auto* instance = static_cast<EpollInstance*>(epoll);
    if (file->inode == epoll)
        return Errno::EINVAL;
    Interest* existing = instance->find(fd, file);
    switch (op) {
    case ADD:
        if (existing)
            return Errno::EEXIST;
        TRY(instance->add(Interest{fd, file, event.events, event.data, 0, true,
                                   file->inode->readiness_events()}));
        break;
    case DEL:
        if (!existing)
            return Errno::ENOENT;
        instance->remove(existing);
        break;
    case MOD:
        if (!existing)
            return Errno::ENOENT;
        if (event.events & epoll_flags::EXCLUSIVE)
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
    poll_notify(); // a waiter may now have something to report
    return {};
}

u64 epoll_collect(Inode* epoll, EpollEvent* out, u64 max) {
    return static_cast<EpollInstance*>(epoll)->collect(out, max, true);
}
