// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The Moré-Garbow-Hillstrom test problems (J. J. Moré, B. S. Garbow, K. E. Hillstrom,
/// "Testing unconstrained optimization software", ACM TOMS 7(1), 1981) that issue 15
/// names, as residual vectors r(x) with f(x) = sum_i r_i(x)^2, from their standard
/// starting points. Each is written once, generically, for plain numbers and every Var
/// (and Dual, for forward-mode Jacobians). Shared by tests/optim/ and benchmarks/solvers/.
/// Dimensions: the paper's fixed ones; Gulf m = 99; Watson n = 6; extended Rosenbrock and
/// extended Powell n = 1000; trigonometric and Broyden tridiagonal n = 10.

#include <Eigen/Core>
#include <cmath>
#include <string>
#include <vector>

namespace mgh {

/// The problems, numbered as in the paper.
enum class Id {
  // In the paper's order, several per line:
  // clang-format off
  rosenbrock = 1, freudenstein_roth, powell_badly_scaled, brown_badly_scaled, beale, jennrich_sampson,
  helical_valley, bard, gaussian, meyer, gulf, box_3d, powell_singular, wood, kowalik_osborne, brown_dennis,
  osborne_1, biggs_exp6, osborne_2, watson, extended_rosenbrock, extended_powell, trigonometric = 26,
  // clang-format on
  broyden_tridiagonal = 30
};

/// A problem: its size, standard start and the minimum f* the paper reports (0 where
/// the paper gives 0; other minima to the paper's 6 digits).
struct Problem {
  Id id;
  std::string name;
  Eigen::Index n, m;
  Eigen::VectorXd x0;
  double f_star;
};

namespace detail {
inline Eigen::VectorXd repeat(std::initializer_list<double> block, Eigen::Index n) {
  Eigen::VectorXd x(n);
  const std::vector<double> b(block);
  for (Eigen::Index i = 0; i < n; ++i) x[i] = b[static_cast<std::size_t>(i) % b.size()];
  return x;
}
}  // namespace detail

/// The 24 problems in the paper's order.
inline const std::vector<Problem>& problems() {
  using V = Eigen::VectorXd;
  static const std::vector<Problem> all = {
      {Id::rosenbrock, "Rosenbrock", 2, 2, V{{-1.2, 1.0}}, 0.0},
      {Id::freudenstein_roth, "Freudenstein-Roth", 2, 2, V{{0.5, -2.0}}, 0.0},
      {Id::powell_badly_scaled, "Powell badly scaled", 2, 2, V{{0.0, 1.0}}, 0.0},
      {Id::brown_badly_scaled, "Brown badly scaled", 2, 3, V{{1.0, 1.0}}, 0.0},
      {Id::beale, "Beale", 2, 3, V{{1.0, 1.0}}, 0.0},
      {Id::jennrich_sampson, "Jennrich-Sampson", 2, 10, V{{0.3, 0.4}}, 124.362},
      {Id::helical_valley, "Helical valley", 3, 3, V{{-1.0, 0.0, 0.0}}, 0.0},
      {Id::bard, "Bard", 3, 15, V{{1.0, 1.0, 1.0}}, 8.21487e-3},
      {Id::gaussian, "Gaussian", 3, 15, V{{0.4, 1.0, 0.0}}, 1.12793e-8},
      {Id::meyer, "Meyer", 3, 16, V{{0.02, 4000.0, 250.0}}, 87.9458},
      {Id::gulf, "Gulf", 3, 99, V{{5.0, 2.5, 0.15}}, 0.0},
      {Id::box_3d, "Box 3-D", 3, 10, V{{0.0, 10.0, 20.0}}, 0.0},
      {Id::powell_singular, "Powell singular", 4, 4, V{{3.0, -1.0, 0.0, 1.0}}, 0.0},
      {Id::wood, "Wood", 4, 6, V{{-3.0, -1.0, -3.0, -1.0}}, 0.0},
      {Id::kowalik_osborne, "Kowalik-Osborne", 4, 11, V{{0.25, 0.39, 0.415, 0.39}}, 3.07505e-4},
      {Id::brown_dennis, "Brown-Dennis", 4, 20, V{{25.0, 5.0, -5.0, -1.0}}, 85822.2},
      {Id::osborne_1, "Osborne 1", 5, 33, V{{0.5, 1.5, -1.0, 0.01, 0.02}}, 5.46489e-5},
      {Id::biggs_exp6, "Biggs EXP6", 6, 13, V{{1.0, 2.0, 1.0, 1.0, 1.0, 1.0}}, 0.0},
      {Id::osborne_2, "Osborne 2", 11, 65, V{{1.3, 0.65, 0.65, 0.7, 0.6, 3.0, 5.0, 7.0, 2.0, 4.5, 5.5}}, 4.01377e-2},
      {Id::watson, "Watson (n = 6)", 6, 31, V::Zero(6), 2.28767e-3},
      {Id::extended_rosenbrock, "Ext. Rosenbrock (n = 1000)", 1000, 1000, detail::repeat({-1.2, 1.0}, 1000), 0.0},
      {Id::extended_powell, "Ext. Powell (n = 1000)", 1000, 1000, detail::repeat({3.0, -1.0, 0.0, 1.0}, 1000), 0.0},
      {Id::trigonometric, "Trigonometric (n = 10)", 10, 10, V::Constant(10, 0.1), 0.0},
      {Id::broyden_tridiagonal, "Broyden tridiagonal (n = 10)", 10, 10, V::Constant(10, -1.0), 0.0},
  };
  return all;
}

namespace detail {

template <class S>
using Vector = Eigen::Matrix<S, Eigen::Dynamic, 1>;

template <class V, class S = typename V::Scalar>
Vector<S> small_problems(Id id, const V& x) {
  using std::exp;
  using std::sqrt;
  switch (id) {
    case Id::rosenbrock:
      return Vector<S>{{S(10.0 * (x[1] - x[0] * x[0])), S(1.0 - x[0])}};
    case Id::freudenstein_roth:
      return Vector<S>{{S(-13.0 + x[0] + ((5.0 - x[1]) * x[1] - 2.0) * x[1]),
                        S(-29.0 + x[0] + ((x[1] + 1.0) * x[1] - 14.0) * x[1])}};
    case Id::powell_badly_scaled:
      return Vector<S>{{S(1e4 * x[0] * x[1] - 1.0), S(exp(-x[0]) + exp(-x[1]) - 1.0001)}};
    case Id::brown_badly_scaled:
      return Vector<S>{{S(x[0] - 1e6), S(x[1] - 2e-6), S(x[0] * x[1] - 2.0)}};
    case Id::beale:
      return Vector<S>{{S(1.5 - x[0] * (1.0 - x[1])), S(2.25 - x[0] * (1.0 - x[1] * x[1])),
                        S(2.625 - x[0] * (1.0 - x[1] * x[1] * x[1]))}};
    case Id::helical_valley: {
      using std::atan;
      const double two_pi = 6.283185307179586;
      const S theta = x[0] > 0.0 ? S(atan(x[1] / x[0]) / two_pi) : S(atan(x[1] / x[0]) / two_pi + 0.5);
      return Vector<S>{{S(10.0 * (x[2] - 10.0 * theta)), S(10.0 * (sqrt(x[0] * x[0] + x[1] * x[1]) - 1.0)), S(x[2])}};
    }
    case Id::powell_singular:
      return Vector<S>{{S(x[0] + 10.0 * x[1]), S(sqrt(5.0) * (x[2] - x[3])),
                        S((x[1] - 2.0 * x[2]) * (x[1] - 2.0 * x[2])), S(sqrt(10.0) * (x[0] - x[3]) * (x[0] - x[3]))}};
    case Id::wood:
      return Vector<S>{{S(10.0 * (x[1] - x[0] * x[0])), S(1.0 - x[0]), S(sqrt(90.0) * (x[3] - x[2] * x[2])),
                        S(1.0 - x[2]), S(sqrt(10.0) * (x[1] + x[3] - 2.0)), S((x[1] - x[3]) / sqrt(10.0))}};
    default:
      return Vector<S>();
  }
}

template <class V, class S = typename V::Scalar>
Vector<S> data_fits(Id id, const V& x) {
  using std::exp;
  static const double bard[15] = {0.14, 0.18, 0.22, 0.25, 0.29, 0.32, 0.35, 0.39,
                                  0.37, 0.58, 0.73, 0.96, 1.34, 2.10, 4.39};
  static const double gauss[15] = {0.0009, 0.0044, 0.0175, 0.0540, 0.1295, 0.2420, 0.3521, 0.3989,
                                   0.3521, 0.2420, 0.1295, 0.0540, 0.0175, 0.0044, 0.0009};
  static const double meyer[16] = {34780, 28610, 23650, 19630, 16370, 13720, 11540, 9744,
                                   8261,  7030,  6005,  5147,  4427,  3820,  3307,  2872};
  Vector<S> r;
  switch (id) {
    case Id::jennrich_sampson:
      r.resize(10);
      for (int i = 1; i <= 10; ++i) r[i - 1] = S(2.0 + 2.0 * i - (exp(double(i) * x[0]) + exp(double(i) * x[1])));
      return r;
    case Id::bard:
      r.resize(15);
      for (int i = 1; i <= 15; ++i) {
        const double u = i, v = 16 - i, w = std::min(u, v);
        r[i - 1] = S(bard[i - 1] - (x[0] + u / (v * x[1] + w * x[2])));
      }
      return r;
    case Id::gaussian:
      r.resize(15);
      for (int i = 1; i <= 15; ++i) {
        const double t = (8.0 - i) / 2.0;
        r[i - 1] = S(x[0] * exp(-x[1] * (t - x[2]) * (t - x[2]) / 2.0) - gauss[i - 1]);
      }
      return r;
    case Id::meyer:
      r.resize(16);
      for (int i = 1; i <= 16; ++i) r[i - 1] = S(x[0] * exp(x[1] / (45.0 + 5.0 * i + x[2])) - meyer[i - 1]);
      return r;
    case Id::gulf:
      r.resize(99);
      for (int i = 1; i <= 99; ++i) {
        using std::abs;
        using std::log;
        using std::pow;
        const double t = i / 100.0, y = 25.0 + pow(-50.0 * log(t), 2.0 / 3.0);
        r[i - 1] = S(exp(-pow(abs(y - x[1]), x[2]) / x[0]) - t);
      }
      return r;
    case Id::box_3d:
      r.resize(10);
      for (int i = 1; i <= 10; ++i) {
        const double t = 0.1 * i;
        r[i - 1] = S(exp(-t * x[0]) - exp(-t * x[1]) - x[2] * (std::exp(-t) - std::exp(-10.0 * t)));
      }
      return r;
    default:
      return r;
  }
}

template <class V, class S = typename V::Scalar>
Vector<S> more_data_fits(Id id, const V& x) {
  using std::cos;
  using std::exp;
  using std::sin;
  static const double ky[11] = {0.1957, 0.1947, 0.1735, 0.1600, 0.0844, 0.0627, 0.0456, 0.0342, 0.0323, 0.0235, 0.0246};
  static const double ku[11] = {4.0, 2.0, 1.0, 0.5, 0.25, 0.167, 0.125, 0.1, 0.0833, 0.0714, 0.0625};
  static const double o1[33] = {0.844, 0.908, 0.932, 0.936, 0.925, 0.908, 0.881, 0.850, 0.818, 0.784, 0.751,
                                0.718, 0.685, 0.658, 0.628, 0.603, 0.580, 0.558, 0.538, 0.522, 0.506, 0.490,
                                0.478, 0.467, 0.457, 0.448, 0.438, 0.431, 0.424, 0.420, 0.414, 0.411, 0.406};
  Vector<S> r;
  switch (id) {
    case Id::kowalik_osborne:
      r.resize(11);
      for (int i = 0; i < 11; ++i) {
        const double u = ku[i];
        r[i] = S(ky[i] - x[0] * (u * u + u * x[1]) / (u * u + u * x[2] + x[3]));
      }
      return r;
    case Id::brown_dennis:
      r.resize(20);
      for (int i = 1; i <= 20; ++i) {
        const double t = i / 5.0;
        const S a = S(x[0] + t * x[1] - std::exp(t)), b = S(x[2] + x[3] * std::sin(t) - std::cos(t));
        r[i - 1] = S(a * a + b * b);
      }
      return r;
    case Id::osborne_1:
      r.resize(33);
      for (int i = 0; i < 33; ++i) {
        const double t = 10.0 * i;
        r[i] = S(o1[i] - (x[0] + x[1] * exp(-t * x[3]) + x[2] * exp(-t * x[4])));
      }
      return r;
    case Id::biggs_exp6:
      r.resize(13);
      for (int i = 1; i <= 13; ++i) {
        const double t = 0.1 * i, y = std::exp(-t) - 5.0 * std::exp(-10.0 * t) + 3.0 * std::exp(-4.0 * t);
        r[i - 1] = S(x[2] * exp(-t * x[0]) - x[3] * exp(-t * x[1]) + x[5] * exp(-t * x[4]) - y);
      }
      return r;
    default:
      return r;
  }
}

template <class V, class S = typename V::Scalar>
Vector<S> osborne_2(const V& x) {
  using std::exp;
  static const double y[65] = {1.366, 1.191, 1.112, 1.013, 0.991, 0.885, 0.831, 0.847, 0.786, 0.725, 0.746,
                               0.679, 0.608, 0.655, 0.616, 0.606, 0.602, 0.626, 0.651, 0.724, 0.649, 0.649,
                               0.694, 0.644, 0.624, 0.661, 0.612, 0.558, 0.533, 0.495, 0.500, 0.423, 0.395,
                               0.375, 0.372, 0.391, 0.396, 0.405, 0.428, 0.429, 0.523, 0.562, 0.607, 0.653,
                               0.672, 0.708, 0.633, 0.668, 0.645, 0.632, 0.591, 0.559, 0.597, 0.625, 0.739,
                               0.710, 0.729, 0.720, 0.636, 0.581, 0.428, 0.292, 0.162, 0.098, 0.054};
  Vector<S> r(65);
  for (int i = 0; i < 65; ++i) {
    const double t = i / 10.0;
    r[i] = S(y[i] - (x[0] * exp(-t * x[4]) + x[1] * exp(-(t - x[8]) * (t - x[8]) * x[5]) +
                     x[2] * exp(-(t - x[9]) * (t - x[9]) * x[6]) + x[3] * exp(-(t - x[10]) * (t - x[10]) * x[7])));
  }
  return r;
}

template <class V, class S = typename V::Scalar>
Vector<S> watson(const V& x) {
  const Eigen::Index n = x.size();
  Vector<S> r(31);
  for (int i = 1; i <= 29; ++i) {
    const double t = i / 29.0;
    S sum1 = S(0.0), sum2 = S(x[0]);
    double power = 1.0;  // t^(j - 2) for j = 2, ...
    for (Eigen::Index j = 1; j < n; ++j) {
      sum1 += double(j) * power * x[j];
      power *= t;
      sum2 += power * x[j];
    }
    r[i - 1] = S(sum1 - sum2 * sum2 - 1.0);
  }
  r[29] = S(x[0]);
  r[30] = S(x[1] - x[0] * x[0] - 1.0);
  return r;
}

template <class V, class S = typename V::Scalar>
Vector<S> variable_dimension(Id id, const V& x) {
  using std::cos;
  using std::sin;
  using std::sqrt;
  const Eigen::Index n = x.size();
  Vector<S> r(n);
  switch (id) {
    case Id::extended_rosenbrock:
      for (Eigen::Index i = 0; i + 1 < n; i += 2) {
        r[i] = S(10.0 * (x[i + 1] - x[i] * x[i]));
        r[i + 1] = S(1.0 - x[i]);
      }
      return r;
    case Id::extended_powell:
      for (Eigen::Index i = 0; i + 3 < n; i += 4) {
        r[i] = S(x[i] + 10.0 * x[i + 1]);
        r[i + 1] = S(sqrt(5.0) * (x[i + 2] - x[i + 3]));
        r[i + 2] = S((x[i + 1] - 2.0 * x[i + 2]) * (x[i + 1] - 2.0 * x[i + 2]));
        r[i + 3] = S(sqrt(10.0) * (x[i] - x[i + 3]) * (x[i] - x[i + 3]));
      }
      return r;
    case Id::trigonometric: {
      S cosines = S(0.0);
      for (Eigen::Index j = 0; j < n; ++j) cosines += cos(x[j]);
      for (Eigen::Index i = 0; i < n; ++i)
        r[i] = S(double(n) - cosines + double(i + 1) * (1.0 - cos(x[i])) - sin(x[i]));
      return r;
    }
    case Id::broyden_tridiagonal:
      for (Eigen::Index i = 0; i < n; ++i) {
        S ri = S((3.0 - 2.0 * x[i]) * x[i] + 1.0);
        if (i > 0) ri -= x[i - 1];
        if (i + 1 < n) ri -= 2.0 * x[i + 1];
        r[i] = ri;
      }
      return r;
    default:
      return Vector<S>();
  }
}

}  // namespace detail

/// The residual vector r(x) of problem `id` (generic in the scalar of x).
template <class V>
Eigen::Matrix<typename V::Scalar, Eigen::Dynamic, 1> residuals(Id id, const V& x) {
  switch (id) {
    case Id::osborne_2:
      return detail::osborne_2(x);
    case Id::watson:
      return detail::watson(x);
    case Id::extended_rosenbrock:
    case Id::extended_powell:
    case Id::trigonometric:
    case Id::broyden_tridiagonal:
      return detail::variable_dimension(id, x);
    case Id::kowalik_osborne:
    case Id::brown_dennis:
    case Id::osborne_1:
    case Id::biggs_exp6:
      return detail::more_data_fits(id, x);
    case Id::jennrich_sampson:
    case Id::bard:
    case Id::gaussian:
    case Id::meyer:
    case Id::gulf:
    case Id::box_3d:
      return detail::data_fits(id, x);
    default:
      return detail::small_problems(id, x);
  }
}

/// f(x) = sum_i r_i(x)^2.
template <class V>
typename V::Scalar sum_of_squares(Id id, const V& x) {
  using S = typename V::Scalar;
  const auto r = residuals(id, x);
  S f = S(0.0);
  for (Eigen::Index i = 0; i < r.size(); ++i) f += r[i] * r[i];
  return f;
}

}  // namespace mgh
