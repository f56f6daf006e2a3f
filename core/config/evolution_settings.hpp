// The speciation, stagnation and reproduction sections, read by evolution/ (distance, speciation,
// stagnation, reproduction). Key table format: core/config/settings.hpp.
#pragma once

#include <cstdint>

#include "core/config/settings.hpp"

namespace ganglion {

#define GANGLION_SPECIATION_SETTINGS(KEY, SUB)                                                              \
  KEY(double, compatibility_threshold, 3.0, above(0), fixed, "genomes closer than this belong to one species") \
  KEY(double, excess_coefficient, 1.0, at_least(0), fixed, "c1: weight of excess genes in the distance")       \
  KEY(double, disjoint_coefficient, 1.0, at_least(0), fixed, "c2: weight of disjoint genes in the distance")   \
  KEY(double, weight_coefficient, 0.4, at_least(0), fixed,                                                    \
      "c3: weight of the mean weight difference of matching genes")                                          \
  KEY(bool, include_node_genes, false, any(), fixed, "count node genes (and their bias/response differences) too") \
  KEY(uint32_t, normalize_min_genes, 20, at_least(0), fixed,                                                  \
      "N = 1 when both genomes have fewer genes than this (NEAT paper)")                                     \
  KEY(bool, dynamic_threshold, false, any(), fixed, "steer compatibility_threshold towards target_species")    \
  KEY(uint32_t, target_species, 10, at_least(1), fixed, "species count aimed at when dynamic_threshold is on") \
  KEY(double, threshold_step, 0.3, above(0), fixed, "threshold change per generation when dynamic_threshold is on") \
  KEY(double, threshold_min, 0.3, above(0), fixed, "the dynamic threshold never goes below this")

struct SpeciationConfig {
  GANGLION_SPECIATION_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(SpeciationConfig, GANGLION_SPECIATION_SETTINGS)
};

#define GANGLION_STAGNATION_SETTINGS(KEY, SUB)                                                       \
  KEY(uint32_t, max_stagnation, 15, at_least(1), fixed,                                               \
      "generations without improvement before a species is removed")                                \
  KEY(uint32_t, species_elitism, 2, at_least(0), fixed, "the best K species are never removed for stagnation")

struct StagnationConfig {
  GANGLION_STAGNATION_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(StagnationConfig, GANGLION_STAGNATION_SETTINGS)
};

#define GANGLION_REPRODUCTION_SETTINGS(KEY, SUB)                                                           \
  KEY(uint32_t, elitism, 0, at_least(0), fixed,                                                             \
      "best genomes of the population copied unchanged (<= population_size)")                              \
  KEY(uint32_t, species_elitism_min_size, 5, at_least(0), fixed,                                            \
      "the champion of each species with more members than this is copied unchanged")                      \
  KEY(double, survival_threshold, 0.2, range_above(0, 1), fixed, "share of each species allowed to reproduce") \
  KEY(uint32_t, min_species_size, 2, at_least(1), fixed, "smallest number of children a surviving species gets") \
  KEY(double, mutate_only_rate, 0.25, probability(), fixed,                                                 \
      "share of children made by mutation alone (no crossover)")                                           \
  KEY(double, interspecies_rate, 0.001, probability(), fixed,                                               \
      "probability that a crossover takes its second parent from another species")                         \
  KEY(double, disabled_gene_inherit_prob, 0.75, probability(), fixed,                                       \
      "probability that a gene disabled in either parent stays disabled")                                  \
  KEY(bool, equal_parents_share_genes, true, any(), fixed,                                                  \
      "parents of equal fitness both pass on their disjoint and excess genes (NEAT paper); false: only the "  \
      "one with fewer genes does (neat-python)")                                                           \
  KEY(bool, reset_on_extinction, true, any(), fixed, "start a fresh population when every species is gone")

struct ReproductionConfig {
  GANGLION_REPRODUCTION_SETTINGS(GANGLION_SETTING_FIELD, GANGLION_SETTING_FIELD)
  GANGLION_SETTINGS_DESCRIBE(ReproductionConfig, GANGLION_REPRODUCTION_SETTINGS)
};

}  // namespace ganglion
