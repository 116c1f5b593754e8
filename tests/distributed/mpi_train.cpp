// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
//
// train, minimize, lbfgs, conjugate_gradient, newton_cg and least_squares over MPI ranks against the same run in
// one process (computed on every rank from the whole data set), and the faults: a bad
// shard, a throwing model, a NaN on one rank, a callback stopping on one rank, options
// that differ, a checkpoint written by one rank and resumed by all. ctest runs it under
// mpiexec with 1, 2 and 3 ranks and a timeout (a rank left waiting in a collective
// would hang; the timeout turns that into a failure).
//
// Not Catch2: every rank must call the same collectives in the same order, and a failed
// check on one rank must end all of them, so a failed check prints and calls MPI_Abort.

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "tapegrad/distributed/mpi.hpp"
#include "tapegrad/io/csv.hpp"
#include "tapegrad/optim/optim.hpp"

namespace optim = tapegrad::optim;
namespace distributed = tapegrad::distributed;
using Eigen::VectorXd;

namespace {

int rank = 0, ranks = 1;

void check(bool ok, const std::string& what, int line) {
  if (ok) return;
  std::fprintf(stderr, "rank %d of %d: line %d: check failed: %s\n", rank, ranks, line, what.c_str());
  std::fflush(stderr);
  MPI_Abort(MPI_COMM_WORLD, 1);
}
#define CHECK(cond) check((cond), #cond, __LINE__)
#define CHECK_MSG(cond, msg) check((cond), std::string(#cond) + ": " + (msg), __LINE__)

/// max_i |a_i - b_i| / max_i |b_i|.
double relative_difference(const VectorXd& a, const VectorXd& b) {
  CHECK(a.size() == b.size());
  return (a - b).cwiseAbs().maxCoeff() / std::max(b.cwiseAbs().maxCoeff(), std::numeric_limits<double>::min());
}
double relative_difference(const std::vector<double>& a, const std::vector<double>& b) {
  CHECK(a.size() == b.size());
  return relative_difference(VectorXd::Map(a.data(), static_cast<Eigen::Index>(a.size())),
                             VectorXd::Map(b.data(), static_cast<Eigen::Index>(b.size())));
}
/// Within `tolerance` relative; bit-identical with one rank.
void check_same(const VectorXd& got, const VectorXd& want, double tolerance, int line) {
  const double d = relative_difference(got, want);
  if (ranks == 1)
    check(got == want,
          "one rank must reproduce one process bit for bit (relative difference " + std::to_string(d) + ")", line);
  else
    check(d <= tolerance, "relative difference " + std::to_string(d) + " > " + std::to_string(tolerance), line);
}

/// Every rank holds the same text.
bool same_on_every_rank(const std::string& text, distributed::Communicator& world) {
  VectorXd hash(1);
  hash[0] = static_cast<double>(std::hash<std::string>()(text) % (1ull << 52));
  VectorXd first = hash;
  world.broadcast(reinterpret_cast<unsigned char*>(first.data()), sizeof(double), 0);
  return world.min(hash[0] == first[0] ? 1 : 0) == 1;
}

/// Runs job on every rank; it must throw RankError there, with the same text on every
/// rank, containing `expected`.
template <class Job>
void expect_rank_error(distributed::Communicator& world, const std::string& expected, Job&& job, int line) {
  std::string text;
  try {
    job();
    check(false, "no RankError (expected one with '" + expected + "')", line);
  } catch (const optim::RankError& e) {
    text = e.what();
  }
  check(text.find(expected) != std::string::npos, "RankError '" + text + "' lacks '" + expected + "'", line);
  check(same_on_every_rank(text, world), "the RankError differs between ranks: '" + text + "'", line);
}

optim::Dataset<double> digits() {
  const auto images = tapegrad::io::read_labeled_csv<double>(std::string(TAPEGRAD_DATA_DIR) + "/digits.csv.gz");
  const auto all = optim::classification_dataset(images);
  return all.with_features(all.features() / 16.0);
}

optim::MLP<double> network() {
  return optim::MLP<double>({64, 16, 10}, optim::Nonlinearity::tanh, optim::Output::softmax, /*seed=*/3);
}

/// An MLP whose batch loss, on one rank, throws or turns NaN at a chosen call.
class FaultyNetwork : public optim::MLP<double> {
 public:
  enum class Fault { none, throws, nan };
  FaultyNetwork(int faulty_rank, int at_call, Fault fault)
      : MLP<double>(network()), faulty_rank_(faulty_rank), at_call_(at_call), fault_(fault) {}
  tapegrad::Var<double> loss(const optim::BoundParameters<double>& w, const optim::Batch<double>& batch) const {
    tapegrad::Var<double> L = MLP<double>::loss(w, batch);
    if (rank == faulty_rank_ && calls_++ == at_call_) {
      if (fault_ == Fault::throws) throw std::runtime_error("the model failed on purpose");
      if (fault_ == Fault::nan) return L * std::numeric_limits<double>::quiet_NaN();
    }
    return L;
  }
  using MLP<double>::loss;

