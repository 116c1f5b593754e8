// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// io/dot.hpp: the DOT output of small known tapes, parsed back into nodes and edges.

#include <cmath>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "test_support.hpp"
#include "tapegrad/io/dot.hpp"

using tapegrad::Tape;
using tapegrad::Var;
using tapegrad::io::DotNames;
using tapegrad::io::DotOptions;
using tapegrad::io::to_dot;

namespace {

/// The graph read back from DOT text: node slots with labels, edges with their labels.
struct Graph {
  std::map<unsigned, std::string> nodes;                       // slot -> label
  std::map<std::pair<unsigned, unsigned>, std::string> edges;  // (from, to) -> label
  int clusters = 0;
  bool closed = false;

  std::size_t edge_count() const { return edges.size(); }
  double partial(unsigned from, unsigned to) const { return std::stod(edges.at({from, to})); }
};

/// The text of label="..." in a line, as written (escapes kept).
std::string label_of(const std::string& line) {
  const auto start = line.find("label=\"");
  if (start == std::string::npos) return "";
  std::size_t end = start + 7;
  while (end < line.size() && line[end] != '"') end += line[end] == '\\' ? 2 : 1;
  return line.substr(start + 7, end - start - 7);
}

Graph parse(const std::string& dot) {
  Graph g;
  std::istringstream in(dot);
  std::string line;
  std::getline(in, line);
  REQUIRE(line.rfind("digraph ", 0) == 0);
  int edge_lines = 0;
  while (std::getline(in, line)) {
    const auto first = line.find_first_not_of(' ');
    if (first == std::string::npos) continue;
    const std::string text = line.substr(first);
    if (text == "}") g.closed = true;
    if (text.rfind("subgraph cluster_", 0) == 0) ++g.clusters;
    if (text.size() < 2 || text[0] != 'v' || !std::isdigit(static_cast<unsigned char>(text[1]))) continue;
    std::istringstream words(text.substr(1));
    unsigned from = 0;
    std::string arrow;
    words >> from >> arrow;
    if (arrow == "->") {
      std::string to;
      words >> to;
      REQUIRE(to[0] == 'v');
      const auto key = std::make_pair(from, static_cast<unsigned>(std::stoul(to.substr(1))));
      CHECK(g.edges.count(key) == 0);  // one edge per distinct argument
      g.edges[key] = label_of(text);
      ++edge_lines;
    } else {
      CHECK(g.nodes.count(from) == 0);
      g.nodes[from] = label_of(text);
    }
  }
  CHECK(g.closed);
  CHECK(static_cast<std::size_t>(edge_lines) == g.edges.size());
  // Every edge joins two drawn nodes.
  for (const auto& e : g.edges) {
    CHECK(g.nodes.count(e.first.first) == 1);
    CHECK(g.nodes.count(e.first.second) == 1);
  }
  return g;
}

}  // namespace

TEST_CASE("dot: one folded statement z = x y + sin x", "[io][dot]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(0.5), y = tape.variable(3.0);
  const Var<double> z = x * y + sin(x);
  const Graph g = parse(to_dot(tape));
  CHECK(g.nodes.size() == 3);
  CHECK(g.edge_count() == 2);  // x appears twice in the expression: one edge, partials summed
  CHECK_CLOSE(g.partial(x.index(), z.index()), 3.0 + std::cos(0.5), 1e-3);
  CHECK_CLOSE(g.partial(y.index(), z.index()), 0.5, 1e-12);
  CHECK_THAT(g.nodes.at(x.index()), ContainsSubstring("input"));
  CHECK_THAT(g.nodes.at(z.index()), ContainsSubstring("3 arguments"));
  CHECK(g.clusters == 0);
}

TEST_CASE("dot: a chain, its partials and the part reachable from a Var", "[io][dot]") {
  Tape<double> tape;
  const Var<double> x = tape.variable(2.0), y = tape.variable(-1.0), q = tape.variable(4.0);
  const Var<double> a = x * y;        // 2 edges
  const Var<double> e = q * q + y;    // 2 edges, unrelated to c below except through y
  const Var<double> b = a + x;        // 2 edges
  const Var<double> c = b * b;        // 1 edge, partial 2b
  const Var<double> after = c * 3.0;  // recorded after c: never part of c's graph

  const Graph full = parse(to_dot(tape));
  CHECK(full.nodes.size() == 8);
  CHECK(full.edge_count() == 8);
  CHECK_CLOSE(full.partial(b.index(), c.index()), 2.0 * b.value(), 1e-12);
  CHECK_CLOSE(full.partial(q.index(), e.index()), 8.0, 1e-12);

  const Graph from_c = parse(to_dot(tape, c));
  CHECK(from_c.nodes.size() == 5);  // x y a b c
  CHECK(from_c.edge_count() == 5);
  CHECK(from_c.nodes.count(q.index()) == 0);
  CHECK(from_c.nodes.count(e.index()) == 0);
  CHECK(from_c.nodes.count(after.index()) == 0);
  CHECK(from_c.nodes.size() < full.nodes.size());
  CHECK(from_c.edge_count() < full.edge_count());

  const Graph from_e = parse(to_dot(tape, e));
  CHECK(from_e.nodes.size() == 3);  // y q e
  CHECK(from_e.edge_count() == 2);

  const Graph from_x = parse(to_dot(tape, x));
  CHECK(from_x.nodes.size() == 1);
  CHECK(from_x.edge_count() == 0);

  const Graph from_constant = parse(to_dot(tape, Var<double>(1.0)));
  CHECK(from_constant.nodes.empty());
}

