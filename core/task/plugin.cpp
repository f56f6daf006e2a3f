#include "core/task/plugin.hpp"

#include <dlfcn.h>

#include <filesystem>
#include <mutex>

#include "core/error.hpp"

namespace ganglion {

namespace {

struct Loaded {
  std::string path;  // canonical
  void* handle = nullptr;
};

std::mutex& plugins_mutex() {
  static std::mutex m;
  return m;
}

std::vector<Loaded>& plugins() {
  static std::vector<Loaded> loaded;
  return loaded;
}

std::string resolve(const std::string& path, const std::string& config_source) {
  namespace fs = std::filesystem;
  fs::path p(path);
  std::error_code ec;
  if (!p.is_absolute() && !config_source.empty()) {
    fs::path beside = fs::path(config_source).parent_path() / p;
    if (fs::exists(beside, ec)) return fs::absolute(beside, ec).lexically_normal().string();
  }
  if (fs::exists(p, ec)) return fs::absolute(p, ec).lexically_normal().string();
  return path;  // let dlopen report it
}

}  // namespace

std::vector<std::string> load_task_plugin(const std::string& path, const std::string& config_source) {
  const std::string file = resolve(path, config_source);
  const std::string where = (config_source.empty() ? std::string() : config_source + ": task.plugin: ") + "plug-in '" + path + "'";
  std::lock_guard<std::mutex> lock(plugins_mutex());
  for (const auto& p : plugins())
    if (p.path == file) return {};

  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    throw Error(where + " cannot be loaded: " + (err ? err : "unknown dlopen error") +
                (file != path ? "" : " (a relative path is looked up next to the config file, then in the working folder)"));
  }
  auto fail = [&](const std::string& why) {
    dlclose(handle);
    throw Error(where + " (" + file + ") " + why);
  };
  using AbiFn = uint32_t (*)();
  using RegisterFn = void (*)(PluginRegistrar*);
  auto abi = reinterpret_cast<AbiFn>(dlsym(handle, "ganglion_plugin_abi_version"));
  auto reg = reinterpret_cast<RegisterFn>(dlsym(handle, "ganglion_plugin_register"));
  if (!abi || !reg)
    fail("is not a Ganglion plug-in: it does not export ganglion_plugin_abi_version and ganglion_plugin_register "
         "(write GANGLION_PLUGIN(your_register_function) in one of its source files)");
  const uint32_t version = abi();
  if (version != GANGLION_PLUGIN_ABI_VERSION)
    fail("was built for plug-in ABI version " + std::to_string(version) + ", this ganglion has version " +
         std::to_string(GANGLION_PLUGIN_ABI_VERSION) + "; rebuild it against this ganglion's headers");

  // From here on the plug-in's objects (task factories, exception types) may be alive: on a
  // refusal the library stays loaded, so that destroying them never runs unloaded code.
  auto refuse = [&](const std::string& why) { throw Error(where + " (" + file + ") " + why); };
  PluginRegistrar registrar;
  std::string register_error;
  try {
    reg(&registrar);
  } catch (const std::exception& e) {
    register_error = e.what();
  } catch (...) {
    register_error = "an exception that is not a std::exception";
  }
  if (!register_error.empty()) refuse("failed while registering its tasks: " + register_error);
  if (registrar.tasks().empty()) refuse("registers no tasks");
  auto& registry = TaskRegistry::instance();
  for (size_t i = 0; i < registrar.tasks().size(); ++i) {
    const std::string& name = registrar.tasks()[i].name;
    if (name.empty()) refuse("registers a task with an empty name");
    if (registry.find(name))
      refuse("registers task '" + name + "', but a task of that name is already registered (built in or by an " +
             "earlier plug-in); give the plug-in's task another name. Nothing of this plug-in was registered");
    for (size_t j = 0; j < i; ++j)
      if (registrar.tasks()[j].name == name) refuse("registers task '" + name + "' twice");
  }
  std::vector<std::string> names;
  for (auto& info : registrar.tasks()) {
    names.push_back(info.name);
    registry.add(std::move(info));
  }
  // The library stays loaded for the life of the process: its task factories live in it.
  plugins().push_back({file, handle});
  return names;
}

std::vector<std::string> loaded_task_plugins() {
  std::lock_guard<std::mutex> lock(plugins_mutex());
  std::vector<std::string> out;
  for (const auto& p : plugins()) out.push_back(p.path);
  return out;
}

}  // namespace ganglion
