// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// least_squares(r, x0, options): minimizes L(w) = (1/2) ||r(w)||^2 for residuals
/// r: R^n -> R^m by Levenberg-Marquardt (default) or damped Gauss-Newton, with the
/// Jacobian J from tapegrad::jacobian. r is a generic function returning an Eigen vector
/// (or std::vector) of Var:
///
///     auto r = optim::least_squares([&](const auto& b) { return residuals(b); }, b0);
///     // r.w, r.loss = ||r||^2 / 2, r.residuals, r.jacobian, r.gradient = J^T r, ...
///
/// The gradient of L is g = J^T r. With a scaling D (D = I by default, as SciPy's
/// x_scale = 1; with jacobian_scaling, D = diag(d_j), d_j the largest column norm
/// ||J_j|| seen so far, MINPACK's mode 1), a damped step p(mu) solves
///     (J^T J + mu D^2) p = -J^T r,
/// the minimizer of the local model ||r + J p||^2 / 2 + mu ||D p||^2 / 2.
///   Levenberg-Marquardt  Moré's trust-region form (MINPACK's lmder/lmpar): mu is the
///                        one for which ||D p(mu)|| = Delta within 10 % (mu = 0 if the
///                        Gauss-Newton step is already shorter), found by Hebden's
///                        Newton iteration on 1/||D p(mu)||. The gain ratio
///                        rho = (L(w) - L(w + p)) / (L(w) - ||r + J p||^2 / 2) of
///                        actual to predicted decrease decides: p is accepted if
///                        rho >= 1e-4; Delta shrinks (by 1/2 to 1/10) if rho <= 1/4 and
///                        doubles to 2 ||D p|| if rho >= 3/4. Delta_0 = 100 ||D w_0||.
///   Gauss-Newton         mu = 0 (the minimum-norm least-squares step), then a
///                        backtracking (Armijo) search on L along p.
/// p(mu) comes from one decomposition per Jacobian of the scaled J D^-1 = U S V^T (the
/// SVD, so the conditioning of J is not squared; with n > 200 unknowns, the cheaper
/// eigendecomposition of D^-1 J^T J D^-1): D p(mu) = -V (S U^T r) / (S^2 + mu), so each
/// mu costs O(n^2), not a new factorization.
///
/// Stopping rules (MINPACK's and SciPy's, same names and defaults as SciPy):
///   gradient_tolerance  max_j |(J^T r)_j| / (||J_j|| ||r||) <= it (the largest cosine
///                       between r and a column of J; also r = 0): Status::gradient_tolerance
///   loss_tolerance      actual and predicted relative decrease of ||r||^2 <= it (and
///                       rho <= 2): Status::loss_tolerance
///   step_tolerance      Delta <= it ||D w|| (Gauss-Newton: ||D p|| <= it ||D w||):
///                       Status::step_tolerance
///   max_evaluations     evaluations of r >= it (0: 100 n): Status::max_evaluations
///   max_steps           iterations (Jacobians) = it: Status::max_steps
/// The final point's Jacobian is always computed, so r.jacobian and r.gradient belong
/// to r.w (one more Jacobian than MINPACK counts). A trial point where r is NaN or
/// infinite counts as a failed step (LM shrinks Delta; Gauss-Newton shrinks alpha).

#include <Eigen/Core>
#include <Eigen/Eigenvalues>
#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <optional>
#include <ostream>
#include <string>
#include <utility>

#include "tapegrad/core/functional.hpp"
#include "tapegrad/optim/checks.hpp"
#include "tapegrad/optim/collective.hpp"
#include "tapegrad/optim/minimize.hpp"
#include "tapegrad/optim/step_loop.hpp"

