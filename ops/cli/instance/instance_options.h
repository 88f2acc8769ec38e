// instance_options.h: what the `ops instance` commands share: the Instances object for this
// user's ~/.ops, and the accelerator decision (said once on stderr, as for ops run).
#pragma once

#include "ops/instance/lifecycle.h"

namespace ops {

struct Context;

Instances open_instances(const Context& context);
// KVM when usable, else TCG with a notice; OPS_ACCEL=tcg forces TCG quietly.
Accel instance_accel(const Context& context);

} // namespace ops
