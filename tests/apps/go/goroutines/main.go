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
	timer := time.NewTimer(20 * time.Millisecond)
	ticks := 0
	ticker := time.NewTicker(2 * time.Millisecond)
loop:
	for {
		select {
		case <-ticker.C:
			ticks++
		case <-timer.C:
			break loop
		}
	}
	ticker.Stop()
	garbage := make([][]byte, 0, 1000)
	for i := 0; i < 1000; i++ {
		garbage = append(garbage, make([]byte, 4096))
	}
	garbage = nil
	runtime.GC()
	var stats runtime.MemStats
	runtime.ReadMemStats(&stats)
	fmt.Printf("checksum %d\n", sum)
	fmt.Printf("ticks>0 %v gc>0 %v\n", ticks > 0, stats.NumGC > 0)
}
