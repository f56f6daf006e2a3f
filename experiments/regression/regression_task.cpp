// regression: fit the targets of a CSV file (experiments/regression/README.md). A data task:
// every network on every row in one batched activation, fitness from the loss.
#include <filesystem>
#include <memory>
#include <new>

#include "core/task/data_task.hpp"
#include "core/error.hpp"
#include "core/io/read_file.hpp"
#include "core/task/task.hpp"

namespace ganglion {
namespace {

// A relative data path is looked up next to the config file first, then in the working folder.
std::string resolve_data_path(const std::string& file, const std::string& config_source) {
  namespace fs = std::filesystem;
  fs::path p(file);
  if (p.is_absolute() || config_source.empty()) return file;
  fs::path beside = fs::path(config_source).parent_path() / p;
  std::error_code ec;
  if (fs::exists(beside, ec)) return beside.lexically_normal().string();
  if (fs::exists(p, ec)) return file;
  throw ConfigError(config_source + ": task.file: data file '" + file + "' not found (looked for " +
                    beside.lexically_normal().string() + " and " + (fs::current_path(ec) / p).string() + ")");
}

std::unique_ptr<Task> make_regression(const Config& config, TaskParams& params) {
  const std::string file = params.get_string("file", "");
  // Without a file (`ganglion tasks` lists the keys with defaults only) every key is still read
  // before the refusal.
  const std::string path = file.empty() ? std::string() : resolve_data_path(file, config.source);
  const std::string text = file.empty() ? std::string() : read_regular_file_or_throw<ConfigError>(path, "data file");
  // Counts not given here or in genome: one target column, and every other column an input.
  const uint32_t columns = csv_column_count(text);
  const uint32_t default_targets = config.genome.num_outputs ? config.genome.num_outputs : 1;
  const auto targets = uint32_t(params.get_int("targets", default_targets, 1, 100000));
  const uint32_t default_inputs = config.genome.num_inputs ? config.genome.num_inputs
                                  : columns > targets      ? columns - targets
                                                           : 1;
  const auto inputs = uint32_t(params.get_int("inputs", default_inputs, 1, 100000));
  DataTaskOptions defaults;
  defaults.loss = Loss::Mse;
  defaults.form = FitnessForm::Inverse;
  defaults.solve_loss = -1.0;
  DataTaskOptions options = read_data_task_options(params, config.source, defaults);
  if (file.empty())
    throw ConfigError((config.source.empty() ? std::string("config") : config.source) +
                      ": task.file: the regression task needs a CSV file (inputs then targets per line)");
  Dataset data;
  try {
    data = parse_csv_dataset(text, path, inputs, targets);
  } catch (const std::bad_alloc&) {
    throw ConfigError(path + ": out of memory while reading the " + std::to_string(text.size()) +
                      "-byte data file into rows");
  }
  return std::make_unique<DataTask>("regression", std::move(data), options);
}

}  // namespace

GANGLION_REGISTER_TASK("regression", "fit the targets of a CSV file (data task; loss mse, sse, mae, rmse, bce or ce)",
                       make_regression);

}  // namespace ganglion
