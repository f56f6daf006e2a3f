#include "evolution/run_folder.hpp"

#include <ctime>
#include <filesystem>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "core/genome/genome.hpp"
#include "core/io/checkpoint_io.hpp"

namespace ganglion {

namespace fs = std::filesystem;

std::string default_run_folder(const Config& config) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  localtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
  const std::string base = (fs::path(config.run.out_dir) / (config.name + "-" + stamp)).string();
  std::string dir = base;
  for (int k = 2; fs::exists(dir); ++k) dir = base + "-" + std::to_string(k);
  return dir;
}

RunFolderLock::RunFolderLock(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) throw Error(dir + ": cannot create the run folder: " + ec.message());
  const std::string path = (fs::path(dir) / ".lock").string();
  fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd_ < 0) throw Error(path + ": cannot open the run folder's lock file: " + std::strerror(errno));
  if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
    const int e = errno;
    std::string holder(256, '\0');
    const ssize_t n = ::pread(fd_, &holder[0], holder.size(), 0);
    holder.resize(n > 0 ? size_t(n) : 0);
    while (!holder.empty() && (holder.back() == '\n' || holder.back() == '\0')) holder.pop_back();
    ::close(fd_);
    fd_ = -1;
    if (e == EWOULDBLOCK)
      throw Error(dir + ": the run folder is in use" + (holder.empty() ? "" : " by " + holder) +
                  "; one run or resume at a time writes a folder (wait for it to end, or use another --out)");
    throw Error(path + ": cannot lock the run folder: " + std::strerror(e));
  }
  char host[256] = "?";
  ::gethostname(host, sizeof host - 1);
  const std::string me = "pid " + std::to_string(::getpid()) + " on " + host + "\n";
  if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, me.data(), me.size(), 0) != ssize_t(me.size())) {
    // The lock holds without the note; only the refusal's message of a second process is poorer.
  }
}

RunFolderLock::~RunFolderLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the descriptor releases the lock
}

RunFolder::RunFolder(std::string dir, const Config& config, bool resume) : dir_(std::move(dir)) {
  std::error_code ec;
  fs::create_directories(dir_, ec);
  if (ec) throw Error(dir_ + ": cannot create the run folder: " + ec.message());
  // Atomically: a kill while it is written leaves the old file or the new one, never half of one.
  const std::string text = config_to_yaml(config);
  write_file_atomic((fs::path(dir_) / "config.yaml").string(), text.data(), text.size());
  stats_ = std::make_unique<StatsWriter>((fs::path(dir_) / "stats.jsonl").string(), resume);
}

void RunFolder::on_generation(const GenerationStats& stats, const EvolutionState& state, StopReason reason) {
  stats_->on_generation(stats, state, reason);
}

void write_stats_file(const std::string& dir, const std::vector<GenerationStats>& history) {
  std::string lines;
  for (const auto& s : history) lines += stats_to_json(s) + "\n";
  write_file_atomic((fs::path(dir) / "stats.jsonl").string(), lines.data(), lines.size());
}

void write_best_genome(const std::string& dir, const EvolutionState& state) {
  if (!state.has_best) return;
  const std::optional<GenomeRetest>& retest = state.solved ? state.solution_retest : state.best_retest;
  save_genome(state.solved ? state.solution : state.best, (fs::path(dir) / "best_genome.json").string(),
              retest ? &*retest : nullptr);
}

namespace {

std::string utc_now() {
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char stamp[32];
  std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return stamp;
}

void append_event(const std::string& dir, nlohmann::ordered_json event) {
  event["time"] = utc_now();
  const std::string path = (fs::path(dir) / "events.jsonl").string();
  const std::string line = event.dump() + "\n";
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (fd < 0) throw Error(path + ": cannot open for writing: " + std::strerror(errno));
  size_t done = 0;
  while (done < line.size()) {
    const ssize_t n = ::write(fd, line.data() + done, line.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int e = n < 0 ? errno : ENOSPC;
      ::close(fd);
      throw Error(path + ": write failed: " + std::strerror(e));
    }
    done += size_t(n);
  }
  ::fsync(fd);
  ::close(fd);
}

}  // namespace

void append_session_event(const std::string& dir, const SessionEvent& e) {
  nlohmann::ordered_json j;
  j["event"] = e.session;
  j["generation"] = e.generation;
  j["task"] = e.task;
  j["backend"] = e.backend;
  j["solve_criterion"] = e.solve_criterion;
  if (e.session == "resume") {
    j["checkpoint"] = e.checkpoint;
    j["overrides"] = e.overrides;
  }
  append_event(dir, std::move(j));
}

void RunFolder::on_finish(const EvolutionState& state, StopReason reason) {
  stats_->on_finish(state, reason);
  write_best(state);
  // Last, after best_genome.json: a stop line means the folder's files are complete.
  nlohmann::ordered_json j;
  j["event"] = "stop";
  j["generations"] = state.history.empty() ? 0 : state.history.back().generation + 1;
  j["reason"] = stop_reason_name(reason);
  append_event(dir_, std::move(j));
}

}  // namespace ganglion
