// environment.h: read access to environment variables, injectable so tests do not touch the
// process environment. Nothing in ops calls getenv() directly except Environment::process().
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace ops {

class Environment {
public:
    // The real process environment (reads getenv lazily).
    static Environment process();
    // A fixed set of variables, for tests.
    static Environment fixed(std::map<std::string, std::string> variables);

    // The value of `name`, or nullopt when unset. An empty value counts as set.
    std::optional<std::string> get(std::string_view name) const;

private:
    bool m_use_process = false;
    std::map<std::string, std::string, std::less<>> m_variables;
};

} // namespace ops
