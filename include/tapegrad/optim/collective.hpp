// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// What the optimizer module needs from a group of processes that optimize together,
/// without depending on how they talk: distributed/mpi.hpp implements `Collective` with
/// MPI, and nothing in optim/ includes MPI (docs/distributed.md).
///
/// The contract (every rank calls the same collectives in the same order):
/// - data are sharded by stride: of N examples, rank r of P holds the global rows
///   r, r + P, r + 2P, ... in that order (`shard_rows`), so that a batch of any order
///   (sequential or shuffled) spreads evenly over the ranks and every rank can find its
///   rows of a global batch without asking the others;
/// - the objective of minimize() and the solvers is the sum of the ranks' parts
///   (`SummedObjective`): one allreduce per evaluation sums loss and gradient;
/// - an exception on some ranks becomes the same `RankError` on every rank at the next
///   agreement point (`agree`), so no rank is left waiting in a collective.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/errors.hpp"
#include "tapegrad/core/functional.hpp"
#include "tapegrad/core/hessian.hpp"

namespace tapegrad::optim {

/// A failure on one rank, raised on every rank with the same text, which names the rank.
class RankError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// A group of P processes (ranks 0..P-1) that call the same collectives in the same
/// order. distributed::Communicator implements it with MPI.
class Collective {
 public:
  virtual ~Collective() = default;
  /// This process's rank, 0 <= rank < size.
  virtual int rank() const = 0;
  /// The number of processes P >= 1.
  virtual int size() const = 0;
  /// Replaces values[0..n) on every rank by their elementwise sum over the ranks.
  virtual void sum(double* values, std::size_t n) = 0;
  /// Replaces values[0..n) on every rank by their elementwise sum over the ranks.
  virtual void sum(float* values, std::size_t n) = 0;
  /// Replaces values[0..n) on every rank by their elementwise sum over the ranks.
  virtual void sum(long double* values, std::size_t n) = 0;
  /// Replaces values[0..n) on every rank by their elementwise sum over the ranks.
  virtual void sum(std::int64_t* values, std::size_t n) = 0;
  /// The smallest of the ranks' `value`s, on every rank.
  virtual std::int64_t min(std::int64_t value) = 0;
  /// Copies bytes[0..n) of rank `root` to every rank (n must be the same on all).
  virtual void broadcast(unsigned char* bytes, std::size_t n, int root) = 0;
};

/// The global rows rank `rank` of `size` holds of N examples: rank, rank + size, ...
inline std::vector<Eigen::Index> shard_rows(Eigen::Index n, int rank, int size) {
  if (size < 1 || rank < 0 || rank >= size)
    detail::throw_invalid_argument("shard_rows: rank " + std::to_string(rank) + " of " + std::to_string(size) +
                                   "; expected 0 <= rank < size");
  std::vector<Eigen::Index> rows;
  rows.reserve(static_cast<std::size_t>(n / size + 1));
  for (Eigen::Index i = rank; i < n; i += size) rows.push_back(i);
  return rows;
}

/// How many of N examples rank `rank` of `size` holds: ceil((N - rank) / size).
inline Eigen::Index shard_size(Eigen::Index n, int rank, int size) noexcept {
  return n > rank ? (n - rank + size - 1) / size : 0;
}

namespace detail {

/// Makes every rank agree on whether some rank failed: if `error` is set on any rank,
/// every rank throws the same RankError with the text of the lowest failing rank.
/// One collective when no rank failed. Call it on every rank at the same point.
inline void agree(Collective& group, const std::exception_ptr& error) {
  const std::int64_t size = group.size();
  const std::int64_t first = group.min(error ? group.rank() : size);
  if (first == size) return;
  std::string text;
  if (group.rank() == first) {
    try {
      std::rethrow_exception(error);
    } catch (const RankError& e) {  // already names its rank
      text = e.what();
    } catch (const std::exception& e) {
      text = "rank " + std::to_string(first) + ": " + e.what();
    } catch (...) {
      text = "rank " + std::to_string(first) + ": an exception that is not a std::exception";
    }
  }
  std::int64_t length = static_cast<std::int64_t>(text.size());
  group.sum(&length, 1);  // only the failing rank contributes
  std::vector<unsigned char> bytes(static_cast<std::size_t>(length));
  if (length > 0) {
    if (group.rank() == first) std::memcpy(bytes.data(), text.data(), bytes.size());
    group.broadcast(bytes.data(), bytes.size(), static_cast<int>(first));
  }
  throw RankError(std::string(bytes.begin(), bytes.end()));
}

/// Runs `job` on this rank; returns the exception it threw, or none.
template <class Job>
std::exception_ptr capture(Job&& job) {
  try {
    std::forward<Job>(job)();
  } catch (...) {
    return std::current_exception();
  }
  return nullptr;
}

/// Runs `job` on this rank, then agree()s: returns normally only if no rank failed.
template <class Job>
void on_every_rank(Collective& group, Job&& job) {
  agree(group, capture(std::forward<Job>(job)));
}

/// Sums values[0..n) of T (float, double, long double or int64) over the ranks.
template <class T>
void sum_over(Collective& group, T* values, std::size_t n) {
  static_assert(std::is_same_v<T, double> || std::is_same_v<T, float> || std::is_same_v<T, long double> ||
                    std::is_same_v<T, std::int64_t>,
                "a distributed run sums float, double, long double or int64 numbers");
  group.sum(values, n);
}

/// Sums values[0..n) over the ranks together with a failure flag in values[n] (one
/// allreduce): a rank whose `error` is set contributes zeros and the flag, and then every
/// rank throws the same RankError (agree).
template <class T>
void sum_or_agree(Collective& group, T* values, std::size_t n, const std::exception_ptr& error) {
  if (error) std::fill(values, values + n, T(0));
  values[n] = error ? T(1) : T(0);
  sum_over(group, values, n + 1);
  if (values[n] != T(0)) agree(group, error);
}

/// FNV-1a over the bytes of `values`: equal on two ranks iff (almost surely) the values are.
template <class T>
std::uint64_t checksum(const Eigen::VectorX<T>& values) {
  std::uint64_t h = 1469598103934665603ull;
  const auto* p = reinterpret_cast<const unsigned char*>(values.data());
  for (std::size_t i = 0; i < static_cast<std::size_t>(values.size()) * sizeof(T); ++i) {
    h ^= p[i];
    h *= 1099511628211ull;
  }
  return h;
}

/// Copies rank 0's `values` to every rank (same size on all).
template <class T>
void broadcast_values(Collective& group, Eigen::Ref<Eigen::VectorX<T>> values) {
  group.broadcast(reinterpret_cast<unsigned char*>(values.data()), static_cast<std::size_t>(values.size()) * sizeof(T),
                  0);
}

/// Throws RankError on every rank unless `values` are bit-identical on all ranks.
template <class T>
void check_same_on_every_rank(Collective& group, const Eigen::VectorX<T>& values, const std::string& what) {
  std::uint64_t mine = checksum(values), first = mine;
  group.broadcast(reinterpret_cast<unsigned char*>(&first), sizeof first, 0);
  const std::int64_t differs = group.min(mine == first ? group.size() : group.rank());
  if (differs != group.size())
    throw RankError(what + " differ between ranks 0 and " + std::to_string(differs) +
                    " (a collective gave the ranks different sums, or a rank changed them on its own)");
}

}  // namespace detail

/// An objective that is the sum over ranks of each rank's part f_r(w): minimize() and the
/// solvers (lbfgs, conjugate_gradient, newton_cg) evaluate it with one allreduce of (L, g) per
/// evaluation, so every rank sees the same L and g and takes the same step. Each rank's
/// f is what value_and_gradient takes (e.g. the loss over its shard, divided by the
/// global N for a mean). Build it with distributed::over_ranks.
template <class F>
class SummedObjective {
 public:
  /// f_r on this rank, summed over `group`.
  SummedObjective(Collective& group, F f) : group_(&group), f_(std::move(f)) {}

