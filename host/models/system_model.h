/*
 * system_model.h - golden model of the hybrid chip's SFQ -> CMOS interface and AER encoder
 * (rtl/hybrid/README.md), fed with the analog event times a co-simulation actually observed.
 *
 * Timing (cycle-exact, as the RTL): edge 0 is the clock edge at which the SFQ bias turned on
 * (platform time t_on); edge e is at t_on + e * clk. L(e), the level the synchroniser's first
 * flop samples at edge e, is the parity of the level toggles at times <= that edge (0 for
 * e <= 0). A change between L(k-1) and L(k) is detected at edge k + 2 (two flops, then the
 * compare), and logged with cycle k + 1 (the cycle counter before that edge); it counts when
 * holdoff <= k + 1 < window. Its AER event is (step (k + 1) / step_cycles, axon).
 */
#ifndef SYSTEM_MODEL_H
#define SYSTEM_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "snn_net.h"

typedef struct sysm_cfg {
    double t_on_ps, clk_ps;
    uint32_t window, holdoff, step_cycles, axon;
} sysm_cfg_t;

/* Expected level changes: their log cycles (cycles[i], at most cap) and events (ev, at most
 * cap); returns the number of changes detected in the window. toggles_ps: the platform times
 * of the level toggles, sorted. */
size_t sysm_expect(const sysm_cfg_t *c, const double *toggles_ps, size_t n, uint32_t *cycles,
                   snn_event_t *ev, size_t cap);

#endif
