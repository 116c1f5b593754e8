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

#include "tapegrad/core/forward.hpp"
#include "tapegrad/core/math.hpp"
#include "tapegrad/core/mixed_products.hpp"

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
const Eigen::Matrix<Var<T>, Eigen::Dynamic, 1>& record_inputs(Workspace<T>& ws, const Eigen::MatrixBase<Derived>& x) {
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

/// Runs f on the recorded inputs and checks that the result lives on the same tape.
template <class T, class F, class Inputs>
Var<T> record_output(Workspace<T>& ws, F& f, const Inputs& inputs, const char* caller) {
  Var<T> y = f(inputs);
  if (!ws.tape.owns(y))
    throw_tape_error(std::string(caller) +
                     ": f returned a Var that is not on the tape of its "
                     "inputs (did it capture a Var from another tape?)");
  return y;
}

/// Backward from y, then copies the input adjoints into g (resized to n). The inputs
/// are one block of consecutive slots (record_inputs), so this is one bulk copy.
template <class T, class Inputs, class G>
void sweep_into(Workspace<T>& ws, const Var<T>& y, const Inputs& inputs, G& g) {
  ws.tape.backward(y);
  const auto n = static_cast<std::size_t>(inputs.size());
  g.resize(static_cast<decltype(g.size())>(n));
  ws.tape.copy_adjoints(inputs[0].index(), n, &g[0]);
}

template <class X>
using gradient_type = std::conditional_t<std::is_same_v<X, std::vector<typename input_scalar<X>::type>>, X,
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
      throw_tape_error("jacobian: output " + std::to_string(i) + " is a Var that is not on the tape of the inputs");
  }
  if (m == 0) return J;
  if (ws.tape.custom_count() <= 1) {  // the input block only: vector sweeps
    ws.tape.backward_rows(ys.data(), static_cast<std::size_t>(m), inputs[0].index(), static_cast<std::size_t>(n),
                          J.data(), 1, m);
    return J;
  }
  Eigen::Matrix<T, Eigen::Dynamic, 1> row;
  for (Eigen::Index i = 0; i < m; ++i) {
    sweep_into(ws, ys[static_cast<std::size_t>(i)], inputs, row);
    J.row(i) = row.transpose();
  }
  return J;
}

// Costs for choose_jacobian_mode, in units of one plain evaluation of f (double), ranges
// over two runs:
//   c_f  a call of f with Dual<T, 4> inputs (4 columns)    cheap f 0.78-1.39, costly 1.24-2.01
//   c_r  recording f on the tape (reverse mode, once)      cheap f 2.30-3.77, costly 1.11-2.32
//   c_s  one backward_rows sweep of 4 outputs              cheap f 0.50-1.84, costly 0.09-0.45
// (c_s for 3x200, one sweep for 3 outputs: 4.7-6.4 and 1.0-1.2), measured with g++ 12
// -O3 -march=native -DNDEBUG on the 2-core development machine, for m x n = 600x26,
// 26x600, 50x50, 200x3, 3x200, 100x50, 50x100, 20x20, 300x100, 100x300; "cheap" is
// y_i = sum_j a_ij w_j w_(i+j mod n) (arithmetic only), "costly"
// y_i = sum_j sin(a_ij w_j) exp(-w_(i+j mod n)^2) (transcendentals dominate the plain
// cost, so the sweep, which calls none, is relatively cheaper). The constants below are
// the geometric middles. Forward wins when ceil(n/4) c_f <= c_r + ceil(m/4) c_s, about
// m >= 3.25 n - 20 (always for n <= 4: one call of f). Measured on the two families, a
// wrong choice loses at most about 2x (cheap 300x100 goes reverse: 3.5 ms against 1.8 ms
// forward; costly 300x100 forward would take 13.7 ms against 4.0 ms), while the right
// choice saves 15x (cheap 600x26: forward 0.31 ms, reverse 4.5 ms) and 50x (costly
// 26x600: reverse 0.84 ms, forward 43-53 ms).
inline constexpr double kForwardChunkCost = 1.3, kRecordingCost = 2.0, kSweepCost = 0.4;

