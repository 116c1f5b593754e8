// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Reading whole files, gzip-compressed or not, with no link dependency: a small
/// DEFLATE decoder (RFC 1951: stored, fixed and dynamic Huffman blocks) and the gzip
/// wrapper around it (RFC 1952: optional header fields, CRC-32 and size check,
/// several members). Written for clarity, not speed (codes are decoded bit by bit, as
/// in zlib's reference decoder puff.c); the data sets it is meant for are a few MB at
/// most. Corrupt or truncated input throws std::runtime_error; every read is
/// bounds-checked.

#include <array>
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>

#include "tapegrad/core/config.hpp"

namespace tapegrad::io {
namespace detail {

[[noreturn]] TAPEGRAD_COLD inline void throw_gzip_error(const std::string& what) {
  throw std::runtime_error("tapegrad: gunzip: " + what);
}

/// "0x1234abcd": checksums in error messages.
inline std::string hex32(std::uint32_t value) {
  static const char digits[] = "0123456789abcdef";
  std::string s = "0x00000000";
  for (int i = 0; i < 8; ++i) s[static_cast<std::size_t>(9 - i)] = digits[(value >> (4 * i)) & 0xfu];
  return s;
}

/// The CRC-32 of gzip and zlib (reflected polynomial 0xedb88320), continuing from `crc`.
inline std::uint32_t crc32(const unsigned char* data, std::size_t size, std::uint32_t crc = 0) {
  static const std::array<std::uint32_t, 256> table = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1u) ? 0xedb88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (std::size_t i = 0; i < size; ++i) crc = table[(crc ^ data[i]) & 0xffu] ^ (crc >> 8);
  return ~crc;
}

/// Reads a DEFLATE stream least significant bit first. Every byte read is checked
/// against the end of the input, so truncation surfaces as an exception, never as a
/// read past the buffer.
class BitReader {
 public:
  BitReader(const unsigned char* data, std::size_t size, std::size_t pos)
      : data_(data), size_(size), pos_(pos) {}

  /// The next n bits (n <= 16), first bit in the lowest position.
  std::uint32_t bits(unsigned n) {
    std::uint32_t value = buffer_;
    while (count_ < n) {
      if (pos_ >= size_) throw_gzip_error("truncated deflate stream");
      value |= static_cast<std::uint32_t>(data_[pos_++]) << count_;
      count_ += 8;
    }
    // count_ < n + 8 <= 24 here, so the shifts stay inside 32 bits.
    buffer_ = value >> n;
    count_ -= n;
    return value & ((1u << n) - 1u);
  }

  /// Drops the rest of the current byte. Bytes are only loaded when bits are needed,
  /// so fewer than 8 bits are ever buffered and they all belong to that byte.
  void align() {
    buffer_ = 0;
    count_ = 0;
  }

  /// Position of the next unread byte; meaningful after align().
  std::size_t position() const { return pos_; }

  /// n whole bytes at the (aligned) read position, for stored blocks.
  const unsigned char* take_bytes(std::size_t n) {
    if (size_ - pos_ < n) throw_gzip_error("truncated stored block");
    const unsigned char* p = data_ + pos_;
    pos_ += n;
    return p;
  }

