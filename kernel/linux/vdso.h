// vdso.h: maps the embedded vDSO into the program and fills its data page.
#pragma once

#include "lib/result.h"
#include "lib/types.h"

// Returns the address the vDSO's ELF header is mapped at (for AT_SYSINFO_EHDR).
Result<u64> map_vdso();
