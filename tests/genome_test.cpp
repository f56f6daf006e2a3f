// Genomes: helpers, JSON round trips (strings and files), and every kind of bad input proven to
// end in a GenomeError that names the file, the genome and the gene -- including randomly
// damaged files, which must never crash or throw anything else.
#include <doctest/doctest.h>

#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <optional>

#include <unistd.h>

#include "core/error.hpp"
#include "core/genome/genome.hpp"
#include "tests/random_genome.hpp"

using namespace ganglion;
using namespace ganglion::testing;

namespace {

Genome small_genome() {
  Genome g;
  g.id = 12;
  g.fitness = 3.5;
  NodeGene a;
  a.id = -1;
  a.kind = NodeKind::Input;
  NodeGene b;
  b.id = -2;
  b.kind = NodeKind::Bias;
  NodeGene o;
  o.id = 0;
  o.kind = NodeKind::Output;
  o.activation = Activation::Tanh;
  o.aggregation = Aggregation::Max;
  o.bias = 0.25f;
  o.response = 1.5f;
  NodeGene h;
  h.id = 4;
  h.kind = NodeKind::Hidden;
  g.nodes = {o, h, a, b};
  g.connections = {{7, 4, 0, -0.5f, true}, {3, -1, 4, 1.25f, false}, {5, -2, 0, 2.0f, true}};
  g.sort();
  return g;
}

// The message of the GenomeError that genome_from_json throws for `text` ("" when none).
std::string load_error(const std::string& text, const std::string& origin = "test.json") {
  try {
    genome_from_json(text, origin);
  } catch (const GenomeError& e) {
    return e.what();
  }
  return "";
}

bool has(const std::string& msg, const std::string& part) {
  if (msg.find(part) != std::string::npos) return true;
  MESSAGE("message \"" << msg << "\" lacks \"" << part << "\"");
  return false;
}

std::string temp_path(const std::string& name) {
  return (std::filesystem::temp_directory_path() / ("ganglion-genome-test-" + std::to_string(::getpid()) + "-" + name))
      .string();
}

const char* kValid = R"({
  "format_version": 1, "id": 9, "fitness": 1.5,
  "nodes": [
    {"id": -1, "kind": "input", "activation": "identity", "aggregation": "sum", "bias": 0, "response": 1},
    {"id": 0, "kind": "output", "activation": "sigmoid", "aggregation": "sum", "bias": 0.5, "response": 1},
    {"id": 3, "kind": "hidden", "activation": "relu", "aggregation": "max", "bias": 0, "response": 1}
  ],
  "connections": [
    {"innovation": 1, "source": -1, "target": 3, "weight": 0.5, "enabled": true},
    {"innovation": 2, "source": 3, "target": 0, "weight": -1.5, "enabled": false}
  ]
})";

// kValid with the first occurrence of `from` replaced by `to`.
std::string variant(const std::string& from, const std::string& to) {
  std::string s = kValid;
  size_t at = s.find(from);
  REQUIRE(at != std::string::npos);
  return s.replace(at, from.size(), to);
}

}  // namespace

TEST_CASE("genome: sort, find_node, count") {
  Genome g = small_genome();
  CHECK(g.nodes.front().id == -2);
  CHECK(g.nodes.back().id == 4);
  CHECK(g.connections.front().innovation == 3);
  REQUIRE(g.find_node(0) != nullptr);
  CHECK(g.find_node(0)->activation == Activation::Tanh);
  CHECK(g.find_node(1) == nullptr);
  CHECK(g.find_node(-3) == nullptr);
  CHECK(g.count(NodeKind::Input) == 1);
  CHECK(g.count(NodeKind::Bias) == 1);
  CHECK(g.count(NodeKind::Hidden) == 1);
  CHECK(g.count(NodeKind::Output) == 1);
  CHECK(g.enabled_connections() == 2);
  CHECK(node_kind_name(NodeKind::Bias) == "bias");
  CHECK_NOTHROW(validate_genome(g, "x"));
}

TEST_CASE("genome: JSON round trip, strings and files") {
  Genome g = small_genome();
  std::string text = genome_to_json(g);
  CHECK(text.find("\"format_version\": 1") != std::string::npos);
  Genome back = genome_from_json(text);
  CHECK(back == g);
  CHECK(back.fitness == g.fitness);

  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  Rng pick(seed);
  for (int i = 0; i < 200; ++i) {
    RandomGenomeOptions o;
    o.seed = seed;
    o.hidden = uint32_t(pick.below(30));
    o.num_bias = uint32_t(pick.below(2));
    o.recurrent = pick.chance(0.5);
    o.activations = all_activations();
    o.aggregations = all_aggregations();
    Genome r = random_genome(o, uint64_t(i) * 1000003u);
    r.fitness = pick.normal();
    Genome rb = genome_from_json(genome_to_json(r, pick.chance(0.5) ? -1 : 2));
    CHECK(rb == r);
    CHECK(rb.fitness == r.fitness);
  }

  std::string path = temp_path("roundtrip.json");
  save_genome(g, path);
  CHECK(load_genome(path) == g);
  std::remove(path.c_str());
}

