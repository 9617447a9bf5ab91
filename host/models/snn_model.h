/*
 * snn_model.h - golden models of the SNN core, written from rtl/snn/SPEC.md:
 *   snn_model_*  the bit-exact fixed-point model (integers, the spec's truncation, wrap and
 *                clip rules); the RTL must match it spike for spike and u, v, refractory
 *                counter of every neuron after every step;
 *   snn_fmodel_* the floating-point LIF reference the fixed-point dynamics approximate
 *                (u = u(1-(du+1)/4096) + 64 a, m_k = m_k(1-d_k/4096) + 64 a,
 *                v = v(1-dv/4096) + u + bias + sum c_k m_k/64, spike if v > 64 vth).
 *
 * A step t: inputs (axon events of step t) are delivered to ring slot t + delay; neurons read
 * slot t; a neuron spike of step t is delivered to slot t + 1 + delay. Both models follow the
 * same network (snn_net.h) and return the neurons that spiked in ascending order.
 */
#ifndef SNN_MODEL_H
#define SNN_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "snn_net.h"

/* Things that happened, so tests can prove they exercised an edge. */
typedef struct snn_model_stats {
    uint64_t updates;    /* neuron updates                                      */
    uint64_t spikes;
    uint64_t sat;        /* a_in clamped to int16                               */
    uint64_t u_wraps;    /* u wrapped around 24 bits                            */
    uint64_t v_clip_hi;  /* v clipped at +(2^23-1)                              */
    uint64_t v_clip_lo;  /* v clipped at -(2^23-1)                              */
    uint64_t refr_steps; /* updates spent refractory                            */
    uint64_t pred_steps; /* updates spent predictive (active dendrites)         */
    uint64_t tr_clips;   /* memory traces clipped at +-(2^23-1)                 */
    uint64_t tr_updates; /* updates of neurons with a non-zero trace weight     */
    uint64_t synops;     /* synapse deliveries (the core's SYNOPS)              */
    uint64_t slots;      /* synapse slots walked: rows x lanes (the core's SLOTS) */
    uint64_t cycles;     /* clock cycles of the steps per SPEC.md, "A time step"
                          * (the core's RUN_CYCLES)                              */
} snn_model_stats_t;

typedef struct snn_model {
    const snn_net_t *net;
    uint32_t dmax;
    uint32_t *first, *order; /* per-source synapse index (snn_net_csr)          */
    uint32_t lanes;          /* lanes of the core the cycles are counted for    */
    uint32_t *rows;          /* per source: synapse rows of `lanes` slots       */
    int32_t *u, *v;          /* 24-bit values                                   */
    uint8_t *ref;
    int64_t *ring;           /* [slot * n_neurons + neuron]: exact sums         */
    uint8_t *dring;          /* [slot * n_neurons + neuron]: a dendritic event  */
    uint8_t *pred;           /* predictive steps left                           */
    int32_t *tr;             /* [neuron * SNN_TRACES_MAX + k]: memory trace m_k  */
    uint16_t astro_c[SNN_ASTROS];
    uint32_t t;
    snn_model_stats_t stats;
} snn_model_t;

/* The network must stay alive and unchanged while the model uses it. */
int snn_model_init(snn_model_t *m, const snn_net_t *net, uint32_t dmax);
void snn_model_free(snn_model_t *m);

/* The lanes of the core whose SLOTS and RUN_CYCLES the model counts (power of two, default
 * 1): a source's rows are the largest count of its synapses with target mod lanes = k, as the
 * driver packs them (SPEC.md, "Synapses, delays and the ring buffer"). */
int snn_model_set_lanes(snn_model_t *m, uint32_t lanes);

/* One time step with the input axons of this step (any order, repeats allowed). Writes the
 * neurons that spiked, ascending, to spikes[] (room for n_neurons) and their count. */
int snn_model_step(snn_model_t *m, const uint32_t *axons, size_t n_in, uint32_t *spikes, size_t *n_spikes);

/* The soma term of neuron n's memory traces after an update (SPEC.md): sum over k of
 * floor(c_k m_k / 64). */
int64_t snn_trace_term(const snn_neuron_params_t *p, const int32_t m[SNN_TRACES_MAX]);

/* Overwrites a neuron's state (as a host write of the U and V words does): u and v are taken
 * modulo 2^24, sign-extended. */
void snn_model_set_state(snn_model_t *m, uint32_t n, int32_t u, int32_t v);

/* The cycles of one step per SPEC.md ("A time step"): input events with `in_rows` rows in
 * all, spikes with `spike_rows` rows in all, `nactive` neurons on `lanes` lanes. */
uint64_t snn_step_cycles(uint64_t n_in, uint64_t in_rows, uint64_t n_spikes, uint64_t spike_rows, uint32_t nactive,
                         uint32_t lanes);

/* The spec's arithmetic, exposed for tests. */
int32_t snn_wrap24(int64_t x);
int64_t snn_trunc4096(int64_t x); /* sign(x) * (|x| >> 12) */

/* ---- floating-point reference ---- */
typedef struct snn_fmodel {
    const snn_net_t *net;
    uint32_t dmax;
    uint32_t *first, *order;
    double *u, *v, *ring;
    double *tr; /* [neuron * SNN_TRACES_MAX + k] */
    uint8_t *ref, *dring, *pred;
    double astro_c[SNN_ASTROS];
    uint32_t t;
} snn_fmodel_t;

int snn_fmodel_init(snn_fmodel_t *m, const snn_net_t *net, uint32_t dmax);
void snn_fmodel_free(snn_fmodel_t *m);
int snn_fmodel_step(snn_fmodel_t *m, const uint32_t *axons, size_t n_in, uint32_t *spikes, size_t *n_spikes);

#endif
