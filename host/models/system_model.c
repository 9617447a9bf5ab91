/* system_model.c - the interface and encoder model of system_model.h. */
#include "system_model.h"

#include <stdbool.h>

/* Level sampled at edge e: parity of the toggles at times <= t_on + e * clk. */
static int level_at(const sysm_cfg_t *c, const double *tg, size_t n, int64_t e)
{
    if (e <= 0)
        return 0;
    double t = c->t_on_ps + (double)e * c->clk_ps;
    size_t k = 0;
    while (k < n && tg[k] <= t)
        k++;
    return (int)(k & 1u);
}

size_t sysm_expect(const sysm_cfg_t *c, const double *toggles_ps, size_t n, uint32_t *cycles,
                   snn_event_t *ev, size_t cap)
{
    size_t found = 0;
    uint32_t sc = c->step_cycles ? c->step_cycles : 1;
    /* a change at k is logged with cycle k + 1 < window */
    for (int64_t k = 1; k + 1 < (int64_t)c->window; k++) {
        if (level_at(c, toggles_ps, n, k) == level_at(c, toggles_ps, n, k - 1))
            continue;
        uint32_t cyc = (uint32_t)(k + 1);
        if (cyc < c->holdoff)
            continue;
        if (found < cap) {
            if (cycles)
                cycles[found] = cyc;
            if (ev)
                ev[found] = (snn_event_t){(cyc / sc) & 0xffffu, c->axon};
        }
        found++;
    }
    return found;
}