namespace tapegrad::optim {

/// The step of least_squares().
enum class LeastSquaresMethod {
  levenberg_marquardt,  ///< damped steps, mu adapted by the gain ratio
  gauss_newton          ///< undamped steps with a backtracking line search
};

/// Options of least_squares() (SciPy's least_squares(method="lm") names and defaults).
template <class T>
struct LeastSquaresOptions {
  LeastSquaresMethod method = LeastSquaresMethod::levenberg_marquardt;  ///< the step
  T loss_tolerance = T(1e-8);                                           ///< ftol: relative decrease of ||r||^2
  T step_tolerance = T(1e-8);                                           ///< xtol: relative step size ||D p|| / ||D w||
  T gradient_tolerance = T(1e-8);    ///< gtol: max cosine between r and the columns of J
  std::int64_t max_evaluations = 0;  ///< evaluations of r (0: 100 n)
  std::int64_t max_steps = 100000;   ///< iterations, one Jacobian each
  T initial_step_bound = T(100);     ///< Delta_0 = this x ||D w_0|| (MINPACK's factor)
  /// D from the column norms of J (MINPACK's mode 1, SciPy's x_scale = "jac"); false
  /// (SciPy's default x_scale = 1): D = I. Scaling helps badly scaled problems and can
  /// slow large-residual ones (docs/optim.md).
  bool jacobian_scaling = false;
  /// Called at every accepted point with (k, w_k, L_k, g_k); return false to stop.
  std::function<bool(std::int64_t, const Eigen::VectorX<T>&, T, const Eigen::VectorX<T>&)> on_step;
  std::ostream* progress = nullptr;  ///< if set, prints a line every print_every iterations
  std::int64_t print_every = 1;      ///< (>= 1)
};

/// The outcome of least_squares(): MinimizeResult (loss = ||r||^2 / 2, gradient =
/// J^T r, gradient_evaluations = Jacobians) plus the residuals and the Jacobian at w.
template <class T>
struct LeastSquaresResult : MinimizeResult<T> {
  Eigen::VectorX<T> residuals;  ///< r(w)
  Eigen::MatrixX<T> jacobian;   ///< J(w), m x n
};

namespace detail {

/// The damped steps p(mu) = argmin ||J p + r||^2 + mu ||D p||^2 from one spectral
/// decomposition of the scaled Jacobian J D^-1 per Jacobian (see the file comment).
template <class T>
class DampedSteps {
 public:
  /// Takes a new Jacobian and residual (and updates the scaling D).
  void set_jacobian(const Eigen::MatrixX<T>& J, const Eigen::VectorX<T>& r, bool scaling) {
    const Eigen::Index n = J.cols();
    const Eigen::VectorX<T> norms = J.colwise().norm().transpose();
    if (!scaling)
      d_ = Eigen::VectorX<T>::Ones(n);
    else if (d_.size() != n)
      d_ = norms.unaryExpr([](const T& v) { return v > T(0) ? v : T(1); });
    else
      d_ = d_.cwiseMax(norms);
    const Eigen::MatrixX<T> S = J * d_.cwiseInverse().asDiagonal();
    if (n > kSvdLimit) {  // eigen of S^T S: lambda = s^2, beta = V^T S^T r
      Eigen::SelfAdjointEigenSolver<Eigen::MatrixX<T>> eig(S.transpose() * S);
      lambda_ = eig.eigenvalues().cwiseMax(T(0));
      v_ = eig.eigenvectors();
      beta_ = v_.transpose() * (S.transpose() * r);
    } else {
      Eigen::BDCSVD<Eigen::MatrixX<T>> svd(S, Eigen::ComputeThinU | Eigen::ComputeThinV);
      lambda_ = svd.singularValues().cwiseAbs2();
      v_ = svd.matrixV();
      beta_ = svd.singularValues().cwiseProduct(svd.matrixU().transpose() * r);
    }
    // Singular directions: s_i <= eps s_max (MINPACK drops only exact zeros of R's diagonal).
    const T eps = std::numeric_limits<T>::epsilon();
    const T tiny = eps * eps * (lambda_.size() ? lambda_.maxCoeff() : T(0));
    full_rank_ = (lambda_.array() > tiny).all();
    singular_ = lambda_.array() <= tiny;
  }
  /// The scaling D.
  const Eigen::VectorX<T>& scale() const noexcept { return d_; }
  /// ||D^-1 J^T r||, the scaled gradient's norm.
  T gradient_norm() const { return beta_.norm(); }
  /// Whether J has full column rank (numerically).
  bool full_rank() const noexcept { return full_rank_; }

