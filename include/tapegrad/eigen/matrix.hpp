// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Matrix-level statements: MatrixVar and every operation on it.

#include "tapegrad/eigen/matrix_blocks.hpp"
#include "tapegrad/eigen/matrix_functions.hpp"
#include "tapegrad/eigen/matrix_fused.hpp"
#include "tapegrad/eigen/matrix_losses.hpp"
#include "tapegrad/eigen/matrix_ops.hpp"
#include "tapegrad/eigen/matrix_var.hpp"
