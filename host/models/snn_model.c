/* snn_model.c - bit-exact and floating-point models of the SNN core (snn_model.h, SPEC.md). */
#include "snn_model.h"

#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

#define V_LIMIT ((1 << 23) - 1)

int32_t snn_wrap24(int64_t x)
{
    uint32_t low = (uint32_t)((uint64_t)x & 0xffffffu);
    return (low & 0x800000u) ? (int32_t)low - (1 << 24) : (int32_t)low;
}

int64_t snn_trunc4096(int64_t x) { return x < 0 ? -((-x) >> 12) : x >> 12; }

/* floor(x / 2^s) without relying on >> of a negative number. */
static int64_t floor_shift(int64_t x, unsigned s)
{
    int64_t d = (int64_t)1 << s;
    return x >= 0 ? x / d : -((-x + d - 1) / d);
}

/* The state both models share in layout: the synapse index, u and v (val_size bytes each),
 * refractory counters and the delay ring (ring_size bytes per slot and neuron). On failure
 * nothing stays allocated. */
typedef struct state_mem {
    uint32_t *first, *order;
    void *u, *v, *ring;
    uint8_t *ref, *dring, *pred;
    void *tr;
} state_mem_t;

static void free_state(state_mem_t *s)
{
    free(s->first), free(s->order), free(s->u), free(s->v), free(s->ring), free(s->ref);
    free(s->dring), free(s->pred), free(s->tr);
    memset(s, 0, sizeof *s);
}

static int alloc_state(const snn_net_t *net, uint32_t dmax, size_t val_size, size_t ring_size,
                       const char *what, state_mem_t *s)
{
    memset(s, 0, sizeof *s);
    if (dmax == 0 || dmax > 64)
        return nc_err_set(NC_ERR_ARG, "%s: dmax %u: expected 1..64", what, dmax);
    int rc = snn_net_check(net, 65535, 65535, dmax);
    if (!rc)
        rc = snn_net_csr(net, &s->first, &s->order);
    if (rc)
        return rc;
    uint32_t n = net->n_neurons;
    s->u = calloc(n, val_size);
    s->v = calloc(n, val_size);
    s->ref = calloc(n, 1);
    s->ring = calloc((size_t)dmax * n, ring_size);
    s->dring = calloc((size_t)dmax * n, 1);
    s->pred = calloc(n, 1);
    s->tr = calloc((size_t)n * SNN_TRACES_MAX, val_size);
    if (!s->u || !s->v || !s->ref || !s->ring || !s->dring || !s->pred || !s->tr) {
        free_state(s);
        return nc_err_set(NC_ERR_NOMEM, "%s: no memory for %u neurons", what, n);
    }
    return NC_OK;
}

int snn_model_init(snn_model_t *m, const snn_net_t *net, uint32_t dmax)
{
    memset(m, 0, sizeof *m);
    state_mem_t s;
    int rc = alloc_state(net, dmax, sizeof *m->u, sizeof *m->ring, "snn model", &s);
    if (rc)
        return rc;
    *m = (snn_model_t){.net = net, .dmax = dmax, .first = s.first, .order = s.order, .u = s.u,
                       .v = s.v, .ref = s.ref, .ring = s.ring, .dring = s.dring, .pred = s.pred, .tr = s.tr};
    rc = snn_model_set_lanes(m, 1);
    if (rc)
        snn_model_free(m);
    return rc;
}

int snn_model_set_lanes(snn_model_t *m, uint32_t lanes)
{
    if (lanes == 0 || lanes > 64 || (lanes & (lanes - 1)))
        return nc_err_set(NC_ERR_ARG, "snn model: %u lanes: expected a power of two 1..64", lanes);
    const snn_net_t *net = m->net;
    uint32_t ns = net->n_axons + net->n_neurons, fill[64];
    uint32_t *rows = calloc(ns ? ns : 1, sizeof *rows);
    if (!rows)
        return nc_err_set(NC_ERR_NOMEM, "snn model: no memory for %u sources", ns);
    for (uint32_t s = 0; s < ns; s++) {
        memset(fill, 0, sizeof fill);
        for (uint32_t k = m->first[s]; k < m->first[s + 1]; k++) {
            uint32_t lane = net->syn[m->order[k]].target % lanes;
            if (++fill[lane] > rows[s])
                rows[s] = fill[lane];
        }
    }
    free(m->rows);
    m->rows = rows;
    m->lanes = lanes;
    return NC_OK;
}

