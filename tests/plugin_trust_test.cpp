// Which plug-in a run may load (core/task/plugin_trust.hpp): a run records its plug-in's hash and
// ABI version; a resume loads a plug-in only when the user names the file (which must keep the
// recorded hash) or trusts it (--trust-plugin). The rules alone, on a copy of the fixture plug-in
// that is hashed and never loaded here; then `ganglion run`, `inspect` and `resume` as a user
// calls them, with the fixture plug-in (tests/plugin_fixture).
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <string>

#include "core/config/config.hpp"
#include "core/error.hpp"
#include "core/task/plugin.hpp"
#include "core/task/plugin_trust.hpp"
#include "tests/cli_runner.hpp"

using namespace ganglion;
using namespace ganglion::testing;
namespace fs = std::filesystem;

namespace {

std::string error_of(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

Config plugin_run(const std::string& plugin) {
  Config c;
  c.task.name = "fixture_sum";
  c.task.plugin = plugin;
  return c;
}

void append_byte(const std::string& file) { std::ofstream(file, std::ios::app | std::ios::binary) << '\n'; }

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("a run records its plug-in's hash and ABI version; a recorded hash pins the file") {
  ScratchDir dir("plugin-record");
  const std::string lib = dir / "libfixture.so";
  fs::copy_file(GANGLION_FIXTURE_GOOD, lib);
  Config c = plugin_run(lib);
  record_task_plugin(c);
  CHECK(c.task.plugin_hash == plugin_file_hash(lib));
  CHECK(c.task.plugin_abi == GANGLION_PLUGIN_ABI_VERSION);
  CHECK(recorded_plugin_text(c.task) == "ABI version " + std::to_string(GANGLION_PLUGIN_ABI_VERSION) +
                                            ", content hash " + c.task.plugin_hash);
  // config.yaml carries both, so a run folder's config run again finds them.
  const Config again = parse_config(config_to_yaml(c), "config.yaml");
  CHECK(again.task.plugin_hash == c.task.plugin_hash);
  CHECK(again.task.plugin_abi == c.task.plugin_abi);

  // Run again after the file changed: refused, naming both hashes.
  append_byte(lib);
  Config rerun = again;
  const std::string msg = error_of([&] { record_task_plugin(rerun); });
  CHECK(contains(msg, "task.plugin_hash is " + c.task.plugin_hash));
  CHECK(contains(msg, "has content hash " + plugin_file_hash(lib)));

  // A run without a plug-in records nothing.
  Config builtin;
  builtin.task.plugin_hash = "0123456789abcdef";
  builtin.task.plugin_abi = 3;
  record_task_plugin(builtin);
  CHECK(builtin.task.plugin_hash.empty());
  CHECK(builtin.task.plugin_abi == 0);
  CHECK(recorded_plugin_text(builtin.task) == "no hash recorded");
}

TEST_CASE("resume loads a plug-in only when the user names it or trusts it") {
  ScratchDir dir("plugin-confirm");
  const std::string lib = dir / "libfixture.so", moved = dir / "moved.so";
  fs::copy_file(GANGLION_FIXTURE_GOOD, lib);
  Config recorded = plugin_run(lib);
  record_task_plugin(recorded);
  const std::string hash = recorded.task.plugin_hash;

  // Nothing to confirm without a plug-in.
  Config builtin;
  CHECK_NOTHROW(confirm_resumed_task_plugin(builtin.task, builtin, {}, false, "ckpt-4.gck"));

  // Unconfirmed: refused, naming the file, what was recorded and both ways to confirm.
  Config c = recorded;
  std::string msg =
      error_of([&] { confirm_resumed_task_plugin(recorded.task, c, {"run.generations=9"}, false, "ckpt-4.gck"); });
  CHECK(contains(msg, "ckpt-4.gck: this run's task comes from the plug-in " + lib));
  CHECK(contains(msg, "content hash " + hash));
  CHECK(contains(msg, "--trust-plugin"));
  CHECK(contains(msg, "--set task.plugin=" + lib));
  CHECK(contains(msg, "native code"));

  // Trusted, or named by the user (here: the same file, and a copy elsewhere): goes on.
  CHECK_NOTHROW(confirm_resumed_task_plugin(recorded.task, c, {}, true, "ckpt-4.gck"));
  CHECK_NOTHROW(confirm_resumed_task_plugin(recorded.task, c, {" task.plugin = " + lib}, false, "ckpt-4.gck"));
  fs::copy_file(lib, moved);
  c.task.plugin = moved;
  CHECK_NOTHROW(confirm_resumed_task_plugin(recorded.task, c, {"task.plugin=" + moved}, false, "ckpt-4.gck"));
  CHECK(c.task.plugin_hash == hash);

  // The named file changed: refused naming both files and hashes, unless trusted, which records
  // the new hash.
  append_byte(moved);
  const std::string changed = plugin_file_hash(moved);
  msg = error_of([&] { confirm_resumed_task_plugin(recorded.task, c, {"task.plugin=" + moved}, false, "ckpt-4.gck"); });
  CHECK(contains(msg, "the plug-in " + moved + " has content hash " + changed));
  CHECK(contains(msg, "content hash " + hash + " for " + lib));
  CHECK(contains(msg, "--trust-plugin"));
  CHECK_NOTHROW(confirm_resumed_task_plugin(recorded.task, c, {"task.plugin=" + moved}, true, "ckpt-4.gck"));
  CHECK(c.task.plugin_hash == changed);

  // A checkpoint from before hashes were recorded: naming the file confirms it, and records it.
  Config old = plugin_run(lib);
  Config resumed = old;
  CHECK_NOTHROW(confirm_resumed_task_plugin(old.task, resumed, {"task.plugin=" + lib}, false, "ckpt-2.gck"));
  CHECK(resumed.task.plugin_hash == hash);
  CHECK(contains(error_of([&] { confirm_resumed_task_plugin(old.task, old, {}, false, "ckpt-2.gck"); }),
                 "no hash recorded"));
}

TEST_CASE("ganglion inspect and resume of a plug-in run: refused unconfirmed, named or trusted it goes on") {
  if (ganglion_binary().empty() || !fs::exists(ganglion_binary())) {
    MESSAGE("skipped: GANGLION_BINARY is not set or not built");
    return;
  }
  ScratchDir dir("plugin-resume");
  const std::string lib = dir / "libfixture.so", run = dir / "run", config = dir / "fixture.yaml";
  fs::copy_file(GANGLION_FIXTURE_GOOD, lib);
  std::ofstream(config) << "name: fixture\npopulation_size: 20\nrun: {generations: 3}\n"
                           "genome: {num_inputs: 2, num_outputs: 1}\ncheckpoint: {every: 1}\n"
                           "task: {plugin: '" << lib << "', name: fixture_sum}\n";
  REQUIRE(run_ganglion("run " + config + " -q --out " + run).exit_code == 3);
  const std::string hash = plugin_file_hash(lib);
  CHECK(contains(read_text(run + "/config.yaml"), "plugin_hash: " + hash));

  auto shown = run_ganglion("inspect " + run);
  CHECK(shown.exit_code == 0);
  CHECK(contains(shown.output, "plug-in      " + lib + " (ABI version " + std::to_string(GANGLION_PLUGIN_ABI_VERSION) +
                                   ", content hash " + hash + "; the file now has the recorded hash)"));
  CHECK(contains(shown.output, "--trust-plugin"));

  // Unconfirmed: refused before anything is loaded or written.
  const std::string stats = read_text(run + "/stats.jsonl");
  auto r = run_ganglion("resume " + run + " -q --generations 5");
  CHECK(r.exit_code == 1);
  CHECK(contains(r.output, "this run's task comes from the plug-in " + lib));
  CHECK(contains(r.output, "--set task.plugin=" + lib));
  CHECK(read_text(run + "/stats.jsonl") == stats);
  CHECK(!fs::exists(run + "/checkpoints/ckpt-4.gck"));

  // Named by the user, or trusted: the run goes on.
  CHECK(run_ganglion("resume " + run + " -q --generations 5 --set task.plugin=" + lib).exit_code == 3);
  CHECK(run_ganglion("resume " + run + " -q --generations 6 --trust-plugin").exit_code == 3);
  CHECK(fs::exists(run + "/checkpoints/ckpt-6.gck"));

  // The file changed: refused even when named, naming both hashes; trusted it loads.
  append_byte(lib);
  const std::string changed = plugin_file_hash(lib);
  CHECK(contains(run_ganglion("inspect " + run).output, "content hash " + changed + ", NOT the recorded one"));
  r = run_ganglion("resume " + run + " -q --generations 7 --set task.plugin=" + lib);
  CHECK(r.exit_code == 1);
  CHECK(contains(r.output, "has content hash " + changed));
  CHECK(contains(r.output, hash));
  r = run_ganglion("resume " + run + " -q --generations 7 --trust-plugin");
  CHECK(r.exit_code == 3);
  CHECK(contains(r.output, "loading it because the plug-in is trusted"));
  CHECK(contains(read_text(run + "/config.yaml"), "plugin_hash: " + changed));
  // And running the recorded config.yaml again now needs the file it records.
  fs::copy_file(GANGLION_FIXTURE_GOOD, lib, fs::copy_options::overwrite_existing);
  r = run_ganglion("run " + run + "/config.yaml -q --out " + (dir / "rerun"));
  CHECK(r.exit_code == 1);
  CHECK(contains(r.output, "task.plugin_hash is " + changed));
}