 private:
  int faulty_rank_, at_call_;
  Fault fault_;
  mutable int calls_ = 0;
};

optim::TrainOptions<double> options(Eigen::Index batch_size, std::int64_t epochs) {
  optim::TrainOptions<double> o;
  o.epochs = epochs;
  o.batch_size = batch_size;
  o.order = optim::Order::shuffled;
  o.seed = 11;
  o.optimizer = optim::Momentum<double>(0.9);
  o.learning_rate = 0.05;
  return o;
}

void full_batch(distributed::Communicator& world, const optim::Dataset<double>& all,
                const optim::Dataset<double>& mine) {
  const auto o = options(all.size(), 100);  // 100 full-batch steps
  auto alone = network();
  const auto reference = optim::train(alone, all, o);
  auto together = network();
  const auto history = distributed::train(world, together, mine, o);
  CHECK(history.steps == 100 && history.status == optim::Status::max_epochs);
  check_same(together.parameters().values(), alone.parameters().values(), 1e-12, __LINE__);
  CHECK(relative_difference(history.loss, reference.loss) <= 1e-12);
  CHECK(ranks > 1 || history.loss == reference.loss);
}

void mini_batches(distributed::Communicator& world, const optim::Dataset<double>& all,
                  const optim::Dataset<double>& mine, const optim::Dataset<double>& validation_all,
                  const optim::Dataset<double>& validation_mine, unsigned threads) {
  auto o = options(32, 3);
  o.validation = &validation_all;
  o.threads = threads;        // threads change the order of additions too
  o.min_rows_per_thread = 1;  // and split even a rank's few rows of a batch
  auto alone = network();
  const auto reference = optim::train(alone, all, o);
  auto together = network();
  std::ostringstream progress;
  o.validation = &validation_mine;
  o.progress = &progress;
  const auto history = distributed::train(world, together, mine, o);
  CHECK(history.steps == reference.steps);
  check_same(together.parameters().values(), alone.parameters().values(), 1e-11, __LINE__);
  CHECK(relative_difference(history.loss, reference.loss) <= 1e-11);
  CHECK(relative_difference(history.validation_loss, reference.validation_loss) <= 1e-11);
  CHECK(relative_difference(history.validation_accuracy, reference.validation_accuracy) <= 1e-12);
  CHECK((rank == 0) == !progress.str().empty());  // progress lines from rank 0 only
}

/// The logistic-regression objective on this rank's rows, as a part of the global mean.
struct LogisticPart {
  Eigen::MatrixXd X;
  VectorXd y;
  double n_global;
  template <class W>
  auto operator()(const W& w) const {
    using S = typename W::Scalar;
    S total(0.0);
    for (Eigen::Index i = 0; i < X.rows(); ++i) {
      S z = w[X.cols()];
      for (Eigen::Index j = 0; j < X.cols(); ++j) z += X(i, j) * w[j];
      total += tapegrad::softplus(z) - y[i] * z;  // -log likelihood of one row
    }
    return total / n_global;
  }
};

/// A solver over the ranks against the same solver in one process: both converge, their
/// first `points` accepted points agree to 1e-12, their final losses to `loss_tolerance`
/// (relative), and one rank ends at exactly the same w.
void check_converged_alike(const optim::MinimizeResult<double>& alone, const optim::MinimizeResult<double>& together,
                           std::size_t points, double loss_tolerance, int line) {
  const auto converged = [](optim::Status s) {
    return s == optim::Status::gradient_tolerance || s == optim::Status::loss_tolerance;
  };
  const auto first = [points](const std::vector<double>& h) {
    return std::vector<double>(h.begin(), h.begin() + static_cast<std::ptrdiff_t>(points));
  };
  check(converged(alone.status) && converged(together.status), "both converge", line);
  check(relative_difference(first(together.loss_history), first(alone.loss_history)) <= 1e-12,
        "the first points agree to 1e-12", line);
  check(std::abs(together.loss - alone.loss) <= loss_tolerance * alone.loss, "the final losses agree", line);
  check(ranks > 1 || together.w == alone.w, "one rank reproduces one process bit for bit", line);
}

void solvers(distributed::Communicator& world, const optim::Dataset<double>& all) {
  // Digit 3 against the rest, on the first 16 pixels.
  const Eigen::MatrixXd X = all.features().leftCols(16);
  VectorXd y(all.size());
  for (Eigen::Index i = 0; i < all.size(); ++i) y[i] = all.labels()[i] == 3 ? 1.0 : 0.0;
  const double n = static_cast<double>(all.size());
  const LogisticPart whole{X, y, n};
  const auto rows = optim::shard_rows(all.size(), rank, ranks);
  LogisticPart part{Eigen::MatrixXd(static_cast<Eigen::Index>(rows.size()), X.cols()),
                    VectorXd(static_cast<Eigen::Index>(rows.size())), n};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    part.X.row(static_cast<Eigen::Index>(r)) = X.row(rows[r]);
    part.y[static_cast<Eigen::Index>(r)] = y[rows[r]];
  }
  const VectorXd w0 = VectorXd::Zero(17);

