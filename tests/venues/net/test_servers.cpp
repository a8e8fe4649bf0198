#include "tests/venues/net/test_servers.hpp"

#include <thread>

namespace xarb::net::test {

std::string cert_file(const std::string& name) {
  return std::string{XARB_NET_CERTS_DIR} + "/" + name;
}

bool eventually(const std::function<bool()>& pred, std::chrono::milliseconds limit) {
  auto deadline = steady::now() + limit;
  while (steady::now() < deadline) {
    if (pred())
      return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return pred();
}

} // namespace xarb::net::test
