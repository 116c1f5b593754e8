// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Reading whole files, gzip-compressed or not. gzip data are decoded by zlib (every
/// member; header CRC, CRC-32 and size checked) under a limit on the decompressed size
/// that is checked while inflating, so a decompression bomb stops at the limit having
/// allocated nothing for its output. Without zlib (TAPEGRAD_WITH_ZLIB undefined or 0)
/// plain files read as before and gzip data raise std::runtime_error saying so.

#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

#include "tapegrad/core/config.hpp"
#include "tapegrad/io/files.hpp"

#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
#include "tapegrad/io/zlib.hpp"
#endif

namespace tapegrad::io {

/// The default limit on the decompressed size of gzip input: 1 GiB. Far above any data
/// set a dense in-memory trainer reads (MNIST as CSV is 0.1 GiB), low enough that a bomb
/// is refused after about a second of inflating (docs/reliability.md).
inline constexpr std::size_t default_max_decompressed_bytes = std::size_t{1} << 30;

namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_gzip_error(const std::string& what) {
  throw std::runtime_error("tapegrad: gunzip: " + what);
}

#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB

/// zlib's message for corrupt gzip data, in the words a user looks for; `method` is the
/// member's compression method byte.
inline std::string explain_inflate_error(const std::string& zlib_message, unsigned method) {
  const auto zlib_says = [&](const std::string& what) { return what + " (zlib: " + zlib_message + ")"; };
  if (zlib_message == "incorrect data check") return zlib_says("CRC-32 mismatch");
  if (zlib_message == "incorrect length check")
    return zlib_says("size mismatch: the trailer's size is not the decoded size");
  if (zlib_message == "header crc mismatch") return zlib_says("header CRC mismatch");
  if (zlib_message == "unknown compression method")
    return zlib_says("unsupported compression method " + std::to_string(method) + " (gzip knows only 8, deflate)");
  if (zlib_message == "unknown header flags set") return zlib_says("reserved header flags are set");
  if (zlib_message == "invalid block type") return zlib_says("invalid deflate block type 3");
  if (zlib_message == "invalid distance too far back")
    return zlib_says("a back-reference reaches before the start of the data");
  return "corrupt deflate data (zlib: " + zlib_message + ")";
}

/// One pass over gzip data: every member inflated and checked, at most `max_bytes` of
/// output in all. With `dest` null the output goes to a scratch buffer and is only
/// counted; otherwise it is written to dest[0, dest_size). Returns the output size.
inline std::size_t gunzip_pass(std::string_view bytes, std::size_t max_bytes, char* dest, std::size_t dest_size) {
  constexpr std::size_t scratch_size = 65536;
  const std::unique_ptr<unsigned char[]> scratch(dest == nullptr ? new unsigned char[scratch_size] : nullptr);
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  Inflater inflater(Wrapper::gzip);
  std::size_t pos = 0, member_start = 0, total = 0, member = 1;
  for (;;) {
    void* out = nullptr;
    std::size_t room = 0;
    if (dest != nullptr) {
      out = dest + total;
      room = dest_size - total;
    } else {
      // One byte more than the limit allows, so that passing it is seen.
      const std::size_t left = max_bytes - total;
      out = scratch.get();
      room = left < scratch_size ? left + 1 : scratch_size;
    }
    Inflater::Step step;
    try {
      step = inflater.inflate(data + pos, size - pos, out, room);
    } catch (const ZlibError& e) {
      throw_gzip_error("corrupt data in member " + std::to_string(member) + " at byte " +
                       std::to_string(member_start + inflater.total_in()) + ": " +
                       explain_inflate_error(e.zlib_message(), size - member_start > 2 ? data[member_start + 2] : 8u));
    }
    pos += step.consumed;
    total += step.produced;
    if (total > max_bytes)
      throw_gzip_error("the decompressed data pass the limit of " + std::to_string(max_bytes) + " bytes after " +
                       std::to_string(pos) + " of " + std::to_string(size) +
                       " compressed bytes (a decompression bomb, or a larger file than expected: raise the limit, "
                       "e.g. CsvOptions::max_decompressed_bytes, if you trust it)");
    if (step.finished) {
      // Like gzip itself: zero padding after the last member is ignored; anything else
      // must be another member.
      std::size_t p = pos;
      while (p < size && data[p] == 0) ++p;
      if (p == size) return total;
      if (size - pos < 2 || data[pos] != 0x1f || data[pos + 1] != 0x8b)
        throw_gzip_error("trailing garbage after gzip member " + std::to_string(member) + " at byte " +
                         std::to_string(pos));
      inflater.reset();
      member_start = pos;
      ++member;
    } else if (step.consumed == 0 && step.produced == 0) {
      if (pos == size)
        throw_gzip_error("truncated data: the input ends inside member " + std::to_string(member) + " after " +
                         std::to_string(size) + " bytes (" + std::to_string(total) + " bytes decoded)");
      throw_gzip_error("internal error: the second pass over the data disagrees with the first");
    }
  }
}

#endif

}  // namespace detail

/// True if `bytes` starts with the gzip magic number 1f 8b.
inline bool is_gzip(std::string_view bytes) noexcept {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

/// The decompressed contents of gzip data (all members, concatenated). Throws
/// std::runtime_error on corrupt or truncated data, and as soon as the output passes
/// `max_bytes` (checked while inflating). The data are inflated twice, first to check
/// them and measure the output, then into a string of exactly that size: memory is the
/// input plus the output, and data that fail allocate nothing for their output.
inline std::string gunzip(std::string_view bytes, std::size_t max_bytes = default_max_decompressed_bytes) {
  if (!is_gzip(bytes)) detail::throw_gzip_error("not gzip data (no 1f 8b magic number)");
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
  const std::size_t size = detail::gunzip_pass(bytes, max_bytes, nullptr, 0);
  std::string out(size, '\0');
  detail::gunzip_pass(bytes, max_bytes, &out[0], size);
  return out;
#else
  (void)max_bytes;
  detail::throw_gzip_error(
      "this program was built without zlib, so gzip data cannot be read: install zlib (Debian: zlib1g-dev) and "
      "link tapegrad::tapegrad again (it uses zlib when CMake finds it), or define TAPEGRAD_WITH_ZLIB=1 and link "
      "-lz; or decompress the file first (gzip -d)");
#endif
}

/// The whole file at `path`, gunzipped if it is gzip data (at most
/// `max_decompressed_bytes`, see gunzip); throws std::runtime_error naming the path if it
/// cannot be opened, read or decompressed.
inline std::string read_file(const std::string& path,
                             std::size_t max_decompressed_bytes = default_max_decompressed_bytes) {
  std::string bytes = read_bytes(path);
  if (!is_gzip(bytes)) return bytes;
  try {
    return gunzip(bytes, max_decompressed_bytes);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (in '" + path + "')");
  }
}

}  // namespace tapegrad::io
