// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Line searches: along a descent direction p from w, choose the step length alpha of
/// w + alpha p. Both work on phi(alpha) = L(w + alpha p), whose slope is
/// phi'(alpha) = g(w + alpha p)^T p, with phi'(0) < 0:
///
///   backtracking   alpha = alpha_0, alpha_0 rho, alpha_0 rho^2, ... until the
///                  sufficient-decrease (Armijo) condition
///                      phi(alpha) <= phi(0) + c1 alpha phi'(0)
///                  holds.
///   strong_wolfe   Moré and Thuente's search (ACM TOMS 20, 1994, the one in MINPACK-2
///                  and L-BFGS-B): safeguarded cubic and quadratic interpolation in a
///                  bracket that shrinks until the strong Wolfe conditions hold,
///                      phi(alpha) <= phi(0) + c1 alpha phi'(0)   and
///                      |phi'(alpha)| <= c2 |phi'(0)|.
///
/// A trial where phi or phi' is NaN or infinite (f left its domain) counts as too long:
/// the search retreats towards the best point so far. The point returned is always the
/// last one evaluated, so the caller's copy of it (w, L, g) is the accepted point.

#include <algorithm>
#include <cmath>
#include <limits>

#include "tapegrad/optim/checks.hpp"

namespace tapegrad::optim {

/// phi at one step length: alpha, phi(alpha) = L(w + alpha p), phi'(alpha) = g^T p.
template <class T>
struct LinePoint {
  T alpha{};  ///< the step length
  T value{};  ///< phi(alpha)
  T slope{};  ///< phi'(alpha)
};

/// Parameters of the line searches (defaults: Nocedal and Wright's for quasi-Newton methods).
template <class T>
struct LineSearchOptions {
  T c1 = T(1e-4);                  ///< sufficient decrease: phi(alpha) <= phi(0) + c1 alpha phi'(0)
  T c2 = T(0.9);                   ///< curvature (strong Wolfe): |phi'(alpha)| <= c2 |phi'(0)|
  T shrink = T(0.5);               ///< backtracking: the next trial is shrink * alpha
  T bracket_tolerance = T(1e-10);  ///< strong Wolfe: stop when the bracket is narrower than this x its right end
  int max_evaluations = 20;        ///< trials per search
};

/// The outcome of a line search.
template <class T>
struct LineSearchResult {
  LinePoint<T> point;   ///< the accepted point (the last one evaluated) if found
  int evaluations = 0;  ///< trials evaluated
  bool found = false;   ///< whether the conditions hold at point
};

namespace detail {

/// Throws unless 0 < c1 < c2 < 1, 0 < shrink < 1, max_evaluations >= 1.
template <class T>
void check_line_search(const LineSearchOptions<T>& o, const std::string& who) {
  if (!(o.c1 > T(0) && o.c1 < o.c2 && o.c2 < T(1)))
    throw_invalid_argument(who + ": line search c1 = " + number(static_cast<double>(o.c1)) +
                           ", c2 = " + number(static_cast<double>(o.c2)) + "; expected 0 < c1 < c2 < 1");
  if (!(o.shrink > T(0) && o.shrink < T(1)))
    throw_invalid_argument(who + ": line search shrink is " + number(static_cast<double>(o.shrink)) +
                           "; expected a number in (0, 1)");
  require_nonnegative(o.bracket_tolerance, (who + ": line search bracket_tolerance").c_str());
  if (o.max_evaluations < 1)
    throw_invalid_argument(who + ": line search max_evaluations is " + std::to_string(o.max_evaluations) +
                           "; expected >= 1");
}

/// Whether a trial is usable: finite value and slope.
template <class T>
bool usable(const LinePoint<T>& p) {
  return is_finite(p.value) && is_finite(p.slope);
}

/// Moré and Thuente's step (their dcstep): the next trial from the bracket end x (the
/// best point), the other end y and the trial t, and whether a minimizer is bracketed.
/// Four cases, by how t compares with x; each takes the cubic or quadratic interpolant's
/// minimizer that is safest.
template <class T>
struct MoreThuenteStep {
  LinePoint<T> x, y;
  bool bracketed = false;

  /// The minimizer of the cubic through (a, fa, da) and (b, fb, db), written Moré and
  /// Thuente's overflow-safe way; `clamp` allows a vanishing discriminant.
  static T cubic_min(const LinePoint<T>& a, const LinePoint<T>& b, bool clamp) {
    using std::abs;
    using std::sqrt;
    const T theta = T(3) * (a.value - b.value) / (b.alpha - a.alpha) + a.slope + b.slope;
    const T s = std::max({abs(theta), abs(a.slope), abs(b.slope)});
    T disc = (theta / s) * (theta / s) - (a.slope / s) * (b.slope / s);
    if (clamp) disc = std::max(disc, T(0));
    T gamma = s * sqrt(disc);
    if (b.alpha < a.alpha) gamma = -gamma;
    const T p = (gamma - a.slope) + theta, q = ((gamma - a.slope) + gamma) + b.slope;
    return a.alpha + (p / q) * (b.alpha - a.alpha);
  }
  /// The minimizer of the quadratic through (a, fa, da) and (b, fb).
  static T quadratic_min(const LinePoint<T>& a, const LinePoint<T>& b) {
    return a.alpha + a.slope / ((a.value - b.value) / (b.alpha - a.alpha) + a.slope) / T(2) * (b.alpha - a.alpha);
  }
  /// The secant minimizer from the slopes at a and b.
  static T secant_min(const LinePoint<T>& a, const LinePoint<T>& b) {
    return a.alpha + a.slope / (a.slope - b.slope) * (b.alpha - a.alpha);
  }