uint64_t snn_step_cycles(uint64_t n_in, uint64_t in_rows, uint64_t n_spikes, uint64_t spike_rows, uint32_t nactive,
                         uint32_t lanes)
{
    return 1 + (n_in + in_rows) + 1 + (nactive + lanes - 1) / lanes + (lanes + 1) + (n_spikes + spike_rows) + 1;
}

void snn_model_free(snn_model_t *m)
{
    state_mem_t s = {m->first, m->order, m->u, m->v, m->ring, m->ref, m->dring, m->pred, m->tr};
    free_state(&s);
    free(m->rows);
    memset(m, 0, sizeof *m);
}

void snn_model_set_state(snn_model_t *m, uint32_t n, int32_t u, int32_t v)
{
    m->u[n] = snn_wrap24(u);
    m->v[n] = snn_wrap24(v);
}

/* Adds weight << wexp of every synapse of source s into slot (base + delay) mod dmax; counts
 * the rows the core walks for it (returned) and their slots. */
static uint32_t deliver(snn_model_t *m, uint32_t s, uint32_t base)
{
    const snn_net_t *net = m->net;
    m->stats.slots += (uint64_t)m->rows[s] * m->lanes;
    for (uint32_t k = m->first[s]; k < m->first[s + 1]; k++) {
        const snn_syn_t *y = &net->syn[m->order[k]];
        uint32_t slot = (base + y->delay) % m->dmax;
        if (y->dend)
            m->dring[(size_t)slot * net->n_neurons + y->target] = 1;
        else
            m->ring[(size_t)slot * net->n_neurons + y->target] += (int64_t)y->weight * ((int64_t)1 << net->wexp);
        m->stats.synops++;
    }
    return m->rows[s];
}

static int16_t clamp16(int64_t x, uint64_t *sat)
{
    if (x > 32767 || x < -32768) {
        (*sat)++;
        return x > 0 ? 32767 : -32768;
    }
    return (int16_t)x;
}

/* The astrocyte term added to the threshold: floor(gain * c / 16). */
static int64_t astro_term(const snn_model_t *m, const snn_neuron_params_t *p)
{
    if (p->astro < 0)
        return 0;
    return floor_shift((int64_t)m->net->astro[p->astro].gain * m->astro_c[p->astro], 4);
}

int64_t snn_trace_term(const snn_neuron_params_t *p, const int32_t m[SNN_TRACES_MAX])
{
    int64_t t = 0;
    for (int k = 0; k < SNN_TRACES_MAX; k++)
        t += floor_shift((int64_t)p->tr_weight[k] * m[k], 6);
    return t;
}

