#pragma once
// Failpoints: named places in the order path where a test can make the
// process die as if it had been killed there (SIGKILL: no cleanup, no
// flush), to prove recovery at the worst moments (the crash harness,
// tests/integration/crash_harness.py).
//
// Armed only by the environment variable XARB_FAILPOINTS, read once:
// "name=N[,name=N...]" kills the process at the N-th time `name` is reached
// (N >= 1). Unset (production): every failpoint is one relaxed atomic load.
//
// Points:
//   hedge_sent       a hedge order has been journaled and handed to its venue
//                    session (the venue may or may not have it yet)
//   entry_leg_sent   the first order of a two-leg entry has been sent, the
//                    second not yet (an orphan leg on restart)
//   fill_unjournaled a fill arrived and is not yet journaled (only the venue
//                    knows it)

#include <string_view>

namespace xarb {

/// Kills the process (SIGKILL to itself) if `name` is armed and this is its
/// N-th hit; otherwise does nothing.
void failpoint(std::string_view name);

/// Whether any failpoint is armed (tests).
bool failpoints_armed();

} // namespace xarb
