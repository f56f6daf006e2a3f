// The run report (evolution/report/report.hpp) from the fixture run folder tests/data/run: the page is
// written, self-contained (nothing fetched over the network), holds every plot, the config, the
// stats and the network drawing; the summary names task, seed, backend, solve criterion,
// threshold, stop reason and resumes (from config.yaml and events.jsonl, or stats.jsonl without
// it); loss and accuracy show when the stats have them; a running run's page reloads itself; the
// inlined assets match tools/report/; bad run folders fail with the file and line.
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
    for (const char* f : {"config.yaml", "stats.jsonl", "events.jsonl", "best_genome.json"})
      fs::copy_file(fs::path(source_dir()) / "tests/data/run" / f, dir / f);
  }
  ~RunCopy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
};

std::string run_meta(const std::string& html) {
  const std::string open = "<script id=\"run-meta\" type=\"application/json\">";
  auto a = html.find(open);
  REQUIRE(a != std::string::npos);
  a += open.size();
  return html.substr(a, html.find("</script>", a) - a);
}

std::string row(const std::string& key, const std::string& value) {
  return "<tr><td>" + key + "</td><td>" + value + "</td></tr>";
}

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
  SUBCASE("the summary: task, seed, backend, criterion, threshold, stop reason") {
    CHECK(html.find(row("task", "xor")) != std::string::npos);
    CHECK(html.find(row("seed", "7")) != std::string::npos);
    CHECK(html.find(row("backend", "cpu")) != std::string::npos);
    CHECK(html.find(row("solve criterion", "every output on the right side of 0.5")) != std::string::npos);
    CHECK(html.find(row("fitness threshold", "3.9 (stops at or above)")) != std::string::npos);
    CHECK(html.find(row("stop reason", "fitness threshold reached after 12 generation(s)")) != std::string::npos);
    CHECK(html.find(row("resumed", "none")) != std::string::npos);
    CHECK(html.find("id=\"log-scale\"") != std::string::npos);
    // No loss or accuracy in these stats: no such plot; a finished run's page does not reload.
    CHECK(html.find("id=\"plot-loss\"") == std::string::npos);
    CHECK(nlohmann::json::parse(run_meta(html)).at("refresh_seconds") == 0.0);
    CHECK(html.find("id=\"live\"") == std::string::npos);
  }
}

TEST_CASE("the summary from events.jsonl: the backend auto chose, resumes, a run going on") {
  RunCopy run;
  std::ofstream(run.dir / "events.jsonl", std::ios::binary | std::ios::trunc)
      << R"({"event":"start","generation":0,"task":"xor","backend":"cuda","solve_criterion":"","time":"t"})" << "\n"
      << R"({"event":"resume","generation":5,"task":"xor","backend":"cpu","solve_criterion":"","checkpoint":"c","overrides":[],"time":"t"})"
      << "\n"
      << R"({"event":"stop","generations":9,"reason":"interrupted","time":"t"})" << "\n"
      << R"({"event":"resume","generation":9,"task":"xor","backend":"cpu","solve_criterion":"","checkpoint":"c","overrides":[],"time":"t"})"
      << "\n" << R"({"event":"stop","gen)";  // a kill in the middle of a line
  std::string config = read_file(run.dir / "config.yaml");
  config.replace(config.find("backend: cpu"), 12, "backend: auto");
  std::ofstream(run.dir / "config.yaml", std::ios::binary | std::ios::trunc) << config;
  const std::string html = render_report(run.dir.string());
  CHECK(html.find(row("backend", "cpu (config: auto)")) != std::string::npos);
  CHECK(html.find(row("resumed", "2 (at generation 5, 9)")) != std::string::npos);
  CHECK(html.find(row("solve criterion", "the task's own (the task does not describe it)")) != std::string::npos);
  CHECK(html.find("none recorded: the run was going on") != std::string::npos);
  CHECK(nlohmann::json::parse(run_meta(html)).at("resumes") == nlohmann::json::array({5, 9}));
  CHECK(html.find("the run was resumed there") != std::string::npos);

  SUBCASE("a running run's page reloads itself") {
    ReportOptions options;
    options.refresh_seconds = 3;
    const std::string live = render_report(run.dir.string(), options);
    CHECK(nlohmann::json::parse(run_meta(live)).at("refresh_seconds") == 3.0);
    CHECK(live.find("id=\"live\"") != std::string::npos);
    CHECK(live.find(row("stop reason", "running")) != std::string::npos);
  }
}

TEST_CASE("without events.jsonl the stop reason comes from stats.jsonl, and says so") {
  RunCopy run;
  fs::remove(run.dir / "events.jsonl");
  // The fixture's last generation met run.fitness_threshold (3.9).
  CHECK(render_report(run.dir.string())
            .find(row("stop reason", "fitness threshold reached (from stats.jsonl; no events.jsonl in the run folder)")) !=
        std::string::npos);
  std::ofstream(run.dir / "stats.jsonl", std::ios::app) << R"({"generation": 12, "best_fitness": 3.0, "solved": true})" << "\n";
  CHECK(render_report(run.dir.string())
            .find(row("stop reason", "solved (from stats.jsonl; no events.jsonl in the run folder)")) != std::string::npos);
  std::ofstream(run.dir / "stats.jsonl", std::ios::app) << R"({"generation": 13, "best_fitness": 3.0, "solved": false})" << "\n";
  std::string config = read_file(run.dir / "config.yaml");
  config.replace(config.find("generations: 12"), 15, "generations: 14");
  std::ofstream(run.dir / "config.yaml", std::ios::binary | std::ios::trunc) << config;
  const std::string html = render_report(run.dir.string());
  CHECK(html.find(row("stop reason", "generation limit reached (from stats.jsonl; no events.jsonl in the run folder)")) !=
        std::string::npos);
  CHECK(html.find(row("solve criterion", "not recorded (no events.jsonl in the run folder)")) != std::string::npos);
}

TEST_CASE("loss and accuracy of data tasks") {
  RunCopy run;
  std::ofstream(run.dir / "stats.jsonl", std::ios::app)
      << R"({"generation": 12, "best_fitness": 3.95, "best_loss": 0.0125, "best_accuracy": 0.75, "solved": false})" << "\n";
  const std::string html = render_report(run.dir.string());
  CHECK(html.find("id=\"plot-loss\"") != std::string::npos);
  CHECK(html.find(row("best loss (last generation)", "0.0125")) != std::string::npos);
  CHECK(html.find(row("best accuracy (last generation)", "0.75")) != std::string::npos);
}

TEST_CASE("ReportWriter keeps a running run's page, at most once per interval") {
  RunCopy run;
  ReportWriter writer(run.dir.string(), ReportOptions{}, 3600.0);
  GenerationStats stats;
  EvolutionState state;
  writer.on_generation(stats, state, StopReason::None);
  REQUIRE(fs::exists(run.dir / "report.html"));
  const std::string first = read_file(run.dir / "report.html");
  CHECK(nlohmann::json::parse(run_meta(first)).at("refresh_seconds") == 3600.0);
  fs::remove(run.dir / "report.html");
  writer.on_generation(stats, state, StopReason::None);  // within the interval: nothing
  CHECK_FALSE(fs::exists(run.dir / "report.html"));
  ReportWriter soon(run.dir.string(), ReportOptions{}, 1e-9);
  soon.on_generation(stats, state, StopReason::None);
  soon.on_generation(stats, state, StopReason::GenerationLimit);  // the last generation: the caller's page
  CHECK(fs::exists(run.dir / "report.html"));
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
