// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// The crash test of train()'s checkpoints (POSIX only): training killed with SIGKILL at
// random moments, and resumed each time, must end bit-identical to a run never
// interrupted.
//
//   1. A forked child trains a small MLP to the end without interruption (resume = true
//      on an empty directory, a checkpoint after every step) and writes its final
//      parameters and history (loss, validation loss, gradient norm, learning rate, steps,
//      status; not the times) to a file. A second child does the same without
//      checkpoints: writing them must change nothing.
//   2. Then children run the same training with resume = true on another path, each one
//      killed with SIGKILL after a random delay (a fixed seed draws them; their scale is
//      set from the run's time and the time a child needs to make progress, so that
//      30-80 kills happen), until one finishes. A kill that leaves a new path.tmp
//      landed during a checkpoint write.
//   3. Before every 5th restart the newest checkpoint is damaged, alternately a bit
//      flipped and cut short: the child must print a warning, fall back to path.1 and
//      still end bit-identical. Every third damage is first followed by a child that
//      trains one step (one checkpoint write) and is not killed: both files must then be
//      usable (a deterministic check of what a kill inside that write would find). The parent checks every log against
//      what it knows of the files: a warning exactly when the newest file is unusable, never a fresh start once a
//      checkpoint exists, path.1 always usable (a damaged newest file must not be rotated over it), and after every
//      kill some checkpoint on disk must load.
//   Passing needs: the resumed run's final state equal to the uninterrupted one's bit
//   for bit, >= 20 kills, >= 1 of them during a write, >= 1 flip, >= 1 cut, >= 1 warning,
//   >= 1 one-step check.
//
// Usage: checkpoint_crash [directory] (default "."): works in directory/checkpoint_crash.d,
// which it empties first. Exits 0 on success, 1 with a message on failure.

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "tapegrad/tapegrad.hpp"

namespace optim = tapegrad::optim;
namespace fs = std::filesystem;

