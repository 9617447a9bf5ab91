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
    snn_input_fn src;
    void *src_ctx;
    uint32_t steps;
    snn_model_t m;
    uint32_t *axons, *spikes; /* this step's input axons (fifo_depth), spikes (n_neurons) */
    int32_t *u, *v;
    uint8_t *ref, *pred;
    bool dendrites;           /* some neuron has a predictive window: PRED is compared too */
    bool traces;              /* the network uses memory traces: TM_k are compared too      */
    int32_t *tr;              /* the core's traces [neuron * SNN_TRACES_MAX + k]            */
    evbuf_t expect, got, all_out;
    evbuf_t chunk_in;         /* input events of the chunk not yet pushed (<= 2 fifo_depth) */
    snn_counters_t c_last;    /* the core's counters after the previous run               */
    snn_model_stats_t m_last; /* the model's counts at the same point                      */
    uint32_t t_last;
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
    if (x->dendrites && (rc = snn_dev_read_pred(x->d, 0, n, x->pred)))
        return rc;
    for (uint32_t i = 0; x->dendrites && i < n; i++)
        if (x->pred[i] != x->m.pred[i]) {
            if (!x->r->first_mismatch[0])
                snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch,
                         "step %u neuron %u: predictive steps left %u (model %u)", step, i, x->pred[i], x->m.pred[i]);
            x->r->state_mismatches++;
        }
    if (x->traces && (rc = snn_dev_read_traces(x->d, 0, n, x->tr)))
        return rc;
    for (uint32_t i = 0; x->traces && i < n; i++)
        for (uint32_t k = 0; k < x->d->traces; k++) {
            size_t ik = (size_t)i * SNN_TRACES_MAX + k;
            if (x->tr[ik] != x->m.tr[ik]) {
                if (!x->r->first_mismatch[0])
                    snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch,
                             "step %u neuron %u: trace %u m %d (model %d)", step, i, k, x->tr[ik], x->m.tr[ik]);
                x->r->state_mismatches++;
            }
        }
    for (int j = 0; j < SNN_ASTROS; j++)
        if (c[j] != x->m.astro_c[j]) {
            if (!x->r->first_mismatch[0])
                snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch, "step %u astrocyte %d: c %u (model %u)",
                         step, j, c[j], x->m.astro_c[j]);
            x->r->state_mismatches++;
        }
    for (uint32_t i = 0; i < n; i++) {
        x->r->states_compared++;
        if (x->o->trace && (rc = nc_out_printf(x->o->trace, "%u %u %d %d\n", step, i, x->u[i], x->v[i])))
            return rc;
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

static void note_counter(run_t *x, uint32_t t0, uint32_t t1, const char *what, uint32_t got, uint64_t want)
{
    if (got == (uint32_t)want)
        return;
    if (!x->r->first_mismatch[0])
        snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch,
                 "steps %u..%u: %s rose by %u, the model counts %llu", t0, t1 - 1, what, got,
                 (unsigned long long)want);
    x->r->counter_mismatches++;
}

/* After the run of steps t0..t1-1: the counters' increase (modulo 2^32, as they wrap) against
 * the model's counts of the same steps. */
static int check_counters(run_t *x, uint32_t t0, uint32_t t1, const snn_model_stats_t *m)
{
    snn_counters_t c;
    int rc = snn_dev_counters(x->d, &c);
    if (rc)
        return rc;
    const snn_model_stats_t *m0 = &x->m_last;
    uint32_t dc = c.run_cycles - x->c_last.run_cycles, ds = c.synops - x->c_last.synops,
             dl = c.slots - x->c_last.slots, dt = c.tstep - x->c_last.tstep;
    note_counter(x, t0, t1, "RUN_CYCLES", dc, m->cycles - m0->cycles);
    note_counter(x, t0, t1, "SYNOPS", ds, m->synops - m0->synops);
    note_counter(x, t0, t1, "SLOTS", dl, m->slots - m0->slots);
    note_counter(x, t0, t1, "TSTEP", dt, t1 - t0);
    x->r->run_cycles += dc;
    x->r->synops += ds;
    x->r->slots += dl;
    x->c_last = c;
    x->m_last = *m;
    return NC_OK;
}

/* Runs steps t0..t1-1 on the core: pushes the chunk's input events, runs, then drains and
 * compares events and counters (m: the model's counts after step t1-1); the output events go
 * to opts.output or into all_out. */
