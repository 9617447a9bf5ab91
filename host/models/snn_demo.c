/* snn_demo.c - the demonstration networks (snn_demo.h); their reasoning is in the tests
 * tests/test_snn_func.c, which check them. */
#include "snn_demo.h"

#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "snn_model.h"

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

/* ---- long-memory pattern (multi-timescale memory neurons, SPEC.md) ---- */

const char *const snn_mem_kind_name[SNN_MEM_KINDS] = {"A then B 50..200", "A alone", "B alone",
                                                       "B then A 50..200", "A then B 300..400", "A then B 0..10"};

void snn_demo_memory_trials(snn_mem_trial_t *tr, unsigned trials, nc_rng_t *rng)
{
    for (unsigned k = 0; k < trials; k++) {
        uint8_t kind = k % 2 == 0 ? SNN_MEM_AB : (uint8_t)(1 + (k / 2) % (SNN_MEM_KINDS - 1));
        uint16_t gap = 0;
        if (kind == SNN_MEM_AB || kind == SNN_MEM_BA)
            gap = (uint16_t)nc_rng_range(rng, 50, 200);
        else if (kind == SNN_MEM_AB_FAR)
            gap = (uint16_t)nc_rng_range(rng, 300, 400);
        else if (kind == SNN_MEM_AB_NEAR)
            gap = (uint16_t)nc_rng_range(rng, 0, 10);
        tr[k] = (snn_mem_trial_t){.kind = kind, .gap = gap,
                                  .n_a = (uint8_t)nc_rng_range(rng, SNN_MEM_VOLLEY_LO, SNN_MEM_VOLLEY_HI),
                                  .n_b = (uint8_t)nc_rng_range(rng, SNN_MEM_VOLLEY_LO, SNN_MEM_VOLLEY_HI)};
    }
    /* seeded shuffle of the kinds, then the starts in order */
    for (unsigned k = trials; k > 1; k--) {
        unsigned j = nc_rng_below(rng, k);
        snn_mem_trial_t x = tr[k - 1];
        tr[k - 1] = tr[j], tr[j] = x;
    }
    for (unsigned k = 0; k < trials; k++)
        tr[k].start = k * SNN_MEM_PERIOD;
}

/* The steps of part A and B of a trial, relative to its start (-1: absent). */
static void mem_parts(const snn_mem_trial_t *t, int32_t *ta, int32_t *tb)
{
    *ta = *tb = -1;
    switch (t->kind) {
    case SNN_MEM_A: *ta = 0; break;
    case SNN_MEM_B: *tb = 0; break;
    case SNN_MEM_BA: *tb = 0, *ta = t->gap; break;
    default: *ta = 0, *tb = t->gap; break;
    }
}

size_t snn_demo_memory_input(snn_event_t *ev, const snn_mem_trial_t *tr, unsigned trials)
{
    size_t n = 0;
    for (unsigned k = 0; k < trials; k++) {
        int32_t ta, tb;
        mem_parts(&tr[k], &ta, &tb);
        for (int first = 1; first >= 0; first--) /* in step order */
            for (int part = 0; part < 2; part++) {
                int32_t at = part == 0 ? ta : tb;
                int32_t other = part == 0 ? tb : ta;
                if (at < 0 || (first ? (other >= 0 && other < at) : !(other >= 0 && other < at)))
                    continue;
                unsigned cnt = part == 0 ? tr[k].n_a : tr[k].n_b;
                for (unsigned i = 0; i < cnt; i++)
                    ev[n++] = (snn_event_t){tr[k].start + (uint32_t)at, (uint32_t)part};
            }
    }
    snn_events_sort(ev, n);
    return n;
}

/* The memory neuron's parameters (SPEC.md, "Multi-timescale memory neurons", demonstration). */
#define MEM_WEXP 2
#define MEM_P 24   /* axon 0 (A) -> neuron 0: -P                                           */
#define MEM_Q 10   /* axon 1 (B) -> neuron 0: +Q                                           */
#define MEM_C 96   /* trace weights -C (slow), +C (faster)                                 */
#define MEM_D_SLOW 24
#define MEM_D_FAST 80
#define MEM_VTH 1445

int snn_demo_memory(snn_net_t *net)
{
    int rc = snn_net_init(net, 1, 2);
    if (rc)
        return rc;
    net->wexp = MEM_WEXP;
    net->neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = MEM_VTH, .refr = 15, .astro = -1,
                                           .out = true};
    net->neuron[0].tr_decay[0] = MEM_D_SLOW, net->neuron[0].tr_weight[0] = -MEM_C;
    net->neuron[0].tr_decay[1] = MEM_D_FAST, net->neuron[0].tr_weight[1] = MEM_C;
    rc = snn_net_add_syn(net, 0, 0, -MEM_P, 0);
    if (rc == NC_OK)
        rc = snn_net_add_syn(net, 1, 0, MEM_Q, 0);
    if (rc)
        snn_net_free(net);
    return rc;
}

