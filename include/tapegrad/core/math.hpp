// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Every differentiable elementary function. Found by argument-dependent lookup, so
/// generic code written as `using std::sin; sin(x)` works for double and Var alike.

#include "tapegrad/core/math_exp_log.hpp"
#include "tapegrad/core/math_nonsmooth.hpp"
#include "tapegrad/core/math_special.hpp"
#include "tapegrad/core/math_trig.hpp"