/* Phase B for one neuron; returns 1 if it spiked. */
static int update_neuron(snn_model_t *m, uint32_t n, uint32_t slot)
{
    const snn_neuron_params_t *p = &m->net->neuron[n];
    int64_t *cell = &m->ring[(size_t)slot * m->net->n_neurons + n];
    int64_t a_in = clamp16(*cell, &m->stats.sat);
    *cell = 0;
    m->stats.updates++;
    /* active dendrites: a dendritic event restarts the predictive window */
    uint8_t *dcell = &m->dring[(size_t)slot * m->net->n_neurons + n];
    uint8_t p_now = *dcell ? p->pred_steps : m->pred[n];
    *dcell = 0;
    m->pred[n] = p_now ? (uint8_t)(p_now - 1) : 0;
    if (p_now)
        m->stats.pred_steps++;

    int64_t u = snn_trunc4096((int64_t)m->u[n] * (4095 - p->du)) + a_in * 64;
    if (u != snn_wrap24(u))
        m->stats.u_wraps++;
    m->u[n] = snn_wrap24(u);

    /* memory traces: the same input as u, each with its own decay; clipped, never wrapped */
    int32_t *tr = &m->tr[(size_t)n * SNN_TRACES_MAX];
    bool used = false;
    for (int k = 0; k < SNN_TRACES_MAX; k++) {
        int64_t x = snn_trunc4096((int64_t)tr[k] * (4096 - p->tr_decay[k])) + a_in * 64;
        if (x > V_LIMIT || x < -V_LIMIT) {
            x = x > 0 ? V_LIMIT : -V_LIMIT;
            m->stats.tr_clips++;
        }
        tr[k] = (int32_t)x;
        used |= p->tr_weight[k] != 0;
    }
    m->stats.tr_updates += used;

    if (m->ref[n]) {
        m->ref[n]--;
        m->v[n] = 0;
        m->stats.refr_steps++;
        return 0;
    }
    int64_t bias = (int64_t)p->bias_mant * ((int64_t)1 << p->bias_exp);
    int64_t v = snn_trunc4096((int64_t)m->v[n] * (4096 - p->dv)) + m->u[n] + bias + snn_trace_term(p, tr);
    if (v > V_LIMIT) {
        v = V_LIMIT;
        m->stats.v_clip_hi++;
    } else if (v < -V_LIMIT) {
        v = -V_LIMIT;
        m->stats.v_clip_lo++;
    }
    int64_t vth = p_now ? (p->vth > p->pred_drop ? p->vth - p->pred_drop : 0) : p->vth;
    int64_t thr = vth * 64 + astro_term(m, p);
    if (v > thr) {
        m->v[n] = 0;
        m->ref[n] = p->refr;
        m->stats.spikes++;
        return 1;
    }
    m->v[n] = (int32_t)v;
    return 0;
}

static void update_astrocytes(uint16_t c[SNN_ASTROS], const snn_net_t *net, const uint32_t count[SNN_ASTROS])
{
    for (int j = 0; j < SNN_ASTROS; j++) {
        const snn_astro_params_t *a = &net->astro[j];
        uint32_t x = c[j] - (c[j] >> a->leak_shift) + (uint32_t)a->inc * count[j];
        c[j] = x > 65535 ? 65535 : (uint16_t)x;
    }
}

int snn_model_step(snn_model_t *m, const uint32_t *axons, size_t n_in, uint32_t *spikes, size_t *n_spikes)
{
    const snn_net_t *net = m->net;
    uint32_t slot = m->t % m->dmax;
    for (size_t i = 0; i < n_in; i++)
        if (axons[i] >= net->n_axons)
            return nc_err_set(NC_ERR_ARG, "snn model step %u: input axon %u: expected < %u", m->t, axons[i],
                              net->n_axons);
    uint64_t in_rows = 0, spike_rows = 0;
    for (size_t i = 0; i < n_in; i++)
        in_rows += deliver(m, axons[i], slot);
    size_t ns = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++)
        if (update_neuron(m, n, slot))
            spikes[ns++] = n;
    uint32_t count[SNN_ASTROS] = {0};
    for (size_t i = 0; i < ns; i++) {
        const snn_neuron_params_t *p = &net->neuron[spikes[i]];
        if (p->astro >= 0)
            count[p->astro]++;
        spike_rows += deliver(m, net->n_axons + spikes[i], m->t + 1);
    }
    m->stats.cycles += snn_step_cycles(n_in, in_rows, ns, spike_rows, net->n_neurons, m->lanes);
    update_astrocytes(m->astro_c, net, count);
    m->t++;
    *n_spikes = ns;
    return NC_OK;
}

/* ---- floating point ---- */

int snn_fmodel_init(snn_fmodel_t *m, const snn_net_t *net, uint32_t dmax)
{
    memset(m, 0, sizeof *m);
    state_mem_t s;
    int rc = alloc_state(net, dmax, sizeof *m->u, sizeof *m->ring, "snn float model", &s);
    if (rc)
        return rc;
    *m = (snn_fmodel_t){.net = net, .dmax = dmax, .first = s.first, .order = s.order, .u = s.u,
                        .v = s.v, .ref = s.ref, .ring = s.ring, .dring = s.dring, .pred = s.pred, .tr = s.tr};
    return NC_OK;
}

