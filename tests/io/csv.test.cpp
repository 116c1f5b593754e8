// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// parse_csv, read_csv and read_labeled_csv: small texts, the three real data sets of
// examples/data, and the messages for bad input.

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <cstring>
#include <limits>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>

#include "catch_compat.hpp"
#include "hostile_inputs.hpp"
#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/dataset.hpp"

#ifndef TAPEGRAD_DATA_DIR
#error "TAPEGRAD_DATA_DIR must name examples/data (set by tests/CMakeLists.txt)"
#endif

using tapegrad::io::CsvOptions;
using tapegrad::io::LabeledHeader;
using tapegrad::io::parse_csv;
using tapegrad::io::parse_labeled_csv;
using tapegrad::io::read_csv;
using tapegrad::io::read_labeled_csv;
using tapegrad_io_test::TempFile;

namespace {

std::string data_file(const char* name) { return std::string(TAPEGRAD_DATA_DIR) + "/" + name; }

}  // namespace

TEST_CASE("parse_csv reads numbers, header, blank lines and CRLF", "[io][csv]") {
  const auto t = parse_csv("x, \"y\"\r\n1,2\r\n\r\n 3.5 , -4e2\r\n+7,0.125", true);
  REQUIRE(t.values.rows() == 3);
  REQUIRE(t.values.cols() == 2);
  CHECK(t.header == std::vector<std::string>{"x", "y"});
  CHECK(t.values(0, 0) == 1.0);
  CHECK(t.values(0, 1) == 2.0);
  CHECK(t.values(1, 0) == 3.5);
  CHECK(t.values(1, 1) == -400.0);
  CHECK(t.values(2, 0) == 7.0);
  CHECK(t.values(2, 1) == 0.125);

  const auto no_header = parse_csv("1,2,3\n4,5,6\n", false);
  CHECK(no_header.header.empty());
  CHECK(no_header.values.rows() == 2);
  CHECK(no_header.values.cols() == 3);
  CHECK(no_header.values(1, 2) == 6.0);

  CHECK(parse_csv("", false).values.size() == 0);
  const auto only_header = parse_csv("a,b,c\n", true);
  CHECK(only_header.values.rows() == 0);
  CHECK(only_header.values.cols() == 3);
}

TEST_CASE("parse_csv parses into the requested scalar type", "[io][csv]") {
  CHECK(parse_csv<float>("0.1", false).values(0, 0) == 0.1f);
  CHECK(parse_csv<double>("0.1", false).values(0, 0) == 0.1);
  CHECK(parse_csv<long double>("0.1", false).values(0, 0) == 0.1L);
  CHECK(parse_csv<int>("-12,7", false).values(0, 0) == -12);
}

TEST_CASE("parse_csv names line and column of a bad number or a ragged row", "[io][csv]") {
  CHECK_THROWS_WITH(parse_csv("a,b\n1,2\n3,x\n", true),
                    ContainsSubstring("parse_csv: line 3, column 2: 'x' is not a number"));
  CHECK_THROWS_WITH(parse_csv("1,2\n\n1,2,3\n", false),
                    ContainsSubstring("line 3 has 3 fields but line 1 has 2 (ragged row)"));
  CHECK_THROWS_WITH(parse_csv("a,b,c\n1,2\n", true), ContainsSubstring("line 2 has 2 fields but line 1 has 3"));
  CHECK_THROWS_WITH(parse_csv("1,2,\n", false),
                    ContainsSubstring("line 1, column 3: '' is not a number (empty field)"));
  CHECK_THROWS_WITH(parse_csv("1.5.2\n", false), ContainsSubstring("line 1, column 1: '1.5.2'"));
  CHECK_THROWS_WITH(parse_csv("+-1\n", false), ContainsSubstring("'+-1' is not a number"));
  CHECK_THROWS_WITH(parse_csv("1 2\n", false), ContainsSubstring("'1 2' is not a number"));
  CHECK_THROWS_WITH(parse_csv<int>("1.5\n", false), ContainsSubstring("'1.5' is not an integer (reading into int)"));
}

