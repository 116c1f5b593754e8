// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Checkpoints: the file format (round trip, every kind of damage named), optimizer state,
// and exact resume: a run stopped after epoch 17, or inside an epoch by max_steps, or by
// an exception, then resumed, ends bit-identical to a run never interrupted, for full
// batch, sequential and shuffled mini-batches, Momentum and Adam, 1 and 2 threads, with
// and without a schedule. The SIGKILL crash test is tests/crash/.

#include <Eigen/Dense>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/optim/optim.hpp"
#include "test_support.hpp"

namespace checkpoint_tests {

namespace optim = tapegrad::optim;
namespace fs = std::filesystem;
using Index = Eigen::Index;
using tapegrad::MatrixX;

/// A fresh directory for one test, removed at the end.
struct ScratchDir {
  fs::path dir;
  ScratchDir() {
    static std::atomic<int> counter{0};
    const auto now = std::chrono::steady_clock::now().time_since_epoch().count();  // differs between processes
    dir = fs::temp_directory_path() / ("tapegrad-checkpoint-" + std::to_string(now) + "-" + std::to_string(counter++));
    fs::remove_all(dir);
    fs::create_directories(dir);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
  std::string file(const std::string& name) const { return (dir / name).string(); }
};

std::string read_all(const std::string& path) { return tapegrad::io::read_bytes(path); }
void write_all(const std::string& path, const std::string& bytes) {
  std::ofstream(path, std::ios::binary | std::ios::trunc).write(bytes.data(), std::streamsize(bytes.size()));
}

/// Three classes around three corners of a 4-d cube: a small nonlinear classifier problem.
template <class T>
optim::Dataset<T> three_blobs(Index n, std::uint64_t seed) {
  optim::Random rng(seed);
  MatrixX<T> X(n, 4);
  Eigen::VectorXi labels(n);
  for (Index i = 0; i < n; ++i) {
    const int c = int(rng.below(3));
    for (Index j = 0; j < 4; ++j) X(i, j) = T(rng.uniform(-1.0, 1.0) + (j == c ? 1.5 : 0.0));
    labels[i] = c;
  }
  return optim::Dataset<T>::from_labels(X, labels);
}

template <class T>
optim::MLP<T> small_network() {
  return optim::MLP<T>({4, 6, 3}, optim::Nonlinearity::tanh, optim::Output::softmax, /*seed=*/7);
}

/// Everything a run's history holds except the wall-clock times.
template <class T>
void require_same_history(const optim::History<T>& a, const optim::History<T>& b) {
  REQUIRE(a.loss == b.loss);
  REQUIRE(a.gradient_norm == b.gradient_norm);
  REQUIRE(a.learning_rate == b.learning_rate);
  REQUIRE(a.validation_loss == b.validation_loss);
  REQUIRE(a.validation_accuracy == b.validation_accuracy);
  REQUIRE(a.tape_bytes == b.tape_bytes);
  REQUIRE(a.steps == b.steps);
  REQUIRE(a.status == b.status);
  REQUIRE(a.seconds.size() == b.seconds.size());
}

// ---------------------------------------------------------------------------------------
// The format

template <class T>
optim::Checkpoint<T> sample_checkpoint() {
  optim::Checkpoint<T> c;
  c.parameters.add("W1", MatrixX<T>::Random(3, 2));
  c.parameters.add("b1", MatrixX<T>::Random(3, 1), /*decay=*/false);
  optim::Adam<T> adam(T(0.8), T(0.99), T(1e-7));
  Eigen::VectorX<T> w = c.parameters.values(), g = Eigen::VectorX<T>::Random(w.size());
  adam.step(w, g, T(0.1));
  adam.step(w, g, T(0.1));
  c.optimizer = adam.state();
  c.position.epoch = 3;
  c.position.batch = 2;
  c.position.steps = 14;
  c.position.seen = 20;
  c.position.loss_sum = T(1.25);
  c.position.gradient_sum = Eigen::VectorX<T>::Random(w.size());
  c.position.learning_rate = T(0.05);
  c.position.seconds = 1.5;
  c.position.data_size = 50;
  c.position.batch_size = 10;
  c.position.order = optim::Order::sequential;
  c.position.seed = 0xFEEDFACECAFEBEEFULL;
  c.position.drop_last = true;
  c.position.weight_decay = T(1e-4);
  c.history.loss = {T(3), T(2), T(1)};
  c.history.validation_loss = {T(3.5), T(2.5), T(1.5)};
  c.history.validation_accuracy = {0.5, 0.75, 0.875};
  c.history.gradient_norm = {T(0.3), T(0.2), T(-0.0)};
  c.history.learning_rate = {T(0.1), T(0.07), T(0.05)};
  c.history.seconds = {0.25, 0.5, 1.0};
  c.history.tape_bytes = {1024, 1024, 2048};
  c.history.steps = 14;
  c.history.status = optim::Status::max_steps;
  c.history.message = "a message";
  return c;
}

template <class T>
std::string encode(const optim::Checkpoint<T>& c) {
  return optim::encode_checkpoint(c.parameters, c.optimizer, c.position, c.history);
}

TEMPLATE_TEST_CASE("a checkpoint reads back bit for bit", "[checkpoint]", float, double) {
  using T = TestType;
  const optim::Checkpoint<T> c = sample_checkpoint<T>();
  ScratchDir scratch;
  const std::string path = scratch.file("run.ckpt");
  optim::save_checkpoint(path, c.parameters, c.optimizer, c.position, c.history);
  const optim::Checkpoint<T> r = optim::load_checkpoint<T>(path);
  REQUIRE(read_all(path) == encode(c));
  REQUIRE(r.parameters.block_count() == 2);
  CHECK(r.parameters.info(0).name == "W1");
  CHECK(r.parameters.info(1).name == "b1");
  CHECK(r.parameters.info(1).decay == false);
  CHECK(r.parameters.info(0).rows == 3);
  CHECK(r.parameters.info(0).cols == 2);
  CHECK(r.parameters.values() == c.parameters.values());
  CHECK(r.optimizer.name == "Adam");
  REQUIRE(r.optimizer.settings.size() == 3);
  CHECK(r.optimizer.settings[0].second == T(0.8));
  CHECK(r.optimizer.counters[0].second == 2);
  CHECK(r.optimizer.vectors[1].second == c.optimizer.vectors[1].second);
  CHECK(r.position.epoch == 3);
  CHECK(r.position.batch == 2);
  CHECK(r.position.steps == 14);
  CHECK(r.position.seen == 20);
  CHECK(r.position.loss_sum == T(1.25));
  CHECK(r.position.gradient_sum == c.position.gradient_sum);
  CHECK(r.position.seed == 0xFEEDFACECAFEBEEFULL);
  CHECK(r.position.order == optim::Order::sequential);
  CHECK(r.position.drop_last);
  CHECK(r.position.weight_decay == T(1e-4));
  CHECK(r.history.loss == c.history.loss);
  CHECK(r.history.validation_accuracy == c.history.validation_accuracy);
  CHECK(std::signbit(r.history.gradient_norm[2]));  // -0 survives: reals are stored bit for bit
  CHECK(r.history.tape_bytes == c.history.tape_bytes);
  CHECK(r.history.status == optim::Status::max_steps);
  CHECK(r.history.message == "a message");
  // The header as docs/checkpoints.md specifies it: magic, version 1, scalar bytes.
  const std::string bytes = read_all(path);
  CHECK(bytes.substr(0, 8) == std::string("\x89TGCKPT\n", 8));
  CHECK(bytes[8] == 1);
  CHECK(bytes[12] == char(sizeof(T)));
}

TEST_CASE("every damaged checkpoint is refused with the file and the fault named", "[checkpoint]") {
  const std::string good = encode(sample_checkpoint<double>());
  const auto refusal = [](const std::string& bytes) {
    try {
      optim::decode_checkpoint<double>(bytes, "dir/run.ckpt");
    } catch (const optim::CheckpointError& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  SECTION("empty") { CHECK_THAT(refusal(""), ContainsSubstring("checkpoint 'dir/run.ckpt': the file is empty")); }
  SECTION("shorter than the header") {
    CHECK_THAT(refusal(good.substr(0, 20)), ContainsSubstring("truncated: 20 bytes"));
  }
  SECTION("truncated anywhere in the payload") {
    for (std::size_t size = 32; size < good.size(); size += 7)
      REQUIRE_THAT(refusal(good.substr(0, size)), ContainsSubstring("'dir/run.ckpt': truncated: the header announces"));
  }
  SECTION("trailing bytes") { CHECK_THAT(refusal(good + "x"), ContainsSubstring("trailing bytes")); }
  SECTION("another file") {
    CHECK_THAT(refusal("1.0,2.0,0\n3.0,4.0,1\n" + std::string(40, ' ')),
               ContainsSubstring("not a tapegrad checkpoint"));
  }
  SECTION("every flipped byte is caught, in the header or by the payload's checksum") {
    for (std::size_t i = 0; i < good.size(); ++i) {
      std::string bad = good;
      bad[i] = char(bad[i] ^ 0x10);
      const std::string why = refusal(bad);
      INFO("byte " << i << ": " << why);
      if (i < 8)
        REQUIRE_THAT(why, ContainsSubstring("not a tapegrad checkpoint"));
      else if (i < 32)
        REQUIRE_THAT(why, ContainsSubstring("header checksum mismatch"));
      else
        REQUIRE_THAT(why, ContainsSubstring("checksum mismatch: the payload's CRC-32"));
    }
  }
  // A valid header with other contents: rewrite a field and its header checksum.
  const auto with_header = [&](std::size_t at, std::uint32_t value) {
    std::string bad = good;
    for (int b = 0; b < 4; ++b) bad[at + std::size_t(b)] = char((value >> (8 * b)) & 0xFF);
    const std::uint32_t crc = tapegrad::io::crc32(bad.data(), 28);
    for (int b = 0; b < 4; ++b) bad[28 + std::size_t(b)] = char((crc >> (8 * b)) & 0xFF);
    return bad;
  };
  SECTION("another version") {
    CHECK_THAT(refusal(with_header(8, 2)), ContainsSubstring("format version 2; this tapegrad reads version 1"));
  }
  SECTION("another scalar type") {
    CHECK_THAT(refusal(with_header(12, 4)), ContainsSubstring("holds float numbers; this run uses double"));
    const std::string floats = encode(sample_checkpoint<float>());
    CHECK_THROWS_WITH(optim::decode_checkpoint<double>(floats, "f.ckpt"),
                      ContainsSubstring("holds float numbers; this run uses double"));
  }
  SECTION("a missing file") {
    CHECK_THROWS_AS(optim::load_checkpoint<double>("/nonexistent/dir/run.ckpt"), optim::CheckpointError);
    CHECK_THROWS_WITH(optim::load_checkpoint<double>("/nonexistent/dir/run.ckpt"),
                      ContainsSubstring("/nonexistent/dir/run.ckpt"));
  }
}

TEST_CASE("a checkpoint's stated sizes are checked against its length before anything is allocated", "[checkpoint]") {
  // A well-formed header and checksum around a payload whose block claims 10^12 x 10^6
  // numbers: refused from the file's length, not by a failed allocation.
  tapegrad::io::ByteWriter payload;
  payload.raw("PARM");
  payload.u64(8 + 4 + 1 + 8 + 8 + 1 + 16);
  payload.u64(1);
  payload.string("W");
  payload.i64(1000000000000);
  payload.i64(1000000);
  payload.u8(1);
  payload.reals(std::vector<double>{1.0, 2.0}.data(), 2);  // two of the claimed 10^18 numbers
  tapegrad::io::ByteWriter file;
  file.raw(std::string("\x89TGCKPT\n", 8));
  file.u32(1);
  file.u32(8);
  file.u64(payload.bytes().size());
  file.u32(tapegrad::io::crc32(payload.bytes().data(), payload.bytes().size()));
  file.u32(tapegrad::io::crc32(file.bytes().data(), 28));
  file.raw(payload.bytes());
  CHECK_THROWS_WITH(optim::decode_checkpoint<double>(file.bytes(), "huge.ckpt"),
                    ContainsSubstring("block 'W' claims shape 1000000000000x1000000, more than the file holds"));
}

TEST_CASE("restore_parameters names the block that does not fit and changes nothing", "[checkpoint]") {
  optim::MLP<double> saved({4, 6, 3}), other({4, 5, 3});
  const Eigen::VectorXd before = other.parameters().values();
  CHECK_THROWS_WITH(optim::restore_parameters(other.parameters(), saved.parameters(), "run.ckpt"),
                    ContainsSubstring("checkpoint 'run.ckpt' does not fit the model: block 'W1' is 4x6 in the "
                                      "checkpoint, 4x5 in the model"));
  CHECK(other.parameters().values() == before);
  optim::Parameters<double> longer = saved.parameters(), renamed;
  longer.add("scale", MatrixX<double>::Ones(1, 1));
  CHECK_THROWS_WITH(optim::restore_parameters(longer, saved.parameters(), "run.ckpt"),
                    ContainsSubstring("the model's block 'scale' is not in the checkpoint"));
  renamed.add("W1", MatrixX<double>::Ones(4, 6));
  renamed.add("bias1", MatrixX<double>::Ones(6, 1));
  CHECK_THROWS_WITH(optim::restore_parameters(renamed, saved.parameters(), "run.ckpt"),
                    ContainsSubstring("block 1 is 'b1' in the checkpoint, 'bias1' in the model"));
  optim::Parameters<double> poisoned = saved.parameters();
  poisoned.values()(poisoned.info(1).offset + 2) = std::numeric_limits<double>::quiet_NaN();  // in b1
  CHECK_THROWS_WITH(optim::restore_parameters(other.parameters(), poisoned, "run.ckpt"),
                    ContainsSubstring("block 'W1' is 4x6"));
  optim::MLP<double> same({4, 6, 3}, optim::Nonlinearity::relu, optim::Output::softmax, /*seed=*/99);
  const Eigen::VectorXd same_before = same.parameters().values();
  CHECK_THROWS_WITH(optim::restore_parameters(same.parameters(), poisoned, "run.ckpt"),
                    ContainsSubstring("checkpoint 'run.ckpt': block 'b1' holds a NaN or infinite value"));
  CHECK(same.parameters().values() == same_before);
  optim::restore_parameters(same.parameters(), saved.parameters(), "run.ckpt");
  CHECK(same.parameters().values() == saved.parameters().values());
}

TEST_CASE("optimizer state round-trips and refuses another optimizer or other settings", "[checkpoint]") {
  Eigen::VectorXd w = Eigen::VectorXd::LinSpaced(5, -1.0, 1.0), g = w.cwiseAbs2();
  optim::Adam<double> adam;
  adam.step(w, g, 0.1);
  optim::Adam<double> copy;
  copy.load_state(adam.state(), 5);
  Eigen::VectorXd w1 = w, w2 = w;
  adam.step(w1, g, 0.1);
  copy.step(w2, g, 0.1);
  CHECK(w1 == w2);
  CHECK(copy.steps() == 2);
  CHECK_THROWS_WITH(optim::Adam<double>(0.5).load_state(adam.state(), 5),
                    ContainsSubstring("Adam's beta1 is 0.5, the state was saved with 0.9"));
  CHECK_THROWS_WITH(optim::Momentum<double>().load_state(adam.state(), 5),
                    ContainsSubstring("the state is of optimizer 'Adam', this one is 'Momentum'"));
  CHECK_THROWS_WITH(optim::Adam<double>().load_state(adam.state(), 6), ContainsSubstring("the model has 6 parameters"));
  optim::Momentum<double> heavy(0.5);
  heavy.step(w, g, 0.1);
  optim::Optimizer<double> any = optim::Momentum<double>(0.5);
  any.load_state(heavy.state(), 5);
  CHECK(any.target<optim::Momentum<double>>()->velocity() == heavy.velocity());
  optim::GradientDescent<double> plain;
  plain.load_state(plain.state(), 5);
}

// ---------------------------------------------------------------------------------------
// Exact resume

struct Setup {
  const char* name;
  Index batch_size;  // 0: full batch
  optim::Order order;
  bool adam;
  unsigned threads;
  bool schedule;
};

optim::TrainOptions<double> options_for(const Setup& s, const optim::Dataset<double>& validation) {
  optim::TrainOptions<double> o;
  o.epochs = 40;
  o.batch_size = s.batch_size == 0 ? 1000000 : s.batch_size;
  o.order = s.order;
  o.seed = 11;
  o.threads = s.threads;
  o.min_rows_per_thread = 1;  // 2 threads split even the batches of 16
  o.weight_decay = 1e-3;
  o.validation = &validation;
  if (s.adam)
    o.optimizer = optim::Adam<double>();
  else
    o.optimizer = optim::Momentum<double>(0.9, /*nesterov=*/s.threads == 2);
  if (s.schedule)
    o.learning_rate = {0.05, optim::InverseTimeDecay<double>(0.02)};
  else
    o.learning_rate = 0.05;
  o.schedule_unit = s.schedule && s.batch_size != 0 ? optim::Unit::step : optim::Unit::epoch;
  return o;
}

TEST_CASE("a resumed run ends bit-identical to one never interrupted", "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(150, 1), validation = three_blobs<double>(40, 2);
  const std::vector<Setup> setups = {
      {"full batch, Momentum", 0, optim::Order::sequential, false, 1, false},
      {"full batch, Adam, schedule, 2 threads", 0, optim::Order::sequential, true, 2, true},
      {"sequential M = 16, Momentum, schedule", 16, optim::Order::sequential, false, 1, true},
      {"sequential M = 16, Adam, 2 threads", 16, optim::Order::sequential, true, 2, false},
      {"shuffled M = 16, Adam, schedule", 16, optim::Order::shuffled, true, 1, true},
      {"shuffled M = 16, Momentum, 2 threads", 16, optim::Order::shuffled, false, 2, false},
      {"shuffled M = 32, Adam, 2 threads, schedule", 32, optim::Order::shuffled, true, 2, true},
      {"shuffled M = 32, Nesterov, 2 threads, schedule", 32, optim::Order::shuffled, false, 2, true},
  };
  for (const Setup& s : setups) {
    INFO(s.name);
    const optim::TrainOptions<double> base = options_for(s, validation);
    optim::MLP<double> reference = small_network<double>();
    const optim::History<double> whole = optim::train(reference, data, base);
    REQUIRE(whole.status == optim::Status::max_epochs);
    REQUIRE(whole.epochs() == 40);

    ScratchDir scratch;
    const auto resumed_run = [&](const std::string& path, optim::TrainOptions<double> first) {
      first.checkpoint_path = path;
      optim::MLP<double> model = small_network<double>();
      optim::train(model, data, first);
      optim::TrainOptions<double> second = base;
      second.checkpoint_path = path;
      second.resume = true;
      optim::MLP<double> restarted = small_network<double>();  // fresh weights: all must come from the file
      const optim::History<double> h = optim::train(restarted, data, second);
      REQUIRE(restarted.parameters().values() == reference.parameters().values());
      require_same_history(h, whole);
    };
    optim::TrainOptions<double> first = base;
    first.epochs = 17;  // stopped after epoch 17
    resumed_run(scratch.file("epochs.ckpt"), first);
    first = base;
    first.max_steps = s.batch_size == 0 ? 23 : 7 * (150 / s.batch_size) + 3;  // stopped inside an epoch
    resumed_run(scratch.file("steps.ckpt"), first);
    first = base;
    first.checkpoint_every = 5;  // checkpoints every 5 steps; stopped at 23, inside an epoch
    first.checkpoint_unit = optim::Unit::step;
    first.max_steps = 23;
    resumed_run(scratch.file("every.ckpt"), first);
  }
}

TEST_CASE("a run killed by an exception resumes from its last checkpoint, bit-identical", "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(120, 3);
  optim::TrainOptions<double> o;
  o.epochs = 30;
  o.batch_size = 10;
  o.optimizer = optim::Adam<double>();
  optim::MLP<double> reference = small_network<double>();
  const optim::History<double> whole = optim::train(reference, data, o);

  ScratchDir scratch;
  o.checkpoint_path = scratch.file("run.ckpt");
  o.checkpoint_every = 4;
  optim::TrainOptions<double> crashing = o;
  crashing.on_epoch = [](const optim::History<double>& h) {
    if (h.epochs() == 11) throw std::runtime_error("out of memory (simulated)");
    return true;
  };
  optim::MLP<double> model = small_network<double>();
  CHECK_THROWS_WITH(optim::train(model, data, crashing), "out of memory (simulated)");
  // The newest checkpoint on disk: the first due (epoch 4) or a later one, taken when the
  // writer was free (the disk's speed decides), and never past the crash.
  const optim::TrainPosition<double> saved = optim::load_checkpoint<double>(o.checkpoint_path).position;
  CHECK(saved.epoch >= 4);
  CHECK(saved.steps >= 48);
  CHECK(saved.steps <= 11 * 12);

  o.resume = true;
  std::ostringstream log;
  o.progress = &log;
  optim::MLP<double> restarted = small_network<double>();
  const optim::History<double> h = optim::train(restarted, data, o);
  CHECK_THAT(log.str(), ContainsSubstring("resumed from '" + o.checkpoint_path + "' at epoch " +
                                          std::to_string(saved.epoch + 1) + ", batch " + std::to_string(saved.batch) +
                                          " (" + std::to_string(saved.steps) + " steps done)"));
  REQUIRE(restarted.parameters().values() == reference.parameters().values());
  require_same_history(h, whole);
  // Resuming a finished run changes nothing and returns its history.
  optim::MLP<double> again = small_network<double>();
  const optim::History<double> h2 = optim::train(again, data, o);
  CHECK(again.parameters().values() == reference.parameters().values());
  CHECK(h2.loss == whole.loss);
}

TEST_CASE("a corrupt newest checkpoint falls back to the previous one with a warning, never to a fresh start",
          "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(90, 4);
  optim::TrainOptions<double> o;
  o.epochs = 12;
  o.batch_size = 15;
  o.optimizer = optim::Momentum<double>();
  optim::MLP<double> reference = small_network<double>();
  const optim::History<double> whole = optim::train(reference, data, o);

  ScratchDir scratch;
  const std::string path = scratch.file("run.ckpt");
  // Three runs of two epochs, each resuming the last and ending with a checkpoint (a
  // single fast run may write fewer: a checkpoint due while one is being written replaces
  // the one waiting).
  optim::TrainOptions<double> first = o;
  first.checkpoint_path = path;
  first.checkpoint_keep = 3;
  first.resume = true;
  std::ostringstream ignored;
  first.progress = &ignored;
  for (std::int64_t epochs : {2, 4, 6}) {
    first.epochs = epochs;
    optim::MLP<double> model = small_network<double>();
    optim::train(model, data, first);
  }
  REQUIRE(fs::exists(path + ".1"));
  REQUIRE(fs::exists(path + ".2"));
  CHECK_FALSE(fs::exists(path + ".tmp"));
  std::string bytes = read_all(path);
  bytes[bytes.size() / 2] ^= 1;
  write_all(path, bytes);

  optim::TrainOptions<double> second = o;
  second.checkpoint_path = path;
  second.checkpoint_keep = 3;
  second.resume = true;
  std::ostringstream log;
  second.progress = &log;
  optim::MLP<double> restarted = small_network<double>();
  const Eigen::VectorXd fresh = restarted.parameters().values();
  const optim::History<double> h = optim::train(restarted, data, second);
  CHECK_THAT(log.str(), ContainsSubstring("tapegrad: warning: checkpoint '" + path + "': checksum mismatch"));
  CHECK_THAT(log.str(), ContainsSubstring("trying an older checkpoint"));
  CHECK_THAT(log.str(), ContainsSubstring("tapegrad: warning: '" + path + ".1' replaces the unusable '" + path + "'"));
  CHECK_THAT(log.str(), ContainsSubstring("resumed from"));
  REQUIRE(restarted.parameters().values() == reference.parameters().values());
  require_same_history(h, whole);

  SECTION("every version damaged: an error, and the model untouched") {
    for (int i = 0; i < 3; ++i) write_all(tapegrad::io::rotated_path(path, i), i == 1 ? "" : "garbage");
    optim::MLP<double> untouched = small_network<double>();
    std::ostringstream quiet;
    second.progress = &quiet;
    CHECK_THROWS_WITH(optim::train(untouched, data, second),
                      ContainsSubstring("no usable checkpoint at '" + path + "'"));
    CHECK(untouched.parameters().values() == fresh);
  }
}

TEST_CASE("resume refuses a checkpoint of another model, optimizer or data order", "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(60, 5);
  ScratchDir scratch;
  optim::TrainOptions<double> o;
  o.epochs = 3;
  o.batch_size = 10;
  o.optimizer = optim::Adam<double>();
  o.checkpoint_path = scratch.file("run.ckpt");
  optim::MLP<double> model = small_network<double>();
  optim::train(model, data, o);
  o.resume = true;
  o.epochs = 6;
  std::ostringstream warnings;  // the float file's warning goes here, not to std::cerr
  o.progress = &warnings;
  SECTION("another shape") {
    optim::MLP<double> wider({4, 7, 3});
    const Eigen::VectorXd before = wider.parameters().values();
    CHECK_THROWS_WITH(optim::train(wider, data, o), ContainsSubstring("block 'W1' is 4x6 in the checkpoint, 4x7"));
    CHECK(wider.parameters().values() == before);
  }
  SECTION("another optimizer") {
    o.optimizer = optim::Momentum<double>();
    optim::MLP<double> m = small_network<double>();
    CHECK_THROWS_WITH(optim::train(m, data, o), ContainsSubstring("does not fit this run's optimizer"));
  }
  SECTION("another batch size") {
    o.batch_size = 20;
    optim::MLP<double> m = small_network<double>();
    CHECK_THROWS_WITH(optim::train(m, data, o), ContainsSubstring("batch_size 10; this run has 20"));
  }
  SECTION("other data") {
    optim::MLP<double> m = small_network<double>();
    CHECK_THROWS_WITH(optim::train(m, three_blobs<double>(61, 5), o), ContainsSubstring("N = 60; this run has 61"));
  }
  SECTION("float checkpoint, double run") {
    optim::MLP<float> f = small_network<float>();
    optim::TrainOptions<float> of;
    of.epochs = 1;
    of.checkpoint_path = scratch.file("float.ckpt");
    optim::train(f, three_blobs<float>(60, 5), of);
    o.checkpoint_path = of.checkpoint_path;
    optim::MLP<double> m = small_network<double>();
    CHECK_THROWS_WITH(optim::train(m, data, o), ContainsSubstring("holds float numbers; this run uses double"));
  }
}

TEST_CASE("resume without a checkpoint starts fresh, and says so", "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(60, 6);
  ScratchDir scratch;
  optim::TrainOptions<double> o;
  o.epochs = 4;
  o.checkpoint_path = scratch.file("new.ckpt");
  o.resume = true;
  std::ostringstream log;
  o.progress = &log;
  optim::MLP<double> model = small_network<double>();
  const optim::History<double> h = optim::train(model, data, o);
  CHECK(h.epochs() == 4);
  CHECK_THAT(log.str(), ContainsSubstring("no checkpoint at '" + o.checkpoint_path + "': starting fresh"));
  CHECK(optim::load_checkpoint<double>(o.checkpoint_path).position.epoch == 4);
}

TEST_CASE("checkpoint options are checked before training", "[checkpoint]") {
  const optim::Dataset<double> data = three_blobs<double>(30, 7);
  optim::MLP<double> model = small_network<double>();
  optim::TrainOptions<double> o;
  o.resume = true;
  CHECK_THROWS_WITH(optim::train(model, data, o), ContainsSubstring("resume is set but checkpoint_path is empty"));
  o.resume = false;
  o.checkpoint_path = "unused.ckpt";
  o.checkpoint_every = 0;
  CHECK_THROWS_WITH(optim::train(model, data, o), ContainsSubstring("checkpoint_every is 0"));
  o.checkpoint_every = 1;
  o.checkpoint_keep = 0;
  CHECK_THROWS_WITH(optim::train(model, data, o), ContainsSubstring("checkpoint_keep is 0"));
  o.checkpoint_keep = 1;
  struct Plain {  // an optimizer without state(): usable, but not with checkpoints
    void reset(Index) {}
    void step(Eigen::Ref<Eigen::VectorXd> w, const Eigen::Ref<const Eigen::VectorXd>& g, double alpha) {
      w -= alpha * g;
    }
    const char* name() const { return "Plain"; }
  };
  o.optimizer = Plain{};
  CHECK_THROWS_WITH(optim::train(model, data, o), ContainsSubstring("optimizer 'Plain' cannot be checkpointed"));
  optim::MLP<long double> extended({4, 3});
  optim::TrainOptions<long double> ol;
  ol.checkpoint_path = "unused.ckpt";
  CHECK_THROWS_WITH(optim::train(extended, three_blobs<long double>(30, 7), ol),
                    ContainsSubstring("checkpoints hold float or double numbers"));
  CHECK_FALSE(fs::exists("unused.ckpt"));
}

// The user optimizer of docs/optim.md ("Checkpoints"), as written there.
struct Scaled {  // w <- w - alpha * s * g, with a step counter
  double s = 0.5;
  std::int64_t t = 0;
  void reset(Eigen::Index) { t = 0; }
  void step(Eigen::Ref<Eigen::VectorXd> w, const Eigen::Ref<const Eigen::VectorXd>& g, double alpha) {
    w -= alpha * s * g;
    ++t;
  }
  const char* name() const { return "Scaled"; }
  optim::OptimizerState<double> state() const { return {name(), {{"s", s}}, {{"t", t}}, {}}; }
  void load_state(const optim::OptimizerState<double>& saved, Eigen::Index) { t = saved.counters.at(0).second; }
};

TEST_CASE("a user optimizer with state() and load_state() is checkpointed and resumed", "[checkpoint][resume]") {
  const optim::Dataset<double> data = three_blobs<double>(60, 9);
  optim::TrainOptions<double> o;
  o.epochs = 8;
  o.batch_size = 12;
  o.optimizer = Scaled{};
  optim::MLP<double> reference = small_network<double>();
  const optim::History<double> whole = optim::train(reference, data, o);
  ScratchDir scratch;
  o.checkpoint_path = scratch.file("scaled.ckpt");
  optim::TrainOptions<double> first = o;
  first.max_steps = 13;
  optim::MLP<double> model = small_network<double>();
  optim::train(model, data, first);
  const optim::Checkpoint<double> c = optim::load_checkpoint<double>(o.checkpoint_path);
  CHECK(c.optimizer.name == "Scaled");
  CHECK(c.optimizer.counters.at(0).second == 13);
  o.resume = true;
  std::ostringstream log;
  o.progress = &log;
  optim::MLP<double> restarted = small_network<double>();
  const optim::History<double> h = optim::train(restarted, data, o);
  REQUIRE(restarted.parameters().values() == reference.parameters().values());
  require_same_history(h, whole);
}

TEST_CASE("a checkpoint that cannot be written stops the run with the reason", "[checkpoint]") {
  const optim::Dataset<double> data = three_blobs<double>(30, 8);
  optim::MLP<double> model = small_network<double>();
  optim::TrainOptions<double> o;
  o.epochs = 3;
  o.checkpoint_path = "/nonexistent-directory/run.ckpt";
  CHECK_THROWS_WITH(optim::train(model, data, o),
                    ContainsSubstring("cannot create '/nonexistent-directory/run.ckpt.tmp'"));
}

}  // namespace checkpoint_tests