 private:
  const unsigned char* data_;
  std::size_t size_;
  std::size_t pos_;
  std::uint32_t buffer_ = 0;
  unsigned count_ = 0;
};

/// A canonical Huffman code: how many codes have each length, and the symbols in code
/// order. That is all canonical decoding needs (RFC 1951, 3.2.2).
struct Huffman {
  std::array<std::uint16_t, 16> count{};
  std::array<std::uint16_t, 288> symbol{};
};

/// Builds `h` from the code length of each of `n` symbols (n <= 288, lengths <= 15).
/// Returns 0 for a complete code, > 0 for an incomplete one (unused code space) and
/// < 0 for an over-subscribed one, which cannot be decoded.
inline int build_huffman(Huffman& h, const std::uint8_t* length, int n) {
  h.count.fill(0);
  for (int s = 0; s < n; ++s) ++h.count[length[s]];
  if (h.count[0] == n) return 0;  // no codes: decoding anything with it fails
  int left = 1;                   // code space left at the current length
  for (int len = 1; len < 16; ++len) {
    left = left * 2 - h.count[static_cast<std::size_t>(len)];
    if (left < 0) return left;
  }
  std::array<std::uint16_t, 16> offset{};
  for (std::size_t len = 1; len < 15; ++len) offset[len + 1] = static_cast<std::uint16_t>(offset[len] + h.count[len]);
  for (int s = 0; s < n; ++s)
    if (length[s] != 0) h.symbol[offset[length[s]]++] = static_cast<std::uint16_t>(s);
  return left;
}

/// Decodes one symbol, one bit at a time: canonical codes of each length are
/// consecutive integers, so a code of length len is valid when it falls below the
/// first code of that length plus the number of such codes.
inline int decode_symbol(BitReader& in, const Huffman& h) {
  int code = 0, first = 0, index = 0;
  for (std::size_t len = 1; len < 16; ++len) {
    code |= static_cast<int>(in.bits(1));
    const int count = h.count[len];
    if (code - first < count) return h.symbol[static_cast<std::size_t>(index + code - first)];
    index += count;
    first = (first + count) << 1;
    code <<= 1;
  }
  throw_gzip_error("invalid Huffman code");
}

/// Decodes the literals and length/distance pairs of one Huffman block into `out`.
/// Back-references may reach back to `start` (the first byte of this stream's output)
/// but no further.
inline void inflate_codes(BitReader& in, const Huffman& lencode, const Huffman& distcode,
                          std::string& out, std::size_t start) {
  static constexpr std::uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10,  11,  13,
                                                 15, 17, 19, 23, 27, 31, 35, 43,  51,  59,
                                                 67, 83, 99, 115, 131, 163, 195, 227, 258};
  static constexpr std::uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
  static constexpr std::uint16_t dist_base[30] = {
      1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
      193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
  static constexpr std::uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2,  3,  3,  4,  4,  5,  5,  6,
                                                  6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
  for (;;) {
    int sym = decode_symbol(in, lencode);
    if (sym < 256) {
      out.push_back(static_cast<char>(static_cast<unsigned char>(sym)));
    } else if (sym == 256) {
      return;  // end of block
    } else {
      sym -= 257;
      if (sym >= 29) throw_gzip_error("invalid length symbol " + std::to_string(sym + 257));
      const auto s = static_cast<std::size_t>(sym);
      const std::size_t length = len_base[s] + in.bits(len_extra[s]);
      const int dsym = decode_symbol(in, distcode);
      if (dsym >= 30) throw_gzip_error("invalid distance symbol " + std::to_string(dsym));
      const auto d = static_cast<std::size_t>(dsym);
      const std::size_t distance = dist_base[d] + in.bits(dist_extra[d]);
      if (distance > out.size() - start)
        throw_gzip_error("back-reference distance " + std::to_string(distance) +
                         " reaches before the start of the data");
      // Byte by byte: the source may overlap the bytes being written (distance < length).
      for (std::size_t k = 0; k < length; ++k) {
        const char c = out[out.size() - distance];
        out.push_back(c);
      }
    }
  }
}

/// A stored block: LEN, its one's complement NLEN, then LEN raw bytes.
inline void inflate_stored(BitReader& in, std::string& out) {
  in.align();
  const unsigned char* h = in.take_bytes(4);
  const unsigned len = h[0] | (h[1] << 8u);
  const unsigned nlen = h[2] | (h[3] << 8u);
  if (len != (~nlen & 0xffffu)) throw_gzip_error("stored block length does not match its complement");
  const unsigned char* p = in.take_bytes(len);
  out.append(reinterpret_cast<const char*>(p), len);
}

/// The fixed codes of RFC 1951, 3.2.6, built once.
inline const std::array<Huffman, 2>& fixed_codes() {
  static const std::array<Huffman, 2> codes = [] {
    std::array<Huffman, 2> c{};
    std::array<std::uint8_t, 288> lengths{};
    for (std::size_t s = 0; s < 288; ++s) lengths[s] = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    build_huffman(c[0], lengths.data(), 288);
    // 30 distance codes of 5 bits; codes 30 and 31 stay unused and fail to decode.
    lengths.fill(5);
    build_huffman(c[1], lengths.data(), 30);
    return c;
  }();
  return codes;
}

/// A dynamic block: the code lengths, themselves Huffman-coded, then the data.
inline void inflate_dynamic(BitReader& in, std::string& out, std::size_t start) {
  static constexpr std::uint8_t order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
  const int nlen = static_cast<int>(in.bits(5)) + 257;
  const int ndist = static_cast<int>(in.bits(5)) + 1;
  const int ncode = static_cast<int>(in.bits(4)) + 4;
  if (nlen > 286 || ndist > 30) throw_gzip_error("dynamic block has too many length or distance codes");

  std::array<std::uint8_t, 286 + 30> lengths{};
  for (int i = 0; i < ncode; ++i) lengths[order[i]] = static_cast<std::uint8_t>(in.bits(3));
  Huffman lencode, distcode;
  if (build_huffman(lencode, lengths.data(), 19) != 0)
    throw_gzip_error("incomplete or over-subscribed code-length code");

  int index = 0;
  while (index < nlen + ndist) {
    const int sym = decode_symbol(in, lencode);
    if (sym < 16) {
      lengths[static_cast<std::size_t>(index++)] = static_cast<std::uint8_t>(sym);
      continue;
    }
    std::uint8_t len = 0;  // the length to repeat
    int repeat = 0;
    if (sym == 16) {
      if (index == 0) throw_gzip_error("repeated code length with no previous length");
      len = lengths[static_cast<std::size_t>(index - 1)];
      repeat = 3 + static_cast<int>(in.bits(2));
    } else if (sym == 17) {
      repeat = 3 + static_cast<int>(in.bits(3));
    } else {
      repeat = 11 + static_cast<int>(in.bits(7));
    }
    if (index + repeat > nlen + ndist) throw_gzip_error("code lengths overrun the declared counts");
    while (repeat-- > 0) lengths[static_cast<std::size_t>(index++)] = len;
  }
  if (lengths[256] == 0) throw_gzip_error("dynamic block has no end-of-block code");

  // An incomplete code is only allowed as a single code of one bit (RFC 1951 permits
  // one distance code; zlib also writes one literal code that way).
  int err = build_huffman(lencode, lengths.data(), nlen);
  if (err < 0 || (err > 0 && nlen != lencode.count[0] + lencode.count[1]))
    throw_gzip_error("invalid literal/length code");
  err = build_huffman(distcode, lengths.data() + nlen, ndist);
  if (err < 0 || (err > 0 && ndist != distcode.count[0] + distcode.count[1]))
    throw_gzip_error("invalid distance code");
  inflate_codes(in, lencode, distcode, out, start);
}

/// Decodes the raw DEFLATE stream at data[pos], appending to `out`. Returns the
/// position of the first byte after the stream.
inline std::size_t inflate(const unsigned char* data, std::size_t size, std::size_t pos, std::string& out) {
  BitReader in(data, size, pos);
  const std::size_t start = out.size();
  bool last = false;
  while (!last) {
    last = in.bits(1) != 0;
    switch (in.bits(2)) {
      case 0: inflate_stored(in, out); break;
      case 1: inflate_codes(in, fixed_codes()[0], fixed_codes()[1], out, start); break;
      case 2: inflate_dynamic(in, out, start); break;
      default: throw_gzip_error("invalid deflate block type 3");
    }
  }
  in.align();
  return in.position();
}

inline std::uint32_t read_le32(const unsigned char* p) {
  return static_cast<std::uint32_t>(p[0]) | static_cast<std::uint32_t>(p[1]) << 8 |
         static_cast<std::uint32_t>(p[2]) << 16 | static_cast<std::uint32_t>(p[3]) << 24;
}

/// Decodes the gzip member at data[pos] into `out`; returns the position after it.
inline std::size_t gunzip_member(const unsigned char* data, std::size_t size, std::size_t pos, std::string& out) {
  enum : unsigned { FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16 };
  std::size_t p = pos;
  auto need = [&](std::size_t n, const char* what) {
    if (size - p < n) throw_gzip_error(std::string("truncated ") + what);
  };
  auto skip_zero_terminated = [&](const char* what) {
    while (p < size && data[p] != 0) ++p;
    need(1, what);
    ++p;
  };

  need(10, "gzip header");
  if (data[p] != 0x1f || data[p + 1] != 0x8b) throw_gzip_error("not gzip data (no 1f 8b magic number)");
  if (data[p + 2] != 8) throw_gzip_error("unsupported compression method " + std::to_string(data[p + 2]));
  const unsigned flags = data[p + 3];
  if (flags & 0xe0u) throw_gzip_error("reserved header flags are set");
  p += 10;  // magic, method, flags, mtime, extra flags, OS
  if (flags & FEXTRA) {
    need(2, "gzip extra field");
    const std::size_t xlen = data[p] | (static_cast<std::size_t>(data[p + 1]) << 8);
    p += 2;
    need(xlen, "gzip extra field");
    p += xlen;
  }
  if (flags & FNAME) skip_zero_terminated("gzip file name");
  if (flags & FCOMMENT) skip_zero_terminated("gzip comment");
  if (flags & FHCRC) {
    need(2, "gzip header CRC");
    const unsigned stored = data[p] | (data[p + 1] << 8u);
    if ((crc32(data + pos, p - pos) & 0xffffu) != stored) throw_gzip_error("header CRC mismatch");
    p += 2;
  }

  const std::size_t start = out.size();
  p = inflate(data, size, p, out);
  need(8, "gzip trailer (CRC-32 and size)");
  const std::uint32_t stored_crc = read_le32(data + p);
  const std::uint32_t stored_size = read_le32(data + p + 4);
  const std::uint32_t crc =
      crc32(reinterpret_cast<const unsigned char*>(out.data()) + start, out.size() - start);
  if (crc != stored_crc)
    throw_gzip_error("CRC-32 mismatch: stored " + hex32(stored_crc) + ", computed " + hex32(crc));
  if (static_cast<std::uint32_t>(out.size() - start) != stored_size)  // ISIZE is the size mod 2^32
    throw_gzip_error("size mismatch: stored " + std::to_string(stored_size) + ", decoded " +
                     std::to_string(out.size() - start));
  return p + 8;
}

}  // namespace detail

