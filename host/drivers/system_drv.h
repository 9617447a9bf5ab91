/*
 * system_drv.h - driver of the hybrid chip's stimulus and interface block (rtl/hybrid,
 * register map docs/hybrid_regs.md). The chip's SNN core sits on the same bus below 0x800000:
 * drive it with snn_drv.h on the same bus_t.
 *
 * A window: hyb_arm() writes the DAC codes, the window and hold-off, the step length and the
 * axon of the interface channel; hyb_start() turns the SFQ bias on (the analog side starts at
 * that clock edge) with the encoder on; hyb_wait() waits (bounded) for the window's end and
 * for the encoder to have written every event into the SNN core; hyb_read() reads the counts
 * and the event log.
 */
#ifndef SYSTEM_DRV_H
#define SYSTEM_DRV_H

#include <stdint.h>

#include "bus.h"
#include "nc_error.h"

#define HYB_LOG_WORDS 16

typedef struct hyb_window {
    uint8_t dac_a, dac_b;      /* DAC codes of inputs A and B                       */
    uint32_t window;           /* cycles after the bias edge that are encoded       */
    uint32_t holdoff;          /* cycles after the bias edge that are not           */
    uint16_t step_cycles;      /* cycles per SNN step of the event timestamps (>= 1) */
    uint16_t axon;             /* the SNN axon of the interface channel             */
} hyb_window_t;

typedef struct hyb_result {
    uint32_t edges, events, drops, cycle;
    uint32_t status;
    uint32_t log[HYB_LOG_WORDS]; /* cycle of level change i (i < min(edges, 16)) */
} hyb_result_t;

NC_MUST_CHECK int hyb_open(bus_t *bus);
NC_MUST_CHECK int hyb_arm(bus_t *bus, const hyb_window_t *w);
NC_MUST_CHECK int hyb_start(bus_t *bus);
/* Waits for the window's end (irq, at most max_cycles) and the encoder's queue to drain. */
NC_MUST_CHECK int hyb_wait(bus_t *bus, uint32_t max_cycles);
NC_MUST_CHECK int hyb_read(bus_t *bus, hyb_result_t *r);
/* Turns the SFQ bias off (ends the analog run) and the encoder. */
NC_MUST_CHECK int hyb_stop(bus_t *bus);

#endif
