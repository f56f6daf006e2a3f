#include "core/io/read_file.hpp"
#include "evolution/report/report.hpp"

#include <cstdlib>
#include <filesystem>
#include <optional>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>
#include <yaml-cpp/yaml.h>

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

// events.jsonl (evolution/run_folder.hpp): the run's starts, resumes and stops. Lines that are
// not JSON objects with an "event" (a truncated last line) are skipped: the page is only a view.
std::vector<Json> read_events(const fs::path& path) {
  std::vector<Json> events;
  std::string text, problem;
  if (!fs::exists(path) || !read_regular_file(path.string(), "events.jsonl", text, problem)) return events;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    Json e = Json::parse(line, nullptr, false);
    if (e.is_object() && e.contains("event") && e["event"].is_string()) events.push_back(std::move(e));
  }
  return events;
}

// A config.yaml value as text ("" when absent); the report reads the file loosely, so that a
// hand-edited or older folder still gets its page.
std::string yaml_text(const YAML::Node& root, std::initializer_list<const char*> path) {
  try {
    YAML::Node n = YAML::Clone(root);
    for (const char* key : path) {
      if (!n.IsMap() || !n[key]) return "";
      n = n[key];
    }
    if (n.IsNull()) return "none";
    return n.IsScalar() ? n.Scalar() : "";
  } catch (const YAML::Exception&) {
    return "";
  }
}