/// Which mode jacobian(f, x) uses for an m x n Jacobian in automatic mode: forward
/// (ceil(n / 4) calls of f with Dual<T, 4>) when its estimated cost is below reverse
/// mode's (one recording of f, then ceil(m / 4) sweeps of 4 rows). See the constants.
inline JacobianMode choose_jacobian_mode(Eigen::Index m, Eigen::Index n) noexcept {
  const Eigen::Index forward_calls = (n + 3) / 4, reverse_sweeps = (m + 3) / 4;
  return kForwardChunkCost * static_cast<double>(forward_calls) <=
                 kRecordingCost + kSweepCost * static_cast<double>(reverse_sweeps)
             ? JacobianMode::forward
             : JacobianMode::reverse;
}

/// The parameter type of a non-generic callable's call operator, decayed; void for a
/// generic one (a template call operator), which may be called with any input kind.
template <class Signature>
struct parameter_of {
  using type = void;
};
template <class R, class P>
struct parameter_of<R (*)(P)> {
  using type = std::decay_t<P>;
};
template <class R, class C, class P>
struct parameter_of<R (C::*)(P) const> {
  using type = std::decay_t<P>;
};
template <class R, class C, class P>
struct parameter_of<R (C::*)(P)> {
  using type = std::decay_t<P>;
};
template <class R, class C, class P>
struct parameter_of<R (C::*)(P) const noexcept> {
  using type = std::decay_t<P>;
};
template <class R, class C, class P>
struct parameter_of<R (C::*)(P) noexcept> {
  using type = std::decay_t<P>;
};
template <class F, class = void>
struct call_parameter : parameter_of<std::decay_t<F>> {};
template <class F>
struct call_parameter<F, std::void_t<decltype(&std::decay_t<F>::operator())>>
    : parameter_of<decltype(&std::decay_t<F>::operator())> {};

/// True if f can take its inputs as Dual numbers (forward mode): f is generic, or its
/// parameter is exactly that container. A lambda written for Var only is not.
template <class F, class Inputs>
inline constexpr bool takes_duals =
    std::is_void_v<typename call_parameter<F>::type> || std::is_same_v<typename call_parameter<F>::type, Inputs>;

}  // namespace detail

/// The m x n Jacobian of F: R^n -> R^m at x, where F returns an Eigen vector or a
/// std::vector of its scalar type. `mode` automatic picks forward or reverse by shape
/// (detail::choose_jacobian_mode: forward for tall Jacobians); forward and reverse force
/// a mode. Forward mode calls F with Dual<T, 4> inputs (see core/forward.hpp), reverse
/// mode with Var<T> inputs; a generic F serves both, and an F whose parameter is spelled
/// out as Vars is always differentiated in reverse mode (forward is then invalid_argument).
template <class F, class X>
auto jacobian(F&& fn, const X& x, JacobianMode mode = JacobianMode::automatic) {
  using T = typename detail::input_scalar<X>::type;
  constexpr std::size_t K = 4;
  if constexpr (detail::takes_duals<F, detail::inputs_of_t<X, Dual<T, K>>>) {
    if (mode != JacobianMode::reverse) {
      Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> J;
      const bool automatic = mode == JacobianMode::automatic;
      // The first chunk of forward mode tells m; in automatic mode it then picks.
      if (detail::forward_columns<K>(fn, x, J, "jacobian", [automatic](Eigen::Index m, Eigen::Index n) {
            return !automatic || detail::choose_jacobian_mode(m, n) == JacobianMode::forward;
          }))
        return J;
    }
  } else {
    if (mode == JacobianMode::forward)
      detail::throw_invalid_argument(
          "jacobian: forward mode calls f with Dual inputs, but f takes only "
          "Var inputs (make it generic: a lambda taking `const auto&`)");
  }
  return detail::reverse_jacobian<T>(fn, x);
}

}  // namespace tapegrad
