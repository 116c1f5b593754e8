// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// libFuzzer target: parse_csv on arbitrary text. The first byte chooses the options
// (delimiter, non-finite values allowed, header) and the value type; the rest is the text.
// A std::runtime_error is a fine answer to bad input; anything else is a finding: a crash,
// a sanitizer report, another exception, memory beyond the RSS limit, or a result that
// breaks what parse_csv promises (checked below). Built and run by run_reader_fuzzers.sh.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>
#include <type_traits>

#include "tapegrad/io/csv.hpp"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_csv: broken promise: %s\n", what);
    std::abort();
  }
}

template <class T>
void parse_and_check(std::string_view text, bool has_header, const tapegrad::io::CsvOptions& options) {
  tapegrad::io::Table<T> table;
  try {
    table = tapegrad::io::parse_csv<T>(text, has_header, options);
  } catch (const std::runtime_error&) {
    return;
  }
  const auto& v = table.values;
  // Memory bounded by the input: every value needs at least one byte of text.
  require(static_cast<std::size_t>(v.size()) <= text.size(), "more values than bytes of text");
  if (has_header) {
    require(table.header.size() == static_cast<std::size_t>(v.cols()), "header width differs from the data");
  } else {
    require(table.header.empty(), "a header without has_header");
  }
  if constexpr (std::is_floating_point_v<T>) {
    if (!options.allow_non_finite)
      for (Eigen::Index i = 0; i < v.size(); ++i)
        require(std::isfinite(v.data()[i]), "a non-finite value was accepted");
  }
  // The same text parses to the same values: equal, with the same sign, or both NaN.
  // (Not memcmp: long double's 80-bit values leave 6 bytes of padding undefined.)
  const auto again = tapegrad::io::parse_csv<T>(text, has_header, options);
  require(again.values.rows() == v.rows() && again.values.cols() == v.cols(), "a second parse has another shape");
  for (Eigen::Index i = 0; i < v.size(); ++i) {
    const T a = v.data()[i], b = again.values.data()[i];
    if constexpr (std::is_floating_point_v<T>) {
      require((a == b && std::signbit(a) == std::signbit(b)) || (std::isnan(a) && std::isnan(b)),
              "a second parse has other values");
    } else {
      require(a == b, "a second parse has other values");
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  tapegrad::io::CsvOptions options;
  options.delimiter = ",;\t "[flags & 3u];
  options.allow_non_finite = (flags & 4u) != 0;
  const bool has_header = (flags & 8u) != 0;
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  switch ((flags >> 4) & 3u) {
    case 0:
      parse_and_check<double>(text, has_header, options);
      break;
    case 1:
      parse_and_check<float>(text, has_header, options);
      break;
    case 2:
      parse_and_check<int>(text, has_header, options);
      break;
    default:
      parse_and_check<long double>(text, has_header, options);
      break;
  }
  return 0;
}
