/*
 * snn_cosim.h - runs a network on the SNN core and on the bit-exact model in lockstep and
 * compares them: output AER events of every step (as sorted sets) and, when asked, u, v and
 * the refractory counter of every neuron and the state of every astrocyte after every step
 * (read back over the bus).
 *
 * Without the per-step state check, steps run in chunks with the host away: a chunk is as
 * long as the input FIFO can hold its input events and the output FIFO its output events
 * (the model predicts both), at most max_chunk steps. With it, every chunk is one step.
 */
#ifndef SNN_COSIM_H
#define SNN_COSIM_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "snn_drv.h"
#include "snn_model.h"

typedef struct snn_cosim_opts {
    bool check_state;   /* compare u, v, refractory of every neuron after every step */
    uint32_t max_chunk; /* steps per run without the host (0: 1024)                  */
    FILE *trace;        /* if set: "step neuron u v" of every neuron after every step */
} snn_cosim_opts_t;

typedef struct snn_cosim_result {
    uint64_t steps, updates;     /* neuron updates = steps x neurons                  */
    uint64_t events_in, events_out;
    uint64_t spike_mismatches;   /* output events present on one side only           */
    uint64_t state_mismatches;   /* (neuron, step) with u, v or ref differing, and (astrocyte, step) with c differing */
    uint64_t states_compared;
    uint64_t run_cycles, synops, slots;
    uint64_t runs;               /* RUN commands: steps / runs steps ran without the host */
    snn_counters_t counters;
    snn_model_stats_t model;
    char first_mismatch[256];
    snn_event_t *out;            /* the core's output events, sorted (caller frees)   */
    size_t n_out;
} snn_cosim_result_t;

/* in[] sorted by step. The model and device start from a cleared state (snn_dev_load). */
int snn_cosim_run(snn_dev_t *d, const snn_net_t *net, const snn_event_t *in, size_t n_in, uint32_t steps,
                  const snn_cosim_opts_t *o, snn_cosim_result_t *r);
void snn_cosim_result_free(snn_cosim_result_t *r);

#endif
