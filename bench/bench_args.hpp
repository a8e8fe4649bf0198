#pragma once
// Command-line reading shared by the whole-node and latency benches.
// `make bench` passes Google Benchmark's --benchmark_* flags to every
// bench_* binary, so they are skipped; a flag's value is the next argument,
// and a missing one ends in the bench's usage().

#include <cstdlib>
#include <string>
#include <string_view>

namespace xarb::bench {

class arg_reader {
public:
  /// Prints the usage with `why` and exits (never returns).
  using usage_fn = void (*)(const char* why);

  arg_reader(int argc, char** argv, usage_fn usage) : argc_(argc), argv_(argv), usage_(usage) {}

  /// The next flag (not a --benchmark_* one); false when none is left.
  bool next(std::string_view& flag) {
    while (++i_ < argc_) {
      flag = argv_[i_];
      if (!flag.starts_with("--benchmark_"))
        return true;
    }
    return false;
  }

  /// The current flag's value: the next argument.
  std::string value() {
    if (i_ + 1 >= argc_) {
      usage_("missing value");
      std::abort(); // usage_ exits
    }
    return argv_[++i_];
  }
  int integer() { return std::atoi(value().c_str()); }
  double number() { return std::atof(value().c_str()); }

private:
  int argc_;
  char** argv_;
  usage_fn usage_;
  int i_ = 0;
};

} // namespace xarb::bench
