// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// optim/parameters.hpp: Parameters (named blocks laid out column-major one after another
// in one flat vector; lookups, views, checked assign/set that change nothing on error,
// the decay mask, from_layout's checks) and BoundParameters (one statement binds the flat
// vector, block views share its slots, gradient_into against closed forms and central
// differences).

#include <cmath>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace parameters_tests {

namespace optim = tapegrad::optim;
using Eigen::VectorXd;
using tapegrad::MatrixX;
using tapegrad::Tape;
using tapegrad::Var;
using Block = optim::Parameters<double>::Block;

// W (2x3, decay), b (2x1, no decay), s (1x1, no decay), V (3x2, decay): entries chosen
// so that every position in the flat vector holds a different value.
MatrixX<double> w_init() { return MatrixX<double>{{0.5, -1.0, 1.5}, {2.0, -0.25, 0.75}}; }
MatrixX<double> b_init() { return MatrixX<double>{{0.1}, {-0.2}}; }
MatrixX<double> s_init() { return MatrixX<double>::Constant(1, 1, 0.3); }
MatrixX<double> v_init() { return MatrixX<double>{{1.25, -0.5}, {0.125, 0.625}, {-1.75, 0.875}}; }

optim::Parameters<double> four_blocks() {
  optim::Parameters<double> p;
  p.add("W", w_init());
  p.add("b", b_init(), false);
  p.add("s", s_init(), false);
  p.add("V", v_init());
  return p;
}

// The flat vector four_blocks() must hold: each block column-major, one after another.
VectorXd four_blocks_flat() {
  return VectorXd{{0.5, 2.0, -1.0, -0.25, 1.5, 0.75,          // W by columns
                   0.1, -0.2,                                 // b
                   0.3,                                       // s
                   1.25, 0.125, -1.75, -0.5, 0.625, 0.875}};  // V by columns
}

// Everything a failed call must leave as it was.
struct Snapshot {
  VectorXd values;
  std::vector<Block> blocks;
};
Snapshot snapshot(const optim::Parameters<double>& p) {
  Snapshot s{p.values(), {}};
  for (std::size_t i = 0; i < p.block_count(); ++i) s.blocks.push_back(p.info(i));
  return s;
}
bool unchanged(const optim::Parameters<double>& p, const Snapshot& s) {
  if (p.values().size() != s.values.size() || p.values() != s.values || p.block_count() != s.blocks.size())
    return false;
  for (std::size_t i = 0; i < s.blocks.size(); ++i) {
    const Block& a = p.info(i);
    const Block& b = s.blocks[i];
    if (a.name != b.name || a.rows != b.rows || a.cols != b.cols || a.offset != b.offset || a.decay != b.decay)
      return false;
  }
  return true;
}

// ---- the loss used for the gradients ----------------------------------------------------
// With W (2x3), b (2), s (1x1), V (3x2), fixed x (3) and targets t (2):
//   y = W x + b,  L = sum_i (y_i - t_i)^2 + 1/2 sum W_ij^2 + exp(s) b_0 + sum_ij V_ij^3
// dL/dW_ij = 2 (y_i - t_i) x_j + W_ij, dL/db_i = 2 (y_i - t_i) + [i = 0] exp(s),
// dL/ds = exp(s) b_0, dL/dV_ij = 3 V_ij^2.
const double kX[3] = {0.7, -1.1, 0.4};
const double kT[2] = {0.25, -0.5};

// The loss on the tape, from the block views (scalar entries of the MatrixVars).
Var<double> taped_loss(const optim::BoundParameters<double>& bound) {
  const tapegrad::MatrixVar<double>& W = bound[0];
  const tapegrad::MatrixVar<double>& b = bound[1];
  const tapegrad::MatrixVar<double>& s = bound[2];
  const tapegrad::MatrixVar<double>& V = bound[3];
  Var<double> L = 0.0;
  for (Eigen::Index i = 0; i < 2; ++i) {
    Var<double> y = b(i, 0);
    for (Eigen::Index j = 0; j < 3; ++j) y += W(i, j) * kX[j];
    L += (y - kT[i]) * (y - kT[i]);
  }
  for (Eigen::Index j = 0; j < 3; ++j)
    for (Eigen::Index i = 0; i < 2; ++i) L += 0.5 * W(i, j) * W(i, j);
  L += exp(s(0, 0)) * b(0, 0);
  for (Eigen::Index j = 0; j < 2; ++j)
    for (Eigen::Index i = 0; i < 3; ++i) L += V(i, j) * V(i, j) * V(i, j);
  return L;
}

