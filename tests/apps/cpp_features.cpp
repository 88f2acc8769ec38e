// cpp_features.cpp: a dynamically linked C++ program (libstdc++, libgcc_s, glibc) exercising
// exceptions across functions and threads (std::exception_ptr) and std::thread with mutex,
// condition_variable and thread_local. Prints checked results; exits 0 only if all hold.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <exception>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

int failures = 0;

void check(bool ok, const char* what) {
    std::printf("%s: %s\n", what, ok ? "ok" : "FAILED");
    if (!ok)
        ++failures;
}

struct Parse_error : std::runtime_error {
    int position;
    Parse_error(const std::string& message, int at) : std::runtime_error(message), position(at) {}
};

int parse_digit(char c, int position) {
    if (c < '0' || c > '9')
        throw Parse_error(std::string("not a digit: ") + c, position);
    return c - '0';
}

int parse_number(const std::string& text) {
    int value = 0;
    for (int i = 0; i < static_cast<int>(text.size()); ++i)
        value = value * 10 + parse_digit(text[i], i);
    return value;
}

// Destructors run during unwinding: counts them.
int destroyed = 0;
struct Guard {
    ~Guard() { ++destroyed; }
};

int deep(int depth) {
    Guard guard;
    if (depth == 0)
        throw std::out_of_range("bottom");
    return deep(depth - 1) + 1;
}

void exceptions() {
    check(parse_number("12345") == 12345, "parse 12345");
    try {
        parse_number("12x45");
        check(false, "parse error thrown");
    } catch (const Parse_error& e) {
        std::printf("caught \"%s\" at %d\n", e.what(), e.position);
        check(e.position == 2, "parse error position");
    }
    try {
        deep(10);
    } catch (const std::exception& e) {
        std::printf("caught \"%s\" after %d destructors\n", e.what(), destroyed);
        check(destroyed == 11, "unwinding ran destructors");
    }
    // An exception thrown in one thread and rethrown in another.
    std::exception_ptr from_thread;
    std::thread([&] {
        try {
            throw std::invalid_argument("from worker");
        } catch (...) {
            from_thread = std::current_exception();
        }
    }).join();
    try {
        std::rethrow_exception(from_thread);
    } catch (const std::invalid_argument& e) {
        std::printf("rethrown \"%s\"\n", e.what());
        check(std::string(e.what()) == "from worker", "exception_ptr across threads");
    }
}

thread_local int tls_counter = 100;

// Producer/consumer through a queue guarded by a mutex and condition variable; each consumer
// also counts in a thread_local and reports it.
void threads() {
    constexpr int kConsumers = 4, kItems = 4000;
    std::mutex lock;
    std::condition_variable ready;
    std::deque<int> queue;
    bool done = false;
    long long total = 0;
    std::atomic<int> tls_ok{0};
    std::vector<std::thread> consumers;
    for (int c = 0; c < kConsumers; ++c)
        consumers.emplace_back([&] {
            long long mine = 0;
            int count = 0;
            for (;;) {
                std::unique_lock guard(lock);
                ready.wait(guard, [&] { return !queue.empty() || done; });
                if (queue.empty())
                    break;
                int item = queue.front();
                queue.pop_front();
                guard.unlock();
                mine += item;
                ++count;
                ++tls_counter;
            }
            if (tls_counter == 100 + count)
                ++tls_ok;
            std::lock_guard guard(lock);
            total += mine;
        });
    for (int i = 1; i <= kItems; ++i) {
        {
            std::lock_guard guard(lock);
            queue.push_back(i);
        }
        ready.notify_one();
    }
    {
        std::lock_guard guard(lock);
        done = true;
    }
    ready.notify_all();
    for (auto& t : consumers)
        t.join();
    std::printf("total %lld expected %d\n", total, kItems * (kItems + 1) / 2);
    check(total == kItems * (kItems + 1) / 2, "producer/consumer total");
    check(tls_ok == kConsumers, "thread_local per thread");
    check(tls_counter == 100, "main thread_local untouched");
    check(std::thread::hardware_concurrency() >= 1, "hardware_concurrency");
}

} // namespace

int main() {
    exceptions();
    threads();
    std::printf("cpp_features: %s\n", failures ? "FAILED" : "ok");
    return failures ? 1 : 0;
}
