// region_names.h: names of mappings for /proc/self/maps. Names are interned (one copy per
// distinct string, kept for the life of the program), so regions can share and split them
// without ownership questions.
#pragma once

// Returns the interned copy of `name`, or nullptr when out of memory.
const char* intern_region_name(const char* name);