/// True if `bytes` starts with the gzip magic number 1f 8b.
inline bool is_gzip(const std::string& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f &&
         static_cast<unsigned char>(bytes[1]) == 0x8b;
}

/// The decompressed contents of gzip data (all members, concatenated); throws
/// std::runtime_error on corrupt or truncated input.
inline std::string gunzip(const std::string& bytes) {
  if (!is_gzip(bytes)) detail::throw_gzip_error("not gzip data (no 1f 8b magic number)");
  const auto* data = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t size = bytes.size();
  std::string out;
  std::size_t pos = 0;
  while (pos < size) {
    pos = detail::gunzip_member(data, size, pos, out);
    // Like gzip itself: zero padding after the last member is ignored; anything else
    // must be another member.
    std::size_t p = pos;
    while (p < size && data[p] == 0) ++p;
    if (p == size) break;
    if (size - pos < 2 || data[pos] != 0x1f || data[pos + 1] != 0x8b)
      detail::throw_gzip_error("trailing garbage after gzip member at byte " + std::to_string(pos));
  }
  return out;
}

/// The whole file at `path`, gunzipped if it is gzip data; throws std::runtime_error
/// naming the path if it cannot be opened or read.
inline std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("tapegrad: cannot open '" + path + "'");
  std::ostringstream contents;
  contents << in.rdbuf();
  if (in.bad()) throw std::runtime_error("tapegrad: error reading '" + path + "'");
  std::string bytes = contents.str();
  if (!is_gzip(bytes)) return bytes;
  try {
    return gunzip(bytes);
  } catch (const std::runtime_error& e) {
    throw std::runtime_error(std::string(e.what()) + " (in '" + path + "')");
  }
}

}  // namespace tapegrad::io
