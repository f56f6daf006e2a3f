#include "gpu/fused_episode_programs.hpp"

#include <map>
#include <mutex>

#include "core/error.hpp"

namespace ganglion {

namespace {
struct Programs {
  std::mutex m;
  std::map<std::type_index, FusedEpisodeProgram> by_type;
};
Programs& programs() {
  static Programs p;
  return p;
}
}  // namespace

void register_fused_episodes(std::type_index environment, FusedEpisodeProgram program) {
  Programs& p = programs();
  std::lock_guard<std::mutex> lock(p.m);
  if (!program) throw Error(std::string("fused episodes: a null program for environment ") + environment.name());
  if (!p.by_type.emplace(environment, program).second)
    throw Error(std::string("fused episodes: environment ") + environment.name() + " is registered twice");
}

FusedEpisodeProgram find_fused_episodes(std::type_index environment) {
  Programs& p = programs();
  std::lock_guard<std::mutex> lock(p.m);
  auto it = p.by_type.find(environment);
  return it == p.by_type.end() ? nullptr : it->second;
}

}  // namespace ganglion
