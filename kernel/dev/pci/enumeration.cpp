// enumeration.cpp: a depth-first walk of the bus tree through type 1 (bridge) headers
// ([pci-to-pci-bridge-1.2] 3.2.5.3), done twice: first to learn which BARs the firmware placed,
// then to place the rest and report each function. Each bus is visited at most once per walk,
// so a miswired secondary bus number cannot make the walk loop.
#include "dev/pci/enumeration.h"
#include "dev/pci/bar_window.h"

namespace pci {

namespace {
constexpr u8 HEADER_MULTIFUNCTION = 0x80;
constexpr u8 HEADER_TYPE_BRIDGE = 0x01;
constexpr int MAX_DEPTH = 8;

struct Walk {
    void (*visit)(Device& device);
    bool visited[256] = {};
};

void (*g_found)(Device& device);

void reserve_firmware_bars(Device& device) {
    bar_window_reserve(device);
}
void place_and_report(Device& device) {
    assign_unassigned_bars(device);
    g_found(device);
}

void scan_bus(Walk& walk, u8 bus, int depth);

void scan_function(Walk& walk, Address address, int depth) {
    u8 type = config_read8(address, header::HEADER_TYPE) & 0x7f;
    if (type == HEADER_TYPE_BRIDGE) {
        u8 secondary = config_read8(address, header::SECONDARY_BUS);
        // 0 means the firmware did not number the bridge: nothing behind it is reachable.
        if (secondary != 0 && depth < MAX_DEPTH)
            scan_bus(walk, secondary, depth + 1);
        return;
    }
    Device device(address);
    walk.visit(device);
}

void scan_bus(Walk& walk, u8 bus, int depth) {
    if (walk.visited[bus])
        return;
    walk.visited[bus] = true;
    for (u8 slot = 0; slot < 32; slot++) {
        Address first{bus, slot, 0};
        if (!exists(first))
            continue;
        bool multifunction = config_read8(first, header::HEADER_TYPE) & HEADER_MULTIFUNCTION;
        for (u8 function = 0; function < (multifunction ? 8 : 1); function++) {
            Address address{bus, slot, function};
            if (exists(address))
                scan_function(walk, address, depth);
        }
    }
}
} // namespace

void enumerate(void (*found)(Device& device)) {
    static Walk walk; // 256 bytes of visited buses: off the boot stack
    g_found = found;
    walk = Walk{reserve_firmware_bars};
    scan_bus(walk, 0, 0);
    walk = Walk{place_and_report};
    scan_bus(walk, 0, 0);
}

} // namespace pci
