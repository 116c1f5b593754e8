// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The functional API: gradients and Jacobians of ordinary functions, with the tape
/// managed for you.
///
///     auto [L, g] = tapegrad::value_and_gradient(
///         [](const Eigen::VectorX<tapegrad::Var<double>>& w) { return w.squaredNorm(); }, w0);
///
/// f receives its inputs as Vars in the same container kind as x: an Eigen column
/// vector for an Eigen x, a std::vector for a std::vector x (take them by const
/// reference). Each call records f on a per-thread tape that is cleared and reused, so
/// a loop of calls allocates nothing after the first, except the result vector of the
/// forms that return one (use the forms with an output argument in hot loops).

#include <Eigen/Core>
#include <iterator>
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

#include "tapegrad/core/math.hpp"
#include "tapegrad/eigen/mixed_products.hpp"

namespace tapegrad {
namespace detail {

/// One thread's scratch tape and input buffers for the functional API.
template <class T>
struct Workspace {
  Tape<T> tape{Activation::later};
  Eigen::Matrix<Var<T>, Eigen::Dynamic, 1> eigen_inputs;
  std::vector<Var<T>> vector_inputs;
  std::vector<Var<T>> outputs;  // jacobian's outputs
};

/// Lends this thread's workspace for the current nesting depth (f may itself call
/// gradient(); each depth gets its own tape) and makes its tape active meanwhile.
template <class T>
class WorkspaceLease {
 public:
  WorkspaceLease() : workspace_(acquire()), scope_(workspace_.tape) { workspace_.tape.clear(); }
  ~WorkspaceLease() { --depth(); }
  WorkspaceLease(const WorkspaceLease&) = delete;
  WorkspaceLease& operator=(const WorkspaceLease&) = delete;
  /// The leased workspace.
  Workspace<T>& get() noexcept { return workspace_; }

