#include "nodes/sim_state_command.hpp"

#include <chrono>
#include <filesystem>
#include <map>

#include "monitoring/json_writer.hpp"
#include "nodes/config.hpp"
#include "venues/sim/flow_log.hpp"
#include "venues/sim/sim_venue.hpp"

namespace xarb::cli {

namespace {

timestamp_ns system_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
           std::chrono::system_clock::now().time_since_epoch())
    .count();
}

void write_venue(json::writer& w, const sim::venue& v, const sim::flow_log& log,
                 const std::vector<std::string>& symbols) {
  w.begin_object();
  w.key("name").value(v.name());
  w.key("requests").value(static_cast<uint64_t>(log.records().size()));
  std::map<std::string, int> submits;
  for (const auto& r : log.records())
    if (r.k == sim::flow_record::kind::submit)
      ++submits[r.order.client_id];
  w.key("submits").value(static_cast<uint64_t>(submits.size()));
  w.key("duplicate_submits").begin_array();
  for (const auto& [id, n] : submits)
    if (n > 1)
      w.value(id);
  w.end_array();
  w.key("positions").begin_array();
  for (const auto& s : symbols) {
    const auto p = v.position_of(s);
    w.begin_object();
    w.key("symbol").value(s);
    w.key("qty").value(p.qty.to_string());
    w.key("avg_entry").value(p.avg_entry.to_string());
    w.key("realized").value(p.realized_pnl.to_string());
    w.key("fees").value(p.fees.to_string());
    w.key("funding").value(p.funding.to_string());
    w.end_object();
  }
  w.end_array();
  w.key("open_orders").begin_array();
  for (const auto& s : symbols)
    for (const auto& o : v.open_orders(s)) {
      w.begin_object();
      w.key("client_id").value(o.client_id);
      w.key("symbol").value(s);
      w.key("side").value(to_string(o.sd));
      w.key("px").value(o.px.to_string());
      w.key("leaves").value(o.leaves.to_string());
      w.end_object();
    }
  w.end_array();
  w.key("fills").begin_array();
  for (const auto& s : symbols)
    for (const auto& f : v.fills(s)) {
      w.begin_object();
      w.key("fill_id").value(f.fill_id);
      w.key("client_id").value(f.client_id);
      w.key("symbol").value(f.symbol);
      w.key("side").value(to_string(f.sd));
      w.key("px").value(f.px.to_string());
      w.key("qty").value(f.qty.to_string());
      w.key("fee").value(f.fee.to_string());
      w.key("liquidity").value(to_string(f.liq));
      w.key("ts").value(static_cast<int64_t>(f.ts));
      w.end_object();
    }
  w.end_array();
  w.key("funding").begin_array();
  for (const auto& s : symbols)
    for (const auto& p : v.funding_payments(s)) {
      w.begin_object();
      w.key("symbol").value(p.symbol);
      w.key("position").value(p.position.to_string());
      w.key("rate").value(p.rate.to_string());
      w.key("amount").value(p.amount.to_string());
      w.key("ts").value(static_cast<int64_t>(p.ts));
      w.end_object();
    }
  w.end_array();
  w.end_object();
}

} // namespace

int run_sim_state(const node_config& cfg, const sim_state_request& req, std::ostream& out,
                  std::ostream& err) {
  const std::string dir = req.data_dir + "/sim";
  const timestamp_ns until = req.until != 0 ? req.until : system_now();
  json::writer w;
  w.begin_object();
  w.key("at").value(static_cast<int64_t>(until));
  w.key("venues").begin_array();
  std::size_t found = 0;
  for (const auto& vc : cfg.sim.venues) {
    const std::string path = dir + "/" + vc.name + ".flow";
    if (!std::filesystem::exists(path))
      continue;
    auto log = sim::flow_log::open_read_only(path, vc.name);
    if (!log) {
      err << "xarb sim-state: " << log.error().message << '\n';
      return 1;
    }
    if (!(*log)->has_start())
      continue; // created, never started: nothing happened on it
    try {
      auto world = cfg.sim;
      world.start_ts = (*log)->world_start();
      sim::venue v{world, vc.name};
      (*log)->replay(v);
      std::vector<sim::event> ignored;
      v.advance(std::max(until, v.exchange_time()), ignored);
      // What this venue lists (configured and generated, minus unlisted).
      std::vector<std::string> symbols;
      for (const auto& spec : v.instruments())
        symbols.push_back(spec.symbol);
      write_venue(w, v, **log, symbols);
      ++found;
    } catch (const std::exception& e) {
      err << "xarb sim-state: venue " << vc.name << ": " << e.what() << '\n';
      return 1;
    }
  }
  w.end_array();
  w.end_object();
  if (found == 0) {
    err << "xarb sim-state: no simulated venue history in " << dir << '\n';
    return 1;
  }
  out << w.str() << '\n';
  return out ? 0 : 1;
}

} // namespace xarb::cli
