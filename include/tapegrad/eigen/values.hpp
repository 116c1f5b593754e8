// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Moving between plain matrices and matrices of Vars: record a matrix of independent
/// variables, read back values and gradients. Output arguments must already have the
/// right shape; a mismatch throws std::invalid_argument naming both shapes.

#include <Eigen/Core>
#include <string>

#include "tapegrad/core/mixed_products.hpp"

namespace tapegrad {
namespace detail {

/// Throws std::invalid_argument unless the two shapes agree.
inline void check_same_shape(const char* what, Eigen::Index rows, Eigen::Index cols, Eigen::Index out_rows,
                             Eigen::Index out_cols) {
  if (rows != out_rows || cols != out_cols)
    throw_invalid_argument(std::string(what) + ": source is " + shape_string(rows, cols) + " but destination is " +
                           shape_string(out_rows, out_cols));
}

/// The plain matrix type with the shape of Derived and scalar S.
template <class Derived, class S>
using rebind_t = typename std::decay_t<decltype(std::declval<const Derived&>().template cast<S>())>::PlainObject;

}  // namespace detail

/// A matrix of new independent variables on `tape`, one per entry of `values`.
template <class T, class Derived>
auto variables(Tape<T>& tape, const Eigen::DenseBase<Derived>& values) {
  static_assert(std::is_same_v<typename Derived::Scalar, T>, "values must have the tape's scalar type");
  const typename Derived::PlainObject& plain = values.derived();  // no copy for plain matrices
  detail::rebind_t<Derived, Var<T>> result(plain.rows(), plain.cols());
  tape.variables(plain.data(), static_cast<std::size_t>(plain.size()), result.data());
  return result;
}

/// The values of a matrix of Vars, as a plain matrix of the same shape.
template <class Derived>
auto values(const Eigen::DenseBase<Derived>& vars) {
  using T = typename Derived::Scalar::value_type;
  return vars.derived().unaryExpr([](const Var<T>& v) { return v.value(); }).eval();
}

/// Writes the values of `vars` into `out`, which must have the same shape.
template <class Derived, class Out>
void values_into(const Eigen::DenseBase<Derived>& vars, Out&& out) {
  detail::check_same_shape("values_into", vars.rows(), vars.cols(), out.rows(), out.cols());
  for (Eigen::Index j = 0; j < vars.cols(); ++j)
    for (Eigen::Index i = 0; i < vars.rows(); ++i) out(i, j) = vars.derived()(i, j).value();
}

/// dy/dv for every entry v of `vars` after tape.backward(y); same shape as vars.
template <class T, class Derived>
auto gradients(const Tape<T>& tape, const Eigen::DenseBase<Derived>& vars) {
  return vars.derived().unaryExpr([&tape](const Var<T>& v) { return tape.grad(v); }).eval();
}

/// dy/dv for every entry of `vars`, read from this thread's active tape.
template <class Derived>
auto gradients(const Eigen::DenseBase<Derived>& vars) {
  using T = typename Derived::Scalar::value_type;
  const Tape<T>* tape = active_tape<T>();
  if (tape == nullptr) detail::throw_no_active_tape();
  return gradients(*tape, vars);
}

/// Writes dy/dv for every entry of `vars` into `out`, which must have the same shape.
template <class T, class Derived, class Out>
void gradients_into(const Tape<T>& tape, const Eigen::DenseBase<Derived>& vars, Out&& out) {
  detail::check_same_shape("gradients_into", vars.rows(), vars.cols(), out.rows(), out.cols());
  for (Eigen::Index j = 0; j < vars.cols(); ++j)
    for (Eigen::Index i = 0; i < vars.rows(); ++i) out(i, j) = tape.grad(vars.derived()(i, j));
}

}  // namespace tapegrad