 private:
  static std::size_t& depth() {
    thread_local std::size_t d = 0;
    return d;
  }
  static Workspace<T>& acquire() {
    thread_local std::vector<std::unique_ptr<Workspace<T>>> pool;
    const std::size_t d = depth();
    if (d == pool.size()) pool.push_back(std::make_unique<Workspace<T>>());
    ++depth();
    return *pool[d];
  }
  Workspace<T>& workspace_;
  TapeScope<T> scope_;
};

/// Records the inputs of x on the workspace tape, in the container kind f expects.
template <class T, class Derived>
const Eigen::Matrix<Var<T>, Eigen::Dynamic, 1>& record_inputs(Workspace<T>& ws,
                                                            const Eigen::MatrixBase<Derived>& x) {
  static_assert(Derived::ColsAtCompileTime == 1, "x must be a column vector");
  const Eigen::Index n = x.size();
  if (n == 0) throw_invalid_argument("gradient: x is empty (expected at least one input)");
  ws.eigen_inputs.resize(n);
  const Eigen::Matrix<T, Eigen::Dynamic, 1>& plain = x.derived();  // no copy for VectorX<T>
  ws.tape.variables(plain.data(), static_cast<std::size_t>(n), ws.eigen_inputs.data());
  return ws.eigen_inputs;
}
template <class T>
const std::vector<Var<T>>& record_inputs(Workspace<T>& ws, const std::vector<T>& x) {
  if (x.empty()) throw_invalid_argument("gradient: x is empty (expected at least one input)");
  ws.vector_inputs.resize(x.size());
  ws.tape.variables(x.data(), x.size(), ws.vector_inputs.data());
  return ws.vector_inputs;
}

/// The scalar type of an input container.
template <class X>
struct input_scalar {
  using type = typename X::Scalar;
};
template <class T>
struct input_scalar<std::vector<T>> {
  using type = T;
};

/// Runs f on the recorded inputs and checks that the result lives on the same tape.
template <class T, class F, class Inputs>
Var<T> record_output(Workspace<T>& ws, F& f, const Inputs& inputs, const char* caller) {
  Var<T> y = f(inputs);
  if (!ws.tape.owns(y))
    throw_tape_error(std::string(caller) + ": f returned a Var that is not on the tape of its "
                     "inputs (did it capture a Var from another tape?)");
  return y;
}

/// Backward from y, then copies the input adjoints into g (resized to n). The inputs
/// are one block of consecutive slots (record_inputs), so this is one bulk copy.
template <class T, class Inputs, class G>
void sweep_into(Workspace<T>& ws, const Var<T>& y, const Inputs& inputs, G& g) {
  ws.tape.backward(y);
  const auto n = static_cast<std::size_t>(inputs.size());
  g.resize(inputs.size());
  ws.tape.copy_adjoints(inputs[0].index(), n, &g[0]);
}

template <class X>
using gradient_type = std::conditional_t<
    std::is_same_v<X, std::vector<typename input_scalar<X>::type>>, X,
    Eigen::Matrix<typename input_scalar<X>::type, Eigen::Dynamic, 1>>;

}  // namespace detail

/// f(x), writing the gradient of f at x into g (resized to x's size). Allocates
/// nothing once the per-thread tape and g have reached their size.
template <class F, class X, class G>
auto value_and_gradient(F&& f, const X& x, G& g) -> typename detail::input_scalar<X>::type {
  using T = typename detail::input_scalar<X>::type;
  detail::WorkspaceLease<T> lease;
  detail::Workspace<T>& ws = lease.get();
  const auto& inputs = detail::record_inputs(ws, x);
  const Var<T> y = detail::record_output(ws, f, inputs, "value_and_gradient");
  detail::sweep_into(ws, y, inputs, g);
  return y.value();
}

/// The pair (f(x), gradient of f at x). The gradient has the container kind of x.
template <class F, class X>
auto value_and_gradient(F&& f, const X& x) {
  detail::gradient_type<X> g;
  const auto value = value_and_gradient(std::forward<F>(f), x, g);
  return std::make_pair(value, std::move(g));
}

/// The gradient of f at x, in the container kind of x.
template <class F, class X>
auto gradient(F&& f, const X& x) {
  return value_and_gradient(std::forward<F>(f), x).second;
}

/// How jacobian() differentiates: by the cheaper mode for the shape (automatic), or
/// forced.
enum class JacobianMode { automatic, forward, reverse };

namespace detail {

/// Output i of F's result as a Var (Eigen vector or std::vector; an expression element
/// is recorded here).
template <class T, class Outputs>
Var<T> output_at(const Outputs& outputs, Eigen::Index i) {
  return Var<T>(std::begin(outputs)[i]);  // Eigen or std::vector, indexed by its own difference type
}

/// The Jacobian by reverse mode: one recording, then sweeps of several outputs at once
/// (Tape::backward_rows); one sweep per output if f used matrix statements.
template <class T, class F, class X>
Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> reverse_jacobian(F& fn, const X& x) {
  WorkspaceLease<T> lease;
  Workspace<T>& ws = lease.get();
  const auto& inputs = record_inputs(ws, x);
  const auto outputs = fn(inputs);
  const auto n = static_cast<Eigen::Index>(inputs.size());
  const auto m = static_cast<Eigen::Index>(outputs.size());
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> J(m, n);
  std::vector<Var<T>>& ys = ws.outputs;
  ys.resize(static_cast<std::size_t>(m));
  for (Eigen::Index i = 0; i < m; ++i) {
    ys[static_cast<std::size_t>(i)] = output_at<T>(outputs, i);
    if (!ws.tape.owns(ys[static_cast<std::size_t>(i)]))
      throw_tape_error("jacobian: output " + std::to_string(i) +
                       " is a Var that is not on the tape of the inputs");
  }
  if (m == 0) return J;
  if (ws.tape.custom_count() <= 1) {  // the input block only: vector sweeps
    ws.tape.backward_rows(ys.data(), static_cast<std::size_t>(m), inputs[0].index(),
                          static_cast<std::size_t>(n), J.data(), 1, m);
    return J;
  }
  Eigen::Matrix<T, Eigen::Dynamic, 1> row;
  for (Eigen::Index i = 0; i < m; ++i) {
    sweep_into(ws, ys[static_cast<std::size_t>(i)], inputs, row);
    J.row(i) = row.transpose();
  }
  return J;
}

}  // namespace detail

/// The m x n Jacobian of F: R^n -> R^m at x, where F returns an Eigen vector or a
/// std::vector of Var. Reverse mode records F once and sweeps several outputs at once.
template <class F, class X>
auto jacobian(F&& fn, const X& x) {
  using T = typename detail::input_scalar<X>::type;
  return detail::reverse_jacobian<T>(fn, x);
}

}  // namespace tapegrad
