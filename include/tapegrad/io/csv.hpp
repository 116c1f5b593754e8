// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Numeric CSV into Eigen matrices, and labelled data sets (features, then an integer
/// label in the last column) such as those of examples/data. Files may be gzip-compressed.
/// Numbers are parsed independently of the C locale. Bad input throws std::runtime_error
/// naming the file (or "parse_csv"), the line and the column.
///
/// Memory and time are bounded by the input: a first pass counts the lines and checks
/// that every line has the same number of fields, then the values are parsed into a
/// matrix of exactly that size. Nothing is allocated from a count the file states (a
/// header's N_ROWS), and the class count of a labelled file comes from the labels present
/// or the class names its header lists.

#include <Eigen/Core>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <cstdint>
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

/// How to read a CSV file.
struct CsvOptions {
  /// The character between fields: ',' by default; ';' for files from locales where ','
  /// is the decimal comma (numbers must still use '.'), '\t' for tab-separated files.
  char delimiter = ',';
  /// Read nan, inf and infinity cells (floating-point types only). Off by default: they
  /// are an error naming line and column, because Dataset and training need finite values.
  bool allow_non_finite = false;
  /// The most bytes gzip input may expand to, checked while inflating (see gunzip).
  /// Plain files are read whole: their memory is bounded by their size.
  std::size_t max_decompressed_bytes = default_max_decompressed_bytes;
};

/// What the first line of a labelled file holds (read_labeled_csv).
enum class LabeledHeader {
  automatic,  ///< decided from the first line: all numbers is data, no numbers is names, two counts then names is
              ///< counts
  none,       ///< no header: the first line is data
  counts,     ///< N_ROWS,N_FEATURES,class names... (scikit-learn's format, used by examples/data)
  names       ///< column names: one per feature, then the label column's
};

/// A numeric CSV file: the values, one matrix row per line, and the column names
/// (empty when the file has no header).
template <class T = double>
struct Table {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> values;  ///< rows x columns
  std::vector<std::string> header;                          ///< column names, or empty
};

/// A labelled data set: one example per row of `features`, its class in `labels`
/// (0 <= label < class_names.size()).
template <class T = double>
struct LabeledData {
  Eigen::Matrix<T, Eigen::Dynamic, Eigen::Dynamic> features;  ///< N x d
  Eigen::VectorXi labels;                                     ///< N class indices
  std::vector<std::string> class_names;                       ///< one per class
  std::vector<std::string> feature_names;                     ///< from a header of column names, else empty
  std::string label_name;  ///< the label column's name from such a header, else empty
};

namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_csv_error(const std::string& where, const std::string& what) {
  throw std::runtime_error("tapegrad: " + where + ": " + what);
}

inline std::string line_column(std::size_t line, std::size_t column) {
  return "line " + std::to_string(line) + ", column " + std::to_string(column);
}

/// A field as shown in a message: quoted, at most 40 characters, control and non-ASCII
/// bytes as \xHH (a binary file's "field" can be megabytes of anything).
inline std::string shown(std::string_view field) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "'";
  const std::size_t most = 40;
  for (std::size_t i = 0; i < field.size() && i < most; ++i) {
    const auto c = static_cast<unsigned char>(field[i]);
    if (c >= 0x20 && c < 0x7f) {
      s += static_cast<char>(c);
    } else {
      s += "\\x";
      s += digits[c >> 4];
      s += digits[c & 0xfu];
    }
  }
  s += field.size() > most ? "'... (" + std::to_string(field.size()) + " characters)" : "'";
  return s;
}

/// A hint when a field or line suggests another separator than `delimiter`.
inline std::string separator_hint(std::string_view text, char delimiter) {
  if (delimiter != ';' && text.find(';') != std::string_view::npos)
    return " (the file seems to use ';' between fields: set CsvOptions::delimiter = ';')";
  if (delimiter != '\t' && text.find('\t') != std::string_view::npos)
    return " (the file seems to use tabs between fields: set CsvOptions::delimiter = '\\t')";
  if (delimiter != ',' && text.find(',') != std::string_view::npos)
    return " (a decimal comma? numbers must use '.'; or the file uses ',' between fields: set CsvOptions::delimiter = "
           "',')";
  return "";
}

