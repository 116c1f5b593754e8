// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// The io headers built without zlib (TAPEGRAD_WITH_ZLIB=0, no zlib linked; see
// tests/CMakeLists.txt): plain CSV reads as always, gzip data give an error that says
// what is missing and what to do; train() trains, and refuses checkpoints, which need
// zlib's CRC-32, saying so before any step.

#include <stdexcept>
#include <string>

#include "catch_compat.hpp"
#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/models.hpp"
#include "tapegrad/optim/train.hpp"

#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
#error "this test checks the build without zlib"
#endif

#ifndef TAPEGRAD_DATA_DIR
#error "TAPEGRAD_DATA_DIR must name examples/data (set by tests/CMakeLists.txt)"
#endif

TEST_CASE("without zlib, plain CSV reads and gzip input names what is missing", "[io][zlib]") {
  const std::string dir = TAPEGRAD_DATA_DIR;
  const auto iris = tapegrad::io::read_labeled_csv(dir + "/iris.csv");
  CHECK(iris.features.rows() == 150);
  CHECK(iris.class_names.size() == 3u);
  CHECK(tapegrad::io::parse_csv("1,2\n", false).values(0, 1) == 2.0);

  CHECK(tapegrad::io::is_gzip("\x1f\x8b"));
  CHECK_THROWS_WITH(tapegrad::io::read_labeled_csv(dir + "/digits.csv.gz"),
                    ContainsSubstring("built without zlib, so gzip data cannot be read") &&
                        ContainsSubstring("zlib1g-dev") && ContainsSubstring("digits.csv.gz"));
  CHECK_THROWS_AS(tapegrad::io::gunzip(std::string("\x1f\x8b\x08\x00", 4)), std::runtime_error);
}

TEST_CASE("without zlib, train() runs and checkpoints are refused up front", "[io][zlib][checkpoint]") {
  namespace optim = tapegrad::optim;
  const auto iris = tapegrad::io::read_labeled_csv(std::string(TAPEGRAD_DATA_DIR) + "/iris.csv");
  const auto data = optim::Dataset<double>::from_labels(iris.features, iris.labels);
  optim::MLP<double> model({4, 3});
  optim::TrainOptions<double> o;
  o.epochs = 2;
  CHECK(optim::train(model, data, o).epochs() == 2);
  const Eigen::VectorXd before = model.parameters().values();
  o.checkpoint_path = "never-written.ckpt";
  CHECK_THROWS_WITH(optim::train(model, data, o),
                    ContainsSubstring("checkpoints need zlib") && ContainsSubstring("zlib1g-dev"));
  CHECK(model.parameters().values() == before);
}
