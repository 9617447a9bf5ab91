/*
 * snn_cosim.h - runs a network on the SNN core and on the bit-exact model in lockstep and
 * compares them: output AER events of every step (as sorted sets) and, when asked, u, v and
 * the refractory counter of every neuron (and PRED and the memory traces TM_k when the network
 * uses them) and the state of every astrocyte after every step
 * (read back over the bus); and after every run the increase of the counters RUN_CYCLES,
 * SYNOPS, SLOTS and TSTEP against the model's count of cycles (SPEC.md, "A time step"),
 * synaptic operations, slots walked and steps.
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

#include "nc_util.h"
#include "snn_drv.h"
#include "snn_model.h"

typedef struct snn_cosim_opts {
    bool check_state;   /* compare u, v, refractory of every neuron after every step */
    uint32_t max_chunk; /* steps per run without the host (0: 1024)                  */
    nc_out_t *trace;    /* if set: "step neuron u v" of every neuron after every step
                         * (also turns on check_state); a write error or the output's
                         * bound ends the run with that error                         */
    nc_out_t *output;   /* if set: the core's output events go here as "step id" lines as
                         * each run is drained (in step order), and are not kept in
                         * result.out (memory stays bounded however long the run)    */
    const char *progress; /* if set: nc_progress(progress, steps done, steps) per run */
    const int32_t *init_u, *init_v; /* if set (both, n_neurons values each): the run starts
                         * from this state, written to the core over the bus (U and V words)
                         * and into the model, read back and compared before step 0          */
} snn_cosim_opts_t;

/* A source of input events, asked once per step in step order: writes the axons that spike
 * in step `step` (at most cap of them) to axons[] and their count to *n. Returns NC_OK or an
 * error (nc_err_set) that ends the run. */
typedef int (*snn_input_fn)(void *ctx, uint32_t step, uint32_t *axons, size_t cap, size_t *n);

typedef struct snn_cosim_result {
    uint64_t steps, updates;     /* neuron updates = steps x neurons                  */
    uint64_t events_in, events_out;
    uint64_t spike_mismatches;   /* output events present on one side only           */
    uint64_t state_mismatches;   /* (neuron, step) with u, v or ref differing, and (astrocyte, step) with c differing */
    uint64_t states_compared;
    uint64_t run_cycles, synops, slots; /* the core's counters over the run            */
    uint64_t counter_mismatches; /* runs whose RUN_CYCLES, SYNOPS, SLOTS or TSTEP increase
                                  * differed from the model's count (SPEC.md)        */
    uint64_t runs;               /* RUN commands: steps / runs steps ran without the host */
    snn_counters_t counters;
    snn_model_stats_t model;
    char first_mismatch[256];
    snn_event_t *out;            /* the core's output events, sorted (caller frees);
                                  * NULL when opts.output took them                   */
    size_t n_out;
} snn_cosim_result_t;

/* in[] sorted by step, every step < steps (refused otherwise: no event is silently left
 * out). The model and device start from a cleared state (snn_dev_load). */
int snn_cosim_run(snn_dev_t *d, const snn_net_t *net, const snn_event_t *in, size_t n_in, uint32_t steps,
                  const snn_cosim_opts_t *o, snn_cosim_result_t *r);
/* The same with inputs produced step by step (for example a Poisson stream): nothing is
 * held in memory beyond what one run of the core needs. */
int snn_cosim_run_src(snn_dev_t *d, const snn_net_t *net, snn_input_fn src, void *src_ctx, uint32_t steps,
                      const snn_cosim_opts_t *o, snn_cosim_result_t *r);
void snn_cosim_result_free(snn_cosim_result_t *r);

#endif
