#include "core/io/graphviz.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "core/error.hpp"

namespace ganglion {
namespace {

std::string shell_quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// A fresh empty file under TMPDIR (or /tmp), removed when the object goes.
struct TempFile {
  std::string path;
  explicit TempFile(const char* suffix_hint) {
    const char* dir = std::getenv("TMPDIR");
    std::string pattern = fmt::format("{}/ganglion-{}-XXXXXX", dir && *dir ? dir : "/tmp", suffix_hint);
    int fd = mkstemp(pattern.data());
    if (fd < 0) throw Error(fmt::format("graphviz: cannot create a temporary file {}", pattern));
    close(fd);
    path = pattern;
  }
  ~TempFile() { std::remove(path.c_str()); }
  std::string read() const {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  }
};

}  // namespace

std::optional<std::string> dot_program() {
  const char* path = std::getenv("PATH");
  if (!path) return std::nullopt;
  std::string dirs = path;
  size_t start = 0;
  while (start <= dirs.size()) {
    size_t end = dirs.find(':', start);
    if (end == std::string::npos) end = dirs.size();
    std::string dir = dirs.substr(start, end - start);
    if (!dir.empty()) {
      std::string candidate = dir + "/dot";
      if (access(candidate.c_str(), X_OK) == 0) return candidate;
    }
    start = end + 1;
  }
  return std::nullopt;
}

std::string dot_to_svg(const std::string& dot_text) {
  auto dot = dot_program();
  if (!dot)
    throw Error(
        "SVG output needs graphviz's `dot` program, which is not on PATH: install it (Debian/Ubuntu: "
        "apt-get install graphviz) or export --format dot and lay it out elsewhere");
  TempFile in("dot"), out("svg"), err("err");
  {
    std::ofstream f(in.path, std::ios::binary);
    f << dot_text;
    if (!f) throw Error(fmt::format("graphviz: cannot write {}", in.path));
  }
  std::string command = fmt::format("{} -Tsvg -o {} {} 2>{}", shell_quote(*dot), shell_quote(out.path),
                                    shell_quote(in.path), shell_quote(err.path));
  int status = std::system(command.c_str());
  if (status != 0) throw Error(fmt::format("graphviz: `{} -Tsvg` failed (status {}): {}", *dot, status, err.read()));
  return out.read();
}

}  // namespace ganglion
