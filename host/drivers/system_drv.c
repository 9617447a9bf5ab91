/* system_drv.c - the hybrid block's driver (system_drv.h). */
#include "system_drv.h"

#include <string.h>

#include "hybrid_regs.h"

int hyb_open(bus_t *bus)
{
    uint32_t id;
    NC_TRY(bus_read32(bus, HYBRID_ID, &id));
    if (id != HYBRID_ID_RESET)
        return nc_err_set(NC_ERR_HW, "%s: hybrid ID register reads 0x%08x, expected 0x%08x",
                          bus->name, id, HYBRID_ID_RESET);
    return NC_OK;
}

int hyb_arm(bus_t *bus, const hyb_window_t *w)
{
    if (w->step_cycles == 0 || w->window <= w->holdoff)
        return nc_err_set(NC_ERR_ARG, "hybrid: step_cycles %u, window %u, holdoff %u: expected "
                          "step_cycles >= 1 and window > holdoff", w->step_cycles, w->window,
                          w->holdoff);
    NC_TRY(bus_write32(bus, HYBRID_CTRL, 0));
    NC_TRY(bus_write32(bus, HYBRID_DAC_A, w->dac_a));
    NC_TRY(bus_write32(bus, HYBRID_DAC_B, w->dac_b));
    NC_TRY(bus_write32(bus, HYBRID_WINDOW, w->window));
    NC_TRY(bus_write32(bus, HYBRID_HOLDOFF, w->holdoff));
    NC_TRY(bus_write32(bus, HYBRID_STEP_CYCLES, w->step_cycles));
    NC_TRY(bus_write32(bus, HYBRID_AXON, w->axon));
    return NC_OK;
}

int hyb_start(bus_t *bus)
{
    return bus_write32(bus, HYBRID_CTRL, HYBRID_CTRL_BIAS_EN_MASK | HYBRID_CTRL_ENC_EN_MASK |
                                             HYBRID_CTRL_IRQ_EN_MASK);
}

int hyb_wait(bus_t *bus, uint32_t max_cycles)
{
    /* The line also carries the SNN core's interrupt: the poll below decides. */
    if (bus_has_irq(bus))
        NC_TRY(bus_wait_irq(bus, max_cycles, "hybrid window"));
    return bus_poll(bus, HYBRID_STATUS, HYBRID_STATUS_DONE_MASK | HYBRID_STATUS_ENC_BUSY_MASK,
                    HYBRID_STATUS_DONE_MASK, max_cycles / 16 + 16, 16,
                    "hybrid window and encoder queue", NULL);
}

int hyb_read(bus_t *bus, hyb_result_t *r)
{
    memset(r, 0, sizeof *r);
    NC_TRY(bus_read32(bus, HYBRID_EDGES, &r->edges));
    NC_TRY(bus_read32(bus, HYBRID_EVENTS, &r->events));
    NC_TRY(bus_read32(bus, HYBRID_DROPS, &r->drops));
    NC_TRY(bus_read32(bus, HYBRID_CYCLE, &r->cycle));
    NC_TRY(bus_read32(bus, HYBRID_STATUS, &r->status));
    NC_TRY(bus_read_burst(bus, HYBRID_WIN_EVLOG_BASE, r->log, HYB_LOG_WORDS));
    return NC_OK;
}

int hyb_stop(bus_t *bus) { return bus_write32(bus, HYBRID_CTRL, 0); }
