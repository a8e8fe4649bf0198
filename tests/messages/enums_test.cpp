// to_string of every enum of messages/, error_info and expected<T>.
#include "messages/error_code.hpp"
#include "messages/event.hpp"
#include "messages/expected.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"

#include <doctest/doctest.h>

#include <set>
#include <string>

using namespace xarb;

TEST_CASE("market and order enums") {
  CHECK(to_string(book_side::bid) == "bid");
  CHECK(to_string(book_side::ask) == "ask");
  CHECK(to_string(side::buy) == "buy");
  CHECK(to_string(side::sell) == "sell");
  CHECK(opposite(side::buy) == side::sell);
  CHECK(opposite(side::sell) == side::buy);
  CHECK(to_string(order_type::limit) == "limit");
  CHECK(to_string(order_type::market) == "market");
  CHECK(to_string(time_in_force::gtc) == "gtc");
  CHECK(to_string(time_in_force::ioc) == "ioc");
  CHECK(to_string(time_in_force::post_only) == "post_only");
  CHECK(to_string(liquidity::maker) == "maker");
  CHECK(to_string(liquidity::taker) == "taker");
}

TEST_CASE("event and health enums") {
  CHECK(to_string(severity::debug) == "debug");
  CHECK(to_string(severity::info) == "info");
  CHECK(to_string(severity::warning) == "warning");
  CHECK(to_string(severity::error) == "error");
  CHECK(to_string(severity::critical) == "critical");
  CHECK(to_string(health_state::starting) == "starting");
  CHECK(to_string(health_state::syncing) == "syncing");
  CHECK(to_string(health_state::ready) == "ready");
  CHECK(to_string(health_state::degraded) == "degraded");
  CHECK(to_string(health_state::stopping) == "stopping");
  CHECK(to_string(health_state::stopped) == "stopped");
  CHECK(to_string(static_cast<severity>(200)) == "unknown");
  CHECK(to_string(static_cast<health_state>(200)) == "unknown");
  CHECK(to_string(static_cast<time_in_force>(200)) == "unknown");
}

TEST_CASE("every error_code has a distinct snake_case name") {
  std::set<std::string> names;
  const auto last = static_cast<int>(error_code::internal);
  for (int i = 0; i <= last; ++i) {
    const auto name = std::string{to_string(static_cast<error_code>(i))};
    CAPTURE(i);
    CAPTURE(name);
    CHECK(name != "unknown");
    CHECK_FALSE(name.empty());
    for (char c : name)
      CHECK(((c >= 'a' && c <= 'z') || c == '_'));
    names.insert(name);
  }
  CHECK(names.size() == static_cast<std::size_t>(last + 1));
  CHECK(to_string(error_code::none) == "none");
  CHECK(to_string(error_code::sequence_gap) == "sequence_gap");
  CHECK(to_string(error_code::post_only_would_cross) == "post_only_would_cross");
  CHECK(to_string(error_code::internal) == "internal");
  CHECK(to_string(static_cast<error_code>(last + 1)) == "unknown");
}

TEST_CASE("error_info and instrument_id text") {
  CHECK(to_string(error_info{}) == "none");
  CHECK(to_string(error_info{error_code::bad_tick, "65000.05 on tick 0.1"})
        == "bad_tick: 65000.05 on tick 0.1");
  CHECK_FALSE(error_info{});
  CHECK(error_info{error_code::timeout, ""});
  CHECK(to_string(instrument_id{"sim-a", "BTC-PERP"}) == "sim-a:BTC-PERP");
  CHECK(instrument_id{"a", "X"} < instrument_id{"b", "A"});
}

TEST_CASE("expected<T>") {
  expected<int> ok = 5;
  CHECK(ok);
  CHECK(ok.has_value());
  CHECK(*ok == 5);
  CHECK(ok.code() == error_code::none);
  expected<int> bad{error_code::overflow, "too big"};
  CHECK_FALSE(bad);
  CHECK(bad.code() == error_code::overflow);
  CHECK(bad.error().message == "too big");
  expected<std::string> moved = std::string{"abc"};
  std::string s = std::move(moved).value();
  CHECK(s == "abc");
}