  optim::MinimizeOptions<double> gd;
  gd.learning_rate = 2.0;
  gd.max_steps = 100;
  const auto a = optim::minimize(whole, w0, gd);
  const auto b = distributed::minimize(world, part, w0, gd);
  CHECK(b.steps == 100);
  check_same(b.w, a.w, 1e-12, __LINE__);
  CHECK(relative_difference(b.loss_history, a.loss_history) <= 1e-12);

  // The same trajectory to rounding, then the same minimum to the solvers' tolerance:
  // on this ill-conditioned problem the rounding differences of the sums move the last
  // steps of the flat valley (measured: L agrees to 2e-8 with L-BFGS and to 3e-5 with
  // CG, whose restarts amplify them). Newton-CG takes 9 iterations here; its inner CG
  // amplifies the differences from the fourth on (measured: the first 3 points agree to
  // 4e-14, the 10th to 2e-7).
  check_converged_alike(optim::lbfgs(whole, w0), distributed::lbfgs(world, part, w0), 10, 1e-7, __LINE__);
  check_converged_alike(optim::conjugate_gradient(whole, w0), distributed::conjugate_gradient(world, part, w0), 10,
                        1e-4, __LINE__);
  // H v summed over the ranks too.
  check_converged_alike(optim::newton_cg(whole, w0), distributed::newton_cg(world, part, w0), 3, 1e-7, __LINE__);

