// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// checkpoint_io: what checkpoints cost (optim/checkpoint.hpp, docs/checkpoints.md).
//
// Part 1, files: the checkpoint of the flagship example (examples/07_mlp_digits.cpp: MLP
// 64-32-32-10, Momentum, after its 40 epochs) and of a 9.9-million-parameter MLP
// 784-3000-2500-10 with Adam (three vectors of n numbers). For each: the size, and the
// median time (and min, max) over the repetitions of
//   encode            encode_checkpoint (a copy into bytes, CRC-32 included)
//   crc32             the CRC-32 of the file's bytes alone (part of encode and decode)
//   decode            decode_checkpoint from bytes in memory (checks included)
//   write             open, write, close of the bytes (no fsync: the page cache only)
//   write+fsync       the same and fsync: what durability costs at least
//   atomic write      io::write_file_atomically, keep 2 (write+fsync, rotate, rename,
//                     fsync of the directory)
//   save_checkpoint   encode + atomic write, as train() does (there on two threads)
//   load (cached)     load_checkpoint with the file in the page cache
//   load (cold)       the same after posix_fadvise(DONTNEED) evicted the file's pages
//                     (their residency is checked with mincore and reported)
//   cp, cp+sync       the shell's `cp FILE COPY` and `cp FILE COPY && sync COPY` (a
//                     process each: about a millisecond of fork and exec included)
//
// Part 2, training: the flagship's train() (40 epochs, its options, validation included,
// no progress output) without checkpoints, with checkpoint_every = 1 epoch, 5 epochs and
// 1 step, alternating run by run; the median epoch time (the whole train() call, which
// includes waiting for the last write, over 40), the overhead, and the CPU time used by
// all threads (on a machine without a spare core the writer's CPU time is the overhead).
//
// Usage: checkpoint_io [--dir DIR] [--data DIR] [--reps N] [--big-reps N] [--train-reps N]
//                      [--no-big] [--no-files] [--no-train] [--pin-training CPU]
// --pin-training CPU (Linux, a diagnostic): from the 7th epoch on, the training thread
// runs on that CPU only, the writer thread on any (e.g. keep training off the CPU that
// takes the disk's interrupts, /proc/interrupts).
// DIR (default ".") holds the scratch files (about 0.5 GB with the big model; removed at
// the end); --data is examples/data. Build: -O3 -DNDEBUG (CMake: benchmarks/checkpoint).

#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "tapegrad/tapegrad.hpp"

#ifndef TAPEGRAD_BENCH_DATA_DIR
#define TAPEGRAD_BENCH_DATA_DIR "examples/data"
#endif

namespace optim = tapegrad::optim;
namespace io = tapegrad::io;
namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t0) { return std::chrono::duration<double>(Clock::now() - t0).count(); }

/// CPU time (user + system) so far of the whole process (every thread), or of the
/// calling thread alone (Linux), in seconds.
double cpu_seconds(bool this_thread = false) {
  struct rusage u {};
#if defined(RUSAGE_THREAD)
  ::getrusage(this_thread ? RUSAGE_THREAD : RUSAGE_SELF, &u);
#else
  (void)this_thread;
  ::getrusage(RUSAGE_SELF, &u);
#endif
  const auto s = [](const timeval& t) { return static_cast<double>(t.tv_sec) + 1e-6 * static_cast<double>(t.tv_usec); };
  return s(u.ru_utime) + s(u.ru_stime);
}

struct Stats {
  double median = 0, min = 0, max = 0;
};

Stats stats(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  const double median = n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  return {median, v.front(), v.back()};
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "checkpoint_io: %s\n", what.c_str());
  std::exit(1);
}

void check(bool ok, const std::string& what) {
  if (!ok) die(what);
}

