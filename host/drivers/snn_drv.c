/* snn_drv.c - the SNN core driver (snn_drv.h). */
#include "snn_drv.h"

#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "snn_regs.h"

static uint32_t neuron_addr(uint32_t n, uint32_t word)
{
    return SNN_WIN_NEURON_BASE + (n * SNN_NEURON_WORDS + word) * 4u;
}

int snn_dev_open(bus_t *bus, snn_dev_t *d)
{
    memset(d, 0, sizeof *d);
    d->bus = bus;
    d->poll_limit = 1u << 20;
    uint32_t id;
    NC_TRY(bus_read32(bus, SNN_ID, &id));
    if (id != SNN_ID_RESET)
        return nc_err_set(NC_ERR_HW, "%s: SNN ID register reads 0x%08x, expected 0x%08x", bus->name, id,
                          SNN_ID_RESET);
    NC_TRY(bus_read32(bus, SNN_NMAX, &d->nmax));
    NC_TRY(bus_read32(bus, SNN_AMAX, &d->amax));
    NC_TRY(bus_read32(bus, SNN_LANES, &d->lanes));
    NC_TRY(bus_read32(bus, SNN_DMAX, &d->dmax));
    NC_TRY(bus_read32(bus, SNN_SROWS, &d->srows));
    NC_TRY(bus_read32(bus, SNN_FIFO_DEPTH, &d->fifo_depth));
    NC_TRY(bus_read32(bus, SNN_TRACES, &d->traces));
    if (d->traces > SNN_TRACES_MAX)
        return nc_err_set(NC_ERR_HW, "%s: SNN TRACES=%u: expected 0..%d", bus->name, d->traces, SNN_TRACES_MAX);
    if (!d->lanes || !d->dmax)
        return nc_err_set(NC_ERR_HW, "%s: SNN geometry LANES=%u DMAX=%u: expected non-zero", bus->name, d->lanes,
                          d->dmax);
    return NC_OK;
}

void snn_pack_neuron(const snn_neuron_params_t *p, uint32_t w[4])
{
    w[0] = (uint32_t)p->du | (uint32_t)p->dv << 12 | (uint32_t)p->refr << 24 |
           (uint32_t)(p->astro >= 0 ? p->astro : 0) << 28 | (uint32_t)(p->astro >= 0) << 30 |
           (uint32_t)p->out << 31;
    w[1] = ((uint32_t)p->bias_mant & 0x1fffu) | (uint32_t)p->bias_exp << 13;
    w[2] = p->vth;
    w[3] = (uint32_t)(p->pred_steps & 0xfu) | (p->pred_drop & 0x1ffffu) << 4;
}

static uint32_t trace_addr(uint32_t n, uint32_t word)
{
    return SNN_WIN_TRACE_BASE + (n * SNN_TRACE_WORDS + word) * 4u;
}

void snn_pack_traces(const snn_neuron_params_t *p, uint32_t w[SNN_TRACES_MAX])
{
    for (int k = 0; k < SNN_TRACES_MAX; k++)
        w[k] = (uint32_t)(p->tr_decay[k] & 0xfffu) | (uint32_t)(uint8_t)p->tr_weight[k] << 12;
}

static int load_neurons(snn_dev_t *d, const snn_net_t *net)
{
    for (uint32_t n = 0; n < net->n_neurons; n++) {
        uint32_t w[4];
        snn_pack_neuron(&net->neuron[n], w);
        NC_TRY(bus_write_burst(d->bus, neuron_addr(n, SNN_NW_P0), w, 4));
        /* every trace of the build, also those the network leaves at 0 (a neuron without
         * traces must not keep a previous network's) */
        if (d->traces) {
            uint32_t tw[SNN_TRACES_MAX];
            snn_pack_traces(&net->neuron[n], tw);
            NC_TRY(bus_write_burst(d->bus, trace_addr(n, SNN_TW_TP), tw, d->traces));
        }
    }
    for (int j = 0; j < SNN_ASTROS; j++) {
        const snn_astro_params_t *a = &net->astro[j];
        uint32_t cfg = (uint32_t)a->leak_shift | (uint32_t)a->inc << 8 | (uint32_t)(uint8_t)a->gain << 16;
        NC_TRY(bus_write32(d->bus, SNN_ASTRO_CFG0 + 4u * (uint32_t)j, cfg));
    }
    NC_TRY(bus_write32(d->bus, SNN_WEXP, net->wexp));
    return bus_write32(d->bus, SNN_NACTIVE, net->n_neurons);
}