std::string event_text(const Json& e, const char* key) {
  return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
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
  YAML::Node config;
  if (have_config) {
    try {
      config = YAML::Load(config_text);
    } catch (const YAML::Exception& e) {
      spdlog::warn("{}: not readable YAML ({}); the summary leaves out its keys", (dir / "config.yaml").string(), e.what());
    }
  }
  const std::vector<Json> events = read_events(dir / "events.jsonl");
  const bool live = options.refresh_seconds > 0.0;

  std::optional<Genome> best;
  if (fs::exists(dir / "best_genome.json")) best = load_genome((dir / "best_genome.json").string());

  std::string name = fs::absolute(dir).lexically_normal().filename().string();
  if (name.empty()) name = fs::absolute(dir).lexically_normal().parent_path().filename().string();

  // The run: from config.yaml, and from events.jsonl what only the running session knew (the
  // backend `auto` chose, the task's own solve criterion, resumes, why it stopped).
  const Json* last_session = nullptr;
  const Json* stop = nullptr;
  std::vector<int64_t> resumes;
  for (const Json& e : events) {
    const std::string kind = event_text(e, "event");
    if (kind == "start" || kind == "resume") {
      last_session = &e;
      stop = nullptr;
      if (kind == "resume" && e.contains("generation") && e["generation"].is_number_integer())
        resumes.push_back(e["generation"].get<int64_t>());
    } else if (kind == "stop") {
      stop = &e;
    }
  }
  auto or_dash = [](const std::string& s) { return s.empty() ? std::string("–") : s; };
  std::vector<std::pair<std::string, std::string>> summary;
  {
    std::string task = last_session ? event_text(*last_session, "task") : "";
    if (task.empty()) task = yaml_text(config, {"task", "name"});
    const std::string plugin = yaml_text(config, {"task", "plugin"});
    if (!plugin.empty() && plugin != "none") task += " (plug-in " + plugin + ")";
    summary.push_back({"task", or_dash(task)});
    summary.push_back({"seed", or_dash(yaml_text(config, {"seed"}))});
    const std::string configured = yaml_text(config, {"backend"});
    std::string backend = last_session ? event_text(*last_session, "backend") : "";
    if (backend.empty()) backend = configured;
    else if (!configured.empty() && configured != backend) backend += " (config: " + configured + ")";
    summary.push_back({"backend", or_dash(backend)});
    summary.push_back({"population", or_dash(yaml_text(config, {"population_size"}))});
    std::string criterion;
    if (last_session) {
      criterion = event_text(*last_session, "solve_criterion");
      if (criterion.empty()) criterion = "the task's own (the task does not describe it)";
    } else {
      criterion = "not recorded (no events.jsonl in the run folder)";
    }
    const std::string when_solved = yaml_text(config, {"run", "stop_when_solved"});
    if (when_solved == "false") criterion += "; run.stop_when_solved: false (the run goes on when solved)";
    summary.push_back({"solve criterion", criterion});
    const std::string threshold = yaml_text(config, {"run", "fitness_threshold"});
    const std::string direction = yaml_text(config, {"run", "fitness_criterion"});
    summary.push_back({"fitness threshold", threshold.empty() || threshold == "none" || threshold == "~"
                                                ? std::string("none")
                                                : threshold + (direction == "min" ? " (stops at or below)" : " (stops at or above)")});
    summary.push_back({"generation limit", or_dash(yaml_text(config, {"run", "generations"}))});
    std::string stopped;
    if (stop) {
      stopped = or_dash(event_text(*stop, "reason"));
      if (stop->contains("generations") && (*stop)["generations"].is_number_integer())
        stopped += fmt::format(" after {} generation(s)", (*stop)["generations"].get<int64_t>());
    } else if (last_session) {
      stopped = live ? "running" : "none recorded: the run was going on when this page was written, or ended without a stop (killed, or its task failed)";
    } else if (!rows.empty()) {
      // A folder from before events.jsonl: what stats.jsonl and config.yaml show.
      const Json& last = rows.back();
      const std::string limit = yaml_text(config, {"run", "generations"});
      const std::string threshold = yaml_text(config, {"run", "fitness_threshold"});
      bool reached = false;  // a generation that solved may have met the threshold rather than the task
      if (!threshold.empty() && threshold != "none" && threshold != "~" && last.contains("best_fitness") &&
          last["best_fitness"].is_number()) {
        char* end = nullptr;
        const double t = std::strtod(threshold.c_str(), &end);
        const double b = last["best_fitness"].get<double>();
        reached = end && *end == '\0' && (yaml_text(config, {"run", "fitness_criterion"}) == "min" ? b <= t : b >= t);
      }
      if (last.contains("solved") && last["solved"].is_boolean() && last["solved"].get<bool>())
        stopped = std::string(reached ? "fitness threshold reached" : "solved") +
                  " (from stats.jsonl; no events.jsonl in the run folder)";
      else if (!limit.empty() && std::to_string(last["generation"].get<int64_t>() + 1) == limit)
        stopped = "generation limit reached (from stats.jsonl; no events.jsonl in the run folder)";
      else
        stopped = "unknown (no events.jsonl in the run folder)";
    }
    summary.push_back({"stop reason", or_dash(stopped)});
    std::string resumed = "none";
    if (!resumes.empty()) resumed = fmt::format("{} (at generation {})", resumes.size(), fmt::join(resumes, ", "));
    summary.push_back({"resumed", resumed});
  }
  if (!rows.empty()) {
    const Json& last = rows.back();
    double total_time = 0.0;
    for (const Json& r : rows)
      if (r.contains("time_total") && r["time_total"].is_number()) total_time += r["time_total"].get<double>();
    auto get = [&](const char* key) { return last.contains(key) ? fmt_number(last[key]) : std::string("–"); };
    summary.push_back({"generations", fmt::format("{}", rows.size())});
    summary.push_back({"last generation", get("generation")});
    summary.push_back({"evaluations", get("evaluations")});
    summary.push_back({"best fitness ever", get("best_ever_fitness")});
    if (last.contains("best_loss")) summary.push_back({"best loss (last generation)", get("best_loss")});
    if (last.contains("best_accuracy")) summary.push_back({"best accuracy (last generation)", get("best_accuracy")});
    summary.push_back({"solved", get("solved")});
    summary.push_back({"species (last generation)", get("species_count")});
    const double per = total_time / double(rows.size());
    summary.push_back({"time", per >= 0.1 ? fmt::format("{:.2f} s ({:.3f} s per generation)", total_time, per)
                               : per >= 1e-4 ? fmt::format("{:.3f} s ({:.3f} ms per generation)", total_time, per * 1e3)
                                             : fmt::format("{:.4f} s ({:.1f} µs per generation)", total_time, per * 1e6)});
  }
  if (best) {
    summary.push_back({"best genome", fmt::format("id {}, fitness {:.6g}, {} hidden + {} output nodes, {} of {} "
                                                  "connections enabled",
                                                  best->id, best->fitness, best->count(NodeKind::Hidden),
                                                  best->count(NodeKind::Output), best->enabled_connections(),
                                                  best->connections.size())});
  }
  // What the page's script needs besides the stats rows.
  Json meta = {{"resumes", resumes},
               {"refresh_seconds", live ? options.refresh_seconds : 0.0},
               {"fitness_criterion", yaml_text(config, {"run", "fitness_criterion"})}};
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
  if (live)
    html += fmt::format("<p id=\"live\" class=\"live\">The run is going on: this page is rewritten while it runs and "
                        "reloads itself every {:g} s (the newest generation shows on the next write).</p>\n",
                        options.refresh_seconds);

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
      {"plot-loss", "Loss and accuracy",
       "Loss (left axis) and accuracy (right axis) of each generation's best genome, as the data task reports them."},
      {"plot-species-fitness", "Best fitness per species",
       "The largest species (by their most genomes in any generation), one line each from first to last generation; "
       "\"the rest\" is the best of all other species."},
      {"plot-species-sizes", "Species sizes",
       "Genomes of the largest species, stacked, and of all the rest together: the top edge is the population size."},
      {"plot-network-size", "Network size",
       "Nodes (hidden + output) and enabled connections: population mean, and of each generation's best."},
      {"plot-time", "Time per generation", "Seconds per generation by phase, stacked; \"other\" is the rest of the total."},
      {"plot-species-count", "Species count", "Number of species and the compatibility threshold."},
  };
  bool have_metrics = false;
  for (const Json& r : rows) have_metrics = have_metrics || r.contains("best_loss") || r.contains("best_accuracy");
  html += "<div class=\"controls\"><label><input type=\"checkbox\" id=\"log-scale\"> log scale for fitness and "
          "loss</label> <span class=\"note\">(symmetric log where values reach 0 or below)";
  if (!resumes.empty()) html += "; dashed grey lines: the run was resumed there";
  html += "</span></div>\n<div class=\"grid\">\n";
  for (const Plot& p : plots) {
    if (std::string(p.id) == "plot-loss" && !have_metrics) continue;  // only data tasks report them
    html += fmt::format("<section><h2>{}</h2><p class=\"note\">{}</p><div class=\"plot\" id=\"{}\"></div></section>\n",
                        p.title, p.note, p.id);
  }
  html += "</div>\n";

  html += "<section id=\"network\"><h2>Best network</h2>\n";
  if (best) {
    NetworkDrawing drawing = draw_network(*best, options);
    html += fmt::format("<p class=\"note\">{}</p>\n<div class=\"network\">{}</div>\n", html_escape(drawing.note), drawing.svg);
  } else {
    html += live ? "<p class=\"note\">best_genome.json is written when the run ends.</p>\n"
                 : "<p class=\"note\">best_genome.json is missing from the run folder.</p>\n";
  }
  html += "</section>\n";

  html += "<section id=\"config\"><h2>Config</h2>\n";
  if (have_config) html += fmt::format("<pre class=\"config\">{}</pre>\n", html_escape(config_text));
  else html += "<p class=\"note\">config.yaml is missing from the run folder.</p>\n";
  html += "</section>\n</main>\n";

  html += "<script id=\"run-data\" type=\"application/json\">";
  html += script_safe_json(Json(rows));
  html += "</script>\n<script id=\"run-meta\" type=\"application/json\">";
  html += script_safe_json(meta);
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

ReportWriter::ReportWriter(std::string run_dir, ReportOptions options, double interval_seconds)
    : run_dir_(std::move(run_dir)), options_(options), interval_(interval_seconds > 0.0 ? interval_seconds : 5.0) {
  options_.refresh_seconds = interval_;
}

void ReportWriter::on_generation(const GenerationStats&, const EvolutionState&, StopReason reason) {
  if (reason != StopReason::None) return;  // the final page is written once the run has ended
  const auto now = std::chrono::steady_clock::now();
  if (written_ && std::chrono::duration<double>(now - last_).count() < interval_) return;
  last_ = now;
  written_ = true;
  try {
    write_report(run_dir_, options_);
  } catch (const std::exception& e) {
    spdlog::warn("report: {} (the run goes on)", e.what());
  }
}

}  // namespace ganglion
