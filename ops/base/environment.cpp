// environment.cpp: process and fixed environments.
#include "ops/base/environment.h"

#include <cstdlib>

namespace ops {

Environment Environment::process() {
    Environment environment;
    environment.m_use_process = true;
    return environment;
}

Environment Environment::fixed(std::map<std::string, std::string> variables) {
    Environment environment;
    for (auto& [name, value] : variables)
        environment.m_variables.emplace(name, value);
    return environment;
}

std::optional<std::string> Environment::get(std::string_view name) const {
    if (m_use_process) {
        const char* value = std::getenv(std::string(name).c_str());
        if (!value)
            return std::nullopt;
        return std::string(value);
    }
    auto it = m_variables.find(name);
    if (it == m_variables.end())
        return std::nullopt;
    return it->second;
}

} // namespace ops
