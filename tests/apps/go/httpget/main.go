// httpget: fetches each URL given as an argument with net/http (names resolved by Go's own
// resolver, which reads /etc/hosts) and prints the status and body; exit status 1 on any error.
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

func main() {
	client := &http.Client{Timeout: 20 * time.Second}
	for _, url := range os.Args[1:] {
		response, err := client.Get(url)
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		body, err := io.ReadAll(response.Body)
		response.Body.Close()
		if err != nil {
			fmt.Println("error reading body:", err)
			os.Exit(1)
		}
		fmt.Printf("status %d\n%s", response.StatusCode, body)
	}
}