// The same loss in long double from a flat vector (for the central differences), read
// through the documented layout: W at 0, b at 6, s at 8, V at 9, each column-major.
long double plain_loss(const std::vector<long double>& w) {
  auto W = [&](int i, int j) { return w[std::size_t(i + 2 * j)]; };
  auto V = [&](int i, int j) { return w[std::size_t(9 + i + 3 * j)]; };
  long double L = 0;
  for (int i = 0; i < 2; ++i) {
    long double y = w[std::size_t(6 + i)];
    for (int j = 0; j < 3; ++j) y += W(i, j) * kX[j];
    L += (y - kT[i]) * (y - kT[i]);
  }
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 2; ++i) L += 0.5L * W(i, j) * W(i, j);
  L += std::exp(w[8]) * w[6];
  for (int j = 0; j < 2; ++j)
    for (int i = 0; i < 3; ++i) L += V(i, j) * V(i, j) * V(i, j);
  return L;
}

// The closed-form gradient, flat, in the same layout.
VectorXd closed_form_gradient(const optim::Parameters<double>& p) {
  const auto W = p["W"], b = p["b"], s = p["s"], V = p["V"];
  VectorXd g(15);
  double r[2];
  for (int i = 0; i < 2; ++i) {
    double y = b(i, 0);
    for (int j = 0; j < 3; ++j) y += W(i, j) * kX[j];
    r[i] = y - kT[i];
  }
  for (int j = 0; j < 3; ++j)
    for (int i = 0; i < 2; ++i) g[i + 2 * j] = 2 * r[i] * kX[j] + W(i, j);
  g[6] = 2 * r[0] + std::exp(s(0, 0));
  g[7] = 2 * r[1];
  g[8] = std::exp(s(0, 0)) * b(0, 0);
  for (int j = 0; j < 2; ++j)
    for (int i = 0; i < 3; ++i) g[9 + i + 3 * j] = 3 * V(i, j) * V(i, j);
  return g;
}

// ---- Parameters --------------------------------------------------------------------------

TEST_CASE("Parameters::add lays blocks out one after another, each column-major", "[optim][parameters]") {
  optim::Parameters<double> p;
  CHECK(p.block_count() == 0);
  CHECK(p.size() == 0);
  CHECK(p.add("W", w_init()) == 0);
  CHECK(p.add("b", b_init(), false) == 1);
  CHECK(p.add("s", s_init(), false) == 2);
  CHECK(p.add("V", v_init()) == 3);
  CHECK(p.block_count() == 4);
  CHECK(p.size() == 15);
  CHECK(p.values() == four_blocks_flat());
  const std::string names[] = {"W", "b", "s", "V"};
  const Eigen::Index rows[] = {2, 2, 1, 3}, cols[] = {3, 1, 1, 2}, offsets[] = {0, 6, 8, 9};
  const bool decay[] = {true, false, false, true};
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("block " << i);
    const Block& b = p.info(i);
    CHECK(b.name == names[i]);
    CHECK(b.rows == rows[i]);
    CHECK(b.cols == cols[i]);
    CHECK(b.offset == offsets[i]);
    CHECK(b.size() == rows[i] * cols[i]);
    CHECK(b.decay == decay[i]);
    CHECK(p.index(names[i]) == i);
  }
  CHECK_THROWS_AS(p.info(4), std::out_of_range);
  CHECK_THROWS_AS(p.index("w"), std::invalid_argument);  // names are case-sensitive
  CHECK_THROWS_WITH(p.index("w"), "tapegrad: Parameters: no block named 'w'");
  CHECK_THROWS_WITH(p.index(""), "tapegrad: Parameters: no block named ''");
}

