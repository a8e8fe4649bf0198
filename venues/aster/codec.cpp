#include "venues/aster/codec.hpp"

#include "venues/binance/binance_style.hpp"

namespace xarb::venues {

std::unique_ptr<md_codec> make_aster_codec() {
  binance_style_options o;
  o.rest_prefix = "/fapi/v3";
  // No /public - /market routing on Aster: every stream on the combined path.
  o.book_target = "/stream";
  o.mark_target = "/stream";
  auto& i = o.info;
  i.name = "aster";
  i.sync = sync_mode::rest_bridge;
  i.ws_mainnet = "wss://fstream.asterdex.com";
  i.rest_mainnet = "https://fapi.asterdex.com";
  i.ws_testnet = "wss://fstream.asterdex-testnet.com";
  i.rest_testnet = "https://fapi.asterdex-testnet.com";
  // Server ping frame every 5 min, pong expected within 15 min.
  i.heartbeat.ws_ping_frames = true;
  i.heartbeat.ping_interval_ns = 30'000'000'000;
  i.heartbeat.silence_ns = 90'000'000'000;
  i.max_client_msgs_per_s = 5;         // limit 10/s
  i.max_streams_per_connection = 200;  // documented cap
  i.snapshot_depth = 1000;
  i.maker_fee = ratio::from_raw(100'000); // 0.01 % (base tier)
  i.taker_fee = ratio::from_raw(350'000); // 0.035 %
  return make_binance_style_codec(std::move(o));
}

} // namespace xarb::venues
