// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
// Whole files and binary encoding: write_file_atomically's rotation and its failures,
// and ByteWriter/ByteReader (bit-exact round trip, every truncation and hostile count
// refused with what and where).

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include "catch_compat.hpp"
#include "tapegrad/io/bytes.hpp"
#include "tapegrad/io/files.hpp"

namespace {

namespace fs = std::filesystem;
using tapegrad::io::ByteReader;
using tapegrad::io::ByteWriter;
using tapegrad::io::FormatError;

struct FilesScratch {
  fs::path dir = fs::temp_directory_path() /
                 ("tapegrad-files-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  FilesScratch() { fs::create_directories(dir); }
  ~FilesScratch() {
    std::error_code ignored;
    fs::remove_all(dir, ignored);
  }
};

}  // namespace

TEST_CASE("write_file_atomically replaces the file and keeps the versions asked for", "[io][files]") {
  FilesScratch scratch;
  const std::string path = (scratch.dir / "state.bin").string();
  for (int version = 1; version <= 5; ++version)
    tapegrad::io::write_file_atomically(path, "version " + std::to_string(version), /*keep=*/3);
  CHECK(tapegrad::io::read_bytes(path) == "version 5");
  CHECK(tapegrad::io::read_bytes(path + ".1") == "version 4");
  CHECK(tapegrad::io::read_bytes(path + ".2") == "version 3");
  CHECK_FALSE(fs::exists(path + ".3"));
  CHECK_FALSE(fs::exists(tapegrad::io::temporary_path(path)));
  tapegrad::io::write_file_atomically(path, "", 1);  // keep = 1: the others are left alone
  CHECK(tapegrad::io::read_bytes(path).empty());
  CHECK(tapegrad::io::read_bytes(path + ".1") == "version 4");
  CHECK_THROWS_WITH(tapegrad::io::write_file_atomically(path, "x", 0), ContainsSubstring("keep is 0"));
  CHECK_THROWS_WITH(tapegrad::io::write_file_atomically((scratch.dir / "no" / "such").string(), "x"),
                    ContainsSubstring("cannot create"));
  CHECK_THROWS_WITH(tapegrad::io::read_bytes((scratch.dir / "missing").string()), ContainsSubstring("cannot open"));
  CHECK_THROWS_WITH(tapegrad::io::read_bytes(scratch.dir.string()), ContainsSubstring("it is a directory"));
}

TEST_CASE("ByteWriter and ByteReader round-trip little-endian values bit for bit", "[io][bytes]") {
  ByteWriter out;
  out.u8(0xAB);
  out.u32(0x01020304u);
  out.u64(0x1122334455667788ULL);
  out.i64(-5);
  out.real(-0.0);
  out.real(std::numeric_limits<double>::quiet_NaN());
  out.real(1.5f);
  const std::vector<double> values = {1.0, -2.5, 1e300, 5e-324};
  out.reals(values.data(), values.size());
  out.string("name");
  const std::string& bytes = out.bytes();
  CHECK(bytes.substr(1, 4) == std::string("\x04\x03\x02\x01", 4));  // little-endian on every machine
  ByteReader in(bytes, "test");
  CHECK(in.u8("a") == 0xAB);
  CHECK(in.u32("b") == 0x01020304u);
  CHECK(in.u64("c") == 0x1122334455667788ULL);
  CHECK(in.i64("d") == -5);
  const double zero = in.real<double>("e");
  CHECK((zero == 0.0 && std::signbit(zero)));
  CHECK(std::isnan(in.real<double>("f")));
  CHECK(in.real<float>("g") == 1.5f);
  std::vector<double> back(4);
  in.reals(back.data(), 4, "h");
  CHECK(back == values);
  CHECK(in.string("i") == "name");
  CHECK(in.remaining() == 0);
  CHECK_THROWS_WITH(in.u8("the flag"),
                    "test: truncated: the flag needs 1 bytes, 0 left (at byte " + std::to_string(bytes.size()) + ")");
}

TEST_CASE("ByteReader refuses counts larger than the data before allocating", "[io][bytes]") {
  ByteWriter out;
  out.u64(std::numeric_limits<std::uint64_t>::max());
  out.u32(1000);  // a string length with 3 bytes behind it
  out.raw("abc");
  ByteReader in(out.bytes(), "hostile");
  CHECK_THROWS_AS(in.count(8, "the vector size"), FormatError);
  ByteReader again(out.bytes(), "hostile");
  again.u64("skip");
  CHECK_THROWS_WITH(again.string("the name"), ContainsSubstring("truncated: the name needs 1000 bytes, 3 left"));
  ByteReader reals(out.bytes(), "hostile");
  std::vector<double> room(100);
  CHECK_THROWS_WITH(reals.reals(room.data(), 100, "the values"), ContainsSubstring("100 numbers need more bytes"));
}