TEST_CASE("Parameters: blocks by index and by name are views into the flat vector", "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  CHECK(MatrixX<double>(p[0]) == w_init());
  CHECK(MatrixX<double>(p[std::size_t{3}]) == v_init());
  CHECK(MatrixX<double>(p["b"]) == b_init());
  CHECK(MatrixX<double>(p["s"]) == s_init());
  CHECK(p["V"].rows() == 3);
  CHECK(p["V"].cols() == 2);
  // The views point into the flat vector at the block's offset.
  CHECK(p["W"].data() == p.values().data());
  CHECK(p["b"].data() == p.values().data() + 6);
  CHECK(p[3].data() == p.values().data() + 9);
  // Writing through a view changes the flat vector at offset + i + j rows.
  p["V"](2, 1) = 42.0;
  CHECK(p.values()[9 + 2 + 3 * 1] == 42.0);
  p[0](1, 0) = -7.0;
  CHECK(p.values()[1] == -7.0);
  // ... and writing the flat vector changes the views.
  p.values()[7] = 3.5;
  CHECK(p["b"](1, 0) == 3.5);
  CHECK(p.values().size() == 15);
  // The const overloads see the same.
  const optim::Parameters<double>& cp = p;
  CHECK(cp["V"](2, 1) == 42.0);
  CHECK(cp[1](1, 0) == 3.5);
  CHECK(cp[0].data() == cp.values().data());
  CHECK_THROWS_AS(p[4], std::out_of_range);
  CHECK_THROWS_AS(cp[4], std::out_of_range);
  CHECK_THROWS_WITH(p["nope"], "tapegrad: Parameters: no block named 'nope'");
  CHECK_THROWS_WITH(cp["nope"], "tapegrad: Parameters: no block named 'nope'");
}

TEST_CASE("Parameters::add refuses empty blocks and repeated names, changing nothing", "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  const Snapshot before = snapshot(p);
  CHECK_THROWS_AS(p.add("E", MatrixX<double>(0, 3)), std::invalid_argument);
  CHECK_THROWS_WITH(p.add("E", MatrixX<double>(0, 3)),
                    "tapegrad: Parameters::add: block 'E' is 0x3; expected a non-empty matrix");
  CHECK_THROWS_WITH(p.add("E", MatrixX<double>(2, 0)),
                    "tapegrad: Parameters::add: block 'E' is 2x0; expected a non-empty matrix");
  CHECK_THROWS_WITH(p.add("W", MatrixX<double>::Ones(1, 1)),
                    "tapegrad: Parameters::add: a block named 'W' exists already");
  CHECK_THROWS_WITH(p.add("V", MatrixX<double>::Ones(3, 2), false),
                    "tapegrad: Parameters::add: a block named 'V' exists already");
  CHECK(unchanged(p, before));
  // A new name after the failures lands right after the last block.
  CHECK(p.add("c", MatrixX<double>::Constant(1, 2, 9.0)) == 4);
  CHECK(p.info(4).offset == 15);
  CHECK(p.size() == 17);
  CHECK(p.values().head(15) == four_blocks_flat());
  CHECK(p.values().tail(2) == VectorXd::Constant(2, 9.0));
}