TEST_CASE("genome: a champion's re-test rides beside the genome (best_genome.json's \"retest\")") {
  const Genome g = small_genome();
  const GenomeRetest t{100, 487.25, 12};
  const std::string text = genome_to_json(g, 2, &t);
  std::optional<GenomeRetest> back;
  CHECK(genome_from_json(text, "best.json", &back) == g);
  REQUIRE(back);
  CHECK(*back == t);
  CHECK(genome_from_json(genome_to_json(g), "plain.json", &back) == g);
  CHECK(!back);  // a file without one leaves it empty
  CHECK(genome_from_json(text) == g);  // readers that do not ask still load the genome
  const std::string path = temp_path("retest.json");
  save_genome(g, path, &t);
  CHECK(load_genome(path, &back) == g);
  CHECK(back == std::optional<GenomeRetest>(t));
  std::remove(path.c_str());

  std::string bad = text;
  bad.replace(bad.find("\"episodes\""), 10, "\"episode\"");
  CHECK_THROWS_WITH_AS(genome_from_json(bad, "best.json"), doctest::Contains("best.json: \"retest\": unknown key \"episode\""),
                       GenomeError);
  std::string neg = text;
  neg.replace(neg.find("\"episodes\": 100"), 15, "\"episodes\": -1");
  CHECK_THROWS_WITH_AS(genome_from_json(neg, "best.json"), doctest::Contains("episodes"), GenomeError);
}

TEST_CASE("genome: a valid file with defaults for optional fields") {
  Genome g = genome_from_json(kValid);
  CHECK(g.id == 9);
  CHECK(g.nodes.size() == 3);
  CHECK_FALSE(g.connections[1].enabled);
  Genome d = genome_from_json(R"({"format_version": 1, "id": 1, "nodes": [{"id": 0, "kind": "output"}, {"id": -1, "kind": "input"}],
                                  "connections": []})");
  CHECK(d.nodes[1].activation == Activation::Sigmoid);
  CHECK(d.nodes[1].aggregation == Aggregation::Sum);
  CHECK(d.nodes[1].response == 1.0f);
  CHECK_FALSE(d.evaluated);
}

TEST_CASE("genome: bad input is a GenomeError naming the place") {
  // Malformed JSON names the origin.
  CHECK(has(load_error("{\"format_version\": 1, ", "pop/g1.json"), "pop/g1.json"));
  CHECK(has(load_error("", "empty.json"), "empty.json: not valid JSON"));
  CHECK(has(load_error("[1, 2]"), "must be a JSON object"));
  // Format version.
  CHECK(has(load_error(variant("\"format_version\": 1", "\"format_version\": 2")), "format_version 2 is not supported"));
  CHECK(has(load_error(variant("\"format_version\": 1,", "")), "missing field \"format_version\""));
  // Ids, types, ranges.
  CHECK(has(load_error(variant("\"id\": 9", "\"id\": -9")), "field \"id\" must be an integer"));
  CHECK(has(load_error(variant("\"id\": 3,", "\"id\": 1.5,")), "genome 9, nodes[2]: field \"id\" must be an integer"));
  CHECK(has(load_error(variant("\"id\": 3,", "\"id\": 4294967296,")), "must be an integer in [-2147483648, 2147483647]"));
  CHECK(has(load_error(variant("\"id\": 3,", "\"id\": \"3\",")), "field \"id\" must be an integer"));
  CHECK(has(load_error(R"({"format_version": 1, "id": 9, "nodes": 5, "connections": []})"),
            "field \"nodes\" must be an array"));
  CHECK(has(load_error(variant("\"kind\": \"hidden\"", "\"kind\": \"hiden\"")),
            "genome 9, node 3: unknown node kind \"hiden\" (valid: input, bias, hidden, output)"));
  CHECK(has(load_error(variant("\"relu\"", "\"rel\"")), "node 3: unknown activation \"rel\" (valid: sigmoid,"));
  CHECK(has(load_error(variant("\"max\"", "\"maximum\"")), "node 3: unknown aggregation \"maximum\""));
  CHECK(has(load_error(variant("\"enabled\": true", "\"enabled\": 1")), "connection 1: field \"enabled\" must be true or false"));
  CHECK(has(load_error(variant("\"weight\": 0.5", "\"weight\": \"0.5\"")), "connection 1: field \"weight\" must be a finite number"));
  CHECK(has(load_error(variant(", \"weight\": 0.5", "")), "connection 1: missing field \"weight\""));
  // Non-finite numbers: JSON has no NaN literal; overflowing literals and null are rejected.
  CHECK(has(load_error(variant("\"weight\": 0.5", "\"weight\": 1e999")), "test.json: not valid JSON: [json.exception.out_of_range.406] number overflow"));
  CHECK(has(load_error(variant("\"weight\": 0.5", "\"weight\": 1e39")), "must be a finite float"));
  CHECK(has(load_error(variant("\"weight\": 0.5", "\"weight\": null")), "must be a finite number"));
  CHECK(has(load_error(variant("\"bias\": 0.5", "\"bias\": -1e40")), "node 0: field \"bias\" must be a finite float"));
  CHECK(has(load_error(variant("\"response\": 1}", "\"response\": NaN}")), "not valid JSON"));
  // Graph errors.
  CHECK(has(load_error(variant("\"id\": 3,", "\"id\": 0,")), "test.json: genome 9: duplicate node id 0"));
  CHECK(has(load_error(variant("\"target\": 3", "\"target\": 8")),
            "genome 9, connection 1 (-1 -> 8): target node 8 does not exist"));
  CHECK(has(load_error(variant("\"source\": 3", "\"source\": 8")), "connection 2 (8 -> 0): source node 8 does not exist"));
  CHECK(has(load_error(variant("\"target\": 3", "\"target\": -1")), "connection 1 (-1 -> -1): target node -1 is an input node"));
  CHECK(has(load_error(R"({"format_version": 1, "id": 4, "nodes": [{"id": 0, "kind": "input"}, {"id": 1, "kind": "bias"}, {"id": 2, "kind": "output"}],
                            "connections": [{"innovation": 8, "source": 2, "target": 1, "weight": 1}]})"),
            "genome 4, connection 8 (2 -> 1): target node 1 is an bias node"));
}

