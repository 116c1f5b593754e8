// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Build-time switches and small portability macros shared by every header.

#include <cstdint>

// TAPEGRAD_CHECKS: every operand of every recorded operation is verified to live on the
// tape that records it (not another tape's or thread's, not cleared or rewound away).
// On in every build, NDEBUG or not: the test costs a few register operations per operand
// and one branch per statement (docs/design.md, "What is checked, and when"). Define
// TAPEGRAD_CHECKS=0 to opt out. The checks at API boundaries (backward, grad, rewind,
// clear, the functional API) run in every case.
#ifndef TAPEGRAD_CHECKS
#define TAPEGRAD_CHECKS 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TAPEGRAD_INLINE inline __attribute__((always_inline))
#define TAPEGRAD_NOINLINE __attribute__((noinline))
#define TAPEGRAD_COLD __attribute__((noinline, cold))
#define TAPEGRAD_LIKELY(x) __builtin_expect(!!(x), 1)
#define TAPEGRAD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define TAPEGRAD_INLINE inline
#define TAPEGRAD_NOINLINE
#define TAPEGRAD_COLD
#define TAPEGRAD_LIKELY(x) (x)
#define TAPEGRAD_UNLIKELY(x) (x)
#endif

namespace tapegrad {

/// Position of a statement on a tape; statement 0 is the sink for constants.
using Index = std::uint32_t;

/// Identifies one era of one tape; Vars carry it so stale or foreign Vars are caught.
using Generation = std::uint32_t;

}  // namespace tapegrad
