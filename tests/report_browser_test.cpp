// The report page in a real browser: headless Chromium (Debian's `chromium` package) opens the
// report of the fixture run folder and of a long, made-up run (600 generations, 30 species,
// sub-millisecond generations, fitness up to 100,000, loss and accuracy, two resumes, still
// running); each page must load without console messages or uncaught errors and draw every plot
// (uPlot canvases) and the network. Since uPlot draws axes on canvases, the page records what it
// drew in data- attributes (tools/report/report.js): the tests read tick labels, scales, legends
// and resume marks from there.
// Skips (exit 77, "skipped: chromium not installed") where no Chromium is found; set
// GANGLION_CHROMIUM to a browser binary to choose one, and GANGLION_SCREENSHOT=FILE to keep the
// screenshot (docs/img/report.png itself comes from a real run: tools/report/screenshot.sh).
#include <doctest/doctest.h>

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <regex>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "evolution/report/report.hpp"

using namespace ganglion;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* s = std::getenv("GANGLION_SOURCE_DIR");
  return s ? s : ".";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string find_on_path(const std::string& name) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (dir.empty()) continue;
    std::string candidate = dir + "/" + name;
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::string find_chromium() {
  if (const char* env = std::getenv("GANGLION_CHROMIUM")) return env;
  for (const char* name : {"chromium", "chromium-browser"}) {
    std::string p = find_on_path(name);
    if (!p.empty()) return p;
  }
  return "";
}

std::string quote(const std::string& s) {
  std::string q = "'";
  for (char c : s) q += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return q + "'";
}

// Runs before the page's scripts: records console.error/console.warn calls and uncaught errors
// in an attribute of <html>, which --dump-dom then shows.
const char* kCapture = R"(<script>(function () {
  var seen = [];
  function record(kind, args) {
    seen.push(kind + ": " + Array.prototype.map.call(args, String).join(" "));
    document.documentElement.setAttribute("data-console-errors", seen.join(" | "));
  }
  var error = console.error, warn = console.warn;
  console.error = function () { record("console.error", arguments); error.apply(console, arguments); };
  console.warn = function () { record("console.warn", arguments); warn.apply(console, arguments); };
  window.addEventListener("error", function (e) { record("uncaught", [e.message]); });
  window.addEventListener("unhandledrejection", function (e) { record("unhandled rejection", [e.reason]); });
})();</script>)";


struct Page {
  int status = -1;
  std::string dom, log;
};

