// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// A thin C++ layer over zlib (https://zlib.net): CRC-32, and streaming inflate and
/// deflate with RAII and exceptions, for gzip.hpp and for any other file format of
/// tapegrad's that wants a checksum or compression. Needs zlib: the CMake target
/// tapegrad::tapegrad links it and defines TAPEGRAD_WITH_ZLIB=1 when CMake finds it
/// (docs/design.md says why); without CMake, define TAPEGRAD_WITH_ZLIB=1 and link -lz.

#if !defined(TAPEGRAD_WITH_ZLIB) || !TAPEGRAD_WITH_ZLIB
#error \
    "tapegrad/io/zlib.hpp needs zlib: define TAPEGRAD_WITH_ZLIB=1 and link zlib (-lz); CMake's tapegrad::tapegrad does both when zlib is found"
#endif

#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <limits>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "tapegrad/core/config.hpp"

namespace tapegrad::io {

/// How a compressed stream is wrapped (RFC 1952, RFC 1950, or bare RFC 1951 DEFLATE).
enum class Wrapper {
  gzip,  ///< gzip member: header, deflate data, CRC-32 and size
  zlib,  ///< zlib stream: 2-byte header, deflate data, Adler-32
  raw    ///< deflate data alone
};

namespace detail {

/// zlib's windowBits for a wrapper: a 32 KiB window, +16 for gzip, negative for raw.
inline int zlib_window_bits(Wrapper wrapper) noexcept {
  return wrapper == Wrapper::gzip ? 15 + 16 : wrapper == Wrapper::zlib ? 15 : -15;
}

/// zlib's avail_in/avail_out are 32-bit: larger buffers are handed over in pieces.
inline uInt zlib_chunk(std::size_t size) noexcept {
  constexpr std::size_t most = std::numeric_limits<uInt>::max();
  return static_cast<uInt>(size < most ? size : most);
}

}  // namespace detail

/// An error reported by zlib: corrupt or truncated data, or misuse of a stream.
class ZlibError : public std::runtime_error {
 public:
  /// `operation` ("inflate", "deflate"), zlib's return code and message.
  ZlibError(const std::string& operation, int code, std::string message)
      : std::runtime_error("tapegrad: " + operation + ": " + message), code_(code), message_(std::move(message)) {}
  /// zlib's return code (Z_DATA_ERROR, Z_STREAM_ERROR, ...).
  int code() const noexcept { return code_; }
  /// zlib's own message, e.g. "incorrect data check" (a CRC-32 mismatch).
  const std::string& zlib_message() const noexcept { return message_; }

 private:
  int code_;
  std::string message_;
};

namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_zlib_error(const char* operation, int code, const char* message) {
  if (code == Z_MEM_ERROR) throw std::bad_alloc();
  throw ZlibError(operation, code, message != nullptr ? message : zError(code));
}

}  // namespace detail

/// CRC-32 of `size` bytes (the checksum of gzip, zip and PNG: reflected polynomial
/// 0xedb88320), continuing from `crc` (0 to start): crc32(b, n, crc32(a, m)) is the CRC
/// of a followed by b.
inline std::uint32_t crc32(const void* data, std::size_t size, std::uint32_t crc = 0) noexcept {
  const auto* p = static_cast<const Bytef*>(data);
  uLong c = crc;
  while (size > 0) {
    const uInt n = detail::zlib_chunk(size);
    c = ::crc32(c, p, n);
    p += n;
    size -= n;
  }
  return static_cast<std::uint32_t>(c);
}

/// The CRC-32 of a followed by b, from crc_a, crc_b and the length of b alone (zlib's
/// crc32_combine): checksums of pieces computed apart, e.g. on several threads.
inline std::uint32_t crc32_combine(std::uint32_t crc_a, std::uint32_t crc_b, std::uint64_t size_b) noexcept {
  return static_cast<std::uint32_t>(::crc32_combine(crc_a, crc_b, static_cast<z_off_t>(size_b)));
}

/// Streaming decompression of one stream (one gzip member, one zlib stream or one raw
/// deflate stream). Not copyable or movable: zlib's state points back at it.
class Inflater {
 public:
  /// What one call to inflate() did.
  struct Step {
    std::size_t consumed = 0;  ///< input bytes used
    std::size_t produced = 0;  ///< output bytes written
    bool finished = false;     ///< the stream's end (and, for gzip, its CRC-32 and size) was reached and checked
  };

  /// An inflater for `wrapper` data (gzip: the CRC-32, size and header CRC are checked).
  explicit Inflater(Wrapper wrapper = Wrapper::gzip) {
    const int code = inflateInit2(&stream_, detail::zlib_window_bits(wrapper));
    if (code != Z_OK) detail::throw_zlib_error("inflate", code, stream_.msg);
  }
  ~Inflater() { inflateEnd(&stream_); }
  Inflater(const Inflater&) = delete;
  Inflater& operator=(const Inflater&) = delete;