/// Writes `bytes` to `path` (truncating), optionally fsyncs; no rename.
void plain_write(const std::string& path, const std::string& bytes, bool sync) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  check(fd >= 0, "cannot create " + path);
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const ssize_t n = ::write(fd, p, left);
    check(n > 0, "write failed: " + path);
    p += n;
    left -= static_cast<std::size_t>(n);
  }
  if (sync) check(::fsync(fd) == 0, "fsync failed: " + path);
  check(::close(fd) == 0, "close failed: " + path);
}

/// Evicts `path`'s pages from the page cache (they are clean after an fsync).
void evict(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, "cannot open " + path);
  ::fdatasync(fd);
  ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
  ::close(fd);
}

/// The fraction of `path`'s pages in the page cache (mincore).
double resident_fraction(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  check(fd >= 0, "cannot open " + path);
  struct stat s {};
  ::fstat(fd, &s);
  const auto size = static_cast<std::size_t>(s.st_size);
  void* map = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, fd, 0);
  ::close(fd);
  check(map != MAP_FAILED, "mmap failed: " + path);
  const auto page = static_cast<std::size_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> in((size + page - 1) / page);
  ::mincore(map, size, in.data());
  ::munmap(map, size);
  std::size_t resident = 0;
  for (unsigned char c : in) resident += c & 1u;
  return in.empty() ? 0.0 : static_cast<double>(resident) / static_cast<double>(in.size());
}

int shell(const std::string& command) {
  const int rc = std::system(command.c_str());
  check(rc == 0, "command failed: " + command);
  return rc;
}

// ---- part 1: files ----------------------------------------------------------------------

/// A named state to checkpoint.
struct State {
  std::string name;
  optim::Parameters<double> parameters;
  optim::OptimizerState<double> optimizer;
  optim::TrainPosition<double> position;
  optim::History<double> history;
};

void bench_files(const State& s, const fs::path& dir, int reps) {
  const std::string file = (dir / "bench.ckpt").string();
  const std::string plain = (dir / "plain.bin").string();
  const std::string copy = (dir / "copy.bin").string();
  const std::string bytes = optim::encode_checkpoint(s.parameters, s.optimizer, s.position, s.history);
  const double mb = static_cast<double>(bytes.size()) / 1e6;
  std::printf("\n%s: %ld parameters, checkpoint %zu bytes (%.3f MB)\n", s.name.c_str(),
              static_cast<long>(s.parameters.size()), bytes.size(), mb);

  std::map<std::string, std::vector<double>> t;
  std::vector<std::string> order;
  const auto time = [&](const std::string& what, const std::function<void()>& f) {
    if (t.find(what) == t.end()) order.push_back(what);
    const auto t0 = Clock::now();
    f();
    t[what].push_back(seconds_since(t0));
  };
  io::write_file_atomically(file, bytes, 2);
  std::vector<double> cold_residency;
  volatile std::uint32_t sink = 0;
  for (int r = 0; r < reps; ++r) {
    time("encode", [&] {
      const std::string b = optim::encode_checkpoint(s.parameters, s.optimizer, s.position, s.history);
      sink = sink + static_cast<std::uint32_t>(b.size());
    });
    time("crc32", [&] { sink = sink + io::crc32(bytes.data(), bytes.size()); });
    time("decode", [&] {
      const optim::Checkpoint<double> c = optim::decode_checkpoint<double>(bytes, "memory");
      sink = sink + static_cast<std::uint32_t>(c.position.steps);
    });
    time("write (no fsync)", [&] { plain_write(plain, bytes, false); });
    time("write+fsync", [&] { plain_write(plain, bytes, true); });
    time("atomic write (keep 2)", [&] { io::write_file_atomically(file, bytes, 2); });
    time("save_checkpoint (keep 2)",
         [&] { optim::save_checkpoint(file, s.parameters, s.optimizer, s.position, s.history, 2); });
    time("read_bytes (cached)", [&] { sink = sink + static_cast<std::uint32_t>(io::read_bytes(file).size()); });
    time("load_checkpoint (cached)", [&] {
      const optim::Checkpoint<double> c = optim::load_checkpoint<double>(file);
      sink = sink + static_cast<std::uint32_t>(c.position.steps);
    });
    evict(file);
    cold_residency.push_back(resident_fraction(file));
    time("load_checkpoint (cold)", [&] {
      const optim::Checkpoint<double> c = optim::load_checkpoint<double>(file);
      sink = sink + static_cast<std::uint32_t>(c.position.steps);
    });
    fs::remove(copy);
    time("cp", [&] { shell("cp '" + file + "' '" + copy + "'"); });
    fs::remove(copy);
    time("cp + sync COPY", [&] { shell("cp '" + file + "' '" + copy + "' && sync '" + copy + "'"); });
  }
  std::printf("  %-26s %10s %10s %10s %10s   (%d runs)\n", "operation", "median ms", "min ms", "max ms", "MB/s", reps);
  for (const std::string& what : order) {
    const Stats st = stats(t[what]);
    std::printf("  %-26s %10.3f %10.3f %10.3f %10.0f\n", what.c_str(), 1e3 * st.median, 1e3 * st.min, 1e3 * st.max,
                mb / st.median);
  }
  std::printf("  (cold loads: %.1f%% of the file's pages were resident before them, by mincore)\n",
              100 * stats(cold_residency).max);
  fs::remove(file);
  fs::remove(io::rotated_path(file, 1));
  fs::remove(plain);
  fs::remove(copy);
}