/// Blanks around a field: spaces, carriage returns (CRLF files), and tabs unless they
/// separate fields.
inline bool is_blank(char c, char delimiter) { return c == ' ' || c == '\r' || (c == '\t' && delimiter != '\t'); }

/// `s` without surrounding blanks.
inline std::string_view trim(std::string_view s, char delimiter = ',') {
  while (!s.empty() && is_blank(s.front(), delimiter)) s.remove_prefix(1);
  while (!s.empty() && is_blank(s.back(), delimiter)) s.remove_suffix(1);
  return s;
}

/// The non-blank lines of a CSV text with their 1-based numbers (a UTF-8 byte order
/// mark at the start is skipped).
class CsvLines {
 public:
  CsvLines(std::string_view text, char delimiter) : rest_(text), delimiter_(delimiter) {
    if (rest_.substr(0, 3) == "\xEF\xBB\xBF") rest_.remove_prefix(3);
  }
  /// The next non-blank line and its number; false at the end.
  bool next(std::string_view& line, std::size_t& number) {
    while (!rest_.empty()) {
      const std::size_t newline = rest_.find('\n');
      line = rest_.substr(0, newline);
      rest_.remove_prefix(newline == std::string_view::npos ? rest_.size() : newline + 1);
      number = ++line_;
      if (!trim(line, delimiter_).empty()) return true;
    }
    return false;
  }

 private:
  std::string_view rest_;
  char delimiter_;
  std::size_t line_ = 0;
};

/// The fields of one line, one at a time, without surrounding blanks. A field in double
/// quotes may hold the delimiter, and "" stands for one quote (RFC 4180; a quoted field
/// cannot span lines). Malformed quoting throws, naming line and column.
class FieldCursor {
 public:
  FieldCursor(std::string_view line, std::size_t line_number, char delimiter, const std::string& where)
      : rest_(trim(line, delimiter)), line_(line_number), delimiter_(delimiter), where_(where) {}

  /// The next field (inside its quotes, "" not yet undone); false after the last one.
  bool next(std::string_view& field, bool& quoted) {
    if (done_) return false;
    ++column_;
    while (!rest_.empty() && is_blank(rest_.front(), delimiter_)) rest_.remove_prefix(1);
    quoted = !rest_.empty() && rest_.front() == '"';
    if (!quoted) {
      const std::size_t end = rest_.find(delimiter_);
      field = trim(rest_.substr(0, end), delimiter_);
      if (end == std::string_view::npos) {
        done_ = true;
      } else {
        rest_.remove_prefix(end + 1);
      }
      return true;
    }
    std::size_t close = 1;
    for (;; ++close) {
      close = rest_.find('"', close);
      if (close == std::string_view::npos)
        throw_csv_error(where_, line_column(line_, column_) +
                                    ": a quoted field has no closing quote (a quoted field cannot span lines)");
      if (close + 1 < rest_.size() && rest_[close + 1] == '"') {
        ++close;  // "" inside quotes: one quote character
        continue;
      }
      break;
    }
    field = rest_.substr(1, close - 1);
    rest_.remove_prefix(close + 1);
    while (!rest_.empty() && is_blank(rest_.front(), delimiter_)) rest_.remove_prefix(1);
    if (rest_.empty()) {
      done_ = true;
    } else if (rest_.front() == delimiter_) {
      rest_.remove_prefix(1);
    } else {
      throw_csv_error(where_,
                      line_column(line_, column_) + ": " + shown(rest_) + " follows the closing quote of a field");
    }
    return true;
  }

  /// 1-based number of the field last returned.
  std::size_t column() const noexcept { return column_; }

 private:
  std::string_view rest_;
  std::size_t line_;
  char delimiter_;
  const std::string& where_;
  std::size_t column_ = 0;
  bool done_ = false;
};

