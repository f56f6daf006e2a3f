// The progress line (evolution/report/progress.hpp) with a fake clock: the text, generations per second
// over recent generations, time left, in-place redraws on a terminal with throttling, and no
// terminal codes when the output is not a terminal.
#include <doctest/doctest.h>

#include <cstdio>
#include <string>

#include "evolution/report/progress.hpp"

using namespace ganglion;

namespace {

std::string contents(std::FILE* f) {
  std::fflush(f);
  std::rewind(f);
  std::string s;
  for (int c; (c = std::fgetc(f)) != EOF;) s += char(c);
  return s;
}

size_t count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

}  // namespace

TEST_CASE("durations") {
  CHECK(format_duration(7.4) == "7s");
  CHECK(format_duration(65) == "1:05");
  CHECK(format_duration(3723) == "1:02:03");
  CHECK(format_duration(-1) == "?");
}

TEST_CASE("progress line text, rate and time left") {
  double t = 100.0;
  ProgressOptions o;
  o.generation_limit = 100;
  o.terminal = false;
  o.enabled = false;  // only the arithmetic here
  o.clock = [&] { return t; };
  ProgressLine line(o, nullptr);
  CHECK(line.generations_per_second() == 0.0);
  CHECK_FALSE(line.seconds_left().has_value());

  ProgressSample s;
  s.best_fitness = 3.5;
  s.species = 4;
  CHECK(line.format(s) == "gen 1/100  best 3.5  species 4");
  s.best_ever_fitness = 3.75;
  CHECK(line.format(s) == "gen 1/100  best 3.5 (ever 3.75)  species 4");
}

TEST_CASE("rate over recent generations") {
  double t = 0.0;
  ProgressOptions o;
  o.generation_limit = 50;
  o.terminal = true;
  o.clock = [&] { return t; };
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    ProgressLine line(o, f);
    // 10 slow generations (1 s each), then 20 fast ones (0.25 s): the rate follows the fast ones.
    uint32_t g = 0;
    for (; g < 10; ++g) {
      t += 1.0;
      line.update({g, 1.0, 1.0, 2});
    }
    CHECK(line.generations_per_second() == doctest::Approx(1.0));
    for (; g < 30; ++g) {
      t += 0.25;
      line.update({g, 1.0, 1.0, 2});
    }
    CHECK(line.generations_per_second() == doctest::Approx(4.0));
    REQUIRE(line.seconds_left().has_value());
    CHECK(*line.seconds_left() == doctest::Approx(20 / 4.0));  // 20 generations left at 4 per second
    CHECK(line.format({29, 1.0, 1.0, 2}) == "gen 30/50  best 1 (ever 1)  species 2  4.00 gen/s  left 5s");
  }
  const std::string out = contents(f);
  std::fclose(f);
  CHECK(out.find("\r") != std::string::npos);
  CHECK(out.find("\x1b[K") != std::string::npos);
  CHECK(out.back() == '\n');  // finish() ends the line
  CHECK(count(out, "\n") == 1);
}

TEST_CASE("terminal redraws are throttled; the last state is always shown") {
  double t = 0.0;
  ProgressOptions o;
  o.generation_limit = 1000;
  o.terminal = true;
  o.redraw_interval_s = 1.0;
  o.clock = [&] { return t; };
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    ProgressLine line(o, f);
    for (uint32_t g = 0; g < 100; ++g) {
      t += 0.05;
      line.update({g, double(g), double(g), 1});
    }
    line.clear();
    line.finish();
  }
  const std::string out = contents(f);
  std::fclose(f);
  const size_t draws = count(out, "gen ");
  CHECK(draws >= 5);   // about one a second over 5 s, plus the first and the final one
  CHECK(draws <= 8);
  CHECK(out.find("gen 100/1000  best 99") != std::string::npos);
}

TEST_CASE("not a terminal: no carriage returns or escape codes on the stream") {
  double t = 0.0;
  ProgressOptions o;
  o.generation_limit = 10;
  o.terminal = false;
  o.clock = [&] { return t; };
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    ProgressLine line(o, f);
    CHECK_FALSE(line.terminal());
    for (uint32_t g = 0; g < 10; ++g) {
      t += 1.0;
      line.update({g, 0.5, 0.5, 3});  // logged through spdlog, not written to the stream
    }
  }
  const std::string out = contents(f);
  std::fclose(f);
  CHECK(out.find('\r') == std::string::npos);
  CHECK(out.find('\x1b') == std::string::npos);
}

TEST_CASE("disabled: nothing at all") {
  ProgressOptions o;
  o.enabled = false;
  o.terminal = true;
  std::FILE* f = std::tmpfile();
  REQUIRE(f);
  {
    ProgressLine line(o, f);
    line.update({0, 1.0, 1.0, 1});
  }
  CHECK(contents(f).empty());
  std::fclose(f);
}
