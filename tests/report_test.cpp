// The run report (evolution/report/report.hpp) from the fixture run folder tests/data/run: the page is
// written, self-contained (nothing fetched over the network), holds every plot, the config, the
// stats and the network drawing; the inlined assets match tools/report/; bad run folders fail
// with the file and line.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/error.hpp"
#include "evolution/report/report.hpp"
#include "evolution/report/report_assets.hpp"

using namespace ganglion;
namespace fs = std::filesystem;

namespace {

std::string source_dir() {
  const char* s = std::getenv("GANGLION_SOURCE_DIR");
  return s ? s : ".";
}

std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path.string());
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// A copy of the fixture run folder in a fresh temporary directory, removed at the end.
struct RunCopy {
  fs::path dir;
  RunCopy() {
    std::random_device rd;
    dir = fs::temp_directory_path() / ("ganglion-report-test-" + std::to_string(rd()) + std::to_string(rd()));
    fs::create_directories(dir);
    for (const char* f : {"config.yaml", "stats.jsonl", "best_genome.json"})
      fs::copy_file(fs::path(source_dir()) / "tests/data/run" / f, dir / f);
  }
  ~RunCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

const char* const kPlots[] = {"plot-fitness",      "plot-species-fitness", "plot-species-sizes",
                              "plot-network-size", "plot-time",            "plot-species-count"};

std::string run_data(const std::string& html) {
  const std::string open = "<script id=\"run-data\" type=\"application/json\">";
  auto a = html.find(open);
  REQUIRE(a != std::string::npos);
  a += open.size();
  auto b = html.find("</script>", a);
  REQUIRE(b != std::string::npos);
  return html.substr(a, b - a);
}

}  // namespace