// ---- the flagship ---------------------------------------------------------------------------

struct Flagship {
  optim::Dataset<double> train, test;
};

Flagship load_flagship(const std::string& data_dir) {
  const auto images = io::read_labeled_csv<double>(data_dir + "/digits.csv.gz");
  const auto all = optim::classification_dataset(images);
  auto [train, test] = optim::train_test_split(all, 0.25, /*seed=*/7);
  train = train.with_features(train.features() / 16.0);
  test = test.with_features(test.features() / 16.0);
  return {std::move(train), std::move(test)};
}

optim::MLP<double> flagship_model() {
  return optim::MLP<double>({64, 32, 32, 10}, optim::Nonlinearity::relu, optim::Output::softmax, 1);
}

/// 07_mlp_digits's options (no progress output).
optim::TrainOptions<double> flagship_options(const Flagship& f) {
  optim::TrainOptions<double> o;
  o.epochs = 40;
  o.batch_size = 32;
  o.order = optim::Order::shuffled;
  o.seed = 2026;
  o.optimizer = optim::Momentum<double>(0.9);
  o.learning_rate = {0.05, optim::InverseTimeDecay<double>(0.05)};
  o.validation = &f.test;
  return o;
}

/// The flagship's state after its 40 epochs, read back from the checkpoint train() wrote.
State flagship_state(const Flagship& f, const fs::path& dir) {
  const std::string file = (dir / "flagship.ckpt").string();
  optim::MLP<double> model = flagship_model();
  optim::TrainOptions<double> o = flagship_options(f);
  o.checkpoint_path = file;
  (void)optim::train(model, f.train, o);
  optim::Checkpoint<double> c = optim::load_checkpoint<double>(file);
  fs::remove(file);
  fs::remove(io::rotated_path(file, 1));
  return {"flagship MLP 64-32-32-10, Momentum, after 40 epochs", std::move(c.parameters), std::move(c.optimizer),
          std::move(c.position), std::move(c.history)};
}

