// dlopen_plugin.c: the shared library the dlopen program loads at run time (not a DT_NEEDED
// dependency, so ops ships it only because the test's config lists it).
#include <stdio.h>

static int calls;

// Returns a value the caller can check, and keeps state to show the library's data segment is
// writable and private to it.
int plugin_combine(int a, int b) {
    ++calls;
    return a * 1000 + b + calls;
}

const char* plugin_name(void) {
    return "dlopen_plugin";
}
