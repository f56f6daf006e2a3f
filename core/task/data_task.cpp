#include "core/io/read_file.hpp"
#include "core/task/data_task.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <new>
#include <sstream>

#include "core/error.hpp"
#include "core/parallel.hpp"
#include "core/task/task_choice.hpp"

namespace ganglion {

namespace {

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

std::vector<std::string> split_cells(const std::string& line) {
  std::vector<std::string> cells;
  std::string cell;
  std::istringstream in(line);
  while (std::getline(in, cell, ',')) cells.push_back(trim(cell));
  if (!line.empty() && line.back() == ',') cells.push_back("");
  return cells;
}

bool parse_number(const std::string& cell, float& out) {
  if (cell.empty()) return false;
  char* end = nullptr;
  errno = 0;
  double v = std::strtod(cell.c_str(), &end);
  if (end != cell.c_str() + cell.size() || errno == ERANGE || !std::isfinite(v)) return false;
  out = float(v);
  return true;
}

}  // namespace

Dataset parse_csv_dataset(const std::string& text, const std::string& origin, uint32_t num_inputs,
                          uint32_t num_targets) {
  if (num_inputs == 0 || num_targets == 0)
    throw ConfigError(origin + ": a data set needs at least one input and one target column (got " +
                      std::to_string(num_inputs) + " inputs, " + std::to_string(num_targets) + " targets)");
  Dataset d;
  d.num_inputs = num_inputs;
  d.num_targets = num_targets;
  d.origin = origin;
  const size_t columns = size_t(num_inputs) + num_targets;
  std::istringstream in(text);
  std::string line;
  size_t line_no = 0;
  bool first = true;
  std::vector<float> values(columns);
  while (std::getline(in, line)) {
    ++line_no;
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    const auto cells = split_cells(t);
    const std::string place = origin + ":" + std::to_string(line_no);
    bool any_number = false;
    for (const auto& c : cells) {
      float v;
      if (parse_number(c, v)) any_number = true;
    }
    if (first && !any_number) {  // a header line: no cell is a number
      first = false;
      if (cells.size() != columns)
        throw ConfigError(place + ": the header has " + std::to_string(cells.size()) + " columns, expected " +
                          std::to_string(columns) + " (" + std::to_string(num_inputs) + " inputs + " +
                          std::to_string(num_targets) + " targets)");
      continue;
    }
    first = false;
    if (cells.size() != columns)
      throw ConfigError(place + ": " + std::to_string(cells.size()) + " columns, expected " + std::to_string(columns) +
                        " (" + std::to_string(num_inputs) + " inputs + " + std::to_string(num_targets) + " targets)");
    for (size_t c = 0; c < columns; ++c)
      if (!parse_number(cells[c], values[c]))
        throw ConfigError(place + ": column " + std::to_string(c + 1) + ": '" + cells[c] +
                          "' is not a finite number");
    d.inputs.insert(d.inputs.end(), values.begin(), values.begin() + num_inputs);
    d.targets.insert(d.targets.end(), values.begin() + num_inputs, values.end());
  }
  if (d.inputs.empty()) throw ConfigError(origin + ": no data rows");
  return d;
}

Dataset load_csv_dataset(const std::string& path, uint32_t num_inputs, uint32_t num_targets) {
  const std::string text = read_regular_file_or_throw<ConfigError>(path, "data file");
  try {
    return parse_csv_dataset(text, path, num_inputs, num_targets);
  } catch (const std::bad_alloc&) {
    throw ConfigError(path + ": out of memory while reading the " + std::to_string(text.size()) +
                      "-byte data file into rows");
  }
}

const std::vector<std::string>& loss_names() {
  static const std::vector<std::string> names = {"mse", "sse", "mae", "rmse", "bce", "ce"};
  return names;
}

const std::vector<std::string>& fitness_form_names() {
  static const std::vector<std::string> names = {"negative", "inverse", "offset", "accuracy"};
  return names;
}

namespace {

// -sum_j t_j log softmax(o)_j of one row, through log-sum-exp so that large outputs do not overflow.
double row_cross_entropy(const float* o, const float* t, uint32_t k) {
  double top = o[0];
  for (uint32_t j = 1; j < k; ++j) top = std::max(top, double(o[j]));
  double sum = 0.0;
  for (uint32_t j = 0; j < k; ++j) sum += std::exp(double(o[j]) - top);
  const double log_z = top + std::log(sum);
  double loss = 0.0;
  for (uint32_t j = 0; j < k; ++j) loss -= double(t[j]) * (double(o[j]) - log_z);
  for (uint32_t j = 0; j < k; ++j)
    if (std::isnan(o[j])) return NAN;  // std::max above skips NaN
  return loss;
}

}  // namespace

uint32_t csv_column_count(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    const std::string t = trim(line);
    if (t.empty() || t[0] == '#') continue;
    return uint32_t(std::min<size_t>(split_cells(t).size(), UINT32_MAX));
  }
  return 0;
}

