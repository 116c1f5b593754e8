// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// The NIST StRD nonlinear regression problems of examples/data/nist_strd (see its
/// README): a reader for NIST's .dat files and the 19 models, written once as generic
/// residual functions r_i(b) = y_i - model(x_i; b) for plain numbers and every Var.
/// Shared by tests/optim/nist.test.cpp and benchmarks/solvers/. Scoring as NIST does:
/// the log relative error, LRE = -log10(|estimate - certified| / |certified|), capped at
/// the 11 digits the certified values carry.

#include <Eigen/Core>
#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace nist {

/// One NIST .dat file: two starts, certified values, observations.
struct Problem {
  std::string name;                ///< "Misra1a", ...
  std::string difficulty;          ///< "Lower", "Average"
  Eigen::VectorXd start1, start2;  ///< the two starting points
  Eigen::VectorXd certified;       ///< certified parameters
  Eigen::VectorXd certified_sd;    ///< their certified standard deviations
  double certified_rss = 0;        ///< certified residual sum of squares
  Eigen::VectorXd y;               ///< responses
  Eigen::MatrixXd x;               ///< predictors, one row per observation (1 or 2 columns)
  Eigen::Index parameters() const { return certified.size(); }
};

/// The 19 problems in NIST's order (lower difficulty, then average).
inline const std::vector<std::string>& names() {
  static const std::vector<std::string> all = {
      "Misra1a", "Chwirut2", "Chwirut1", "Lanczos3", "Gauss1", "Gauss2",  "DanWood", "Misra1b",  "Kirby2", "Hahn1",
      "Nelson",  "MGH17",    "Lanczos1", "Lanczos2", "Gauss3", "Misra1c", "Misra1d", "Roszman1", "ENSO"};
  return all;
}

namespace detail {
inline std::vector<double> numbers_in(const std::string& line) {
  std::vector<double> out;
  std::istringstream in(line);
  std::string word;
  while (in >> word) {
    try {
      std::size_t used = 0;
      const double v = std::stod(word, &used);
      if (used == word.size()) out.push_back(v);
    } catch (const std::exception&) {
    }
  }
  return out;
}
/// "(lines A to B)" after `label` in the header.
inline std::pair<int, int> line_range(const std::vector<std::string>& lines, const std::string& label) {
  for (const auto& l : lines) {
    const auto at = l.find(label);
    if (at == std::string::npos || l.find("lines", at) == std::string::npos) continue;
    std::string tail = l.substr(l.find("lines", at) + 5);
    std::replace(tail.begin(), tail.end(), ')', ' ');
    const auto v = numbers_in(tail);
    if (v.size() >= 2) return {static_cast<int>(v[0]), static_cast<int>(v[1])};
  }
  throw std::runtime_error("nist: no '" + label + "' line range in the header");
}
}  // namespace detail

/// Reads a NIST StRD .dat file (throws std::runtime_error if it is not one).
inline Problem read(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("nist: cannot open " + path);
  std::vector<std::string> lines;
  for (std::string l; std::getline(in, l);) lines.push_back(l);
  Problem p;
  const auto slash = path.find_last_of('/');
  p.name = path.substr(slash == std::string::npos ? 0 : slash + 1);
  p.name = p.name.substr(0, p.name.find('.'));
  const auto [s0, s1] = detail::line_range(lines, "Starting Values");
  const auto [c0, c1] = detail::line_range(lines, "Certified Values");
  const auto [d0, d1] = detail::line_range(lines, "Data");
  const int k = s1 - s0 + 1;
  p.start1.resize(k), p.start2.resize(k), p.certified.resize(k), p.certified_sd.resize(k);
  for (int i = 0; i < k; ++i) {
    const auto v = detail::numbers_in(lines.at(static_cast<std::size_t>(s0 - 1 + i)));
    if (v.size() != 4) throw std::runtime_error("nist: " + path + ": bad parameter line " + std::to_string(s0 + i));
    p.start1[i] = v[0], p.start2[i] = v[1], p.certified[i] = v[2], p.certified_sd[i] = v[3];
  }
  for (int i = c0; i <= c1; ++i)
    if (lines.at(static_cast<std::size_t>(i - 1)).find("Residual Sum of Squares") != std::string::npos)
      p.certified_rss = detail::numbers_in(lines[static_cast<std::size_t>(i - 1)]).at(0);
  for (const auto& l : lines)
    if (l.find("Level of Difficulty") != std::string::npos)
      p.difficulty = l.find("Lower") != std::string::npos    ? "Lower"
                     : l.find("Higher") != std::string::npos ? "Higher"
                                                             : "Average";
  const int rows = d1 - d0 + 1;
  const auto first = detail::numbers_in(lines.at(static_cast<std::size_t>(d0 - 1)));
  p.y.resize(rows);
  p.x.resize(rows, static_cast<Eigen::Index>(first.size()) - 1);
  for (int i = 0; i < rows; ++i) {
    const auto v = detail::numbers_in(lines.at(static_cast<std::size_t>(d0 - 1 + i)));
    if (v.size() != first.size())
      throw std::runtime_error("nist: " + path + ": bad data line " + std::to_string(d0 + i));
    p.y[i] = v[0];
    for (std::size_t j = 1; j < v.size(); ++j) p.x(i, static_cast<Eigen::Index>(j) - 1) = v[j];
  }
  return p;
}

