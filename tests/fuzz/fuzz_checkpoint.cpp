// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// libFuzzer target: the checkpoint loader (optim::decode_checkpoint) on arbitrary bytes.
// The first input byte chooses how the rest is used:
//   even: as a whole file (magic, header, checksums and all);
//   odd:  as the payload, behind a header made valid here (version 1, scalar double or
//         float by bit 1, the right size and CRC-32s), so the fuzzer gets past the
//         checksums and reaches the section parser.
// A CheckpointError is a fine answer; anything else (a crash, a sanitizer report, another
// exception, memory past the RSS limit) is a finding. Decoded checkpoints must re-encode
// to the same bytes (the format is canonical), and restoring one into a model and its
// optimizer state into an Adam either works or throws the documented errors. Built and
// run by run_reader_fuzzers.sh.

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tapegrad/optim/checkpoint.hpp"

namespace {

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_checkpoint: broken promise: %s\n", what);
    std::abort();
  }
}

std::string with_valid_header(std::string_view payload, std::uint32_t scalar_bytes) {
  tapegrad::io::ByteWriter out;
  out.raw(std::string_view("\x89TGCKPT\n", 8));
  out.u32(1);
  out.u32(scalar_bytes);
  out.u64(payload.size());
  out.u32(tapegrad::io::crc32(payload.data(), payload.size()));
  out.u32(tapegrad::io::crc32(out.bytes().data(), 28));
  out.raw(payload);
  return out.bytes();
}

template <class T>
void check(const std::string& file) {
  namespace optim = tapegrad::optim;
  optim::Checkpoint<T> c;
  try {
    c = optim::decode_checkpoint<T>(file, "fuzz.ckpt");
  } catch (const optim::CheckpointError&) {
    return;
  }
  require(optim::encode_checkpoint(c.parameters, c.optimizer, c.position, c.history) == file,
          "a decoded checkpoint does not re-encode to the same bytes");
  // A model of one 2x2 block "W": restore either fits or names the block, changing nothing.
  optim::Parameters<T> model;
  model.add("W", tapegrad::MatrixX<T>::Ones(2, 2));
  try {
    optim::restore_parameters(model, c.parameters, "fuzz.ckpt");
    require(model.values() == c.parameters.values(), "restore_parameters copied other values");
  } catch (const optim::CheckpointError&) {
    require(model.values() == Eigen::VectorX<T>::Ones(4), "a refused restore changed the model");
  }
  try {
    optim::Adam<T>().load_state(c.optimizer, 4);
  } catch (const std::invalid_argument&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  const bool single = (data[0] & 2) != 0;
  const std::string file = (data[0] & 1) ? with_valid_header(rest, single ? 4 : 8) : std::string(rest);
  if (single)
    check<float>(file);
  else
    check<double>(file);
  return 0;
}
