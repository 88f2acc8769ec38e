// machine.cpp: machine model names as written on the command line and in config.json.
#include "ops/config/machine.h"

namespace ops {

std::optional<Machine> parse_machine(std::string_view name) {
    if (name == "microvm")
        return Machine::Microvm;
    if (name == "q35")
        return Machine::Q35;
    return std::nullopt;
}

const char* machine_name(Machine machine) {
    switch (machine) {
    case Machine::Microvm:
        return "microvm";
    case Machine::Q35:
        return "q35";
    }
    return "microvm";
}

} // namespace ops