/// A field's text with "" turned back into ", for names.
inline std::string unquote(std::string_view field, bool quoted) {
  std::string s;
  s.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    s += field[i];
    if (quoted && field[i] == '"' && i + 1 < field.size() && field[i + 1] == '"') ++i;
  }
  return s;
}

/// The fields of a line as names (header lines).
inline std::vector<std::string> field_names(std::string_view line, std::size_t number, char delimiter,
                                            const std::string& where) {
  std::vector<std::string> names;
  FieldCursor fields(line, number, delimiter, where);
  std::string_view field;
  bool quoted = false;
  while (fields.next(field, quoted)) names.push_back(unquote(field, quoted));
  return names;
}

/// The number of fields of a line, checking its quotes.
inline std::size_t field_count(std::string_view line, std::size_t number, char delimiter, const std::string& where) {
  FieldCursor fields(line, number, delimiter, where);
  std::string_view field;
  bool quoted = false;
  std::size_t n = 0;
  while (fields.next(field, quoted)) ++n;
  return n;
}

/// Outcome of parsing one field as a number.
enum class NumberStatus { ok, not_a_number, out_of_range, non_finite };

/// True if the number spelled by `s` (a valid decimal literal) is below 1 in magnitude:
/// then a value std::from_chars finds out of range underflows rather than overflows.
inline bool below_one(std::string_view s) {
  std::size_t i = 0;
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool nonzero = false;
  long long leading = 0;  // decimal exponent of the first nonzero digit, before the 'e'
  long long integer_digits = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    if (!nonzero && s[i] != '0') {
      nonzero = true;
      leading = -integer_digits;  // fixed up below, once the integer part's length is known
    }
    ++integer_digits;
  }
  if (nonzero) leading += integer_digits - 1;
  if (i < s.size() && s[i] == '.') {
    long long k = 0;
    for (++i; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
      ++k;
      if (!nonzero && s[i] != '0') {
        nonzero = true;
        leading = -k;
      }
    }
  }
  if (!nonzero) return true;
  long long exponent = 0;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    const bool negative = i < s.size() && s[i] == '-';
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i)
      if (exponent < 1000000000000LL) exponent = exponent * 10 + (s[i] - '0');  // saturates: far past any type's range
    if (negative) exponent = -exponent;
  }
  return leading + exponent < 0;
}

/// Parses the whole of `s` as a T. std::from_chars where the library has it for T
/// (locale-independent and correctly rounded); otherwise a stream imbued with the classic
/// locale, so a user's global locale cannot turn "1.5" into 1. A value too small for T
/// becomes the nearest value, +-0 (as strtod does); one too large is out_of_range;
/// nan and inf parse but are reported as non_finite.
template <class T>
NumberStatus parse_number(std::string_view s, T& value) {
  if (!s.empty() && s.front() == '+') {  // from_chars does not take a leading '+'
    s.remove_prefix(1);
    if (!s.empty() && (s.front() == '-' || s.front() == '+')) return NumberStatus::not_a_number;
  }
  if (s.empty()) return NumberStatus::not_a_number;
#if !defined(__cpp_lib_to_chars)
  if constexpr (std::is_floating_point_v<T>) {
    std::istringstream in{std::string(s)};
    in.imbue(std::locale::classic());
    in >> value;
    const bool whole = in.peek() == std::char_traits<char>::eof();
    if (!in.fail()) return whole ? NumberStatus::ok : NumberStatus::not_a_number;
    if (whole && std::abs(value) == std::numeric_limits<T>::max()) return NumberStatus::out_of_range;
    return NumberStatus::not_a_number;
  } else
#endif
  {
    // Floating-point from_chars gets a NUL-terminated copy: libstdc++ 12 parses long
    // double through strtold and reads past the end of an unterminated "nan" (found by
    // tests/fuzz/fuzz_csv.cpp under AddressSanitizer).
    char small[64];
    std::string large;
    const char* first = s.data();
    if constexpr (std::is_floating_point_v<T>) {
      if (s.size() < sizeof small) {
        s.copy(small, s.size());
        small[s.size()] = '\0';
        first = small;
      } else {
        large.assign(s);
        first = large.c_str();
      }
    }
    const char* last = first + s.size();
    T parsed{};
    const auto [end, error] = std::from_chars(first, last, parsed);
    if (end != last) return NumberStatus::not_a_number;
    if (error == std::errc::result_out_of_range) {
      if constexpr (std::is_floating_point_v<T>) {
        if (below_one(s)) {
          value = s.front() == '-' ? -T(0) : T(0);
          return NumberStatus::ok;
        }
      }
      return NumberStatus::out_of_range;
    }
    if (error != std::errc()) return NumberStatus::not_a_number;
    value = parsed;
    if constexpr (std::is_floating_point_v<T>) {
      if (!std::isfinite(parsed)) return NumberStatus::non_finite;
    }
    return NumberStatus::ok;
  }
}

