#pragma once
// Position audit (issue 5): do the pairs' books add up to what each venue
// holds? Per (venue, symbol) the sum of every pair leg's position is
// compared with the venue's own position of the account.
//
// Reconciliation after a restart compares positions only for a contract one
// pair trades alone (a venue reports the account's whole position); this is
// the node-wide check for every contract, shared ones included, run by the
// risk guard every few seconds. A fill on its way makes a momentary
// difference, so a contract is reported only once its difference has been
// seen in `confirmations` consecutive rounds (once: again only after it
// cleared). Pure: no clock, no I/O.

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "messages/decimal.hpp"

namespace xarb::risk {

/// (venue, symbol)
using contract = std::pair<std::string, std::string>;

struct audit_finding {
  std::string venue;
  std::string symbol;
  quantity venue_qty;   ///< what the venue holds
  quantity books_qty;   ///< the pairs' legs, summed
  int rounds = 0;       ///< consecutive rounds with a difference
};

class position_audit {
public:
  explicit position_audit(int confirmations = 3) : confirmations_(confirmations) {}

  /// One round. `books`: the pairs' positions summed per contract; `venue`:
  /// each venue's position per contract (contracts missing from one side
  /// count as 0 there). Returns the contracts whose difference has just
  /// reached `confirmations` rounds in a row.
  std::vector<audit_finding> round(const std::map<contract, quantity>& books,
                                   const std::map<contract, quantity>& venue);

  /// Contracts that differ now, with their consecutive rounds.
  const std::map<contract, audit_finding>& open() const noexcept { return open_; }
  uint64_t rounds() const noexcept { return rounds_; }

private:
  int confirmations_;
  std::map<contract, audit_finding> open_;
  uint64_t rounds_ = 0;
};

} // namespace xarb::risk
