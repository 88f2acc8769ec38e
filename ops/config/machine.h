// machine.h: the QEMU machine model a VM runs on. Ours, not the established ops's (which always
// uses q35): microvm starts fastest (virtio-mmio, no firmware); q35 is the PCI machine clouds
// resemble (virtio over PCI, MSI-X, qboot firmware).
#pragma once

#include <optional>
#include <string_view>

namespace ops {

enum class Machine { Microvm, Q35 };

inline constexpr Machine kDefaultMachine = Machine::Microvm;

// "microvm" or "q35"; nullopt for anything else.
std::optional<Machine> parse_machine(std::string_view name);
const char* machine_name(Machine machine);

} // namespace ops