/// The name of T in messages.
template <class T>
const char* type_name() {
  if constexpr (std::is_same_v<T, float>) return "float";
  if constexpr (std::is_same_v<T, double>) return "double";
  if constexpr (std::is_same_v<T, long double>) return "long double";
  if constexpr (std::is_same_v<T, int>) return "int";
  if constexpr (std::is_same_v<T, long>) return "long";
  if constexpr (std::is_same_v<T, long long>) return "long long";
  return "the requested type";
}

/// The largest finite T in messages (fixed text: streams and printf follow the locale).
template <class T>
std::string largest_text() {
  if constexpr (std::is_same_v<T, float>) return "3.40282e+38";
  if constexpr (std::is_same_v<T, double>) return "1.79769e+308";
  if constexpr (std::is_same_v<T, long double>) {
    if (std::numeric_limits<long double>::max_exponent == 16384) return "1.18973e+4932";
    return "1.79769e+308";
  }
  if constexpr (std::is_integral_v<T>) return std::to_string(std::numeric_limits<T>::max());
  return "its largest value";
}

/// Parses one field into `value`, or throws naming line and column.
template <class T>
void parse_cell(std::string_view field, T& value, std::size_t line, std::size_t column, const CsvOptions& options,
                const std::string& where) {
  const NumberStatus status = parse_number(field, value);
  if (status == NumberStatus::ok || (status == NumberStatus::non_finite && options.allow_non_finite)) return;
  std::string what = line_column(line, column) + ": " + shown(field);
  switch (status) {
    case NumberStatus::out_of_range:
      what += std::string(" is out of range for ") + type_name<T>() + " (largest: " + largest_text<T>() + ")";
      break;
    case NumberStatus::non_finite:
      what +=
          " is not a finite number (NaN and infinity are errors by default, since Dataset and training need "
          "finite values; set CsvOptions::allow_non_finite to read them)";
      break;
    default:
      if constexpr (std::is_integral_v<T>) {
        what += std::string(" is not an integer (reading into ") + type_name<T>() + ")";
      } else {
        what += field.empty() ? " is not a number (empty field)" : " is not a number";
      }
      what += separator_hint(field, options.delimiter);
  }
  throw_csv_error(where, what);
}

/// Throws std::invalid_argument for a delimiter that cannot separate fields.
inline void check_options(const CsvOptions& options) {
  const char d = options.delimiter;
  if (d == '"' || d == '\n' || d == '\r' || d == '\0' || d == '.' || d == '-' || d == '+' || (d >= '0' && d <= '9'))
    throw std::invalid_argument(
        std::string("tapegrad: CsvOptions::delimiter cannot be ") +
        (d == '\n'   ? "a newline"
         : d == '\r' ? "a carriage return"
         : d == '\0' ? "NUL"
                     : "'" + std::string(1, d) + "'") +
        " (it would split lines, quotes or numbers); use ',', ';', '\\t', ' ' or another separator");
}