/* Writes the synapses of source s as rows of `lanes` slots: lane k holds the synapses whose
 * target is k mod lanes, in the order they were added; missing slots are invalid (0). */
static int load_source(snn_dev_t *d, const snn_net_t *net, uint32_t s, const uint32_t *idx, uint32_t cnt,
                       uint32_t *row_words, uint32_t *lane_fill)
{
    uint32_t L = d->lanes, rows = 0;
    memset(lane_fill, 0, L * sizeof *lane_fill);
    for (uint32_t i = 0; i < cnt; i++) {
        uint32_t k = net->syn[idx[i]].target % L;
        if (++lane_fill[k] > rows)
            rows = lane_fill[k];
    }
    if (rows > 0xffffu || d->rows_used + rows > d->srows)
        return nc_err_set(NC_ERR_ARG, "source %u: %u synapse rows after %u used: the core has %u rows", s, rows,
                          d->rows_used, d->srows);
    memset(row_words, 0, (size_t)rows * L * sizeof *row_words);
    memset(lane_fill, 0, L * sizeof *lane_fill);
    for (uint32_t i = 0; i < cnt; i++) {
        const snn_syn_t *y = &net->syn[idx[i]];
        uint32_t k = y->target % L, r = lane_fill[k]++;
        row_words[(size_t)r * L + k] = 1u << 31 | (uint32_t)y->dend << 30 | (uint32_t)y->delay << 24 |
                                       (uint32_t)(uint8_t)y->weight << 16 | y->target;
    }
    uint32_t start = d->rows_used;
    if (rows)
        NC_TRY(bus_write_burst(d->bus, SNN_WIN_SYN_BASE + start * L * 4u, row_words, (size_t)rows * L));
    d->rows_used += rows;
    uint32_t ptr = rows ? (start | rows << 16) : 0;
    return bus_write32(d->bus, SNN_WIN_PTR_BASE + (s < net->n_axons ? s : d->amax + s - net->n_axons) * 4u, ptr);
}

static int load_synapses(snn_dev_t *d, const snn_net_t *net)
{
    uint32_t *first, *order;
    NC_TRY(snn_net_csr(net, &first, &order));
    uint32_t max_fan = 0, ns = net->n_axons + net->n_neurons;
    for (uint32_t s = 0; s < ns; s++)
        if (first[s + 1] - first[s] > max_fan)
            max_fan = first[s + 1] - first[s];
    uint32_t *row_words = malloc(((size_t)max_fan + 1) * d->lanes * sizeof *row_words);
    uint32_t *lane_fill = malloc(d->lanes * sizeof *lane_fill);
    int rc = row_words && lane_fill ? NC_OK : nc_err_set(NC_ERR_NOMEM, "no memory for synapse rows");
    d->rows_used = 0;
    for (uint32_t s = 0; s < ns && rc == NC_OK; s++)
        rc = load_source(d, net, s, order + first[s], first[s + 1] - first[s], row_words, lane_fill);
    /* Sources the network does not use point at no rows. */
    for (uint32_t a = net->n_axons; a < d->amax && rc == NC_OK; a++)
        rc = bus_write32(d->bus, SNN_WIN_PTR_BASE + a * 4u, 0);
    for (uint32_t n = net->n_neurons; n < d->nmax && rc == NC_OK; n++)
        rc = bus_write32(d->bus, SNN_WIN_PTR_BASE + (d->amax + n) * 4u, 0);
    free(row_words);
    free(lane_fill);
    free(first);
    free(order);
    return rc;
}

