#include "core/io/read_file.hpp"
#include "evolution/report/report.hpp"

#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "core/error.hpp"
#include "core/io/export.hpp"
#include "core/genome/genome.hpp"
#include "core/io/graphviz.hpp"
#include "evolution/report/report_assets.hpp"

namespace ganglion {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

std::string read_text(const fs::path& path) {
  return read_regular_file_or_throw<CheckpointError>(path.string(), "run folder file");
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

// JSON that can sit inside <script>: every '<' (only possible inside strings) becomes \u003c, so
// no "</script>" or "<!--" can end or confuse the element.
std::string script_safe_json(const Json& j) {
  std::string text = j.dump();
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '<') out += "\\u003c";
    else out += c;
  }
  return out;
}

std::vector<Json> read_stats(const fs::path& path) {
  std::string text, problem;
  if (!read_regular_file(path.string(), "stats.jsonl", text, problem))
    throw CheckpointError(fmt::format("{}: {} (a run folder holds config.yaml, stats.jsonl and best_genome.json)",
                                      path.string(), problem));
  std::istringstream in(text);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  std::vector<Json> rows;
  for (size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].find_first_not_of(" \t\r") == std::string::npos) continue;
    const bool last = i + 1 == lines.size();
    std::string problem;
    Json row = Json::parse(lines[i], nullptr, false);
    if (row.is_discarded()) problem = "not valid JSON";
    else if (!row.is_object()) problem = "not a JSON object";
    else if (!row.contains("generation") || !row["generation"].is_number_integer())
      problem = "no integer \"generation\" key";
    if (problem.empty()) {
      rows.push_back(std::move(row));
    } else if (last && row.is_discarded()) {
      spdlog::warn("{}:{}: {}; skipping the truncated last line", path.string(), i + 1, problem);
    } else {
      throw CheckpointError(fmt::format("{}:{}: {} (each line is one generation's stats object)", path.string(),
                                        i + 1, problem));
    }
  }
  return rows;
}

std::string strip_to_svg_element(const std::string& svg) {
  auto start = svg.find("<svg");
  return start == std::string::npos ? svg : svg.substr(start);
}

struct NetworkDrawing {
  std::string svg;
  std::string note;
};

NetworkDrawing draw_network(const Genome& genome, const ReportOptions& options) {
  if (options.use_graphviz && dot_program()) {
    try {
      return {strip_to_svg_element(dot_to_svg(genome_to_dot(genome))),
              "Laid out by graphviz: inputs and bias on the left, outputs on the right, hidden nodes by "
              "level; blue connections are positive, red negative, width grows with |weight|, dashed ones "
              "are disabled, grey nodes cannot influence an output. Hover for weights and node functions."};
    } catch (const Error& e) {
      spdlog::warn("report: graphviz failed ({}); drawing the network without it", e.what());
    }
  }
  return {genome_to_layered_svg(genome),
          std::string(options.use_graphviz ? "graphviz's `dot` was not found, so this is Ganglion's simple layered "
                                             "drawing"
                                           : "Ganglion's simple layered drawing") +
              ": one column per compiled level (inputs and bias first, outputs last); blue connections are "
              "positive, red negative, width grows with |weight|; disabled connections and nodes that cannot "
              "influence an output are left out. Install graphviz for the full drawing."};
}

std::string fmt_number(const Json& v) {
  if (v.is_number_integer()) return fmt::format("{}", v.get<int64_t>());
  if (v.is_number()) return fmt::format("{:.6g}", v.get<double>());
  if (v.is_boolean()) return v.get<bool>() ? "yes" : "no";
  return "–";
}

}  // namespace

