// Graphviz's `dot` program, used to lay out network drawings (`ganglion export --format svg`, the
// report's network picture). Optional: callers check dot_program() and fall back or explain.
#pragma once

#include <optional>
#include <string>

namespace ganglion {

// The path of `dot` found on PATH, or nothing when graphviz is not installed.
std::optional<std::string> dot_program();

// Lays out DOT text as an SVG document with `dot -Tsvg`. Throws Error when `dot` is missing
// (naming the Debian package to install) or fails (with its message).
std::string dot_to_svg(const std::string& dot_text);

}  // namespace ganglion
