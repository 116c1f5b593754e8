// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The optimizer module, namespace tapegrad::optim: losses, Dataset and batches,
/// parameters, learning-rate schedules, optimizers, models, minimize and train, and the
/// solvers: line searches, L-BFGS, conjugate gradients, Newton-CG, least squares.
/// See docs/optim.md.

#include "tapegrad/optim/checks.hpp"
#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/conjugate_gradient.hpp"
#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/lbfgs.hpp"
#include "tapegrad/optim/least_squares.hpp"
#include "tapegrad/optim/line_search.hpp"
#include "tapegrad/optim/loss.hpp"
#include "tapegrad/optim/minimize.hpp"
#include "tapegrad/optim/models.hpp"
#include "tapegrad/optim/newton_cg.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/parameters.hpp"
#include "tapegrad/optim/random.hpp"
#include "tapegrad/optim/schedule.hpp"
#include "tapegrad/optim/solver.hpp"
#include "tapegrad/optim/step_loop.hpp"
#include "tapegrad/optim/train.hpp"
#include "tapegrad/optim/workers.hpp"
