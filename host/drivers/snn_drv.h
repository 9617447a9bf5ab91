/*
 * snn_drv.h - driver of the SNN core (rtl/snn/snn_top.v, docs/snn_regs.md) over a bus_t.
 *
 * Flow: snn_dev_open() reads the build's geometry (and TRACES, the memory traces per neuron);
 * snn_dev_load() checks a network against it (a trace k >= TRACES is refused), writes neuron
 * and trace parameters, astrocytes, pointers and synapse rows, and clears the state;
 * then push input events (snn_dev_push), run K steps (snn_dev_run), drain output events
 * (snn_dev_drain) and read state and counters. The same code runs on a Verilated model and on
 * a memory-mapped core.
 *
 * Every wait is bounded (bus_poll); every bad value (neuron, axon, delay, weight, parameter
 * out of range) is refused before anything is written, with an nc_err message naming it.
 */
#ifndef SNN_DRV_H
#define SNN_DRV_H

#include <stddef.h>
#include <stdint.h>

#include "nc_error.h"

#include "bus.h"
#include "snn_net.h"

typedef struct snn_dev {
    bus_t *bus;
    uint32_t nmax, amax, lanes, dmax, srows, fifo_depth; /* the build's geometry        */
    uint32_t traces;                                      /* K: memory traces per neuron */
    uint32_t n_neurons, n_axons;                          /* of the loaded network       */
    uint32_t rows_used;                                   /* synapse rows written        */
    uint32_t poll_limit;                                  /* max STATUS polls per wait   */
} snn_dev_t;

typedef struct snn_counters {
    uint32_t err;                       /* ERR bits: 1 input overflow, 2 output, 4 late */
    uint32_t in_drops, out_drops, late_drops, sat_count;
    uint32_t tstep, run_cycles, synops, slots;
} snn_counters_t;

NC_MUST_CHECK int snn_dev_open(bus_t *bus, snn_dev_t *d);
NC_MUST_CHECK int snn_dev_load(snn_dev_t *d, const snn_net_t *net);
/* Zeroes state, ring, astrocytes, step, FIFOs, counters and errors. */
NC_MUST_CHECK int snn_dev_clear(snn_dev_t *d);
/* Pushes one input event; refuses an axon the network does not have. */
NC_MUST_CHECK int snn_dev_push(snn_dev_t *d, uint32_t step, uint32_t axon);
/* Runs `steps` steps and waits (bounded) until the core is idle. */
NC_MUST_CHECK int snn_dev_run(snn_dev_t *d, uint32_t steps);
/* Pops every waiting output event (at most cap; *n gets the count). Step numbers come back
 * as the low 16 bits; step_hi (the step of the run's first step) restores the high bits. */
NC_MUST_CHECK int snn_dev_drain(snn_dev_t *d, uint32_t step_hi, snn_event_t *ev, size_t cap, size_t *n);
/* Reads u, v (sign-extended 24-bit) and the refractory counter of neurons first..first+count-1
 * (any pointer may be NULL). */
NC_MUST_CHECK int snn_dev_read_state(snn_dev_t *d, uint32_t first, uint32_t count, int32_t *u, int32_t *v, uint8_t *ref);
NC_MUST_CHECK int snn_dev_write_state(snn_dev_t *d, uint32_t n, int32_t u, int32_t v);
NC_MUST_CHECK int snn_dev_astro(snn_dev_t *d, uint16_t c[SNN_ASTROS]);
NC_MUST_CHECK int snn_dev_counters(snn_dev_t *d, snn_counters_t *c);
/* Clears the ERR bits given in mask (write-1-to-clear). */
NC_MUST_CHECK int snn_dev_clear_errors(snn_dev_t *d, uint32_t mask);

/* Probes (registers PROBE0..3): probe k (0..3) watches neuron `neuron`; its u, v and spike
 * as the step sequencer last wrote them appear in the waveform as probe<k>_u/_v/_spike and
 * read back here (u, v sign-extended; all 0 after CLEAR). */
NC_MUST_CHECK int snn_dev_set_probe(snn_dev_t *d, unsigned k, uint32_t neuron);
NC_MUST_CHECK int snn_dev_probe(snn_dev_t *d, unsigned k, int32_t *u, int32_t *v, int *spike);

/* Packs a neuron's parameters into the P0, P1, VTH and P3 words (SPEC.md). */
void snn_pack_neuron(const snn_neuron_params_t *p, uint32_t w[4]);
/* Packs a neuron's trace parameters into the TP_0..TP_3 words (SPEC.md, "Multi-timescale
 * memory neurons"). */
void snn_pack_traces(const snn_neuron_params_t *p, uint32_t w[SNN_TRACES_MAX]);
/* Reads the traces m_0..m_{K-1} (K = d->traces; sign-extended 24-bit) of neurons
 * first..first+count-1 into m[i * SNN_TRACES_MAX + k]; the rest of m is left alone. */
NC_MUST_CHECK int snn_dev_read_traces(snn_dev_t *d, uint32_t first, uint32_t count, int32_t *m);
/* Reads the predictive steps left (word PRED, active dendrites) of neurons first..first+count-1. */
NC_MUST_CHECK int snn_dev_read_pred(snn_dev_t *d, uint32_t first, uint32_t count, uint8_t *pred);

#endif
