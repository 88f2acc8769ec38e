// progress.cpp: the drawing thread of Progress.
#include "ops/base/progress.h"

#include <cstdio>

namespace ops {

namespace {
// Redraw often enough to look alive, rarely enough to cost nothing.
constexpr std::chrono::milliseconds kRedrawInterval{250};

std::string mib(std::uint64_t bytes) {
    char text[32];
    std::snprintf(text, sizeof text, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
    return text;
}
} // namespace

Progress::Progress(const Terminal& terminal, std::string label, std::uint64_t total_bytes,
                   std::chrono::milliseconds delay)
    : m_output(terminal.error), m_label(std::move(label)), m_total(total_bytes), m_delay(delay),
      m_start(std::chrono::steady_clock::now()) {
    if (terminal.error_interactive)
        m_thread = std::thread([this] { draw_loop(); });
}

Progress::~Progress() {
    if (!m_thread.joinable())
        return;
    {
        std::lock_guard lock(m_mutex);
        m_stop = true;
    }
    m_wake.notify_all();
    m_thread.join();
    if (m_drawn) {
        std::fputs("\r\033[K", m_output);
        std::fflush(m_output);
    }
}

std::string Progress::line(const std::string& label, std::uint64_t done, std::uint64_t total,
                           std::chrono::milliseconds elapsed) {
    std::string text = "ops: " + label;
    if (total > 0) {
        std::uint64_t percent = done >= total ? 100 : done * 100 / total;
        text += " " + mib(done) + " of " + mib(total) + " (" + std::to_string(percent) + "%)";
    } else if (done > 0) {
        text += " " + mib(done);
    }
    text += " " + std::to_string(elapsed.count() / 1000) + "s";
    return text;
}

void Progress::draw_loop() {
    std::unique_lock lock(m_mutex);
    if (m_wake.wait_for(lock, m_delay, [this] { return m_stop; }))
        return;
    do {
        auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(
            std::chrono::steady_clock::now() - m_start);
        std::string text = line(m_label, m_done.load(std::memory_order_relaxed), m_total, elapsed);
        std::fprintf(m_output, "\r\033[K%s", text.c_str());
        std::fflush(m_output);
        m_drawn = true;
    } while (!m_wake.wait_for(lock, kRedrawInterval, [this] { return m_stop; }));
}

} // namespace ops