/// What a first pass over a CSV text found: the header's names, and the data lines'
/// count and width (every data line has `width` fields, or the pass threw).
struct CsvShape {
  std::vector<std::string> header;
  std::size_t header_line = 0;  ///< 0 without a header
  std::size_t rows = 0;
  std::size_t width = 0;
  std::size_t width_line = 0;  ///< the line that set the width
};

/// The first pass: reads the header line if `has_header` (and with `header_sets_width`
/// takes the width from it), counts the data lines and checks that they all have the
/// same number of fields. Allocates nothing per data line.
inline CsvShape scan_csv(std::string_view text, bool has_header, bool header_sets_width, const CsvOptions& options,
                         const std::string& where) {
  CsvShape shape;
  CsvLines lines(text, options.delimiter);
  std::string_view line;
  std::size_t number = 0;
  if (has_header && lines.next(line, number)) {
    shape.header = field_names(line, number, options.delimiter, where);
    shape.header_line = number;
    if (header_sets_width) {
      shape.width = shape.header.size();
      shape.width_line = number;
    }
  }
  while (lines.next(line, number)) {
    const std::size_t n = field_count(line, number, options.delimiter, where);
    if (shape.width == 0) {
      shape.width = n;
      shape.width_line = number;
    } else if (n != shape.width) {
      throw_csv_error(where, "line " + std::to_string(number) + " has " + std::to_string(n) + " fields but line " +
                                 std::to_string(shape.width_line) + " has " + std::to_string(shape.width) +
                                 " (ragged row)" + separator_hint(line, options.delimiter));
    }
    ++shape.rows;
  }
  return shape;
}

/// The second pass: calls cell(row, column, field, line) for every data field, in order
/// (column is 0-based here; messages use 1-based columns).
template <class Cell>
void for_each_cell(std::string_view text, const CsvShape& shape, const CsvOptions& options, const std::string& where,
                   Cell&& cell) {
  CsvLines lines(text, options.delimiter);
  std::string_view line;
  std::size_t number = 0;
  if (shape.header_line != 0) lines.next(line, number);
  for (std::size_t row = 0; lines.next(line, number); ++row) {
    FieldCursor fields(line, number, options.delimiter, where);
    std::string_view field;
    bool quoted = false;
    for (std::size_t column = 0; fields.next(field, quoted); ++column) cell(row, column, field, number);
  }
}

/// parse_csv with the file named `where` in messages.
template <class T>
Table<T> parse_csv_text(std::string_view text, bool has_header, const CsvOptions& options, const std::string& where) {
  static_assert(std::is_arithmetic_v<T>, "CSV values are read into an arithmetic type");
  check_options(options);
  CsvShape shape = scan_csv(text, has_header, true, options, where);
  Table<T> table;
  table.header = std::move(shape.header);
  table.values.resize(static_cast<Eigen::Index>(shape.rows), static_cast<Eigen::Index>(shape.width));
  for_each_cell(text, shape, options, where,
                [&](std::size_t row, std::size_t column, std::string_view field, std::size_t line) {
                  parse_cell(field, table.values(static_cast<Eigen::Index>(row), static_cast<Eigen::Index>(column)),
                             line, column + 1, options, where);
                });
  return table;
}

/// A non-negative count written in a header field, or false.
inline bool parse_count(std::string_view field, std::uint64_t& count) {
  const char* last = field.data() + field.size();
  const auto [end, error] = std::from_chars(field.data(), last, count);
  return error == std::errc() && end == last && !field.empty();
}

