// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Build-time switches and small portability macros shared by every header.

#include <cstdint>

// TAPEGRAD_CHECKS selects the per-operation misuse checks (every operand of every
// recorded operation is verified to live on the active tape). They cost a compare and
// a branch per operand, so they follow NDEBUG unless the user sets the macro to 0 or 1.
// The checks at API boundaries (backward, grad, rewind, clear) always run.
#ifndef TAPEGRAD_CHECKS
#ifdef NDEBUG
#define TAPEGRAD_CHECKS 0
#else
#define TAPEGRAD_CHECKS 1
#endif
#endif

#if defined(__GNUC__) || defined(__clang__)
#define TAPEGRAD_INLINE inline __attribute__((always_inline))
#define TAPEGRAD_NOINLINE __attribute__((noinline))
#define TAPEGRAD_COLD __attribute__((noinline, cold))
#define TAPEGRAD_LIKELY(x) __builtin_expect(!!(x), 1)
#define TAPEGRAD_UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TAPEGRAD_RESTRICT __restrict__
#else
#define TAPEGRAD_INLINE inline
#define TAPEGRAD_NOINLINE
#define TAPEGRAD_COLD
#define TAPEGRAD_LIKELY(x) (x)
#define TAPEGRAD_UNLIKELY(x) (x)
#define TAPEGRAD_RESTRICT
#endif

namespace tapegrad {

/// Position of a statement on a tape; statement 0 is the sink for constants.
using Index = std::uint32_t;

/// Identifies one era of one tape; Vars carry it so stale or foreign Vars are caught.
using Generation = std::uint32_t;

}  // namespace tapegrad
