// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// A recorded tape as a Graphviz DOT graph: what reverse mode really stores, drawn.
///
/// One node per recorded slot (slot 0, the constant sink, is never drawn) and one edge
/// per argument, pointing from the argument to the statement that uses it and labelled
/// with the partial derivative d(statement)/d(argument) stored on the tape. The tape
/// keeps no operation names, only how many arguments a statement has, so a node shows
/// its name (if given), its value (if known), and its kind: `input`, `k arguments`, or
/// `custom` for the output slots of a custom statement (drawn together in a dashed box;
/// their inputs are not recorded on the tape, so no edges lead into them).
///
///     tapegrad::io::DotNames<double> names;
///     names.add(u, "u").add(p, "p").add(L, "L").add_each(w, "w");
///     std::ofstream("graph.dot") << tapegrad::io::to_dot(tape, L, names);
///     // then: dot -Tsvg graph.dot -o graph.svg
///
/// When an expression uses the same variable twice (x * x), its two arguments become one
/// edge carrying their sum, the partial of the statement: 2x. Arguments that are
/// constants point at the sink and are only counted in the node's label.

#include <cstddef>
#include <map>
#include <ostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/core/errors.hpp"
#include "tapegrad/core/expression.hpp"
#include "tapegrad/core/statements.hpp"
#include "tapegrad/core/tape.hpp"
#include "tapegrad/core/var.hpp"

namespace tapegrad::io {

/// Names (and, when given a Var, values) for slots of a tape, to label a DOT graph.
template <class T>
class DotNames {
 public:
  struct Entry {
    std::string name;
    T value{};
    bool has_value = false;
  };

  /// Names the slot of v and remembers its value. Constants (slot 0) are ignored.
  DotNames& add(const Var<T>& v, std::string name) {
    if (!v.is_constant()) entries_[v.index()] = Entry{std::move(name), v.value(), true};
    return *this;
  }
  /// Names a slot by number (no value shown).
  DotNames& add(Index slot, std::string name) {
    if (slot != 0) entries_[slot] = Entry{std::move(name), T{}, false};
    return *this;
  }
  /// Names every Var of a range: prefix_0, prefix_1, ... (e.g. the weights w_0, w_1).
  template <class Range>
  DotNames& add_each(const Range& vars, const std::string& prefix) {
    std::size_t j = 0;
    for (const Var<T>& v : vars) add(v, prefix + "_" + std::to_string(j++));
    return *this;
  }
  /// The entry for a slot, or nullptr.
  const Entry* find(Index slot) const {
    const auto it = entries_.find(slot);
    return it == entries_.end() ? nullptr : &it->second;
  }

