#pragma once
// The venue sessions of real venues ([venues.<name>] market_data = "live",
// issue 9): adapter, URLs of the network or the overrides, the books to
// watch, fees, canonical units and the venues/net transport.

#include <string>
#include <vector>

#include "actors/live_market_config.hpp"
#include "messages/expected.hpp"
#include "nodes/config.hpp"

namespace xarb {

class telemetry;

/// The live market configuration of venue `name` (a live venue of `cfg`).
/// Fails (config_error) when the adapter is unknown or has no URL for the
/// configured network (e.g. testnet where the venue has none).
expected<live_market_config> live_market_of(const node_config& cfg, const std::string& name,
                                            telemetry* metrics);

/// The canonical symbols venue `name` watches: [venues.<name>] symbols, or
/// those of the configured pairs on it (sorted, unique); empty = every
/// listed symbol (up to live_market_config::max_symbols).
std::vector<std::string> live_symbols(const node_config& cfg, const std::string& name);

} // namespace xarb
