#include "core/io/read_file.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <new>
#include <cstring>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace ganglion {

namespace {

const char* kind_of(mode_t mode) {
  if (S_ISDIR(mode)) return "is a directory";
  if (S_ISFIFO(mode)) return "not a regular file (a FIFO)";
  if (S_ISSOCK(mode)) return "not a regular file (a socket)";
  if (S_ISCHR(mode) || S_ISBLK(mode)) return "not a regular file (a device)";
  return "not a regular file";
}

}  // namespace

bool read_regular_file(const std::string& path, const char* what, std::string& out, std::string& problem,
                       size_t max_bytes) {
  // O_NONBLOCK: opening a FIFO without a writer returns at once instead of waiting; the file's
  // kind is then checked on the open descriptor, so nothing can swap it in between.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) {
    const int e = errno;
    problem = e == ENOENT ? std::string("no such file (expected a ") + what + ")"
                          : std::string("cannot open the ") + what + ": " + std::strerror(e);
    return false;
  }
  struct stat sb;
  const bool stated = ::fstat(fd, &sb) == 0;
  if (!stated || !S_ISREG(sb.st_mode)) {
    problem = !stated ? std::string("cannot stat: ") + std::strerror(errno)
                      : std::string(kind_of(sb.st_mode)) + ", expected a " + what;
    ::close(fd);
    return false;
  }
  const auto too_big = [&](uint64_t bytes) {
    problem = std::to_string(bytes) + " bytes or more; allowed: a " + std::string(what) + " of at most " +
              std::to_string(max_bytes) + " bytes";
    ::close(fd);
    return false;
  };
  if (static_cast<uint64_t>(sb.st_size) > max_bytes) return too_big(static_cast<uint64_t>(sb.st_size));
  std::string text;
  size_t got = 0;
  try {
    text.resize(static_cast<size_t>(sb.st_size));
  } catch (const std::bad_alloc&) {
    problem = std::to_string(sb.st_size) + " bytes do not fit in memory (reading the " + what + ")";
    ::close(fd);
    return false;
  }
  for (;;) {
    if (got == text.size()) {  // grew while reading, or /proc-like: one byte past the limit tells
      if (got > max_bytes) return too_big(got);
      const size_t room = max_bytes - got;
      text.resize(got + (room >= 4096 ? 4096 : room + 1));
    }
    const ssize_t n = ::read(fd, &text[got], text.size() - got);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      problem = std::string("read error: ") + std::strerror(errno);
      ::close(fd);
      return false;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  ::close(fd);
  text.resize(got);
  out = std::move(text);
  return true;
}

}  // namespace ganglion
