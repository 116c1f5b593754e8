// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Training and minimizing over many processes with MPI (docs/distributed.md). Link
/// the CMake target tapegrad::mpi (defined when find_package(MPI) finds MPI) and run the
/// program under mpiexec:
///
///     tapegrad::distributed::Environment mpi(argc, argv);   // MPI_Init ... MPI_Finalize
///     tapegrad::distributed::Communicator world;            // MPI_COMM_WORLD
///     auto shard = tapegrad::distributed::shard(all_data, world);  // rows rank, rank + P, ...
///     options.collective = &world;                          // or distributed::train(world, ...)
///     tapegrad::optim::train(model, shard, options);
///
/// Each rank holds its shard and its own tapes; one MPI_Allreduce per step sums the
/// loss, the gradient and a failure flag, exactly as threads = k sums its threads'
/// shards inside one process. optim/collective.hpp states the contract; this header is
/// the only one that includes <mpi.h>, and nothing below it depends on it.

// The C API only: MPI's deprecated C++ bindings warn under -Wextra.
#ifndef OMPI_SKIP_MPICXX
#define OMPI_SKIP_MPICXX 1
#endif
#ifndef MPICH_SKIP_MPICXX
#define MPICH_SKIP_MPICXX 1
#endif
#include <mpi.h>

#include <Eigen/Core>
#include <algorithm>
#include <climits>
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <utility>

#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/conjugate_gradient.hpp"
#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/lbfgs.hpp"
#include "tapegrad/optim/least_squares.hpp"
#include "tapegrad/optim/minimize.hpp"
#include "tapegrad/optim/newton_cg.hpp"
#include "tapegrad/optim/train.hpp"

namespace tapegrad::distributed {

using optim::RankError;

/// An MPI call that failed (MPI's own error handler usually aborts first).
class MpiError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {
inline void check_mpi(int code, const char* call) {
  if (code == MPI_SUCCESS) return;
  char text[MPI_MAX_ERROR_STRING];
  int length = 0;
  MPI_Error_string(code, text, &length);
  throw MpiError(std::string(call) + " failed: " + std::string(text, static_cast<std::size_t>(length)));
}
}  // namespace detail

/// Initializes MPI for its lifetime (MPI_Init_thread, funneled: only the thread that
/// trains calls MPI) and finalizes it at the end, unless MPI was already initialized.
class Environment {
 public:
  /// MPI_Init_thread(argc, argv) unless MPI is initialized already.
  Environment(int& argc, char**& argv) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (initialized) return;
    int provided = 0;
    detail::check_mpi(MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided), "MPI_Init_thread");
    owner_ = true;
  }
  Environment(const Environment&) = delete;
  Environment& operator=(const Environment&) = delete;
  /// MPI_Finalize, if this object initialized MPI.
  ~Environment() {
    int finalized = 0;
    MPI_Finalized(&finalized);
    if (owner_ && !finalized) MPI_Finalize();
  }

 private:
  bool owner_ = false;
};

