// goroutines: 10,000 goroutines feed a channel, a WaitGroup waits for them, timers fire, and a
// forced GC runs; prints a checksum that only a correct run produces.
package main

import (
	"fmt"
	"runtime"
	"sync"
	"time"
)

func main() {
	const workers = 10000
	results := make(chan int, 128)
	var wg sync.WaitGroup
	for i := 0; i < workers; i++ {
		wg.Add(1)
		go func(n int) {
			defer wg.Done()
			results <- n * n % 9973
		}(i)
	}
	go func() {
		wg.Wait()
		close(results)
	}()
	sum := 0
	for r := range results {
		sum += r
	}
	// Three ticks of a 2 ms ticker, bounded by a 10 s timer (a slow, loaded host may run both
	// late; the timer is only a guard against a ticker that never fires).
	timer := time.NewTimer(10 * time.Second)
	ticks := 0
	ticker := time.NewTicker(2 * time.Millisecond)
loop:
	for ticks < 3 {
		select {
		case <-ticker.C:
			ticks++
		case <-timer.C:
			break loop
		}
	}
	ticker.Stop()
	start := time.Now()
	time.Sleep(15 * time.Millisecond)
	slept := time.Since(start) >= 15*time.Millisecond
	garbage := make([][]byte, 0, 1000)
	for i := 0; i < 1000; i++ {
		garbage = append(garbage, make([]byte, 4096))
	}
	garbage = nil
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Printf("checksum %d\n", sum)
	fmt.Printf("ticks>=3 %v slept %v gc>0 %v\n", ticks >= 3, slept, stats.NumGC > 0)
}