std::string render_report(const std::string& run_dir, const ReportOptions& options) {
  const fs::path dir(run_dir);
  if (!fs::is_directory(dir)) throw CheckpointError(fmt::format("{}: not a run folder (no such directory)", run_dir));
  std::vector<Json> rows = read_stats(dir / "stats.jsonl");

  std::string config_text;
  const bool have_config = fs::exists(dir / "config.yaml");
  if (have_config) config_text = read_text(dir / "config.yaml");

  std::optional<Genome> best;
  if (fs::exists(dir / "best_genome.json")) best = load_genome((dir / "best_genome.json").string());

  // Summary numbers from the last generation.
  std::vector<std::pair<std::string, std::string>> summary;
  std::string name = fs::absolute(dir).lexically_normal().filename().string();
  if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();
  if (!rows.empty()) {
    const Json& last = rows.back();
    double total_time = 0.0;
    for (const Json& r : rows)
      if (r.contains("time_total") && r["time_total"].is_number()) total_time += r["time_total"].get<double>();
    auto get = [&](const char* key) { return last.contains(key) ? fmt_number(last[key]) : std::string("–"); };
    summary = {{"generations", fmt::format("{}", rows.size())},
               {"last generation", get("generation")},
               {"evaluations", get("evaluations")},
               {"best fitness ever", get("best_ever_fitness")},
               {"solved", get("solved")},
               {"species (last generation)", get("species_count")},
               {"time", fmt::format("{:.2f} s ({:.3f} s per generation)", total_time, total_time / double(rows.size()))}};
  }
  if (best) {
    summary.push_back({"best genome", fmt::format("id {}, fitness {:.6g}, {} hidden + {} output nodes, {} of {} "
                                                  "connections enabled",
                                                  best->id, best->fitness, best->count(NodeKind::Hidden),
                                                  best->count(NodeKind::Output), best->enabled_connections(),
                                                  best->connections.size())});
  }

  const ReportAssets& assets = report_assets();
  std::string html;
  html.reserve(assets.uplot_js.size() + 64 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += fmt::format("<title>Ganglion report: {}</title>\n", html_escape(name));
  html += "<style>\n";
  html += assets.uplot_css;
  html += "\n";
  html += assets.report_css;
  html += "</style>\n</head>\n<body>\n";
  html += fmt::format("<header><h1>Ganglion run report: {}</h1><p>{}</p></header>\n<main>\n", html_escape(name),
                      html_escape(fs::absolute(dir).lexically_normal().string()));
  html += "<pre id=\"report-errors\"></pre>\n";

  html += "<section id=\"summary\"><h2>Summary</h2>\n";
  if (rows.empty()) html += "<p class=\"note\">stats.jsonl holds no generations yet.</p>\n";
  html += "<table class=\"summary\">\n";
  for (const auto& [k, v] : summary)
    html += fmt::format("<tr><td>{}</td><td>{}</td></tr>\n", html_escape(k), html_escape(v));
  html += "</table></section>\n";

  struct Plot {
    const char* id;
    const char* title;
    const char* note;
  };
  const Plot plots[] = {
      {"plot-fitness", "Fitness", "Best, mean and median fitness of each generation, and the best so far."},
      {"plot-species-fitness", "Best fitness per species", "One line per species, from its first to its last generation."},
      {"plot-species-sizes", "Species sizes", "Genomes per species, stacked: the top edge is the population size."},
      {"plot-network-size", "Network size",
       "Nodes (hidden + output) and enabled connections: population mean, and of each generation's best."},
      {"plot-time", "Time per generation", "Seconds per generation by phase, stacked; \"other\" is the rest of the total."},
      {"plot-species-count", "Species count", "Number of species and the compatibility threshold."},
  };
  html += "<div class=\"grid\">\n";
  for (const Plot& p : plots)
    html += fmt::format("<section><h2>{}</h2><p class=\"note\">{}</p><div class=\"plot\" id=\"{}\"></div></section>\n",
                        p.title, p.note, p.id);
  html += "</div>\n";

  html += "<section id=\"network\"><h2>Best network</h2>\n";
  if (best) {
    NetworkDrawing drawing = draw_network(*best, options);
    html += fmt::format("<p class=\"note\">{}</p>\n<div class=\"network\">{}</div>\n", html_escape(drawing.note), drawing.svg);
  } else {
    html += "<p class=\"note\">best_genome.json is missing from the run folder.</p>\n";
  }
  html += "</section>\n";

  html += "<section id=\"config\"><h2>Config</h2>\n";
  if (have_config) html += fmt::format("<pre class=\"config\">{}</pre>\n", html_escape(config_text));
  else html += "<p class=\"note\">config.yaml is missing from the run folder.</p>\n";
  html += "</section>\n</main>\n";

  html += "<script id=\"run-data\" type=\"application/json\">";
  html += script_safe_json(Json(rows));
  html += "</script>\n<script>\n";
  html += assets.uplot_js;
  html += "\n</script>\n<script>\n";
  html += assets.report_js;
  html += "\n</script>\n</body>\n</html>\n";
  return html;
}

std::string write_report(const std::string& run_dir, const ReportOptions& options) {
  std::string html = render_report(run_dir, options);
  fs::path path = fs::path(run_dir) / "report.html";
  fs::path tmp = path;
  tmp += ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary);
    out << html;
    if (!out) throw CheckpointError(fmt::format("{}: cannot write the report", tmp.string()));
  }
  fs::rename(tmp, path);
  return path.string();
}

}  // namespace ganglion
