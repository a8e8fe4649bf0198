#include "venues/aster/mock_protocol.hpp"

#include "venues/binance/binance_style.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_aster_protocol() {
  binance_style_mock_options o;
  o.venue = "aster";
  o.rest_prefixes = {"/fapi/v3", "/fapi/v1"};
  o.routed_paths = false;
  o.aster_shapes = true;
  return make_binance_style_protocol(std::move(o));
}

} // namespace xarb::mock
