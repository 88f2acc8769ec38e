// httpserver: the example everyone tries first. A net/http server on the port given as the
// first argument (default 8080); "/" answers with a greeting and the request's path, "/sum?n=N"
// with 1+...+N computed in a goroutine per request, "/quit" ends the program with status 0.
package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
)

func main() {
	port := "8080"
	if len(os.Args) > 1 {
		port = os.Args[1]
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from ops, path %s\n", r.URL.Path)
	})
	mux.HandleFunc("/sum", func(w http.ResponseWriter, r *http.Request) {
		n, err := strconv.Atoi(r.URL.Query().Get("n"))
		if err != nil || n < 0 {
			http.Error(w, "bad n", http.StatusBadRequest)
			return
		}
		result := make(chan int)
		go func() {
			total := 0
			for i := 1; i <= n; i++ {
				total += i
			}
			result <- total
		}()
		fmt.Fprintf(w, "sum %d\n", <-result)
	})
	mux.HandleFunc("/quit", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintln(w, "bye")
		go func() { os.Exit(0) }()
	})
	fmt.Printf("listening on :%s\n", port)
	if err := http.ListenAndServe(":"+port, mux); err != nil {
		fmt.Println("server:", err)
		os.Exit(1)
	}
}
