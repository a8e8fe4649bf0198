#include "venues/net/io_thread.hpp"

#include <pthread.h>

#include <atomic>
#include <mutex>
#include <optional>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include "monitoring/logging.hpp"

namespace xarb::net {

namespace asio = boost::asio;

struct io_thread::impl {
  std::string name;
  asio::io_context ioc{1}; // one thread: tell Asio so it can skip locking
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::thread thread;
  std::atomic<std::thread::id> id{};
  std::atomic<bool> running{false};
  std::mutex mtx; ///< start/join from several threads
};

io_thread::io_thread(std::string name) : impl_(std::make_unique<impl>()) {
  impl_->name = std::move(name);
}

io_thread::~io_thread() {
  stop();
  join();
}

void io_thread::start() {
  std::lock_guard lock{impl_->mtx};
  if (impl_->thread.joinable())
    return;
  impl_->ioc.restart();
  impl_->work.emplace(impl_->ioc.get_executor());
  impl_->running = true;
  impl_->thread = std::thread([i = impl_.get()] {
    i->id = std::this_thread::get_id();
    auto short_name = i->name.substr(0, 15);
    pthread_setname_np(pthread_self(), short_name.c_str());
    // A throwing handler must not take the process down: log and resume.
    for (;;) {
      try {
        i->ioc.run();
        break;
      } catch (const std::exception& e) {
        log::get("net")->error("{}: I/O thread caught: {}", i->name, e.what());
      }
    }
    i->running = false;
    i->id = std::thread::id{};
  });
}

void io_thread::stop() {
  // The guard is only touched under the mutex; stop() from the io thread
  // while another thread joins must not deadlock, hence try_lock.
  std::unique_lock lock{impl_->mtx, std::try_to_lock};
  if (lock.owns_lock())
    impl_->work.reset();
  impl_->ioc.stop();
}

void io_thread::join() {
  if (in_io_thread())
    return;
  std::lock_guard lock{impl_->mtx};
  if (impl_->thread.joinable())
    impl_->thread.join();
  impl_->work.reset();
}

bool io_thread::running() const noexcept {
  return impl_->running.load();
}

bool io_thread::in_io_thread() const noexcept {
  return impl_->id.load() == std::this_thread::get_id();
}

void io_thread::post(std::function<void()> fn) {
  asio::post(impl_->ioc, std::move(fn));
}

asio::io_context& io_thread::context() noexcept {
  return impl_->ioc;
}

} // namespace xarb::net
