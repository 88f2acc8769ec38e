// interfaces: prints net.Interfaces() and each interface's addresses (read through a
// NETLINK_ROUTE socket) and net.InterfaceAddrs(). DHCP may still be running when it starts, so
// it looks again for up to about five seconds until some interface has an IPv4 address outside
// 127.0.0.0/8. Exit status 1 when the calls fail or no loopback interface is listed.
package main

import (
	"fmt"
	"net"
	"os"
	"time"
)

func hasExternalIPv4() bool {
	addresses, err := net.InterfaceAddrs()
	if err != nil {
		return false
	}
	for _, a := range addresses {
		if n, ok := a.(*net.IPNet); ok && n.IP.To4() != nil && !n.IP.IsLoopback() {
			return true
		}
	}
	return false
}

func main() {
	for attempt := 0; attempt < 50 && !hasExternalIPv4(); attempt++ {
		time.Sleep(100 * time.Millisecond)
	}
	interfaces, err := net.Interfaces()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	loopback := false
	for _, i := range interfaces {
		fmt.Printf("interface %d %s mtu %d flags %s\n", i.Index, i.Name, i.MTU, i.Flags)
		fmt.Printf("hardware %s %q\n", i.Name, i.HardwareAddr.String())
		if i.Name == "lo" && i.Index == 1 && i.Flags&net.FlagLoopback != 0 {
			loopback = true
		}
		addresses, err := i.Addrs()
		if err != nil {
			fmt.Println("error:", err)
			os.Exit(1)
		}
		for _, a := range addresses {
			fmt.Printf("address %s %s\n", i.Name, a)
		}
	}
	all, err := net.InterfaceAddrs()
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	fmt.Printf("%d addresses\n", len(all))
	if !loopback {
		fmt.Println("error: no loopback interface")
		os.Exit(1)
	}
	fmt.Println("interfaces: ok")
}