/// model(x_i; b) of problem `name` for observation i (generic in the scalar of b).
template <class V>
typename V::Scalar model(const std::string& name, const V& b, const Eigen::MatrixXd& x, Eigen::Index i) {
  using S = typename V::Scalar;
  using std::atan;
  using std::cos;
  using std::exp;
  using std::pow;
  using std::sin;
  const double t = x(i, 0), pi = 3.141592653589793238462643383279;
  if (name == "Misra1a") return S(b[0] * (1.0 - exp(-b[1] * t)));
  if (name == "Misra1b") return S(b[0] * (1.0 - pow(1.0 + b[1] * t / 2.0, -2.0)));
  if (name == "Misra1c") return S(b[0] * (1.0 - pow(1.0 + 2.0 * b[1] * t, -0.5)));
  if (name == "Misra1d") return S(b[0] * b[1] * t / (1.0 + b[1] * t));
  if (name == "Chwirut1" || name == "Chwirut2") return S(exp(-b[0] * t) / (b[1] + b[2] * t));
  if (name == "DanWood") return S(b[0] * pow(S(t), b[1]));
  if (name == "Lanczos1" || name == "Lanczos2" || name == "Lanczos3")
    return S(b[0] * exp(-b[1] * t) + b[2] * exp(-b[3] * t) + b[4] * exp(-b[5] * t));
  if (name == "Gauss1" || name == "Gauss2" || name == "Gauss3")
    return S(b[0] * exp(-b[1] * t) + b[2] * exp(-(t - b[3]) * (t - b[3]) / (b[4] * b[4])) +
             b[5] * exp(-(t - b[6]) * (t - b[6]) / (b[7] * b[7])));
  if (name == "Kirby2") return S((b[0] + b[1] * t + b[2] * t * t) / (1.0 + b[3] * t + b[4] * t * t));
  if (name == "Hahn1")
    return S((b[0] + b[1] * t + b[2] * t * t + b[3] * t * t * t) / (1.0 + b[4] * t + b[5] * t * t + b[6] * t * t * t));
  if (name == "Nelson") return S(b[0] - b[1] * x(i, 0) * exp(-b[2] * x(i, 1)));  // models log y
  if (name == "MGH17") return S(b[0] + b[1] * exp(-t * b[3]) + b[2] * exp(-t * b[4]));
  if (name == "Roszman1") return S(b[0] - b[1] * t - atan(b[2] / (t - b[3])) / pi);
  if (name == "ENSO") {
    const double w = 2.0 * pi * t;
    return S(b[0] + b[1] * cos(w / 12.0) + b[2] * sin(w / 12.0) + b[4] * cos(w / b[3]) + b[5] * sin(w / b[3]) +
             b[7] * cos(w / b[6]) + b[8] * sin(w / b[6]));
  }
  throw std::invalid_argument("nist: no model for " + name);
}

/// The residuals r_i = y_i - model(x_i; b) (Nelson: log y_i - model).
template <class V>
Eigen::Matrix<typename V::Scalar, Eigen::Dynamic, 1> residuals(const Problem& p, const V& b) {
  using S = typename V::Scalar;
  Eigen::Matrix<S, Eigen::Dynamic, 1> r(p.y.size());
  const bool log_response = p.name == "Nelson";
  for (Eigen::Index i = 0; i < p.y.size(); ++i)
    r[i] = S((log_response ? std::log(p.y[i]) : p.y[i]) - model(p.name, b, p.x, i));
  return r;
}

/// NIST's score: significant digits of `estimate` against `certified`, in [0, 11].
inline double lre(double estimate, double certified) {
  if (!std::isfinite(estimate)) return 0.0;
  if (estimate == certified) return 11.0;
  const double e = certified != 0 ? std::abs(estimate - certified) / std::abs(certified) : std::abs(estimate);
  return std::clamp(-std::log10(e), 0.0, 11.0);
}

/// The smallest LRE over the parameters.
inline double parameter_digits(const Problem& p, const Eigen::VectorXd& b) {
  double worst = 11.0;
  for (Eigen::Index j = 0; j < b.size(); ++j) worst = std::min(worst, lre(b[j], p.certified[j]));
  return worst;
}

/// The smallest LRE over the parameters and the residual sum of squares.
inline double digits(const Problem& p, const Eigen::VectorXd& b, double rss) {
  return std::min(parameter_digits(p, b), lre(rss, p.certified_rss));
}

}  // namespace nist