/// An MPI communicator (MPI_COMM_WORLD by default, or the user's) as the optimizer
/// module's Collective: sums are MPI_Allreduce, broadcasts MPI_Bcast.
class Communicator final : public optim::Collective {
 public:
  /// Wraps `comm` (not duplicated, not freed); MPI must be initialized.
  explicit Communicator(MPI_Comm comm = MPI_COMM_WORLD) : comm_(comm) {
    int initialized = 0;
    MPI_Initialized(&initialized);
    if (!initialized)
      throw MpiError("distributed::Communicator: MPI is not initialized (create a distributed::Environment first)");
    detail::check_mpi(MPI_Comm_rank(comm_, &rank_), "MPI_Comm_rank");
    detail::check_mpi(MPI_Comm_size(comm_, &size_), "MPI_Comm_size");
  }
  int rank() const override { return rank_; }
  int size() const override { return size_; }
  void sum(double* values, std::size_t n) override { allreduce(values, n, MPI_DOUBLE, MPI_SUM); }
  void sum(float* values, std::size_t n) override { allreduce(values, n, MPI_FLOAT, MPI_SUM); }
  void sum(long double* values, std::size_t n) override { allreduce(values, n, MPI_LONG_DOUBLE, MPI_SUM); }
  void sum(std::int64_t* values, std::size_t n) override { allreduce(values, n, MPI_INT64_T, MPI_SUM); }
  std::int64_t min(std::int64_t value) override {
    allreduce(&value, 1, MPI_INT64_T, MPI_MIN);
    return value;
  }
  void broadcast(unsigned char* bytes, std::size_t n, int root) override {
    for (std::size_t done = 0; done < n;) {  // MPI counts are int: large messages go in pieces
      const int count = static_cast<int>(std::min<std::size_t>(n - done, INT_MAX));
      detail::check_mpi(MPI_Bcast(bytes + done, count, MPI_BYTE, root, comm_), "MPI_Bcast");
      done += static_cast<std::size_t>(count);
    }
  }
  /// The wrapped MPI communicator.
  MPI_Comm get() const noexcept { return comm_; }

 private:
  template <class X>
  void allreduce(X* values, std::size_t n, MPI_Datatype type, MPI_Op op) {
    for (std::size_t done = 0; done < n;) {
      const int count = static_cast<int>(std::min<std::size_t>(n - done, INT_MAX));
      detail::check_mpi(MPI_Allreduce(MPI_IN_PLACE, values + done, count, type, op, comm_), "MPI_Allreduce");
      done += static_cast<std::size_t>(count);
    }
  }

  MPI_Comm comm_;
  int rank_ = 0, size_ = 1;
};

/// This rank's shard of `all`: global rows rank, rank + P, rank + 2P, ... (what train()
/// expects every rank to hold; optim::shard_rows).
template <class T>
optim::Dataset<T> shard(const optim::Dataset<T>& all, const optim::Collective& group) {
  return all.subset(optim::shard_rows(all.size(), group.rank(), group.size()));
}

/// f_r on this rank, summed over the ranks: the objective minimize, lbfgs,
/// conjugate_gradient and newton_cg accept (optim::SummedObjective).
template <class F>
optim::SummedObjective<std::decay_t<F>> over_ranks(optim::Collective& group, F&& f) {
  return optim::SummedObjective<std::decay_t<F>>(group, std::forward<F>(f));
}

namespace detail {

/// A solver's options for one rank: progress from rank 0 only, and a stop from the
/// callback on any rank stops every rank (a callback that throws on any rank throws
/// RankError on all).
template <class Options>
Options rank_options(optim::Collective& group, const Options& options) {
  Options o = options;
  if (group.rank() != 0) o.progress = nullptr;
  if (options.on_step) {
    o.on_step = [&group, user = options.on_step](auto k, const auto& w, auto loss, const auto& g) {
      bool go_on = true;
      optim::detail::on_every_rank(group, [&] { go_on = user(k, w, loss, g); });
      return group.min(go_on ? 1 : 0) == 1;
    };
  }
  return o;
}

/// Throws RankError on every rank unless the start point has the same size on all.
inline void same_size_on_every_rank(optim::Collective& group, Eigen::Index n) {
  const auto size = static_cast<std::int64_t>(n);
  const std::int64_t smallest = group.min(size);
  if (smallest != -group.min(-size))
    throw RankError("the start point has different sizes on different ranks (smallest " + std::to_string(smallest) +
                    ")");
}

/// Runs solve(objective, w0) on every rank from rank 0's w0, and checks that every rank
/// ends at the same point. `objective` sums or stacks over the ranks (SummedObjective,
/// StackedResiduals).
template <class Objective, class Derived, class Solve>
auto solve_on_ranks(optim::Collective& group, Objective objective, const Eigen::MatrixBase<Derived>& w0,
                    Solve&& solve) {
  using T = typename Derived::Scalar;
  Eigen::VectorX<T> start = w0;
  same_size_on_every_rank(group, start.size());
  optim::detail::broadcast_values<T>(group, start);
  auto result = solve(objective, start);
  optim::detail::check_same_on_every_rank(group, result.w, "the final points");
  return result;
}

}  // namespace detail

