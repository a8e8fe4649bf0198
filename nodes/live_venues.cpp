#include "nodes/live_venues.hpp"

#include <algorithm>

#include "actors/net_transport.hpp"
#include "venues/registry/registry.hpp"

namespace xarb {

std::vector<std::string> live_symbols(const node_config& cfg, const std::string& name) {
  const auto& v = venue_of(cfg, name);
  std::vector<std::string> out = v.symbols;
  if (out.empty())
    for (const auto& p : cfg.pairs)
      if (p.venue_a == name || p.venue_b == name)
        out.push_back(p.symbol);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

expected<live_market_config> live_market_of(const node_config& cfg, const std::string& name,
                                            telemetry* metrics) {
  const auto& v = venue_of(cfg, name);
  const std::string adapter = venue_adapter(cfg, name);
  auto probe = venues::make_codec(adapter);
  if (!probe)
    return error_info{error_code::config_error, "venues." + name + ": " + probe.error().message};
  const auto& info = (*probe)->info();
  const bool testnet = v.network == "testnet";
  live_market_config lc;
  lc.adapter = adapter;
  lc.codec = [adapter] {
    auto c = venues::make_codec(adapter);
    return c ? std::move(*c) : nullptr;
  };
  lc.ws_url = !v.ws_url.empty() ? v.ws_url : testnet ? info.ws_testnet : info.ws_mainnet;
  lc.rest_url = !v.rest_url.empty() ? v.rest_url : testnet ? info.rest_testnet : info.rest_mainnet;
  if (lc.ws_url.empty() || lc.rest_url.empty())
    return error_info{error_code::config_error,
                      "venues." + name + ".network: " + adapter + " has no " + v.network
                        + " endpoints; set ws_url and rest_url"};
  lc.symbols = live_symbols(cfg, name);
  lc.maker_fee = v.maker_fee;
  lc.taker_fee = v.taker_fee;
  lc.units = canonical_unit_table(cfg);
  net_transport_options no;
  no.venue = name;
  no.proxy = v.proxy;
  no.ca_file = v.ca_file;
  no.metrics = metrics;
  lc.transport = make_net_transport(std::move(no));
  return lc;
}

} // namespace xarb
