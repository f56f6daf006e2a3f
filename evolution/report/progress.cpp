#include "evolution/report/progress.hpp"

#include <unistd.h>

#include <chrono>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

namespace ganglion {

namespace {
constexpr size_t kRateWindow = 20;  // generations: recent enough to follow a slowing run
}

std::string format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  auto s = uint64_t(std::llround(seconds));
  if (s < 60) return fmt::format("{}s", s);
  if (s < 3600) return fmt::format("{}:{:02}", s / 60, s % 60);
  return fmt::format("{}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60);
}

ProgressLine::ProgressLine(ProgressOptions options, std::FILE* stream)
    : options_(std::move(options)), stream_(stream) {
  terminal_ = options_.terminal ? *options_.terminal : (stream_ && isatty(fileno(stream_)));
  start_ = now();
}

ProgressLine::~ProgressLine() { finish(); }

double ProgressLine::now() const {
  if (options_.clock) return options_.clock();
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

double ProgressLine::generations_per_second() const {
  if (recent_.empty()) return 0.0;
  // Between the oldest and newest sample; with one sample, since construction.
  const auto& [g1, t1] = recent_.back();
  uint32_t gens = 0;
  double dt = 0.0;
  if (recent_.size() == 1) {
    gens = 1;
    dt = t1 - start_;
  } else {
    gens = g1 - recent_.front().first;
    dt = t1 - recent_.front().second;
  }
  return dt > 0.0 && gens > 0 ? double(gens) / dt : 0.0;
}

std::optional<double> ProgressLine::seconds_left() const {
  if (options_.generation_limit == 0 || recent_.empty()) return std::nullopt;
  const double rate = generations_per_second();
  if (rate <= 0.0) return std::nullopt;
  const double done = double(recent_.back().first) + 1.0;
  const double left = double(options_.generation_limit) - done;
  return left > 0.0 ? left / rate : 0.0;
}

std::string ProgressLine::format(const ProgressSample& s) const {
  std::string line = options_.generation_limit
                         ? fmt::format("gen {}/{}", s.generation + 1, options_.generation_limit)
                         : fmt::format("gen {}", s.generation + 1);
  line += fmt::format("  best {:.6g}", s.best_fitness);
  if (!std::isnan(s.best_ever_fitness)) line += fmt::format(" (ever {:.6g})", s.best_ever_fitness);
  line += fmt::format("  species {}", s.species);
  const double rate = generations_per_second();
  if (rate > 0.0) line += rate >= 10.0 ? fmt::format("  {:.0f} gen/s", rate) : fmt::format("  {:.2f} gen/s", rate);
  if (auto left = seconds_left()) line += fmt::format("  left {}", format_duration(*left));
  return line;
}

void ProgressLine::update(const ProgressSample& sample) {
  if (!options_.enabled || finished_) return;
  const double t = now();
  if (!recent_.empty() && sample.generation <= recent_.back().first) recent_.clear();  // a new run or resume
  recent_.push_back({sample.generation, t});
  while (recent_.size() > kRateWindow) recent_.pop_front();
  const bool first = !last_;
  last_ = sample;
  last_logged_ = false;
  const bool final_generation =
      options_.generation_limit && sample.generation + 1 >= options_.generation_limit;

  if (terminal_) {
    if (!first && !final_generation && t - last_draw_ < options_.redraw_interval_s) return;
    std::fprintf(stream_, "\r%s\x1b[K", format(sample).c_str());
    std::fflush(stream_);
    drawn_ = true;
  } else {
    if (!first && !final_generation && t - last_draw_ < options_.log_interval_s) return;
    spdlog::info("{}", format(sample));
    last_logged_ = true;
  }
  last_draw_ = t;
}

void ProgressLine::clear() {
  if (!terminal_ || !drawn_) return;
  std::fprintf(stream_, "\r\x1b[K");
  std::fflush(stream_);
  drawn_ = false;
}

void ProgressLine::finish() {
  if (finished_) return;
  finished_ = true;
  if (!options_.enabled || !last_) return;
  if (terminal_) {
    // Redraw the final state (it may have been throttled) and end the line.
    std::fprintf(stream_, "\r%s\x1b[K\n", format(*last_).c_str());
    std::fflush(stream_);
    drawn_ = false;
  } else if (!last_logged_) {
    spdlog::info("{}", format(*last_));
    last_logged_ = true;
  }
}

}  // namespace ganglion