int snn_demo_memory_lif(snn_net_t *net, const snn_mem_lif_t *p)
{
    int rc = snn_net_init(net, 1, 2);
    if (rc)
        return rc;
    net->neuron[0] = (snn_neuron_params_t){.du = p->du, .dv = p->dv, .vth = p->vth, .refr = 15, .astro = -1,
                                           .out = true};
    rc = snn_net_add_syn(net, 0, 0, p->w_a, p->d_a);
    if (rc == NC_OK)
        rc = snn_net_add_syn(net, 1, 0, p->w_b, p->d_b);
    if (rc)
        snn_net_free(net);
    return rc;
}

unsigned snn_demo_memory_score(const snn_event_t *out, size_t n_out, const snn_mem_trial_t *tr, unsigned trials,
                               unsigned wrong[SNN_MEM_KINDS])
{
    unsigned correct = 0;
    if (wrong)
        memset(wrong, 0, SNN_MEM_KINDS * sizeof *wrong);
    size_t i = 0;
    for (unsigned k = 0; k < trials; k++) {
        bool fired = false;
        while (i < n_out && out[i].step < tr[k].start)
            i++;
        for (; i < n_out && out[i].step < tr[k].start + SNN_MEM_PERIOD; i++)
            fired |= out[i].id == 0;
        bool ok = fired == (tr[k].kind == SNN_MEM_AB);
        correct += ok;
        if (!ok && wrong)
            wrong[tr[k].kind]++;
    }
    return correct;
}

int snn_demo_memory_run_model(const snn_net_t *net, const snn_mem_trial_t *tr, unsigned trials, uint32_t dmax,
                              unsigned *correct, unsigned wrong[SNN_MEM_KINDS])
{
    size_t cap = (size_t)trials * 2 * SNN_MEM_VOLLEY_HI, n_in = 0, n_out = 0;
    snn_event_t *in = malloc((cap ? cap : 1) * sizeof *in);
    snn_event_t *out = malloc((size_t)trials * SNN_MEM_PERIOD * sizeof *out + 1);
    uint32_t ax[2 * SNN_MEM_VOLLEY_HI], sp[1];
    snn_model_t m;
    int rc = in && out ? snn_model_init(&m, net, dmax) : nc_err_set(NC_ERR_NOMEM, "memory task: no memory");
    if (rc == NC_OK) {
        n_in = snn_demo_memory_input(in, tr, trials);
        size_t j = 0;
        for (uint32_t t = 0; t < trials * SNN_MEM_PERIOD && rc == NC_OK; t++) {
            size_t na = 0, ns = 0;
            while (j < n_in && in[j].step == t && na < NC_ARRAY_LEN(ax))
                ax[na++] = in[j++].id;
            rc = snn_model_step(&m, ax, na, sp, &ns);
            if (ns)
                out[n_out++] = (snn_event_t){t, sp[0]};
        }
        snn_model_free(&m);
        *correct = snn_demo_memory_score(out, n_out, tr, trials, wrong);
    }
    free(in);
    free(out);
    return rc;
}

/* ---- the LIF search ---- */

/* The best threshold for per-trial peaks: fires iff peak > theta. Returns the trials answered
 * right and the threshold (halfway between the two peaks it separates). */
typedef struct peak_lab {
    double peak;
    bool pos;
} peak_lab_t;

static int cmp_peak(const void *a, const void *b)
{
    double x = ((const peak_lab_t *)a)->peak, y = ((const peak_lab_t *)b)->peak;
    return (x > y) - (x < y);
}

static unsigned best_threshold(peak_lab_t *pl, unsigned n, double *theta, double *margin)
{
    qsort(pl, n, sizeof *pl, cmp_peak);
    unsigned pos = 0;
    for (unsigned i = 0; i < n; i++)
        pos += pl[i].pos;
    /* theta below every peak: all fire */
    unsigned best = pos, cur = pos;
    *theta = pl[0].peak - 1;
    *margin = 0;
    for (unsigned i = 0; i < n; i++) {
        cur += pl[i].pos ? -1 : 1; /* theta at or above pl[i]: trial i stays silent */
        if (i + 1 < n && pl[i + 1].peak == pl[i].peak)
            continue;
        double th = i + 1 < n ? (pl[i].peak + pl[i + 1].peak) / 2 : pl[i].peak + 1;
        double mg = i + 1 < n && th > 0 ? (pl[i + 1].peak - pl[i].peak) / (2 * th) : 0;
        if (cur > best || (cur == best && mg > *margin)) {
            best = cur;
            *theta = th;
            *margin = mg;
        }
    }
    return best;
}