  /// z = D p(mu) (mu = 0: the minimum-norm Gauss-Newton step) into z; returns
  /// s3 = sum beta_i^2 / (lambda_i + mu)^3, which gives d||z||/dmu = -s3 / ||z||.
  T solve(const T& mu, Eigen::VectorX<T>& z) {
    coefficients_.resize(beta_.size());
    T s3 = T(0);
    for (Eigen::Index i = 0; i < beta_.size(); ++i) {
      const T denominator = lambda_[i] + mu;
      const bool drop = mu == T(0) && singular_[i];
      coefficients_[i] = drop ? T(0) : -beta_[i] / denominator;
      if (!drop) s3 += beta_[i] * beta_[i] / (denominator * denominator * denominator);
    }
    z.noalias() = v_ * coefficients_;
    return s3;
  }
  /// p from z = D p.
  void unscale(const Eigen::VectorX<T>& z, Eigen::VectorX<T>& p) const { p = z.cwiseQuotient(d_); }

 private:
  static constexpr Eigen::Index kSvdLimit = 200;
  Eigen::VectorX<T> d_, lambda_, beta_, coefficients_;
  Eigen::MatrixX<T> v_;
  Eigen::Array<bool, Eigen::Dynamic, 1> singular_;
  bool full_rank_ = true;
};

/// Moré's choice of mu (MINPACK's lmpar) for the trust radius delta: mu = 0 if the
/// Gauss-Newton step is within 1.1 delta, else the mu with | ||D p(mu)|| - delta | <=
/// 0.1 delta, by Hebden's safeguarded Newton iteration (at most 10 solves). Starts from
/// the previous mu; writes z = D p(mu).
template <class T>
T trust_region_mu(DampedSteps<T>& steps, const T& delta, T mu, Eigen::VectorX<T>& z) {
  T s3 = steps.solve(T(0), z), norm = z.norm(), excess = norm - delta;
  if (excess <= T(0.1) * delta) return T(0);
  T lower = steps.full_rank() ? excess * norm * norm / (delta * s3) : T(0);
  const T dwarf = std::numeric_limits<T>::min();
  T upper = steps.gradient_norm() / delta;
  if (upper == T(0)) upper = dwarf / std::min(delta, T(0.1));
  mu = std::clamp(mu, lower, upper);
  if (mu == T(0)) mu = steps.gradient_norm() / norm;
  for (int iteration = 0; iteration < 10; ++iteration) {
    if (mu == T(0)) mu = std::max(dwarf, T(0.001) * upper);
    s3 = steps.solve(mu, z);
    norm = z.norm();
    const T previous = excess;
    excess = norm - delta;
    if (std::abs(excess) <= T(0.1) * delta || (lower == T(0) && excess <= previous && previous < T(0))) break;
    const T correction = excess * norm * norm / (delta * s3);
    if (excess > T(0)) lower = std::max(lower, mu);
    if (excess < T(0)) upper = std::min(upper, mu);
    mu = std::max(lower, mu + correction);
  }
  return mu;
}

/// least_squares()'s driver for the step loop.
template <class R, class T>
class LeastSquaresDriver {
 public:
  LeastSquaresDriver(R& r, Eigen::VectorX<T> x0, const LeastSquaresOptions<T>& o, LeastSquaresResult<T>& out)
      : r_(r), o_(o), out_(out), w_(std::move(x0)), g_(w_.size()), p_(w_.size()), z_(w_.size()) {}

  std::optional<Status> start() { return std::nullopt; }
  /// At the start: r(x0); at every new point: J (and g = J^T r).
  void evaluate() {
    if (out_.function_evaluations == 0) loss_ = residuals_at(w_, res_);
    if (!is_finite(loss_) || fresh_jacobian_) return;
    out_.jacobian = jacobian_at(w_);
    ++out_.gradient_evaluations;
    if (out_.jacobian.rows() != res_.size())
      throw_invalid_argument("least_squares: r returned " + std::to_string(res_.size()) +
                             " residuals but its Jacobian has " + std::to_string(out_.jacobian.rows()) + " rows");
    g_.noalias() = out_.jacobian.transpose() * res_;
    fresh_jacobian_ = true;
  }
  const T& loss() const noexcept { return loss_; }
  const Eigen::VectorX<T>& gradient() const noexcept { return g_; }
  Eigen::Ref<Eigen::VectorX<T>> parameters() noexcept { return w_; }