namespace {

// ---- the training every child runs ---------------------------------------------------

constexpr int inputs = 12, classes = 4;
// Epochs of the run: about 0.25 s in an optimized build; 6 (1-2 s) where Eigen is not
// optimized or a sanitizer slows everything down (CI's Debug ASan/UBSan build).
#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || __has_feature(memory_sanitizer)
#define TAPEGRAD_CRASH_TEST_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define TAPEGRAD_CRASH_TEST_SANITIZED 1
#endif
#if defined(__OPTIMIZE__) && !defined(TAPEGRAD_CRASH_TEST_SANITIZED)
constexpr std::int64_t epochs = 60;
#else
constexpr std::int64_t epochs = 6;
#endif
constexpr int checkpoint_keep = 2;

struct Problem {
  optim::Dataset<double> train, validation;
};

/// Four noisy clusters in 12 dimensions: 1000 training examples (not a multiple
/// of the batch size, so every epoch ends with a smaller batch) and 200 held out.
Problem make_problem() {
  optim::Random rng(20260611);
  Eigen::MatrixXd centers(classes, inputs);
  for (Eigen::Index i = 0; i < centers.size(); ++i) centers.data()[i] = rng.uniform(-1.0, 1.0);
  const auto sample = [&](Eigen::Index n) {
    Eigen::MatrixXd X(n, inputs);
    Eigen::VectorXi labels(n);
    for (Eigen::Index r = 0; r < n; ++r) {
      labels[r] = static_cast<int>(rng.below(classes));
      for (int c = 0; c < inputs; ++c) X(r, c) = centers(labels[r], c) + 1.5 * (rng.uniform() + rng.uniform() - 1.0);
    }
    return optim::Dataset<double>::from_labels(X, labels, classes);
  };
  optim::Dataset<double> train = sample(1000);
  optim::Dataset<double> validation = sample(200);
  return {std::move(train), std::move(validation)};
}

/// An MLP 12-32-32-4, relu, softmax: six blocks (weights and biases), 1,572 parameters.
optim::MLP<double> make_model() {
  return optim::MLP<double>({inputs, 32, 32, classes}, optim::Nonlinearity::relu, optim::Output::softmax, /*seed=*/5);
}

/// The run: shuffled batches of 24, Adam with a learning rate decaying per step, weight
/// decay, validation after every epoch, a checkpoint after every step, two versions kept.
/// `path` empty: no checkpoints.
optim::TrainOptions<double> options(const Problem& p, const std::string& path) {
  optim::TrainOptions<double> o;
  o.epochs = epochs;
  o.batch_size = 24;
  o.order = optim::Order::shuffled;
  o.seed = 77;
  o.optimizer = optim::Adam<double>();
  o.learning_rate = {0.01, optim::InverseTimeDecay<double>(2e-3)};
  o.schedule_unit = optim::Unit::step;
  o.weight_decay = 1e-4;
  o.validation = &p.validation;
  o.progress = &std::cerr;  // unbuffered: a killed child's log is complete up to the kill
  o.checkpoint_path = path;
  o.checkpoint_every = 1;
  o.checkpoint_unit = optim::Unit::step;
  o.checkpoint_keep = checkpoint_keep;
  o.resume = !path.empty();
  return o;
}

template <class V>
void append_raw(std::string& out, const V& v) {
  out.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
}

/// The final state as bytes: sizes and raw bits of the parameters and of the history's
/// records (not its times), the step count and the status.
std::string final_state(const Eigen::VectorXd& w, const optim::History<double>& h) {
  std::string out;
  const auto count = [&](std::uint64_t n) { out.append(reinterpret_cast<const char*>(&n), sizeof n); };
  count(static_cast<std::uint64_t>(w.size()));
  out.append(reinterpret_cast<const char*>(w.data()), static_cast<std::size_t>(w.size()) * sizeof(double));
  for (const std::vector<double>* v : {&h.loss, &h.validation_loss, &h.gradient_norm, &h.learning_rate}) {
    count(v->size());
    append_raw(out, *v);
  }
  count(h.validation_accuracy.size());
  append_raw(out, h.validation_accuracy);
  count(static_cast<std::uint64_t>(h.steps));
  count(static_cast<std::uint64_t>(h.status));
  return out;
}

/// A child's whole life: stderr to `log`, train (stopping after max_steps if > 0), write
/// the final state to `result` (through a rename, so a result file is always complete).
/// Returns the exit code.
int child_main(const Problem& p, const std::string& path, const std::string& result, const std::string& log,
               std::int64_t max_steps) {
  const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0 || ::dup2(fd, STDERR_FILENO) < 0) return 4;
  ::close(fd);
  try {
    optim::MLP<double> model = make_model();
    optim::TrainOptions<double> o = options(p, path);
    o.max_steps = max_steps;
    const optim::History<double> h = optim::train(model, p.train, o);
    const std::string bytes = final_state(model.parameters().values(), h);
    {
      std::ofstream out(result + ".part", std::ios::binary | std::ios::trunc);
      out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
      if (!out.flush()) throw std::runtime_error("cannot write " + result + ".part");
    }
    fs::rename(result + ".part", result);
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "child: exception: " << e.what() << "\n";
    return 3;
  }
}

// ---- the parent ------------------------------------------------------------------------

double seconds_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

bool contains(const std::string& text, const char* what) { return text.find(what) != std::string::npos; }

[[noreturn]] void fail(const std::string& message) {
  std::printf("FAILED: %s\n", message.c_str());
  std::fflush(stdout);
  std::exit(1);
}

/// The last n lines of `text` (all of it if it has fewer).
std::string last_lines(const std::string& text, int n) {
  std::size_t start = text.size();
  if (start > 0 && text[start - 1] == '\n') --start;  // the final newline ends the last line
  for (int i = 0; i < n && start > 0; ++i) {
    const std::size_t newline = text.rfind('\n', start - 1);
    start = newline == std::string::npos ? 0 : newline;
  }
  return text.substr(start == 0 ? 0 : start + 1);
}