TEST_CASE("Parameters::assign replaces all values, or refuses and changes nothing", "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  VectorXd w(15);
  for (Eigen::Index k = 0; k < 15; ++k) w[k] = 0.1 * double(k) - 0.5;
  p.assign(w);
  CHECK(p.values() == w);
  CHECK(p["W"](1, 2) == w[1 + 2 * 2]);  // the blocks see the new values
  CHECK(p["V"](0, 1) == w[9 + 3]);
  CHECK(p.info(3).offset == 9);  // the layout is unchanged

  const Snapshot before = snapshot(p);
  CHECK_THROWS_AS(p.assign(VectorXd::Zero(14)), std::invalid_argument);
  CHECK_THROWS_WITH(p.assign(VectorXd::Zero(14)),
                    "tapegrad: Parameters::assign: 14 values for a model with 15 parameters");
  CHECK_THROWS_WITH(p.assign(VectorXd::Zero(16)),
                    "tapegrad: Parameters::assign: 16 values for a model with 15 parameters");
  CHECK_THROWS_WITH(p.assign(VectorXd()), "tapegrad: Parameters::assign: 0 values for a model with 15 parameters");
  VectorXd bad = VectorXd::Ones(15);
  bad[4] = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(p.assign(bad), "tapegrad: Parameters::assign: value (4, 0) is NaN; expected a finite number");
  bad[4] = 1.0;
  bad[12] = -std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(p.assign(bad), "tapegrad: Parameters::assign: value (12, 0) is -Inf; expected a finite number");
  CHECK(unchanged(p, before));  // no partial write: the entries before the bad one too
}

TEST_CASE("Parameters::set replaces one block, or refuses and changes nothing", "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  const MatrixX<double> V2{{1, 2}, {3, 4}, {5, 6}};
  p.set("V", V2);
  CHECK(MatrixX<double>(p["V"]) == V2);
  CHECK(p.values().tail(6) == VectorXd{{1, 3, 5, 2, 4, 6}});  // column-major
  CHECK(p.values().head(9) == four_blocks_flat().head(9));    // the other blocks untouched

  const Snapshot before = snapshot(p);
  CHECK_THROWS_AS(p.set("W", MatrixX<double>::Zero(3, 2)), std::invalid_argument);
  // Same number of entries, other shape: refused.
  CHECK_THROWS_WITH(p.set("W", MatrixX<double>::Zero(3, 2)), "tapegrad: Parameters::set: block 'W' is 2x3, given 3x2");
  CHECK_THROWS_WITH(p.set("W", MatrixX<double>::Zero(6, 1)), "tapegrad: Parameters::set: block 'W' is 2x3, given 6x1");
  CHECK_THROWS_WITH(p.set("s", MatrixX<double>::Zero(1, 2)), "tapegrad: Parameters::set: block 's' is 1x1, given 1x2");
  CHECK_THROWS_WITH(p.set("Q", MatrixX<double>::Zero(2, 3)), "tapegrad: Parameters: no block named 'Q'");
  MatrixX<double> bad = MatrixX<double>::Ones(2, 3);
  bad(1, 2) = std::numeric_limits<double>::infinity();
  CHECK_THROWS_WITH(p.set("W", bad), "tapegrad: Parameters::set: 'W' value (1, 2) is Inf; expected a finite number");
  bad(1, 2) = 1.0;
  bad(0, 1) = std::numeric_limits<double>::quiet_NaN();
  CHECK_THROWS_WITH(p.set("W", bad), "tapegrad: Parameters::set: 'W' value (0, 1) is NaN; expected a finite number");
  CHECK(unchanged(p, before));
}

TEST_CASE("Parameters::decay_mask marks the entries of the blocks weight decay applies to", "[optim][parameters]") {
  const optim::Parameters<double> p = four_blocks();
  const VectorXd mask = p.decay_mask();
  const VectorXd expected{{1, 1, 1, 1, 1, 1, 0, 0, 0, 1, 1, 1, 1, 1, 1}};  // W, b, s, V
  CHECK(mask == expected);
  // Applied as in weight decay: exactly the decayed entries survive.
  const VectorXd decayed = p.decay_mask().cwiseProduct(p.values());
  CHECK(decayed.segment(6, 3).isZero(0));
  CHECK(decayed.head(6) == p.values().head(6));
  CHECK(decayed.tail(6) == p.values().tail(6));
  CHECK(optim::Parameters<double>().decay_mask().size() == 0);
  optim::Parameters<double> none;
  none.add("b", b_init(), false);
  CHECK(none.decay_mask().isZero(0));
}

