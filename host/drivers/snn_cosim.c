/* snn_cosim.c - lockstep co-simulation of the SNN core against the bit-exact model. */
#include "snn_cosim.h"

#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

typedef struct evbuf {
    snn_event_t *e;
    size_t n, cap;
} evbuf_t;

static int evbuf_push(evbuf_t *b, uint32_t step, uint32_t id)
{
    if (b->n == b->cap) {
        size_t cap = b->cap ? 2 * b->cap : 1024;
        snn_event_t *e = realloc(b->e, cap * sizeof *e);
        if (!e)
            return nc_err_set(NC_ERR_NOMEM, "no memory for %zu events", cap);
        b->e = e;
        b->cap = cap;
    }
    b->e[b->n++] = (snn_event_t){step, id};
    return NC_OK;
}

typedef struct run {
    snn_dev_t *d;
    const snn_net_t *net;
    const snn_cosim_opts_t *o;
    snn_cosim_result_t *r;
    snn_model_t m;
    uint32_t *axons, *spikes;
    int32_t *u, *v;
    uint8_t *ref;
    evbuf_t expect, got, all_out;
} run_t;

static void note_spike_mismatch(run_t *x, const snn_event_t *w, bool model_has_it)
{
    if (!x->r->first_mismatch[0])
        snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch, "step %u neuron %u: spike in the %s only",
                 w->step, w->id, model_has_it ? "model" : "core");
}

/* Compares the sorted event lists of a chunk; counts events on one side only. */
static void compare_events(run_t *x)
{
    snn_events_sort(x->got.e, x->got.n);
    size_t i = 0, j = 0;
    while (i < x->expect.n || j < x->got.n) {
        const snn_event_t *e = i < x->expect.n ? &x->expect.e[i] : NULL;
        const snn_event_t *g = j < x->got.n ? &x->got.e[j] : NULL;
        if (e && g && e->step == g->step && e->id == g->id) {
            i++, j++;
            continue;
        }
        bool take_e = e && (!g || e->step < g->step || (e->step == g->step && e->id < g->id));
        const snn_event_t *w = take_e ? e : g;
        note_spike_mismatch(x, w, take_e);
        x->r->spike_mismatches++;
        take_e ? i++ : j++;
    }
}

static int check_state(run_t *x, uint32_t step)
{
    uint32_t n = x->net->n_neurons;
    int rc = snn_dev_read_state(x->d, 0, n, x->u, x->v, x->ref);
    if (rc)
        return rc;
    uint16_t c[SNN_ASTROS];
    if ((rc = snn_dev_astro(x->d, c)))
        return rc;
    for (int j = 0; j < SNN_ASTROS; j++)
        if (c[j] != x->m.astro_c[j]) {
            if (!x->r->first_mismatch[0])
                snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch, "step %u astrocyte %d: c %u (model %u)",
                         step, j, c[j], x->m.astro_c[j]);
            x->r->state_mismatches++;
        }
    for (uint32_t i = 0; i < n; i++) {
        x->r->states_compared++;
        if (x->o->trace)
            fprintf(x->o->trace, "%u %u %d %d\n", step, i, x->u[i], x->v[i]);
        if (x->u[i] != x->m.u[i] || x->v[i] != x->m.v[i] || x->ref[i] != x->m.ref[i]) {
            if (!x->r->first_mismatch[0])
                snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch,
                         "step %u neuron %u: u %d v %d ref %u (model u %d v %d ref %u)", step, i, x->u[i], x->v[i],
                         x->ref[i], x->m.u[i], x->m.v[i], x->m.ref[i]);
            x->r->state_mismatches++;
        }
    }
    return NC_OK;
}

/* Runs steps t0..t1-1 on the core: inputs in[i0..i1), then drains and compares. */
static int run_chunk(run_t *x, const snn_event_t *in, size_t i0, size_t i1, uint32_t t0, uint32_t t1)
{
    for (size_t i = i0; i < i1; i++) {
        int rc = snn_dev_push(x->d, in[i].step, in[i].id);
        if (rc)
            return rc;
    }
    int rc = snn_dev_run(x->d, t1 - t0);
    if (rc)
        return rc;
    x->r->runs++;
    x->got.n = 0;
    if (x->got.cap < x->d->fifo_depth) {
        snn_event_t *e = realloc(x->got.e, x->d->fifo_depth * sizeof *e);
        if (!e)
            return nc_err_set(NC_ERR_NOMEM, "no memory for output events");
        x->got.e = e;
        x->got.cap = x->d->fifo_depth;
    }
    rc = snn_dev_drain(x->d, t0, x->got.e, x->got.cap, &x->got.n);
    if (rc)
        return rc;
    for (size_t i = 0; i < x->got.n; i++)
        if ((rc = evbuf_push(&x->all_out, x->got.e[i].step, x->got.e[i].id)))
            return rc;
    compare_events(x);
    x->r->events_out += x->got.n;
    x->expect.n = 0;
    return NC_OK;
}

/* Steps the model once; appends its output events of step t to x->expect. */
static int model_step(run_t *x, const snn_event_t *in, size_t i0, size_t i1, uint32_t t)
{
    for (size_t i = i0; i < i1; i++)
        x->axons[i - i0] = in[i].id;
    size_t ns;
    int rc = snn_model_step(&x->m, x->axons, i1 - i0, x->spikes, &ns);
    for (size_t k = 0; k < ns && rc == NC_OK; k++)
        if (x->net->neuron[x->spikes[k]].out)
            rc = evbuf_push(&x->expect, t, x->spikes[k]);
    return rc;
}