  std::optional<Status> observe();
  std::optional<Status> step() {
    steps_.set_jacobian(out_.jacobian, res_, o_.jacobian_scaling);
    if (!delta_) {  // the first iteration: Delta_0 = factor ||D w_0||
      const T wnorm = w_.cwiseProduct(steps_.scale()).norm();
      delta_ = wnorm > T(0) ? o_.initial_step_bound * wnorm : o_.initial_step_bound;
    }
    return o_.method == LeastSquaresMethod::levenberg_marquardt ? lm_step() : gauss_newton_step();
  }
  std::optional<Status> after_step() {
    ++out_.steps;
    return std::nullopt;
  }
  Status diverged(const std::string& what) { return diverged_at_iteration(out_, what); }
  void finish(Status status) {
    finish_result(out_, status, w_, loss_, g_, to_string(status));
    out_.residuals = res_;
  }

  /// (1/2)||r(w)||^2, writing r(w) into res (with StackedResiduals: every rank's,
  /// stacked in rank order).
  T residuals_at(const Eigen::VectorX<T>& w, Eigen::VectorX<T>& res) {
    ++out_.function_evaluations;
    if constexpr (is_stacked_residuals<R>::value) {
      const std::exception_ptr error = capture([&] { local_residuals_at(r_.local(), w, res); });
      res = stack_rows<T>(r_.group(), res, 1, error);
    } else {
      local_residuals_at(r_, w, res);
    }
    if (res.size() == 0) throw_invalid_argument("least_squares: r returned no residuals; expected m >= 1");
    return res.squaredNorm() / T(2);
  }

 private:
  /// r(w) into res; r recorded on this driver's tape, values only.
  template <class F>
  void local_residuals_at(F& r, const Eigen::VectorX<T>& w, Eigen::VectorX<T>& res) {
    TapeScope<T> scope(tape_);
    tape_.clear();
    inputs_.resize(w.size());
    tape_.variables(w.data(), static_cast<std::size_t>(w.size()), inputs_.data());
    const auto values = r(std::as_const(inputs_));
    res.resize(static_cast<Eigen::Index>(values.size()));
    Eigen::Index i = 0;
    for (const auto& v : values) res[i++] = Var<T>(v).value();  // an Eigen vector or a std::vector
  }
  /// J(w) (with StackedResiduals: every rank's rows, stacked in rank order).
  Eigen::MatrixX<T> jacobian_at(const Eigen::VectorX<T>& w) {
    if constexpr (is_stacked_residuals<R>::value) {
      Eigen::MatrixX<T> mine;
      const std::exception_ptr error = capture([&] { mine = jacobian(r_.local(), w); });
      return stack_rows<T>(r_.group(), mine, w.size(), error);
    } else {
      return jacobian(r_, w);
    }
  }

  /// What a trial step did: the gain ratio's parts and whether the point was taken.
  struct Trial {
    T actual, predicted, ratio;  // relative decreases of ||r||^2 (MINPACK's actred, prered)
    bool accepted, far;
  };
  Trial try_point(const T& alpha, const T& mu);
  std::optional<Status> lm_step();
  std::optional<Status> gauss_newton_step();
  std::optional<Status> loss_stop(const Trial& t) const {
    const T tolerance = o_.loss_tolerance;
    if (std::abs(t.actual) <= tolerance && t.predicted <= tolerance && t.ratio <= T(2)) return Status::loss_tolerance;
    return std::nullopt;
  }
  std::int64_t evaluation_limit() const {
    return o_.max_evaluations > 0 ? o_.max_evaluations : 100 * static_cast<std::int64_t>(w_.size());
  }

