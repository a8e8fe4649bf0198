#include "core/risk/position_audit.hpp"

#include <set>

namespace xarb::risk {

std::vector<audit_finding> position_audit::round(const std::map<contract, quantity>& books,
                                                 const std::map<contract, quantity>& venue) {
  ++rounds_;
  std::set<contract> keys;
  for (const auto& [k, q] : books)
    keys.insert(k);
  for (const auto& [k, q] : venue)
    keys.insert(k);
  auto at = [](const std::map<contract, quantity>& m, const contract& k) {
    auto it = m.find(k);
    return it == m.end() ? quantity::zero() : it->second;
  };
  std::erase_if(open_, [&](const auto& kv) { return !keys.count(kv.first); });
  std::vector<audit_finding> due;
  for (const auto& k : keys) {
    const quantity mine = at(books, k);
    const quantity theirs = at(venue, k);
    if (mine == theirs) {
      open_.erase(k);
      continue;
    }
    auto& f = open_[k];
    f.venue = k.first;
    f.symbol = k.second;
    f.venue_qty = theirs;
    f.books_qty = mine;
    if (++f.rounds == confirmations_)
      due.push_back(f);
  }
  return due;
}

} // namespace xarb::risk
