// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// parse_csv, read_csv and read_labeled_csv: small texts, the three real data sets of
// examples/data, and the messages for bad input.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>

#include "catch_compat.hpp"
#include "tapegrad/io/csv.hpp"

#ifndef TAPEGRAD_DATA_DIR
#error "TAPEGRAD_DATA_DIR must name examples/data (set by tests/CMakeLists.txt)"
#endif

using tapegrad::io::parse_csv;
using tapegrad::io::read_csv;
using tapegrad::io::read_labeled_csv;

namespace {

std::string data_file(const char* name) { return std::string(TAPEGRAD_DATA_DIR) + "/" + name; }

/// A file in the temporary directory holding `contents`, removed when it goes out of
/// scope. The random part keeps builds that run the tests at once apart.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& contents)
      : path_((std::filesystem::temp_directory_path() /
               ("tapegrad_csv_test_" + std::to_string(std::random_device{}()) + "_" + name))
                  .string()) {
    std::ofstream out(path_, std::ios::binary);
    out << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

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
  CHECK_THROWS_WITH(parse_csv("a,b\n1,2\n3,x\n", true), ContainsSubstring("parse_csv: line 3, column 2: 'x' is not a number"));
  CHECK_THROWS_WITH(parse_csv("1,2\n\n1,2,3\n", false),
                    ContainsSubstring("line 3 has 3 fields but line 1 has 2 (ragged row)"));
  CHECK_THROWS_WITH(parse_csv("a,b,c\n1,2\n", true), ContainsSubstring("line 2 has 2 fields but line 1 has 3"));
  CHECK_THROWS_WITH(parse_csv("1,2,\n", false), ContainsSubstring("line 1, column 3: '' is not a number (empty field)"));
  CHECK_THROWS_WITH(parse_csv("1.5.2\n", false), ContainsSubstring("line 1, column 1: '1.5.2'"));
  CHECK_THROWS_WITH(parse_csv("+-1\n", false), ContainsSubstring("'+-1' is not a number"));
  CHECK_THROWS_WITH(parse_csv("1 2\n", false), ContainsSubstring("'1 2' is not a number"));
  CHECK_THROWS_WITH(parse_csv<float>("1e999\n", false), ContainsSubstring("'1e999' is not a number"));
  CHECK_THROWS_WITH(parse_csv<int>("1.5\n", false), ContainsSubstring("'1.5' is not a number"));
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
  CHECK_THROWS_WITH(read_labeled_csv(bad_header.path()), ContainsSubstring("header N_ROWS,N_FEATURES"));
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
