#include "venues/binance/mock_protocol.hpp"

#include "venues/binance/binance_style.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_binance_protocol() {
  return make_binance_style_protocol(binance_style_mock_options{});
}

} // namespace xarb::mock
