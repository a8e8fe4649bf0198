#include "messages/caf_errors.hpp"

#include <caf/atom.hpp>
#include <caf/message.hpp>
#include <caf/make_message.hpp>

namespace xarb {

void add_error_renderer(caf::actor_system_config& cfg) {
  cfg.add_error_category(
    caf::atom("xarb"),
    [](uint8_t code, caf::atom_value, const caf::message& ctx) -> std::string {
      std::string out = "xarb::";
      out += to_string(static_cast<error_code>(code));
      if (!ctx.empty()) {
        out += ' ';
        out += caf::to_string(ctx);
      }
      return out;
    });
}

caf::error to_caf_error(const error_info& x) {
  return caf::make_error(x.code, x.message);
}

} // namespace xarb