TEST_CASE("Parameters::from_layout accepts a layout that tiles the values", "[optim][parameters]") {
  const optim::Parameters<double> p = four_blocks();
  std::vector<Block> layout;
  for (std::size_t i = 0; i < p.block_count(); ++i) layout.push_back(p.info(i));
  const optim::Parameters<double> q = optim::Parameters<double>::from_layout(layout, p.values());
  CHECK(unchanged(q, snapshot(p)));  // the same blocks, values and decay flags
  CHECK(MatrixX<double>(q["V"]) == v_init());
  CHECK(q.index("s") == 2);
  CHECK(q.decay_mask() == p.decay_mask());
  // Any shapes that tile the values in order: here 15 values as 3x5.
  const optim::Parameters<double> r =
      optim::Parameters<double>::from_layout({Block{"A", 3, 5, 0, false}}, four_blocks_flat());
  CHECK(r.block_count() == 1);
  CHECK(r["A"](2, 4) == four_blocks_flat()[14]);
  CHECK(r["A"](1, 1) == four_blocks_flat()[4]);
  CHECK_FALSE(r.info(0).decay);
  // No blocks and no values: an empty model.
  const optim::Parameters<double> e = optim::Parameters<double>::from_layout({}, VectorXd());
  CHECK(e.block_count() == 0);
  CHECK(e.size() == 0);
}

TEST_CASE("Parameters::from_layout refuses gaps, overlaps, empty blocks, repeated names, other sizes",
          "[optim][parameters]") {
  using P = optim::Parameters<double>;
  const VectorXd v9 = VectorXd::LinSpaced(9, 1.0, 9.0);
  const auto layout = [](Eigen::Index b_offset, Eigen::Index b_rows, const std::string& b_name) {
    return std::vector<Block>{Block{"W", 2, 3, 0, true}, Block{b_name, b_rows, 3, b_offset, false}};
  };
  CHECK_NOTHROW(P::from_layout(layout(6, 1, "b"), v9));
  CHECK_THROWS_AS(P::from_layout(layout(7, 1, "b"), v9), std::invalid_argument);
  // A gap between the blocks.
  CHECK_THROWS_WITH(
      P::from_layout(layout(7, 1, "b"), v9),
      "tapegrad: Parameters::from_layout: block 'b' is 1x3 at offset 7; expected a non-empty block at offset 6");
  // An overlap.
  CHECK_THROWS_WITH(
      P::from_layout(layout(5, 1, "b"), v9),
      "tapegrad: Parameters::from_layout: block 'b' is 1x3 at offset 5; expected a non-empty block at offset 6");
  // The first block not at 0.
  CHECK_THROWS_WITH(
      P::from_layout({Block{"W", 3, 3, 1, true}}, v9),
      "tapegrad: Parameters::from_layout: block 'W' is 3x3 at offset 1; expected a non-empty block at offset 0");
  // Empty and negative shapes.
  CHECK_THROWS_WITH(
      P::from_layout(layout(6, 0, "b"), VectorXd::Zero(6)),
      "tapegrad: Parameters::from_layout: block 'b' is 0x3 at offset 6; expected a non-empty block at offset 6");
  CHECK_THROWS_WITH(
      P::from_layout({Block{"W", 2, -3, 0, true}}, VectorXd()),
      "tapegrad: Parameters::from_layout: block 'W' is 2x-3 at offset 0; expected a non-empty block at offset 0");
  // Repeated names.
  CHECK_THROWS_WITH(P::from_layout(layout(6, 1, "W"), v9),
                    "tapegrad: Parameters::from_layout: two blocks are named 'W'");
  // Values that the blocks do not cover exactly.
  CHECK_THROWS_WITH(P::from_layout(layout(6, 1, "b"), VectorXd::Zero(10)),
                    "tapegrad: Parameters::from_layout: the blocks hold 9 values, given 10");
  CHECK_THROWS_WITH(P::from_layout(layout(6, 1, "b"), VectorXd::Zero(8)),
                    "tapegrad: Parameters::from_layout: the blocks hold 9 values, given 8");
  CHECK_THROWS_WITH(P::from_layout({}, VectorXd::Zero(1)),
                    "tapegrad: Parameters::from_layout: the blocks hold 0 values, given 1");
  // The first bad block is the one named.
  const std::vector<Block> two_bad{Block{"W", 2, 3, 0, true}, Block{"x", 1, 1, 9, true}, Block{"y", 0, 1, 4, true}};
  CHECK_THROWS_WITH(P::from_layout(two_bad, VectorXd::Zero(7)), ContainsSubstring("block 'x' is 1x1 at offset 9"));
}

