// The genome section: the shape of the initial genomes and the mutation rates, read by
// evolution/ (initial population, mutation, crossover) and core/genome/random_population.
// Defaults are the NEAT paper's XOR settings (Stanley & Miikkulainen 2002) where the paper gives
// one. Key table format: core/config/settings.hpp.
#pragma once

#include <cstdint>
#include <vector>

#include "core/config/settings.hpp"
#include "core/network/activation.hpp"

namespace ganglion {

enum class InitialConnection { Full, None, Partial };
enum class Distribution { Gaussian, Uniform };

template <>
struct EnumWords<InitialConnection> {
  static constexpr const char* what = "initial connection";
  static constexpr std::pair<const char*, InitialConnection> words[] = {
      {"full", InitialConnection::Full}, {"none", InitialConnection::None}, {"partial", InitialConnection::Partial}};
};
template <>
struct EnumWords<Distribution> {
  static constexpr const char* what = "distribution";
  static constexpr std::pair<const char*, Distribution> words[] = {{"gaussian", Distribution::Gaussian},
                                                                   {"uniform", Distribution::Uniform}};
};

// Initialisation and mutation of one float attribute of a gene (weight, bias or response). The
// defaults here are placeholders: each attribute's own come with it in GANGLION_GENOME_SETTINGS.
#define GANGLION_GENE_ATTRIBUTE_SETTINGS(KEY, SUB)                                                              \
  KEY(double, init_mean, 0.0, any(), fixed, "mean of a new {what}")                                             \
  KEY(double, init_stdev, 1.0, at_least(0), fixed, "stdev (gaussian) or half-width (uniform) of a new {what}")  \
  KEY(Distribution, init_type, Distribution::Gaussian, any(), fixed, "distribution of a new {what}")            \
  KEY(double, min_value, -30.0, any(), fixed, "values are clamped to [min_value, max_value]")                   \
  KEY(double, max_value, 30.0, any(), fixed, "upper clamp; must be >= min_value")                               \
  KEY(double, mutate_rate, 0.0, probability(), fixed, "per gene: probability that the {what} is perturbed")     \
  KEY(double, mutate_power, 0.5, at_least(0), fixed, "stdev (gaussian) or half-width (uniform) of a perturbation") \
  KEY(Distribution, mutate_type, Distribution::Gaussian, any(), fixed, "distribution of a perturbation")        \
  KEY(double, replace_rate, 0.0, probability(), fixed,                                                          \
      "per gene: probability that the {what} is replaced by a fresh value")

struct GeneAttributeConfig {
  GANGLION_GENE_ATTRIBUTE_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(GeneAttributeConfig, GANGLION_GENE_ATTRIBUTE_SETTINGS)
};

// Weights: the paper mutates the weights of 80% of children; each weight is then perturbed (90%)
// or replaced (10%).
#define GANGLION_GENOME_SETTINGS(KEY, SUB)                                                                       \
  KEY(uint32_t, num_inputs, 0, range(0, 1u << 24), fixed, "input nodes (the bias node not counted); 0: the task's") \
  KEY(uint32_t, num_outputs, 0, range(0, 1u << 24), fixed, "output nodes; 0: the task's")                         \
  KEY(uint32_t, num_hidden, 0, range(0, 1u << 24), fixed, "hidden nodes in the initial genomes")                  \
  KEY(bool, bias_node, true, any(), fixed, "an always-1 input node, as in the NEAT paper")                        \
  KEY(bool, feed_forward, true, any(), fixed, "false allows recurrent and self connections")                      \
  KEY(InitialConnection, initial_connection, InitialConnection::Full, any(), fixed,                               \
      "how initial genomes are wired: full, none, or partial")                                                   \
  KEY(double, connection_fraction, 1.0, probability(), fixed,                                                     \
      "share of possible connections present when initial_connection is partial")                                \
  KEY(Activation, activation_default, Activation::NeatSigmoid, any(), fixed, "activation of new nodes")           \
  KEY(std::vector<Activation>, activation_options, {Activation::NeatSigmoid}, any(), fixed,                       \
      "activations that a mutation may choose")                                                                  \
  KEY(double, activation_mutate_rate, 0.0, probability(), fixed,                                                  \
      "per node: probability that its activation is replaced")                                                   \
  KEY(Aggregation, aggregation_default, Aggregation::Sum, any(), fixed, "aggregation of new nodes")               \
  KEY(std::vector<Aggregation>, aggregation_options, {Aggregation::Sum}, any(), fixed,                            \
      "aggregations that a mutation may choose")                                                                 \
  KEY(double, aggregation_mutate_rate, 0.0, probability(), fixed,                                                 \
      "per node: probability that its aggregation is replaced")                                                  \
  KEY(double, weight_mutate_genome_rate, 0.8, probability(), fixed,                                               \
      "probability that a child's weights are mutated at all")                                                   \
  SUB(GeneAttributeConfig, weight,                                                                               \
      (GeneAttributeConfig{0.0, 1.0, Distribution::Gaussian, -8.0, 8.0, 0.9, 0.5, Distribution::Uniform, 0.1}), \
      "connection weight")                                                                                       \
  SUB(GeneAttributeConfig, bias,                                                                                 \
      (GeneAttributeConfig{0.0, 0.0, Distribution::Gaussian, -8.0, 8.0, 0.0, 0.5, Distribution::Gaussian, 0.0}), \
      "node bias")                                                                                               \
  SUB(GeneAttributeConfig, response,                                                                             \
      (GeneAttributeConfig{1.0, 0.0, Distribution::Gaussian, -8.0, 8.0, 0.0, 0.1, Distribution::Gaussian, 0.0}), \
      "node response")                                                                                           \
  KEY(double, conn_add_prob, 0.05, probability(), fixed, "per child: probability of an add-connection mutation")  \
  KEY(double, conn_delete_prob, 0.0, probability(), fixed, "per child: probability of a delete-connection mutation") \
  KEY(double, node_add_prob, 0.03, probability(), fixed, "per child: probability of an add-node mutation")        \
  KEY(double, node_delete_prob, 0.0, probability(), fixed, "per child: probability of a delete-node mutation")    \
  KEY(double, enabled_mutate_rate, 0.0, probability(), fixed,                                                     \
      "per connection: probability that its enabled flag is toggled")                                            \
  KEY(bool, single_structural_mutation, false, any(), fixed, "at most one structural mutation per child")

struct GenomeConfig {
  GANGLION_GENOME_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(GenomeConfig, GANGLION_GENOME_SETTINGS)
};

}  // namespace ganglion
