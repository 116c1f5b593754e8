// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The umbrella header: everything tapegrad offers.

#include "tapegrad/version.hpp"

#include "tapegrad/core/dual.hpp"
#include "tapegrad/core/forward.hpp"
#include "tapegrad/core/functional.hpp"
#include "tapegrad/core/hessian.hpp"
#include "tapegrad/core/math.hpp"
#include "tapegrad/core/mixed_products.hpp"
#include "tapegrad/core/num_traits.hpp"
#include "tapegrad/core/statements.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"

#include "tapegrad/eigen/matrix.hpp"
#include "tapegrad/eigen/values.hpp"

#include "tapegrad/check/gradcheck.hpp"

#include "tapegrad/io/csv.hpp"
#include "tapegrad/io/dot.hpp"
#include "tapegrad/io/gzip.hpp"

#include "tapegrad/optim/optim.hpp"
