// tlb.h: TLB shootdown. After the kernel removes or narrows user mappings, every other CPU
// flushes its TLB before the call returns, so no thread keeps using a stale translation.
#pragma once

// Flushes the other CPUs' TLBs and waits for all of them. Holds the kernel lock.
void tlb_shootdown();
// The IPI_TLB_FLUSH handler (runs without the kernel lock).
void tlb_flush_interrupt();