/// The header kind of a labelled text, decided from its first non-blank line: all
/// numbers is data (unless it starts with two counts and has another width than the next
/// line: N_ROWS,N_FEATURES and numeric class names), no numbers is column names, two
/// counts and then only names is N_ROWS,N_FEATURES,class names...; anything else is an
/// error naming the first field that is not a number. Stores nothing per field.
inline LabeledHeader detect_labeled_header(std::string_view text, const CsvOptions& options, const std::string& where) {
  CsvLines lines(text, options.delimiter);
  std::string_view line;
  std::size_t number = 0;
  if (!lines.next(line, number)) return LabeledHeader::none;
  FieldCursor fields(line, number, options.delimiter, where);
  std::string_view field, first_text;
  bool quoted = false, starts_with_counts = true;
  std::size_t count = 0, numbers = 0, first_text_column = 0;
  while (fields.next(field, quoted)) {
    double value = 0;
    const bool is_number = parse_number(field, value) != NumberStatus::not_a_number;
    std::uint64_t n = 0;
    if (count < 2 && !parse_count(field, n)) starts_with_counts = false;
    if (is_number) {
      ++numbers;
    } else if (first_text_column == 0) {
      first_text = field;
      first_text_column = count + 1;
    }
    ++count;
  }
  starts_with_counts = starts_with_counts && count >= 3;
  if (numbers == count) {
    std::string_view next;
    std::size_t next_number = 0;
    if (starts_with_counts && lines.next(next, next_number) &&
        field_count(next, next_number, options.delimiter, where) != count)
      return LabeledHeader::counts;
    return LabeledHeader::none;
  }
  if (numbers == 0) return LabeledHeader::names;
  if (starts_with_counts && numbers == 2) return LabeledHeader::counts;
  throw_csv_error(where, line_column(number, first_text_column) + ": " + shown(first_text) +
                             (first_text.empty() ? " is not a number (empty field)" : " is not a number") +
                             separator_hint(line, options.delimiter) + "; line " + std::to_string(number) +
                             " mixes numbers and text, so it is neither data nor a header (a header of column names "
                             "has no numbers; N_ROWS,N_FEATURES,class names... starts with two counts; pass "
                             "LabeledHeader::names or LabeledHeader::counts to say which it is)");
}

/// parse_labeled_csv with the file named `where` in messages.
template <class T>
LabeledData<T> parse_labeled_text(std::string_view text, const CsvOptions& options, LabeledHeader header,
                                  const std::string& where) {
  static_assert(std::is_arithmetic_v<T>, "features are read into an arithmetic type");
  check_options(options);
  if (header == LabeledHeader::automatic) header = detect_labeled_header(text, options, where);
  CsvShape shape = scan_csv(text, header != LabeledHeader::none, header == LabeledHeader::names, options, where);
  if (shape.rows == 0) throw_csv_error(where, "no data rows");
  if (shape.width < 2) {
    CsvLines lines(text, options.delimiter);
    std::string_view line;
    std::size_t number = 0;
    while (lines.next(line, number) && number <= shape.header_line) {
    }
    throw_csv_error(where, "needs feature columns and a label column, but rows have " + std::to_string(shape.width) +
                               " field" + separator_hint(line, options.delimiter));
  }
  const std::size_t features = shape.width - 1;

  LabeledData<T> result;
  std::size_t label_bound = shape.rows;  // without class names: K <= N
  if (header == LabeledHeader::counts) {
    std::uint64_t n_rows = 0, n_features = 0;
    if (shape.header.size() < 3 || !parse_count(shape.header[0], n_rows) || !parse_count(shape.header[1], n_features))
      throw_csv_error(where,
                      "line " + std::to_string(shape.header_line) +
                          " must be a header N_ROWS,N_FEATURES,class names... (two counts, then at least one name)");
    if (n_rows != shape.rows)
      throw_csv_error(
          where, "the header says " + std::to_string(n_rows) + " rows but the file has " + std::to_string(shape.rows));
    if (n_features != features)
      throw_csv_error(where, "the header says " + std::to_string(n_features) + " features but the rows have " +
                                 std::to_string(features) + " (plus the label)");
    result.class_names.assign(shape.header.begin() + 2, shape.header.end());
    label_bound = result.class_names.size();
  } else if (header == LabeledHeader::names) {
    result.feature_names.assign(shape.header.begin(), shape.header.end() - 1);
    result.label_name = shape.header.back();
  }

  const auto rows = static_cast<Eigen::Index>(shape.rows);
  result.features.resize(rows, static_cast<Eigen::Index>(features));
  result.labels.resize(rows);
  int max_label = -1;
  for_each_cell(
      text, shape, options, where, [&](std::size_t row, std::size_t column, std::string_view field, std::size_t line) {
        const auto r = static_cast<Eigen::Index>(row);
        if (column < features) {
          parse_cell(field, result.features(r, static_cast<Eigen::Index>(column)), line, column + 1, options, where);
          return;
        }
        double v = 0;
        const NumberStatus status = parse_number(field, v);
        const std::string at = line_column(line, column + 1) + ": label ";
        if (status == NumberStatus::not_a_number)
          throw_csv_error(where, at + shown(field) + " is not a number" + separator_hint(field, options.delimiter));
        // '<' keeps the cast to int defined.
        if (status != NumberStatus::ok || !(v >= 0 && v < 2147483647.0 && std::floor(v) == v))
          throw_csv_error(where, at + std::string(field.substr(0, 40)) + " is not a non-negative integer");
        if (v >= static_cast<double>(label_bound)) {
          if (header == LabeledHeader::counts)
            throw_csv_error(where, at + std::string(field.substr(0, 40)) + " but the header names only " +
                                       std::to_string(label_bound) + " classes");
          throw_csv_error(where, at + std::string(field.substr(0, 40)) + " is not below the number of rows (" +
                                     std::to_string(label_bound) +
                                     "): without class names, the classes are 0..K-1 with K <= N; a header "
                                     "N_ROWS,N_FEATURES,class names... can name more classes than rows");
        }
        const int label = static_cast<int>(v);
        result.labels[r] = label;
        if (label > max_label) max_label = label;
      });
  if (header != LabeledHeader::counts)
    for (int k = 0; k <= max_label; ++k) result.class_names.push_back(std::to_string(k));
  return result;
}

}  // namespace detail

