// Linked against the installed libraries: the built-in tasks registered themselves (the
// experiments' object files), core's checksum (libxxhash) and evolution's embedded report assets
// are there. Exit 0 when all are.
#include <cstdio>

#include "core/io/checkpoint_io.hpp"
#include "core/task/task.hpp"
#include "evolution/report/report_assets.hpp"

int main() {
  if (!ganglion::TaskRegistry::instance().find("xor")) {
    std::fprintf(stderr, "client: the built-in task 'xor' is not registered\n");
    return 1;
  }
  if (ganglion::xxhash64("abc", 3) != 0x44BC2CF5AD770999ull) {
    std::fprintf(stderr, "client: xxhash64 gives a wrong digest\n");
    return 1;
  }
  if (ganglion::report_assets().uplot_js.empty()) {
    std::fprintf(stderr, "client: the report's assets are empty\n");
    return 1;
  }
  std::puts("client: ok");
  return 0;
}