TEST_CASE("read_csv reads files, gzip or not, and names the path in errors", "[io][csv]") {
  const auto iris = read_csv(data_file("iris.csv"), true);  // header and rows both have 5 fields
  CHECK(iris.values.rows() == 150);
  CHECK(iris.values.cols() == 5);
  CHECK(iris.header == std::vector<std::string>{"150", "4", "setosa", "versicolor", "virginica"});

  const auto digits = read_csv(data_file("digits.csv.gz"), false);
  CHECK(digits.values.rows() == 1797);
  CHECK(digits.values.cols() == 65);

  // Read as a plain CSV, breast_cancer.csv's header (4 fields) does not fit its rows (31).
  CHECK_THROWS_WITH(read_csv(data_file("breast_cancer.csv"), true),
                    ContainsSubstring("breast_cancer.csv: line 2 has 31 fields but line 1 has 4"));
  CHECK_THROWS_WITH(read_csv(data_file("no_such_file.csv"), false), ContainsSubstring("cannot open"));
  CHECK_THROWS_WITH(read_csv(TAPEGRAD_DATA_DIR, false), ContainsSubstring("examples/data': it is a directory"));
}

TEST_CASE("read_labeled_csv: digits.csv.gz", "[io][csv]") {
  const auto d = read_labeled_csv(data_file("digits.csv.gz"));
  REQUIRE(d.features.rows() == 1797);
  REQUIRE(d.features.cols() == 64);
  REQUIRE(d.labels.size() == 1797);
  CHECK(d.features.minCoeff() == 0.0);
  CHECK(d.features.maxCoeff() == 16.0);
  CHECK(d.labels.minCoeff() == 0);
  CHECK(d.labels.maxCoeff() == 9);
  CHECK(d.class_names == std::vector<std::string>{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"});
  CHECK(d.features(0, 2) == 5.0);
  CHECK(d.features(0, 3) == 13.0);
  CHECK(d.labels(0) == 0);
  CHECK(d.labels(1796) == 8);
  CHECK(d.features.sum() == 561718.0);
  CHECK((d.labels.array() == 3).count() == 183);
}

TEST_CASE("read_labeled_csv: breast_cancer.csv", "[io][csv]") {
  const auto d = read_labeled_csv(data_file("breast_cancer.csv"));
  REQUIRE(d.features.rows() == 569);
  REQUIRE(d.features.cols() == 30);
  CHECK(d.class_names == std::vector<std::string>{"malignant", "benign"});
  CHECK(d.labels.minCoeff() == 0);
  CHECK(d.labels.maxCoeff() == 1);
  CHECK((d.labels.array() == 0).count() == 212);
  CHECK((d.labels.array() == 1).count() == 357);
  CHECK(d.features(0, 0) == 17.99);
  CHECK(d.features(0, 29) == 0.1189);
  CHECK(d.features(568, 1) == 24.54);
  CHECK(d.features.col(0).maxCoeff() == 28.11);
}

TEST_CASE("read_labeled_csv: iris.csv, also as float", "[io][csv]") {
  const auto d = read_labeled_csv(data_file("iris.csv"));
  REQUIRE(d.features.rows() == 150);
  REQUIRE(d.features.cols() == 4);
  CHECK(d.class_names == std::vector<std::string>{"setosa", "versicolor", "virginica"});
  for (int k = 0; k < 3; ++k) CHECK((d.labels.array() == k).count() == 50);
  CHECK(d.features(0, 0) == 5.1);
  CHECK(d.features(0, 3) == 0.2);
  CHECK(d.features(149, 2) == 5.1);

  const auto f = read_labeled_csv<float>(data_file("iris.csv"));
  CHECK(f.features(0, 0) == 5.1f);
  CHECK(f.labels == d.labels);
}

TEST_CASE("read_labeled_csv checks the header against the data", "[io][csv]") {
  const TempFile rows("rows.csv", "3,2,a,b\n1,2,0\n3,4,1\n");
  CHECK_THROWS_WITH(read_labeled_csv(rows.path()), ContainsSubstring("the header says 3 rows but the file has 2"));
  const TempFile features("features.csv", "2,3,a,b\n1,2,0\n3,4,1\n");
  CHECK_THROWS_WITH(read_labeled_csv(features.path()),
                    ContainsSubstring("the header says 3 features but the rows have 2"));
  const TempFile label_range("range.csv", "2,2,a,b\n1,2,0\n3,4,2\n");
  CHECK_THROWS_WITH(read_labeled_csv(label_range.path()),
                    ContainsSubstring("line 3, column 3: label 2 but the header names only 2 classes"));
  const TempFile fractional("fractional.csv", "1,2,0.5\n");
  CHECK_THROWS_WITH(read_labeled_csv(fractional.path()),
                    ContainsSubstring("line 1, column 3: label 0.5 is not a non-negative integer"));
  const TempFile negative("negative.csv", "1,2,-1\n");
  CHECK_THROWS_WITH(read_labeled_csv(negative.path()), ContainsSubstring("label -1 is not a non-negative integer"));
  const TempFile bad_header("header.csv", "many,2,a,b\n1,2,0\n");
  CHECK_THROWS_WITH(read_labeled_csv(bad_header.path()),
                    ContainsSubstring("line 1, column 1: 'many' is not a number; line 1 mixes numbers and text"));
  CHECK_THROWS_WITH(read_labeled_csv(bad_header.path(), {}, LabeledHeader::counts),
                    ContainsSubstring("line 1 must be a header N_ROWS,N_FEATURES,class names..."));
  const TempFile one_column("one.csv", "1\n2\n");
  CHECK_THROWS_WITH(read_labeled_csv(one_column.path()), ContainsSubstring("a label column"));
  const TempFile empty("empty.csv", "\n");
  CHECK_THROWS_WITH(read_labeled_csv(empty.path()), ContainsSubstring("no data rows"));
  const TempFile bad_value("value.csv", "2,2,a,b\n1,2,0\n3,oops,1\n");
  CHECK_THROWS_WITH(read_labeled_csv(bad_value.path()),
                    ContainsSubstring("value.csv: line 3, column 2: 'oops' is not a number"));

  const TempFile good("good.csv", "2,2,a,b\n1,2,0\n3,4,1\n");
  const auto d = read_labeled_csv(good.path());
  CHECK(d.features.rows() == 2);
  CHECK(d.labels(1) == 1);
}

// Issue 12, "what a new user tripped over": each of these failed before.

TEST_CASE("nan and inf cells are errors naming line and column, unless asked for", "[io][csv]") {
  CHECK_THROWS_WITH(parse_csv("1,2\n3,nan\n", false),
                    ContainsSubstring("parse_csv: line 2, column 2: 'nan' is not a finite number") &&
                        ContainsSubstring("CsvOptions::allow_non_finite"));
  CHECK_THROWS_WITH(parse_csv("inf\n", false), ContainsSubstring("line 1, column 1: 'inf' is not a finite number"));
  CHECK_THROWS_WITH(parse_csv("1,-Infinity\n", false), ContainsSubstring("column 2: '-Infinity' is not a finite"));
  CHECK_THROWS_WITH(parse_csv<float>("NaN\n", false), ContainsSubstring("'NaN' is not a finite number"));
  const TempFile labeled("nan.csv", "2,2,a,b\n1,2,0\n3,nan,1\n");
  CHECK_THROWS_WITH(read_labeled_csv(labeled.path()),
                    ContainsSubstring("nan.csv: line 3, column 2: 'nan' is not a finite number"));
  CHECK_THROWS_WITH(parse_labeled_csv("1,2,nan\n", {}, LabeledHeader::none),
                    ContainsSubstring("line 1, column 3: label nan is not a non-negative integer"));

  CsvOptions allow;
  allow.allow_non_finite = true;
  const auto t = parse_csv("nan,inf,-inf,1\n", false, allow);
  CHECK(std::isnan(t.values(0, 0)));
  CHECK(t.values(0, 1) == std::numeric_limits<double>::infinity());
  CHECK(t.values(0, 2) == -std::numeric_limits<double>::infinity());
  CHECK(t.values(0, 3) == 1.0);
  CHECK_THROWS_WITH(parse_csv<int>("nan\n", false, allow), ContainsSubstring("'nan' is not an integer"));
}

TEST_CASE("a number out of range says so and names the type; one too small becomes 0", "[io][csv]") {
  CHECK_THROWS_WITH(parse_csv("1,1e999\n", false),
                    ContainsSubstring("line 1, column 2: '1e999' is out of range for double (largest: 1.79769e+308)"));
  CHECK_THROWS_WITH(parse_csv("-1e999\n", false), ContainsSubstring("'-1e999' is out of range for double"));
  CHECK_THROWS_WITH(parse_csv<float>("1e39\n", false),
                    ContainsSubstring("'1e39' is out of range for float (largest: 3.40282e+38)"));
  CHECK_THROWS_WITH(parse_csv<int>("99999999999\n", false),
                    ContainsSubstring("'99999999999' is out of range for int (largest: 2147483647)"));
  CHECK_THROWS_WITH(parse_csv("123456789e302\n", false), ContainsSubstring("out of range"));
  CsvOptions allow;  // out of range is not infinity, even when infinities are allowed
  allow.allow_non_finite = true;
  CHECK_THROWS_WITH(parse_csv("1e999\n", false, allow), ContainsSubstring("out of range"));

  // Too small to represent: the nearest double, zero with the number's sign (as strtod).
  const auto t = parse_csv("1e-400,-1e-400,0.0000001e-320,1e-310,4.9e-324\n", false);
  CHECK(t.values(0, 0) == 0.0);
  CHECK_FALSE(std::signbit(t.values(0, 0)));
  CHECK(t.values(0, 1) == 0.0);
  CHECK(std::signbit(t.values(0, 1)));
  CHECK(t.values(0, 2) == 0.0);
  CHECK(t.values(0, 3) == 1e-310);  // subnormal, kept
  CHECK(t.values(0, 4) == std::numeric_limits<double>::denorm_min());
  CHECK(parse_csv<float>("1e-50\n", false).values(0, 0) == 0.0f);
}

TEST_CASE("a bad value on line 1 names its column", "[io][csv]") {
  CHECK_THROWS_WITH(parse_csv("1,x\n", false), ContainsSubstring("line 1, column 2: 'x' is not a number"));
  const TempFile first_line("first.csv", "1.0,abc,0\n2,3,1\n");
  CHECK_THROWS_WITH(read_labeled_csv(first_line.path()),
                    ContainsSubstring("first.csv: line 1, column 2: 'abc' is not a number"));
  CHECK_THROWS_WITH(read_labeled_csv(first_line.path(), {}, LabeledHeader::none),
                    ContainsSubstring("line 1, column 2: 'abc' is not a number"));
  // Shown fields are cut to 40 characters and control bytes escaped.
  CHECK_THROWS_WITH(parse_csv("1," + std::string(100, 'y') + "\n", false),
                    ContainsSubstring("'" + std::string(40, 'y') + "'... (100 characters) is not a number"));
  CHECK_THROWS_WITH(parse_csv(std::string("1,a\x01\xff") + "\n", false),
                    ContainsSubstring("'a\\x01\\xff' is not a number"));
}

TEST_CASE("a header of column names is read, and the names kept", "[io][csv]") {
  const TempFile named("named.csv", "sepal_length,sepal_width,species\n5.1,3.5,0\n4.9,3.0,1\n6.3,3.3,1\n");
  const auto d = read_labeled_csv(named.path());
  REQUIRE(d.features.rows() == 3);
  REQUIRE(d.features.cols() == 2);
  CHECK(d.feature_names == std::vector<std::string>{"sepal_length", "sepal_width"});
  CHECK(d.label_name == "species");
  CHECK(d.class_names == std::vector<std::string>{"0", "1"});
  CHECK(d.features(2, 0) == 6.3);
  CHECK(d.labels(2) == 1);

  // Quoted names may hold the delimiter and "" for a quote; the same explicitly.
  const std::string quoted = "\"width, cm\", \"the \"\"x\"\"\" ,label\n1,2,0\n";
  for (LabeledHeader h : {LabeledHeader::automatic, LabeledHeader::names}) {
    const auto q = parse_labeled_csv(quoted, {}, h);
    CHECK(q.feature_names == std::vector<std::string>{"width, cm", "the \"x\""});
    CHECK(q.label_name == "label");
  }
  CHECK_THROWS_WITH(parse_labeled_csv("a,b\n1,2,0\n"),
                    ContainsSubstring("line 2 has 3 fields but line 1 has 2 (ragged row)"));
  // The formats without names leave them empty.
  const auto counts = parse_labeled_csv("2,1,a,b\n1,0\n2,1\n");
  CHECK(counts.feature_names.empty());
  CHECK(counts.label_name.empty());
  CHECK(counts.class_names == std::vector<std::string>{"a", "b"});

  // N_ROWS,N_FEATURES with numeric class names: all numbers, but not as wide as the data.
  const auto numeric = parse_labeled_csv("2,1,0,1\n1,0\n2,1\n");
  CHECK(numeric.class_names == std::vector<std::string>{"0", "1"});
  CHECK(numeric.features.rows() == 2);
  // A first line of data that happens to start with two integers stays data.
  const auto data = parse_labeled_csv("2,1,0\n1,0,1\n");
  CHECK(data.features.rows() == 2);
  CHECK(data.class_names == std::vector<std::string>{"0", "1"});
}

TEST_CASE("a ';'-separated file gets a hint, and CsvOptions::delimiter reads it", "[io][csv]") {
  CHECK_THROWS_WITH(parse_csv("1.5;2.0\n3;4\n", false),
                    ContainsSubstring("line 1, column 1: '1.5;2.0' is not a number (the file seems to use ';' "
                                      "between fields: set CsvOptions::delimiter = ';')"));
  CHECK_THROWS_WITH(parse_csv("1,5;2,0\n", false),
                    ContainsSubstring("column 2: '5;2' is not a number (the file seems to use ';'"));
  const TempFile semicolons("semicolons.csv", "a;b;label\n1.5;2;0\n3;4;1\n");
  CHECK_THROWS_WITH(
      read_labeled_csv(semicolons.path()),
      ContainsSubstring("needs feature columns and a label column, but rows have 1 field (the file seems to use ';'"));

  CsvOptions options;
  options.delimiter = ';';
  const auto t = parse_csv("1.5;2.0\n3;4\n", false, options);
  CHECK(t.values(0, 0) == 1.5);
  CHECK(t.values(1, 1) == 4.0);
  const auto d = read_labeled_csv(semicolons.path(), options);
  CHECK(d.feature_names == std::vector<std::string>{"a", "b"});
  CHECK(d.features(0, 0) == 1.5);
  CHECK_THROWS_WITH(parse_csv("1,5;2\n", false, options),
                    ContainsSubstring("'1,5' is not a number (a decimal comma? numbers must use '.'"));

  options.delimiter = '\t';
  const auto tsv = parse_csv("x\ty\n1\t 2\n", true, options);
  CHECK(tsv.header == std::vector<std::string>{"x", "y"});
  CHECK(tsv.values(0, 1) == 2.0);
  CHECK_THROWS_WITH(parse_csv("1\t2\n", false), ContainsSubstring("the file seems to use tabs"));
}

TEST_CASE("quoted fields: numbers in quotes, and bad quoting named", "[io][csv]") {
  const auto t = parse_csv("\"a\",\"b\"\n\"1.5\", \"2\" \n", true);
  CHECK(t.header == std::vector<std::string>{"a", "b"});
  CHECK(t.values(0, 0) == 1.5);
  CHECK(t.values(0, 1) == 2.0);
  CHECK_THROWS_WITH(parse_csv("1,\"2\n", false),
                    ContainsSubstring("line 1, column 2: a quoted field has no closing quote"));
  CHECK_THROWS_WITH(parse_csv("1,\"2\"x,3\n", false),
                    ContainsSubstring("line 1, column 2: 'x,3' follows the closing quote"));
  CHECK_THROWS_WITH(parse_csv("\"\"\n", false), ContainsSubstring("'' is not a number (empty field)"));
}

// Issue 18: memory and time bounded by the input.

TEST_CASE("a label far beyond the rows is an error at once, with a few MB", "[io][csv][limits]") {
  const TempFile labels("labels.csv", "1.0,2.0,0\n3.0,4.0,2000000000\n");
  const std::uint64_t rss_before = tapegrad_io_test::peak_rss_bytes();
  CHECK_THROWS_WITH(
      read_labeled_csv(labels.path()),
      ContainsSubstring("labels.csv: line 2, column 3: label 2000000000 is not below the number of rows (2)"));
  CHECK_THROWS_WITH(parse_labeled_csv("1.0,2.0,0\n3.0,4.0,20000000\n"),
                    ContainsSubstring("label 20000000 is not below"));
  CHECK(tapegrad_io_test::peak_rss_bytes() - rss_before < (8u << 20));
  // K <= N is the rule: the largest label may be N - 1.
  const auto d = parse_labeled_csv("1,0\n2,0\n3,2\n");
  CHECK(d.class_names.size() == 3u);
  // With class names in a header, the names bound the labels, not the rows.
  const auto named = parse_labeled_csv("1,1,a,b,c,d\n1,3\n");
  CHECK(named.class_names.size() == 4u);
  CHECK(named.labels(0) == 3);
}

TEST_CASE("counts a header states allocate nothing before the data confirm them", "[io][csv][limits]") {
  const std::uint64_t rss_before = tapegrad_io_test::peak_rss_bytes();
  CHECK_THROWS_WITH(parse_labeled_csv("1000000000000,2,a,b\n1,2,0\n"),
                    ContainsSubstring("the header says 1000000000000 rows but the file has 1"));
  CHECK_THROWS_WITH(parse_labeled_csv("1,1000000000000,a,b\n1,2,0\n"),
                    ContainsSubstring("the header says 1000000000000 features but the rows have 2"));
  CHECK_THROWS_WITH(parse_labeled_csv("99999999999999999999999,2,a,b\n1,2,0\n", {}, LabeledHeader::counts),
                    ContainsSubstring("must be a header N_ROWS,N_FEATURES"));
  // A wide first line and many narrow ones: rows x width would be 4e10 values, but the
  // ragged row is found by the first pass, before anything is allocated for values.
  std::string wide;
  for (int i = 0; i < 200000; ++i) wide += i ? ",0" : "0";
  std::string text = wide + "\n";
  for (int i = 0; i < 200000; ++i) text += "0\n";
  CHECK_THROWS_WITH(parse_csv(text, false),
                    ContainsSubstring("line 2 has 1 fields but line 1 has 200000 (ragged row)"));
  CHECK(tapegrad_io_test::peak_rss_bytes() - rss_before < (16u << 20));
}

TEST_CASE("read_labeled_csv and read_csv pass the decompression limit on", "[io][csv][limits]") {
  std::string bomb;
  tapegrad_io_test::zero_gzip(16u << 20, 9, [&bomb](const unsigned char* p, std::size_t n) {
    bomb.append(reinterpret_cast<const char*>(p), n);
  });
  const TempFile file("bomb.csv.gz", bomb);
  CsvOptions options;
  options.max_decompressed_bytes = 1u << 20;
  CHECK_THROWS_WITH(
      read_labeled_csv(file.path(), options),
      ContainsSubstring("the decompressed data pass the limit of 1048576 bytes") && ContainsSubstring("bomb.csv.gz"));
  CHECK_THROWS_WITH(read_csv(file.path(), false, options), ContainsSubstring("pass the limit of 1048576 bytes"));
  // A real gzip CSV well under the limit reads.
  const TempFile small("small.csv.gz", tapegrad::io::gzip("1,2,0\n3,4,1\n"));
  CHECK(read_labeled_csv(small.path(), options).features.rows() == 2);
}

TEST_CASE("classification_dataset takes the classes from the class names or the labels present", "[io][csv]") {
  tapegrad::io::LabeledData<double> d;
  d.features = Eigen::MatrixXd::Ones(3, 2);
  d.labels = Eigen::VectorXi{{0, 1, 1}};
  d.class_names = {"a", "b", "c"};
  CHECK(tapegrad::optim::classification_dataset(d).class_count() == 3);  // names count, even unused
  d.labels(2) = 5;                                                       // beyond the names: an error, not six classes
  CHECK_THROWS_WITH(tapegrad::optim::classification_dataset(d),
                    ContainsSubstring("label 5 of row 2 is outside [0, 3)"));
  d.class_names.clear();
  d.labels(2) = 2;
  CHECK(tapegrad::optim::classification_dataset(d).class_count() == 3);  // 0..max label
  d.labels(2) = 2000000000;                                              // without names, K <= N
  CHECK_THROWS_WITH(tapegrad::optim::classification_dataset(d),
                    ContainsSubstring("label 2000000000") && ContainsSubstring("3 examples"));
}

// Hidden: the two files at full size (figures in docs/reliability.md); run with
//   build/tests/test_io "[.bomb]"
TEST_CASE("the issue's bombs: 3 GB of zeros at gzip -1 and 10 GB of zeros stop at the default limit",
          "[io][csv][limits][.bomb]") {
  struct Bomb {
    const char* name;
    std::uint64_t bytes;
  };
  for (const Bomb& b : {Bomb{"3GB_level1.csv.gz", 3000000000ull}, Bomb{"10GiB.csv.gz", 10240ull << 20}}) {
    const std::string path = TempFile::unique_path(b.name);
    {
      std::ofstream out(path, std::ios::binary);
      const auto write = [&out](const unsigned char* p, std::size_t n) {
        out.write(reinterpret_cast<const char*>(p), static_cast<std::streamsize>(n));
      };
      if (b.bytes == 3000000000ull) {
        tapegrad_io_test::zero_gzip(b.bytes, 1, write);  // like head -c 3000000000 /dev/zero | gzip -1
      } else {
        tapegrad_io_test::zero_bomb(b.bytes >> 20, write);
      }
    }
    const auto compressed = std::filesystem::file_size(path);
    const std::uint64_t rss_before = tapegrad_io_test::peak_rss_bytes();
    const auto start = std::chrono::steady_clock::now();
    CHECK_THROWS_WITH(read_labeled_csv(path), ContainsSubstring("pass the limit of 1073741824 bytes"));
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::uint64_t rss_after = tapegrad_io_test::peak_rss_bytes();
    std::remove(path.c_str());
    std::printf("%s: %.1f MB compressed, %.1f GB of zeros: refused after %.2f s; peak RSS %.1f MB (before: %.1f MB)\n",
                b.name, static_cast<double>(compressed) / 1e6, static_cast<double>(b.bytes) / 1e9, seconds,
                static_cast<double>(rss_after) / 1e6, static_cast<double>(rss_before) / 1e6);
    CHECK(rss_after < rss_before + compressed + (32u << 20));  // the file and a few buffers, not the limit
  }
}

TEST_CASE("a field at the very end of unterminated text parses within its bounds", "[io][csv]") {
  // libstdc++ 12's from_chars<long double> read past an unterminated "nan" (strlen); found by
  // fuzz_csv under AddressSanitizer. The text here ends right after the field, in a buffer
  // of exactly its size, so the sanitizer build sees any read past it.
  for (const char* word : {"nan", "inf", "1.5", "1e-5000", "-0"}) {
    const std::size_t n = std::strlen(word);
    const std::unique_ptr<char[]> buffer(new char[n]);
    std::memcpy(buffer.get(), word, n);
    const std::string_view text(buffer.get(), n);
    CsvOptions allow;
    allow.allow_non_finite = true;
    CHECK(parse_csv<long double>(text, false, allow).values.size() == 1);
    CHECK(parse_csv<double>(text, false, allow).values.size() == 1);
    CHECK(parse_csv<float>(text, false, allow).values.size() == 1);
  }
}

TEST_CASE("a delimiter that cannot separate fields is refused", "[io][csv]") {
  for (char d : {'"', '\n', '\r', '\0', '.', '-', '+', '5'}) {
    CsvOptions options;
    options.delimiter = d;
    CHECK_THROWS_AS(parse_csv("1\n", false, options), std::invalid_argument);
    CHECK_THROWS_AS(parse_labeled_csv("1,0\n", options), std::invalid_argument);
  }
  CsvOptions options;
  options.delimiter = '"';
  CHECK_THROWS_WITH(parse_csv("1\n", false, options), ContainsSubstring("CsvOptions::delimiter cannot be '\"'"));
  options.delimiter = ' ';  // space-separated: runs of spaces separate one pair of fields
  const auto t = parse_csv("1  2 3\n 4 5  6 \n", false, options);
  CHECK(t.values.cols() == 3);
  CHECK(t.values(1, 2) == 6.0);
}
