// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// gunzip (zlib underneath): the real digits.csv.gz, small streams of each block type made
// with Python's zlib (compressobj(level, DEFLATED, -15, 9, strategy) wrapped in a
// hand-written gzip header; each was checked with `gzip -dc`), corrupt or truncated input,
// and the decompression limit (bombs are made here with zlib, never committed).

#include <array>
#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "catch_compat.hpp"
#include "hostile_inputs.hpp"
#include "tapegrad/io/gzip.hpp"
#include "tapegrad/io/zlib.hpp"

#ifndef TAPEGRAD_DATA_DIR
#error "TAPEGRAD_DATA_DIR must name examples/data (set by tests/CMakeLists.txt)"
#endif

namespace {

// One stored block (level 0), FNAME "stored.txt": "stored block: kept verbatim\n".
const unsigned char kStored[] = {0x1f, 0x8b, 0x08, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x73, 0x74, 0x6f,
                                 0x72, 0x65, 0x64, 0x2e, 0x74, 0x78, 0x74, 0x00, 0x01, 0x1c, 0x00, 0xe3, 0xff,
                                 0x73, 0x74, 0x6f, 0x72, 0x65, 0x64, 0x20, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x3a,
                                 0x20, 0x6b, 0x65, 0x70, 0x74, 0x20, 0x76, 0x65, 0x72, 0x62, 0x61, 0x74, 0x69,
                                 0x6d, 0x0a, 0x45, 0xab, 0xbf, 0xab, 0x1c, 0x00, 0x00, 0x00};

// One fixed-Huffman block (Z_FIXED): "fixed Huffman codes: abcabcabcabcabcabc\n".
const unsigned char kFixed[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x4b, 0xcb,
                                0xac, 0x48, 0x4d, 0x51, 0xf0, 0x28, 0x4d, 0x4b, 0xcb, 0x4d, 0xcc, 0x53,
                                0x48, 0xce, 0x4f, 0x49, 0x2d, 0xb6, 0x52, 0x48, 0x4c, 0x4a, 0x46, 0x43,
                                0x5c, 0x00, 0xda, 0xc8, 0xc2, 0x43, 0x28, 0x00, 0x00, 0x00};

// One dynamic-Huffman block (level 9) of dynamic_text(); header with FHCRC, FEXTRA
// ("AB", 2 bytes "hi"), FNAME "dyn.csv" and FCOMMENT "a comment".
const unsigned char kDynamic[] = {
    0x1f, 0x8b, 0x08, 0x1e, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x06, 0x00, 0x41, 0x42, 0x02, 0x00, 0x68, 0x69,
    0x64, 0x79, 0x6e, 0x2e, 0x63, 0x73, 0x76, 0x00, 0x61, 0x20, 0x63, 0x6f, 0x6d, 0x6d, 0x65, 0x6e, 0x74, 0x00,
    0xb5, 0xc5, 0x25, 0xd0, 0x4b, 0x16, 0x03, 0x21, 0x08, 0x44, 0xd1, 0xb9, 0x6b, 0xa9, 0x81, 0x80, 0x9f, 0x76,
    0xff, 0x1b, 0xcb, 0x2b, 0x72, 0x92, 0x1c, 0xbb, 0xb1, 0x84, 0x1b, 0xa7, 0xe6, 0xff, 0x33, 0x42, 0xa1, 0xcb,
    0x2f, 0x46, 0x6a, 0xb1, 0xa6, 0x72, 0x94, 0x9e, 0x3e, 0x15, 0xbb, 0x54, 0x8e, 0x7a, 0x63, 0x6c, 0xe5, 0xa6,
    0x3e, 0xd9, 0x3f, 0x2a, 0xbe, 0x84, 0xe7, 0xb8, 0x5a, 0x4f, 0x41, 0x91, 0xc4, 0xa7, 0xb3, 0x88, 0x16, 0x09,
    0xce, 0xd3, 0x32, 0x78, 0x63, 0xc2, 0xa4, 0xb4, 0x39, 0x18, 0x83, 0x4a, 0xd2, 0x2b, 0x3d, 0x67, 0xb0, 0xac,
    0x2b, 0xb7, 0x27, 0x53, 0xba, 0xac, 0x6e, 0x3a, 0x62, 0x51, 0xa2, 0xaf, 0x23, 0x5b, 0x65, 0x60, 0x43, 0x8f,
    0x4e, 0xc2, 0x32, 0x35, 0xae, 0xde, 0x36, 0xd5, 0x19, 0xa4, 0x06, 0x9b, 0x1b, 0x4f, 0xd7, 0x4d, 0xec, 0xcd,
    0xd9, 0x83, 0x66, 0x8b, 0x33, 0xb4, 0xbb, 0x4c, 0x28, 0x53, 0xef, 0x18, 0x67, 0x73, 0x52, 0x5d, 0xe8, 0x8c,
    0x86, 0xf6, 0xc2, 0x87, 0xac, 0xe6, 0xcf, 0xae, 0x42, 0x67, 0x76, 0x1e, 0xbd, 0xe5, 0x27, 0x87, 0xae, 0xf6,
    0x84, 0x67, 0x75, 0x7e, 0xed, 0x31, 0x3a, 0x9f, 0xce, 0xe6, 0xcd, 0xea, 0x62, 0x62, 0x07, 0x88, 0xc0, 0xff,
    0x3e, 0x74, 0x56, 0x57, 0x6a, 0xf7, 0xf5, 0x38, 0xc3, 0xd2, 0x3a, 0xb3, 0x6b, 0xe9, 0x7b, 0x5a, 0xcd, 0xae,
    0xad, 0xd3, 0x57, 0x67, 0xb6, 0xaf, 0x79, 0xa3, 0x33, 0xbb, 0xae, 0xab, 0x91, 0xcd, 0x2e, 0x26, 0x73, 0x1f,
    0xcd, 0x2e, 0x46, 0xdb, 0x69, 0xf5, 0x0f, 0x40, 0x07, 0xce, 0x66, 0xd8, 0x01, 0x00, 0x00};

// The empty string (one fixed block holding only end-of-block).
const unsigned char kEmpty[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03,
                                0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

// Hand-made: a fixed block whose first code is a back-reference (length 3,
// distance 1) with nothing decoded yet; the trailer claims empty output.
const unsigned char kTooFarBack[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x03,
                                     0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

template <std::size_t N>
std::string bytes_of(const unsigned char (&a)[N]) {
  return std::string(reinterpret_cast<const char*>(a), N);
}

/// The text compressed in kDynamic: 40 lines "i,i*i%97,i*7%13,i%5,i%3".
std::string dynamic_text() {
  std::string s;
  for (int i = 0; i < 40; ++i)
    s += std::to_string(i) + "," + std::to_string(i * i % 97) + "," + std::to_string(i * 7 % 13) + "," +
         std::to_string(i % 5) + "," + std::to_string(i % 3) + "\n";
  return s;
}

const std::string digits_path = std::string(TAPEGRAD_DATA_DIR) + "/digits.csv.gz";

std::string raw_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::vector<int> split_ints(const std::string& line) {
  std::vector<int> v;
  std::istringstream in(line);
  for (std::string field; std::getline(in, field, ',');) v.push_back(std::stoi(field));
  return v;
}

}  // namespace

TEST_CASE("is_gzip looks at the magic number only", "[io][gzip]") {
  CHECK(tapegrad::io::is_gzip(bytes_of(kFixed)));
  CHECK_FALSE(tapegrad::io::is_gzip(""));
  CHECK_FALSE(tapegrad::io::is_gzip("\x1f"));
  CHECK_FALSE(tapegrad::io::is_gzip("1,2,3\n"));
  CHECK_THROWS_WITH(tapegrad::io::gunzip("1,2,3\n"), ContainsSubstring("not gzip data"));
}

TEST_CASE("gunzip decodes stored, fixed and dynamic blocks", "[io][gzip]") {
  using tapegrad::io::gunzip;
  CHECK(gunzip(bytes_of(kStored)) == "stored block: kept verbatim\n");
  CHECK(gunzip(bytes_of(kFixed)) == "fixed Huffman codes: abcabcabcabcabcabc\n");
  CHECK(gunzip(bytes_of(kDynamic)) == dynamic_text());  // also skips FEXTRA, FNAME, FCOMMENT, checks FHCRC
  CHECK(gunzip(bytes_of(kEmpty)).empty());
}

TEST_CASE("gunzip concatenates members and ignores zero padding", "[io][gzip]") {
  using tapegrad::io::gunzip;
  const std::string all = bytes_of(kStored) + bytes_of(kEmpty) + bytes_of(kFixed) + bytes_of(kDynamic);
  CHECK(gunzip(all) ==
        "stored block: kept verbatim\n"
        "fixed Huffman codes: abcabcabcabcabcabc\n" +
            dynamic_text());
  CHECK(gunzip(bytes_of(kFixed) + std::string(7, '\0')) == "fixed Huffman codes: abcabcabcabcabcabc\n");
  CHECK_THROWS_WITH(gunzip(bytes_of(kFixed) + "junk"), ContainsSubstring("trailing garbage"));
}

TEST_CASE("gunzip of digits.csv.gz: 1797 lines of 65 integers", "[io][gzip]") {
  const std::string text = tapegrad::io::gunzip(raw_file(digits_path));
  CHECK(text.size() == 264712u);
  const std::vector<std::string> lines = split_lines(text);
  REQUIRE(lines.size() == 1797u);
  std::map<int, int> per_class;
  long pixel_sum = 0;
  for (const std::string& line : lines) {
    const std::vector<int> v = split_ints(line);
    REQUIRE(v.size() == 65u);
    for (int i = 0; i < 64; ++i) {
      REQUIRE(v[static_cast<std::size_t>(i)] >= 0);
      REQUIRE(v[static_cast<std::size_t>(i)] <= 16);
      pixel_sum += v[static_cast<std::size_t>(i)];
    }
    ++per_class[v[64]];
  }
  // Reference values computed with Python's gzip module.
  CHECK(lines.front() ==
        "0,0,5,13,9,1,0,0,0,0,13,15,10,15,5,0,0,3,15,2,0,11,8,0,0,4,12,0,0,8,8,0,0,5,8,0,0,9,8,"
        "0,0,4,11,0,1,12,7,0,0,2,14,5,10,12,0,0,0,0,6,13,10,0,0,0,0");
  CHECK(split_ints(lines.back()).back() == 8);
  CHECK(pixel_sum == 561718);
  const std::map<int, int> expected{{0, 178}, {1, 182}, {2, 177}, {3, 183}, {4, 181},
                                    {5, 182}, {6, 181}, {7, 179}, {8, 174}, {9, 180}};
  CHECK(per_class == expected);
  int total = 0;
  for (const auto& kv : per_class) total += kv.second;
  CHECK(total == 1797);
}

#if defined(__unix__) || defined(__APPLE__)
TEST_CASE("gunzip of digits.csv.gz agrees with gzip -dc", "[io][gzip]") {
  const std::string command = "gzip -dc '" + digits_path + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string reference;
  std::array<char, 4096> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) reference.append(buffer.data(), n);
  const int status = pclose(pipe);
  if (status != 0 || reference.empty()) {
    WARN("gzip is not available; skipped the comparison");
    return;
  }
  CHECK(tapegrad::io::gunzip(raw_file(digits_path)) == reference);
}
#endif

TEST_CASE("read_file gunzips gzip files and returns others unchanged", "[io][gzip]") {
  CHECK(tapegrad::io::read_file(digits_path) == tapegrad::io::gunzip(raw_file(digits_path)));
  const std::string iris = std::string(TAPEGRAD_DATA_DIR) + "/iris.csv";
  CHECK(tapegrad::io::read_file(iris) == raw_file(iris));
  CHECK_THROWS_WITH(tapegrad::io::read_file("/nonexistent/tapegrad.csv"),
                    ContainsSubstring("cannot open '/nonexistent/tapegrad.csv'"));
}

TEST_CASE("gunzip rejects corrupt input with a clear message", "[io][gzip]") {
  using tapegrad::io::gunzip;
  const std::string fixed = bytes_of(kFixed);
  const std::size_t n = fixed.size();

  std::string bad = fixed;
  bad[n - 8] = static_cast<char>(bad[n - 8] ^ 1);  // CRC-32 in the trailer
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("CRC-32 mismatch"));

