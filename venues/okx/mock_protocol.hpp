#pragma once
// The OKX half of a loopback mock venue (venues/mock/venue_protocol.hpp):
// REST /api/v5/public/instruments, /api/v5/market/books, /api/v5/market/ticker,
// /api/v5/public/funding-rate, /api/v5/public/mark-price, /api/v5/public/time;
// WS /ws/v5/public with text ping/pong, op subscribe/unsubscribe of `books`,
// `bbo-tbt`, `funding-rate` and `mark-price`, pushes in OKX's exact shapes.
//
// Contracts: the mock lists each instrument with ctVal = its lot in coins
// (so lotSz = 1 contract) and writes every size in contracts; the checksum
// of `books` is OKX's CRC32 over those contract sizes.

#include <memory>

#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

std::unique_ptr<venue_protocol> make_okx_protocol();

} // namespace xarb::mock