TEST_CASE("genome: the loader is strict: duplicate and unknown keys, duplicate edges and innovations, no inputs or outputs") {
  // Duplicate keys, at every level, named by their path (JSON keeps the last one silently).
  CHECK(load_error(variant("\"id\": 9,", "\"id\": 9, \"id\": 10,")) ==
        "test.json: the top level: duplicate key \"id\" (each key may appear once in an object)");
  CHECK(load_error(variant("\"bias\": 0.5,", "\"bias\": 0.5, \"bias\": 7,")) ==
        "test.json: nodes[1]: duplicate key \"bias\" (each key may appear once in an object)");
  CHECK(has(load_error(variant("\"weight\": -1.5,", "\"weight\": -1.5, \"weight\": 2,")),
            "test.json: connections[1]: duplicate key \"weight\""));
  // Equal keys in different objects are fine (every node has an "id").
  CHECK(load_error(kValid) == "");
  // Unknown keys: a typo or another format, with the valid keys.
  CHECK(load_error(variant("\"fitness\": 1.5", "\"fitnes\": 1.5")) ==
        "test.json: the top level: unknown key \"fitnes\" (valid: format_version, id, fitness, nodes, connections, retest)");
  CHECK(load_error(variant("\"response\": 1}", "\"response\": 1, \"colour\": \"red\"}")) ==
        "test.json: genome 9, nodes[0]: unknown key \"colour\" (valid: id, kind, activation, aggregation, bias, "
        "response)");
  CHECK(has(load_error(variant("\"enabled\": true", "\"enable\": true")),
            "genome 9, connections[0]: unknown key \"enable\" (valid: innovation, source, target, weight, enabled)"));
  // Two genes for one edge, whatever their innovation numbers.
  CHECK(load_error(variant("{\"innovation\": 2, \"source\": 3, \"target\": 0",
                           "{\"innovation\": 5, \"source\": -1, \"target\": 3, \"weight\": 1}, "
                           "{\"innovation\": 2, \"source\": 3, \"target\": 0")) ==
        "test.json: genome 9, connection 5 (-1 -> 3): duplicates connection 1 (-1 -> 3); each (source, target) pair "
        "may appear once");
  // One innovation number on two different edges.
  CHECK(load_error(variant("{\"innovation\": 2,", "{\"innovation\": 1,")) ==
        "test.json: genome 9: innovation number 1 is on two edges, -1 -> 3 and 3 -> 0; an innovation number names one "
        "edge");
  // A genome needs an input and an output.
  CHECK(load_error(R"({"format_version": 1, "id": 2, "nodes": [{"id": 0, "kind": "output"}], "connections": []})") ==
        "test.json: genome 2: no input node; a genome needs at least one input and one output node");
  CHECK(load_error(R"({"format_version": 1, "id": 2, "nodes": [{"id": 0, "kind": "input"}, {"id": 1, "kind": "bias"}],
                       "connections": []})") ==
        "test.json: genome 2: no output node; a genome needs at least one input and one output node");
  CHECK(has(load_error(R"({"format_version": 1, "id": 2, "nodes": [], "connections": []})"), "genome 2: no input node"));
}