int snn_dev_load(snn_dev_t *d, const snn_net_t *net)
{
    NC_TRY(snn_net_check(net, d->nmax, d->amax, d->dmax));
    uint32_t k_used = snn_net_traces(net);
    if (k_used > d->traces) {
        for (uint32_t n = 0; n < net->n_neurons; n++)
            for (uint32_t k = d->traces; k < SNN_TRACES_MAX; k++)
                if (net->neuron[n].tr_decay[k] || net->neuron[n].tr_weight[k])
                    return nc_err_set(NC_ERR_ARG,
                                      "neuron %u: trace %u (decay %u, weight %d): this build has %u traces per "
                                      "neuron (TRACES; expected trace 0..%d)",
                                      n, k, net->neuron[n].tr_decay[k], net->neuron[n].tr_weight[k], d->traces,
                                      (int)d->traces - 1);
    }
    NC_TRY(load_neurons(d, net));
    NC_TRY(load_synapses(d, net));
    d->n_neurons = net->n_neurons;
    d->n_axons = net->n_axons;
    return snn_dev_clear(d);
}

static int wait_idle(snn_dev_t *d, const char *what)
{
    return bus_poll(d->bus, SNN_STATUS, SNN_STATUS_BUSY_MASK, 0, d->poll_limit, 64, what, NULL);
}

int snn_dev_clear(snn_dev_t *d)
{
    NC_TRY(bus_write32(d->bus, SNN_CTRL, SNN_CTRL_CLEAR_MASK));
    return wait_idle(d, "SNN CLEAR");
}

int snn_dev_push(snn_dev_t *d, uint32_t step, uint32_t axon)
{
    if (axon >= d->n_axons || axon >= d->amax)
        return nc_err_set(NC_ERR_ARG, "input event (step %u, axon %u): axon out of range, expected < %u", step, axon,
                          d->n_axons < d->amax ? d->n_axons : d->amax);
    return bus_write32(d->bus, SNN_IN_FIFO, (step & 0xffffu) << 16 | axon);
}

int snn_dev_run(snn_dev_t *d, uint32_t steps)
{
    NC_TRY(bus_write32(d->bus, SNN_STEPS, steps));
    NC_TRY(bus_write32(d->bus, SNN_CTRL, SNN_CTRL_RUN_MASK));
    return wait_idle(d, "SNN RUN");
}

int snn_dev_drain(snn_dev_t *d, uint32_t step_hi, snn_event_t *ev, size_t cap, size_t *n)
{
    uint32_t level;
    *n = 0;
    NC_TRY(bus_read32(d->bus, SNN_OUT_LEVEL, &level));
    if (level > cap)
        return nc_err_set(NC_ERR_ARG, "SNN output FIFO holds %u events: room for %zu", level, cap);
    for (uint32_t i = 0; i < level; i++) {
        uint32_t w;
        NC_TRY(bus_read32(d->bus, SNN_OUT_FIFO, &w));
        uint32_t lo = w >> 16, step = (step_hi & ~0xffffu) | lo;
        if (step < step_hi)
            step += 0x10000u;
        ev[i] = (snn_event_t){step, w & 0xffffu};
    }
    *n = level;
    return NC_OK;
}

int snn_dev_read_state(snn_dev_t *d, uint32_t first, uint32_t count, int32_t *u, int32_t *v, uint8_t *ref)
{
    if (first + count > d->nmax)
        return nc_err_set(NC_ERR_ARG, "read state of neurons %u..%u: the core has %u", first, first + count - 1,
                          d->nmax);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t w[3];
        NC_TRY(bus_read_burst(d->bus, neuron_addr(first + i, SNN_NW_U), w, 3));
        if (u)
            u[i] = (int32_t)w[0];
        if (v)
            v[i] = (int32_t)w[1];
        if (ref)
            ref[i] = (uint8_t)w[2];
    }
    return NC_OK;
}

int snn_dev_read_pred(snn_dev_t *d, uint32_t first, uint32_t count, uint8_t *pred)
{
    if (first + count > d->nmax)
        return nc_err_set(NC_ERR_ARG, "read PRED of neurons %u..%u: the core has %u", first, first + count - 1,
                          d->nmax);
    for (uint32_t i = 0; i < count; i++) {
        uint32_t w;
        NC_TRY(bus_read32(d->bus, neuron_addr(first + i, SNN_NW_PRED), &w));
        pred[i] = (uint8_t)w;
    }
    return NC_OK;
}

