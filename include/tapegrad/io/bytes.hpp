// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Little-endian binary encoding, independent of the machine's byte order: ByteWriter
/// appends integers, IEEE 754 numbers and strings to a buffer; ByteReader reads them
/// back and checks every read, and every stated count, against the bytes left before
/// anything is allocated, so a truncated or hostile buffer raises FormatError instead
/// of reading past its end or allocating what it claims.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

namespace tapegrad::io {

/// Malformed binary data: truncated, a count larger than the data, a bad value.
class FormatError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

namespace detail {

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
inline constexpr bool host_is_little_endian = true;
#else
inline constexpr bool host_is_little_endian = false;  // portable byte-by-byte path
#endif

/// The unsigned integer of a floating-point type's width (its IEEE 754 bits).
template <class F>
using bits_of = std::conditional_t<sizeof(F) == 8, std::uint64_t, std::uint32_t>;

}  // namespace detail

/// Appends little-endian values to a byte string.
class ByteWriter {
 public:
  /// An unsigned integer of `bytes` bytes (1 to 8), least significant first.
  void unsigned_int(std::uint64_t x, int bytes) {
    for (int i = 0; i < bytes; ++i) out_.push_back(static_cast<char>((x >> (8 * i)) & 0xFFu));
  }
  /// One byte.
  void u8(std::uint8_t x) { unsigned_int(x, 1); }
  /// A 32-bit unsigned integer.
  void u32(std::uint32_t x) { unsigned_int(x, 4); }
  /// A 64-bit unsigned integer.
  void u64(std::uint64_t x) { unsigned_int(x, 8); }
  /// A 64-bit signed integer (two's complement).
  void i64(std::int64_t x) { unsigned_int(static_cast<std::uint64_t>(x), 8); }
  /// An IEEE 754 float or double, bit for bit (NaN payloads and -0 included).
  template <class F>
  void real(F x) {
    static_assert(std::is_floating_point_v<F> && (sizeof(F) == 4 || sizeof(F) == 8), "IEEE float or double");
    detail::bits_of<F> bits;
    std::memcpy(&bits, &x, sizeof bits);
    unsigned_int(bits, sizeof bits);
  }
  /// n floats or doubles; one copy on a little-endian machine.
  template <class F>
  void reals(const F* x, std::size_t n) {
    if (n == 0) return;  // x may be null (an empty Eigen vector)
    if constexpr (detail::host_is_little_endian) {
      out_.append(reinterpret_cast<const char*>(x), n * sizeof(F));
    } else {
      for (std::size_t i = 0; i < n; ++i) real(x[i]);
    }
  }
  /// A string: its length (u32), then its bytes.
  void string(std::string_view s) {
    if (s.size() > std::numeric_limits<std::uint32_t>::max()) throw FormatError("ByteWriter: string longer than 4 GiB");
    u32(static_cast<std::uint32_t>(s.size()));
    out_.append(s.data(), s.size());
  }
  /// Raw bytes.
  void raw(std::string_view s) { out_.append(s.data(), s.size()); }
  /// Reserves room for n more bytes.
  void reserve(std::size_t n) { out_.reserve(out_.size() + n); }
  /// The bytes written so far.
  const std::string& bytes() const noexcept { return out_; }
  /// The bytes written so far, writable (e.g. to patch a header).
  std::string& bytes() noexcept { return out_; }

 private:
  std::string out_;
};

/// Reads little-endian values from a byte string; every read is checked against the
/// end, and a failed check throws FormatError naming `context`, the item and the offset.
class ByteReader {
 public:
  /// Reads bytes[0, size()); `context` starts every error message (e.g. the file name).
  ByteReader(std::string_view bytes, std::string context) : in_(bytes), context_(std::move(context)) {}

  /// Bytes not yet read.
  std::size_t remaining() const noexcept { return in_.size() - pos_; }
  /// Bytes read so far.
  std::size_t offset() const noexcept { return pos_; }

  /// An unsigned integer of `bytes` bytes (1 to 8).
  std::uint64_t unsigned_int(int bytes, const char* what) {
    need(static_cast<std::size_t>(bytes), what);
    std::uint64_t x = 0;
    for (int i = 0; i < bytes; ++i)
      x |= std::uint64_t{static_cast<unsigned char>(in_[pos_ + static_cast<std::size_t>(i)])} << (8 * i);
    pos_ += static_cast<std::size_t>(bytes);
    return x;
  }
  /// One byte.
  std::uint8_t u8(const char* what) { return static_cast<std::uint8_t>(unsigned_int(1, what)); }
  /// A 32-bit unsigned integer.
  std::uint32_t u32(const char* what) { return static_cast<std::uint32_t>(unsigned_int(4, what)); }
  /// A 64-bit unsigned integer.
  std::uint64_t u64(const char* what) { return unsigned_int(8, what); }
  /// A 64-bit signed integer.
  std::int64_t i64(const char* what) { return static_cast<std::int64_t>(unsigned_int(8, what)); }
  /// An IEEE 754 float or double.
  template <class F>
  F real(const char* what) {
    const auto bits = static_cast<detail::bits_of<F>>(unsigned_int(sizeof(F), what));
    F x;
    std::memcpy(&x, &bits, sizeof x);
    return x;
  }
  /// n floats or doubles into out[0, n) (checked against the bytes left first).
  template <class F>
  void reals(F* out, std::size_t n, const char* what) {
    if (n > remaining() / sizeof(F))
      fail(std::string(what) + ": " + std::to_string(n) + " numbers need more bytes than are left");
    if (n == 0) return;  // out may be null (an empty Eigen vector)
    if constexpr (detail::host_is_little_endian) {
      std::memcpy(out, in_.data() + pos_, n * sizeof(F));
      pos_ += n * sizeof(F);
    } else {
      for (std::size_t i = 0; i < n; ++i) out[i] = real<F>(what);
    }
  }
  /// A count of items of `item_bytes` bytes each that must still fit in the data: read
  /// before allocating room for them, so a hostile count allocates nothing.
  std::size_t count(std::size_t item_bytes, const char* what) {
    const std::uint64_t n = u64(what);
    if (item_bytes > 0 && n > remaining() / item_bytes)
      fail(std::string(what) + " is " + std::to_string(n) + ", more than the " + std::to_string(remaining()) +
           " bytes left can hold");
    return static_cast<std::size_t>(n);
  }
  /// A string written by ByteWriter::string.
  std::string string(const char* what) {
    const std::uint32_t n = u32(what);
    need(n, what);
    std::string s(in_.substr(pos_, n));
    pos_ += n;
    return s;
  }
  /// n raw bytes.
  std::string_view raw(std::size_t n, const char* what) {
    need(n, what);
    const std::string_view s = in_.substr(pos_, n);
    pos_ += n;
    return s;
  }
  /// Throws FormatError "context: message (at byte offset)".
  [[noreturn]] void fail(const std::string& message) const {
    throw FormatError(context_ + ": " + message + " (at byte " + std::to_string(pos_) + ")");
  }

 private:
  void need(std::size_t n, const char* what) const {
    if (n > remaining())
      fail(std::string("truncated: ") + what + " needs " + std::to_string(n) + " bytes, " +
           std::to_string(remaining()) + " left");
  }

  std::string_view in_;
  std::size_t pos_ = 0;
  std::string context_;
};

}  // namespace tapegrad::io