// ---- BoundParameters -----------------------------------------------------------------------

TEST_CASE("BoundParameters::bind records the flat vector as one statement; block views share its slots",
          "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  Tape<double> tape;
  const Var<double> before = tape.variable(1.0);  // the block need not start at slot 1
  optim::BoundParameters<double> bound;
  bound.bind(tape, p);
  CHECK(tape.custom_count() == 1);
  CHECK(tape.size() == 1 + 15);  // one slot per parameter
  CHECK(bound.size() == 4);
  const tapegrad::MatrixVar<double>& flat = bound.flat();
  CHECK(flat.rows() == 15);
  CHECK(flat.cols() == 1);
  CHECK(flat.first_slot() == before.index() + 1);
  CHECK(MatrixX<double>(flat.value()) == MatrixX<double>(p.values()));
  for (std::size_t i = 0; i < 4; ++i) {
    INFO("block " << i);
    const Block& b = p.info(i);
    const tapegrad::MatrixVar<double>& m = bound[i];
    CHECK(m.rows() == b.rows);
    CHECK(m.cols() == b.cols);
    CHECK(m.first_slot() == flat.first_slot() + b.offset);
    CHECK(m.generation() == flat.generation());
    CHECK(MatrixX<double>(m.value()) == MatrixX<double>(p[i]));
    for (Eigen::Index c = 0; c < b.cols; ++c)
      for (Eigen::Index r = 0; r < b.rows; ++r) {
        const Var<double> e = m(r, c), f = flat(b.offset + r + c * b.rows, 0);
        CHECK(e.index() == f.index());  // the same slot, not a copy
        CHECK(e.value() == p[i](r, c));
      }
  }
  CHECK(tape.size() == 16);  // the views recorded nothing
  // The tape reads p's values in place (no copy per step): a change shows through, which
  // is why p must not change until backward() has run.
  CHECK(bound.flat().value().data() == p.values().data());
  p["s"](0, 0) = 5.0;
  CHECK(bound[2](0, 0).value() == 5.0);
  CHECK(bound.flat()(8, 0).value() == 5.0);
}

TEST_CASE("all_finite finds every NaN and Inf, and large finite values do not fool it", "[optim][parameters]") {
  using optim::detail::all_finite;
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  // 1e308 summed overflows to Inf: the check must not take the sum of the values.
  Eigen::VectorXd big = Eigen::VectorXd::Constant(1000, 1e308);
  big[3] = -1e308;
  CHECK(all_finite(big));
  CHECK(all_finite(Eigen::VectorXd()));
  for (const double bad : {nan, inf, -inf})
    for (const Eigen::Index at : {0, 1, 17, 999}) {
      INFO("value " << bad << " at " << at);
      Eigen::VectorXd v = big;
      v[at] = bad;
      CHECK_FALSE(all_finite(v));
      CHECK_FALSE(all_finite(v.segment(at, 1)));  // an expression, not only a plain vector
      Eigen::VectorXf f = v.cast<float>().cwiseMin(1e30f);
      CHECK_FALSE(all_finite(f));
    }
  CHECK(all_finite(Eigen::VectorXf::Constant(100, 3e38f)));
  CHECK(all_finite(Eigen::MatrixXd::Constant(3, 4, -1e300)));
}