/// An MLP 784-3000-2500-10 with Adam after one step, at an epoch's end (no gradient sum)
/// with 3 epochs of history.
State big_state() {
  optim::MLP<double> model({784, 3000, 2500, 10}, optim::Nonlinearity::relu, optim::Output::softmax, 3);
  const Eigen::Index n = model.parameters().size();
  optim::Optimizer<double> adam = optim::Adam<double>();
  adam.reset(n);
  Eigen::VectorXd g(n);
  optim::Random rng(9);
  for (Eigen::Index i = 0; i < n; ++i) g[i] = rng.uniform(-1, 1);
  adam.step(model.parameters().values(), g, 1e-3);
  optim::TrainPosition<double> p;
  p.epoch = 3;
  p.steps = 3 * 1875;
  p.learning_rate = 1e-3;
  p.data_size = 60000;
  p.batch_size = 32;
  p.seed = 1;
  optim::History<double> h;
  for (int e = 0; e < 3; ++e) {
    h.loss.push_back(1.0 / (e + 1));
    h.gradient_norm.push_back(0.1);
    h.learning_rate.push_back(1e-3);
    h.seconds.push_back(10.0 * (e + 1));
    h.tape_bytes.push_back(1 << 20);
  }
  h.steps = p.steps;
  return {"MLP 784-3000-2500-10, Adam, at an epoch's end", model.parameters(), adam.state(), p, h};
}

// ---- part 2: training ------------------------------------------------------------------------

/// Pins the calling thread to `cpu` (Linux; a diagnostic: see --pin-training).
void pin_this_thread(int cpu) {
#if defined(__linux__)
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  check(::sched_setaffinity(0, sizeof set, &set) == 0, "sched_setaffinity failed");
#else
  (void)cpu;
#endif
}

/// `pin_cpu` >= 0: from the 7th epoch on (in every row), the training thread runs on that
/// CPU only; the checkpoint writer, started by then in every row (it inherits the affinity
/// of the thread that starts it), keeps the process's CPUs.
void bench_training(const Flagship& f, const fs::path& dir, int reps, int pin_cpu) {
  const std::string file = (dir / "train.ckpt").string();
  struct Config {
    const char* name;
    std::int64_t every;  // 0: no checkpoints
    optim::Unit unit;
  };
  const Config configs[] = {{"no checkpoints", 0, optim::Unit::epoch},
                            {"checkpoint_every = 1 epoch", 1, optim::Unit::epoch},
                            {"checkpoint_every = 5 epochs", 5, optim::Unit::epoch},
                            {"checkpoint_every = 1 step", 1, optim::Unit::step}};
  constexpr int count = sizeof configs / sizeof configs[0];
  std::vector<double> wall[count], recorded[count], cpu[count], thread_cpu[count];
  std::vector<std::uint64_t> results[count];
  for (int r = -1; r < reps; ++r) {  // r = -1: a warm-up round, not counted
    for (int k = 0; k < count; ++k) {
      const int c = (r + k + count) % count;  // the order rotates from round to round
      fs::remove(file);
      fs::remove(io::rotated_path(file, 1));
      optim::MLP<double> model = flagship_model();
      optim::TrainOptions<double> o = flagship_options(f);
      if (pin_cpu >= 0)
        o.on_epoch = [pin_cpu](const optim::History<double>& h) {
          if (h.epochs() == 6) pin_this_thread(pin_cpu);
          return true;
        };
      if (configs[c].every > 0) {
        o.checkpoint_path = file;
        o.checkpoint_every = configs[c].every;
        o.checkpoint_unit = configs[c].unit;
      }
      const double cpu0 = cpu_seconds(), thread0 = cpu_seconds(true);
      const auto t0 = Clock::now();
      const optim::History<double> h = optim::train(model, f.train, o);
      const double seconds = seconds_since(t0), cpu_used = cpu_seconds() - cpu0,
                   thread_used = cpu_seconds(true) - thread0;
      if (pin_cpu >= 0) {  // back to every CPU of the process
        cpu_set_t all;
        CPU_ZERO(&all);
        for (int i = 0; i < CPU_SETSIZE; ++i) CPU_SET(i, &all);
        ::sched_setaffinity(0, sizeof all, &all);
      }
      if (r < 0) continue;
      wall[c].push_back(seconds / static_cast<double>(h.epochs()));
      recorded[c].push_back(h.seconds.back() / static_cast<double>(h.epochs()));
      cpu[c].push_back(cpu_used / static_cast<double>(h.epochs()));
      thread_cpu[c].push_back(thread_used / static_cast<double>(h.epochs()));
      std::uint64_t bits;
      std::memcpy(&bits, &model.parameters().values()[0], sizeof bits);
      results[c].push_back(bits);
    }
  }
  fs::remove(file);
  fs::remove(io::rotated_path(file, 1));
  for (int c = 1; c < count; ++c)
    check(results[c] == results[0], std::string("training with ") + configs[c].name + " gave other parameters");
  std::printf("\nflagship training, 40 epochs, %d alternating runs per row (after a warm-up round)\n", reps);
  std::printf("  %-28s %12s %8s %8s %9s %9s %9s %7s %9s %7s\n", "", "median ms/ep", "min", "max", "overhead", "in loop",
              "CPU ms/ep", "+", "train th.", "+");
  const Stats base = stats(wall[0]), base_loop = stats(recorded[0]), base_cpu = stats(cpu[0]),
              base_thread = stats(thread_cpu[0]);
  for (int c = 0; c < count; ++c) {
    const Stats st = stats(wall[c]), loop = stats(recorded[c]), used = stats(cpu[c]), thread = stats(thread_cpu[c]);
    std::printf("  %-28s %12.3f %8.3f %8.3f %8.1f%% %8.1f%% %9.3f %6.1f%% %9.3f %6.1f%%\n", configs[c].name,
                1e3 * st.median, 1e3 * st.min, 1e3 * st.max, 100 * (st.median / base.median - 1),
                100 * (loop.median / base_loop.median - 1), 1e3 * used.median,
                100 * (used.median / base_cpu.median - 1), 1e3 * thread.median,
                100 * (thread.median / base_thread.median - 1));
  }
  std::printf(
      "  (ms/ep: wall time of the whole train() call over 40, including the wait for the last write;\n"
      "   overhead: of the median; in loop: the same from History::seconds at the last epoch, before\n"
      "   that wait; CPU: user + system time per epoch, median, of the process (all threads) and of\n"
      "   the training thread alone: what checkpoints cost where the writer thread has a core of its own)\n");
}

}  // namespace