/// Parses numeric CSV text: one row per line, fields separated by options.delimiter
/// (',' by default), blank lines skipped, CRLF and a UTF-8 byte order mark accepted,
/// fields may be double-quoted; with `has_header` the first line holds the column names.
/// Throws std::runtime_error naming line and column for a bad, out-of-range or non-finite
/// number (nan/inf: see CsvOptions::allow_non_finite), a ragged row or bad quoting, and
/// std::invalid_argument for a delimiter that cannot separate fields ('"', a digit, ...).
template <class T = double>
Table<T> parse_csv(std::string_view text, bool has_header, const CsvOptions& options = {}) {
  return detail::parse_csv_text<T>(text, has_header, options, "parse_csv");
}

/// parse_csv on the file at `path` (gunzipped if it is gzip); messages name the path.
template <class T = double>
Table<T> read_csv(const std::string& path, bool has_header, const CsvOptions& options = {}) {
  return detail::parse_csv_text<T>(read_file(path, options.max_decompressed_bytes), has_header, options, path);
}

/// Parses a labelled data set from text: each data line holds the features, then an
/// integer label >= 0. The first line may be a header (`header`, LabeledHeader::automatic
/// by default): "N_ROWS,N_FEATURES,class names..." (the counts are checked against the
/// data, and labels must index the class names), or column names (kept in
/// feature_names and label_name). Without class names the classes are "0", "1", ... up to
/// the largest label, which must be below the number of rows. Errors name line and column.
template <class T = double>
LabeledData<T> parse_labeled_csv(std::string_view text, const CsvOptions& options = {},
                                 LabeledHeader header = LabeledHeader::automatic) {
  return detail::parse_labeled_text<T>(text, options, header, "parse_labeled_csv");
}

/// parse_labeled_csv on the file at `path` (gunzipped if it is gzip), e.g. the data
/// sets of examples/data; messages name the path.
template <class T = double>
LabeledData<T> read_labeled_csv(const std::string& path, const CsvOptions& options = {},
                                LabeledHeader header = LabeledHeader::automatic) {
  return detail::parse_labeled_text<T>(read_file(path, options.max_decompressed_bytes), options, header, path);
}

}  // namespace tapegrad::io
