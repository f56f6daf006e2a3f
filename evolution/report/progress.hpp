// The progress line of a long run: generation, best fitness, species, generations per second and
// the time left to the generation limit. On a terminal it is one line redrawn in place (\r); when
// stderr is not a terminal (a log file, CI) it becomes a plain spdlog line every few seconds.
//
// Use: construct before the first generation, call update() after each generation, finish() at
// the end (the destructor does too). On a terminal, call clear() before writing anything else to
// the terminal (or the text lands after the line); the next update() redraws it.
#pragma once

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <optional>
#include <string>

namespace ganglion {

struct ProgressSample {
  uint32_t generation = 0;  // 0-based number of the generation just finished
  double best_fitness = 0.0;                         // this generation's best
  double best_ever_fitness = std::nan("");           // shown when not NaN
  uint32_t species = 0;
};

struct ProgressOptions {
  uint32_t generation_limit = 0;   // run.generations; 0 means unknown (no "of N", no time left)
  bool enabled = true;             // log.progress: false makes update() do nothing
  std::optional<bool> terminal;    // unset: isatty(stderr's descriptor of `stream`)
  double redraw_interval_s = 0.1;  // terminal: redraw at most this often
  double log_interval_s = 5.0;     // plain: one log line at most this often (first and last always)
  std::function<double()> clock;   // seconds, monotonic; unset: std::chrono::steady_clock
};

class ProgressLine {
 public:
  explicit ProgressLine(ProgressOptions options = {}, std::FILE* stream = stderr);
  ~ProgressLine();
  ProgressLine(const ProgressLine&) = delete;
  ProgressLine& operator=(const ProgressLine&) = delete;

  void update(const ProgressSample& sample);
  void clear();   // terminal: erase the line until the next update()
  void finish();  // terminal: leave the last line and end it; plain: log the last sample if unlogged

  bool terminal() const { return terminal_; }
  // Generations per second over the last (up to) 20 generations; 0 before two samples.
  double generations_per_second() const;
  // Seconds to the generation limit at the current rate; nothing when unknown.
  std::optional<double> seconds_left() const;
  // The text of the line for `sample` (no \r, no colour): what both modes print.
  std::string format(const ProgressSample& sample) const;

 private:
  double now() const;

  ProgressOptions options_;
  std::FILE* stream_;
  bool terminal_ = false;
  bool drawn_ = false;       // a terminal line is on screen
  bool finished_ = false;
  double start_ = 0.0;
  double last_draw_ = -1e300;
  std::deque<std::pair<uint32_t, double>> recent_;  // (generation, time) of the latest samples
  std::optional<ProgressSample> last_;
  bool last_logged_ = false;
};

// "1:02:03", "4:05" or "7s"-style durations for the progress line.
std::string format_duration(double seconds);

}  // namespace ganglion