static int run_chunk(run_t *x, uint32_t t0, uint32_t t1, const snn_model_stats_t *m)
{
    for (size_t i = 0; i < x->chunk_in.n; i++) {
        int rc = snn_dev_push(x->d, x->chunk_in.e[i].step, x->chunk_in.e[i].id);
        if (rc)
            return rc;
    }
    x->chunk_in.n = 0;
    int rc = snn_dev_run(x->d, t1 - t0);
    if (rc)
        return rc;
    x->r->runs++;
    if ((rc = check_counters(x, t0, t1, m)))
        return rc;
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
    compare_events(x); /* sorts got */
    if (x->o->output)
        rc = snn_events_print(x->o->output, x->got.e, x->got.n);
    for (size_t i = 0; i < x->got.n && !x->o->output && rc == NC_OK; i++)
        rc = evbuf_push(&x->all_out, x->got.e[i].step, x->got.e[i].id);
    if (rc)
        return rc;
    x->r->events_out += x->got.n;
    x->expect.n = 0;
    if (x->o->progress)
        nc_progress(x->o->progress, t1, x->steps);
    return NC_OK;
}

/* Asks the source for step t's inputs (into x->axons), steps the model with them and appends
 * the model's output events of step t to x->expect. *n gets the number of inputs. */
static int model_step(run_t *x, uint32_t t, size_t *n)
{
    *n = 0;
    int rc = x->src(x->src_ctx, t, x->axons, x->d->fifo_depth, n);
    if (rc)
        return rc;
    if (*n > x->d->fifo_depth)
        return nc_err_set(NC_ERR_ARG, "step %u has %zu input events: the input FIFO holds %u", t, *n,
                          x->d->fifo_depth);
    x->r->events_in += *n;
    size_t ns;
    rc = snn_model_step(&x->m, x->axons, *n, x->spikes, &ns);
    for (size_t k = 0; k < ns && rc == NC_OK; k++)
        if (x->net->neuron[x->spikes[k]].out)
            rc = evbuf_push(&x->expect, t, x->spikes[k]);
    return rc;
}

static int queue_inputs(run_t *x, uint32_t t, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = evbuf_push(&x->chunk_in, t, x->axons[i]);
        if (rc)
            return rc;
    }
    return NC_OK;
}

/* The run starts from opts.init_u/init_v: written over the bus and into the model, then read
 * back and compared (a write landing in the wrong word or neuron shows here, before step 0). */
static int start_state(run_t *x)
{
    if (!x->o->init_u || !x->o->init_v)
        return nc_err_set(NC_ERR_ARG, "snn cosim: init_u and init_v go together");
    uint32_t n = x->net->n_neurons;
    for (uint32_t i = 0; i < n; i++) {
        int rc = snn_dev_write_state(x->d, i, x->o->init_u[i], x->o->init_v[i]);
        if (rc)
            return rc;
        snn_model_set_state(&x->m, i, x->o->init_u[i], x->o->init_v[i]);
    }
    int rc = snn_dev_read_state(x->d, 0, n, x->u, x->v, x->ref);
    for (uint32_t i = 0; i < n && rc == NC_OK; i++) {
        x->r->states_compared++;
        if (x->u[i] != x->m.u[i] || x->v[i] != x->m.v[i] || x->ref[i] != x->m.ref[i]) {
            if (!x->r->first_mismatch[0])
                snprintf(x->r->first_mismatch, sizeof x->r->first_mismatch,
                         "host-written state of neuron %u reads back u %d v %d ref %u (written u %d v %d ref %u)", i,
                         x->u[i], x->v[i], x->ref[i], x->m.u[i], x->m.v[i], x->m.ref[i]);
            x->r->state_mismatches++;
        }
    }
    return rc;
}

/* One step at a time, with the state of every neuron compared after each. */
static int run_stepwise(run_t *x)
{
    for (uint32_t t = 0; t < x->steps; t++) {
        size_t n;
        int rc = model_step(x, t, &n);
        if (rc == NC_OK)
            rc = queue_inputs(x, t, n);
        if (rc == NC_OK)
            rc = run_chunk(x, t, t + 1, &x->m.stats);
        if (rc == NC_OK)
            rc = check_state(x, t);
        if (rc)
            return rc;
    }
    return NC_OK;
}

/* Chunks of steps with the host away; the model says how many fit the FIFOs. */
static int run_chunked(run_t *x, uint32_t max_chunk)
{
    uint32_t fd = x->d->fifo_depth;
    uint32_t t0 = 0;
    for (uint32_t t = 0; t < x->steps; t++) {
        size_t before = x->expect.n, n;
        snn_model_stats_t m_before = x->m.stats;
        int rc = model_step(x, t, &n);
        if (rc)
            return rc;
        size_t mine = x->expect.n - before;
        if (mine > fd)
            return nc_err_set(NC_ERR_ARG, "step %u makes %zu output events: the output FIFO holds %u", t, mine, fd);
        if (x->chunk_in.n + n > fd || x->expect.n > fd || t - t0 >= max_chunk) {
            /* run t0..t-1 now; step t opens the next chunk */
            snn_event_t *tail = malloc((mine ? mine : 1) * sizeof *tail);
            if (!tail)
                return nc_err_set(NC_ERR_NOMEM, "no memory");
            if (mine)
                memcpy(tail, x->expect.e + before, mine * sizeof *tail);
            x->expect.n = before;
            rc = run_chunk(x, t0, t, &m_before);
            if (mine)
                memcpy(x->expect.e, tail, mine * sizeof *tail);
            x->expect.n = mine;
            free(tail);
            if (rc)
                return rc;
            t0 = t;
        }
        if ((rc = queue_inputs(x, t, n)))
            return rc;
    }
    return run_chunk(x, t0, x->steps, &x->m.stats);
}

