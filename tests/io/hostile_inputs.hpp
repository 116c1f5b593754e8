// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Helpers of the io tests: temporary files, decompression bombs made with zlib while the
// test runs (never committed), and the process's peak memory.
#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tapegrad/io/zlib.hpp"

#if defined(__linux__)
#include <sys/resource.h>
#endif

namespace tapegrad_io_test {

/// A file in the temporary directory holding `contents`, removed when it goes out of
/// scope. The random part keeps builds that run the tests at once apart.
class TempFile {
 public:
  TempFile(const std::string& name, const std::string& contents) : path_(unique_path(name)) {
    std::ofstream out(path_, std::ios::binary);
    out << contents;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  const std::string& path() const { return path_; }

  /// A fresh path in the temporary directory (nothing is created).
  static std::string unique_path(const std::string& name) {
    return (std::filesystem::temp_directory_path() /
            ("tapegrad_io_test_" + std::to_string(std::random_device{}()) + "_" + name))
        .string();
  }

 private:
  std::string path_;
};

/// gzip data of `total` zero bytes compressed for real at `level`, streamed to
/// sink(const unsigned char*, size_t) 1 MiB at a time: what `head -c total /dev/zero |
/// gzip -level` writes (level 1 gives the 13 MB file for 3 GB).
template <class Sink>
void zero_gzip(std::uint64_t total, int level, Sink&& sink) {
  const std::vector<char> zeros(std::size_t{1} << 20, 0);
  tapegrad::io::Deflater deflater(tapegrad::io::Wrapper::gzip, level);
  for (std::uint64_t done = 0; done < total;) {
    const std::uint64_t left = total - done;
    const std::size_t n = left < zeros.size() ? static_cast<std::size_t>(left) : zeros.size();
    deflater.write(zeros.data(), n, sink);
    done += n;
  }
  deflater.finish(sink);
}

/// gzip data of `mib` MiB of zeros, made in milliseconds however large: after its first
/// MiB the deflater's window holds only zeros, so each further MiB of zeros, written and
/// flushed (Z_SYNC_FLUSH), compresses to the same bytes. Those bytes (checked equal for
/// two MiB in a row) are repeated; then the final empty block and the trailer, whose
/// CRC-32 comes from crc32_combine. A valid gzip file (gzip -t accepts it), about 1/1000
/// of the size it expands to. Written to sink(const unsigned char*, size_t).
template <class Sink>
void zero_bomb(std::uint64_t mib, Sink&& sink) {
  if (mib < 3) throw std::invalid_argument("zero_bomb: at least 3 MiB");
  const std::size_t chunk = std::size_t{1} << 20;
  const std::vector<char> zeros(chunk, 0);
  tapegrad::io::Deflater deflater(tapegrad::io::Wrapper::gzip, 9);
  std::string first, second, third;
  const auto into = [](std::string& s) {
    return [&s](const unsigned char* p, std::size_t n) { s.append(reinterpret_cast<const char*>(p), n); };
  };
  deflater.write(zeros.data(), chunk, into(first));
  deflater.flush(into(first));
  deflater.write(zeros.data(), chunk, into(second));
  deflater.flush(into(second));
  deflater.write(zeros.data(), chunk, into(third));
  deflater.flush(into(third));
  if (second != third) throw std::logic_error("zero_bomb: flushed MiBs of zeros differ; cannot repeat them");
  const auto put = [&sink](const std::string& s) { sink(reinterpret_cast<const unsigned char*>(s.data()), s.size()); };
  put(first);
  for (std::uint64_t k = 1; k < mib; ++k) put(second);
  // CRC of mib MiB by binary powers: power holds the CRC of 2^j MiB.
  std::uint32_t power = tapegrad::io::crc32(zeros.data(), chunk), crc = 0;
  std::uint64_t power_size = chunk;
  for (std::uint64_t left = mib; left > 0; left >>= 1) {
    if (left & 1u) crc = tapegrad::io::crc32_combine(crc, power, power_size);
    power = tapegrad::io::crc32_combine(power, power, power_size);
    power_size *= 2;
  }
  const std::uint64_t size = mib * chunk;
  std::string tail = {'\x03', '\x00'};  // a final fixed-Huffman block holding only end-of-block
  for (int i = 0; i < 4; ++i) tail += static_cast<char>((crc >> (8 * i)) & 0xffu);
  for (int i = 0; i < 4; ++i) tail += static_cast<char>((size >> (8 * i)) & 0xffu);  // ISIZE: size mod 2^32
  put(tail);
}

/// zero_bomb into a string.
inline std::string zero_bomb(std::uint64_t mib) {
  std::string out;
  zero_bomb(mib, [&out](const unsigned char* p, std::size_t n) { out.append(reinterpret_cast<const char*>(p), n); });
  return out;
}

/// The largest resident set size of this process so far, in bytes (0 where unknown).
inline std::uint64_t peak_rss_bytes() {
#if defined(__linux__)
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  return static_cast<std::uint64_t>(usage.ru_maxrss) * 1024u;  // Linux reports KiB
#else
  return 0;
#endif
}

}  // namespace tapegrad_io_test