/* One step at a time, with the state of every neuron compared after each. */
static int run_stepwise(run_t *x, const snn_event_t *in, size_t n_in, uint32_t steps)
{
    size_t i = 0;
    for (uint32_t t = 0; t < steps; t++) {
        size_t i1 = i;
        while (i1 < n_in && in[i1].step == t)
            i1++;
        if (i1 - i > x->d->fifo_depth)
            return nc_err_set(NC_ERR_ARG, "step %u has %zu input events: the input FIFO holds %u", t, i1 - i,
                              x->d->fifo_depth);
        int rc = model_step(x, in, i, i1, t);
        if (rc == NC_OK)
            rc = run_chunk(x, in, i, i1, t, t + 1);
        if (rc == NC_OK)
            rc = check_state(x, t);
        if (rc)
            return rc;
        i = i1;
    }
    return NC_OK;
}

/* Chunks of steps with the host away; the model says how many fit the FIFOs. */
static int run_chunked(run_t *x, const snn_event_t *in, size_t n_in, uint32_t steps, uint32_t max_chunk)
{
    uint32_t fd = x->d->fifo_depth;
    size_t ci = 0, i = 0;
    uint32_t t0 = 0;
    for (uint32_t t = 0; t < steps; t++) {
        size_t i1 = i;
        while (i1 < n_in && in[i1].step == t)
            i1++;
        if (i1 - i > fd)
            return nc_err_set(NC_ERR_ARG, "step %u has %zu input events: the input FIFO holds %u", t, i1 - i, fd);
        size_t before = x->expect.n;
        int rc = model_step(x, in, i, i1, t);
        if (rc)
            return rc;
        size_t mine = x->expect.n - before;
        if (mine > fd)
            return nc_err_set(NC_ERR_ARG, "step %u makes %zu output events: the output FIFO holds %u", t, mine, fd);
        if (i1 - ci > fd || x->expect.n > fd || t - t0 >= max_chunk) {
            /* run t0..t-1 now; step t opens the next chunk */
            snn_event_t *tail = malloc((mine ? mine : 1) * sizeof *tail);
            if (!tail)
                return nc_err_set(NC_ERR_NOMEM, "no memory");
            if (mine)
                memcpy(tail, x->expect.e + before, mine * sizeof *tail);
            x->expect.n = before;
            rc = run_chunk(x, in, ci, i, t0, t);
            if (mine)
                memcpy(x->expect.e, tail, mine * sizeof *tail);
            x->expect.n = mine;
            free(tail);
            if (rc)
                return rc;
            ci = i;
            t0 = t;
        }
        i = i1;
    }
    return run_chunk(x, in, ci, i, t0, steps);
}

static int run_all(run_t *x, const snn_event_t *in, size_t n_in, uint32_t steps)
{
    if (x->o->check_state || x->o->trace)
        return run_stepwise(x, in, n_in, steps);
    return run_chunked(x, in, n_in, steps, x->o->max_chunk ? x->o->max_chunk : 1024);
}

int snn_cosim_run(snn_dev_t *d, const snn_net_t *net, const snn_event_t *in, size_t n_in, uint32_t steps,
                  const snn_cosim_opts_t *o, snn_cosim_result_t *r)
{
    memset(r, 0, sizeof *r);
    if (steps == 0)
        return nc_err_set(NC_ERR_ARG, "snn cosim: 0 steps");
    run_t x = {.d = d, .net = net, .o = o, .r = r};
    int rc = snn_model_init(&x.m, net, d->dmax);
    if (rc)
        return rc;
    uint32_t n = net->n_neurons;
    x.axons = malloc((d->fifo_depth + 1) * sizeof *x.axons);
    x.spikes = malloc(n * sizeof *x.spikes);
    x.u = malloc(n * sizeof *x.u);
    x.v = malloc(n * sizeof *x.v);
    x.ref = malloc(n);
    if (!x.axons || !x.spikes || !x.u || !x.v || !x.ref)
        rc = nc_err_set(NC_ERR_NOMEM, "snn cosim: no memory");
    snn_counters_t c0 = {0};
    if (rc == NC_OK)
        rc = snn_dev_counters(d, &c0);
    if (rc == NC_OK)
        rc = run_all(&x, in, n_in, steps);
    if (rc == NC_OK)
        rc = snn_dev_counters(d, &r->counters);
    r->steps = steps;
    r->updates = (uint64_t)steps * n;
    r->events_in = n_in;
    r->run_cycles = r->counters.run_cycles - c0.run_cycles;
    r->synops = r->counters.synops - c0.synops;
    r->slots = r->counters.slots - c0.slots;
    r->model = x.m.stats;
    snn_events_sort(x.all_out.e, x.all_out.n);
    r->out = x.all_out.e;
    r->n_out = x.all_out.n;
    snn_model_free(&x.m);
    free(x.axons);
    free(x.spikes);
    free(x.u);
    free(x.v);
    free(x.ref);
    free(x.expect.e);
    free(x.got.e);
    return rc;
}

void snn_cosim_result_free(snn_cosim_result_t *r)
{
    free(r->out);
    r->out = NULL;
    r->n_out = 0;
}
