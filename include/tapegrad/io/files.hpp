// SPDX-License-Identifier: MIT
// Copyright (c) 2026 the tapegrad developers
#pragma once

/// \file
/// Whole files: reading all of a file's bytes, and writing a file so that a crash at any
/// moment leaves either the old contents or the new ones, never a torn file (the
/// checkpoints of optim/checkpoint.hpp are written this way).
///
/// The atomic write is the POSIX recipe: write a temporary file in the same directory,
/// fsync it, rename it over the old file (rename is atomic within a file system), fsync
/// the directory so that the rename itself survives a power cut. Older versions can be
/// kept as path.1, path.2, ... (newest first). On Windows the rename is
/// std::filesystem::rename and nothing is fsynced: a crash cannot tear the file, but a
/// power cut may lose the newest version.

#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <system_error>

#if !defined(_WIN32)
#include <fcntl.h>
#include <unistd.h>
#endif

namespace tapegrad::io {

/// The whole file at `path`, undecoded; throws std::runtime_error naming the path if it
/// cannot be opened or read.
inline std::string read_bytes(const std::string& path) {
  std::error_code error;
  const std::filesystem::file_status status = std::filesystem::status(path, error);
  if (!error && std::filesystem::is_directory(status))
    throw std::runtime_error("tapegrad: cannot read '" + path + "': it is a directory");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("tapegrad: cannot open '" + path + "'");
  std::string bytes;
  // A regular file's size sizes the string (no doubling past it); reading in chunks until
  // the end also works for pipes and special files, which have none.
  if (!error && std::filesystem::is_regular_file(status)) {
    const std::uintmax_t size = std::filesystem::file_size(path, error);
    if (!error && size < std::numeric_limits<std::size_t>::max()) bytes.reserve(static_cast<std::size_t>(size) + 1);
  }
  constexpr std::size_t chunk = 65536;
  const std::unique_ptr<char[]> buffer(new char[chunk]);
  for (;;) {
    in.read(buffer.get(), static_cast<std::streamsize>(chunk));
    const auto got = static_cast<std::size_t>(in.gcount());
    bytes.append(buffer.get(), got);
    if (got < chunk) break;
  }
  if (in.bad() || (!in.eof() && in.fail())) throw std::runtime_error("tapegrad: error reading '" + path + "'");
  return bytes;
}

/// The name of the i-th older version of `path` kept by write_file_atomically: `path`
/// itself for i = 0, else path.i.
inline std::string rotated_path(const std::string& path, int i) {
  return i == 0 ? path : path + "." + std::to_string(i);
}

/// The temporary file write_file_atomically writes before renaming it: path.tmp.
inline std::string temporary_path(const std::string& path) { return path + ".tmp"; }

namespace detail {

[[noreturn]] inline void throw_file_error(const std::string& what, const std::string& path, int error) {
  throw std::runtime_error("tapegrad: cannot " + what + " '" + path + "': " + std::strerror(error));
}

#if !defined(_WIN32)

/// Writes all of `bytes` to fd, retrying partial writes and interrupted calls.
inline void write_all(int fd, std::string_view bytes, const std::string& path) {
  const char* p = bytes.data();
  std::size_t left = bytes.size();
  while (left > 0) {
    const std::size_t chunk = left < (std::size_t{1} << 30) ? left : (std::size_t{1} << 30);
    const ssize_t n = ::write(fd, p, chunk);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_file_error("write", path, errno);
    }
    p += n;
    left -= static_cast<std::size_t>(n);
  }
}

/// fsync of the directory holding `path`, so that a rename into it is durable.
inline void sync_directory_of(const std::string& path) {
  std::string dir = std::filesystem::path(path).parent_path().string();
  if (dir.empty()) dir = ".";
  const int fd = ::open(dir.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw_file_error("open the directory", dir, errno);
  const int rc = ::fsync(fd);
  const int error = errno;
  ::close(fd);
  // Some file systems cannot fsync a directory (EINVAL): there is nothing more to do.
  if (rc != 0 && error != EINVAL) throw_file_error("fsync the directory", dir, error);
}

/// rename(from, to), where `from` not existing is fine (nothing to move).
inline void rename_if_present(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0 && errno != ENOENT)
    throw_file_error("rename to '" + to + "'", from, errno);
}

#endif

}  // namespace detail

/// Replaces the file at `path` by `bytes` so that a crash at any moment leaves the old
/// version or the new one (see the file comment). With keep = k > 1 the k - 1 previous
/// versions stay as path.1 (the newest) ... path.(k-1); `path` itself exists throughout.
/// Throws std::runtime_error naming the file on any failed call (a full disk, say); the
/// old versions are then untouched.
inline void write_file_atomically(const std::string& path, std::string_view bytes, int keep = 1) {
  if (keep < 1)
    throw std::invalid_argument("write_file_atomically: keep is " + std::to_string(keep) + "; expected >= 1");
  const std::string temporary = temporary_path(path);
#if defined(_WIN32)
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) throw std::runtime_error("tapegrad: cannot write '" + temporary + "'");
  }
  for (int i = keep - 1; i >= 1; --i) {
    std::error_code ignored;
    std::filesystem::rename(rotated_path(path, i - 1), rotated_path(path, i), ignored);
  }
  std::filesystem::rename(temporary, path);
#else
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) detail::throw_file_error("create", temporary, errno);
  try {
    detail::write_all(fd, bytes, temporary);
    if (::fsync(fd) != 0) detail::throw_file_error("fsync", temporary, errno);
  } catch (...) {
    ::close(fd);
    ::unlink(temporary.c_str());
    throw;
  }
  if (::close(fd) != 0) detail::throw_file_error("close", temporary, errno);
  // Shift the kept versions one place (the oldest is overwritten; each rename is atomic).
  // Then path.1 becomes the current version through a hard link made under another name
  // and renamed over it, so that path.1 and `path` exist at every moment; where hard
  // links are not supported, `path` itself is renamed (a crash in that gap leaves path.1
  // as the newest complete file). Without a current version, path.1 is left alone.
  for (int i = keep - 1; i >= 2; --i) detail::rename_if_present(rotated_path(path, i - 1), rotated_path(path, i));
  if (keep >= 2) {
    const std::string first = rotated_path(path, 1), link = temporary_path(first);
    ::unlink(link.c_str());
    if (::link(path.c_str(), link.c_str()) == 0) {
      detail::rename_if_present(link, first);
    } else if (errno != ENOENT) {
      detail::rename_if_present(path, first);
    }
  }
  if (::rename(temporary.c_str(), path.c_str()) != 0)
    detail::throw_file_error("rename to '" + path + "'", temporary, errno);
  detail::sync_directory_of(path);
#endif
}

}  // namespace tapegrad::io
