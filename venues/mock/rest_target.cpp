#include "venues/mock/rest_target.hpp"

namespace xarb::mock {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace

expected<std::string> percent_decode(std::string_view in, bool plus_is_space) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    const char c = in[i];
    if (c == '%') {
      if (i + 2 >= in.size())
        return error_info{error_code::parse_error, "truncated %-escape in '" + std::string{in}
                                                     + "'"};
      const int hi = hex_value(in[i + 1]);
      const int lo = hex_value(in[i + 2]);
      if (hi < 0 || lo < 0)
        return error_info{error_code::parse_error, "bad %-escape in '" + std::string{in} + "'"};
      out.push_back(static_cast<char>(hi * 16 + lo));
      i += 2;
    } else if (c == '+' && plus_is_space) {
      out.push_back(' ');
    } else {
      out.push_back(c);
    }
  }
  return out;
}

expected<rest_call> make_rest_call(std::string_view method, std::string_view target,
                                   std::string body) {
  if (auto hash = target.find('#'); hash != std::string_view::npos)
    target = target.substr(0, hash);
  if (target.empty() || target.front() != '/')
    return error_info{error_code::parse_error,
                      "request target must start with '/': '" + std::string{target} + "'"};
  rest_call call;
  call.method = std::string{method};
  call.body = std::move(body);
  const auto q = target.find('?');
  auto path = percent_decode(target.substr(0, q), false);
  if (!path)
    return path.error();
  call.path = std::move(*path);
  if (q == std::string_view::npos)
    return call;
  std::string_view query = target.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (item.empty())
      continue;
    const auto eq = item.find('=');
    auto key = percent_decode(item.substr(0, eq), true);
    if (!key)
      return key.error();
    auto value = percent_decode(eq == std::string_view::npos ? std::string_view{}
                                                             : item.substr(eq + 1),
                                true);
    if (!value)
      return value.error();
    call.query[std::move(*key)] = std::move(*value);
  }
  return call;
}

} // namespace xarb::mock
