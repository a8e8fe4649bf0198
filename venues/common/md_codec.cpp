#include "venues/common/md_codec.hpp"

#include "venues/common/book_checksum.hpp"

#include <algorithm>
#include <array>

namespace xarb::venues {

namespace {

constexpr std::array<std::string_view, 11> names{
  "aster", "backpack", "binance", "bitget", "bybit", "edgex",
  "grvt",  "hyperliquid", "lighter", "okx", "paradex"};

} // namespace

std::span<const std::string_view> codec_names() noexcept {
  return names;
}

bool has_codec(std::string_view name) noexcept {
  return std::binary_search(names.begin(), names.end(), name);
}

std::string_view to_string(sync_mode m) noexcept {
  switch (m) {
    case sync_mode::snapshots:
      return "snapshots";
    case sync_mode::in_band:
      return "in_band";
    case sync_mode::rest_bridge:
      return "rest_bridge";
  }
  return "?";
}

std::string_view to_string(frame_kind k) noexcept {
  switch (k) {
    case frame_kind::data:
      return "data";
    case frame_kind::ack:
      return "ack";
    case frame_kind::pong:
      return "pong";
    case frame_kind::ping:
      return "ping";
    case frame_kind::info:
      return "info";
    case frame_kind::ignored:
      return "ignored";
    case frame_kind::error:
      return "error";
    case frame_kind::malformed:
      return "malformed";
  }
  return "?";
}

int32_t md_codec::checksum(std::string_view native, std::span<const book_level> bids,
                           std::span<const book_level> asks) const {
  (void)native;
  return book_checksum(bids, asks, 25);
}

} // namespace xarb::venues
