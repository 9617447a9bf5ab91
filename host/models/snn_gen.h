/*
 * snn_gen.h - random networks and inputs for tests, benchmarks and `neurocosim run`:
 * layered networks (axons -> layer 0 -> layer 1 -> ...) with random connectivity, optional
 * recurrent synapses inside each layer, random neuron parameters over their whole ranges, and
 * Poisson input spike trains. Deterministic for a given nc_rng_t seed.
 */
#ifndef SNN_GEN_H
#define SNN_GEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nc_util.h"
#include "snn_net.h"

#define SNN_GEN_MAX_LAYERS 8

typedef struct snn_gen_opts {
    uint32_t n_axons;
    uint32_t layer[SNN_GEN_MAX_LAYERS];
    int n_layers;
    double p_ff;       /* probability of a synapse from each source of layer k-1 to each neuron of layer k */
    double p_rec;      /* probability of a synapse between two neurons of one layer         */
    int w_lo, w_hi;    /* weight range                                                       */
    uint32_t dmax;     /* delays are drawn from 0..dmax-1, with both ends over-represented  */
    uint32_t wexp;
    bool astro;        /* give each layer an astrocyte (layers 0..3)                         */
    bool wild;         /* draw du, dv, bias, refractory over their full ranges               */
    uint32_t vth_lo, vth_hi;
    bool out_last_only; /* only the last layer emits output events (else every neuron does) */
} snn_gen_opts_t;

int snn_gen_layered(snn_net_t *net, const snn_gen_opts_t *o, nc_rng_t *rng);

/* Each axon spikes in each step with probability rate; events sorted by (step, axon). */
int snn_gen_poisson(uint32_t n_axons, uint32_t steps, double rate, nc_rng_t *rng, snn_event_t **ev, size_t *n);
/* One step of the same stream, for runs too long to hold every event: writes the axons that
 * spike (ascending, room for n_axons) and returns their count. Calling it `steps` times draws
 * exactly what snn_gen_poisson(n_axons, steps, ...) draws, event for event. */
size_t snn_gen_poisson_step(uint32_t n_axons, double rate, nc_rng_t *rng, uint32_t *axons);

/* First neuron of layer k. */
uint32_t snn_gen_layer_first(const snn_gen_opts_t *o, int k);

#endif
