// list.h: an intrusive doubly linked list. The node lives inside the object, so putting an
// object on a list never allocates and cannot fail (run queues, wait queues, timers).
#pragma once

#include <cstddef>

struct ListNode {
    ListNode* prev = nullptr;
    ListNode* next = nullptr;
    bool linked() const { return next != nullptr; }
};

template <typename T, ListNode T::*Node>
class IntrusiveList {
  public:
    IntrusiveList() { m_head.prev = m_head.next = &m_head; }
    IntrusiveList(const IntrusiveList&) = delete;
    IntrusiveList& operator=(const IntrusiveList&) = delete;

    bool empty() const { return m_head.next == &m_head; }
    void push_back(T* item) { insert_before(&m_head, &(item->*Node)); }
    void push_front(T* item) { insert_before(m_head.next, &(item->*Node)); }
    // Inserts item before `position` (an element of this list).
    void insert_before(T* position, T* item) { insert_before(&(position->*Node), &(item->*Node)); }
    T* front() const { return empty() ? nullptr : owner(m_head.next); }
    T* pop_front() {
        T* item = front();
        if (item)
            remove(item);
        return item;
    }
    static void remove(T* item) {
        ListNode& node = item->*Node;
        if (!node.linked())
            return;
        node.prev->next = node.next;
        node.next->prev = node.prev;
        node.prev = node.next = nullptr;
    }
    // Iteration that tolerates removing the current element.
    template <typename F>
    void for_each(F f) {
        for (ListNode* n = m_head.next; n != &m_head;) {
            ListNode* next = n->next;
            f(owner(n));
            n = next;
        }
    }

  private:
    static T* owner(ListNode* node) {
        // offsetof on a member pointer: the node's offset inside T.
        auto offset = reinterpret_cast<size_t>(&(static_cast<T*>(nullptr)->*Node));
        return reinterpret_cast<T*>(reinterpret_cast<char*>(node) - offset);
    }
    static void insert_before(ListNode* position, ListNode* node) {
        node->prev = position->prev;
        node->next = position;
        position->prev->next = node;
        position->prev = node;
    }
    ListNode m_head;
};
