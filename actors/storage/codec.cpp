#include "actors/storage/codec.hpp"

#include <caf/binary_deserializer.hpp>
#include <caf/binary_serializer.hpp>

#include <type_traits>
#include <vector>

#include "messages/type_ids.hpp"

namespace xarb::storage {

std::string_view to_string(family x) noexcept {
  switch (x) {
    case family::orders: return "orders";
    case family::fills: return "fills";
    case family::positions: return "positions";
    case family::events: return "events";
    case family::spreads: return "spreads";
    case family::market: return "market";
    case family::config: return "config";
    case family::history: return "history";
  }
  return "unknown";
}

namespace {

constexpr uint64_t sign_flip = uint64_t{1} << 63;

void put_be64(std::string& out, uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
}

uint64_t get_be64(std::string_view in) noexcept {
  uint64_t v = 0;
  for (std::size_t i = 0; i < 8; ++i)
    v = (v << 8) | static_cast<uint8_t>(in[i]);
  return v;
}

template <class T>
error_info serialize_into(std::vector<char>& buf, const T& x) {
  caf::binary_serializer sink{nullptr, buf};
  T copy = x; // CAF 0.17 inspectors take non-const references
  if (auto err = sink(copy))
    return {error_code::internal, "storage: serialization failed"};
  return {};
}

template <class T>
expected<record> deserialize(family fam, const char* data, std::size_t size) {
  T out{};
  caf::binary_deserializer source{nullptr, data, size};
  if (auto err = source(out); err || source.remaining() != 0)
    return error_info{error_code::parse_error,
                      "storage: malformed " + std::string{to_string(fam)} + " value"};
  return record{std::move(out)};
}

/// A version-1 spreads value: spread_update as it was before net_*_bps.
struct spread_update_v1 {
  spread_update* x;
};

template <class Inspector>
auto inspect(Inspector& f, spread_update_v1& v) {
  auto& x = *v.x;
  return f(x.pair_id, x.symbol, x.venue_a, x.venue_b, x.bid_a, x.ask_a, x.bid_b,
           x.ask_b, x.size, x.spread_ab, x.spread_ba, x.mean_ab, x.std_ab,
           x.z_ab, x.mean_ba, x.std_ba, x.z_ba, x.samples, x.valid, x.ts);
}

expected<record> decode_spread_v1(const char* data, std::size_t size) {
  spread_update out{};
  spread_update_v1 legacy{&out};
  caf::binary_deserializer source{nullptr, data, size};
  if (auto err = source(legacy); err || source.remaining() != 0)
    return error_info{error_code::parse_error, "storage: malformed spreads value"};
  return record{std::move(out)};
}

} // namespace

std::string encode_key(timestamp_ns ts, uint64_t seq) {
  std::string out;
  out.reserve(key_size);
  put_be64(out, static_cast<uint64_t>(ts) ^ sign_flip);
  put_be64(out, seq);
  return out;
}

std::optional<key_parts> decode_key(std::string_view key) noexcept {
  if (key.size() != key_size)
    return std::nullopt;
  return key_parts{static_cast<timestamp_ns>(get_be64(key) ^ sign_flip),
                   get_be64(key.substr(8))};
}

bool valid_history_symbol(std::string_view symbol) noexcept {
  return !symbol.empty() && symbol.size() <= max_history_symbol
         && symbol.find(history_separator) == std::string_view::npos;
}

std::string history_prefix(std::string_view symbol) {
  std::string out;
  out.reserve(symbol.size() + 1 + key_size);
  out.append(symbol);
  out.push_back(history_separator);
  return out;
}

std::string encode_history_key(std::string_view symbol, timestamp_ns ts, uint64_t seq) {
  auto out = history_prefix(symbol);
  out += encode_key(ts, seq);
  return out;
}

std::optional<history_key_parts> decode_history_key(std::string_view key) noexcept {
  if (key.size() < key_size + 2)
    return std::nullopt;
  const auto sep = key.size() - key_size - 1;
  auto symbol = key.substr(0, sep);
  if (key[sep] != history_separator || !valid_history_symbol(symbol))
    return std::nullopt;
  auto parts = decode_key(key.substr(sep + 1));
  return history_key_parts{symbol, parts->ts, parts->seq};
}

std::optional<key_parts> decode_key_of(family fam, std::string_view key) noexcept {
  if (fam != family::history)
    return decode_key(key);
  auto parts = decode_history_key(key);
  if (!parts)
    return std::nullopt;
  return key_parts{parts->ts, parts->seq};
}

// family_of() switches on the alternative's index.
static_assert(std::is_same_v<std::variant_alternative_t<9, record>, market_sample>);

family family_of(const record& x) noexcept {
  switch (x.index()) {
    case 0: return family::orders;
    case 1:
    case 8: return family::fills;
    case 2: return family::positions;
    case 3: return family::events;
    case 4: return family::spreads;
    case 5:
    case 6: return family::market;
    case 9: return family::history;
    default: return family::config;
  }
}

timestamp_ns key_time(const record& x) noexcept {
  return std::visit(
    [](const auto& r) -> timestamp_ns {
      using T = std::decay_t<decltype(r)>;
      if constexpr (std::is_same_v<T, fill_record>)
        return r.fill.ts;
      else if constexpr (std::is_same_v<T, funding_record>)
        return r.payment.ts;
      else if constexpr (std::is_same_v<T, book_snapshot>
                         || std::is_same_v<T, book_delta>)
        return r.recv_ts;
      else if constexpr (std::is_same_v<T, std::string>)
        return 0;
      else
        return r.ts;
    },
    x);
}

expected<std::string> encode_value(const record& x) {
  std::vector<char> buf;
  if (std::holds_alternative<fill_record>(x)) {
    buf.push_back(static_cast<char>(fills_version));
    buf.push_back(static_cast<char>(fills_tag::fill));
  } else if (std::holds_alternative<funding_record>(x)) {
    buf.push_back(static_cast<char>(fills_version));
    buf.push_back(static_cast<char>(fills_tag::funding));
  } else if (std::holds_alternative<spread_update>(x)) {
    buf.push_back(static_cast<char>(spreads_version));
  } else {
    buf.push_back(static_cast<char>(value_version));
  }
  if (std::holds_alternative<book_snapshot>(x))
    buf.push_back(static_cast<char>(market_tag::snapshot));
  else if (std::holds_alternative<book_delta>(x))
    buf.push_back(static_cast<char>(market_tag::delta));
  auto err = std::visit([&buf](const auto& r) { return serialize_into(buf, r); }, x);
  if (err)
    return err;
  return std::string{buf.data(), buf.size()};
}

expected<record> decode_value(family fam, std::string_view bytes) {
  if (bytes.empty())
    return error_info{error_code::parse_error, "storage: empty value"};
  auto version = static_cast<uint8_t>(bytes[0]);
  if (fam == family::fills && version == fills_version) {
    if (bytes.size() < 2)
      return error_info{error_code::parse_error, "storage: fills value without tag"};
    const auto tag = static_cast<uint8_t>(bytes[1]);
    if (tag == static_cast<uint8_t>(fills_tag::fill))
      return deserialize<fill_record>(fam, bytes.data() + 2, bytes.size() - 2);
    if (tag == static_cast<uint8_t>(fills_tag::funding))
      return deserialize<funding_record>(fam, bytes.data() + 2, bytes.size() - 2);
    return error_info{error_code::parse_error,
                      "storage: unknown fills tag " + std::to_string(tag)};
  }
  if (fam == family::spreads && version == spreads_version)
    return deserialize<spread_update>(fam, bytes.data() + 1, bytes.size() - 1);
  if (version != value_version)
    return error_info{error_code::parse_error,
                      "storage: unknown value version " + std::to_string(version)
                        + " in " + std::string{to_string(fam)}};
  const char* data = bytes.data() + 1;
  std::size_t size = bytes.size() - 1;
  switch (fam) {
    case family::orders: return deserialize<order_update>(fam, data, size);
    case family::fills: return deserialize<fill_record>(fam, data, size);
    case family::positions: return deserialize<position_record>(fam, data, size);
    case family::events: return deserialize<event>(fam, data, size);
    case family::spreads: return decode_spread_v1(data, size);
    case family::config: return deserialize<std::string>(fam, data, size);
    case family::history: return deserialize<market_sample>(fam, data, size);
    case family::market: {
      if (size == 0)
        return error_info{error_code::parse_error, "storage: market value without tag"};
      auto tag = static_cast<uint8_t>(data[0]);
      if (tag == static_cast<uint8_t>(market_tag::snapshot))
        return deserialize<book_snapshot>(fam, data + 1, size - 1);
      if (tag == static_cast<uint8_t>(market_tag::delta))
        return deserialize<book_delta>(fam, data + 1, size - 1);
      return error_info{error_code::parse_error,
                        "storage: unknown market tag " + std::to_string(tag)};
    }
  }
  return error_info{error_code::internal, "storage: unknown family"};
}

} // namespace xarb::storage
