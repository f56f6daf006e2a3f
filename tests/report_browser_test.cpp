// The report page in a real browser: headless Chromium (Debian's `chromium` package) opens the
// report of the fixture run folder; the page must load without console messages or uncaught
// errors, draw all six plots (uPlot canvases) and the network, and yield a screenshot.
// Skips (exit 77, "skipped: chromium not installed") where no Chromium is found; set
// GANGLION_CHROMIUM to a browser binary to choose one, and GANGLION_SCREENSHOT=FILE to keep the
// screenshot (docs/img/report.png itself comes from a real run: tools/report/screenshot.sh).
#include <doctest/doctest.h>

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>

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

}  // namespace

TEST_CASE("the report page loads in headless Chromium without errors and draws every plot") {
  const std::string chromium = find_chromium();
  if (chromium.empty()) {
    std::cout << "skipped: chromium not installed" << std::endl;
    std::exit(77);
  }

  std::random_device rd;
  const fs::path dir = fs::temp_directory_path() / ("ganglion-browser-test-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(dir / "run");
  for (const char* f : {"config.yaml", "stats.jsonl", "best_genome.json"})
    fs::copy_file(fs::path(source_dir()) / "tests/data/run" / f, dir / "run" / f);
  const std::string report = write_report((dir / "run").string());

  // The page as written, plus the capture script first in <head>.
  std::string html = read_file(report);
  const auto head = html.find("<head>");
  REQUIRE(head != std::string::npos);
  html.insert(head + 6, kCapture);
  std::ofstream(dir / "page.html", std::ios::binary) << html;

  const fs::path png = dir / "report.png", dom = dir / "dom.html", log = dir / "chromium.log";
  const std::string timeout = find_on_path("timeout").empty() ? "" : "timeout 120 ";
  const std::string command =
      timeout + quote(chromium) +
      " --headless --no-sandbox --disable-gpu --disable-background-networking --disable-component-update"
      " --disable-sync --no-first-run --disable-extensions --hide-scrollbars --user-data-dir=" +
      quote((dir / "profile").string()) + " --enable-logging=stderr --v=0 --window-size=1300,2400" +
      " --screenshot=" + quote(png.string()) + " --dump-dom " + quote("file://" + (dir / "page.html").string()) +
      " >" + quote(dom.string()) + " 2>" + quote(log.string());
  const int status = std::system(command.c_str());
  const std::string dumped = read_file(dom), stderr_text = read_file(log);
  INFO("command: ", command);
  INFO("chromium stderr (tail): ", stderr_text.substr(stderr_text.size() > 3000 ? stderr_text.size() - 3000 : 0));
  REQUIRE(status == 0);
  REQUIRE_FALSE(dumped.empty());

  {  // no console messages or uncaught errors
    CHECK_MESSAGE(dumped.find("data-console-errors=") == std::string::npos,
                  dumped.substr(0, std::min<size_t>(dumped.size(), 2000)));
    // Chromium logs every console message of the page as "...:CONSOLE..."; the report logs none.
    CHECK_MESSAGE(stderr_text.find(":CONSOLE") == std::string::npos, "the page wrote to the console");
    CHECK(dumped.find("<pre id=\"report-errors\"></pre>") != std::string::npos);
  }
  {  // every plot is drawn, and the network
    for (const char* id : {"plot-fitness", "plot-species-fitness", "plot-species-sizes", "plot-network-size",
                           "plot-time", "plot-species-count"})
      CHECK_MESSAGE(dumped.find(std::string("id=\"") + id + "\" data-rendered=\"true\"><div class=\"uplot") !=
                        std::string::npos,
                    id << " was not drawn");
    CHECK(dumped.find("data-plots-rendered=\"6\"") != std::string::npos);
    size_t canvases = 0;
    for (size_t p = dumped.find("<canvas"); p != std::string::npos; p = dumped.find("<canvas", p + 1)) ++canvases;
    CHECK(canvases >= 6);
    CHECK(dumped.find("<svg") != std::string::npos);
  }
  {  // a screenshot
    const std::string image = read_file(png);
    CHECK(image.size() > 20000);
    CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
    if (const char* keep = std::getenv("GANGLION_SCREENSHOT"); keep && *keep) {
      fs::copy_file(png, keep, fs::copy_options::overwrite_existing);
      MESSAGE("wrote ", keep);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}