  /// The next trial after t, within [lo, hi]; updates the bracket.
  T next(const LinePoint<T>& t, T lo, T hi) {
    using std::abs;
    const T sign = t.slope * (x.slope / abs(x.slope));
    T step;
    if (t.value > x.value) {  // 1: higher value: a minimizer lies between x and t
      const T c = cubic_min(x, t, false), q = quadratic_min(x, t);
      step = abs(c - x.alpha) < abs(q - x.alpha) ? c : c + (q - c) / T(2);
      bracketed = true;
    } else if (sign < T(0)) {  // 2: the slope changed sign: bracketed
      const T c = cubic_min(t, x, false), q = secant_min(t, x);
      step = abs(c - t.alpha) > abs(q - t.alpha) ? c : q;
      bracketed = true;
    } else if (abs(t.slope) < abs(x.slope)) {  // 3: same sign, slope decreasing in size
      step = case3(t, lo, hi);
    } else {  // 4: same sign, slope not decreasing: extrapolate to a limit or into the bracket
      step = bracketed ? cubic_min(t, y, false) : (t.alpha > x.alpha ? hi : lo);
    }
    if (t.value > x.value) {
      y = t;
    } else {
      if (sign < T(0)) y = x;
      x = t;
    }
    return step;
  }

 private:
  T case3(const LinePoint<T>& t, T lo, T hi) const {
    using std::abs;
    const T theta = T(3) * (x.value - t.value) / (t.alpha - x.alpha) + x.slope + t.slope;
    const T s = std::max({abs(theta), abs(x.slope), abs(t.slope)});
    T gamma = s * std::sqrt(std::max(T(0), (theta / s) * (theta / s) - (x.slope / s) * (t.slope / s)));
    if (t.alpha > x.alpha) gamma = -gamma;
    const T p = (gamma - t.slope) + theta, q = (gamma + (x.slope - t.slope)) + gamma, r = p / q;
    const T c = (r < T(0) && gamma != T(0)) ? t.alpha + r * (x.alpha - t.alpha) : (t.alpha > x.alpha ? hi : lo);
    const T q2 = secant_min(t, x);
    if (bracketed) {
      const T step = abs(c - t.alpha) < abs(q2 - t.alpha) ? c : q2;
      const T limit = t.alpha + T(0.66) * (y.alpha - t.alpha);
      return t.alpha > x.alpha ? std::min(limit, step) : std::max(limit, step);
    }
    return std::clamp(abs(c - t.alpha) > abs(q2 - t.alpha) ? c : q2, lo, hi);
  }
};

/// What strong_wolfe does with a trial.
enum class Verdict { accept, go_on, stuck };

/// The state of a Moré-Thuente search (their dcsrch): the bracket, the interval the next
/// trial must lie in, and the stage (psi, the modified function, until phi' >= 0 at a
/// point with sufficient decrease).
template <class T>
class MoreThuenteSearch {
 public:
  MoreThuenteSearch(const LinePoint<T>& start, T alpha, T alpha_max, const LineSearchOptions<T>& o)
      : o_(o),
        start_(start),
        step_{start, start, false},
        decrease_(o.c1 * start.slope),
        alpha_max_(alpha_max),
        hi_(alpha + T(4) * alpha),
        width_(alpha_max),
        previous_width_(T(2) * alpha_max) {}

  /// phi(alpha) <= phi(0) + c1 alpha phi'(0).
  bool armijo(const LinePoint<T>& t) const { return t.value <= start_.value + t.alpha * decrease_; }
  /// The end of the bracket with the lowest value.
  const LinePoint<T>& best() const { return step_.x; }

  /// Whether t ends the search: strong Wolfe holds, or the search cannot go on.
  Verdict judge(const LinePoint<T>& t) {
    using std::abs;
    if (!usable(t)) return Verdict::go_on;
    if (armijo(t) && abs(t.slope) <= o_.c2 * (-start_.slope)) return Verdict::accept;
    if (armijo(t) && t.alpha >= alpha_max_ && t.slope <= decrease_) return Verdict::accept;  // at the limit
    if (step_.bracketed && (t.alpha <= lo_ || t.alpha >= hi_ || hi_ - lo_ <= o_.bracket_tolerance * hi_))
      return Verdict::stuck;  // rounding errors prevent progress
    if (stage_one_ && armijo(t) && t.slope >= T(0)) stage_one_ = false;
    return Verdict::go_on;
  }

