// missing_files.cpp: a bounded, deduplicated list of absolute paths.
#include "linux/missing_files.h"
#include "lib/format.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {
constexpr int MAX_RECORDED = 512; // enough for any real start-up; more are counted, not kept
bool g_enabled;
char* g_paths[MAX_RECORDED];
int g_count;
int g_dropped;
} // namespace

void missing_files_enable() { g_enabled = true; }

void missing_files_record(const char* cwd, const char* path) {
    if (!g_enabled || !path[0])
        return;
    char absolute[4096];
    if (path[0] == '/')
        format(absolute, sizeof(absolute), "%s", path);
    else
        format(absolute, sizeof(absolute), "%s%s%s", cwd, cwd[strlen(cwd) - 1] == '/' ? "" : "/", path);
    for (int i = 0; i < g_count; i++)
        if (str_equal(g_paths[i], absolute))
            return;
    if (g_count == MAX_RECORDED) {
        g_dropped++;
        return;
    }
    size_t n = strlen(absolute);
    char* copy = static_cast<char*>(kmalloc(n + 1));
    if (!copy)
        return;
    memcpy(copy, absolute, n + 1);
    g_paths[g_count++] = copy;
}

void missing_files_report() {
    if (!g_enabled)
        return;
    kprintf("\nops: files the program looked for that are not in the image (%d", g_count);
    if (g_dropped)
        kprintf(", and %d more not listed", g_dropped);
    kprintf("):\n");
    for (int i = 0; i < g_count; i++)
        kprintf("  %s\n", g_paths[i]);
}