int snn_cosim_run_src(snn_dev_t *d, const snn_net_t *net, snn_input_fn src, void *src_ctx, uint32_t steps,
                      const snn_cosim_opts_t *o, snn_cosim_result_t *r)
{
    memset(r, 0, sizeof *r);
    if (steps == 0)
        return nc_err_set(NC_ERR_ARG, "snn cosim: 0 steps");
    run_t x = {.d = d, .net = net, .o = o, .r = r, .src = src, .src_ctx = src_ctx, .steps = steps};
    int rc = snn_model_init(&x.m, net, d->dmax);
    if (rc)
        return rc;
    rc = snn_model_set_lanes(&x.m, d->lanes);
    uint32_t n = net->n_neurons;
    x.axons = malloc((d->fifo_depth + 1) * sizeof *x.axons);
    x.spikes = malloc(n * sizeof *x.spikes);
    x.u = malloc(n * sizeof *x.u);
    x.v = malloc(n * sizeof *x.v);
    x.ref = malloc(n);
    x.pred = malloc(n);
    for (uint32_t i = 0; i < n; i++)
        x.dendrites |= net->neuron[i].pred_steps != 0;
    x.traces = snn_net_traces(net) > 0 && d->traces > 0;
    x.tr = calloc((size_t)n * SNN_TRACES_MAX, sizeof *x.tr);
    if (!x.axons || !x.spikes || !x.u || !x.v || !x.ref || !x.pred || !x.tr)
        rc = nc_err_set(NC_ERR_NOMEM, "snn cosim: no memory");
    if (rc == NC_OK)
        rc = snn_dev_counters(d, &x.c_last);
    if (rc == NC_OK && (o->init_u || o->init_v))
        rc = start_state(&x);
    if (rc == NC_OK)
        rc = (o->check_state || o->trace) ? run_stepwise(&x)
                                          : run_chunked(&x, o->max_chunk ? o->max_chunk : 1024);
    if (o->progress)
        nc_progress_end();
    if (rc == NC_OK)
        rc = snn_dev_counters(d, &r->counters);
    r->steps = steps;
    r->updates = (uint64_t)steps * n;
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
    free(x.pred);
    free(x.tr);
    free(x.expect.e);
    free(x.got.e);
    free(x.chunk_in.e);
    return rc;
}

/* ---- inputs from an array ---- */
typedef struct array_src {
    const snn_event_t *in;
    size_t n, i;
} array_src_t;

static int array_next(void *ctx, uint32_t step, uint32_t *axons, size_t cap, size_t *n)
{
    array_src_t *a = ctx;
    size_t i1 = a->i;
    while (i1 < a->n && a->in[i1].step == step)
        i1++;
    if (i1 - a->i > cap)
        return nc_err_set(NC_ERR_ARG, "step %u has %zu input events: the input FIFO holds %zu", step, i1 - a->i, cap);
    for (size_t i = a->i; i < i1; i++)
        axons[i - a->i] = a->in[i].id;
    *n = i1 - a->i;
    a->i = i1;
    return NC_OK;
}

int snn_cosim_run(snn_dev_t *d, const snn_net_t *net, const snn_event_t *in, size_t n_in, uint32_t steps,
                  const snn_cosim_opts_t *o, snn_cosim_result_t *r)
{
    for (size_t i = 0; i < n_in; i++) {
        if (in[i].step >= steps) {
            memset(r, 0, sizeof *r);
            return nc_err_set(NC_ERR_ARG, "input event %zu (step %u, axon %u) is at or past the run's %u steps "
                              "(steps run 0..%u)", i, in[i].step, in[i].id, steps, steps ? steps - 1 : 0);
        }
        if (i && in[i].step < in[i - 1].step) {
            memset(r, 0, sizeof *r);
            return nc_err_set(NC_ERR_ARG, "input event %zu (step %u): events must be sorted by step (previous %u)",
                              i, in[i].step, in[i - 1].step);
        }
    }
    array_src_t a = {in, n_in, 0};
    return snn_cosim_run_src(d, net, array_next, &a, steps, o, r);
}

void snn_cosim_result_free(snn_cosim_result_t *r)
{
    free(r->out);
    r->out = NULL;
    r->n_out = 0;
}
