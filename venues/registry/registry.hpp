#pragma once
// Every real venue by name: its market-data codec and its loopback mock
// protocol. The one place that links all venue folders (a new venue is one
// line here and one in venues/common/md_codec.cpp's codec_names()).

#include <memory>
#include <string_view>

#include "messages/expected.hpp"
#include "venues/common/md_codec.hpp"
#include "venues/mock/venue_protocol.hpp"

namespace xarb::venues {

/// A fresh codec for `venue` (codec_names()); unknown_venue otherwise.
expected<std::unique_ptr<md_codec>> make_codec(std::string_view venue);

/// The mock protocol of `venue` (codec_names()); unknown_venue otherwise.
expected<std::unique_ptr<mock::venue_protocol>> make_protocol(std::string_view venue);

} // namespace xarb::venues
