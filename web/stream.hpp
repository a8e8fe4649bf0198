#pragma once
// The live stream of /ws/stream, independent of the transport.
//
// Topics are of two kinds:
//   keyed: tops, spreads, pairs, risk, venues, rankings: a set of JSON
//          objects by id (a pair id, "venue/symbol", a venue name, "risk",
//          "symbol/venue_a/venue_b"); a client gets
//          the whole set, then only the items that changed or went away;
//   log:   orders, fills, events, signals, equity: an append-only sequence;
//          a client gets the latest entries, then every new one in order.
// A stream_source (the node builds one over the status board) is polled by
// the stream_hub once per interval, whatever the number of clients: the
// engine only ever writes the status board, it never waits for a client.

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xarb {

inline constexpr std::array<std::string_view, 11> stream_topic_names = {
  "tops", "spreads", "pairs", "orders", "fills", "events", "risk", "venues", "rankings",
  "signals", "equity"};

/// True for tops, spreads, pairs, risk, venues, rankings; false for the log
/// topics and for unknown names.
bool is_keyed_topic(std::string_view topic) noexcept;

/// True for orders, fills, events, signals, equity.
bool is_log_topic(std::string_view topic) noexcept;

/// Index of `topic` in stream_topic_names; nullopt for an unknown name.
std::optional<std::size_t> stream_topic_index(std::string_view topic) noexcept;

/// One item of a keyed topic: its id and its JSON object text.
struct stream_item {
  std::string id;
  std::string json;
  friend bool operator==(const stream_item&, const stream_item&) = default;
};

/// One entry of a log topic: a sequence number (strictly increasing per
/// topic, starting at 1) and its JSON object text.
struct stream_entry {
  uint64_t seq = 0;
  std::string json;
  friend bool operator==(const stream_entry&, const stream_entry&) = default;
};

/// Where the stream's data comes from. Both functions are called from the
/// hub's refresh (one thread at a time) and must be thread-safe with respect
/// to the writers of the underlying data.
struct stream_source {
  /// Every current item of a keyed topic (any order; ids unique).
  std::function<std::vector<stream_item>(std::string_view topic)> keyed;
  /// Entries of a log topic with seq > `after`, oldest first; when more
  /// than `limit` exist, the newest `limit` of them.
  std::function<std::vector<stream_entry>(std::string_view topic, uint64_t after,
                                          std::size_t limit)>
    log;
};

struct stream_config {
  /// How often the hub polls the source and clients get their deltas
  /// ([web] stream_interval_ms): the throttle.
  std::chrono::milliseconds interval{250};
  /// Connected WebSocket clients at most; more are refused (503 on upgrade).
  std::size_t max_clients = 256;
  /// Bytes queued for one client at most; a client that falls further
  /// behind is dropped (close code 1008, "too slow"), never waited for.
  std::size_t max_queue_bytes = 4 * 1024 * 1024;
  /// Log entries sent in a log topic's snapshot.
  std::size_t snapshot_entries = 100;
  /// A client must authenticate within this time (when it did not send a
  /// bearer token on the upgrade request), else it is closed.
  std::chrono::milliseconds auth_timeout{5000};
  /// Largest accepted client message.
  std::size_t max_message_bytes = 4096;
};

} // namespace xarb