TEST_CASE("report from the fixture run folder") {
  RunCopy run;
  const std::string path = write_report(run.dir.string());
  CHECK(fs::path(path) == run.dir / "report.html");
  REQUIRE(fs::exists(path));
  const std::string html = read_file(path);

  SUBCASE("self-contained: no external scripts, styles, images or fonts") {
    const std::regex external(R"((src|href)\s*=\s*["']?\s*(https?:)?//)", std::regex::icase);
    CHECK_FALSE(std::regex_search(html, external));
    CHECK(html.find("<script src") == std::string::npos);
    CHECK(html.find("<link") == std::string::npos);
    CHECK(html.find("@import") == std::string::npos);
    const std::regex css_url(R"(url\(\s*["']?\s*(https?:)?//)", std::regex::icase);
    CHECK_FALSE(std::regex_search(html, css_url));
  }
  SUBCASE("every plot, the network, the config and the stats") {
    for (const char* id : kPlots) CHECK_MESSAGE(html.find(std::string("id=\"") + id + "\"") != std::string::npos, id);
    CHECK(html.find("<section id=\"network\">") != std::string::npos);
    CHECK(html.find("<svg") != std::string::npos);
    CHECK(html.find("name: xor_fixture") != std::string::npos);  // the config, escaped as text
    CHECK(html.find(std::string(report_assets().uplot_js.substr(0, 200))) != std::string::npos);
    const auto rows = nlohmann::json::parse(run_data(html));
    REQUIRE(rows.is_array());
    CHECK(rows.size() == 12);
    CHECK(rows.back().at("generation") == 11);
    CHECK(html.find("<td>best fitness ever</td><td>3.9044</td>") != std::string::npos);
  }
}

TEST_CASE("the inlined assets are the files under tools/report") {
  const fs::path dir = fs::path(source_dir()) / "tools/report";
  const ReportAssets& a = report_assets();
  const char* hint = "the build embeds tools/report/ (tools/report/embed_assets.cmake): rebuild";
  CHECK_MESSAGE(a.uplot_js == read_file(dir / "vendor/uPlot.iife.min.js"), hint);
  CHECK_MESSAGE(a.uplot_css == read_file(dir / "vendor/uPlot.min.css"), hint);
  CHECK_MESSAGE(a.report_js == read_file(dir / "report.js"), hint);
  CHECK_MESSAGE(a.report_css == read_file(dir / "report.css"), hint);
  CHECK(fs::exists(dir / "vendor/uPlot.LICENSE"));
}

TEST_CASE("report without graphviz draws the layered network") {
  RunCopy run;
  ReportOptions options;
  options.use_graphviz = false;
  const std::string html = render_report(run.dir.string(), options);
  CHECK(html.find("class=\"network-layered\"") != std::string::npos);
  CHECK(html.find("simple layered drawing") != std::string::npos);
}

TEST_CASE("stats text cannot break out of the data script") {
  RunCopy run;
  {
    std::ofstream f(run.dir / "stats.jsonl", std::ios::app);
    f << R"({"generation": 12, "note": "</script><script>alert(1)</script> <!--", "best_fitness": 1.0})" << "\n";
  }
  const std::string html = render_report(run.dir.string());
  const std::string data = run_data(html);
  const auto rows = nlohmann::json::parse(data);
  CHECK(rows.size() == 13);
  CHECK(rows.back().at("note") == "</script><script>alert(1)</script> <!--");
  CHECK(html.find("alert(1)</script>") == std::string::npos);
}

TEST_CASE("missing pieces and bad stats") {
  RunCopy run;
  SUBCASE("no best genome, no config: notes instead") {
    fs::remove(run.dir / "best_genome.json");
    fs::remove(run.dir / "config.yaml");
    const std::string html = render_report(run.dir.string());
    CHECK(html.find("best_genome.json is missing") != std::string::npos);
    CHECK(html.find("config.yaml is missing") != std::string::npos);
  }
  SUBCASE("no stats.jsonl") {
    fs::remove(run.dir / "stats.jsonl");
    CHECK_THROWS_WITH_AS(render_report(run.dir.string()), doctest::Contains("stats.jsonl: no such file"), CheckpointError);
  }
  SUBCASE("not a folder") {
    CHECK_THROWS_AS(render_report((run.dir / "nope").string()), CheckpointError);
  }
  SUBCASE("a bad line in the middle names file:line") {
    std::string text = read_file(run.dir / "stats.jsonl");
    text.insert(text.find('\n') + 1, "{\"generation\": 1, \n");
    std::ofstream(run.dir / "stats.jsonl", std::ios::binary) << text;
    CHECK_THROWS_WITH_AS(render_report(run.dir.string()), doctest::Contains("stats.jsonl:2: not valid JSON"),
                         CheckpointError);
  }
  SUBCASE("a line without a generation") {
    std::ofstream(run.dir / "stats.jsonl", std::ios::binary) << "{\"best_fitness\": 1}\n";
    CHECK_THROWS_WITH_AS(render_report(run.dir.string()), doctest::Contains("stats.jsonl:1: no integer"),
                         CheckpointError);
  }
  SUBCASE("a truncated last line (an interrupted run) is skipped") {
    std::ofstream(run.dir / "stats.jsonl", std::ios::app | std::ios::binary) << "{\"generation\": 12, \"best_fi";
    const auto rows = nlohmann::json::parse(run_data(render_report(run.dir.string())));
    CHECK(rows.size() == 12);
  }
  SUBCASE("an empty stats file still gives a page") {
    std::ofstream(run.dir / "stats.jsonl", std::ios::binary | std::ios::trunc);
    const std::string html = render_report(run.dir.string());
    CHECK(html.find("no generations yet") != std::string::npos);
  }
}

TEST_CASE("ganglion report on the command line") {
  const char* binary = std::getenv("GANGLION_BINARY");
  if (!binary || !fs::exists(binary)) {
    MESSAGE("GANGLION_BINARY not set or not built: command-line check skipped");
    return;
  }
  RunCopy run;
  const std::string cmd = std::string("'") + binary + "' report --no-graphviz '" + run.dir.string() + "' >'" +
                          (run.dir / "out.txt").string() + "' 2>&1";
  CHECK(std::system(cmd.c_str()) == 0);
  CHECK(read_file(run.dir / "out.txt") == (run.dir / "report.html").string() + "\n");
  CHECK(read_file(run.dir / "report.html").find("class=\"network-layered\"") != std::string::npos);
  const std::string bad = std::string("'") + binary + "' report '" + (run.dir / "missing").string() + "' >/dev/null 2>&1";
  CHECK(std::system(bad.c_str()) != 0);
}
