/* snn_demo.c - the demonstration networks (snn_demo.h); their reasoning is in the tests
 * tests/test_snn_func.c, which check them. */
#include "snn_demo.h"

#include <stdlib.h>

#include "nc_error.h"

int snn_demo_coincidence(snn_net_t *net)
{
    int rc = snn_net_init(net, 1, 3);
    if (rc)
        return rc;
    net->neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 2048, .vth = 250, .refr = 2, .astro = -1, .out = true};
    const unsigned delay[3] = {7, 4, 0};
    for (uint32_t a = 0; a < 3 && rc == NC_OK; a++)
        rc = snn_net_add_syn(net, a, 0, 100, delay[a]);
    return rc;
}

size_t snn_demo_coincidence_input(snn_event_t *ev, unsigned reps, unsigned period)
{
    size_t n = 0;
    for (unsigned r = 0; r < reps; r++) {
        unsigned s = r * period;
        ev[n++] = (snn_event_t){s, 0}, ev[n++] = (snn_event_t){s + 3, 1}, ev[n++] = (snn_event_t){s + 7, 2};
    }
    for (unsigned r = 0; r < reps; r++) {
        unsigned s = (reps + r) * period;
        ev[n++] = (snn_event_t){s, 2}, ev[n++] = (snn_event_t){s + 4, 1}, ev[n++] = (snn_event_t){s + 7, 0};
    }
    return n;
}

int snn_demo_xor(snn_net_t *net)
{
    int rc = snn_net_init(net, 3, 2);
    if (rc)
        return rc;
    net->neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 2048, .vth = 47, .astro = -1};
    net->neuron[1] = (snn_neuron_params_t){.du = 4095, .dv = 2048, .vth = 125, .astro = -1};
    net->neuron[2] = (snn_neuron_params_t){.du = 512, .dv = 2048, .vth = 100, .refr = 1, .astro = -1, .out = true};
    for (uint32_t a = 0; a < 2 && rc == NC_OK; a++) {
        rc = snn_net_add_syn(net, a, 0, 60, 0);
        if (rc == NC_OK)
            rc = snn_net_add_syn(net, a, 1, 60, 0);
    }
    if (rc == NC_OK)
        rc = snn_net_add_syn(net, 2 + 0, 2, 60, 0);
    for (unsigned d = 0; d < 16 && rc == NC_OK; d++)
        rc = snn_net_add_syn(net, 2 + 1, 2, -128, d);
    return rc;
}

size_t snn_demo_xor_input(snn_event_t *ev, int x0, int x1, unsigned steps, nc_rng_t *rng)
{
    size_t n = 0;
    for (unsigned t = 0; t < steps; t++) {
        if (x0 && nc_rng_uniform(rng) < 0.5)
            ev[n++] = (snn_event_t){t, 0};
        if (x1 && nc_rng_uniform(rng) < 0.5)
            ev[n++] = (snn_event_t){t, 1};
    }
    return n;
}

int snn_demo_context(snn_net_t *net)
{
    int rc = snn_net_init(net, 2, 2);
    if (rc)
        return rc;
    net->neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 150, .astro = -1, .out = true,
                                           .pred_steps = 10, .pred_drop = 60};
    net->neuron[1] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 10, .astro = -1};
    rc = snn_net_add_syn(net, 0, 0, 100, 0);
    if (rc == NC_OK)
        rc = snn_net_add_syn(net, 1, 1, 100, 0);
    if (rc == NC_OK)
        rc = snn_net_add_dsyn(net, 2 + 1, 0, 0);
    if (rc)
        snn_net_free(net);
    return rc;
}

size_t snn_demo_context_input(snn_event_t *ev, unsigned trials, unsigned period)
{
    size_t n = 0;
    for (unsigned k = 0; k < trials; k++) {
        uint32_t t = period * (k + 1);
        if (k < 15 && k < period)
            ev[n++] = (snn_event_t){t - k, 1};
        ev[n++] = (snn_event_t){t, 0};
    }
    snn_events_sort(ev, n);
    return n;
}