  bad = fixed;
  bad[n - 4] = static_cast<char>(bad[n - 4] ^ 1);  // ISIZE
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("size mismatch"));

  bad = fixed;
  bad[10] = static_cast<char>(bad[10] | 0x06);  // first block header: BTYPE = 3
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("member 1 at byte 11: invalid deflate block type 3"));

  bad = fixed;
  bad[2] = 7;
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("unsupported compression method 7"));

  bad = fixed;
  bad[3] = static_cast<char>(0x20);
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("reserved header flags"));

  bad = bytes_of(kDynamic);
  bad[20] = static_cast<char>(bad[20] ^ 1);  // inside FNAME: the header CRC no longer matches
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("header CRC mismatch"));

  bad = bytes_of(kStored);
  bad[23] = static_cast<char>(bad[23] ^ 1);  // LEN of the stored block, no longer ~NLEN
  CHECK_THROWS_WITH(gunzip(bad), ContainsSubstring("invalid stored block lengths"));

  CHECK_THROWS_WITH(gunzip(bytes_of(kTooFarBack)), ContainsSubstring("reaches before the start"));

  // The second member is the one that is corrupt: the message says so.
  bad = fixed;
  bad[n - 8] = static_cast<char>(bad[n - 8] ^ 1);
  CHECK_THROWS_WITH(gunzip(bytes_of(kStored) + bad), ContainsSubstring("member 2 at byte"));
}