  /// sum_r f_r(w) and its gradient (into g), the same on every rank. A rank whose f
  /// throws makes every rank throw the same RankError.
  template <class T>
  T value_and_gradient(const Eigen::VectorX<T>& w, Eigen::VectorX<T>& g) {
    const Eigen::Index n = w.size();
    Eigen::VectorX<T> buffer(n + 2);  // [L, g, failed]
    const std::exception_ptr error = detail::capture([&] {
      buffer[0] = tapegrad::value_and_gradient(f_, w, g);
      buffer.segment(1, n) = g;
    });
    detail::sum_or_agree(*group_, buffer.data(), static_cast<std::size_t>(n + 1), error);
    g = buffer.segment(1, n);
    return buffer[0];
  }

  /// sum_r H_r v at w (newton_cg's products), the same on every rank; a rank whose f
  /// throws makes every rank throw the same RankError.
  template <class T>
  Eigen::VectorX<T> hessian_vector_product(const Eigen::VectorX<T>& w, const Eigen::VectorX<T>& v) {
    const Eigen::Index n = w.size();
    Eigen::VectorX<T> buffer(n + 1);  // [H v, failed]
    const std::exception_ptr error =
        detail::capture([&] { buffer.head(n) = tapegrad::hessian_vector_product(f_, w, v); });
    detail::sum_or_agree(*group_, buffer.data(), static_cast<std::size_t>(n), error);
    return buffer.head(n);
  }

