#pragma once
// Counts global operator new calls (alloc_counter.cpp replaces them) so a
// test can assert that a warm decode() does not allocate.

#include <cstddef>

namespace xarb::test {
std::size_t allocations() noexcept;
} // namespace xarb::test