  /// The next trial after t (not accepted).
  T next_trial(const LinePoint<T>& t) {
    using std::abs;
    if (!usable(t)) {  // outside f's domain: too far; retreat towards the best point
      hi_ = alpha_max_ = t.alpha;
      return step_.x.alpha + T(0.5) * (t.alpha - step_.x.alpha);
    }
    T alpha = stage_one_ && t.value <= step_.x.value && !armijo(t) ? modified_step(t) : step_.next(t, lo_, hi_);
    if (step_.bracketed) {
      if (abs(step_.y.alpha - step_.x.alpha) >= T(0.66) * previous_width_)
        alpha = step_.x.alpha + T(0.5) * (step_.y.alpha - step_.x.alpha);  // bisect if the bracket shrinks slowly
      previous_width_ = width_;
      width_ = abs(step_.y.alpha - step_.x.alpha);
      lo_ = std::min(step_.x.alpha, step_.y.alpha);
      hi_ = std::max(step_.x.alpha, step_.y.alpha);
    } else {
      lo_ = alpha + T(1.1) * (alpha - step_.x.alpha);
      hi_ = alpha + T(4) * (alpha - step_.x.alpha);
    }
    alpha = std::clamp(alpha, T(0), alpha_max_);
    if (step_.bracketed && (alpha <= lo_ || alpha >= hi_ || hi_ - lo_ <= o_.bracket_tolerance * hi_))
      alpha = step_.x.alpha;
    return alpha;
  }

 private:
  /// The step on psi(a) = phi(a) - phi(0) - a c1 phi'(0), then back to phi.
  T modified_step(const LinePoint<T>& t) {
    auto psi = [this](LinePoint<T> q) { return q.value -= q.alpha * decrease_, q.slope -= decrease_, q; };
    auto back = [this](LinePoint<T> q) { return q.value += q.alpha * decrease_, q.slope += decrease_, q; };
    MoreThuenteStep<T> m{psi(step_.x), psi(step_.y), step_.bracketed};
    const T alpha = m.next(psi(t), lo_, hi_);
    step_ = {back(m.x), back(m.y), m.bracketed};
    return alpha;
  }

  const LineSearchOptions<T>& o_;
  LinePoint<T> start_;
  MoreThuenteStep<T> step_;
  T decrease_, alpha_max_, lo_ = T(0), hi_, width_, previous_width_;
  bool stage_one_ = true;
};

}  // namespace detail

/// Backtracking (Armijo): tries alpha, shrink alpha, ... (at most alpha_max) until
/// phi(alpha) <= phi(0) + c1 alpha phi'(0). `start` is phi at alpha = 0; phi(alpha)
/// returns a LinePoint. Not found after max_evaluations trials: found = false.
template <class T, class Phi>
LineSearchResult<T> backtracking(Phi&& phi, const LinePoint<T>& start, T alpha, T alpha_max,
                                 const LineSearchOptions<T>& o = {}) {
  LineSearchResult<T> r;
  alpha = std::min(alpha, alpha_max);
  while (r.evaluations < o.max_evaluations && alpha > T(0)) {
    r.point = phi(alpha);
    ++r.evaluations;
    if (detail::usable(r.point) && r.point.value <= start.value + o.c1 * alpha * start.slope) {
      r.found = true;
      break;
    }
    alpha *= o.shrink;
  }
  return r;
}

/// The strong-Wolfe search of Moré and Thuente (see the file comment), from the trial
/// alpha in (0, alpha_max]. `start` is phi at 0 (start.slope < 0). If the conditions
/// cannot be met within max_evaluations trials, or rounding stops the bracket from
/// shrinking, the best point seen is accepted if it satisfies sufficient decrease
/// (evaluated once more if it is not the last trial, so that the returned point is
/// always the last one evaluated); otherwise found = false.
template <class T, class Phi>
LineSearchResult<T> strong_wolfe(Phi&& phi, const LinePoint<T>& start, T alpha, T alpha_max,
                                 const LineSearchOptions<T>& o = {}) {
  LineSearchResult<T> r;
  detail::MoreThuenteSearch<T> search(start, alpha, alpha_max, o);
  while (r.evaluations < o.max_evaluations && alpha > T(0)) {
    r.point = phi(alpha);
    ++r.evaluations;
    const auto verdict = search.judge(r.point);
    if (verdict == detail::Verdict::accept) return r.found = true, r;
    if (verdict == detail::Verdict::stuck) break;
    alpha = search.next_trial(r.point);
  }
  const LinePoint<T> best = search.best();  // the lowest point, if it made sufficient decrease
  if (search.armijo(r.point) && detail::usable(r.point) && r.point.alpha > T(0)) return r.found = true, r;
  if (best.alpha > T(0) && search.armijo(best)) {
    r.point = phi(best.alpha);
    ++r.evaluations;
    r.found = detail::usable(r.point) && search.armijo(r.point);
  }
  return r;
}

}  // namespace tapegrad::optim