 private:
  std::map<Index, Entry> entries_;
};

/// What the DOT graph shows.
struct DotOptions {
  bool partials = true;        ///< label edges with d(statement)/d(argument)
  bool adjoints = false;       ///< show each slot's adjoint from the last backward()
  int precision = 4;           ///< significant digits of the numbers shown
  std::string rankdir = "LR";  ///< Graphviz layout direction: LR, TB, BT or RL
  std::string graph_name = "tape";
  std::string title;  ///< a caption above the graph (none if empty)
};

namespace dot_detail {

/// User text made safe inside a DOT string (quotes and backslashes escaped).
inline std::string escape(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

template <class T>
std::string number(const T& value, int precision) {
  std::ostringstream out;
  out.precision(precision);
  out << value;
  return out.str();
}

template <class T>
void write(std::ostream& out, const Tape<T>& tape, const Var<T>* root, const DotNames<T>& names,
           const DotOptions& options) {
  const std::size_t slots = tape.size() + 1;  // slot 0 is the sink

  // Each slot's statement (core/statements.hpp): its arguments, and the first slot of
  // each custom block.
  std::vector<Statement<T>> statement_of(slots);
  std::vector<Index> block_first(slots);
  for (const Statement<T>& s : statements(tape))
    for (Index i = s.first; i <= s.slot; ++i) {
      statement_of[static_cast<std::size_t>(i)] = s;
      block_first[static_cast<std::size_t>(i)] = s.first;
    }
  const auto argument = [&](std::size_t i, unsigned j) { return statement_of[i].argument(j); };
  const auto custom = [&](std::size_t i) { return statement_of[i].kind == StatementKind::custom; };
  // A custom block's slots below its top slot.
  const auto inner = [&](std::size_t i) { return custom(i) && static_cast<Index>(i) != statement_of[i].slot; };

  // Which slots to draw: all, or those the root depends on (walking down from it).
  std::size_t top = slots - 1;
  std::vector<char> keep(slots, root == nullptr ? 1 : 0);
  if (root != nullptr) {
    top = root->index();
    if (top != 0) keep[top] = 1;
    while (inner(top)) ++top;  // a root inside a block
    for (std::size_t i = top; i > 0; --i) {
      const unsigned k = statement_of[i].arity;
      if (custom(i)) {  // a custom block is one statement: kept whole if any slot is
        const std::size_t b = block_first[i];
        bool any = false;
        for (std::size_t s = b; s <= i; ++s) any = any || keep[s];
        for (std::size_t s = b; s <= i && any; ++s) keep[s] = 1;
        i = b;  // the loop's --i moves below the block
        continue;
      }
      if (!keep[i]) continue;
      for (unsigned j = 0; j < k; ++j) keep[argument(i, j)] = 1;
    }
    keep[0] = 0;
  }

  out << "digraph \"" << escape(options.graph_name) << "\" {\n"
      << "  rankdir=" << options.rankdir << ";\n";
  if (!options.title.empty())
    out << "  label=\"" << escape(options.title) << "\";\n  labelloc=t;\n  fontname=\"Helvetica\";\n";
  out << "  node [fontname=\"Helvetica\", fontsize=11];\n"
      << "  edge [fontname=\"Helvetica\", fontsize=9, color=\"#555555\"];\n";

  auto node = [&](std::size_t i, const std::string& indent) {
    const unsigned k = statement_of[i].arity;
    std::string label, style;
    if (const auto* entry = names.find(static_cast<Index>(i))) {
      label = escape(entry->name);
      if (entry->has_value) label += " = " + number(entry->value, options.precision);
    } else {
      label = "v" + std::to_string(i);
    }
    if (custom(i)) {
      label += "\\ncustom";
      style = "shape=box, style=filled, fillcolor=\"#fde7cf\"";
    } else if (k == 0) {
      label += "\\ninput";
      style = "shape=box, style=\"rounded,filled\", fillcolor=\"#dbe9f6\"";
    } else {
      std::size_t constants = 0;
      for (unsigned j = 0; j < k; ++j) constants += argument(i, j) == 0;
      label += "\\n" + std::to_string(k) + (k == 1 ? " argument" : " arguments");
      if (constants != 0) label += " (" + std::to_string(constants) + " constant)";
      style = "shape=ellipse";
    }
    if (options.adjoints) label += "\\nadjoint = " + number(tape.adjoint_at(static_cast<Index>(i)), options.precision);
    if (root != nullptr && i == root->index()) style += ", peripheries=2";
    out << indent << 'v' << i << " [label=\"" << label << "\", " << style << "];\n";
  };

  std::size_t node_count = 0, edge_count = 0;
  std::ostringstream edges;
  for (std::size_t i = 1; i <= top && top != 0; ++i) {
    if (!keep[i]) continue;
    if (custom(i)) {  // the whole custom block i .. its top slot
      std::size_t end = i;
      while (inner(end)) ++end;
      out << "  subgraph cluster_" << i << " {\n    label=\"custom statement, " << (end - i + 1)
          << (end == i ? " output" : " outputs") << "\";\n    style=dashed;\n";
      for (std::size_t s = i; s <= end; ++s) node(s, "    ");
      out << "  }\n";
      node_count += end - i + 1;
      i = end;
      continue;
    }
    node(i, "  ");
    ++node_count;
    const unsigned k = statement_of[i].arity;
    // One edge per distinct argument, carrying the sum of its partials.
    std::vector<std::pair<Index, T>> args;
    for (unsigned j = 0; j < k; ++j) {
      const Index from = argument(i, j);
      const T& partial = statement_of[i].partial(j);
      if (from == 0) continue;
      bool merged = false;
      for (auto& a : args) {
        if (a.first != from) continue;
        a.second += partial;
        merged = true;
      }
      if (!merged) args.emplace_back(from, partial);
    }
    for (const auto& a : args) {
      edges << "  v" << a.first << " -> v" << i;
      if (options.partials) edges << " [label=\"" << number(a.second, options.precision) << "\"]";
      edges << ";\n";
      ++edge_count;
    }
  }
  out << edges.str() << "  // " << node_count << " nodes, " << edge_count << " edges\n}\n";
}

}  // namespace dot_detail

/// Writes the whole tape as a DOT graph.
template <class T>
void write_dot(std::ostream& out, const Tape<T>& tape, const DotNames<T>& names = {}, const DotOptions& options = {}) {
  dot_detail::write(out, tape, static_cast<const Var<T>*>(nullptr), names, options);
}

/// Writes the part of the tape that `root` depends on (root drawn with a double border).
/// Throws TapeError if root is not on this tape.
template <class T>
void write_dot(std::ostream& out, const Tape<T>& tape, const Var<T>& root, const DotNames<T>& names = {},
               const DotOptions& options = {}) {
  if (!tape.owns(root)) tapegrad::detail::throw_tape_error("write_dot: the root Var is not on this tape");
  dot_detail::write(out, tape, &root, names, options);
}

/// The whole tape as a DOT graph.
template <class T>
std::string to_dot(const Tape<T>& tape, const DotNames<T>& names = {}, const DotOptions& options = {}) {
  std::ostringstream out;
  write_dot(out, tape, names, options);
  return out.str();
}

/// The part of the tape that `root` depends on, as a DOT graph.
template <class T>
std::string to_dot(const Tape<T>& tape, const Var<T>& root, const DotNames<T>& names = {},
                   const DotOptions& options = {}) {
  std::ostringstream out;
  write_dot(out, tape, root, names, options);
  return out.str();
}

}  // namespace tapegrad::io