TEST_CASE("genome: every genome file the project ships or writes loads") {
  // best_genome.json of the reference runs and of the format-1 checkpoints, and the export inputs.
  const std::filesystem::path data = std::filesystem::path(std::getenv("GANGLION_SOURCE_DIR") ? std::getenv("GANGLION_SOURCE_DIR") : ".") / "tests/data";
  size_t loaded = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(data)) {
    if (e.path().extension() != ".json" || e.path().filename().string().find("genome") == std::string::npos) continue;
    CAPTURE(e.path().string());
    CHECK_NOTHROW(load_genome(e.path().string()));
    ++loaded;
  }
  CHECK(loaded >= 20);
}

TEST_CASE("genome: validate_genome catches what only code can produce") {
  Genome g = small_genome();
  Genome bad = g;
  bad.connections[0].weight = std::numeric_limits<float>::quiet_NaN();
  CHECK_THROWS_AS(validate_genome(bad, "mem"), GenomeError);
  CHECK_THROWS_WITH(validate_genome(bad, "mem"), doctest::Contains("mem: genome 12, connection 3 (-1 -> 4): weight is not finite"));
  bad = g;
  bad.nodes[2].bias = std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(validate_genome(bad, "mem"), doctest::Contains("genome 12, node 0: bias is not finite"));
  bad = g;
  bad.nodes[2].response = -std::numeric_limits<float>::infinity();
  CHECK_THROWS_WITH(validate_genome(bad, "mem"), doctest::Contains("node 0: response is not finite"));
  bad = g;
  bad.nodes[2].activation = static_cast<Activation>(200);
  CHECK_THROWS_WITH(validate_genome(bad, "mem"), doctest::Contains("node 0: invalid activation"));
  bad = g;
  bad.nodes[2].aggregation = static_cast<Aggregation>(99);
  CHECK_THROWS_WITH(validate_genome(bad, "mem"), doctest::Contains("node 0: invalid aggregation"));
  // Saving refuses what would not load back.
  bad = g;
  bad.connections[1].weight = std::numeric_limits<float>::infinity();
  CHECK_THROWS_AS(genome_to_json(bad), GenomeError);
}

TEST_CASE("genome: files that cannot be read") {
  std::string missing = temp_path("does-not-exist.json");
  const std::string missing_msg = missing + ": no such file (expected a genome file)";
  CHECK_THROWS_WITH(load_genome(missing), doctest::Contains(missing_msg.c_str()));
  std::string path = temp_path("truncated.json");
  {
    std::ofstream out(path);
    out << std::string(kValid).substr(0, 200);
  }
  const std::string bad_msg = path + ": not valid JSON";
  CHECK_THROWS_WITH(load_genome(path), doctest::Contains(bad_msg.c_str()));
  std::remove(path.c_str());
  CHECK_THROWS_AS(save_genome(small_genome(), "/nonexistent-dir/x/y.json"), GenomeError);
}

TEST_CASE("genome: randomly damaged files never crash") {
  const uint64_t seed = test_seed();
  MESSAGE("seed " << seed << " (replay with GANGLION_TEST_SEED=" << seed << ")");
  Rng rng(seed);
  const std::string base = genome_to_json(small_genome());
  const char* pieces[] = {"{", "}", "[", "]", ",", ":", "\"", "-", "1e999", "null", "true", "\"id\"",
                          "\"kind\"", "0", "-1", "4", "\"hidden\"", "\"input\"", "9999999999999", "1.5"};
  int parsed = 0, errors = 0;
  for (int i = 0; i < 3000; ++i) {
    std::string s = base;
    int edits = 1 + int(rng.below(4));
    for (int e = 0; e < edits; ++e) {
      size_t at = rng.below(s.size() + 1);
      switch (rng.below(4)) {
        case 0: s.erase(at, rng.below(8)); break;
        case 1: s.insert(at, pieces[rng.below(sizeof(pieces) / sizeof(pieces[0]))]); break;
        case 2: if (at < s.size()) s[at] = char(rng.below(128)); break;
        default: s = s.substr(0, at); break;
      }
    }
    try {
      Genome g = genome_from_json(s, "damaged.json");
      validate_genome(g, "damaged.json");  // whatever loads is valid
      ++parsed;
    } catch (const GenomeError& e) {
      CHECK(std::string(e.what()).rfind("damaged.json", 0) == 0);
      ++errors;
    } catch (const std::exception& e) {
      FAIL("not a GenomeError: " << std::string(e.what()) << " for input: " << s);
    }
  }
  MESSAGE(parsed << " damaged files still loaded, " << errors << " were rejected");
  CHECK(errors > 0);
}
