#pragma once
// Reading a pair's journal back from the store after a restart (issue 5).
// The pure half (what the engine does with it) is core/strategy/recovery.hpp.

#include <string>

#include "core/strategy/recovery.hpp"
#include "messages/expected.hpp"

namespace xarb {

namespace storage {
class store;
}

/// Everything the store knows of pair `pair_id`: its fills and funding
/// payments in journal (key) order, and the latest transition of every
/// order that may still work. Errors: the store's (a value that does not
/// decode, I/O): the pair must then not trade.
expected<strategy::pair_journal> load_pair_journal(const storage::store& db,
                                                   const std::string& pair_id);

} // namespace xarb
