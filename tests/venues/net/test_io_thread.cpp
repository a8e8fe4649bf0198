// io_thread: handlers run on its one thread, queued work survives a stop,
// exceptions are contained, stop() works from the io thread itself.
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include "venues/net/io_thread.hpp"

using namespace xarb::net;
using namespace std::chrono_literals;

namespace {

template <class Pred>
bool within_2s(Pred pred) {
  for (int i = 0; i < 400; ++i) {
    if (pred())
      return true;
    std::this_thread::sleep_for(5ms);
  }
  return pred();
}

} // namespace

TEST_CASE("io_thread: post, start, stop from inside, restart") {
  io_thread io{"test.io"};
  CHECK_FALSE(io.running());
  std::atomic<int> n{0};
  std::atomic<bool> on_io{false};
  io.post([&] {
    on_io = io.in_io_thread();
    ++n;
  }); // queued before start
  std::this_thread::sleep_for(20ms);
  CHECK(n == 0);
  io.start();
  io.start(); // no-op while running
  REQUIRE(within_2s([&] { return n == 1; }));
  CHECK(on_io);
  CHECK(io.running());
  CHECK_FALSE(io.in_io_thread());

  // A throwing handler is logged; the loop keeps serving.
  io.post([] { throw std::runtime_error("boom"); });
  io.post([&] { ++n; });
  REQUIRE(within_2s([&] { return n == 2; }));
  CHECK(io.running());

  // stop() from the io thread; join() from here waits for the end.
  io.post([&] { io.stop(); });
  io.join();
  CHECK_FALSE(io.running());

  io.post([&] { ++n; }); // queued while stopped
  std::this_thread::sleep_for(20ms);
  CHECK(n == 2);
  io.start();
  REQUIRE(within_2s([&] { return n == 3; }));
  io.stop();
  io.join();
  CHECK_FALSE(io.running());
}

TEST_CASE("io_thread: join from the io thread is a no-op, destruction stops") {
  std::atomic<bool> joined{false};
  {
    io_thread io;
    io.start();
    io.post([&] {
      io.join(); // would deadlock if it waited for itself
      joined = true;
    });
    REQUIRE(within_2s([&] { return joined.load(); }));
  } // the destructor stops and joins a running loop
  CHECK(joined);
}
