// nilrecover: a nil pointer dereference becomes a Go runtime panic (via SIGSEGV and the
// signal frame) that recover() catches.
package main

import "fmt"

type node struct{ value int }

func read(n *node) (v int, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("recovered: %v", r)
		}
	}()
	return n.value, nil
}

func main() {
	_, err := read(nil)
	fmt.Println(err)
	v, _ := read(&node{value: 42})
	fmt.Println("value", v)
}
