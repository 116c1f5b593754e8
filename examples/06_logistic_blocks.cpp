// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// Example 6: logistic regression as three blocks, and the tape drawn as a graph.
//
// For one example x with label 1 the loss is built from three blocks:
//     u = w^T x          du/dw_j = x_j
//     p = s(u)           dp/du = p (1 - p)
//     L = -log p         dL/dp = -1 / p
// Backpropagation multiplies local derivatives from the top down:
//     dL/du   = dL/dp * dp/du = -(1 - p)
//     dL/dw_j = dL/du * x_j   = -(1 - p) x_j
// The tape computes the same numbers; io/dot.hpp draws what it recorded, with each
// node named, its value, its adjoint, and the stored partial on every edge. The graph
// goes to 06_logistic_blocks.dot, and to 06_logistic_blocks.svg when Graphviz's `dot`
// is installed (skipped quietly when it is not).

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "common/expect.hpp"
#include "tapegrad/io/dot.hpp"
#include "tapegrad/tapegrad.hpp"

using tapegrad::Tape;
using tapegrad::Var;

namespace {

/// Occurrences of `what` in `text`.
int count(const std::string& text, const std::string& what) {
  int n = 0;
  for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
  return n;
}

#ifdef _WIN32
const char* const kQuiet = " > NUL 2>&1";
#else
const char* const kQuiet = " > /dev/null 2>&1";
#endif

}  // namespace

int main() {
  const double w0[3] = {0.1, -0.4, 0.25}, x0[3] = {0.5, -1.0, 2.0};

  // 1. Record the blocks. x is recorded as variables too, so the graph can name it
  // (and the sweep also gives dL/dx = -(1 - p) w).
  Tape<double> tape;
  std::vector<Var<double>> w, x;
  for (int j = 0; j < 3; ++j) w.push_back(tape.variable(w0[j]));
  for (int j = 0; j < 3; ++j) x.push_back(tape.variable(x0[j]));
  const Var<double> u = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];  // one statement
  const Var<double> p = tapegrad::sigmoid(u);
  const Var<double> L = -log(p);
  tape.backward(L);

  const double uv = 0.1 * 0.5 + 0.4 * 1.0 + 0.25 * 2.0;  // 0.95
  const double pv = 1.0 / (1.0 + std::exp(-uv));
  std::printf("forward:\n");
  example::expect("u = w^T x", u.value(), 0.95);
  example::expect("p = s(u)", p.value(), pv);
  example::expect("L = -log p", L.value(), -std::log(pv));

  // 2. The adjoints from the tape, against the closed forms.
  std::printf("backward (tape, checked against the closed forms):\n");
  example::expect("dL/dp = -1/p", p.grad(), -1.0 / pv);
  example::expect("dp/du = p(1 - p)", pv * (1 - pv), u.grad() / p.grad());
  example::expect("dL/du = -(1 - p)", u.grad(), -(1.0 - pv));
  const char* dw[3] = {"dL/dw_0 = -(1 - p) x_0", "dL/dw_1 = -(1 - p) x_1", "dL/dw_2 = -(1 - p) x_2"};
  const char* dx[3] = {"dL/dx_0 = -(1 - p) w_0", "dL/dx_1 = -(1 - p) w_1", "dL/dx_2 = -(1 - p) w_2"};
  for (int j = 0; j < 3; ++j) example::expect(dw[j], w[j].grad(), -(1.0 - pv) * x0[j]);
  for (int j = 0; j < 3; ++j) example::expect(dx[j], x[j].grad(), -(1.0 - pv) * w0[j]);

  // 3. The tape as a graph: 6 inputs and 3 statements; 6 + 1 + 1 edges.
  tapegrad::io::DotNames<double> names;
  names.add(u, "u").add(p, "p").add(L, "L").add_each(w, "w").add_each(x, "x");
  tapegrad::io::DotOptions options;
  options.adjoints = true;
  options.title = "logistic regression in blocks: u = w^T x, p = s(u), L = -log p";
  const std::string dot = tapegrad::io::to_dot(tape, L, names, options);
  std::printf("the graph:\n");
  const int edges = count(dot, " -> "), labels = count(dot, "[label=");  // nodes and edges
  example::expect("nodes", labels - edges, 9);
  example::expect("edges", edges, 8);
  std::ofstream("06_logistic_blocks.dot") << dot;
  std::printf("wrote 06_logistic_blocks.dot\n");

  // 4. Render it if Graphviz is installed; an installed dot that fails is an error.
  if (std::system((std::string("dot -V") + kQuiet).c_str()) == 0) {
    const int status = std::system("dot -Tsvg 06_logistic_blocks.dot -o 06_logistic_blocks.svg");
    example::expect_true("dot rendered 06_logistic_blocks.svg", status == 0);
  } else {
    std::printf("(Graphviz's dot is not installed: no SVG rendered)\n");
  }
  return example::expect_status();
}
