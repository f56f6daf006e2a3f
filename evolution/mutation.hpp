// Mutation operators of NEAT (Stanley & Miikkulainen 2002, sec. 3.1) and their extensions: add
// node, add connection, delete connection, delete node, weight/bias/response perturbation and
// replacement, enable toggle, activation and aggregation change. Each draws only from the Rng it
// is given, so a child's mutations depend on nothing but its own random stream.
//
// Structural operators take ids from PendingIds (evolution/innovation.hpp); the genome stays
// sorted because pending ids lie above every real id.
#pragma once

#include <cstdint>

#include "core/config/config.hpp"
#include "core/genome/genome.hpp"
#include "core/rng.hpp"
#include "evolution/innovation.hpp"

namespace ganglion {

// A fresh value drawn from an attribute's init distribution, clamped to [min_value, max_value].
double sample_attribute(const GeneAttributeConfig& a, Rng& rng);
// Perturbs (probability mutate_rate) or replaces (probability replace_rate) a value, clamped.
double mutate_attribute(double value, const GeneAttributeConfig& a, Rng& rng);

// Whether adding source -> target would close a cycle through the genome's connections (enabled
// or not, since a disabled one can be enabled again later). A self-loop is a cycle.
bool creates_cycle(const Genome& genome, int32_t source, int32_t target);

// Splits a random enabled connection: the old one is disabled, source -> new node gets weight 1,
// new node -> target gets the old weight. False when there is no enabled connection.
bool mutate_add_node(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending);
// Adds a connection between two unconnected nodes (no cycles when feed_forward; no
// output -> output connection then either), up to 20 random tries. False when none was found.
bool mutate_add_connection(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending);
bool mutate_delete_connection(Genome& genome, Rng& rng);
// Removes a random hidden node and every connection touching it.
bool mutate_delete_node(Genome& genome, Rng& rng);
// Connection weights (the whole genome with probability weight_mutate_genome_rate), enable
// toggles, node bias/response/activation/aggregation.
void mutate_parameters(Genome& genome, const GenomeConfig& config, Rng& rng);

// A child's full mutation: parameters, then structural mutations (each with its own probability,
// or at most one when single_structural_mutation is set).
void mutate(Genome& genome, const GenomeConfig& config, Rng& rng, PendingIds& pending);

}  // namespace ganglion
