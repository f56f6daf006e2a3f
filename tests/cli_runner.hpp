// Helpers for tests that drive the `ganglion` program as a user would: its path comes from the
// GANGLION_BINARY environment variable (set by tests/CMakeLists.txt), commands run through the
// shell with stdout and stderr captured.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>

#include <vector>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

namespace ganglion::testing {

struct CommandResult {
  int exit_code = -1;
  std::string output;  // stdout and stderr
};

inline std::string ganglion_binary() {
  const char* b = std::getenv("GANGLION_BINARY");
  return b ? b : "";
}

inline std::string source_dir() {
  const char* s = std::getenv("GANGLION_SOURCE_DIR");
  return s ? s : ".";
}

inline CommandResult run_shell(const std::string& command) {
  CommandResult r;
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (!p) return r;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.output.append(buf, n);
  int status = ::pclose(p);
  r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  return r;
}

inline CommandResult run_ganglion(const std::string& args) { return run_shell("'" + ganglion_binary() + "' " + args); }

inline std::string read_text(const std::filesystem::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Starts a program (argv[0] is its path) with output discarded; returns the child's pid.
inline pid_t spawn_quiet(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    if (null >= 0) {
      ::dup2(null, 1);
      ::dup2(null, 2);
    }
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(argv[0], argv.data());
    ::_exit(127);
  }
  return pid;
}

// A fresh folder under the temp directory, removed with the object.
struct ScratchDir {
  std::filesystem::path path;
  explicit ScratchDir(const std::string& tag) {
    path = std::filesystem::temp_directory_path() /
           ("ganglion-" + tag + "-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
    std::filesystem::create_directories(path);
  }
  ~ScratchDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
  }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

}  // namespace ganglion::testing
