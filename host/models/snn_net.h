/*
 * snn_net.h - a spiking network as the SNN core runs it (rtl/snn/SPEC.md): LIF neuron
 * parameters, sparse synapses (source, target, weight, delay), astrocytes, and the text format
 * of networks and spike files.
 *
 * Sources: a synapse starts at an input axon (source s < n_axons) or at a neuron (source
 * n_axons + n). Neurons of one layer feed the next layer through neuron sources, so a
 * feed-forward chain and recurrent connections are the same kind of thing.
 *
 * Contract: every function returns NC_OK or a negative nc_status with nc_err_set() naming the
 * place (file:line, neuron, synapse index) and the value that was out of range.
 */
#ifndef SNN_NET_H
#define SNN_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nc_util.h"

#define SNN_ASTROS 4
#define SNN_DU_MAX 4095
#define SNN_VTH_MAX 131071 /* 17 bits */
#define SNN_BIAS_MANT_MIN (-4096)
#define SNN_BIAS_MANT_MAX 4095
#define SNN_BIAS_EXP_MAX 7
#define SNN_REFR_MAX 15
#define SNN_WEXP_MAX 7
#define SNN_TRACES_MAX 4 /* leaky traces per neuron (memory neurons; a build has K <= 4) */

typedef struct snn_neuron_params {
    uint16_t du, dv;   /* current and voltage decay, 0..4095                    */
    int16_t bias_mant; /* -4096..4095                                           */
    uint8_t bias_exp;  /* 0..7                                                  */
    uint32_t vth;      /* threshold mantissa, 0..2^17-1 (compared as vth << 6)  */
    uint8_t refr;      /* refractory steps after a spike, 0..15                 */
    int8_t astro;      /* astrocyte 0..3, or -1 for none                        */
    bool out;          /* spikes leave the core as output AER events            */
    uint8_t pred_steps;  /* active dendrites: steps a dendritic event keeps the
                          * neuron predictive, 0..15 (SPEC.md, "Active dendrites") */
    uint32_t pred_drop;  /* threshold lowered by this (vth units, 0..2^17-1) while
                          * predictive                                             */
    uint16_t tr_decay[SNN_TRACES_MAX]; /* memory traces: decay of trace k, 0..4095   */
    int8_t tr_weight[SNN_TRACES_MAX];  /* its weight in the soma (64 = 1; SPEC.md,
                                        * "Multi-timescale memory neurons")          */
} snn_neuron_params_t;

typedef struct snn_astro_params {
    uint8_t leak_shift; /* c -= c >> leak_shift each step, 0..15 (0: c is emptied) */
    uint8_t inc;        /* added per spike of the group, 0..255                  */
    int8_t gain;        /* threshold term (gain * c) >> 4                        */
} snn_astro_params_t;

typedef struct snn_syn {
    uint32_t src, target;
    int8_t weight;
    uint8_t delay;
    bool dend;      /* a dendritic synapse: no current, makes the target predictive */
} snn_syn_t;

typedef struct snn_net {
    uint32_t n_neurons, n_axons;
    uint32_t wexp;
    snn_neuron_params_t *neuron;
    snn_astro_params_t astro[SNN_ASTROS];
    snn_syn_t *syn; /* in the order added; order within a source is kept */
    size_t n_syn, cap_syn;
    /* Set by snn_net_read: the file and the line of each synapse, for error messages. */
    char path[256];
    uint32_t *syn_line;
} snn_net_t;

/* One AER event: an input (step, axon) or an output (step, neuron). */
typedef struct snn_event {
    uint32_t step, id;
} snn_event_t;

/* Default neuron: du = dv = 0, no bias, vth = 0, no refractory, no astrocyte, no output. */
int snn_net_init(snn_net_t *net, uint32_t n_neurons, uint32_t n_axons);
void snn_net_free(snn_net_t *net);
int snn_net_add_syn(snn_net_t *net, uint32_t src, uint32_t target, int weight, unsigned delay);
/* A dendritic synapse (SPEC.md, "Active dendrites"): weight 0, puts the target into its
 * predictive state for its pred_steps steps when the source spikes. */
int snn_net_add_dsyn(snn_net_t *net, uint32_t src, uint32_t target, unsigned delay);

/* The number of traces the network uses: 1 + the highest k with a non-zero decay or weight
 * on some neuron (0: no memory neuron). */
uint32_t snn_net_traces(const snn_net_t *net);

/* Checks every value against the spec's ranges and a core's geometry (neurons <= nmax,
 * axons <= amax, delays < dmax). */
int snn_net_check(const snn_net_t *net, uint32_t nmax, uint32_t amax, uint32_t dmax);

/* Per-source index (CSR): first[s]..first[s+1]-1 index order[] into net->syn, keeping the
 * order synapses were added. Both arrays are malloc'ed; the caller frees them. */
int snn_net_csr(const snn_net_t *net, uint32_t **first, uint32_t **order);

/* Network text format (SPEC.md, "Network text format"). */
int snn_net_read(const char *path, snn_net_t *net);
int snn_net_write(const char *path, const snn_net_t *net); /* atomically (nc_out_*) */

/* Spike files: one event per line, "STEP ID" (decimal integers); '#' comments and blank lines
 * are skipped. Input files must be sorted by step; ids must be < id_limit; steps must be
 * < step_limit: an event at or past it is refused with file:line naming the limit as
 * `limit_what` (for example "--steps 400"; NULL: "the step limit N"). */
int snn_events_read(const char *path, uint32_t id_limit, uint32_t step_limit, const char *limit_what, snn_event_t **ev,
                    size_t *n);
/* Writes the file atomically (nc_out_*). */
int snn_events_write(const char *path, const snn_event_t *ev, size_t n);
/* Appends "step id" lines to an open output (for spike files written as a run goes). */
int snn_events_print(nc_out_t *o, const snn_event_t *ev, size_t n);

/* Sorts events by (step, id). */
void snn_events_sort(snn_event_t *ev, size_t n);

#endif
