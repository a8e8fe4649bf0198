#pragma once
// One asio::io_context run by one background thread: the home of a venue's
// WS connections and HTTP client. Every handler of the objects living on it
// runs on that thread, one at a time, so they need no locks or strands.
//
// Asio is forward-declared: include <boost/asio/io_context.hpp> where
// context() is used.

#include <functional>
#include <memory>
#include <string>

namespace boost::asio {
class io_context;
} // namespace boost::asio

namespace xarb::net {

class io_thread {
public:
  /// `name` becomes the thread's name (top -H), cut to 15 characters.
  explicit io_thread(std::string name = "xarb.net");
  ~io_thread(); ///< stop() + join()

  io_thread(const io_thread&) = delete;
  io_thread& operator=(const io_thread&) = delete;

  /// Starts the thread; the loop runs until stop() even with no work.
  /// No-op when running. After stop() + join() it may be started again.
  void start();

  /// Asks the loop to return; handlers not yet run stay queued (they run on
  /// a later start(), or are destroyed with the io_thread). Callable from
  /// any thread, the io thread included. Does not wait: see join().
  void stop();

  /// Waits for the thread to end. No-op from the io thread itself or when
  /// it is not running.
  void join();

  /// True between start() and the loop's end.
  bool running() const noexcept;

  /// True when called from the io thread.
  bool in_io_thread() const noexcept;

  /// Runs `fn` on the io thread (queued even before start()). An exception
  /// escaping it is logged, the loop keeps running.
  void post(std::function<void()> fn);

  boost::asio::io_context& context() noexcept;

private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace xarb::net
