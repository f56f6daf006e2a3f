// The files the report page inlines (uPlot's script and style, the page's own script and style),
// compiled into the program so that `ganglion report` needs nothing at run time. The definition is
// generated at build time from tools/report/ by tools/report/embed_assets.cmake.
#pragma once

#include <string_view>

namespace ganglion {

struct ReportAssets {
  std::string_view uplot_js;
  std::string_view uplot_css;
  std::string_view report_js;
  std::string_view report_css;
};

const ReportAssets& report_assets();

}  // namespace ganglion
