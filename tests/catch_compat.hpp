// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The one place where Catch2 v2 and v3 differ for these tests: the headers. Both
/// provide TEST_CASE, TEMPLATE_TEST_CASE, WithinRel and WithinAbs.

#if TAPEGRAD_CATCH_MAJOR == 3
#include <catch2/catch_template_test_macros.hpp>
#include <catch2/catch_test_macros.hpp>
#include <catch2/matchers/catch_matchers_floating_point.hpp>
#include <catch2/matchers/catch_matchers_string.hpp>
#else
#include <catch2/catch.hpp>
#endif

#if TAPEGRAD_CATCH_MAJOR != 3
namespace Catch::Matchers {
/// v3's name for v2's substring matcher.
inline auto ContainsSubstring(const std::string& text) { return Contains(text); }
}  // namespace Catch::Matchers
#endif

using Catch::Matchers::ContainsSubstring;
using Catch::Matchers::WithinAbs;
using Catch::Matchers::WithinRel;
