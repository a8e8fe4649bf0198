#pragma once
// The /ws/stream hub: polls a stream_source once per interval (whatever the
// number of clients) and tells each client what changed since it last
// looked. Pure C++ (no Beast): the transport (web/http_server.cpp) feeds it
// client messages and writes out what it returns.
//
// Protocol: JSON text frames.
//   client -> server
//     {"op":"auth","token":"..."}    only without "Authorization: Bearer" on
//                                    the upgrade; 3 wrong tokens close
//     {"op":"subscribe","topics":["pairs","fills"]}    needs auth
//     {"op":"unsubscribe","topics":["fills"]}          needs auth
//     {"op":"ping"}
//   server -> client
//     {"type":"hello","topics":[every name],"interval_ms":250,"authenticated":false}
//     {"type":"authenticated"}                         after a good auth op
//     {"type":"subscribed","topics":[...]}     the whole subscription set
//                                              after a (un)subscribe
//     {"type":"snapshot","topic":"pairs","version":N,"items":{"<id>":{...},...}}
//     {"type":"delta","topic":"pairs","version":N,"upsert":{"<id>":{...}},"remove":["<id>"]}
//     {"type":"snapshot","topic":"fills","seq":N,"items":[{...},...]}   (+ "gap":true)
//     {"type":"delta","topic":"fills","seq":N,"items":[{...},...]}
//     {"type":"pong"}
//     {"type":"error","error":"bad_request"|"unknown_topic"|"unauthorized","message":"..."}
// Keyed topics: a snapshot replaces the client's whole set; a delta carries
// the items whose JSON changed (whole objects) and the ids that went away.
// A subscribe (also of a topic already subscribed) is answered by a
// snapshot at the next poll after the topic was refreshed. Log topics: the
// snapshot holds the latest snapshot_entries entries, each delta every newer
// entry in order; a client whose next entry is no longer held (it fell
// behind the ring, or the source skipped entries) gets a fresh snapshot
// with "gap":true instead. "version"/"seq" are the topic's version / the
// last entry's seq the client is now at.
// Errors: malformed JSON, a message over max_message_bytes, an unknown op or
// topic answer an error and the connection stays; after max_errors errors
// the client should be closed (stream_client::should_close()). A
// (un)subscribe is all or nothing: one unknown topic rejects the message.

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "web/stream.hpp"

namespace xarb {

class stream_hub;

/// One message for a client: its text, shared between every client that
/// gets the same message (a snapshot is built once per version).
struct stream_out {
  /// A name from stream_topic_names, or "" for replies (hello, pong, ...).
  std::string_view topic;
  std::shared_ptr<const std::string> text;
};

/// One client's state. Used by one thread at a time (the session's strand);
/// the hub must outlive it. Destroying it drops its subscriptions.
class stream_client {
public:
  explicit stream_client(stream_hub& hub, bool authenticated = false);
  ~stream_client();
  stream_client(const stream_client&) = delete;
  stream_client& operator=(const stream_client&) = delete;

  bool authenticated() const noexcept { return authenticated_; }
  bool subscribed(std::string_view topic) const noexcept;
  std::vector<std::string> subscriptions() const; ///< in stream_topic_names order
  std::size_t errors() const noexcept { return errors_; }
  /// True after too many errors or failed auth ops: close the connection.
  bool should_close() const noexcept { return close_; }

private:
  friend class stream_hub;
  struct sub_state {
    bool on = false;
    bool need_snapshot = false;
    uint64_t seen = 0;  ///< keyed: version; log: last seq delivered
    uint64_t epoch = 0; ///< the topic's epoch when `seen` was set
  };
  stream_hub& hub_;
  bool authenticated_ = false;
  bool close_ = false;
  std::size_t errors_ = 0;
  std::size_t auth_failures_ = 0;
  std::array<sub_state, stream_topic_names.size()> subs_{};
};

class stream_hub {
public:
  static constexpr std::size_t max_errors = 20;       ///< then should_close()
  static constexpr std::size_t max_auth_failures = 3; ///< then should_close()
  static constexpr std::size_t min_log_ring = 1000;   ///< log entries kept at least
  /// Tombstones of removed ids are kept this many versions; a client further
  /// behind gets a snapshot instead of a delta.
  static constexpr uint64_t tombstone_versions = 64;

  /// `token`: what an auth op must present; empty = auth ops always fail.
  stream_hub(std::shared_ptr<const stream_source> source, stream_config cfg,
             std::string token = {});
  ~stream_hub();
  stream_hub(const stream_hub&) = delete;
  stream_hub& operator=(const stream_hub&) = delete;

  const stream_config& config() const noexcept { return cfg_; }

  /// Polls the source for every topic with at least one subscriber, and
  /// forgets the topics nobody subscribes to any more. Call it once per
  /// interval; calls are serialized. Source exceptions propagate (the hub
  /// stays consistent: the topic keeps its previous state).
  void refresh();

  /// The hello message for a new connection.
  std::string hello(const stream_client& c) const;

  /// Parses one client message; returns the replies (never empty).
  std::vector<std::string> handle(stream_client& c, std::string_view message);

  /// Messages due to `c` now: snapshots for new subscriptions (once their
  /// topic was refreshed), deltas since what it last got, else nothing.
  /// Safe concurrently with refresh() and other clients' polls.
  std::vector<std::string> poll(stream_client& c);
  /// Same, appending shared texts (no copy per client) to `out`.
  void poll(stream_client& c, std::vector<stream_out>& out);

  std::size_t subscribers(std::string_view topic) const noexcept;
  uint64_t refreshes() const noexcept { return refreshes_.load(); }

private:
  friend class stream_client;
  struct topic_state;

  void add_subscriber(std::size_t topic) noexcept;
  void drop_subscriber(std::size_t topic) noexcept;
  void refresh_keyed(std::size_t i);
  void refresh_log(std::size_t i);
  void forget(std::size_t i);
  void poll_keyed(std::size_t i, stream_client::sub_state& s, std::vector<stream_out>& out);
  void poll_log(std::size_t i, stream_client::sub_state& s, std::vector<stream_out>& out);
  std::shared_ptr<const std::string> keyed_snapshot(std::size_t i);
  std::shared_ptr<const std::string> log_snapshot(std::size_t i, bool gap);
  std::size_t ring_capacity() const noexcept;

  std::shared_ptr<const stream_source> source_;
  stream_config cfg_;
  std::string token_;
  std::array<std::atomic<std::size_t>, stream_topic_names.size()> subscribers_{};
  std::atomic<uint64_t> refreshes_{0};
  std::mutex refresh_mtx_;          // one refresh at a time
  mutable std::shared_mutex mtx_;   // topic states: refresh writes, polls read
  mutable std::mutex cache_mtx_;    // lazily built snapshots (under shared mtx_)
  std::vector<std::unique_ptr<topic_state>> topics_;
};

} // namespace xarb
