// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Every derivative rule (core/rules/): one struct per primitive, used by Var, Dual,
/// MatrixVar, cwise, the losses and the plain evaluations alike.

#include "tapegrad/core/rules/arithmetic.hpp"
#include "tapegrad/core/rules/common.hpp"
#include "tapegrad/core/rules/exp_log.hpp"
#include "tapegrad/core/rules/nonsmooth.hpp"
#include "tapegrad/core/rules/special.hpp"
#include "tapegrad/core/rules/trig.hpp"