TEST_CASE("gunzip rejects every truncation", "[io][gzip]") {
  for (const std::string& full : {bytes_of(kStored), bytes_of(kFixed), bytes_of(kDynamic), bytes_of(kEmpty)}) {
    for (std::size_t len = 2; len < full.size(); ++len) {
      INFO("truncated to " << len << " of " << full.size() << " bytes");
      CHECK_THROWS_AS(tapegrad::io::gunzip(full.substr(0, len)), std::runtime_error);
    }
  }
  // Inside the deflate data, and inside the trailer.
  CHECK_THROWS_WITH(tapegrad::io::gunzip(bytes_of(kFixed).substr(0, 20)),
                    ContainsSubstring("truncated data: the input ends inside member 1 after 20 bytes"));
  CHECK_THROWS_WITH(
      tapegrad::io::gunzip(bytes_of(kFixed).substr(0, 40)),
      ContainsSubstring("truncated data: the input ends inside member 1 after 40 bytes (40 bytes decoded)"));
  CHECK_THROWS_WITH(tapegrad::io::gunzip(bytes_of(kStored) + bytes_of(kFixed).substr(0, 30)),
                    ContainsSubstring("inside member 2"));
}

TEST_CASE("gunzip survives every single-bit corruption", "[io][gzip]") {
  // Each flipped bit must give either some output or std::runtime_error; under the
  // sanitizers this also proves no read goes out of bounds.
  const std::string original = bytes_of(kDynamic);
  int failures = 0;
  for (std::size_t byte = 0; byte < original.size(); ++byte) {
    for (int bit = 0; bit < 8; ++bit) {
      std::string bad = original;
      bad[byte] = static_cast<char>(bad[byte] ^ (1 << bit));
      try {
        (void)tapegrad::io::gunzip(bad);
      } catch (const std::runtime_error&) {
        ++failures;
      }
    }
  }
  // Flips in the mtime, XFL and OS bytes and in unchecked header fields are harmless;
  // nearly all others are caught.
  CHECK(failures > static_cast<int>(original.size()) * 8 / 2);
}