  /// The group the parts are summed over.
  Collective& group() const noexcept { return *group_; }

 private:
  Collective* group_;
  F f_;
};

/// Residual functions whose residuals are those of every rank, stacked in rank order:
/// least_squares() evaluates each rank's residuals r_r(w) and their Jacobian J_r there
/// and gathers them on every rank (an allreduce of m values, and of m x n for J), then
/// takes the same Levenberg-Marquardt step on every rank. Build it with
/// distributed::least_squares.
template <class R>
class StackedResiduals {
 public:
  /// r_r on this rank, stacked over `group`.
  StackedResiduals(Collective& group, R r) : group_(&group), r_(std::move(r)) {}
  /// This rank's residual function.
  R& local() noexcept { return r_; }
  /// The group whose residuals are stacked.
  Collective& group() const noexcept { return *group_; }

 private:
  Collective* group_;
  R r_;
};

namespace detail {

template <class R>
struct is_stacked_residuals : std::false_type {};
template <class R>
struct is_stacked_residuals<StackedResiduals<R>> : std::true_type {};

/// Every rank's rows of `mine` (m_r x c; c the same on all ranks), stacked in rank order,
/// on every rank; a rank whose `error` is set (its rows then unused) makes every rank
/// throw the same RankError.
template <class T>
Eigen::MatrixX<T> stack_rows(Collective& group, const Eigen::MatrixX<T>& mine, Eigen::Index columns,
                             const std::exception_ptr& error) {
  const int ranks = group.size(), rank = group.rank();
  std::vector<std::int64_t> counts(static_cast<std::size_t>(ranks) + 1, 0);  // [m_0 .. m_{P-1}, failed]
  counts[static_cast<std::size_t>(rank)] = static_cast<std::int64_t>(mine.rows());
  sum_or_agree(group, counts.data(), static_cast<std::size_t>(ranks), error);
  std::int64_t rows = 0, offset = 0;
  for (int q = 0; q < ranks; ++q) {
    if (q == rank) offset = rows;
    rows += counts[static_cast<std::size_t>(q)];
  }
  Eigen::MatrixX<T> all = Eigen::MatrixX<T>::Zero(static_cast<Eigen::Index>(rows), columns);
  if (mine.rows() > 0) all.middleRows(static_cast<Eigen::Index>(offset), mine.rows()) = mine;
  sum_over(group, all.data(), static_cast<std::size_t>(all.size()));
  return all;
}

template <class F>
struct is_summed_objective : std::false_type {};
template <class F>
struct is_summed_objective<SummedObjective<F>> : std::true_type {};

/// L and g of the objective at w: value_and_gradient for a function, the sum over ranks
/// for a SummedObjective (the one place minimize() and the solvers evaluate).
template <class F, class T>
T evaluate_objective(F& f, const Eigen::VectorX<T>& w, Eigen::VectorX<T>& g) {
  if constexpr (is_summed_objective<std::remove_cv_t<F>>::value)
    return f.value_and_gradient(w, g);
  else
    return value_and_gradient(f, w, g);
}

/// H v of the objective at w: hessian_vector_product for a function, the sum over ranks
/// for a SummedObjective (newton_cg's one place).
template <class F, class T>
Eigen::VectorX<T> objective_hessian_vector_product(F& f, const Eigen::VectorX<T>& w, const Eigen::VectorX<T>& v) {
  if constexpr (is_summed_objective<std::remove_cv_t<F>>::value)
    return f.hessian_vector_product(w, v);
  else
    return tapegrad::hessian_vector_product(f, w, v);
}

}  // namespace detail
}  // namespace tapegrad::optim
