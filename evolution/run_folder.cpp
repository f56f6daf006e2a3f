#include "evolution/run_folder.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <random>
#include <filesystem>

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <fmt/format.h>
#include <fmt/ranges.h>
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

std::string new_run_id() {
  std::random_device rd;
  const uint64_t v = (uint64_t(rd()) << 32) ^ uint64_t(rd()) ^
                     uint64_t(std::chrono::steady_clock::now().time_since_epoch().count());
  return fmt::format("{:016x}", v);
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

void remove_run_files(const std::string& dir, const std::vector<std::string>& names) {
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    for (const auto& f : names)
      if (n == f || n.rfind("." + f + ".tmp-", 0) == 0) fs::remove(e.path(), ec);
  }
}

void remove_checkpoint_files(const std::string& dir) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if ((n.rfind("ckpt-", 0) == 0 && e.path().extension() == ".gck") ||
        (n.rfind(".ckpt-", 0) == 0 && n.find(".gck.tmp-") != std::string::npos))
      fs::remove(e.path(), ec);
  }
  fs::remove(dir, ec);  // only when it is empty now
}

std::string folder_contents_text(const std::string& dir) {
  std::error_code ec;
  std::vector<std::string> found;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.path().filename() != ".lock") found.push_back(e.path().filename().string());
  if (found.empty()) return "";
  std::sort(found.begin(), found.end());
  const size_t shown = std::min<size_t>(found.size(), 5);
  std::string list = fmt::format("{}", fmt::join(found.begin(), found.begin() + long(shown), ", "));
  if (found.size() > shown) list += fmt::format(" and {} more", found.size() - shown);
  return list;
}

std::string stats_lines(const std::vector<GenerationStats>& history) {
  std::string lines;
  for (const auto& s : history) lines += stats_to_json(s) + "\n";
  return lines;
}

void write_stats_file(const std::string& dir, const std::vector<GenerationStats>& history) {
  const std::string lines = stats_lines(history);
  write_file_atomic((fs::path(dir) / "stats.jsonl").string(), lines.data(), lines.size());
}

BestGenome best_genome_of(const EvolutionState& state) {
  if (!state.has_best) return {};
  const std::optional<GenomeRetest>& retest = state.solved ? state.solution_retest : state.best_retest;
  return {state.solved ? &state.solution : &state.best, retest ? &*retest : nullptr};
}

void write_best_genome(const std::string& dir, const EvolutionState& state) {
  const BestGenome best = best_genome_of(state);
  if (best.genome) save_genome(*best.genome, (fs::path(dir) / "best_genome.json").string(), best.retest);
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
  append_to_file(path, event.dump() + "\n", /*sync=*/true);
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