void snn_fmodel_free(snn_fmodel_t *m)
{
    state_mem_t s = {m->first, m->order, m->u, m->v, m->ring, m->ref, m->dring, m->pred, m->tr};
    free_state(&s);
    memset(m, 0, sizeof *m);
}

static void fdeliver(snn_fmodel_t *m, uint32_t s, uint32_t base)
{
    const snn_net_t *net = m->net;
    for (uint32_t k = m->first[s]; k < m->first[s + 1]; k++) {
        const snn_syn_t *y = &net->syn[m->order[k]];
        uint32_t slot = (base + y->delay) % m->dmax;
        if (y->dend)
            m->dring[(size_t)slot * net->n_neurons + y->target] = 1;
        else
            m->ring[(size_t)slot * net->n_neurons + y->target] += (double)y->weight * (double)(1u << net->wexp);
    }
}

static int fupdate_neuron(snn_fmodel_t *m, uint32_t n, uint32_t slot)
{
    const snn_neuron_params_t *p = &m->net->neuron[n];
    double *cell = &m->ring[(size_t)slot * m->net->n_neurons + n];
    double a_in = *cell;
    *cell = 0;
    uint8_t *dcell = &m->dring[(size_t)slot * m->net->n_neurons + n];
    uint8_t p_now = *dcell ? p->pred_steps : m->pred[n];
    *dcell = 0;
    m->pred[n] = p_now ? (uint8_t)(p_now - 1) : 0;
    m->u[n] = m->u[n] * (1.0 - (p->du + 1) / 4096.0) + 64.0 * a_in;
    double *tr = &m->tr[(size_t)n * SNN_TRACES_MAX], term = 0;
    for (int k = 0; k < SNN_TRACES_MAX; k++) {
        tr[k] = tr[k] * (1.0 - p->tr_decay[k] / 4096.0) + 64.0 * a_in;
        term += p->tr_weight[k] * tr[k] / 64.0;
    }
    if (m->ref[n]) {
        m->ref[n]--;
        m->v[n] = 0;
        return 0;
    }
    double bias = (double)p->bias_mant * (double)(1u << p->bias_exp);
    m->v[n] = m->v[n] * (1.0 - p->dv / 4096.0) + m->u[n] + bias + term;
    double vth = p_now ? (p->vth > p->pred_drop ? p->vth - p->pred_drop : 0) : p->vth;
    double thr = 64.0 * vth + (p->astro >= 0 ? m->net->astro[p->astro].gain * m->astro_c[p->astro] / 16.0 : 0);
    if (m->v[n] > thr) {
        m->v[n] = 0;
        m->ref[n] = p->refr;
        return 1;
    }
    return 0;
}

int snn_fmodel_step(snn_fmodel_t *m, const uint32_t *axons, size_t n_in, uint32_t *spikes, size_t *n_spikes)
{
    const snn_net_t *net = m->net;
    uint32_t slot = m->t % m->dmax;
    for (size_t i = 0; i < n_in; i++) {
        if (axons[i] >= net->n_axons)
            return nc_err_set(NC_ERR_ARG, "snn float model step %u: input axon %u: expected < %u", m->t, axons[i],
                              net->n_axons);
        fdeliver(m, axons[i], slot);
    }
    size_t ns = 0;
    for (uint32_t n = 0; n < net->n_neurons; n++)
        if (fupdate_neuron(m, n, slot))
            spikes[ns++] = n;
    double count[SNN_ASTROS] = {0};
    for (size_t i = 0; i < ns; i++) {
        const snn_neuron_params_t *p = &net->neuron[spikes[i]];
        if (p->astro >= 0)
            count[p->astro] += 1;
        fdeliver(m, net->n_axons + spikes[i], m->t + 1);
    }
    for (int j = 0; j < SNN_ASTROS; j++) {
        const snn_astro_params_t *a = &net->astro[j];
        m->astro_c[j] += -m->astro_c[j] / (double)(1u << a->leak_shift) + a->inc * count[j];
    }
    m->t++;
    *n_spikes = ns;
    return NC_OK;
}
