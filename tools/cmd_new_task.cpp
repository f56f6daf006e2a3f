// `ganglion new-task NAME --kind data|control|host [--out DIR]`: writes a task plug-in folder that
// builds outside Ganglion's tree against the installed package (find_package(Ganglion) only) and
// runs with `ganglion run config.yaml`: CMakeLists.txt, NAME.cpp (a working minimal task of the
// kind), README.md and config.yaml. The files come from the templates in tools/new_task/, which
// the build embeds (tools/new_task/templates.hpp); docs/tasks.md describes the result.
#include <cctype>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "core/error.hpp"
#include "tools/command.hpp"
#include "tools/new_task/templates.hpp"

namespace ganglion::cli {
namespace {

namespace fs = std::filesystem;

// What differs between kinds, apart from the source template.
struct Kind {
  const char* name;
  const char* source;  // template of NAME.cpp
  const char* inputs;
  const char* outputs;
  const char* task_keys;  // config.yaml's task keys after plugin and name
  const char* summary;    // README.md's second paragraph
};

const Kind kKinds[] = {
    {"data", "data_task.cpp.in", "2", "1", "  loss: mse                    # mse | sse | mae | rmse | bce\n  solve_loss: 0.001",
     "Every network is activated on every row of a table (here `y = x0 * x1` on a 3 x 3 grid) in\n"
     "one batch, and the loss of its outputs against the targets becomes its fitness\n"
     "(`ganglion::DataTask`)."},
    {"control", "control_task.cpp.in", "2", "1", "  max_steps: 200\n  episodes: 4",
     "An environment written once as `GANGLION_HD` functions (here a cart that should come to rest at\n"
     "0); `ganglion::ControlTask` plays every network's episodes, one batched activation per time\n"
     "step. On `backend: cuda` a plug-in's episodes still step from the host: the fused GPU episode\n"
     "runner is for environments built into Ganglion (Ganglion's docs/tasks.md says why)."},
    {"host", "host_task.cpp.in", "1", "1", "  steps: 20",
     "Your own C++ loop (here: steer a point on a line to 0) asks for every network's outputs once\n"
     "per step through `HostBatch::step`, one batched activation (`ganglion::HostTask`)."},
};

std::string_view template_text(std::string_view name) {
  for (const TemplateFile& f : new_task_templates())
    if (f.name == name) return f.text;
  throw Error(fmt::format("new-task: template {} is missing from this build", name));  // a build error, not input
}

std::string fill(std::string_view text, const std::map<std::string, std::string>& values) {
  std::string out(text);
  for (const auto& [key, value] : values) {
    const std::string placeholder = "@" + key + "@";
    for (size_t at = out.find(placeholder); at != std::string::npos; at = out.find(placeholder, at + value.size()))
      out.replace(at, placeholder.size(), value);
  }
  return out;
}

// The name becomes the task's name, the library's (libNAME.so) and the CMake project's.
void check_name(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 64 && (std::islower(static_cast<unsigned char>(name[0])) || name[0] == '_');
  for (char c : name)
    ok = ok && (std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_');
  if (!ok)
    throw Error(fmt::format("new-task: '{}' is not a task name: use lower-case letters, digits and '_', starting "
                            "with a letter or '_' (at most 64), e.g. my_task",
                            name));
}

struct NewTaskArgs {
  std::string name;
  std::string kind;
  std::string out;
};

int run_new_task(const NewTaskArgs& args) {
  check_name(args.name);
  const Kind* kind = nullptr;
  for (const Kind& k : kKinds)
    if (args.kind == k.name) kind = &k;
  if (!kind) throw Error(fmt::format("new-task: --kind {}: not a kind (valid: data, control, host)", args.kind));
  const fs::path dir = args.out.empty() ? fs::path(args.name) : fs::path(args.out);
  std::error_code ec;
  if (fs::exists(dir, ec) && !(fs::is_directory(dir, ec) && fs::is_empty(dir, ec)))
    throw Error(fmt::format("new-task: {} exists and is not an empty folder; nothing was written (give another "
                            "--out, or remove it)",
                            dir.string()));
  const std::map<std::string, std::string> values = {
      {"NAME", args.name},         {"KIND", kind->name},          {"NUM_INPUTS", kind->inputs},
      {"NUM_OUTPUTS", kind->outputs}, {"TASK_KEYS", kind->task_keys}, {"KIND_SUMMARY", kind->summary},
      {"GANGLION_VERSION", GANGLION_VERSION}};
  const std::vector<std::pair<std::string, std::string_view>> files = {
      {"CMakeLists.txt", template_text("CMakeLists.txt.in")},
      {args.name + ".cpp", template_text(kind->source)},
      {"README.md", template_text("README.md.in")},
      {"config.yaml", template_text("config.yaml.in")}};
  fs::create_directories(dir, ec);
  if (ec) throw Error(fmt::format("new-task: cannot create {}: {}", dir.string(), ec.message()));
  for (const auto& [file, text] : files) {
    const fs::path path = dir / file;
    std::ofstream out(path, std::ios::binary);
    out << fill(text, values);
    out.close();
    if (!out) throw Error(fmt::format("new-task: cannot write {}", path.string()));
  }
  std::cout << fmt::format(
      "wrote {0}/ ({1} task '{2}'): CMakeLists.txt, {2}.cpp, README.md, config.yaml\n"
      "build and run it:\n"
      "  cd {0}\n"
      "  cmake -S . -B build -DCMAKE_PREFIX_PATH=<Ganglion's install prefix>\n"
      "  cmake --build build\n"
      "  ganglion run config.yaml\n",
      dir.string(), kind->name, args.name);
  return kExitOk;
}

GANGLION_COMMAND(
    "new-task", "Write a task plug-in folder (data, control or host task) that builds against the installed Ganglion",
    [](CLI::App& app) -> std::function<int()> {
      auto args = std::make_shared<NewTaskArgs>();
      app.add_option("name", args->name, "Task name: lower-case letters, digits and '_' (also the library's name)")
          ->required();
      app.add_option("-k,--kind", args->kind,
                     "data: fit a table (DataTask); control: an environment of GANGLION_HD functions "
                     "(ControlTask); host: your own C++ loop (HostTask)")
          ->required()
          ->check(CLI::IsMember({"data", "control", "host"}));
      app.add_option("-o,--out", args->out, "Folder to write (must not exist or be empty; default: ./NAME)");
      return [args] { return run_new_task(*args); };
    });

}  // namespace
}  // namespace ganglion::cli
