// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// libFuzzer target: parse_labeled_csv, then classification_dataset, on arbitrary text.
// The first byte chooses the options (delimiter, non-finite values allowed, header kind)
// and the feature type; the rest is the text. A std::runtime_error is a fine answer to bad
// input; anything else is a finding, as is a result that breaks a promise (checked below):
// labels inside the classes, and classes from the class names or the labels present (never
// more than the rows without names). Built and run by run_reader_fuzzers.sh.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string_view>

#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/dataset.hpp"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_labeled_csv: broken promise: %s\n", what);
    std::abort();
  }
}

template <class T>
void parse_and_check(std::string_view text, const tapegrad::io::CsvOptions& options,
                     tapegrad::io::LabeledHeader header) {
  tapegrad::io::LabeledData<T> d;
  try {
    d = tapegrad::io::parse_labeled_csv<T>(text, options, header);
  } catch (const std::runtime_error&) {
    return;
  }
  const Eigen::Index rows = d.features.rows(), cols = d.features.cols();
  require(rows >= 1 && cols >= 1, "an empty data set was returned");
  require(d.labels.size() == rows, "one label per row");
  require(static_cast<std::size_t>(rows * (cols + 1)) <= text.size(), "more values than bytes of text");
  const auto classes = static_cast<Eigen::Index>(d.class_names.size());
  for (Eigen::Index r = 0; r < rows; ++r)
    require(d.labels[r] >= 0 && d.labels[r] < classes, "a label outside the classes");
  if (d.label_name.empty() && d.feature_names.empty()) {
    // No names header: the classes are the header's class names, or 0..max label <= N.
    require(classes <= rows || d.class_names.size() <= text.size(), "more classes than rows and header names");
  } else {
    require(d.feature_names.size() == static_cast<std::size_t>(cols), "one feature name per column");
    require(classes <= rows, "more classes than rows without class names");
  }
  if (!options.allow_non_finite) {
    for (Eigen::Index i = 0; i < d.features.size(); ++i)
      require(std::isfinite(static_cast<double>(d.features.data()[i])), "a non-finite value was accepted");
    const auto data = tapegrad::optim::classification_dataset(d);  // must not throw: the reader checked it all
    require(data.class_count() == classes && data.size() == rows, "classification_dataset disagrees with the reader");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const unsigned flags = data[0];
  tapegrad::io::CsvOptions options;
  options.delimiter = ",;\t "[flags & 3u];
  options.allow_non_finite = (flags & 4u) != 0;
  const auto header = static_cast<tapegrad::io::LabeledHeader>((flags >> 3) & 3u);
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  if ((flags & 32u) != 0) {
    parse_and_check<float>(text, options, header);
  } else {
    parse_and_check<double>(text, options, header);
  }
  return 0;
}