  R& r_;
  const LeastSquaresOptions<T>& o_;
  LeastSquaresResult<T>& out_;
  Tape<T> tape_{Activation::later};
  Eigen::Matrix<Var<T>, Eigen::Dynamic, 1> inputs_;
  Eigen::VectorX<T> w_, g_, p_, z_, res_, trial_w_, trial_res_;
  T loss_{}, trial_loss_{}, mu_ = T(0);
  std::optional<T> delta_;
  bool fresh_jacobian_ = false, first_trial_ = true;
  std::optional<Status> pending_;  // a stop found by the last step, reported at the new point
  DampedSteps<T> steps_;
};

/// Records the point; applies the gradient rule (the largest cosine between r and a
/// column of J), then the stop found by the last step, the callback and the limits.
template <class R, class T>
std::optional<Status> LeastSquaresDriver<R, T>::observe() {
  using std::abs;
  out_.loss_history.push_back(loss_);
  out_.gradient_norm.push_back(g_.norm());
  const T rnorm = res_.norm();
  T cosine = T(0);
  for (Eigen::Index j = 0; j < g_.size() && rnorm > T(0); ++j) {
    const T cnorm = out_.jacobian.col(j).norm();
    if (cnorm > T(0)) cosine = std::max(cosine, abs(g_[j]) / (cnorm * rnorm));
  }
  if (o_.progress != nullptr && out_.steps % o_.print_every == 0)
    *o_.progress << "least_squares " << out_.steps << "  ||r||^2 " << static_cast<double>(T(2) * loss_) << "  cosine "
                 << static_cast<double>(cosine) << "  evaluations " << out_.function_evaluations << "\n";
  if (o_.on_step && !o_.on_step(out_.steps, w_, loss_, g_)) return Status::stopped_by_callback;
  if (cosine <= o_.gradient_tolerance) return Status::gradient_tolerance;
  if (pending_) return pending_;
  if (out_.steps >= o_.max_steps) return Status::max_steps;
  if (out_.function_evaluations >= evaluation_limit()) return Status::max_evaluations;
  return std::nullopt;
}

/// Evaluates w + alpha p (p = p(mu)) and measures it against the model: MINPACK's
/// relative actual and predicted decreases of ||r||^2 and their ratio. Moves there if
/// the ratio is >= 1e-4 (LM) or the Armijo condition holds (Gauss-Newton).
template <class R, class T>
typename LeastSquaresDriver<R, T>::Trial LeastSquaresDriver<R, T>::try_point(const T& alpha, const T& mu) {
  trial_w_.noalias() = w_ + alpha * p_;
  trial_loss_ = residuals_at(trial_w_, trial_res_);
  const T fnorm2 = T(2) * loss_, slope = g_.dot(p_), curvature = (out_.jacobian * p_).squaredNorm();
  Trial t{};
  t.far = !(is_finite(trial_loss_) && trial_loss_ < T(100) * loss_);  // ||r(w + p)|| >= 10 ||r(w)||
  t.actual = t.far ? T(-1) : (loss_ - trial_loss_) / loss_;
  // The undamped model ||r + J s||^2 for s = alpha p: -2 alpha g^T p - alpha^2 ||J p||^2.
  t.predicted = fnorm2 > T(0) ? (-T(2) * alpha * slope - alpha * alpha * curvature) / fnorm2 : T(0);
  if (mu > T(0))  // MINPACK's prered: ||J p||^2 + 2 mu ||D p||^2, relative to ||r||^2
    t.predicted = (curvature + T(2) * mu * (alpha * p_).cwiseProduct(steps_.scale()).squaredNorm()) / fnorm2;
  t.ratio = t.predicted != T(0) ? t.actual / t.predicted : T(0);
  const bool lm = o_.method == LeastSquaresMethod::levenberg_marquardt;
  t.accepted = lm ? t.ratio >= T(1e-4) : t.actual * loss_ >= T(1e-4) * alpha * (-slope);  // gain ratio, or Armijo
  if (t.accepted) {
    w_.swap(trial_w_);
    res_.swap(trial_res_);
    loss_ = trial_loss_;
    fresh_jacobian_ = false;
    out_.learning_rate.push_back(alpha);
  }
  return t;
}

/// Levenberg-Marquardt (MINPACK's lmder inner loop): trial steps p(mu) within the trust
/// radius Delta until one is accepted, shrinking Delta after each failure.
template <class R, class T>
std::optional<Status> LeastSquaresDriver<R, T>::lm_step() {
  for (;;) {
    mu_ = trust_region_mu(steps_, *delta_, mu_, z_);
    steps_.unscale(z_, p_);
    const T pnorm = z_.norm();
    if (first_trial_) delta_ = std::min(*delta_, pnorm), first_trial_ = false;
    const Trial t = try_point(T(1), mu_);
    const T curvature = (out_.jacobian * p_).squaredNorm() / (T(2) * loss_);
    const T direction = -(curvature + mu_ * pnorm * pnorm / (T(2) * loss_));  // MINPACK's dirder
    if (t.ratio <= T(0.25)) {
      T shrink = t.actual >= T(0) ? T(0.5) : T(0.5) * direction / (direction + T(0.5) * t.actual);
      if (t.far || shrink < T(0.1)) shrink = T(0.1);
      delta_ = shrink * std::min(*delta_, pnorm / T(0.1));
      mu_ /= shrink;
    } else if (mu_ == T(0) || t.ratio >= T(0.75)) {
      delta_ = pnorm / T(0.5);
      mu_ /= T(2);
    }
    std::optional<Status> stop = loss_stop(t);
    const T wnorm = w_.cwiseProduct(steps_.scale()).norm();
    const T xtol = std::max(o_.step_tolerance, std::numeric_limits<T>::epsilon());
    if (*delta_ <= xtol * wnorm) stop = Status::step_tolerance;
    if (t.accepted) {
      pending_ = stop;  // reported at the new point, after its Jacobian
      return std::nullopt;
    }
    if (stop) return stop;
    if (out_.function_evaluations >= evaluation_limit()) return Status::max_evaluations;
  }
}

/// Gauss-Newton: the minimum-norm step p(0), then alpha = 1, 1/2, 1/4, ... until the
/// Armijo condition L(w + alpha p) <= L(w) + 1e-4 alpha g^T p holds.
template <class R, class T>
std::optional<Status> LeastSquaresDriver<R, T>::gauss_newton_step() {
  steps_.solve(T(0), z_);
  steps_.unscale(z_, p_);
  const T wnorm = w_.cwiseProduct(steps_.scale()).norm();
  for (T alpha = T(1); alpha > T(1e-10); alpha /= T(2)) {
    const Trial t = try_point(alpha, T(0));
    std::optional<Status> stop = loss_stop(t);
    if (alpha * z_.norm() <= o_.step_tolerance * (wnorm + o_.step_tolerance)) stop = Status::step_tolerance;
    if (t.accepted) {
      pending_ = stop;
      return std::nullopt;
    }
    if (stop) return stop;
    if (out_.function_evaluations >= evaluation_limit()) return Status::max_evaluations;
  }
  return Status::line_search_failed;
}

}  // namespace detail

/// Minimizes (1/2)||r(w)||^2 from x0 (see the file comment). r is generic: it is called
/// with `const Eigen::Matrix<Var<T>, Dynamic, 1>&` (and whatever scalar
/// tapegrad::jacobian uses) and returns an Eigen vector or std::vector of Var. Throws
/// std::invalid_argument before anything runs for an empty or non-finite x0 and bad
/// options, and when r returns no residuals.
template <class R, class Derived, class T = typename Derived::Scalar>
LeastSquaresResult<T> least_squares(R&& r, const Eigen::MatrixBase<Derived>& x0,
                                    const LeastSquaresOptions<T>& options = {}) {
  static_assert(Derived::ColsAtCompileTime == 1, "x0 must be a column vector");
  static_assert(!detail::is_summed_objective<std::decay_t<R>>::value,
                "least_squares takes residuals, not a summed objective: use distributed::least_squares");
  detail::require_start_point(x0, "least_squares", "x0");
  detail::require_nonnegative(options.loss_tolerance, "least_squares: loss_tolerance");
  detail::require_nonnegative(options.step_tolerance, "least_squares: step_tolerance");
  detail::require_nonnegative(options.gradient_tolerance, "least_squares: gradient_tolerance");
  detail::require_positive(options.initial_step_bound, "least_squares: initial_step_bound");
  detail::require_at_least(options.max_evaluations, 0, "least_squares: max_evaluations");
  detail::require_at_least(options.max_steps, 0, "least_squares: max_steps");
  detail::require_at_least(options.print_every, 1, "least_squares: print_every");
  LeastSquaresResult<T> result;
  detail::LeastSquaresDriver<std::remove_reference_t<R>, T> driver(r, x0, options, result);
  detail::run_step_loop<T>(driver);
  return result;
}

}  // namespace tapegrad::optim