int main(int argc, char** argv) {
  fs::path dir = ".";
  std::string data_dir = TAPEGRAD_BENCH_DATA_DIR;
  int reps = 31, big_reps = 7, train_reps = 15, pin_cpu = -1;
  bool big = true, files = true, training = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) die(a + " needs a value");
      return argv[++i];
    };
    if (a == "--dir")
      dir = value();
    else if (a == "--data")
      data_dir = value();
    else if (a == "--reps")
      reps = std::stoi(value());
    else if (a == "--big-reps")
      big_reps = std::stoi(value());
    else if (a == "--train-reps")
      train_reps = std::stoi(value());
    else if (a == "--pin-training")
      pin_cpu = std::stoi(value());
    else if (a == "--no-big")
      big = false;
    else if (a == "--no-files")
      files = false;
    else if (a == "--no-train")
      training = false;
    else if (a == "--help" || a == "-h") {
      std::printf(
          "checkpoint_io [--dir DIR] [--data DIR] [--reps N] [--big-reps N] [--train-reps N] [--no-big] "
          "[--no-files] [--no-train] [--pin-training CPU]\n(see benchmarks/checkpoint/checkpoint_io.cpp)\n");
      return 0;
    } else
      die("unknown argument " + a + " (see the file comment)");
  }
  dir /= "checkpoint_io.d";
  fs::create_directories(dir);
  const Flagship f = load_flagship(data_dir);
  if (files) {
    bench_files(flagship_state(f, dir), dir, reps);
    if (big) bench_files(big_state(), dir, big_reps);
  }
  if (training) bench_training(f, dir, train_reps, pin_cpu);
  fs::remove_all(dir);
  return 0;
}
