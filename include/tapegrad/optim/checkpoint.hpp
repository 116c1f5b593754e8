// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Checkpoint files: everything a train() run needs to continue exactly where it was,
/// the model's parameters (by name and shape), the optimizer's state, the position in
/// the run (epoch, batch, step count, the epoch's running sums, which with the data-order
/// seed fix every later batch and learning rate) and the history so far.
///
/// Format (version 1; docs/checkpoints.md has the full table): a 32-byte header
///   magic "\x89TGCKPT\n" | u32 version | u32 scalar bytes (4 or 8) | u64 payload bytes |
///   u32 CRC-32 of the payload | u32 CRC-32 of the 28 header bytes before it
/// then the payload, four sections in this order, each a 4-letter tag, a u64 length and
/// its contents: PARM (blocks), OPTM (optimizer state), POSN (position), HIST (history).
/// Every number is little-endian whatever the machine; reals are IEEE 754 bit for bit.
/// The CRC-32 is zlib's (so this header needs zlib, as gzip input does).
///
/// Loading reads and checks the whole file (size, magic, version, both checksums, every
/// count against the bytes left) before returning anything, so a torn, truncated,
/// corrupt or foreign file raises CheckpointError naming the file and what is wrong, and
/// nothing is loaded half. Writing goes through io::write_file_atomically.

#if !defined(TAPEGRAD_WITH_ZLIB) || !TAPEGRAD_WITH_ZLIB
#error \
    "tapegrad/optim/checkpoint.hpp needs zlib (CRC-32): define TAPEGRAD_WITH_ZLIB=1 and link zlib; CMake's tapegrad::tapegrad does both when zlib is found"
#endif

#include <Eigen/Core>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <system_error>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tapegrad/io/bytes.hpp"
#include "tapegrad/io/files.hpp"
#include "tapegrad/io/zlib.hpp"
#include "tapegrad/optim/dataset.hpp"
#include "tapegrad/optim/history.hpp"
#include "tapegrad/optim/optimizer.hpp"
#include "tapegrad/optim/parameters.hpp"

