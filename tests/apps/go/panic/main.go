// panic: an unrecovered panic ends the program with status 2 and the panic text on stderr.
package main

import "fmt"

func main() {
	fmt.Println("about to panic")
	panic("something went wrong")
}
