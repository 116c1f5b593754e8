// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Forward mode without a tape: Jacobians and Jacobian-vector products by Dual<T, K>.
///
/// f is called with its inputs as dual numbers x_i + sum_j V_ij e_j; each output then
/// carries y + sum_j (J V)_.j e_j, the K directional derivatives J v_j, computed along
/// with the value (core/dual.hpp). With V = K columns of the identity, one call gives K
/// columns of the Jacobian, so the m x n Jacobian takes ceil(n / K) calls of f whatever m
/// is: the right mode for tall Jacobians (few inputs, many outputs), where reverse mode
/// needs a sweep per output (or per K outputs). jacobian() in core/functional.hpp picks
/// between the two by shape.
///
/// f is the generic function gradient() and jacobian() take: it receives a
/// `const Eigen::Matrix<Dual<T, K>, Dynamic, 1>&` for an Eigen x, a
/// `const std::vector<Dual<T, K>>&` for a std::vector x, and returns an Eigen vector or a
/// std::vector of outputs. No tape is involved, so f may not create Vars.

#include <Eigen/Core>
#include <algorithm>
#include <cstddef>
#include <iterator>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/dual.hpp"
#include "tapegrad/core/errors.hpp"
#include "tapegrad/core/num_traits.hpp"

namespace tapegrad {
namespace detail {

/// The scalar type of an input container.
template <class X>
struct input_scalar {
  using type = typename X::Scalar;
};
template <class T, class A>
struct input_scalar<std::vector<T, A>> {
  using type = T;
};

/// The container of S that f receives for an input x of type X: an Eigen column vector,
/// or a std::vector for a std::vector x.
template <class X, class S>
struct inputs_of {
  using type = Eigen::Matrix<S, Eigen::Dynamic, 1>;
};
template <class T, class A, class S>
struct inputs_of<std::vector<T, A>, S> {
  using type = std::vector<S>;
};
template <class X, class S>
using inputs_of_t = typename inputs_of<X, S>::type;

/// Number of entries of an input or output container, as an Eigen::Index.
template <class C>
Eigen::Index entry_count(const C& c) {
  return static_cast<Eigen::Index>(c.size());
}

/// Entry i of an input or output container (Eigen vector or expression, std::vector).
template <class C>
decltype(auto) entry_at(const C& c, Eigen::Index i) {
  if constexpr (std::is_base_of_v<Eigen::EigenBase<C>, C>) {
    return c.coeff(i);
  } else {
    return std::begin(c)[static_cast<typename C::difference_type>(i)];
  }
}

/// Writable entry i of an input container.
template <class C>
auto& entry_at_mut(C& c, Eigen::Index i) {
  if constexpr (std::is_base_of_v<Eigen::EigenBase<C>, C>) {
    return c.coeffRef(i);
  } else {
    return c[static_cast<typename C::size_type>(i)];
  }
}

/// A container C (Eigen vector or std::vector) of n default values.
template <class C>
C container_of_size(Eigen::Index n) {
  if constexpr (std::is_base_of_v<Eigen::EigenBase<C>, C>) {
    return C(n);
  } else {
    return C(static_cast<typename C::size_type>(n));
  }
}

/// An Eigen result evaluated once (no copy for a plain matrix); anything else as it is.
template <class R>
decltype(auto) evaluated(const R& result) {
  if constexpr (std::is_base_of_v<Eigen::EigenBase<R>, R>) {
    return result.eval();
  } else {
    return (result);
  }
}

/// x's entries as constant dual numbers (every tangent 0), in the container f takes.
template <class D, class X>
inputs_of_t<X, D> constant_duals(const X& x) {
  const Eigen::Index n = entry_count(x);
  auto duals = container_of_size<inputs_of_t<X, D>>(n);
  for (Eigen::Index i = 0; i < n; ++i) entry_at_mut(duals, i) = D(entry_at(x, i));
  return duals;
}

/// Columns of the m x n Jacobian of f at x, K per call of f, into J (resized to m x n).
/// After the first call (columns 0 .. K-1), `go_on(m, n)` decides whether to do the rest;
/// returns false if it said no (J then holds only the first chunk's columns).
template <std::size_t K, class F, class X, class T, class GoOn>
bool forward_columns(F& f, const X& x, Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic>& J, const char* caller,
                     GoOn&& go_on) {
  using D = Dual<T, K>;
  const Eigen::Index n = entry_count(x);
  if (n == 0) throw_invalid_argument(std::string(caller) + ": x is empty (expected at least one input)");
  auto inputs = constant_duals<D>(x);
  constexpr auto k = static_cast<Eigen::Index>(K);
  Eigen::Index m = 0;
  for (Eigen::Index first = 0; first < n; first += k) {
    const Eigen::Index width = std::min(k, n - first);  // the last chunk pads with zero tangents
    for (Eigen::Index j = 0; j < width; ++j)
      entry_at_mut(inputs, first + j).tangent(static_cast<std::size_t>(j)) = T(1);
    const auto& result = f(std::as_const(inputs));
    const auto& outputs = evaluated(result);
    using Output = std::decay_t<decltype(entry_at(outputs, 0))>;
    static_assert(std::is_same_v<Output, D>,
                  "forward mode: f must return an Eigen vector or a std::vector of the Dual scalar it is given");
    const Eigen::Index rows = entry_count(outputs);
    if (first == 0) {
      if (rows == 0) throw_invalid_argument(std::string(caller) + ": f returned no outputs (expected at least one)");
      m = rows;
      J.resize(m, n);
    } else if (rows != m) {
      throw_invalid_argument(std::string(caller) + ": f returned " + std::to_string(m) + " outputs at first, then " +
                             std::to_string(rows) + " (its output count must not depend on the input values)");
    }
    for (Eigen::Index i = 0; i < m; ++i) {
      const D& y = entry_at(outputs, i);
      for (Eigen::Index j = 0; j < width; ++j) J(i, first + j) = y.tangent(static_cast<std::size_t>(j));
    }
    for (Eigen::Index j = 0; j < width; ++j)
      entry_at_mut(inputs, first + j).tangent(static_cast<std::size_t>(j)) = T(0);
    if (first == 0 && width < n && !go_on(m, n)) return false;
  }
  return true;
}

}  // namespace detail

/// The m x n Jacobian of f: R^n -> R^m at x by vector forward mode: ceil(n / K) calls of
/// f with Dual<T, K> inputs, each seeding K columns. Best when m is large and n small.
template <std::size_t K = 4, class F, class X>
auto forward_jacobian(F&& f, const X& x) {
  using T = typename detail::input_scalar<X>::type;
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> J;
  detail::forward_columns<K>(f, x, J, "forward_jacobian", [](Eigen::Index, Eigen::Index) { return true; });
  return J;
}

/// J(x) v, the Jacobian of f at x times v, from one call of f with Dual<T> inputs x + v e;
/// in the container kind of f's result (an Eigen vector or a std::vector of T).
template <class F, class X, class V>
auto jacobian_vector_product(F&& f, const X& x, const V& v) {
  using T = typename detail::input_scalar<X>::type;
  using D = Dual<T>;
  const Eigen::Index n = detail::entry_count(x);
  if (n == 0) detail::throw_invalid_argument("jacobian_vector_product: x is empty (expected at least one input)");
  if (detail::entry_count(v) != n)
    detail::throw_invalid_argument("jacobian_vector_product: x has " + std::to_string(n) + " entries but v has " +
                                   std::to_string(detail::entry_count(v)));
  auto inputs = detail::constant_duals<D>(x);
  for (Eigen::Index i = 0; i < n; ++i) detail::entry_at_mut(inputs, i).derivative = T(detail::entry_at(v, i));
  const auto& result = f(std::as_const(inputs));
  const auto& outputs = detail::evaluated(result);
  const Eigen::Index m = detail::entry_count(outputs);
  if (m == 0) detail::throw_invalid_argument("jacobian_vector_product: f returned no outputs (expected at least one)");
  auto jv = detail::container_of_size<detail::inputs_of_t<std::decay_t<decltype(outputs)>, T>>(m);
  for (Eigen::Index i = 0; i < m; ++i) detail::entry_at_mut(jv, i) = detail::entry_at(outputs, i).derivative;
  return jv;
}

}  // namespace tapegrad