  // A callback that stops on the last rank only stops every rank, at the same step.
  auto stop = gd;
  stop.on_step = [](std::int64_t k, const VectorXd&, double, const VectorXd&) {
    return !(rank == ranks - 1 && k == 7);
  };
  const auto g = distributed::minimize(world, part, w0, stop);
  CHECK(g.status == optim::Status::stopped_by_callback && g.steps == 7);

  // An objective that throws on the last rank, at its fifth evaluation.
  int calls = 0;
  auto faulty = [&](const auto& w) {
    if (rank == ranks - 1 && ++calls == 5) throw std::runtime_error("the objective failed on purpose");
    return part(w);
  };
  expect_rank_error(
      world, "rank " + std::to_string(ranks - 1) + ": the objective failed on purpose",
      [&] { (void)distributed::minimize(world, faulty, w0, gd); }, __LINE__);
}

/// Residuals of an exponential decay y = a exp(-b x) + c at the given points.
struct DecayResiduals {
  VectorXd x, y;
  template <class W>
  auto operator()(const W& w) const {
    using S = typename W::Scalar;
    Eigen::Matrix<S, Eigen::Dynamic, 1> r(x.size());
    for (Eigen::Index i = 0; i < x.size(); ++i) r[i] = w[0] * exp(-w[1] * x[i]) + w[2] - y[i];
    return r;
  }
};

/// Levenberg-Marquardt on residuals sharded over the ranks against all of them in one
/// process.
void least_squares(distributed::Communicator& world) {
  const Eigen::Index n = 100;
  DecayResiduals whole{VectorXd(n), VectorXd(n)};
  for (Eigen::Index i = 0; i < n; ++i) {
    whole.x[i] = 0.1 * double(i);
    whole.y[i] = 2.0 * std::exp(-0.7 * whole.x[i]) + 0.3 + 0.01 * std::sin(7.0 * double(i));
  }
  const auto rows = optim::shard_rows(n, rank, ranks);
  DecayResiduals part{VectorXd(static_cast<Eigen::Index>(rows.size())),
                      VectorXd(static_cast<Eigen::Index>(rows.size()))};
  for (std::size_t r = 0; r < rows.size(); ++r) {
    part.x[static_cast<Eigen::Index>(r)] = whole.x[rows[r]];
    part.y[static_cast<Eigen::Index>(r)] = whole.y[rows[r]];
  }
  const VectorXd w0 = VectorXd::Constant(3, 1.0);
  const auto a = optim::least_squares(whole, w0);
  const auto b = distributed::least_squares(world, part, w0);
  CHECK(a.status == b.status && a.steps == b.steps);
  CHECK(b.residuals.size() == n && b.jacobian.rows() == n);
  check_same(b.w, a.w, 1e-10, __LINE__);
  CHECK(std::abs(b.loss - a.loss) <= 1e-12 * a.loss);

  // Residuals that throw on the last rank at their third evaluation.
  int calls = 0;
  auto faulty = [&](const auto& w) {
    if (rank == ranks - 1 && ++calls == 3) throw std::runtime_error("the residuals failed on purpose");
    return part(w);
  };
  expect_rank_error(
      world, "rank " + std::to_string(ranks - 1) + ": the residuals failed on purpose",
      [&] { (void)distributed::least_squares(world, faulty, w0); }, __LINE__);
}