TEST_CASE("BoundParameters::gradient_into equals the closed form and central differences", "[optim][parameters]") {
  optim::Parameters<double> p = four_blocks();
  Tape<double> tape;
  optim::BoundParameters<double> bound;
  bound.bind(tape, p);
  const Var<double> L = taped_loss(bound);
  std::vector<long double> w(p.values().data(), p.values().data() + p.size());
  CHECK_CLOSE(L.value(), plain_loss(w), 1e-14);
  tape.backward(L);
  VectorXd g = VectorXd::Constant(15, -99.0);
  bound.gradient_into(tape, g);
  const VectorXd exact = closed_form_gradient(p);
  for (Eigen::Index k = 0; k < 15; ++k) {
    INFO("entry " << k);
    CHECK_CLOSE(g[k], exact[k], 1e-14);
    const long double fd = test::central_difference(
        [&](long double t) {
          std::vector<long double> u = w;
          u[std::size_t(k)] = t;
          return plain_loss(u);
        },
        w[std::size_t(k)]);
    CHECK_CLOSE(g[k], fd, 1e-8);
  }
  // The block views read the same adjoints.
  CHECK(tapegrad::gradients(tape, bound[3]) == Eigen::Map<const MatrixX<double>>(g.data() + 9, 3, 2));
  CHECK(bound[0].grad() == Eigen::Map<const MatrixX<double>>(g.data(), 2, 3));
  // Into a block of a larger vector (an Eigen::Ref).
  VectorXd big = VectorXd::Zero(20);
  bound.gradient_into(tape, big.segment(5, 15));
  CHECK(big.segment(5, 15) == g);
  CHECK(big.head(5).isZero(0));
  // In place: the same numbers where the sweep left them, and writable there.
  double* in_place = bound.gradient_in_place(tape);
  REQUIRE(in_place != nullptr);
  CHECK(Eigen::Map<const VectorXd>(in_place, 15) == g);
  in_place[14] += 1.0;  // what train() does with weight decay
  CHECK(bound[3].grad()(2, 1) == g[14] + 1.0);
  {  // A loss recorded before the parameters reaches none of them: nullptr, and
     // gradient_into gives zeros. (A scope: `other` is the active tape until it ends.)
    Tape<double> other;
    const Var<double> early = other.variable(2.0) * 3.0;
    optim::BoundParameters<double> late;
    late.bind(other, p);
    other.backward(early);
    CHECK(late.gradient_in_place(other) == nullptr);
    VectorXd zeros = VectorXd::Constant(15, 7.0);
    late.gradient_into(other, zeros);
    CHECK(zeros.isZero(0));
    // The parameters' tape only: another tape's block is a TapeError.
    CHECK_THROWS_AS(bound.gradient_in_place(other), tapegrad::TapeError);
  }

  // Rebinding after new values on a cleared tape: new values, new gradient.
  p["V"].setConstant(-0.5);
  tape.clear();
  bound.bind(tape, p);
  CHECK(bound[3](2, 1).value() == -0.5);
  tape.backward(taped_loss(bound));
  bound.gradient_into(tape, g);
  const VectorXd exact2 = closed_form_gradient(p);
  for (Eigen::Index k = 0; k < 15; ++k) CHECK_CLOSE(g[k], exact2[k], 1e-14);
  CHECK_CLOSE(g[14], 0.75, 1e-15);  // 3 V^2 with V = -0.5
}

TEST_CASE("BoundParameters: a loss of some blocks only; parameters it does not use get 0", "[optim][parameters]") {
  const optim::Parameters<double> p = four_blocks();
  Tape<double> tape;
  optim::BoundParameters<double> bound;
  bound.bind(tape, p);
  // L = sum(W X) + 3 sum(b) with a plain 3x4 X: dL/dW_ij = sum_k X_jk, dL/db = 3.
  const MatrixX<double> X{{1, 2, 3, 4}, {-1, 0.5, 0, 2}, {0.25, 0.25, -3, 1}};
  const Var<double> L = tapegrad::sum(bound[0] * X) + 3.0 * tapegrad::sum(bound[1]);
  CHECK_CLOSE(L.value(), (w_init() * X).sum() + 3 * b_init().sum(), 1e-14);
  tape.backward(L);
  VectorXd g(15);
  bound.gradient_into(tape, g);
  const VectorXd row_sums = X.rowwise().sum();
  for (Eigen::Index j = 0; j < 3; ++j)
    for (Eigen::Index i = 0; i < 2; ++i) CHECK_CLOSE(g[i + 2 * j], row_sums[j], 1e-14);
  CHECK(g[6] == 3.0);
  CHECK(g[7] == 3.0);
  CHECK(g.tail(7).isZero(0));  // s and V take no part
}

