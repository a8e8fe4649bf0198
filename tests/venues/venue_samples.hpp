#pragma once
// The public payloads of tests/venues/data/venue-samples.txt (a copy of the
// research notes' venue-samples.txt): one message per line,
// "venue|kind|source|json". Codec tests run every sample of their venue.

#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#ifndef XARB_VENUE_SAMPLES
#error "define XARB_VENUE_SAMPLES (path of venue-samples.txt) when compiling"
#endif

namespace xarb::test {

struct venue_sample {
  std::string venue;
  std::string kind;
  std::string source;
  std::string json;
};

/// Every sample of `venue` (all of them for an empty name), in file order.
inline std::vector<venue_sample> venue_samples(const std::string& venue = {}) {
  std::ifstream in(XARB_VENUE_SAMPLES);
  if (!in)
    throw std::runtime_error("cannot open " XARB_VENUE_SAMPLES);
  std::vector<venue_sample> out;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#')
      continue;
    venue_sample s;
    auto a = line.find('|');
    auto b = a == std::string::npos ? a : line.find('|', a + 1);
    auto c = b == std::string::npos ? b : line.find('|', b + 1);
    if (c == std::string::npos)
      throw std::runtime_error("bad sample line: " + line.substr(0, 60));
    s.venue = line.substr(0, a);
    s.kind = line.substr(a + 1, b - a - 1);
    s.source = line.substr(b + 1, c - b - 1);
    s.json = line.substr(c + 1);
    if (venue.empty() || s.venue == venue)
      out.push_back(std::move(s));
  }
  return out;
}

/// The one sample of `venue` named `kind`; throws if absent.
inline venue_sample venue_sample_of(const std::string& venue, const std::string& kind) {
  for (auto& s : venue_samples(venue))
    if (s.kind == kind)
      return s;
  throw std::runtime_error("no sample " + venue + "|" + kind);
}

} // namespace xarb::test