void faults(distributed::Communicator& world, const optim::Dataset<double>& all, const optim::Dataset<double>& mine) {
  const std::string last = "rank " + std::to_string(ranks - 1);
  // A model that throws on the last rank at its 7th batch: every rank stops, same text.
  {
    FaultyNetwork model(ranks - 1, 7, FaultyNetwork::Fault::throws);
    expect_rank_error(
        world, last + ": the model failed on purpose",
        [&] { (void)distributed::train(world, model, mine, options(64, 2)); }, __LINE__);
  }
  // A NaN loss on the last rank at step 5: every rank reports diverged at step 5 with
  // the parameters after 5 steps, the same on all.
  {
    FaultyNetwork model(ranks - 1, 5, FaultyNetwork::Fault::nan);
    const auto h = distributed::train(world, model, mine, options(64, 2));
    CHECK(h.status == optim::Status::diverged && h.steps == 5);
    auto five = options(64, 2);
    five.max_steps = 5;
    auto reference = network();
    (void)optim::train(reference, all, five);
    check_same(model.parameters().values(), reference.parameters().values(), 1e-12, __LINE__);
  }
  // The epoch callback asks to stop on the last rank only: every rank stops there.
  {
    auto o = options(64, 5);
    o.on_epoch = [](const optim::History<double>& h) { return !(rank == ranks - 1 && h.epochs() == 2); };
    auto model = network();
    const auto h = distributed::train(world, model, mine, o);
    CHECK(h.status == optim::Status::stopped_by_callback && h.epochs() == 2);
  }
  if (ranks == 1) return;
  // The last rank passes the whole data set instead of its shard.
  {
    auto model = network();
    const auto& data = rank == ranks - 1 ? all : mine;
    expect_rank_error(
        world, "the largest training shard has " + std::to_string(all.size()),
        [&] { (void)distributed::train(world, model, data, options(64, 1)); }, __LINE__);
  }
  // Options that differ between ranks.
  {
    auto model = network();
    expect_rank_error(
        world, "train's options differ between ranks 0 and 1",
        [&] { (void)distributed::train(world, model, mine, options(64, rank == 1 ? 2 : 1)); }, __LINE__);
  }
}

/// Rank 0 alone trains one epoch with checkpoints; then every rank resumes from that
/// checkpoint for two more: the same as three epochs in one process.
void checkpoints(distributed::Communicator& world, const optim::Dataset<double>& all,
                 const optim::Dataset<double>& mine) {
  const std::string path = "mpi_resume_" + std::to_string(ranks) + ".ckpt";
  if (rank == 0) {
    std::remove(path.c_str());
    std::remove((path + ".1").c_str());
  }
  auto o = options(32, 3);
  auto alone = network();
  const auto reference = optim::train(alone, all, o);

  o.checkpoint_path = path;
  o.resume = true;
  MPI_Comm first;
  MPI_Comm_split(world.get(), rank == 0 ? 0 : MPI_UNDEFINED, 0, &first);
  if (rank == 0) {
    distributed::Communicator rank_0_alone(first);
    auto one = o;
    one.epochs = 1;
    auto model = network();
    const auto h = distributed::train(rank_0_alone, model, all, one);
    CHECK(h.epochs() == 1);
    MPI_Comm_free(&first);
  }
  MPI_Barrier(world.get());
  std::ostringstream progress;
  o.progress = &progress;
  auto model = network();
  const auto h = distributed::train(world, model, mine, o);
  CHECK(h.epochs() == 3 && h.steps == reference.steps);
  CHECK(rank != 0 || progress.str().find("resumed from") != std::string::npos);
  check_same(model.parameters().values(), alone.parameters().values(), 1e-11, __LINE__);
  CHECK(std::ifstream(path).good());
}

}  // namespace

int main(int argc, char** argv) {
  distributed::Environment mpi(argc, argv);
  distributed::Communicator world;
  rank = world.rank();
  ranks = world.size();
  const auto all = digits();
  const auto split = optim::train_test_split(all, 0.25, 7);
  const auto mine = distributed::shard(split.train, world);
  const auto validation_mine = distributed::shard(split.test, world);

  full_batch(world, split.train, mine);
  mini_batches(world, split.train, mine, split.test, validation_mine, 1);
  mini_batches(world, split.train, mine, split.test, validation_mine, 2);
  solvers(world, split.train);
  least_squares(world);
  faults(world, split.train, mine);
  checkpoints(world, split.train, mine);
  if (rank == 0) std::printf("all distributed checks passed on %d rank%s\n", ranks, ranks == 1 ? "" : "s");
  return 0;
}
