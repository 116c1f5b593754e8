// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// libFuzzer target: gunzip on arbitrary bytes, under a 128 KiB limit, against a second,
// plain driver of zlib written here (one pass, output appended), which must agree on
// success and output: members, zero padding, trailing garbage, truncation, the limit.
// On success the limit is checked to be exact (n bytes decode under a limit of n, not
// n - 1), and the output is read as a labelled CSV, as read_labeled_csv reads a .gz file.
// A std::runtime_error is a fine answer; anything else is a finding. Built and run by
// run_reader_fuzzers.sh.

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tapegrad/io/csv.hpp"
#include "tapegrad/io/gzip.hpp"

namespace {

constexpr std::size_t limit = std::size_t{1} << 17;  // 128 KiB: the seeds of real data fit, the bomb seed passes it

void require(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "fuzz_gzip: broken promise: %s\n", what);
    std::abort();
  }
}

/// gunzip's policy again, on zlib directly: the decoded data, or nothing on any error.
std::optional<std::string> reference_gunzip(const unsigned char* data, std::size_t size) {
  if (size < 2 || data[0] != 0x1f || data[1] != 0x8b) return std::nullopt;
  z_stream s{};
  if (inflateInit2(&s, 15 + 16) != Z_OK) return std::nullopt;
  std::string out;
  std::size_t pos = 0;
  bool ok = false;
  unsigned char buffer[4096];
  for (;;) {
    s.next_in = const_cast<unsigned char*>(data + pos);
    s.avail_in = static_cast<uInt>(size - pos);
    int code = Z_OK;
    do {
      s.next_out = buffer;
      s.avail_out = sizeof buffer;
      code = inflate(&s, Z_NO_FLUSH);
      out.append(reinterpret_cast<const char*>(buffer), sizeof buffer - s.avail_out);
    } while (code == Z_OK && out.size() <= limit);
    pos = size - s.avail_in;
    if (code != Z_STREAM_END || out.size() > limit) break;
    std::size_t p = pos;
    while (p < size && data[p] == 0) ++p;
    if (p == size) {
      ok = true;
      break;
    }
    if (size - pos < 2 || data[pos] != 0x1f || data[pos + 1] != 0x8b) break;
    inflateReset(&s);
  }
  inflateEnd(&s);
  if (!ok) return std::nullopt;
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<std::string> out;
  try {
    out = tapegrad::io::gunzip(bytes, limit);
  } catch (const std::runtime_error&) {
  }
  const std::optional<std::string> reference = reference_gunzip(data, size);
  require(out.has_value() == reference.has_value(), "gunzip and the reference driver disagree on success");
  if (!out) return 0;
  require(*out == *reference, "gunzip and the reference driver disagree on the output");
  require(out->size() <= limit, "output beyond the limit");
  require(tapegrad::io::gunzip(bytes, out->size()) == *out, "the output does not decode under a limit of its size");
  if (!out->empty()) {
    bool refused = false;
    try {
      (void)tapegrad::io::gunzip(bytes, out->size() - 1);
    } catch (const std::runtime_error&) {
      refused = true;
    }
    require(refused, "the output decodes under a limit one byte smaller");
  }
  try {
    (void)tapegrad::io::parse_labeled_csv<double>(*out);
  } catch (const std::runtime_error&) {
  }
  return 0;
}