TEST_CASE("crc32 and crc32_combine: the standard check value, pieces combined", "[io][gzip]") {
  const std::string check = "123456789";
  CHECK(tapegrad::io::crc32(check.data(), check.size()) == 0xcbf43926u);  // the CRC-32 check value
  CHECK(tapegrad::io::crc32(nullptr, 0) == 0u);
  const std::uint32_t a = tapegrad::io::crc32(check.data(), 4);
  const std::uint32_t whole = tapegrad::io::crc32(check.data() + 4, 5, a);  // continued
  CHECK(whole == 0xcbf43926u);
  const std::uint32_t b = tapegrad::io::crc32(check.data() + 4, 5);
  CHECK(tapegrad::io::crc32_combine(a, b, 5) == 0xcbf43926u);
}

TEST_CASE("gzip and gunzip round-trip at every level; Deflater and Inflater for zlib and raw streams", "[io][gzip]") {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += std::to_string(i * 7919 % 1000) + (i % 10 == 9 ? "\n" : ",");
  for (int level : {0, 1, 6, 9}) {
    INFO("level " << level);
    const std::string packed = tapegrad::io::gzip(text, level);
    CHECK(tapegrad::io::is_gzip(packed));
    CHECK(tapegrad::io::gunzip(packed) == text);
    if (level > 0) CHECK(packed.size() < text.size() / 2);
  }
  CHECK(tapegrad::io::gunzip(tapegrad::io::gzip("")).empty());

  using tapegrad::io::Wrapper;
  for (Wrapper wrapper : {Wrapper::zlib, Wrapper::raw}) {
    std::string packed;
    const auto append = [&packed](const unsigned char* p, std::size_t n) {
      packed.append(reinterpret_cast<const char*>(p), n);
    };
    tapegrad::io::Deflater deflater(wrapper, 9);
    deflater.write(text.data(), text.size() / 2, append);
    deflater.flush(append);
    deflater.write(text.data() + text.size() / 2, text.size() - text.size() / 2, append);
    deflater.finish(append);
    // Inflate through an output buffer of 1000 bytes, as a streaming reader would.
    tapegrad::io::Inflater inflater(wrapper);
    std::string out;
    std::vector<char> buffer(1000);
    std::size_t pos = 0;
    while (!inflater.finished()) {
      const auto step = inflater.inflate(packed.data() + pos, packed.size() - pos, buffer.data(), buffer.size());
      REQUIRE((step.consumed > 0 || step.produced > 0 || step.finished));
      pos += step.consumed;
      out.append(buffer.data(), step.produced);
    }
    CHECK(pos == packed.size());
    CHECK(out == text);
    CHECK(inflater.total_out() == text.size());
    if (wrapper == Wrapper::raw) continue;  // raw deflate has no checksum to catch a flipped byte
    packed[packed.size() / 2] = static_cast<char>(packed[packed.size() / 2] ^ 0x55);
    tapegrad::io::Inflater corrupt(wrapper);
    std::vector<char> room(text.size() + 1000);
    CHECK_THROWS_AS(corrupt.inflate(packed.data(), packed.size(), room.data(), room.size()), tapegrad::io::ZlibError);
  }
}

