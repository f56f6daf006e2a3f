// The files `ganglion new-task` writes, as templates: tools/new_task/*.in, embedded into the program
// at build time by tools/new_task/embed.cmake, so an installed `ganglion` needs no source tree.
#pragma once

#include <string_view>
#include <vector>

namespace ganglion::cli {

struct TemplateFile {
  std::string_view name;  // the template's file name, e.g. "config.yaml.in"
  std::string_view text;  // its contents, placeholders @LIKE_THIS@ unreplaced
};

const std::vector<TemplateFile>& new_task_templates();

}  // namespace ganglion::cli