TEST_CASE("dot: names, values, adjoints and constants in labels", "[io][dot]") {
  Tape<double> tape;
  std::vector<Var<double>> w{tape.variable(0.25), tape.variable(-0.5)};
  const Var<double> two = 2.0;  // a constant Var: it costs the statement no argument
  const Var<double> u = two * w[0] + w[1];
  const Var<double> L = u * u;
  tape.backward(L);

  DotNames<double> names;
  names.add(u, "u").add(L, "L \"loss\"").add_each(w, "w");
  DotOptions options;
  options.adjoints = true;
  options.title = "a \"quoted\" title";
  const std::string dot = to_dot(tape, L, names, options);
  const Graph g = parse(dot);
  CHECK(g.nodes.size() == 4);
  CHECK(g.edge_count() == 3);  // w_0 -> u, w_1 -> u, u -> L
  CHECK_THAT(g.nodes.at(w[0].index()), ContainsSubstring("w_0 = 0.25"));
  CHECK_THAT(g.nodes.at(w[1].index()), ContainsSubstring("w_1 = -0.5"));
  CHECK_THAT(g.nodes.at(u.index()), ContainsSubstring("u = 0"));
  CHECK_THAT(g.nodes.at(u.index()), ContainsSubstring("2 arguments"));
  // dL/dw_0 = 2u * 2 = 0 at u = 0; dL/du = 2u = 0: use the adjoint of L itself.
  CHECK_THAT(g.nodes.at(L.index()), ContainsSubstring("adjoint = 1"));
  CHECK_THAT(dot, ContainsSubstring("L \\\"loss\\\""));  // quotes escaped
  CHECK_THAT(dot, ContainsSubstring("peripheries=2"));   // the root
  CHECK_THAT(dot, ContainsSubstring("label=\"a \\\"quoted\\\" title\";"));

  options.partials = false;
  const Graph bare = parse(to_dot(tape, names, options));
  CHECK(bare.edge_count() == 3);
  for (const auto& e : bare.edges) CHECK(e.second.empty());
}

TEST_CASE("dot: custom statements are drawn as one box of output slots", "[io][dot]") {
  Tape<double> tape;
  const double values[3] = {1.0, 2.0, 3.0};
  Var<double> v[3];
  tape.variables(values, 3, v);  // one block of three inputs (a custom statement)
  const Var<double> s = v[0] * v[1] + v[2];
  const Var<double> unrelated = tape.variable(7.0);
  const Var<double> t = unrelated * 2.0;

  const Graph full = parse(to_dot(tape));
  CHECK(full.nodes.size() == 6);
  CHECK(full.edge_count() == 4);
  CHECK(full.clusters == 1);
  CHECK_THAT(full.nodes.at(v[1].index()), ContainsSubstring("custom"));

  // Reachable from s: the whole block, even if s used only part of it.
  const Var<double> first_only = v[0] + 1.0;
  const Graph part = parse(to_dot(tape, first_only));
  CHECK(part.nodes.size() == 4);
  CHECK(part.edge_count() == 1);
  CHECK(part.clusters == 1);

  // A root inside the block: the block alone.
  const Graph inside = parse(to_dot(tape, v[0]));
  CHECK(inside.nodes.size() == 3);
  CHECK(inside.edge_count() == 0);
  (void)s;
  (void)t;
}

TEST_CASE("dot: a root from another tape is an error", "[io][dot]") {
  Tape<double> other(tapegrad::Activation::later);
  Var<double> foreign;
  {
    tapegrad::TapeScope<double> scope(other);
    foreign = other.variable(1.0);
  }
  Tape<double> tape;
  const Var<double> x = tape.variable(1.0);
  const Var<double> y = x * x;
  CHECK_THROWS_AS(to_dot(tape, foreign), tapegrad::TapeError);
  CHECK(parse(to_dot(tape, y)).nodes.size() == 2);
}
