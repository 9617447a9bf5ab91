/*
 * snn_demo.h - small networks that compute something, shared by `neurocosim run` and the
 * benchmarks (the tests state their own copies next to their checks):
 *   coincidence detector: 3 axons, delays 7/4/0 align the pattern (0 at s, 1 at s+3, 2 at s+7);
 *   XOR: 2 rate-coded axons -> OR and AND neurons -> output neuron 2 (excited by OR,
 *        inhibited by AND through delays 0..15);
 *   context-gated neuron (active dendrites): axon 0 feed-forward, axon 1 context -> segment
 *        neuron 1 -> dendritic synapse -> soma 0, predictive for 10 steps (SPEC.md);
 *   long-memory pattern (multi-timescale memory neuron): part A on axon 0, then part B on
 *        axon 1 50..200 steps later; the neuron fires for that and not for A alone, B alone,
 *        B then A, A and B together (0..10 steps apart) or too far apart (300..400 steps);
 *        and the best LIF neuron with the same two synapses, found by a search (SPEC.md).
 */
#ifndef SNN_DEMO_H
#define SNN_DEMO_H

#include <stddef.h>

#include "nc_util.h"
#include "snn_net.h"

int snn_demo_coincidence(snn_net_t *net);
/* reps presentations of the pattern (steps 0..reps*period) then of its time-reversed twin;
 * ev must have room for 6*reps events. */
size_t snn_demo_coincidence_input(snn_event_t *ev, unsigned reps, unsigned period);

int snn_demo_xor(snn_net_t *net);
/* Inputs x0, x1 (0 or 1) as Poisson trains of rate 0.5 over `steps`; ev room for 2*steps. */
size_t snn_demo_xor_input(snn_event_t *ev, int x0, int x1, unsigned steps, nc_rng_t *rng);

/* Soma 0 (vth 150, pred 10 steps, drop 60), segment 1 (vth 10), weights 100: the soma fires
 * on the feed-forward input only 1..10 steps after a context input. */
int snn_demo_context(snn_net_t *net);
/* Trials k = 0..trials-1 at steps period*(k+1): the context k steps before the feed-forward
 * input (none for k >= 15); ev room for 2*trials events, sorted by step. */
size_t snn_demo_context_input(snn_event_t *ev, unsigned trials, unsigned period);

/* ---- long-memory pattern (multi-timescale memory neurons) ---- */
#define SNN_MEM_PERIOD 1000 /* steps per trial: the events come in its first 400 steps      */
#define SNN_MEM_VOLLEY_LO 19 /* a part is a volley of 19..21 spikes on its axon in one step */
#define SNN_MEM_VOLLEY_HI 21 /* (amplitude +-5%: no detector may rely on exact sums)       */
enum {
    SNN_MEM_AB,      /* A, then B 50..200 steps later: fire                                */
    SNN_MEM_A,       /* A alone                                                           */
    SNN_MEM_B,       /* B alone                                                           */
    SNN_MEM_BA,      /* B, then A 50..200 steps later                                     */
    SNN_MEM_AB_FAR,  /* A, then B 300..400 steps later (beyond the window)                */
    SNN_MEM_AB_NEAR, /* A, then B 0..10 steps later (together: not a pattern of two parts) */
    SNN_MEM_KINDS
};
typedef struct snn_mem_trial {
    uint32_t start;    /* first step of the trial (k * SNN_MEM_PERIOD)                    */
    uint8_t kind;
    uint16_t gap;      /* steps between the two parts                                     */
    uint8_t n_a, n_b;  /* volley sizes                                                    */
} snn_mem_trial_t;
extern const char *const snn_mem_kind_name[SNN_MEM_KINDS];

/* Half the trials SNN_MEM_AB, the other half the negative kinds in turn, in a seeded random
 * order; gaps and volley sizes uniform in their ranges. */
void snn_demo_memory_trials(snn_mem_trial_t *tr, unsigned trials, nc_rng_t *rng);
/* The trials' input events, sorted; ev room for trials * 2 * SNN_MEM_VOLLEY_HI. */
size_t snn_demo_memory_input(snn_event_t *ev, const snn_mem_trial_t *tr, unsigned trials);
/* The memory neuron: neuron 0, traces 0 (slow, decay 20: ~200 steps) and 1 (decay 100: ~40
 * steps) with weights -C and +C (a band-pass memory of its input), axon 0 -> 0 weight -P,
 * axon 1 -> 0 weight +Q; u and v without memory (du = dv = 4095). */
int snn_demo_memory(snn_net_t *net);
/* A LIF neuron with the same two synapses (axon 0 and axon 1 -> neuron 0). */
typedef struct snn_mem_lif {
    uint16_t du, dv;
    int8_t w_a, w_b;
    uint8_t d_a, d_b;
    uint32_t vth;
} snn_mem_lif_t;
int snn_demo_memory_lif(snn_net_t *net, const snn_mem_lif_t *p);
/* Trials answered right (fired in its period exactly when its kind is SNN_MEM_AB), from the
 * output spikes of neuron 0; wrong[kind] (may be NULL) counts the errors per kind. */
unsigned snn_demo_memory_score(const snn_event_t *out, size_t n_out, const snn_mem_trial_t *tr, unsigned trials,
                               unsigned wrong[SNN_MEM_KINDS]);
/* Searches the LIF neurons with these two synapses: du x dv on a grid of time constants from
 * 1 step to ~4096, weights of either sign on a grid (ratio of A to B), delays 0..dmax-1 of
 * either synapse, and for each the best threshold, through the neuron's linear response
 * (exact before its first spike, from a state at rest); the 64 best by that estimate are then run on the bit-exact
 * model on the same trials, and the best of them is returned: *correct its trials right. */
int snn_demo_memory_lif_search(const snn_mem_trial_t *tr, unsigned trials, uint32_t dmax, snn_mem_lif_t *best,
                               unsigned *correct);
/* Runs net on the bit-exact model over the trials; *correct trials answered right. */
int snn_demo_memory_run_model(const snn_net_t *net, const snn_mem_trial_t *tr, unsigned trials, uint32_t dmax,
                              unsigned *correct, unsigned wrong[SNN_MEM_KINDS]);

#endif
