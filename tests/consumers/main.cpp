// SPDX-License-Identifier: MIT
// A program outside the project that uses tapegrad the way a user would: a gradient, and
// CSV data plain and gzip-compressed (gzip needs zlib, which tapegrad::tapegrad links when
// CMake finds it; configured with -DTAPEGRAD_ZLIB=OFF, gzip input must give a clear error).
#include <tapegrad/tapegrad.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>

int main() {
  tapegrad::Tape<double> tape;
  const tapegrad::Var<double> x = tape.variable(3.0), y = tape.variable(4.0);
  tape.backward(x * x + y * y);
  std::printf("tapegrad %s: grad = (%g, %g)\n", tapegrad::version_string, x.grad(), y.grad());
  if (x.grad() != 6.0 || y.grad() != 8.0) return 1;

  if (tapegrad::io::parse_csv("1,2\n3,4\n", false).values(1, 0) != 3.0) return 1;
  // "1,2\n3,4\n" as gzip (Python: gzip.compress(data, mtime=0)).
  const unsigned char packed[] = {0x1f, 0x8b, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x03, 0x33, 0xd4, 0x31, 0xe2,
                                  0x32, 0xd6, 0x31, 0xe1, 0x02, 0x00, 0x47, 0x93, 0x6c, 0xaf, 0x08, 0x00, 0x00, 0x00};
  const std::string bytes(reinterpret_cast<const char*>(packed), sizeof packed);
#if defined(TAPEGRAD_WITH_ZLIB) && TAPEGRAD_WITH_ZLIB
  const bool ok = tapegrad::io::gunzip(bytes) == "1,2\n3,4\n";
  std::printf("gzip through zlib: %s\n", ok ? "read" : "WRONG");
  return ok ? 0 : 1;
#else
  try {
    (void)tapegrad::io::gunzip(bytes);
  } catch (const std::runtime_error& e) {
    const bool clear = std::string(e.what()).find("built without zlib") != std::string::npos;
    std::printf("without zlib: %s\n", clear ? "gzip input refused with a clear error" : e.what());
    return clear ? 0 : 1;
  }
  std::printf("without zlib, gzip input was not refused\n");
  return 1;
#endif
}