  /// Decompresses from in[0, in_size) into out[0, out_size) until the output is full,
  /// the input is used up or the stream ends. Corrupt data throw ZlibError (a
  /// std::runtime_error) with zlib's message (e.g. "incorrect data check": a CRC-32 mismatch).
  Step inflate(const void* in, std::size_t in_size, void* out, std::size_t out_size) {
    Step step;
    unsigned char no_room = 0;  // zlib wants a non-null next_out even with no room: the trailer needs none
    stream_.next_in = static_cast<Bytef*>(const_cast<void*>(in));  // zlib never writes through next_in
    stream_.next_out = out != nullptr ? static_cast<Bytef*>(out) : &no_room;
    // Until the stream ends or zlib can make no progress (Z_BUF_ERROR: it needs more input
    // or more room); the pieces only matter for buffers beyond 4 GiB.
    while (!finished_) {
      const uInt give_in = detail::zlib_chunk(in_size - step.consumed);
      const uInt give_out = detail::zlib_chunk(out_size - step.produced);
      stream_.avail_in = give_in;
      stream_.avail_out = give_out;
      const int code = ::inflate(&stream_, Z_NO_FLUSH);
      step.consumed += give_in - stream_.avail_in;
      step.produced += give_out - stream_.avail_out;
      if (code == Z_STREAM_END) {
        finished_ = true;
      } else if (code == Z_BUF_ERROR) {
        break;
      } else if (code != Z_OK) {
        detail::throw_zlib_error("inflate", code == Z_NEED_DICT ? Z_DATA_ERROR : code, stream_.msg);
      }
    }
    step.finished = finished_;
    return step;
  }

  /// True once the end of the stream has been decoded and checked.
  bool finished() const noexcept { return finished_; }
  /// Input bytes used since construction or reset() (where an error was detected).
  std::uint64_t total_in() const noexcept { return stream_.total_in; }
  /// Output bytes produced since construction or reset().
  std::uint64_t total_out() const noexcept { return stream_.total_out; }
  /// Starts a new stream of the same wrapper (e.g. the next gzip member).
  void reset() {
    const int code = inflateReset(&stream_);
    if (code != Z_OK) detail::throw_zlib_error("inflate", code, stream_.msg);
    finished_ = false;
  }

 private:
  z_stream stream_{};
  bool finished_ = false;
};

/// Streaming compression. Output goes to a sink, any callable taking
/// (const unsigned char* data, std::size_t size), as it is produced. Not copyable or
/// movable: zlib's state points back at it.
class Deflater {
 public:
  /// A deflater writing `wrapper` data at `level` (0 none ... 9 smallest; -1 zlib's default, 6).
  explicit Deflater(Wrapper wrapper = Wrapper::gzip, int level = Z_DEFAULT_COMPRESSION) {
    const int code =
        deflateInit2(&stream_, level, Z_DEFLATED, detail::zlib_window_bits(wrapper), 8, Z_DEFAULT_STRATEGY);
    if (code != Z_OK) detail::throw_zlib_error("deflate", code, stream_.msg);
  }
  ~Deflater() { deflateEnd(&stream_); }
  Deflater(const Deflater&) = delete;
  Deflater& operator=(const Deflater&) = delete;

  /// Compresses `size` bytes; output may be held back until flush() or finish().
  template <class Sink>
  void write(const void* data, std::size_t size, Sink&& sink) {
    run(data, size, Z_NO_FLUSH, sink);
  }
  /// Emits everything written so far, ending on a byte boundary (Z_SYNC_FLUSH), so a
  /// reader can decode it before the stream ends.
  template <class Sink>
  void flush(Sink&& sink) {
    run(nullptr, 0, Z_SYNC_FLUSH, sink);
  }
  /// Ends the stream (for gzip: the final block, CRC-32 and size).
  template <class Sink>
  void finish(Sink&& sink) {
    run(nullptr, 0, Z_FINISH, sink);
  }

 private:
  template <class Sink>
  void run(const void* data, std::size_t size, int flush, Sink& sink) {
    unsigned char buffer[16384];
    const auto* in = static_cast<const Bytef*>(data);
    for (;;) {
      const uInt give_in = detail::zlib_chunk(size);
      stream_.next_in = const_cast<Bytef*>(in);  // zlib never writes through next_in
      stream_.avail_in = give_in;
      const bool last_piece = give_in == size;
      const int mode = last_piece ? flush : Z_NO_FLUSH;
      int code = Z_OK;
      do {
        stream_.next_out = buffer;
        stream_.avail_out = sizeof buffer;
        code = ::deflate(&stream_, mode);
        if (code == Z_STREAM_ERROR) detail::throw_zlib_error("deflate", code, stream_.msg);
        const std::size_t produced = sizeof buffer - stream_.avail_out;
        if (produced > 0) sink(static_cast<const unsigned char*>(buffer), produced);
      } while (stream_.avail_out == 0 || (mode == Z_FINISH && code != Z_STREAM_END));
      in += give_in;
      size -= give_in;
      if (last_piece) return;
    }
  }

  z_stream stream_{};
};

/// `data` compressed as one gzip member at `level` (0 ... 9, -1 for zlib's default).
inline std::string gzip(std::string_view data, int level = Z_DEFAULT_COMPRESSION) {
  std::string out;
  const auto append = [&out](const unsigned char* p, std::size_t n) {
    out.append(reinterpret_cast<const char*>(p), n);
  };
  Deflater deflater(Wrapper::gzip, level);
  deflater.write(data.data(), data.size(), append);
  deflater.finish(append);
  return out;
}

}  // namespace tapegrad::io