#if defined(__unix__) || defined(__APPLE__)
TEST_CASE("gzip output is read by gzip -dc", "[io][gzip]") {
  const std::string text = "a,b\n1,2\n3,4\n";
  const tapegrad_io_test::TempFile file("roundtrip.gz", tapegrad::io::gzip(text, 9));
  const std::string command = "gzip -dc '" + file.path() + "' 2>/dev/null";
  FILE* pipe = popen(command.c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string out;
  std::array<char, 256> buffer{};
  for (std::size_t n; (n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0;) out.append(buffer.data(), n);
  if (pclose(pipe) != 0) {
    WARN("gzip is not available; skipped");
    return;
  }
  CHECK(out == text);
}
#endif

TEST_CASE("gunzip stops at the decompression limit, checked while inflating", "[io][gzip][limits]") {
  using tapegrad::io::gunzip;
  std::string bomb;  // 16 MiB of zeros, about 16 KB compressed
  tapegrad_io_test::zero_gzip(16u << 20, 9, [&bomb](const unsigned char* p, std::size_t n) {
    bomb.append(reinterpret_cast<const char*>(p), n);
  });
  REQUIRE(bomb.size() < 50000u);
  CHECK_THROWS_WITH(gunzip(bomb, 1u << 20),
                    ContainsSubstring("the decompressed data pass the limit of 1048576 bytes after") &&
                        ContainsSubstring("a decompression bomb"));
  // The limit is inclusive: exactly the limit decodes, one byte less does not.
  const std::string out = gunzip(bomb, 16u << 20);
  CHECK(out.size() == (16u << 20));
  CHECK(out.find_first_not_of('\0') == std::string::npos);
  CHECK_THROWS_WITH(gunzip(bomb, (16u << 20) - 1), ContainsSubstring("pass the limit of 16777215 bytes"));
  CHECK_THROWS_WITH(gunzip(bytes_of(kFixed), 0), ContainsSubstring("pass the limit of 0 bytes"));
  CHECK(gunzip(bytes_of(kEmpty), 0).empty());

  // The limit is on the sum over members: two members of 600 KiB pass 1 MiB together.
  const std::string part = tapegrad::io::gzip(std::string(600u << 10, 'x'));
  CHECK(gunzip(part, 1u << 20).size() == (600u << 10));
  CHECK_THROWS_WITH(gunzip(part + part, 1u << 20), ContainsSubstring("pass the limit of 1048576 bytes"));

  // read_file passes its limit on and names the file.
  const tapegrad_io_test::TempFile file("bomb.gz", bomb);
  CHECK_THROWS_WITH(tapegrad::io::read_file(file.path(), 1u << 20),
                    ContainsSubstring("pass the limit of 1048576 bytes") && ContainsSubstring(file.path()));
  CHECK(tapegrad::io::read_file(file.path()).size() == (16u << 20));  // under the default limit
}

TEST_CASE("zero_bomb makes valid gzip data of many MiB of zeros", "[io][gzip][limits]") {
  const std::string bomb = tapegrad_io_test::zero_bomb(20);
  CHECK(bomb.size() < 40000u);
  const std::string out = tapegrad::io::gunzip(bomb);  // every CRC-32 and size checked
  CHECK(out.size() == (20u << 20));
  CHECK(out.find_first_not_of('\0') == std::string::npos);
}

// Hidden (about 3 s, most of it inflating 1 GiB): build/tests/test_io "[.bomb]" runs it with
// the two files in tests/io/csv.test.cpp (figures in docs/reliability.md).
TEST_CASE("a 10 GiB bomb stops at the default limit of 1 GiB, allocating nothing for its output",
          "[io][gzip][limits][.bomb]") {
  const std::string bomb = tapegrad_io_test::zero_bomb(10240);  // 10 GiB of zeros in about 10 MB
  CHECK(bomb.size() < (12u << 20));
  const std::uint64_t rss_before = tapegrad_io_test::peak_rss_bytes();
  CHECK_THROWS_WITH(tapegrad::io::gunzip(bomb),
                    ContainsSubstring("pass the limit of 1073741824 bytes after") &&
                        ContainsSubstring("of " + std::to_string(bomb.size()) + " compressed bytes"));
  const std::uint64_t rss_after = tapegrad_io_test::peak_rss_bytes();
  INFO("peak RSS grew from " << rss_before << " to " << rss_after << " bytes");
  CHECK(rss_after - rss_before < (16u << 20));  // the first pass inflates into 64 KiB
}
