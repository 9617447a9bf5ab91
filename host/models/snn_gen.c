/* snn_gen.c - random networks and Poisson inputs (snn_gen.h). */
#include "snn_gen.h"

#include <stdlib.h>

#include "nc_error.h"

uint32_t snn_gen_layer_first(const snn_gen_opts_t *o, int k)
{
    uint32_t f = 0;
    for (int i = 0; i < k; i++)
        f += o->layer[i];
    return f;
}

static unsigned draw_delay(nc_rng_t *rng, uint32_t dmax)
{
    uint32_t r = nc_rng_below(rng, 8);
    if (r == 0)
        return 0;
    if (r == 1)
        return dmax - 1;
    return nc_rng_below(rng, dmax);
}

static snn_neuron_params_t draw_neuron(const snn_gen_opts_t *o, nc_rng_t *rng, int layer)
{
    snn_neuron_params_t p = {0};
    if (o->wild) {
        p.du = (uint16_t)(nc_rng_below(rng, 4) == 0 ? nc_rng_below(rng, 4096) : nc_rng_below(rng, 512));
        p.dv = (uint16_t)(nc_rng_below(rng, 4) == 0 ? nc_rng_below(rng, 4096) : nc_rng_below(rng, 512));
        p.bias_mant = (int16_t)nc_rng_range(rng, -4096, 4095);
        p.bias_exp = (uint8_t)nc_rng_below(rng, 8);
        p.refr = (uint8_t)nc_rng_below(rng, 16);
    } else {
        p.du = (uint16_t)nc_rng_range(rng, 64, 512);
        p.dv = (uint16_t)nc_rng_range(rng, 64, 512);
        p.refr = (uint8_t)nc_rng_below(rng, 3);
    }
    p.vth = (uint32_t)nc_rng_range(rng, o->vth_lo, o->vth_hi);
    p.astro = (int8_t)(o->astro && layer < SNN_ASTROS ? layer : -1);
    p.out = !o->out_last_only || layer == o->n_layers - 1;
    return p;
}

static int connect(snn_net_t *net, const snn_gen_opts_t *o, nc_rng_t *rng, uint32_t s0, uint32_t ns, uint32_t t0,
                   uint32_t nt, double p)
{
    for (uint32_t s = s0; s < s0 + ns; s++)
        for (uint32_t t = t0; t < t0 + nt; t++)
            if (nc_rng_uniform(rng) < p) {
                int w = (int)nc_rng_range(rng, o->w_lo, o->w_hi);
                int rc = snn_net_add_syn(net, s, t, w, draw_delay(rng, o->dmax));
                if (rc)
                    return rc;
            }
    return NC_OK;
}

int snn_gen_layered(snn_net_t *net, const snn_gen_opts_t *o, nc_rng_t *rng)
{
    if (o->n_layers < 1 || o->n_layers > SNN_GEN_MAX_LAYERS || o->dmax == 0 || o->vth_lo > o->vth_hi)
        return nc_err_set(NC_ERR_ARG, "snn_gen: %d layers, dmax %u, vth %u..%u: expected 1..8 layers, dmax > 0",
                          o->n_layers, o->dmax, o->vth_lo, o->vth_hi);
    uint32_t total = snn_gen_layer_first(o, o->n_layers);
    int rc = snn_net_init(net, total, o->n_axons);
    if (rc)
        return rc;
    net->wexp = o->wexp;
    for (int j = 0; j < SNN_ASTROS && o->astro; j++)
        net->astro[j] = (snn_astro_params_t){(uint8_t)nc_rng_range(rng, 1, 6), (uint8_t)nc_rng_range(rng, 1, 64),
                                             (int8_t)nc_rng_range(rng, -128, 127)};
    for (int k = 0; k < o->n_layers && rc == NC_OK; k++) {
        uint32_t f = snn_gen_layer_first(o, k);
        for (uint32_t i = f; i < f + o->layer[k]; i++)
            net->neuron[i] = draw_neuron(o, rng, k);
        uint32_t src0 = k == 0 ? 0 : o->n_axons + snn_gen_layer_first(o, k - 1);
        uint32_t nsrc = k == 0 ? o->n_axons : o->layer[k - 1];
        rc = connect(net, o, rng, src0, nsrc, f, o->layer[k], o->p_ff);
        if (rc == NC_OK && o->p_rec > 0)
            rc = connect(net, o, rng, o->n_axons + f, o->layer[k], f, o->layer[k], o->p_rec);
    }
    if (rc)
        snn_net_free(net);
    return rc;
}

size_t snn_gen_poisson_step(uint32_t n_axons, double rate, nc_rng_t *rng, uint32_t *axons)
{
    size_t k = 0;
    for (uint32_t a = 0; a < n_axons; a++)
        if (nc_rng_uniform(rng) < rate)
            axons[k++] = a;
    return k;
}

int snn_gen_poisson(uint32_t n_axons, uint32_t steps, double rate, nc_rng_t *rng, snn_event_t **ev, size_t *n)
{
    size_t cap = 1024, k = 0;
    snn_event_t *e = malloc(cap * sizeof *e);
    uint32_t *axons = malloc((n_axons ? n_axons : 1) * sizeof *axons);
    if (!e || !axons) {
        free(e);
        free(axons);
        return nc_err_set(NC_ERR_NOMEM, "no memory for events");
    }
    for (uint32_t t = 0; t < steps; t++) {
        size_t m = snn_gen_poisson_step(n_axons, rate, rng, axons);
        if (k + m > cap) {
            while (k + m > cap)
                cap *= 2;
            snn_event_t *g = realloc(e, cap * sizeof *g);
            if (!g) {
                free(e);
                free(axons);
                return nc_err_set(NC_ERR_NOMEM, "no memory for events");
            }
            e = g;
        }
        for (size_t i = 0; i < m; i++)
            e[k++] = (snn_event_t){t, axons[i]};
    }
    free(axons);
    *ev = e;
    *n = k;
    return NC_OK;
}