double compute_loss(Loss loss, const float* outputs, const float* targets, size_t rows, uint32_t k) {
  const size_t n = rows * k;
  if (n == 0) return 0.0;
  if (loss == Loss::CrossEntropy) {
    double acc = 0.0;
    for (size_t r = 0; r < rows; ++r) acc += row_cross_entropy(outputs + r * k, targets + r * k, k);
    return acc / double(rows);
  }
  double acc = 0.0;
  for (size_t i = 0; i < n; ++i) {
    const double o = outputs[i], t = targets[i];
    switch (loss) {
      case Loss::Mse:
      case Loss::Sse:
      case Loss::Rmse: acc += (o - t) * (o - t); break;
      case Loss::Mae: acc += std::fabs(o - t); break;
      case Loss::BinaryCrossEntropy: {
        const double p = std::min(std::max(o, 1e-7), 1.0 - 1e-7);
        acc += -(t * std::log(p) + (1.0 - t) * std::log(1.0 - p));
        break;
      }
      case Loss::CrossEntropy: break;  // per row, above
    }
  }
  switch (loss) {
    case Loss::Sse: return acc;
    case Loss::Rmse: return std::sqrt(acc / double(n));
    default: return acc / double(n);
  }
}

double data_accuracy(const float* outputs, const float* targets, size_t rows, uint32_t k) {
  if (rows == 0 || k == 0) return 0.0;
  size_t right = 0;
  for (size_t r = 0; r < rows; ++r) {
    const float* o = outputs + r * k;
    const float* t = targets + r * k;
    if (k == 1) {
      right += !std::isnan(o[0]) && ((o[0] > 0.5f) == (t[0] > 0.5f));
      continue;
    }
    uint32_t predicted = 0, wanted = 0;
    bool finite = !std::isnan(o[0]);
    for (uint32_t j = 1; j < k; ++j) {
      finite = finite && !std::isnan(o[j]);
      if (o[j] > o[predicted]) predicted = j;
      if (t[j] > t[wanted]) wanted = j;
    }
    right += finite && predicted == wanted;
  }
  return double(right) / double(rows);
}

double fitness_from_loss(FitnessForm form, double offset, double loss) {
  switch (form) {
    case FitnessForm::Inverse: return 1.0 / (1.0 + loss);
    case FitnessForm::Offset: return offset - loss;
    case FitnessForm::Accuracy: return NAN;  // not a function of the loss: DataTask scores it itself
    case FitnessForm::Negative:
    default: return -loss;
  }
}

double loss_from_fitness(FitnessForm form, double offset, double fitness) {
  switch (form) {
    case FitnessForm::Inverse: return fitness > 0.0 ? 1.0 / fitness - 1.0 : INFINITY;
    case FitnessForm::Offset: return offset - fitness;
    case FitnessForm::Accuracy: return NAN;
    case FitnessForm::Negative:
    default: return -fitness;
  }
}

DataTaskOptions read_data_task_options(TaskParams& params, const std::string& origin, const DataTaskOptions& defaults) {
  const auto& losses = loss_names();
  const auto& forms = fitness_form_names();
  DataTaskOptions o = defaults;
  const std::string loss = get_task_choice(params, origin, "loss", losses[size_t(defaults.loss)], losses);
  for (size_t i = 0; i < losses.size(); ++i)
    if (loss == losses[i]) o.loss = Loss(i);
  const std::string form = get_task_choice(params, origin, "fitness", forms[size_t(defaults.form)], forms);
  for (size_t i = 0; i < forms.size(); ++i)
    if (form == forms[i]) o.form = FitnessForm(i);
  o.offset = params.get_double("fitness_offset", defaults.offset, -1e300, 1e300);
  o.solve_loss = params.get_double("solve_loss", defaults.solve_loss, -1.0, 1e300);
  o.solve_accuracy = params.get_double("solve_accuracy", defaults.solve_accuracy, -1.0, 1.0);
  return o;
}

