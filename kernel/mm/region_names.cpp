// region_names.cpp: a small list of distinct strings. Programs map few distinct files, so a
// linear search is enough.
#include "mm/region_names.h"
#include "lib/string.h"
#include "mm/heap.h"

namespace {
struct Name {
    Name* next;
    char text[1];
};
Name* g_names;
} // namespace

const char* intern_region_name(const char* name) {
    if (!name)
        return nullptr;
    for (Name* n = g_names; n; n = n->next)
        if (str_equal(n->text, name))
            return n->text;
    size_t length = strlen(name);
    auto* n = static_cast<Name*>(kmalloc(sizeof(Name) + length));
    if (!n)
        return nullptr;
    memcpy(n->text, name, length + 1);
    n->next = g_names;
    g_names = n;
    return n->text;
}