// Loads `html` (with the capture script put first in <head>) as dir/NAME.html, at `fragment`.
Page load(const std::string& chromium, const fs::path& dir, const std::string& name, std::string html,
          const std::string& fragment = "", const fs::path& png = {}) {
  const auto head = html.find("<head>");
  REQUIRE(head != std::string::npos);
  html.insert(head + 6, kCapture);
  const fs::path page = dir / (name + ".html"), dom = dir / (name + ".dom"), log = dir / (name + ".log");
  std::ofstream(page, std::ios::binary) << html;
  const std::string timeout = find_on_path("timeout").empty() ? "" : "timeout 120 ";
  const std::string command =
      timeout + quote(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
      " --disable-sync --no-first-run --disable-extensions --hide-scrollbars --user-data-dir=" +
      quote((dir / ("profile-" + name)).string()) + " --enable-logging=stderr --v=0 --window-size=1300,2400" +
      (png.empty() ? std::string() : " --screenshot=" + quote(png.string())) + " --dump-dom " +
      quote("file://" + page.string() + fragment) + " >" + quote(dom.string()) + " 2>" + quote(log.string());
  Page p;
  p.status = std::system(command.c_str());
  p.dom = read_file(dom);
  p.log = read_file(log);
  return p;
}

// The value of attribute `name` on the element with id `id` in the dumped DOM ("" when absent).
std::string attribute(const std::string& dom, const std::string& id, const std::string& name) {
  const auto at = dom.find("id=\"" + id + "\"");
  if (at == std::string::npos) return "";
  const auto open = dom.rfind('<', at), close = dom.find('>', at);
  const std::string tag = dom.substr(open, close - open);
  std::smatch m;
  if (!std::regex_search(tag, m, std::regex("\\s" + name + "=\"([^\"]*)\""))) return "";
  return m[1];
}
std::string body_attribute(const std::string& dom, const std::string& name) {
  const auto at = dom.find("<body");
  const std::string tag = dom.substr(at, dom.find('>', at) - at);
  std::smatch m;
  return std::regex_search(tag, m, std::regex("\\s" + name + "=\"([^\"]*)\"")) ? std::string(m[1]) : "";
}

std::vector<std::string> split(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream in(text);
  for (std::string part; std::getline(in, part, '|');) out.push_back(part);
  return out;
}

// A page that loaded cleanly: no console messages, no uncaught errors, every plot drawn.
void check_clean(const Page& page, const std::vector<std::string>& plots) {
  INFO("chromium stderr (tail): ", page.log.substr(page.log.size() > 3000 ? page.log.size() - 3000 : 0));
  REQUIRE(page.status == 0);
  REQUIRE_FALSE(page.dom.empty());
  CHECK_MESSAGE(page.dom.find("data-console-errors=") == std::string::npos,
                page.dom.substr(0, std::min<size_t>(page.dom.size(), 2000)));
  // Chromium logs every console message of the page as "...:CONSOLE..."; the report logs none.
  CHECK_MESSAGE(page.log.find(":CONSOLE") == std::string::npos, "the page wrote to the console");
  CHECK(page.dom.find("<pre id=\"report-errors\"></pre>") != std::string::npos);
  for (const auto& id : plots) {
    CHECK_MESSAGE(attribute(page.dom, id, "data-rendered") == "true", id << " was not drawn");
    const auto at = page.dom.find("id=\"" + id + "\"");
    CHECK_MESSAGE(page.dom.compare(page.dom.find('>', at), 20, "><div class=\"uplot u") == 0, id);
  }
  CHECK(body_attribute(page.dom, "data-plots-rendered") == std::to_string(plots.size()));
  size_t canvases = 0;
  for (size_t p = page.dom.find("<canvas"); p != std::string::npos; p = page.dom.find("<canvas", p + 1)) ++canvases;
  CHECK(canvases >= plots.size());
  CHECK(page.dom.find("<svg") != std::string::npos);
}

// Tick labels a reader can tell apart: at least `least` of them, all different.
void check_ticks(const std::string& dom, const std::string& id, int axis, size_t least) {
  std::vector<std::string> ticks;  // uPlot leaves the labels of ticks it has no room for empty
  for (const auto& t : split(attribute(dom, id, "data-ticks-" + std::to_string(axis))))
    if (!t.empty()) ticks.push_back(t);
  INFO(id, " axis ", axis, ": ", attribute(dom, id, "data-ticks-" + std::to_string(axis)));
  CHECK(ticks.size() >= least);
  const std::set<std::string> distinct(ticks.begin(), ticks.end());
  CHECK(distinct.size() == ticks.size());
}

// A long run as a run folder would hold it: `generations` lines, 30 species coming and going,
// generations of tens of microseconds, fitness rising to 100,000 (pole balancing's steps), loss
// and accuracy, resumed at generations 200 and 450, still going (no stop in events.jsonl).
void write_long_run(const fs::path& dir, int generations) {
  fs::create_directories(dir);
  fs::copy_file(fs::path(source_dir()) / "tests/data/run/config.yaml", dir / "config.yaml");
  fs::copy_file(fs::path(source_dir()) / "tests/data/run/best_genome.json", dir / "best_genome.json");
  std::ofstream stats(dir / "stats.jsonl", std::ios::binary);
  for (int g = 0; g < generations; ++g) {
    const double best = std::min(100000.0, 10.0 * std::pow(10.0, 4.0 * g / (generations - 100)));
    nlohmann::ordered_json species = nlohmann::json::array();
    int left = 150;
    for (int s = 0; s < 30 && left > 0; ++s) {
      if ((g / 20 + s) % 3 == 0 && s > 2) continue;  // species come and go
      const int size = std::max(1, std::min(left, 40 / (s + 1) + (g + s) % 5));
      species.push_back({{"id", s + 1}, {"size", size}, {"best_fitness", best / (s + 1)}, {"age", g}, {"stagnation", 0}});
      left -= size;
    }
    nlohmann::ordered_json row = {{"generation", g},
                                  {"evaluations", 150 * (g + 1)},
                                  {"best_fitness", best},
                                  {"mean_fitness", best / 3},
                                  {"median_fitness", best / 4},
                                  {"best_ever_fitness", best},
                                  {"best_loss", 1.0 / (1.0 + g)},
                                  {"best_accuracy", std::min(1.0, 0.5 + g / 1000.0)},
                                  {"species_count", species.size()},
                                  {"species", species},
                                  {"mean_nodes", 3.0},
                                  {"mean_connections", 5.0},
                                  {"best_nodes", 3},
                                  {"best_connections", 5},
                                  {"compatibility_threshold", 3.0},
                                  {"solved", false},
                                  {"time_compile", 4e-6},
                                  {"time_evaluate", 3e-5 + 1e-6 * (g % 7)},
                                  {"time_reproduce", 1e-5},
                                  {"time_total", 5e-5 + 1e-6 * (g % 7)}};
    stats << row.dump() << "\n";
  }
  std::ofstream events(dir / "events.jsonl", std::ios::binary);
  events << R"({"event":"start","generation":0,"task":"xor","backend":"cpu","solve_criterion":"fitness >= 100000","time":"t"})" << "\n"
         << R"({"event":"resume","generation":200,"task":"xor","backend":"cpu","solve_criterion":"fitness >= 100000","checkpoint":"c","overrides":[],"time":"t"})" << "\n"
         << R"({"event":"resume","generation":450,"task":"xor","backend":"cpu","solve_criterion":"fitness >= 100000","checkpoint":"c","overrides":[],"time":"t"})" << "\n";
}

}  // namespace