/// optim::minimize of sum_r f_r over the ranks of `group`, from rank 0's w0; every rank
/// returns the same result.
template <class F, class Derived, class T = typename Derived::Scalar>
optim::MinimizeResult<T> minimize(optim::Collective& group, F&& f, const Eigen::MatrixBase<Derived>& w0,
                                  const optim::MinimizeOptions<T>& options) {
  const auto o = detail::rank_options(group, options);
  return detail::solve_on_ranks(
      group, over_ranks(group, std::forward<F>(f)), w0,
      [&](auto& objective, const auto& start) { return optim::minimize(objective, start, o); });
}

/// optim::lbfgs of sum_r f_r over the ranks of `group`, from rank 0's x0.
template <class F, class Derived, class T = typename Derived::Scalar>
optim::MinimizeResult<T> lbfgs(optim::Collective& group, F&& f, const Eigen::MatrixBase<Derived>& x0,
                               const optim::LbfgsOptions<T>& options = {}) {
  const auto o = detail::rank_options(group, options);
  return detail::solve_on_ranks(group, over_ranks(group, std::forward<F>(f)), x0,
                                [&](auto& objective, const auto& start) { return optim::lbfgs(objective, start, o); });
}

/// optim::conjugate_gradient of sum_r f_r over the ranks of `group`, from rank 0's x0.
template <class F, class Derived, class T = typename Derived::Scalar>
optim::MinimizeResult<T> conjugate_gradient(optim::Collective& group, F&& f, const Eigen::MatrixBase<Derived>& x0,
                                            const optim::ConjugateGradientOptions<T>& options = {}) {
  const auto o = detail::rank_options(group, options);
  return detail::solve_on_ranks(
      group, over_ranks(group, std::forward<F>(f)), x0,
      [&](auto& objective, const auto& start) { return optim::conjugate_gradient(objective, start, o); });
}

/// optim::newton_cg of sum_r f_r over the ranks of `group`, from rank 0's x0 (the
/// Hessian-vector products are summed too).
template <class F, class Derived, class T = typename Derived::Scalar>
optim::MinimizeResult<T> newton_cg(optim::Collective& group, F&& f, const Eigen::MatrixBase<Derived>& x0,
                                   const optim::NewtonCgOptions<T>& options = {}) {
  const auto o = detail::rank_options(group, options);
  return detail::solve_on_ranks(
      group, over_ranks(group, std::forward<F>(f)), x0,
      [&](auto& objective, const auto& start) { return optim::newton_cg(objective, start, o); });
}

/// optim::least_squares of the residuals of every rank, stacked in rank order
/// (optim::StackedResiduals), from rank 0's x0: each rank evaluates its residuals and
/// their Jacobian, and every rank takes the same step on the gathered ones.
template <class R, class Derived, class T = typename Derived::Scalar>
optim::LeastSquaresResult<T> least_squares(optim::Collective& group, R&& r, const Eigen::MatrixBase<Derived>& x0,
                                           const optim::LeastSquaresOptions<T>& options = {}) {
  const auto o = detail::rank_options(group, options);
  return detail::solve_on_ranks(
      group, optim::StackedResiduals<std::decay_t<R>>(group, std::forward<R>(r)), x0,
      [&](auto& residuals, const auto& start) { return optim::least_squares(residuals, start, o); });
}

/// optim::train with options.collective = &group: `data` is this rank's shard.
template <class Model, class T>
optim::History<T> train(optim::Collective& group, Model& model, const optim::Dataset<T>& data,
                        optim::TrainOptions<T> options) {
  options.collective = &group;
  return optim::train(model, data, options);
}

}  // namespace tapegrad::distributed
