// config.cpp: small helpers on the config model.
#include "ops/config/config.h"

#include <algorithm>

namespace ops {

void Config::add_debug_flag(const std::string& flag) {
    if (std::find(debug_flags.begin(), debug_flags.end(), flag) == debug_flags.end())
        debug_flags.push_back(flag);
}

} // namespace ops
