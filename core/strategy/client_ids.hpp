#pragma once
// Deterministic client order ids.
//
// An id is a pure function of (node, pair, epoch, sequence): the same intent
// always carries the same id, so a resend after a timeout or a restart is
// rejected by the venue as a duplicate instead of becoming a second order,
// and a new order always has a new sequence. The epoch is the incarnation of
// the pair trader (its start time in Unix milliseconds until the journal
// restores the last sequence, issue 5).
//
// Format: letters and digits only (OKX allows nothing else, 32 characters at
// most; Binance 36): node prefix (<= 4), pair hash (6 hex), epoch (8 base-36),
// sequence (>= 6 base-36), e.g. "xarb3f9a1c0mhq2k1x00001c" (24 characters).

#include <cstdint>
#include <string>
#include <string_view>

namespace xarb::strategy {

class client_id_generator {
public:
  client_id_generator() = default;
  client_id_generator(std::string_view node, std::string_view pair_id, uint64_t epoch,
                      uint64_t next_seq = 1);

  /// The id of sequence `seq` (pure).
  std::string id(uint64_t seq) const;

  /// The next id; advances the sequence.
  std::string next() { return id(seq_++); }

  uint64_t next_seq() const noexcept { return seq_; }
  const std::string& prefix() const noexcept { return prefix_; }
  /// The prefix without the epoch: shared by every incarnation of the pair.
  std::string pair_prefix() const { return prefix_.substr(0, prefix_.size() - 8); }

private:
  std::string prefix_;
  uint64_t seq_ = 1;
};

} // namespace xarb::strategy
