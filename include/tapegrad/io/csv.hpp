// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Numeric CSV into Eigen matrices, and the labelled data sets of examples/data
/// (features, then an integer label in the last column). Files may be gzip-compressed.
/// Numbers are parsed independently of the C locale. Bad input throws
/// std::runtime_error naming the file (or "parse_csv"), the line and the column.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <limits>
#include <locale>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>
#include <type_traits>
#include <vector>

#include "tapegrad/core/config.hpp"
#include "tapegrad/io/gzip.hpp"

namespace tapegrad::io {

/// A numeric CSV file: the values, one matrix row per line, and the column names
/// (empty when the file has no header).
template <class T = double>
struct Table {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> values;
  std::vector<std::string> header;
};

/// A labelled data set: one example per row of `features`, its class in `labels`
/// (0 <= label < class_names.size()).
template <class T = double>
struct LabeledData {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> features;
  Eigen::VectorXi labels;
  std::vector<std::string> class_names;
};

namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_csv_error(const std::string& where, const std::string& what) {
  throw std::runtime_error("tapegrad: " + where + ": " + what);
}

inline std::string line_column(std::size_t line, std::size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// `s` without surrounding spaces, tabs and carriage returns (CRLF files).
inline std::string_view trim(std::string_view s) {
  const auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\r'; };
  while (!s.empty() && blank(s.front())) s.remove_prefix(1);
  while (!s.empty() && blank(s.back())) s.remove_suffix(1);
  return s;
}

/// The comma-separated, trimmed fields of one line, into `fields` (reused to avoid
/// an allocation per line).
inline void split_fields(std::string_view line, std::vector<std::string_view>& fields) {
  fields.clear();
  for (;;) {
    const std::size_t comma = line.find(',');
    fields.push_back(trim(line.substr(0, comma)));
    if (comma == std::string_view::npos) return;
    line.remove_prefix(comma + 1);
  }
}

/// Parses the whole of `s` as a T; false if it is not exactly one number. std::from_chars
/// where the library has it for T (locale-independent and exact); otherwise a stream
/// imbued with the classic locale, so a user's global locale cannot turn "1.5" into 1.
template <class T>
bool parse_number(std::string_view s, T& value) {
  if (!s.empty() && s.front() == '+') {  // from_chars does not take a leading '+'
    s.remove_prefix(1);
    if (!s.empty() && s.front() == '-') return false;
  }
  if (s.empty()) return false;
#if !defined(__cpp_lib_to_chars)
  if constexpr (std::is_floating_point_v<T>) {
    std::istringstream in{std::string(s)};
    in.imbue(std::locale::classic());
    in >> value;
    return !in.fail() && in.peek() == std::char_traits<char>::eof();
  } else
#endif
  {
    const char* last = s.data() + s.size();
    const auto [end, error] = std::from_chars(s.data(), last, value);
    return error == std::errc() && end == last;
  }
}

/// A parsed CSV text and, for messages, the line number of each matrix row.
template <class T>
struct ParsedCsv {
  Table<T> table;
  std::vector<std::size_t> line_of_row;
};

/// parse_csv with the file named `where` in messages. With `header_sets_width` the
/// header must have as many fields as the data; the labelled format's header does not.
template <class T>
ParsedCsv<T> parse_csv_text(std::string_view text, bool has_header, bool header_sets_width, const std::string& where) {
  static_assert(std::is_arithmetic_v<T>, "CSV values are read into an arithmetic type");
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // UTF-8 byte order mark

  ParsedCsv<T> result;
  std::vector<T> data;  // row-major, as read
  std::vector<std::string_view> fields;
  std::size_t width = 0, width_line = 0;  // columns, and the line that fixed them
  bool header_pending = has_header;
  std::size_t line_number = 0;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    ++line_number;
    if (trim(line).empty()) continue;  // blank lines, including the last one, are skipped

    split_fields(line, fields);
    if (header_pending) {
      header_pending = false;
      for (std::string_view name : fields) {
        if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
        result.table.header.emplace_back(name);
      }
      if (header_sets_width) {
        width = fields.size();
        width_line = line_number;
      }
      continue;
    }
    if (width == 0) {
      width = fields.size();
      width_line = line_number;
    } else if (fields.size() != width) {
      throw_csv_error(where, "line " + std::to_string(line_number) + " has " + std::to_string(fields.size()) +
                                 " fields but line " + std::to_string(width_line) + " has " + std::to_string(width) +
                                 " (ragged row)");
    }
    for (std::size_t c = 0; c < fields.size(); ++c) {
      T value{};
      if (!parse_number(fields[c], value))
        throw_csv_error(where, line_column(line_number, c + 1) + ": '" + std::string(fields[c]) +
                                   "' is not a number" + (fields[c].empty() ? " (empty field)" : ""));
      data.push_back(value);
    }
    result.line_of_row.push_back(line_number);
  }

  const auto rows = static_cast<Eigen::Index>(result.line_of_row.size());
  const auto cols = static_cast<Eigen::Index>(width);
  result.table.values.resize(rows, cols);
  for (Eigen::Index r = 0; r < rows; ++r)
    for (Eigen::Index c = 0; c < cols; ++c)
      result.table.values(r, c) = data[static_cast<std::size_t>(r * cols + c)];
  return result;
}

/// True if the first non-blank line of `text` has a field that is not a number: the
/// "N_ROWS,N_FEATURES,class names..." header of the labelled format.
inline bool starts_with_header(std::string_view text) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  std::vector<std::string_view> fields;
  while (!text.empty()) {
    const std::size_t newline = text.find('\n');
    const std::string_view line = text.substr(0, newline);
    text.remove_prefix(newline == std::string_view::npos ? text.size() : newline + 1);
    if (trim(line).empty()) continue;
    split_fields(line, fields);
    for (std::string_view field : fields) {
      double value = 0;
      if (!parse_number(field, value)) return true;
    }
    return false;
  }
  return false;
}

}  // namespace detail

