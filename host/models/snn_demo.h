/*
 * snn_demo.h - small networks that compute something, shared by `neurocosim run` and the
 * benchmarks (the tests state their own copies next to their checks):
 *   coincidence detector: 3 axons, delays 7/4/0 align the pattern (0 at s, 1 at s+3, 2 at s+7);
 *   XOR: 2 rate-coded axons -> OR and AND neurons -> output neuron 2 (excited by OR,
 *        inhibited by AND through delays 0..15);
 *   context-gated neuron (active dendrites): axon 0 feed-forward, axon 1 context -> segment
 *        neuron 1 -> dendritic synapse -> soma 0, predictive for 10 steps (SPEC.md).
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

#endif
