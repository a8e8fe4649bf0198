#pragma once
// Makes xarb::error_code a CAF error category ("xarb") so actors can return
// it as caf::error and renderers print "xarb::sequence_gap (...)".

#include <caf/actor_system_config.hpp>
#include <caf/error.hpp>

#include "messages/error_code.hpp"

CAF_ERROR_CODE_ENUM(xarb::error_code, "xarb")

namespace xarb {

/// Registers the renderer for the "xarb" error category.
void add_error_renderer(caf::actor_system_config& cfg);

/// Converts an error_info into a caf::error with its text as context.
caf::error to_caf_error(const error_info& x);

} // namespace xarb
