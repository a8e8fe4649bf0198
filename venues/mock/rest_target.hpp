#pragma once
// Request-target parsing for the mock server: "path?query" into a rest_call
// (venue_protocol.hpp) with the query decoded. Pure, no Beast.

#include <string>
#include <string_view>

#include "messages/expected.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::mock {

/// Decodes "%XX" escapes (either case); with `plus_is_space` (query strings)
/// '+' is a space. Fails (parse_error) on a truncated or non-hex escape.
expected<std::string> percent_decode(std::string_view in, bool plus_is_space);

/// method + target ("/fapi/v1/depth?symbol=BTCUSDT&limit=5", a fragment is
/// dropped) + body. The path is percent-decoded ('+' kept), the query split
/// on '&' into decoded key/value pairs (a key without '=' has an empty
/// value, empty items are skipped, a repeated key keeps its last value).
/// Fails (parse_error) on a malformed escape or a target not starting with
/// '/'.
expected<rest_call> make_rest_call(std::string_view method, std::string_view target,
                                   std::string body);

} // namespace xarb::mock