struct Outcome {
  bool exited = false;  // normally, with code
  int code = 0;
  int signal = 0;
  double seconds = 0;
};

/// Forks a child running child_main; kills it with SIGKILL after `kill_after` seconds if
/// that is set and it is still running.
Outcome run_child(const Problem& p, const std::string& path, const std::string& result, const std::string& log,
                  std::optional<double> kill_after, std::int64_t max_steps = 0) {
  std::fflush(stdout);
  std::fflush(stderr);
  fs::remove(log);  // a child killed before it opens its log must not leave the last one's
  const auto t0 = std::chrono::steady_clock::now();
  const pid_t pid = ::fork();
  if (pid < 0) fail(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) ::_exit(child_main(p, path, result, log, max_steps));
  int status = 0;
  bool reaped = false;
  if (kill_after) {
    // Sleep in pieces of at most a millisecond, looking whether the child has ended in
    // between: a long delay then costs no more than the child's life.
    for (;;) {
      const pid_t done = ::waitpid(pid, &status, WNOHANG);
      if (done < 0 && errno != EINTR) fail(std::string("waitpid: ") + std::strerror(errno));
      if (done == pid) {
        reaped = true;
        break;
      }
      const double left = *kill_after - seconds_since(t0);
      if (left <= 0) break;
      const double piece = std::min(left, 1e-3);
      timespec delay{};
      delay.tv_nsec = static_cast<long>(piece * 1e9);
      while (::nanosleep(&delay, &delay) != 0 && errno == EINTR) {
      }
    }
    if (!reaped) ::kill(pid, SIGKILL);  // harmless if it has exited since: it is not reaped yet
  }
  while (!reaped && ::waitpid(pid, &status, 0) < 0)
    if (errno != EINTR) fail(std::string("waitpid: ") + std::strerror(errno));
  Outcome o;
  o.seconds = seconds_since(t0);
  o.exited = WIFEXITED(status);
  o.code = o.exited ? WEXITSTATUS(status) : 0;
  o.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  return o;
}

/// Whether the checkpoint at `file` loads (exists and passes every check).
bool usable(const std::string& file) {
  if (!fs::exists(file)) return false;
  try {
    (void)optim::load_checkpoint<double>(file);
    return true;
  } catch (const optim::CheckpointError&) {
    return false;
  }
}

/// The step count of the newest usable checkpoint among path and path.1 (0 if none).
std::int64_t newest_steps(const std::string& path) {
  for (int i = 0; i < checkpoint_keep; ++i) {
    const std::string file = tapegrad::io::rotated_path(path, i);
    if (!fs::exists(file)) continue;
    try {
      return optim::load_checkpoint<double>(file).position.steps;
    } catch (const optim::CheckpointError&) {
    }
  }
  return 0;
}

/// One line on `file`: absent, or its size and what loading it says.
std::string describe(const std::string& file) {
  if (!fs::exists(file)) return "  " + file + ": absent\n";
  std::string line = "  " + file + ": " + std::to_string(fs::file_size(file)) + " bytes, ";
  try {
    const optim::Checkpoint<double> c = optim::load_checkpoint<double>(file);
    return line + "usable, step " + std::to_string(c.position.steps) + "\n";
  } catch (const optim::CheckpointError& e) {
    return line + "unusable: " + e.what() + "\n";
  }
}

/// The identity of path.tmp's current contents (absent: empty): inode, change time,
/// size. A write truncates a leftover path.tmp or creates a new one, so a kill during a
/// write leaves a different identity (or, rarely, the same if it lands in one clock tick
/// of the file system's timestamps: then the kill is not counted as one during a write).
std::string tmp_identity(const std::string& file) {
  struct stat s {};
  if (::stat(file.c_str(), &s) != 0) return {};
  return std::to_string(s.st_ino) + "/" + std::to_string(s.st_ctim.tv_sec) + "." + std::to_string(s.st_ctim.tv_nsec) +
         "/" + std::to_string(s.st_size);
}