DataTask::DataTask(std::string name, Dataset data, DataTaskOptions options)
    : name_(std::move(name)), data_(std::move(data)), options_(options) {
  if (data_.rows() == 0) throw ConfigError("task '" + name_ + "': the data set has no rows");
  if (options_.loss == Loss::CrossEntropy && data_.num_targets < 2)
    throw ConfigError("task '" + name_ + "': task.loss: ce (cross-entropy over classes) needs a target column per "
                      "class, at least 2, but the data has " + std::to_string(data_.num_targets) +
                      "; for one 0/1 target use bce");
  if (data_.targets.size() != data_.rows() * data_.num_targets)
    throw ConfigError("task '" + name_ + "': " + std::to_string(data_.targets.size()) + " target values for " +
                      std::to_string(data_.rows()) + " rows of " + std::to_string(data_.num_targets) + " targets");
}

void DataTask::evaluate(const PopulationLayout& layout, Evaluator& evaluator, const TaskContext& ctx,
                        std::vector<double>& fitness) {
  const size_t rows = data_.rows();
  const size_t per_network = rows * data_.num_targets;
  std::vector<float> outputs(size_t(layout.num_networks) * per_network);
  evaluator.activate(data_.inputs.data(), rows, InputMode::Shared, outputs.data());
  fitness.assign(layout.num_networks, 0.0);
  loss_.assign(layout.num_networks, 0.0);
  const bool classification = options_.classification();
  accuracy_.assign(classification ? layout.num_networks : 0, 0.0);
  ctx.pool().for_ranges(layout.num_networks, [&](size_t begin, size_t end) {
    for (size_t n = begin; n < end; ++n) {
      const float* out = &outputs[n * per_network];
      // The fitness stays network_fitness()'s (a subclass may score otherwise); the metrics are
      // measured beside it, the same for every subclass.
      fitness[n] = network_fitness(out);
      loss_[n] = compute_loss(options_.loss, out, data_.targets.data(), rows, data_.num_targets);
      if (classification) accuracy_[n] = data_accuracy(out, data_.targets.data(), rows, data_.num_targets);
    }
  }, 64);
}

double DataTask::network_fitness(const float* outputs) const {
  if (options_.form == FitnessForm::Accuracy)
    return data_accuracy(outputs, data_.targets.data(), data_.rows(), data_.num_targets);
  const double loss = compute_loss(options_.loss, outputs, data_.targets.data(), data_.rows(), data_.num_targets);
  return fitness_from_loss(options_.form, options_.offset, loss);
}

std::string DataTask::solve_criterion() const {
  if (options_.solve_loss < 0.0 && options_.solve_accuracy < 0.0)
    return "never (no task.solve_loss or task.solve_accuracy)";
  std::ostringstream s;
  if (options_.solve_loss >= 0.0) s << "loss (" << loss_names()[size_t(options_.loss)] << ") <= " << options_.solve_loss;
  if (options_.solve_loss >= 0.0 && options_.solve_accuracy >= 0.0) s << " and ";
  if (options_.solve_accuracy >= 0.0) s << "accuracy >= " << options_.solve_accuracy;
  return s.str();
}

bool DataTask::solved(double fitness) const {
  if (options_.solve_loss < 0.0 || options_.form == FitnessForm::Accuracy) return false;
  return loss_from_fitness(options_.form, options_.offset, fitness) <= options_.solve_loss;
}

bool DataTask::solved_network(uint32_t network, double fitness) const {
  // A criterion on the loss alone is one on the fitness, solved(); accuracy is not a function of
  // the fitness (nor is the loss under fitness: accuracy), so those come from the evaluation.
  if (options_.solve_accuracy < 0.0 && options_.form != FitnessForm::Accuracy) return solved(fitness);
  if (network >= loss_.size() || (options_.solve_loss < 0.0 && options_.solve_accuracy < 0.0)) return false;
  const bool loss_ok = options_.solve_loss < 0.0 || loss_[network] <= options_.solve_loss;
  const bool accuracy_ok = options_.solve_accuracy < 0.0 || accuracy_[network] >= options_.solve_accuracy;
  return loss_ok && accuracy_ok;
}

NetworkMetrics DataTask::network_metrics(uint32_t network) const {
  NetworkMetrics m;
  if (network < loss_.size()) m.loss = loss_[network];
  if (network < accuracy_.size()) m.accuracy = accuracy_[network];
  return m;
}

}  // namespace ganglion
