#include "venues/binance/codec.hpp"

#include "venues/binance/binance_style.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_binance_codec() {
  return make_binance_style_codec(binance_codec_options());
}

} // namespace xarb::venues
