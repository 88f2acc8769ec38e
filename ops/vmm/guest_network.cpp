// guest_network.cpp: MAC addresses for guest NICs.
#include "ops/vmm/guest_network.h"

#include <cstdio>
#include <random>

namespace ops {

std::string random_guest_mac() {
    std::random_device random;
    std::uniform_int_distribution<unsigned> byte(0, 255);
    char text[18];
    // 52:54:00 is the prefix QEMU uses for its own MACs; 0x52 has the locally administered bit
    // set and the multicast bit clear.
    std::snprintf(text, sizeof text, "52:54:00:%02x:%02x:%02x", byte(random), byte(random),
                  byte(random));
    return text;
}

} // namespace ops