TEST_CASE("BoundParameters::view gathers Vars recorded one by one; gradients reach them", "[optim][parameters]") {
  const optim::Parameters<double> p = four_blocks();
  Tape<double> tape;
  Eigen::Matrix<Var<double>, Eigen::Dynamic, 1> vars(15);
  for (Eigen::Index k = 0; k < 15; ++k) vars[k] = tape.variable(p.values()[k]);
  optim::BoundParameters<double> bound;
  bound.view(tapegrad::to_matrix_var(vars), p);
  CHECK(bound.size() == 4);
  CHECK(MatrixX<double>(bound[3].value()) == v_init());
  const Var<double> L = taped_loss(bound);
  tape.backward(L);
  const VectorXd exact = closed_form_gradient(p);
  for (Eigen::Index k = 0; k < 15; ++k) CHECK_CLOSE(vars[k].grad(), exact[k], 1e-14);
  VectorXd g(15);
  bound.gradient_into(tape, g);  // the gathered block's adjoints: the same gradient
  for (Eigen::Index k = 0; k < 15; ++k) CHECK_CLOSE(g[k], exact[k], 1e-14);
}

TEST_CASE("BoundParameters refuses a wrong size, a stale tape and a flat vector of another size",
          "[optim][parameters]") {
  const optim::Parameters<double> p = four_blocks();
  Tape<double> tape;
  optim::BoundParameters<double> bound;
  bound.bind(tape, p);
  tape.backward(taped_loss(bound));
  VectorXd small = VectorXd::Constant(14, 7.0), large = VectorXd::Constant(16, 7.0);
  CHECK_THROWS_AS(bound.gradient_into(tape, small), std::invalid_argument);
  CHECK_THROWS_WITH(bound.gradient_into(tape, small),
                    "tapegrad: BoundParameters::gradient_into: output has 14 entries; expected 15");
  CHECK_THROWS_WITH(bound.gradient_into(tape, large),
                    "tapegrad: BoundParameters::gradient_into: output has 16 entries; expected 15");
  CHECK(small == VectorXd::Constant(14, 7.0));  // nothing written
  CHECK(large == VectorXd::Constant(16, 7.0));

  // After clear() the bound slots are gone: a TapeError, not stale numbers.
  tape.clear();
  VectorXd g = VectorXd::Constant(15, 7.0);
  CHECK_THROWS_AS(bound.gradient_into(tape, g), tapegrad::TapeError);
  CHECK_THROWS_WITH(bound.gradient_into(tape, g), ContainsSubstring("BoundParameters::gradient_into"));
  CHECK(g == VectorXd::Constant(15, 7.0));
  // Another tape than the one bound to.
  Tape<double> other;
  optim::BoundParameters<double> bound2;
  bound2.bind(other, p);
  {
    Tape<double> third;
    CHECK_THROWS_AS(bound2.gradient_into(third, g), tapegrad::TapeError);
  }

  // view() checks the size of the flat vector, and keeps the previous views if it refuses.
  const tapegrad::MatrixVar<double> nine = tapegrad::matrix_variable(other, VectorXd::Ones(9));
  CHECK_THROWS_AS(bound2.view(nine, p), std::invalid_argument);
  CHECK_THROWS_WITH(bound2.view(nine, p), "tapegrad: BoundParameters: 9 values for 15 parameters");
  CHECK(bound2.flat().size() == 15);
  CHECK(bound2.size() == 4);
  // An empty model cannot be bound.
  CHECK_THROWS_AS(bound2.bind(other, optim::Parameters<double>()), std::invalid_argument);
}

}  // namespace parameters_tests
