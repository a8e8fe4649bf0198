#pragma once
// THE type-ID block of xarb: every message type and atom of the system.
// Every node and every actor test passes caf::id_block::xarb to its
// actor_system_config (see nodes/ and tests/actors/). The build defines
// CAF_ENABLE_TYPE_ID_CHECKS, so sending an unregistered type does not compile.
//
// Atoms are at most 10 characters (CAF 0.17).

#include <caf/type_id.hpp>

#include "core/strategy/params.hpp"
#include "messages/error_code.hpp"
#include "messages/event.hpp"
#include "messages/feed.hpp"
#include "messages/instrument.hpp"
#include "messages/market.hpp"
#include "messages/order.hpp"
#include "messages/reconcile.hpp"
#include "messages/risk.hpp"
#include "messages/scanner.hpp"
#include "messages/spread.hpp"
#include "messages/strategy.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(xarb, caf::first_custom_type_id)

  // -- value types -----------------------------------------------------------
  CAF_ADD_TYPE_ID(xarb, (xarb::error_info))
  CAF_ADD_TYPE_ID(xarb, (xarb::error_code))
  CAF_ADD_TYPE_ID(xarb, (xarb::price))
  CAF_ADD_TYPE_ID(xarb, (xarb::quantity))
  CAF_ADD_TYPE_ID(xarb, (xarb::money))
  CAF_ADD_TYPE_ID(xarb, (xarb::ratio))
  CAF_ADD_TYPE_ID(xarb, (xarb::instrument_id))
  CAF_ADD_TYPE_ID(xarb, (xarb::instrument_spec))
  CAF_ADD_TYPE_ID(xarb, (xarb::book_level))
  CAF_ADD_TYPE_ID(xarb, (xarb::book_snapshot))
  CAF_ADD_TYPE_ID(xarb, (xarb::book_delta))
  CAF_ADD_TYPE_ID(xarb, (xarb::top_of_book))
  CAF_ADD_TYPE_ID(xarb, (xarb::funding_rate))
  CAF_ADD_TYPE_ID(xarb, (xarb::funding_payment))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_intent))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_ack))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_reject))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_fill))
  CAF_ADD_TYPE_ID(xarb, (xarb::cancel_request))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_cancelled))
  CAF_ADD_TYPE_ID(xarb, (xarb::position))
  CAF_ADD_TYPE_ID(xarb, (xarb::event))
  CAF_ADD_TYPE_ID(xarb, (xarb::health_state))
  CAF_ADD_TYPE_ID(xarb, (xarb::health_report))
  CAF_ADD_TYPE_ID(xarb, (xarb::spread_update))
  CAF_ADD_TYPE_ID(xarb, (xarb::order_update))
  CAF_ADD_TYPE_ID(xarb, (xarb::pair_report))
  CAF_ADD_TYPE_ID(xarb, (xarb::inline_hook))
  CAF_ADD_TYPE_ID(xarb, (xarb::trade_state))
  CAF_ADD_TYPE_ID(xarb, (xarb::risk_permit))
  CAF_ADD_TYPE_ID(xarb, (xarb::pair_risk_report))
  CAF_ADD_TYPE_ID(xarb, (xarb::venue_alert_kind))
  CAF_ADD_TYPE_ID(xarb, (xarb::venue_alert))
  CAF_ADD_TYPE_ID(xarb, (xarb::account_query))
  CAF_ADD_TYPE_ID(xarb, (xarb::account_report))
  CAF_ADD_TYPE_ID(xarb, (xarb::strategy::pair_params))
  CAF_ADD_TYPE_ID(xarb, (xarb::market_watch_batch))
  CAF_ADD_TYPE_ID(xarb, (xarb::venue_quote_sample))
  CAF_ADD_TYPE_ID(xarb, (xarb::market_sample))
  CAF_ADD_TYPE_ID(xarb, (xarb::md_frame))
  CAF_ADD_TYPE_ID(xarb, (xarb::md_link))
  CAF_ADD_TYPE_ID(xarb, (xarb::rest_reply))

  // -- atoms (<= 10 characters) ---------------------------------------------
  CAF_ADD_ATOM(xarb, xarb::atom, subscribe, "subscribe")
  CAF_ADD_ATOM(xarb, xarb::atom, unsubscr, "unsubscr")
  CAF_ADD_ATOM(xarb, xarb::atom, rebound, "rebound")
  CAF_ADD_ATOM(xarb, xarb::atom, restart, "restart")
  CAF_ADD_ATOM(xarb, xarb::atom, shutdown, "shutdown")
  CAF_ADD_ATOM(xarb, xarb::atom, tick, "tick")
  CAF_ADD_ATOM(xarb, xarb::atom, status, "status")
  CAF_ADD_ATOM(xarb, xarb::atom, crash, "crash")
  CAF_ADD_ATOM(xarb, xarb::atom, resync, "resync")
  CAF_ADD_ATOM(xarb, xarb::atom, children, "children")
  CAF_ADD_ATOM(xarb, xarb::atom, report, "report")
  CAF_ADD_ATOM(xarb, xarb::atom, stop_grace, "stop_grace")
  CAF_ADD_ATOM(xarb, xarb::atom, top, "top")
  CAF_ADD_ATOM(xarb, xarb::atom, enable, "enable")
  CAF_ADD_ATOM(xarb, xarb::atom, mode, "mode")
  CAF_ADD_ATOM(xarb, xarb::atom, flatten, "flatten")
  CAF_ADD_ATOM(xarb, xarb::atom, resume, "resume")
  CAF_ADD_ATOM(xarb, xarb::atom, halt, "halt")
  CAF_ADD_ATOM(xarb, xarb::atom, risk, "risk")
  CAF_ADD_ATOM(xarb, xarb::atom, params, "params")
  CAF_ADD_ATOM(xarb, xarb::atom, watch, "watch")

CAF_END_TYPE_ID_BLOCK(xarb)
