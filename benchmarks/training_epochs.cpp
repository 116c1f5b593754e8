// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers

// The two training-epoch problems of the performance issue. They need the optimizer
// module (include/tapegrad/optim/, being written), so for now they are hooks: registered
// with their targets, printed as "hook" in the table.

#include "harness.hpp"

namespace tapegrad_bench {
namespace {

// ---- HOOK: T1, one epoch of full-batch logistic regression on breast_cancer -------------
// Data: breast_cancer.csv (569 x 30 features + label, UCI; see the shared data README for
// the format and attribution; copy it into the repository with its attribution).
// Standardize the features. One epoch = one full-batch gradient step of the mean logistic
// NLL (P3's loss) with the optimizer module's GradientDescent.
// Rows to add, as in p3_logreg.cpp: f_scalar / f_vectorized (the epoch's loss only),
// hand_scalar / hand_vectorized (the epoch with a hand-written gradient: the physical
// limit), tapegrad_scalar (generic loop + Var) and tapegrad_vectorized (matrix
// statements). Each run(g) performs the epoch from the same starting weights and writes
// the updated weights to g, so the checks compare the epochs' results.
Problem make_logreg_epoch() {
  Problem p{"T1", "logreg_epoch", "breast_cancer 569 x 30, full batch", {}, {}, {}, {}};
  p.targets.vectorized_over_limit = 1.5;
  p.note = "hook: written once the optimizer module (include/tapegrad/optim) lands; see training_epochs.cpp";
  return p;
}

// ---- HOOK: T2, one epoch of a 64-32-10 MLP on digits, mini-batch 32 ---------------------
// Data: digits.csv.gz (1797 x 64 pixels + label 0..9), features standardized, batches in
// a fixed order (Sequential), softmax cross-entropy, the optimizer module's optimizer
// stepping after every batch of 32 (57 steps per epoch). Same rows and checks as T1.
Problem make_mlp_epoch() {
  Problem p{"T2", "mlp_epoch", "digits 1797 x 64, MLP 64-32-10, mini-batch 32", {}, {}, {}, {}};
  p.targets.vectorized_over_limit = 1.5;
  p.note = "hook: written once the optimizer module (include/tapegrad/optim) lands; see training_epochs.cpp";
  return p;
}

const Register logreg_epoch(make_logreg_epoch);
const Register mlp_epoch(make_mlp_epoch);

}  // namespace
}  // namespace tapegrad_bench