/// The median time of a checkpoint-sized io::write_file_atomically in `dir` (two fsyncs):
/// a child makes progress only if it lives longer than about two of them.
double write_seconds(const fs::path& dir, std::size_t bytes) {
  const std::string file = (dir / "probe.bin").string();
  const std::string data(bytes, 'x');
  std::vector<double> t;
  for (int i = 0; i < 9; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    tapegrad::io::write_file_atomically(file, data, checkpoint_keep);
    t.push_back(seconds_since(t0));
  }
  fs::remove(file);
  fs::remove(tapegrad::io::rotated_path(file, 1));
  std::sort(t.begin(), t.end());
  return t[t.size() / 2];
}

/// Replaces `file` by `bytes` through a new inode (path and path.1 may be hard links to
/// one file for a moment: writing in place would corrupt both).
void replace_file(const std::string& file, const std::string& bytes) {
  const std::string scratch = file + ".corrupting";
  {
    std::ofstream out(scratch, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }
  fs::rename(scratch, file);
}

/// Where the first difference between two final states lies, for the failure message.
std::string first_difference(const std::string& a, const std::string& b) {
  if (a.size() != b.size())
    return "sizes differ (" + std::to_string(a.size()) + " and " + std::to_string(b.size()) + " bytes)";
  const auto it = std::mismatch(a.begin(), a.end(), b.begin());
  return "first difference at byte " + std::to_string(it.first - a.begin()) + " of " + std::to_string(a.size());
}

}  // namespace