/// Parses numeric CSV text: comma-separated numbers, one row per line, blank lines
/// skipped; with `has_header` the first line holds the column names. Throws
/// std::runtime_error naming line and column for a bad number or a ragged row.
template <class T = double>
Table<T> parse_csv(const std::string& text, bool has_header) {
  return detail::parse_csv_text<T>(text, has_header, true, "parse_csv").table;
}

/// parse_csv on the file at `path` (gunzipped if it is gzip); messages name the path.
template <class T = double>
Table<T> read_csv(const std::string& path, bool has_header) {
  return detail::parse_csv_text<T>(read_file(path), has_header, true, path).table;
}

/// Reads a labelled data set of examples/data: each line is the features, then an
/// integer label >= 0. If the first line is a header "N_ROWS,N_FEATURES,class names..."
/// the counts are checked against the data and labels must index the class names;
/// without one (digits.csv.gz) the class names are "0", "1", ... up to the largest label.
template <class T = double>
LabeledData<T> read_labeled_csv(const std::string& path) {
  const std::string text = read_file(path);
  const bool has_header = detail::starts_with_header(text);
  detail::ParsedCsv<T> parsed = detail::parse_csv_text<T>(text, has_header, false, path);
  const auto& values = parsed.table.values;
  const Eigen::Index rows = values.rows(), cols = values.cols();
  if (rows == 0) detail::throw_csv_error(path, "no data rows");
  if (cols < 2)
    detail::throw_csv_error(path, "needs feature columns and a label column, but rows have " + std::to_string(cols) +
                                      " field");

  LabeledData<T> result;
  if (has_header) {
    const std::vector<std::string>& header = parsed.table.header;
    long n_rows = -1, n_features = -1;
    if (header.size() < 3 || !detail::parse_number(std::string_view(header[0]), n_rows) ||
        !detail::parse_number(std::string_view(header[1]), n_features) || n_rows < 0 || n_features < 0)
      detail::throw_csv_error(path, "the first line must be a header N_ROWS,N_FEATURES,class names... or data");
    if (n_rows != rows)
      detail::throw_csv_error(path, "the header says " + std::to_string(n_rows) + " rows but the file has " +
                                        std::to_string(rows));
    if (n_features != cols - 1)
      detail::throw_csv_error(path, "the header says " + std::to_string(n_features) +
                                        " features but the rows have " + std::to_string(cols - 1) +
                                        " (plus the label)");
    result.class_names.assign(header.begin() + 2, header.end());
  }

  result.labels.resize(rows);
  int max_label = -1;
  for (Eigen::Index r = 0; r < rows; ++r) {
    const T v = values(r, cols - 1);
    // '<' keeps the cast defined for float, where INT_MAX rounds up to 2^31.
    const std::size_t line = parsed.line_of_row[static_cast<std::size_t>(r)];
    if (!(v >= T(0) && v < T(std::numeric_limits<int>::max()) && std::floor(v) == v)) {
      std::ostringstream shown;
      shown << v;
      detail::throw_csv_error(path, detail::line_column(line, static_cast<std::size_t>(cols)) + ": label " +
                                        shown.str() + " is not a non-negative integer");
    }
    const int label = static_cast<int>(v);
    if (has_header && static_cast<std::size_t>(label) >= result.class_names.size())
      detail::throw_csv_error(path, detail::line_column(line, static_cast<std::size_t>(cols)) + ": label " +
                                        std::to_string(label) + " but the header names only " +
                                        std::to_string(result.class_names.size()) + " classes");
    result.labels[r] = label;
    if (label > max_label) max_label = label;
  }
  if (!has_header)
    for (int k = 0; k <= max_label; ++k) result.class_names.push_back(std::to_string(k));
  result.features = values.leftCols(cols - 1);
  return result;
}

}  // namespace tapegrad::io