TEST_CASE("the report pages load in headless Chromium without errors and draw what a reader needs") {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cout << "skipped: chromium not installed" << std::endl;
    std::exit(77);
  }

  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("ganglion-browser-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(dir / "run");
  for (const char* f : {"config.yaml", "stats.jsonl", "events.jsonl", "best_genome.json"})
    fs::copy_file(fs::path(source_dir()) / "tests/data/run" / f, dir / "run" / f);
  const std::vector<std::string> six = {"plot-fitness",      "plot-species-fitness", "plot-species-sizes",
                                        "plot-network-size", "plot-time",            "plot-species-count"};

  SUBCASE("the fixture run") {
    const fs::path png = dir / "report.png";
    const Page page = load(chromium, dir, "fixture", read_file(write_report((dir / "run").string())), "", png);
    check_clean(page, six);
    CHECK(attribute(page.dom, "plot-loss", "data-rendered").empty());  // no loss in its stats
    CHECK(attribute(page.dom, "plot-fitness", "data-y-scale") == "linear");
    CHECK(body_attribute(page.dom, "data-log-scale") == "false");
    check_ticks(page.dom, "plot-fitness", 1, 3);
    CHECK(attribute(page.dom, "plot-time", "data-unit") == "ms");  // generations of about 8 ms
    check_ticks(page.dom, "plot-time", 1, 3);
    CHECK(attribute(page.dom, "plot-fitness", "data-resume-marks").empty());  // never resumed
    CHECK(body_attribute(page.dom, "data-refresh-seconds").empty());           // finished: no reloading
    // Few species (4): each its own line, no "rest".
    CHECK(attribute(page.dom, "plot-species-fitness", "data-series") == "species 1|species 2|species 3|species 4");
    const std::string image = read_file(png);
    CHECK(image.size() > 20000);
    CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    if (const char* keep = std::getenv("GANGLION_SCREENSHOT"); keep && *keep) {
      fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
      MESSAGE("wrote ", keep);
    }
  }

  SUBCASE("a long run with sub-millisecond generations, resumes, loss and accuracy, still running") {
    write_long_run(dir / "long", 600);
    ReportOptions options;
    options.refresh_seconds = 60;  // as ReportWriter writes it; long enough not to reload during the test
    const std::string html = read_file(write_report((dir / "long").string(), options));
    std::vector<std::string> seven = six;
    seven.push_back("plot-loss");

    const Page linear = load(chromium, dir, "long", html);
    check_clean(linear, seven);
    // Time: microseconds, and ticks that differ (not all "0").
    CHECK(attribute(linear.dom, "plot-time", "data-unit") == "µs");
    check_ticks(linear.dom, "plot-time", 1, 3);
    CHECK(split(attribute(linear.dom, "plot-time", "data-ticks-1")).back() != "0");
    // Fitness to 100,000 on a linear axis: compact labels such as "100k", all different.
    check_ticks(linear.dom, "plot-fitness", 1, 3);
    CHECK(attribute(linear.dom, "plot-fitness", "data-ticks-1").find("k") != std::string::npos);
    check_ticks(linear.dom, "plot-fitness", 0, 3);  // generations
    // The largest 8 species and the rest, with a legend.
    const auto species = split(attribute(linear.dom, "plot-species-fitness", "data-series"));
    CHECK(species.size() == 9);
    CHECK(species.back().rfind("the rest (", 0) == 0);
    CHECK(split(attribute(linear.dom, "plot-species-sizes", "data-series")).size() == 9);
    const auto legend = linear.dom.find("class=\"u-legend", linear.dom.find("id=\"plot-species-fitness\""));
    CHECK(legend < linear.dom.find("id=\"plot-species-sizes\""));
    // Resumes: a mark on every plot.
    for (const auto& id : seven) CHECK_MESSAGE(attribute(linear.dom, id, "data-resume-marks") == "2", id);
    CHECK(linear.dom.find("<td>resumed</td><td>2 (at generation 200, 450)</td>") != std::string::npos);
    // Loss (left) and accuracy (right).
    CHECK(attribute(linear.dom, "plot-loss", "data-series") == "best's loss|best's accuracy");
    check_ticks(linear.dom, "plot-loss", 1, 3);
    check_ticks(linear.dom, "plot-loss", 2, 3);
    // The summary of a running run, and its reloading.
    CHECK(linear.dom.find("<td>stop reason</td><td>running</td>") != std::string::npos);
    CHECK(linear.dom.find("<td>solve criterion</td><td>fitness &gt;= 100000</td>") != std::string::npos);
    CHECK(body_attribute(linear.dom, "data-refresh-seconds") == "60");
    CHECK(linear.dom.find("id=\"live\"") != std::string::npos);

    // The log toggle, as a reload or a link (#log) brings it back.
    const Page log = load(chromium, dir, "long-log", html, "#log");
    check_clean(log, seven);
    CHECK(body_attribute(log.dom, "data-log-scale") == "true");
    CHECK(attribute(log.dom, "plot-fitness", "data-y-scale") == "log");
    CHECK(attribute(log.dom, "plot-loss", "data-y-scale") == "log");
    CHECK(attribute(log.dom, "plot-species-sizes", "data-y-scale") == "linear");  // counts stay linear
    const auto decades = split(attribute(log.dom, "plot-fitness", "data-ticks-1"));
    INFO("log ticks: ", attribute(log.dom, "plot-fitness", "data-ticks-1"));
    CHECK(std::find(decades.begin(), decades.end(), "100") != decades.end());
    CHECK(std::find(decades.begin(), decades.end(), "100k") != decades.end());
    check_ticks(log.dom, "plot-fitness", 1, 4);
    CHECK(log.dom.find("id=\"log-scale\"") != std::string::npos);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
