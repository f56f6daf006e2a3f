#include "core/task/plugin.hpp"

#include <cxxabi.h>
#include <dlfcn.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>

#include <fmt/format.h>

#include "core/error.hpp"
#include "core/io/checkpoint_io.hpp"
#include "core/io/read_file.hpp"

namespace ganglion {

namespace {

struct Loaded {
  std::string path;  // canonical
  void* handle = nullptr;
  std::string hash;  // plugin_file_hash when it was loaded
};

std::mutex& plugins_mutex() {
  static std::mutex m;
  return m;
}

std::vector<Loaded>& plugins() {
  static std::vector<Loaded> loaded;
  return loaded;
}

// dlerror's text with every C++ symbol name (an Itanium-mangled `_Z...` token) shown demangled,
// the mangled name kept in parentheses for nm and c++filt: "undefined symbol: ganglion::f(int)
// (_ZN8ganglion1fEi)". Tokens that do not demangle stay as they are.
std::string demangle_symbols(const std::string& text) {
  auto symbol_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '$'; };
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const bool starts = text.compare(i, 2, "_Z") == 0 && (i == 0 || !symbol_char(text[i - 1]));
    if (!starts) {
      out += text[i++];
      continue;
    }
    size_t end = i;
    while (end < text.size() && symbol_char(text[end])) ++end;
    const std::string token = text.substr(i, end - i);
    int status = 0;
    std::unique_ptr<char, void (*)(void*)> name(abi::__cxa_demangle(token.c_str(), nullptr, nullptr, &status), std::free);
    out += status == 0 && name ? std::string(name.get()) + " (" + token + ")" : token;
    i = end;
  }
  return out;
}

}  // namespace

std::string task_plugin_file(const std::string& path, const std::string& config_source) {
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

std::string plugin_file_hash(const std::string& file) {
  const std::string bytes = read_regular_file_or_throw<Error>(file, "plug-in library");
  return fmt::format("{:016x}", xxhash64(bytes.data(), bytes.size()));
}

std::vector<std::string> load_task_plugin(const std::string& path, const std::string& config_source,
                                          const std::string& expected_hash) {
  const std::string file = task_plugin_file(path, config_source);
  const std::string where = (config_source.empty() ? std::string() : config_source + ": task.plugin: ") + "plug-in '" + path + "'";
  auto check_hash = [&](const std::string& hash) {
    if (!expected_hash.empty() && hash.empty())
      throw Error(where + " (" + file + "): no such file, so it cannot have the content hash task.plugin_hash = " +
                  expected_hash + " that this run recorded");
    if (!expected_hash.empty() && hash != expected_hash)
      throw Error(where + " (" + file + ") has content hash " + hash + ", but task.plugin_hash is " + expected_hash +
                  ": it is not the file this run was recorded with (rebuilt or replaced since), so it was not loaded");
  };
  std::lock_guard<std::mutex> lock(plugins_mutex());
  for (const auto& p : plugins())
    if (p.path == file) {
      check_hash(p.hash);
      return {};
    }
  // Hashed before dlopen runs any of its code; a file that cannot be read is left to dlopen's message.
  std::string hash;
  std::error_code ec;
  if (std::filesystem::exists(file, ec)) hash = plugin_file_hash(file);
  check_hash(hash);

  dlerror();
  void* handle = dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char* err = dlerror();
    throw Error(where + " cannot be loaded: " + (err ? demangle_symbols(err) : "unknown dlopen error") +
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
  plugins().push_back({file, handle, hash});
  return names;
}

std::vector<std::string> loaded_task_plugins() {
  std::lock_guard<std::mutex> lock(plugins_mutex());
  std::vector<std::string> out;
  for (const auto& p : plugins()) out.push_back(p.path);
  return out;
}

}  // namespace ganglion
