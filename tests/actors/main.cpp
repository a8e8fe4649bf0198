// The CAF unit-test main of the actor test binaries (exactly one per binary).
#define CAF_SUITE actors_main
#include <caf/test/unit_test_impl.hpp>
