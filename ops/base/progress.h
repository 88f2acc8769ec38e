// progress.h: a one-line progress indicator on stderr for work that may take more than a second
// (image builds, copies out of images). It draws only when stderr is a terminal, only after the
// delay has passed, and erases its line when done, so short runs and logs stay clean.
#pragma once

#include "ops/base/terminal.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>

namespace ops {

class Progress {
public:
    // Starts a drawing thread when terminal.error_interactive; otherwise does nothing at all.
    // `total_bytes` 0 means unknown (only elapsed time and bytes so far are shown).
    Progress(const Terminal& terminal, std::string label, std::uint64_t total_bytes = 0,
             std::chrono::milliseconds delay = std::chrono::seconds(1));
    // Stops the thread and erases the line if one was drawn.
    ~Progress();
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;

    // Thread-safe, cheap: called from copy loops.
    void add_bytes(std::uint64_t bytes) { m_done.fetch_add(bytes, std::memory_order_relaxed); }

    // The line drawn for this state (exposed for tests).
    static std::string line(const std::string& label, std::uint64_t done, std::uint64_t total,
                            std::chrono::milliseconds elapsed);

private:
    void draw_loop();

    std::FILE* m_output;
    std::string m_label;
    std::uint64_t m_total;
    std::chrono::milliseconds m_delay;
    std::chrono::steady_clock::time_point m_start;
    std::atomic<std::uint64_t> m_done{0};
    std::mutex m_mutex;
    std::condition_variable m_wake;
    bool m_stop = false;
    bool m_drawn = false;
    std::thread m_thread;
};

} // namespace ops