namespace tapegrad::optim {

/// A checkpoint that cannot be used: unreadable, truncated, corrupt, of another version
/// or scalar type, or not matching the model. The message names the file.
class CheckpointError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Where a train() run is. With the run's options it determines every later step: the
/// order of epoch e's examples is a permutation drawn from (seed, e) alone (BatchSampler),
/// so the data-order random state is (seed, epoch); the schedule's t is epoch or steps.
template <class T>
struct TrainPosition {
  std::int64_t epoch = 0;          ///< epochs completed
  std::int64_t batch = 0;          ///< batches completed in the current epoch
  std::int64_t steps = 0;          ///< updates made (the schedule's t when it counts steps)
  std::int64_t seen = 0;           ///< examples in the current epoch's completed batches
  T loss_sum = T(0);               ///< sum over those batches of (batch loss x batch size)
  Eigen::VectorX<T> gradient_sum;  ///< the same sum of gradients (empty at an epoch's start)
  T learning_rate = T(0);          ///< alpha of the last step
  double seconds = 0.0;            ///< training time so far (History::seconds continues from it)
  // The data order and the loss: a resumed run must use the same.
  std::int64_t data_size = 0;   ///< N
  std::int64_t batch_size = 0;  ///< M (at most N)
  Order order = Order::shuffled;
  std::uint64_t seed = 0;
  bool drop_last = false;
  T weight_decay = T(0);
};

/// The contents of a checkpoint file.
template <class T>
struct Checkpoint {
  Parameters<T> parameters;     ///< names, shapes, decay flags and values
  OptimizerState<T> optimizer;  ///< the optimizer's state()
  TrainPosition<T> position;    ///< where the run was
  History<T> history;           ///< the epochs completed
};

namespace detail {

inline constexpr char checkpoint_magic[8] = {'\x89', 'T', 'G', 'C', 'K', 'P', 'T', '\n'};
inline constexpr std::uint32_t checkpoint_version = 1;
inline constexpr std::size_t checkpoint_header_bytes = 32;

/// A section: its tag, then its length (patched in by end_section), then its contents.
inline std::size_t begin_section(io::ByteWriter& out, const char (&tag)[5]) {
  out.raw(std::string_view(tag, 4));
  out.u64(0);
  return out.bytes().size();
}
inline void end_section(io::ByteWriter& out, std::size_t start) {
  io::ByteWriter length;
  length.u64(out.bytes().size() - start);
  out.bytes().replace(start - 8, 8, length.bytes());
}

template <class T>
void write_vector(io::ByteWriter& out, const Eigen::Ref<const Eigen::VectorX<T>>& v) {
  out.u64(static_cast<std::uint64_t>(v.size()));
  out.reals(v.data(), static_cast<std::size_t>(v.size()));
}
template <class T>
Eigen::VectorX<T> read_vector(io::ByteReader& in, const char* what) {
  Eigen::VectorX<T> v(static_cast<Eigen::Index>(in.count(sizeof(T), what)));
  in.reals(v.data(), static_cast<std::size_t>(v.size()), what);
  return v;
}
template <class X>
void write_list(io::ByteWriter& out, const std::vector<X>& v) {
  out.u64(v.size());
  if constexpr (std::is_floating_point_v<X>)
    out.reals(v.data(), v.size());
  else
    for (const X& x : v) out.u64(static_cast<std::uint64_t>(x));
}
template <class X>
std::vector<X> read_list(io::ByteReader& in, const char* what) {
  std::vector<X> v(in.count(sizeof(X), what));
  if constexpr (std::is_floating_point_v<X>)
    in.reals(v.data(), v.size(), what);
  else
    for (X& x : v) x = static_cast<X>(in.u64(what));
  return v;
}

template <class T>
void write_parameters(io::ByteWriter& out, const Parameters<T>& p) {
  out.u64(p.block_count());
  for (std::size_t i = 0; i < p.block_count(); ++i) {
    const auto& b = p.info(i);
    out.string(b.name);
    out.i64(b.rows);
    out.i64(b.cols);
    out.u8(b.decay ? 1 : 0);
    out.reals(p.values().data() + b.offset, static_cast<std::size_t>(b.size()));
  }
}
/// Reads the blocks in two passes over the section, the first for the layout (every
/// shape checked against the bytes left), the second for the values: one allocation of
/// exactly the stated size, whatever the number of blocks.
template <class T>
Parameters<T> read_parameters(io::ByteReader& in) {
  std::vector<typename Parameters<T>::Block> blocks;
  io::ByteReader values_pass = in;
  Eigen::Index total = 0;
  for (std::size_t i = 0, n = in.count(29, "the block count"); i < n; ++i) {
    typename Parameters<T>::Block b;
    b.name = in.string("a block name");
    const std::int64_t rows = in.i64("a block's rows"), cols = in.i64("a block's columns");
    const std::uint8_t decay = in.u8("a block's decay flag");
    if (rows < 1 || cols < 1 ||
        static_cast<std::uint64_t>(rows) > in.remaining() / sizeof(T) / static_cast<std::uint64_t>(cols))
      in.fail("block '" + b.name + "' claims shape " + std::to_string(rows) + "x" + std::to_string(cols) +
              ", more than the file holds");
    if (decay > 1) in.fail("block '" + b.name + "' has decay flag " + std::to_string(decay));
    b.rows = static_cast<Eigen::Index>(rows);
    b.cols = static_cast<Eigen::Index>(cols);
    b.offset = total;
    b.decay = decay == 1;
    total += b.size();
    in.raw(static_cast<std::size_t>(b.size()) * sizeof(T), "block values");
    blocks.push_back(std::move(b));
  }
  VectorX<T> values(total);
  values_pass.count(29, "the block count");
  for (const auto& b : blocks) {
    values_pass.string("a block name");
    values_pass.raw(17, "a block's shape");
    values_pass.reals(values.data() + b.offset, static_cast<std::size_t>(b.size()), "block values");
  }
  try {
    return Parameters<T>::from_layout(std::move(blocks), std::move(values));
  } catch (const std::invalid_argument& e) {  // two blocks of one name
    in.fail(e.what());
  }
}

template <class T>
void write_optimizer(io::ByteWriter& out, const OptimizerState<T>& s) {
  out.string(s.name);
  out.u64(s.settings.size());
  for (const auto& [name, x] : s.settings) {
    out.string(name);
    out.real(x);
  }
  out.u64(s.counters.size());
  for (const auto& [name, x] : s.counters) {
    out.string(name);
    out.i64(x);
  }
  out.u64(s.vectors.size());
  for (const auto& [name, v] : s.vectors) {
    out.string(name);
    write_vector<T>(out, v);
  }
}
template <class T>
OptimizerState<T> read_optimizer(io::ByteReader& in) {
  OptimizerState<T> s;
  s.name = in.string("the optimizer's name");
  for (std::size_t i = 0, n = in.count(4 + sizeof(T), "the settings count"); i < n; ++i) {
    std::string name = in.string("a setting's name");
    s.settings.emplace_back(std::move(name), in.real<T>("a setting"));
  }
  for (std::size_t i = 0, n = in.count(12, "the counters count"); i < n; ++i) {
    std::string name = in.string("a counter's name");
    s.counters.emplace_back(std::move(name), in.i64("a counter"));
  }
  for (std::size_t i = 0, n = in.count(12, "the vectors count"); i < n; ++i) {
    std::string name = in.string("a vector's name");
    s.vectors.emplace_back(std::move(name), read_vector<T>(in, "an optimizer vector"));
  }
  return s;
}

template <class T>
void write_position(io::ByteWriter& out, const TrainPosition<T>& p) {
  for (std::int64_t x : {p.epoch, p.batch, p.steps, p.seen, p.data_size, p.batch_size}) out.i64(x);
  out.real(p.loss_sum);
  out.real(p.learning_rate);
  out.real(p.seconds);
  out.real(p.weight_decay);
  out.u64(p.seed);
  out.u8(p.order == Order::shuffled ? 1 : 0);
  out.u8(p.drop_last ? 1 : 0);
  write_vector<T>(out, p.gradient_sum);
}
template <class T>
TrainPosition<T> read_position(io::ByteReader& in) {
  TrainPosition<T> p;
  for (std::int64_t* x : {&p.epoch, &p.batch, &p.steps, &p.seen, &p.data_size, &p.batch_size}) {
    *x = in.i64("a position counter");
    if (*x < 0) in.fail("a negative position counter (" + std::to_string(*x) + ")");
  }
  p.loss_sum = in.real<T>("the epoch's loss sum");
  p.learning_rate = in.real<T>("the learning rate");
  p.seconds = in.real<double>("the training time");
  p.weight_decay = in.real<T>("the weight decay");
  p.seed = in.u64("the seed");
  const std::uint8_t order = in.u8("the data order"), drop_last = in.u8("drop_last");
  if (order > 1 || drop_last > 1) in.fail("a data order or drop_last flag other than 0 or 1");
  p.order = order == 1 ? Order::shuffled : Order::sequential;
  p.drop_last = drop_last == 1;
  p.gradient_sum = read_vector<T>(in, "the epoch's gradient sum");
  return p;
}

template <class T>
void write_history(io::ByteWriter& out, const History<T>& h) {
  write_list(out, h.loss);
  write_list(out, h.validation_loss);
  write_list(out, h.validation_accuracy);
  write_list(out, h.gradient_norm);
  write_list(out, h.learning_rate);
  write_list(out, h.seconds);
  write_list(out, h.tape_bytes);
  out.i64(h.steps);
  out.u8(static_cast<std::uint8_t>(h.status));
  out.string(h.message);
}
template <class T>
History<T> read_history(io::ByteReader& in) {
  History<T> h;
  h.loss = read_list<T>(in, "the loss history");
  h.validation_loss = read_list<T>(in, "the validation loss history");
  h.validation_accuracy = read_list<double>(in, "the validation accuracy history");
  h.gradient_norm = read_list<T>(in, "the gradient norm history");
  h.learning_rate = read_list<T>(in, "the learning rate history");
  h.seconds = read_list<double>(in, "the time history");
  h.tape_bytes = read_list<std::size_t>(in, "the tape memory history");
  const std::size_t e = h.loss.size();
  if (h.gradient_norm.size() != e || h.learning_rate.size() != e || h.seconds.size() != e || h.tape_bytes.size() != e ||
      h.validation_loss.size() > e || h.validation_accuracy.size() > e)
    in.fail("the history's records have different lengths");
  h.steps = in.i64("the step count");
  const std::uint8_t status = in.u8("the status");
  if (status > static_cast<std::uint8_t>(Status::line_search_failed))
    in.fail("unknown status " + std::to_string(status));
  h.status = static_cast<Status>(status);
  h.message = in.string("the message");
  return h;
}

/// Opens section `tag` (checking the tag) and returns a reader over exactly its bytes.
inline io::ByteReader read_section(io::ByteReader& in, const char (&tag)[5], const std::string& context) {
  const std::string_view found = in.raw(4, "a section tag");
  if (found != std::string_view(tag, 4))
    in.fail("expected section " + std::string(tag, 4) + ", found '" + std::string(found) + "'");
  const std::uint64_t length = in.u64("a section length");
  if (length > in.remaining()) in.fail("section " + std::string(tag, 4) + " is longer than the file");
  return io::ByteReader(in.raw(static_cast<std::size_t>(length), tag), context + ", section " + std::string(tag, 4));
}

inline const char* scalar_name(std::size_t bytes) { return bytes == 4 ? "float" : bytes == 8 ? "double" : "unknown"; }

}  // namespace detail

/// The bytes of a checkpoint file (header and payload; see the file comment).
template <class T>
std::string encode_checkpoint(const Parameters<T>& parameters, const OptimizerState<T>& optimizer,
                              const TrainPosition<T>& position, const History<T>& history) {
  static_assert(sizeof(T) == 4 || sizeof(T) == 8, "checkpoints hold float or double numbers");
  io::ByteWriter out;
  out.reserve(detail::checkpoint_header_bytes + 256 +
              sizeof(T) * static_cast<std::size_t>(parameters.size() *
                                                       (1 + static_cast<Eigen::Index>(optimizer.vectors.size())) +
                                                   position.gradient_sum.size()));
  out.raw(std::string_view(detail::checkpoint_magic, 8));
  out.raw(std::string(detail::checkpoint_header_bytes - 8, '\0'));  // filled in below
  std::size_t s = detail::begin_section(out, "PARM");
  detail::write_parameters(out, parameters);
  detail::end_section(out, s);
  s = detail::begin_section(out, "OPTM");
  detail::write_optimizer(out, optimizer);
  detail::end_section(out, s);
  s = detail::begin_section(out, "POSN");
  detail::write_position(out, position);
  detail::end_section(out, s);
  s = detail::begin_section(out, "HIST");
  detail::write_history(out, history);
  detail::end_section(out, s);

  std::string& bytes = out.bytes();
  const std::string_view payload = std::string_view(bytes).substr(detail::checkpoint_header_bytes);
  io::ByteWriter header;
  header.raw(std::string_view(detail::checkpoint_magic, 8));
  header.u32(detail::checkpoint_version);
  header.u32(sizeof(T));
  header.u64(payload.size());
  header.u32(io::crc32(payload.data(), payload.size()));
  header.u32(io::crc32(header.bytes().data(), header.bytes().size()));
  bytes.replace(0, detail::checkpoint_header_bytes, header.bytes());
  return std::move(bytes);  // out's buffer itself: a copy of 237 MB took a second
}

/// Parses and checks checkpoint bytes; `name` (the file) starts every error message.
/// Throws CheckpointError for anything wrong (see the file comment).
template <class T>
Checkpoint<T> decode_checkpoint(std::string_view bytes, const std::string& name) {
  const std::string context = "checkpoint '" + name + "'";
  const auto fail = [&](const std::string& what) -> void { throw CheckpointError(context + ": " + what); };
  if (bytes.empty()) fail("the file is empty (0 bytes): not a checkpoint, or a write that never started");
  if (bytes.size() < detail::checkpoint_header_bytes)
    fail("truncated: " + std::to_string(bytes.size()) + " bytes, less than the 32-byte header");
  if (bytes.substr(0, 8) != std::string_view(detail::checkpoint_magic, 8))
    fail("not a tapegrad checkpoint (wrong magic bytes)");
  try {
    io::ByteReader header(bytes.substr(0, detail::checkpoint_header_bytes), context);
    header.raw(8, "the magic bytes");
    const std::uint32_t version = header.u32("the version");
    const std::uint32_t scalar = header.u32("the scalar size");
    const std::uint64_t payload_bytes = header.u64("the payload size");
    const std::uint32_t payload_crc = header.u32("the payload checksum");
    const std::uint32_t header_crc = header.u32("the header checksum");
    if (io::crc32(bytes.data(), 28) != header_crc) fail("header checksum mismatch: the header is corrupt");
    if (version != detail::checkpoint_version)
      fail("format version " + std::to_string(version) + "; this tapegrad reads version " +
           std::to_string(detail::checkpoint_version));
    if (scalar != sizeof(T))
      fail("holds " + std::string(detail::scalar_name(scalar)) + " numbers; this run uses " +
           detail::scalar_name(sizeof(T)));
    const std::size_t have = bytes.size() - detail::checkpoint_header_bytes;
    if (payload_bytes != have)
      fail((payload_bytes > have ? "truncated: the header announces " : "trailing bytes: the header announces ") +
           std::to_string(payload_bytes) + " payload bytes, the file has " + std::to_string(have));
    const std::string_view payload = bytes.substr(detail::checkpoint_header_bytes);
    const std::uint32_t crc = io::crc32(payload.data(), payload.size());
    if (crc != payload_crc)
      fail("checksum mismatch: the payload's CRC-32 differs from the header's (the file is corrupt)");

    io::ByteReader in(payload, context);
    Checkpoint<T> c;
    io::ByteReader parm = detail::read_section(in, "PARM", context);
    c.parameters = detail::read_parameters<T>(parm);
    io::ByteReader optm = detail::read_section(in, "OPTM", context);
    c.optimizer = detail::read_optimizer<T>(optm);
    io::ByteReader posn = detail::read_section(in, "POSN", context);
    c.position = detail::read_position<T>(posn);
    io::ByteReader hist = detail::read_section(in, "HIST", context);
    c.history = detail::read_history<T>(hist);
    for (const io::ByteReader* r : {&parm, &optm, &posn, &hist, &in})
      if (r->remaining() != 0) r->fail("unexpected bytes at the end");
    return c;
  } catch (const io::FormatError& e) {
    throw CheckpointError(e.what());
  }
}

/// Writes a checkpoint to `path` atomically (io::write_file_atomically), keeping the
/// keep - 1 previous ones as path.1, ... Throws std::runtime_error if a write fails.
template <class T>
void save_checkpoint(const std::string& path, const Parameters<T>& parameters, const OptimizerState<T>& optimizer,
                     const TrainPosition<T>& position, const History<T>& history, int keep = 1) {
  io::write_file_atomically(path, encode_checkpoint(parameters, optimizer, position, history), keep);
}

/// Reads and checks the checkpoint at `path`. Throws CheckpointError naming the file and
/// what is wrong (missing, empty, truncated, checksum, version, scalar type, contents).
template <class T>
Checkpoint<T> load_checkpoint(const std::string& path) {
  std::string bytes;
  try {
    bytes = io::read_bytes(path);
  } catch (const std::runtime_error& e) {
    throw CheckpointError(std::string("checkpoint: ") + e.what());
  }
  return decode_checkpoint<T>(bytes, path);
}

/// The newest usable checkpoint among path, path.1, ..., path.(keep-1) (the versions
/// write_file_atomically keeps), or std::nullopt if none of them exists. A file that
/// exists but cannot be used (CheckpointError) is reported on `warnings` with a line
/// "tapegrad: warning: ..." and the next older one is tried; if every existing file is
/// unusable, throws CheckpointError listing why: never silently a fresh start. If `file`
/// is given, it receives the name of the file loaded.
template <class T>
std::optional<Checkpoint<T>> load_newest_checkpoint(const std::string& path, int keep, std::ostream& warnings,
                                                    std::string* file = nullptr) {
  std::string reasons;
  for (int i = 0; i < keep; ++i) {
    const std::string name = io::rotated_path(path, i);
    std::error_code error;
    if (!std::filesystem::exists(name, error)) continue;
    try {
      Checkpoint<T> c = load_checkpoint<T>(name);
      if (file != nullptr) *file = name;
      return c;
    } catch (const CheckpointError& e) {
      warnings << "tapegrad: warning: " << e.what() << "; trying an older checkpoint\n";
      reasons += std::string(reasons.empty() ? "" : "; ") + e.what();
    }
  }
  if (reasons.empty()) return std::nullopt;
  throw CheckpointError("no usable checkpoint at '" + path + "' (" + reasons + ")");
}

/// Throws CheckpointError naming the first block that differs unless `model` has the
/// same blocks as `saved`, in the same order, with the same names and shapes, and every
/// saved value is finite. `path` names the checkpoint.
template <class T>
void check_parameters_fit(const Parameters<T>& model, const Parameters<T>& saved, const std::string& path) {
  const std::string context = "checkpoint '" + path + "' does not fit the model: ";
  for (std::size_t i = 0; i < model.block_count() || i < saved.block_count(); ++i) {
    if (i >= saved.block_count())
      throw CheckpointError(context + "the model's block '" + model.info(i).name + "' is not in the checkpoint");
    if (i >= model.block_count())
      throw CheckpointError(context + "the checkpoint's block '" + saved.info(i).name + "' is not in the model");
    const auto &m = model.info(i), &s = saved.info(i);
    if (m.name != s.name)
      throw CheckpointError(context + "block " + std::to_string(i) + " is '" + s.name + "' in the checkpoint, '" +
                            m.name + "' in the model");
    if (m.rows != s.rows || m.cols != s.cols)
      throw CheckpointError(context + "block '" + m.name + "' is " + detail::shape_string(s.rows, s.cols) +
                            " in the checkpoint, " + detail::shape_string(m.rows, m.cols) + " in the model");
    if (!detail::all_finite(saved[i]))  // a crafted file can carry a valid checksum
      throw CheckpointError("checkpoint '" + path + "': block '" + s.name + "' holds a NaN or infinite value");
  }
}

/// Copies the checkpoint's parameter values into `model`'s after check_parameters_fit;
/// if that throws, nothing is changed.
template <class T>
void restore_parameters(Parameters<T>& model, const Parameters<T>& saved, const std::string& path) {
  check_parameters_fit(model, saved, path);
  model.values() = saved.values();
}

}  // namespace tapegrad::optim