int snn_dev_read_traces(snn_dev_t *d, uint32_t first, uint32_t count, int32_t *m)
{
    if (first + count > d->nmax)
        return nc_err_set(NC_ERR_ARG, "read traces of neurons %u..%u: the core has %u", first, first + count - 1,
                          d->nmax);
    for (uint32_t i = 0; i < count && d->traces; i++) {
        uint32_t w[SNN_TRACES_MAX];
        NC_TRY(bus_read_burst(d->bus, trace_addr(first + i, SNN_TW_TM), w, d->traces));
        for (uint32_t k = 0; k < d->traces; k++)
            m[(size_t)i * SNN_TRACES_MAX + k] = (int32_t)w[k];
    }
    return NC_OK;
}

int snn_dev_write_state(snn_dev_t *d, uint32_t n, int32_t u, int32_t v)
{
    if (n >= d->nmax)
        return nc_err_set(NC_ERR_ARG, "write state of neuron %u: the core has %u", n, d->nmax);
    NC_TRY(bus_write32(d->bus, neuron_addr(n, SNN_NW_U), (uint32_t)u & 0xffffffu));
    return bus_write32(d->bus, neuron_addr(n, SNN_NW_V), (uint32_t)v & 0xffffffu);
}

int snn_dev_astro(snn_dev_t *d, uint16_t c[SNN_ASTROS])
{
    for (int j = 0; j < SNN_ASTROS; j++) {
        uint32_t w;
        NC_TRY(bus_read32(d->bus, SNN_ASTRO0 + 4u * (uint32_t)j, &w));
        c[j] = (uint16_t)w;
    }
    return NC_OK;
}

int snn_dev_counters(snn_dev_t *d, snn_counters_t *c)
{
    NC_TRY(bus_read32(d->bus, SNN_ERR, &c->err));
    NC_TRY(bus_read32(d->bus, SNN_IN_DROPS, &c->in_drops));
    NC_TRY(bus_read32(d->bus, SNN_OUT_DROPS, &c->out_drops));
    NC_TRY(bus_read32(d->bus, SNN_LATE_DROPS, &c->late_drops));
    NC_TRY(bus_read32(d->bus, SNN_SAT_COUNT, &c->sat_count));
    NC_TRY(bus_read32(d->bus, SNN_TSTEP, &c->tstep));
    NC_TRY(bus_read32(d->bus, SNN_RUN_CYCLES, &c->run_cycles));
    NC_TRY(bus_read32(d->bus, SNN_SYNOPS, &c->synops));
    return bus_read32(d->bus, SNN_SLOTS, &c->slots);
}

int snn_dev_clear_errors(snn_dev_t *d, uint32_t mask) { return bus_write32(d->bus, SNN_ERR, mask); }

int snn_dev_set_probe(snn_dev_t *d, unsigned k, uint32_t neuron)
{
    if (k >= 4 || neuron >= d->nmax)
        return nc_err_set(NC_ERR_ARG, "probe %u on neuron %u: expected probe 0..3, neuron < %u", k, neuron, d->nmax);
    return bus_write32(d->bus, SNN_PROBE0 + 4u * k, neuron);
}

int snn_dev_probe(snn_dev_t *d, unsigned k, int32_t *u, int32_t *v, int *spike)
{
    if (k >= 4)
        return nc_err_set(NC_ERR_ARG, "probe %u: expected 0..3", k);
    uint32_t wu, wv, ws;
    NC_TRY(bus_read32(d->bus, SNN_PROBE_U0 + 4u * k, &wu));
    NC_TRY(bus_read32(d->bus, SNN_PROBE_V0 + 4u * k, &wv));
    NC_TRY(bus_read32(d->bus, SNN_PROBE_SPIKE, &ws));
    *u = (int32_t)wu;
    *v = (int32_t)wv;
    *spike = (int)(ws >> k & 1u);
    return NC_OK;
}