int main(int argc, char** argv) {
  const auto t_start = std::chrono::steady_clock::now();
  const fs::path dir = fs::path(argc > 1 ? argv[1] : ".") / "checkpoint_crash.d";
  fs::remove_all(dir);
  fs::create_directories(dir / "reference");
  fs::create_directories(dir / "crashed");
  const Problem problem = make_problem();

  // 1. The uninterrupted runs: with checkpoints (twice, to see that the run is
  //    deterministic and to time it), and without.
  const std::string ref_log = (dir / "reference.log").string();
  const Outcome ref =
      run_child(problem, (dir / "reference" / "a.ckpt").string(), (dir / "reference.bin").string(), ref_log, {});
  if (!ref.exited || ref.code != 0)
    fail("the uninterrupted run failed; its log:\n" + last_lines(read_file(ref_log), 10));
  fs::remove_all(dir / "reference");
  fs::create_directories(dir / "reference");
  const Outcome ref2 =
      run_child(problem, (dir / "reference" / "a.ckpt").string(), (dir / "reference2.bin").string(), ref_log, {});
  if (!ref2.exited || ref2.code != 0)
    fail("the second uninterrupted run failed; its log:\n" + last_lines(read_file(ref_log), 10));
  const std::string plain_log = (dir / "plain.log").string();
  const Outcome plain = run_child(problem, "", (dir / "plain.bin").string(), plain_log, {});
  if (!plain.exited || plain.code != 0)
    fail("the run without checkpoints failed; its log:\n" + last_lines(read_file(plain_log), 10));
  const std::string expected = read_file((dir / "reference.bin").string());
  if (read_file((dir / "reference2.bin").string()) != expected)
    fail("two uninterrupted runs differ (" + first_difference(expected, read_file((dir / "reference2.bin").string())) +
         "): the training is not deterministic, so the test cannot compare");
  if (read_file((dir / "plain.bin").string()) != expected)
    fail("the run without checkpoints differs from the one with checkpoints (" +
         first_difference(expected, read_file((dir / "plain.bin").string())) + ")");
  const double run_seconds = std::min(ref.seconds, ref2.seconds);

  // 2. Kill, resume, repeat. Each child is killed after a delay u D, u uniform in [0, 1)
  //    from a fixed seed. A child living L seconds advances the run by what it trains
  //    before its last durable checkpoint, about rate x (L - c) where rate = steps / T of
  //    the uninterrupted run and c is the time to the first durable write (startup and one
  //    or two writes: 5-40 ms here, with the disk's fsync latency of the moment). With
  //    u uniform the mean advance is rate (D - c)^2 / (2 D); D is set so that it is 1/90
  //    of the run: 30-80 kills, at moments spread over the whole run, whatever the disk,
  //    the build and the load. (Delays uniform over the whole run's time would end after
  //    2-4 kills.) Before some restarts the newest checkpoint is damaged.
  //    c is fitted to what the last children actually advanced: the c for which the
  //    model's mean advance over their delay scales equals the observed mean. Every child
  //    counts, those that advanced nothing too: fitting c only to the children that
  //    advanced (as this test once did) keeps the lucky ones, those whose fsyncs were
  //    fast; on a CI disk whose fsyncs slowed down during the kills, D then stayed near c
  //    and 300 children advanced the run by less than its 2520 steps. With no advance at
  //    all the fit gives c = D, and D grows every attempt until children advance again.
  const std::int64_t total_steps =
      optim::load_checkpoint<double>((dir / "reference" / "a.ckpt").string()).position.steps;
  const double write_time = write_seconds(dir, fs::file_size(dir / "reference" / "a.ckpt"));
  const double rate = static_cast<double>(total_steps) / run_seconds;
  struct Life {
    double delay_scale;  // D
    double advance;      // steps
  };
  std::vector<Life> lives;  // of the children killed so far
  constexpr std::size_t fit_window = 12;
  // The model's mean advance over the window's children if the overhead were c.
  const auto mean_model_advance = [&](double c, std::size_t first) {
    double sum = 0;
    for (std::size_t i = first; i < lives.size(); ++i) {
      const double live = std::max(lives[i].delay_scale - c, 0.0);
      sum += rate * live * live / (2 * lives[i].delay_scale);
    }
    return sum / static_cast<double>(lives.size() - first);
  };
  const auto fitted_overhead = [&] {
    if (lives.empty()) return 2 * write_time + 0.002;
    const std::size_t first = lives.size() > fit_window ? lives.size() - fit_window : 0;
    double observed = 0, high = 0;
    for (std::size_t i = first; i < lives.size(); ++i) {
      observed += lives[i].advance;
      high = std::max(high, lives[i].delay_scale);
    }
    observed /= static_cast<double>(lives.size() - first);
    double low = 0;  // mean_model_advance falls from low to high, where it is 0
    for (int i = 0; i < 60; ++i) {
      const double mid = (low + high) / 2;
      (mean_model_advance(mid, first) > observed ? low : high) = mid;
    }
    return (low + high) / 2;
  };
  double last_overhead = 0;
  const auto delay_scale = [&] {
    const double c = last_overhead = fitted_overhead();
    const double b = 2 * c + run_seconds / 45;  // D^2 - b D + c^2 = 0
    // Capped far above need (a child given 30 uninterrupted runs' time finishes).
    return std::min((b + std::sqrt(b * b - 4 * c * c)) / 2, 30 * run_seconds);
  };
  double smallest_delay_scale = 1e9, largest_delay_scale = 0;
  const std::string path = (dir / "crashed" / "b.ckpt").string();
  const std::string path1 = tapegrad::io::rotated_path(path, 1);
  const std::string tmp = tapegrad::io::temporary_path(path);
  const std::string result = (dir / "crashed.bin").string();
  const std::string log = (dir / "crashed.log").string();
  constexpr int max_attempts = 300;
  optim::Random rng(2026);  // the delays and the damage: the same choices every time
  int kills = 0, kills_in_write = 0, resumes = 0, fresh_starts = 0, flips = 0, truncations = 0, fallbacks = 0,
      one_step_checks = 0;
  bool finished = false;
  int attempt = 1;
  for (; attempt <= max_attempts && !finished; ++attempt) {
    // Damage the newest checkpoint before every 5th restart (alternately a flipped bit
    // and a cut), when an older usable one exists to fall back to.
    const int damage_number = attempt / 5;
    const bool damage = kills > 0 && attempt % 5 == 0 && usable(path) && usable(path1);
    if (damage) {
      std::string bytes = read_file(path);
      if (damage_number % 2 == 1) {
        const auto at = static_cast<std::size_t>(rng.below(bytes.size()));
        bytes[at] = static_cast<char>(bytes[at] ^ (1 << rng.below(8)));
        ++flips;
      } else {
        bytes.resize(static_cast<std::size_t>(rng.below(bytes.size())));
        ++truncations;
      }
      replace_file(path, bytes);
    }
    // Every third damage, first a deterministic check: a child that falls back and makes
    // exactly one step, so one checkpoint write, and is not killed. Both files must then be
    // usable: if the write rotated the damaged file to path.1, a crash inside that write
    // (between the unlink of path.1 and the rename of path.tmp) leaves no usable
    // checkpoint at all, which the kills below find only by chance.
    if (damage && damage_number % 3 == 0) {
      const std::int64_t fallback_steps = newest_steps(path);
      const std::string one_log = (dir / "one_step.log").string();
      const Outcome one = run_child(problem, path, (dir / "one_step.bin").string(), one_log, {}, fallback_steps + 1);
      const std::string text = read_file(one_log);
      if (!one.exited || one.code != 0 || !contains(text, "tapegrad: warning:"))
        fail("attempt " + std::to_string(attempt) + ": the one-step run after damaging the newest checkpoint did not " +
             "warn and finish; its log ends:\n" + last_lines(text, 6));
      if (!usable(path) || !usable(path1))
        fail("attempt " + std::to_string(attempt) + ": after a resume that fell back to '" + path1 + "' (the newest " +
             "checkpoint was damaged) and ONE checkpoint write, a file is unusable: the write rotated the damaged " +
             "file over the only usable one (a crash inside that write leaves no usable checkpoint at all). The " +
             "files:\n" + describe(path) + describe(path1) + describe(tmp));
      ++one_step_checks;
    }
    const bool newest_exists = fs::exists(path), newest_usable = usable(path);
    const bool any_checkpoint = fs::exists(path) || fs::exists(path1);
    const std::string tmp_before = tmp_identity(tmp);
    const double max_delay = delay_scale();
    smallest_delay_scale = std::min(smallest_delay_scale, max_delay);
    largest_delay_scale = std::max(largest_delay_scale, max_delay);
    const double delay = rng.uniform() * max_delay;
    const std::int64_t steps_before = newest_steps(path);

    const Outcome o = run_child(problem, path, result, log, delay);
    const std::string text = read_file(log);
    const std::string where = "attempt " + std::to_string(attempt) + " (kill due after " + std::to_string(delay * 1e3) +
                              " ms" + (damage ? ", newest checkpoint damaged" : "") + ")";
    if (o.exited && o.code == 0) {
      finished = true;
    } else if (!o.exited && o.signal == SIGKILL) {
      ++kills;
      const std::string tmp_after = tmp_identity(tmp);
      if (!tmp_after.empty() && tmp_after != tmp_before) ++kills_in_write;
    } else {
      fail(where + ": the child " +
           (o.exited ? "exited with code " + std::to_string(o.code) : "died of signal " + std::to_string(o.signal)) +
           "; its log ends:\n" + last_lines(text, 10));
    }

    // The log against what the parent knows of the files the child found: a warning
    // exactly when the newest checkpoint was unusable, a fresh start only when there was
    // no checkpoint at all.
    const bool got_past_resume = contains(text, "resumed from") || contains(text, "starting fresh");
    const bool warned = contains(text, "tapegrad: warning:");
    if (contains(text, "resumed from")) ++resumes;
    if (contains(text, "starting fresh")) {
      ++fresh_starts;
      if (any_checkpoint) fail(where + ": started fresh although a checkpoint existed; log:\n" + last_lines(text, 10));
    }
    if (warned && newest_usable)
      fail(where + ": warned although the newest checkpoint was usable (a torn write?); log:\n" + last_lines(text, 10));
    if (newest_exists && !newest_usable) {
      if (got_past_resume && !warned)
        fail(where + ": the newest checkpoint was unusable but no warning was printed; log:\n" + last_lines(text, 10));
      if (warned) ++fallbacks;
    }
    // What this child's life says about c (see above).
    if (!finished)
      lives.push_back({max_delay, static_cast<double>(std::max<std::int64_t>(newest_steps(path) - steps_before, 0))});
    // The test damages only the newest file, never path.1: an unusable path.1 can only be
    // a damaged newest file that a later write rotated over the usable older one, which
    // leaves no fallback (and a kill inside that write, none at all: see below).
    if (fs::exists(path1) && !usable(path1))
      fail(where + ": '" + path1 + "' is unusable: a checkpoint write rotated the damaged newest file over the " +
           "usable older one. The files:\n" + describe(path) + describe(path1) + describe(tmp) +
           "The child's log ends:\n" + last_lines(text, 6));
    // After a kill, some checkpoint on disk must still load (once one was written).
    if (!finished && (fs::exists(path) || fs::exists(path1)) && !usable(path) && !usable(path1))
      fail(where + ": after the kill no checkpoint is usable, so the run cannot resume. The files:\n" + describe(path) +
           describe(path1) + describe(tmp) + "The child's log ends:\n" + last_lines(text, 6));
  }
  const double total = seconds_since(t_start);
  std::printf(
      "%d kills (%d during a checkpoint write), %d resumes, %d fresh starts, %d damaged newest checkpoints "
      "(%d flipped bits, %d cuts) -> %d warnings and fallbacks, %d one-step checks; %d attempts; uninterrupted run "
      "%.3f s, "
      "%ld epochs, %ld steps, checkpoint write %.2f ms, kill delays in [0, D], D from %.1f to %.1f ms (last fitted c "
      "%.1f ms); %.2f s in all\n",
      kills, kills_in_write, resumes, fresh_starts, flips + truncations, flips, truncations, fallbacks, one_step_checks,
      attempt - 1, run_seconds, static_cast<long>(epochs), static_cast<long>(total_steps), 1e3 * write_time,
      1e3 * smallest_delay_scale, 1e3 * largest_delay_scale, 1e3 * last_overhead, total);
  if (!finished) fail("no child finished in " + std::to_string(max_attempts) + " attempts");
  const std::string got = read_file(result);
  if (got != expected)
    fail("the resumed run's final parameters and history differ from the uninterrupted run's (" +
         first_difference(expected, got) + ")");
  if (kills < 20)
    fail("only " + std::to_string(kills) + " kills (expected >= 20): the delays are too long for this machine");
  if (kills_in_write < 1) fail("no kill landed during a checkpoint write (no new '" + tmp + "' was ever left)");
  if (flips < 1 || truncations < 1) fail("the newest checkpoint was never flipped or never cut");
  if (fallbacks < 1) fail("no child ever warned about a damaged newest checkpoint and fell back");
  if (one_step_checks < 1) fail("the one-step check after a damaged newest checkpoint never ran");
  fs::remove_all(dir);  // kept on a failure, for a look
  std::printf("OK: the interrupted and resumed run ends bit-identical to the uninterrupted one\n");
  return 0;
}
