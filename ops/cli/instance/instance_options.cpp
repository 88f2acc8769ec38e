// instance_options.cpp: shared set-up for the `ops instance` commands.
#include "ops/cli/instance/instance_options.h"

#include "ops/cli/context.h"
#include "ops/store/paths.h"

#include <cstdio>

namespace ops {

Instances open_instances(const Context& context) {
    return Instances(StorePaths::from_environment(context.environment), ProcessControl::real());
}

Accel instance_accel(const Context& context) {
    AccelRequest wanted = accel_request(true, context.environment);
    AccelDecision decision =
        decide_accel(wanted, wanted == AccelRequest::Auto ? probe_host_accel() : AccelProbe{});
    if (!decision.notice.empty())
        std::fprintf(stderr, "%s\n", decision.notice.c_str());
    return decision.accel;
}

} // namespace ops
