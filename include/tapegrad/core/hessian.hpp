// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Second derivatives by forward-over-reverse: the tape's scalar is Dual<T>.
///
/// Record f once with inputs x_i + v_i e (e^2 = 0) and sweep backward once. Every
/// partial the tape stores is then a dual number, so every adjoint is too, and
///     adjoint of x_i = dL/dx_i + (H v)_i e.
/// That is H v for a small constant times the cost of a gradient (dual arithmetic costs
/// about 2-4 times real arithmetic), with no second tape and no second sweep; the same
/// generic f serves gradient() and hessian_vector_product(). The full Hessian takes n
/// such products, one per unit vector. A Tape<Dual<T, K>> seeded with K directions V
/// gives K products H V from one recording and one sweep (core/dual.hpp); hessian() keeps
/// one column per sweep, so that f sees Var<Dual<T>> as documented.

#include <Eigen/Core>
#include <new>
#include <string>
#include <type_traits>

#include "tapegrad/core/dual.hpp"
#include "tapegrad/core/functional.hpp"

namespace tapegrad {
namespace detail {

/// f's result as one scalar Var: a Var or expression, or an Eigen matrix of Var with
/// exactly one entry (anything larger is std::invalid_argument).
template <class T, class R>
Var<T> as_scalar_result(const R& result, const char* caller) {
  if constexpr (is_expression<R>::value) {
    return Var<T>(result);
  } else if constexpr (!std::is_base_of_v<Eigen::EigenBase<R>, R>) {
    static_assert(is_expression<R>::value,  // false here; dependent, so only this error shows
                  "f must return one scalar: a Var, an expression, or a 1x1 Eigen matrix of Var");
    return Var<T>();
  } else {
    static_assert(R::SizeAtCompileTime == Eigen::Dynamic || R::SizeAtCompileTime == 1,
                  "f must return one scalar: its Eigen result has more than one entry");
    if (result.size() != 1)
      throw_invalid_argument(std::string(caller) + ": f returned a " + shape_string(result.rows(), result.cols()) +
                             " matrix; it must return one scalar");
    return Var<T>(result(0, 0));
  }
}

/// Records f at x + v e, sweeps once, and writes the gradient to g and H v to hv.
template <class T, class F, class DX, class DV>
T gradient_and_hvp(F& f, const Eigen::MatrixBase<DX>& x, const Eigen::MatrixBase<DV>& v,
                   Eigen::Matrix<T, Eigen::Dynamic, 1>& g, Eigen::Matrix<T, Eigen::Dynamic, 1>& hv,
                   const char* caller) {
  const Eigen::Index n = x.size();
  if (n == 0) throw_invalid_argument(std::string(caller) + ": x is empty (expected at least one input)");
  if (v.size() != n)
    throw_invalid_argument(std::string(caller) + ": x has " + std::to_string(n) + " entries but v has " +
                           std::to_string(v.size()));
  WorkspaceLease<Dual<T>> lease;
  Workspace<Dual<T>>& ws = lease.get();
  Dual<T>* seeds = ws.tape.arena().template allocate_array<Dual<T>>(static_cast<std::size_t>(n));
  for (Eigen::Index i = 0; i < n; ++i) ::new (seeds + i) Dual<T>(x[i], v[i]);
  ws.eigen_inputs.resize(n);
  ws.tape.variables(seeds, static_cast<std::size_t>(n), ws.eigen_inputs.data());
  const Var<Dual<T>> y = as_scalar_result<Dual<T>>(f(std::as_const(ws.eigen_inputs)), caller);
  if (!ws.tape.owns(y))
    throw_tape_error(std::string(caller) + ": f returned a Var that is not on the tape of its inputs");
  ws.tape.backward(y);
  g.resize(n);
  hv.resize(n);
  for (Eigen::Index i = 0; i < n; ++i) {
    const Dual<T> adjoint = ws.tape.adjoint_at(ws.eigen_inputs[i].index());
    g[i] = adjoint.value;
    hv[i] = adjoint.derivative;
  }
  return y.value().value;
}

}  // namespace detail

/// H(x) v, the Hessian of a scalar f at x times v, exactly. f is generic: it is called
/// with `const Eigen::Matrix<Var<Dual<T>>, Dynamic, 1>&` and returns a Var.
template <class F, class DX, class DV, class T = typename DX::Scalar>
Eigen::Matrix<T, Eigen::Dynamic, 1> hessian_vector_product(F&& f, const Eigen::MatrixBase<DX>& x,
                                                           const Eigen::MatrixBase<DV>& v) {
  Eigen::Matrix<T, Eigen::Dynamic, 1> g, hv;
  detail::gradient_and_hvp(f, x, v, g, hv, "hessian_vector_product");
  return hv;
}

/// f(x), writing its gradient at x into g and H(x) v into hv (both resized to x's size),
/// from one recording and one sweep. f as for hessian_vector_product.
template <class F, class DX, class DV, class T = typename DX::Scalar>
T value_gradient_hvp(F&& f, const Eigen::MatrixBase<DX>& x, const Eigen::MatrixBase<DV>& v,
                     Eigen::Matrix<T, Eigen::Dynamic, 1>& g, Eigen::Matrix<T, Eigen::Dynamic, 1>& hv) {
  return detail::gradient_and_hvp(f, x, v, g, hv, "value_gradient_hvp");
}

/// The n x n Hessian of a scalar f at x: one Hessian-vector product per unit vector
/// (column j is H e_j). Symmetric up to rounding; returned as computed.
template <class F, class DX, class T = typename DX::Scalar>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> hessian(F&& f, const Eigen::MatrixBase<DX>& x) {
  const Eigen::Index n = x.size();
  if (n == 0) detail::throw_invalid_argument("hessian: x is empty (expected at least one input)");
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> H(n, n);
  Eigen::Matrix<T, Eigen::Dynamic, 1> g, column, unit = Eigen::Matrix<T, Eigen::Dynamic, 1>::Zero(n);
  for (Eigen::Index j = 0; j < n; ++j) {
    unit[j] = T(1);
    detail::gradient_and_hvp(f, x, unit, g, column, "hessian");
    H.col(j) = column;
    unit[j] = T(0);
  }
  return H;
}

/// f(x), its gradient and its Hessian at x, from the same n products.
template <class F, class DX, class T = typename DX::Scalar>
T value_gradient_hessian(F&& f, const Eigen::MatrixBase<DX>& x, Eigen::Matrix<T, Eigen::Dynamic, 1>& g,
                         Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& H) {
  const Eigen::Index n = x.size();
  if (n == 0) detail::throw_invalid_argument("value_gradient_hessian: x is empty (expected at least one input)");
  H.resize(n, n);
  Eigen::Matrix<T, Eigen::Dynamic, 1> column, unit = Eigen::Matrix<T, Eigen::Dynamic, 1>::Zero(n);
  T value{};
  for (Eigen::Index j = 0; j < n; ++j) {
    unit[j] = T(1);
    value = detail::gradient_and_hvp(f, x, unit, g, column, "value_gradient_hessian");
    H.col(j) = column;
    unit[j] = T(0);
  }
  return value;
}

}  // namespace tapegrad