int snn_demo_memory_lif_search(const snn_mem_trial_t *tr, unsigned trials, uint32_t dmax, snn_mem_lif_t *best,
                               unsigned *correct)
{
    static const uint16_t du_grid[] = {0, 8, 32, 64, 128, 256, 1024, 4095};
    static const uint16_t dv_grid[] = {0, 32, 128, 512, 4095};
    enum { P = SNN_MEM_PERIOD };
    double *h = malloc(P * sizeof *h), *hmax = malloc(P * sizeof *hmax), *hmin = malloc(P * sizeof *hmin);
    peak_lab_t *pl = malloc((trials ? trials : 1) * sizeof *pl);
    if (!h || !hmax || !hmin || !pl) {
        free(h), free(hmax), free(hmin), free(pl);
        return nc_err_set(NC_ERR_NOMEM, "LIF search: no memory");
    }
    /* the TOP candidates by their estimate (ties: the first found), verified below */
    enum { TOP = 64 };
    snn_mem_lif_t cand[TOP];
    unsigned cand_ok[TOP] = {0}, n_cand = 0;
    double cand_mg[TOP] = {0};
    for (size_t iu = 0; iu < NC_ARRAY_LEN(du_grid); iu++)
        for (size_t iv = 0; iv < NC_ARRAY_LEN(dv_grid); iv++) {
            /* the neuron's response to one unit input at step 0 (float recurrence of SPEC.md) */
            double u = 0, v = 0;
            for (int s = 0; s < P; s++) {
                u = u * (1 - (du_grid[iu] + 1) / 4096.0) + (s == 0 ? 64.0 : 0.0);
                v = v * (1 - dv_grid[iv] / 4096.0) + u;
                h[s] = v;
                hmax[s] = s ? (v > hmax[s - 1] ? v : hmax[s - 1]) : v;
                hmin[s] = s ? (v < hmin[s - 1] ? v : hmin[s - 1]) : v;
            }
            for (int wi = -127; wi <= 127; wi += 8)
                for (int side = 0; side < 2; side++) {
                    int wa = side ? wi : 127, wb = side ? 127 : wi;
                    for (uint32_t dd = 0; dd < 2 * dmax - 1; dd += 3) {
                        /* relative delay: A later by dd (dd < dmax) or B later */
                        uint32_t da = dd < dmax ? dd : 0, db = dd < dmax ? 0 : dd - dmax + 1;
                        for (unsigned k = 0; k < trials; k++) {
                            int32_t ta, tb;
                            mem_parts(&tr[k], &ta, &tb);
                            double ca = ta >= 0 ? (double)tr[k].n_a * wa : 0;
                            double cb = tb >= 0 ? (double)tr[k].n_b * wb : 0;
                            int32_t ea = ta >= 0 ? ta + (int32_t)da : P, eb = tb >= 0 ? tb + (int32_t)db : P;
                            int32_t e1 = ea <= eb ? ea : eb, e2 = ea <= eb ? eb : ea;
                            double c1 = ea <= eb ? ca : cb, c2 = ea <= eb ? cb : ca;
                            double pk = 0;
                            if (e1 < P) { /* the first part alone, up to the second or the end */
                                int32_t last = (e2 < P ? e2 : P) - e1 - 1;
                                if (last >= 0)
                                    pk = c1 >= 0 ? c1 * hmax[last] : c1 * hmin[last];
                            }
                            for (int32_t s = 0; e2 + s < P; s++) {
                                double r = c1 * h[e2 - e1 + s] + c2 * h[s];
                                if (r > pk)
                                    pk = r;
                            }
                            pl[k] = (peak_lab_t){pk, tr[k].kind == SNN_MEM_AB};
                        }
                        double theta, mg;
                        unsigned ok = best_threshold(pl, trials, &theta, &mg);
#define BETTER(o1, m1, o2, m2) ((o1) > (o2) || ((o1) == (o2) && (m1) > (m2)))
                        /* only thresholds the core can hold: 0 < theta < 64 x (2^17 - 1) */
                        if (theta > 0 && theta < 64.0 * SNN_VTH_MAX &&
                            (n_cand < TOP || BETTER(ok, mg, cand_ok[TOP - 1], cand_mg[TOP - 1]))) {
                            unsigned i = n_cand < TOP ? n_cand++ : TOP - 1;
                            for (; i > 0 && BETTER(ok, mg, cand_ok[i - 1], cand_mg[i - 1]); i--)
                                cand[i] = cand[i - 1], cand_ok[i] = cand_ok[i - 1], cand_mg[i] = cand_mg[i - 1];
                            /* 64 vth just below theta (the core spikes on v > 64 vth) */
                            cand[i] = (snn_mem_lif_t){.du = du_grid[iu], .dv = dv_grid[iv], .w_a = (int8_t)wa,
                                                      .w_b = (int8_t)wb, .d_a = (uint8_t)da, .d_b = (uint8_t)db,
                                                      .vth = (uint32_t)floor(theta / 64)};
                            cand_ok[i] = ok, cand_mg[i] = mg;
                        }
                    }
                }
        }
    free(h), free(hmax), free(hmin), free(pl);
    /* the candidates on the bit-exact model (truncation, the integer threshold): the best */
    int rc = NC_OK;
    *correct = 0;
    *best = (snn_mem_lif_t){0};
    for (unsigned i = 0; i < n_cand && rc == NC_OK; i++) {
        snn_net_t net;
        unsigned ok = 0;
        if ((rc = snn_demo_memory_lif(&net, &cand[i])) == NC_OK) {
            rc = snn_demo_memory_run_model(&net, tr, trials, dmax, &ok, NULL);
            snn_net_free(&net);
        }
        if (rc == NC_OK && (i == 0 || ok > *correct))
            *best = cand[i], *correct = ok;
    }
    return rc;
}
