#pragma once
// `xarb export {fills,orders,events,spreads}`: CSV out of the node's store
// (DATA_DIR/db, the path the node opens), read-only so that it neither creates
// an empty database nor needs the node to be stopped.

#include <limits>
#include <ostream>
#include <string>
#include <string_view>

#include "messages/expected.hpp"
#include "messages/market.hpp"

namespace xarb::cli {

/// A time bound on the command line: ISO-8601 UTC "2026-11-22T05:00:00Z"
/// (optional fraction of up to 9 digits; "Z" or "+00:00"), or integer
/// nanoseconds since the epoch ("1795150800000000000", may be negative).
/// Errors: {parse_error, "... expected ..."}.
expected<timestamp_ns> parse_time(std::string_view text);

struct export_request {
  std::string kind;     ///< fills, orders, events, spreads
  std::string data_dir; ///< the node's data dir; the store is data_dir + "/db"
  timestamp_ns from = std::numeric_limits<timestamp_ns>::min();
  timestamp_ns to = std::numeric_limits<timestamp_ns>::max(); ///< exclusive; max = no bound
  std::string pair;     ///< "" = every pair
  std::string out_file; ///< "" = `out`
};

/// The store directory of a data dir: data_dir + "/db".
std::string store_dir(const std::string& data_dir);

/// Writes the CSV to req.out_file (created/truncated) or to `out`; problems
/// go to `err` as one line. Returns the exit code: 0 ok, 1 failure (no data,
/// unreadable store, unwritable output).
int run_export(const export_request& req, std::ostream& out, std::ostream& err);

} // namespace xarb::cli
