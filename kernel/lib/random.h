// random.h: kernel randomness for getrandom, /dev/urandom, AT_RANDOM and ASLR. RDRAND/RDSEED
// when the CPU has them, mixed with a xoshiro256** generator seeded from the TSC.
#pragma once

#include "lib/types.h"

void random_init();
u64 random_u64();
void random_fill(void* buffer, size_t length);
