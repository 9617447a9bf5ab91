/* spice_xor.c - the XOR network and its characterisation runs (see spice_xor.h). */
#include "spice_xor.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_deck.h"
#include "spice_par.h"
#include "spice_pulse.h"
#include "spice_wave.h"

#define TMAX 0.1e-12

/* Net slip rate (up - down, absolute) of a phase vector in [t0, t1). */
static int rate_of(const char *vec, double t0, double t1, double *r)
{
    nc_slips_t s;
    int rc = nc_spice_slips(vec, &s);
    if (rc)
        return rc;
    long net = 0;
    for (size_t i = 0; i < s.n; i++)
        net += (s.t[i] >= t0 && s.t[i] < t1) ? s.dir[i] : 0;
    nc_slips_free(&s);
    *r = labs(net) / (t1 - t0);
    return NC_OK;
}

/* Loads, seeds and runs a netlist. */
static int simulate(const char *netlist, const nc_spice_param_t *p, size_t np, double tstop,
                    uint64_t seed)
{
    nc_spice_tran_t tr = {TMAX, tstop, TMAX, 600.0};
    int rc = nc_spice_noise(NC_SYN_TNOISE, NC_SYN_RSHUNT, TMAX);
    if (!rc)
        rc = nc_spice_seed(seed);
    if (!rc)
        rc = nc_spice_load(netlist, p, np, &tr);
    return rc ? rc : nc_spice_run();
}

/* The waveform's signals in signal-flow order (circuits/networks/xor.cir): the inputs' JTLs,
 * the synapses' decision junctions (a pulse passed), the hidden neurons' firing junctions, the
 * output JTL. */
const nc_wave_probe_t nc_xor_probes[] = {
    {"xja.p2", "in_a"},    {"xjb.p2", "in_b"},    {"xjan.p2", "in_na"},  {"xjbn.p2", "in_nb"},
    {"xya1.p3", "syn_a"},  {"xyb1.p3", "syn_b"},  {"xya2.p3", "syn_na"}, {"xyb2.p3", "syn_nb"},
    {"xh1.p3", "h1"},      {"xh2.p3", "h2"},      {"xo.p3", "out_fire"}, {"xjo.p2", "out"},
};
const size_t nc_xor_nprobes = sizeof nc_xor_probes / sizeof nc_xor_probes[0];

int nc_xor_run(int a, int b, uint64_t seed, nc_bias_t bias, const char *wave_path,
               sfq_xor_rates_t *o, double *wall_s)
{
    return nc_xor_run_per(a ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW,
                          b ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW, seed, bias, wave_path, o, wall_s);
}

int nc_xor_run_per(double pera, double perb, uint64_t seed, nc_bias_t bias,
                   const char *wave_path, sfq_xor_rates_t *o, double *wall_s)
{
    nc_spice_param_t p[] = {{"pera", pera}, {"perb", perb}, {"bias", bias.supply},
                            {"wbias", bias.weights}};
    int rc = simulate("networks/xor.cir", p, 4, NC_XOR_TSTOP, seed);
    const double t0 = NC_XOR_TFROM, t1 = NC_XOR_TSTOP;
    if (!rc)
        rc = rate_of("xja.p2", t0, t1, &o->a);
    if (!rc)
        rc = rate_of("xjb.p2", t0, t1, &o->b);
    /* m1, m2: the summed trains each hidden neuron receives (its two synapses' passes) */
    double s1 = 0, s2 = 0;
    if (!rc)
        rc = rate_of("xya1.p3", t0, t1, &o->m1);
    if (!rc)
        rc = rate_of("xyb1.p3", t0, t1, &s1);
    if (!rc)
        rc = rate_of("xya2.p3", t0, t1, &o->m2);
    if (!rc)
        rc = rate_of("xyb2.p3", t0, t1, &s2);
    o->m1 += s1, o->m2 += s2;
    if (!rc)
        rc = rate_of("xh1.p3", t0, t1, &o->h1);
    if (!rc)
        rc = rate_of("xh2.p3", t0, t1, &o->h2);
    if (!rc)
        rc = rate_of("xjo.p2", t0, t1, &o->out);
    if (wall_s)
        *wall_s = nc_spice_last_wall_s();
    if (!rc && wave_path)
        rc = nc_spice_wave_write(wave_path, nc_xor_probes, nc_xor_nprobes, NULL);
    return rc;
}

int nc_syn_measure(double isyn, uint64_t seed, int pulses, double *passes, double *trials)
{
    const double per = NC_XOR_PER_HIGH, t0 = 40e-12;
    nc_spice_param_t p[] = {{"isyn", isyn}, {"per", per}};
    double tstop = t0 + pulses * per, rin, rpass;
    int rc = simulate("cells/tb_syn.cir", p, 2, tstop, seed);
    if (!rc)
        rc = rate_of("xdrv.p2", 0, tstop, &rin);
    if (!rc)
        rc = rate_of("xdut.p3", 0, tstop, &rpass);
    if (!rc) {
        *trials = round(rin * tstop), *passes = round(rpass * tstop);
        if (*passes > *trials)
            *passes = *trials;
    }
    return rc;
}

const char *nc_xor_model_path(void)
{
    static char path[PATH_MAX + 64];
    const char *dir = nc_spice_circuits_dir();
    if (!dir)
        return NULL;
    snprintf(path, sizeof path, "%s/%s", dir, NC_XOR_MODEL);
    return path;
}

int nc_xor_model_load(sfq_xor_model_t *m)
{
    const char *path = nc_xor_model_path();
    return path ? sfq_xor_model_read(path, m) : NC_ERR_IO;
}

int nc_xor_weights(double *w_exc, double *w_inh)
{
    nc_spice_deck_t d = {0};
    const char *dir = nc_spice_circuits_dir();
    int rc = dir ? nc_spice_read_deck(dir, "networks/xor.cir", NULL, 0, &d) : NC_ERR_IO;
    const char *name[4] = {"wa1", "wb1", "wa2", "wb2"};
    double w[4] = {0};
    for (int i = 0; i < 4 && !rc; i++)
        rc = nc_spice_deck_param(&d, name[i], &w[i]);
    nc_spice_deck_free(&d);
    if (rc)
        return nc_err_set(rc, "networks/xor.cir: the synapses' weights: %s", nc_err_msg());
    if (w[0] != w[1] || w[2] != w[3])
        return nc_err_set(NC_ERR_PARSE, "networks/xor.cir: wa1 %g, wb1 %g, wa2 %g, wb2 %g: the "
                          "rate model needs wa1 = wb1 and wa2 = wb2", w[0], w[1], w[2], w[3]);
    *w_exc = w[0], *w_inh = w[2];
    return NC_OK;
}

static int fit_synapse(int seeds, sfq_probit_t *syn)
{
    const double biases[] = {43e-6, 46e-6, 49e-6, 52e-6, 55e-6};
    double x[5 * 16], k[5 * 16], nn[5 * 16];
    size_t np = 0;
    size_t total = 5 * (size_t)(seeds < 16 ? seeds : 16);
    for (size_t i = 0; i < 5; i++)
        for (int s = 0; s < seeds && s < 16; s++, np++) {
            nc_progress("spice fit, synapse runs", (double)np, (double)total);
            x[np] = biases[i];
            int rc = nc_syn_measure(biases[i], 1000 + (uint64_t)s, 40, &k[np], &nn[np]);
            if (rc) {
                nc_progress_end();
                return rc;
            }
        }
    nc_progress("spice fit, synapse runs", (double)np, (double)total);
    nc_progress_end();
    return sfq_probit_fit(x, k, nn, np, syn);
}

/* In-network characterisation grid: input rates 10, 25, 40 GHz for A and B (the network's low
 * and high rates and one between), each with its own noise seeds (FIT_SEED + run), which no
 * test uses: the XOR operating points are characterised with the trains the stages really
 * receive there, and the tests check fresh runs against the result. */
static const double fit_rates[] = {10e9, 25e9, 40e9};
#define FIT_NRATES 3
#define FIT_SEED 5000

typedef struct fit_job {
    size_t npoints;
    size_t idx[16][2];
} fit_job_t;

static int fit_run(size_t i, void *arg, void *res)
{
    const fit_job_t *j = arg;
    const size_t *k = j->idx[i % j->npoints];
    return nc_xor_run_per(1.0 / fit_rates[k[0]], 1.0 / fit_rates[k[1]],
                          FIT_SEED + (uint64_t)i, NC_BIAS_NOMINAL, NULL, res, NULL);
}

int nc_xor_fit_stages(int net_seeds, sfq_xor_model_t *m, FILE *log)
{
    fit_job_t j = {0};
    for (size_t a = 0; a < FIT_NRATES; a++)
        for (size_t b = 0; b < FIT_NRATES; b++)
            j.idx[j.npoints][0] = a, j.idx[j.npoints][1] = b, j.npoints++;
    size_t n = j.npoints * (size_t)net_seeds;
    sfq_xor_rates_t *r = calloc(n, sizeof *r);
    int *st = calloc(n, sizeof *st);
    double *x1 = calloc(n, sizeof *x1), *x2 = calloc(n, sizeof *x2), *y1 = calloc(n, sizeof *y1);
    double *y2 = calloc(n, sizeof *y2), *h1p = calloc(n, sizeof *h1p), *h2p = calloc(n, sizeof *h2p);
    double *yo = calloc(n, sizeof *yo);
    int rc = (r && st && x1 && x2 && y1 && y2 && h1p && h2p && yo)
                 ? nc_par_run_cfg(&(nc_par_cfg_t){nc_par_cpus(), 900, "spice fit, network runs",
                                                  NULL}, n, fit_run, &j, r, sizeof *r, st)
                 : nc_err_set(NC_ERR_NOMEM, "rate model fit: out of memory");
    double pe = sfq_probit_p(&m->syn, m->w_exc), pi = sfq_probit_p(&m->syn, m->w_inh);
    if (!rc && log) {
        fprintf(log, "# in-network fit runs (GHz): a b m1 m2 h1 h2 out\n");
        for (size_t i = 0; i < n; i++)
            fprintf(log, "run %2zu seed %llu: %5.1f %5.1f %5.1f %5.1f %5.1f %5.1f %5.2f\n", i,
                    (unsigned long long)(FIT_SEED + i), r[i].a / 1e9, r[i].b / 1e9, r[i].m1 / 1e9,
                    r[i].m2 / 1e9, r[i].h1 / 1e9, r[i].h2 / 1e9, r[i].out / 1e9);
        fflush(log);
    }
    if (!rc) {
        for (size_t i = 0; i < n; i++) {
            x1[i] = sfq_merge_rate(pe * r[i].a, pe * r[i].b, m->tau_merge);
            x2[i] = sfq_merge_rate(pi * r[i].a, pi * r[i].b, m->tau_merge);
            y1[i] = r[i].h1, y2[i] = r[i].h2, yo[i] = r[i].out;
        }
        rc = sfq_relu_fit(x1, NULL, y1, n, &m->h1);
    }
    if (!rc)
        rc = sfq_relu_fit(x2, NULL, y2, n, &m->h2);
    if (!rc) {
        for (size_t i = 0; i < n; i++)
            h1p[i] = sfq_relu_rate(&m->h1, x1[i], 0), h2p[i] = sfq_relu_rate(&m->h2, x2[i], 0);
        rc = sfq_relu_fit(h1p, h2p, yo, n, &m->out);
    }
    free(r), free(st), free(x1), free(x2), free(y1), free(y2), free(h1p), free(h2p), free(yo);
    return rc;
}

int nc_xor_fit(int seeds, sfq_xor_model_t *m, FILE *log)
{
    /* the network's inputs are periodic and B is offset by 11 ps from A: at the XOR rates two
     * synapse outputs never come closer than the merger's ~8 ps resolution (tau = 0); at the
     * in-between fit rates a few may merge, which the stage fits absorb */
    m->tau_merge = 0;
    int rc = nc_xor_weights(&m->w_exc, &m->w_inh);
    rc = rc ? rc : fit_synapse(seeds, &m->syn);
    return rc ? rc : nc_xor_fit_stages(2, m, log);
}

/* ---- misclassification rate over noise seeds ---- */

int nc_wilson(long k, long n, double z, double *lo, double *hi)
{
    if (n < 1 || k < 0 || k > n || !(z > 0 && z < 10))
        return nc_err_set(NC_ERR_ARG, "Wilson interval: k %ld, n %ld, z %g (expected 0 <= k <= "
                          "n, n >= 1, 0 < z < 10)", k, n, z);
    double kk = (double)k, nn = (double)n, z2 = z * z;
    double centre = (kk + z2 / 2) / (nn + z2);
    double half = z / (nn + z2) * sqrt(kk * (nn - kk) / nn + z2 / 4);
    *lo = k == 0 ? 0.0 : fmax(0.0, centre - half);
    *hi = k == n ? 1.0 : fmin(1.0, centre + half);
    return NC_OK;
}

void nc_xor_err_add(nc_xor_err_t *e, int i, uint64_t seed, int status, double out)
{
    if (i < 0 || i > 3)
        return;
    int want = (i >> 1) ^ (i & 1), wrong = status != 0 || (out > NC_XOR_THRESHOLD) != want;
    e->runs[i]++;
    e->errors[i] += wrong;
    e->failed[i] += status != 0;
    if (wrong && e->nlist < NC_XOR_ERR_LIST) {
        e->list[e->nlist].input = i, e->list[e->nlist].seed = seed;
        e->list[e->nlist].out = status ? NAN : out;
        e->nlist++;
    }
}

long nc_xor_err_runs(const nc_xor_err_t *e)
{
    return e->runs[0] + e->runs[1] + e->runs[2] + e->runs[3];
}

long nc_xor_err_errors(const nc_xor_err_t *e)
{
    return e->errors[0] + e->errors[1] + e->errors[2] + e->errors[3];
}

typedef struct err_job {
    int seeds;
    uint64_t seed0;
    nc_bias_t bias;
} err_job_t;

/* Job j: input j % 4, seed seed0 + j / 4 (the four inputs of a seed run side by side, so the
 * progress line advances evenly over the inputs). */
static int err_run(size_t j, void *arg, void *res)
{
    const err_job_t *ej = arg;
    sfq_xor_rates_t r = {0};
    int i = (int)(j % 4);
    int rc = nc_xor_run(i >> 1, i & 1, ej->seed0 + j / 4, ej->bias, NULL, &r, NULL);
    *(double *)res = r.out;
    return rc;
}

static void err_name(size_t j, const void *arg, char *buf, size_t cap)
{
    const err_job_t *ej = arg;
    snprintf(buf, cap, "xor input a=%zu b=%zu seed %llu", (j % 4) >> 1, j & 1,
             (unsigned long long)(ej->seed0 + j / 4));
}

int nc_xor_error_rate(int seeds, uint64_t seed0, nc_bias_t bias, int procs, double wall_s,
                      const char *what, nc_xor_err_t *e)
{
    memset(e, 0, sizeof *e);
    if (seeds < 1 || seeds > 100000)
        return nc_err_set(NC_ERR_ARG, "error rate: %d seeds per input (expected 1..100000)",
                          seeds);
    double t0 = nc_now_s();
    size_t n = 4 * (size_t)seeds;
    double *out = calloc(n, sizeof *out);
    int *st = calloc(n, sizeof *st);
    if (!out || !st) {
        free(out), free(st);
        return nc_err_set(NC_ERR_NOMEM, "error rate: out of memory for %zu runs", n);
    }
    err_job_t ej = {seeds, seed0, bias};
    nc_par_cfg_t cfg = {procs, wall_s, what, err_name};
    int rc = nc_par_run_cfg(&cfg, n, err_run, &ej, out, sizeof *out, st);
    /* a failed job (simulation error, timeout, crash) is a counted error; only a failure of
     * the sweep itself is returned: bad arguments (no job failed) or an interruption (a
     * signal, when the caller handles it: spice_par.h) */
    size_t nfail = 0;
    for (size_t j = 0; j < n; j++)
        nfail += st[j] != 0;
    if (rc && nfail > 0 && !strstr(nc_err_msg(), "interrupted"))
        rc = NC_OK;
    for (size_t j = 0; !rc && j < n; j++)
        nc_xor_err_add(e, (int)(j % 4), seed0 + j / 4, st[j], out[j]);
    e->wall_s = nc_now_s() - t0;
    free(out), free(st);
    return rc;
}

static void err_row(FILE *f, const char *name, long k, long n)
{
    double lo = 0, hi = 1;
    if (nc_wilson(k, n, 1.96, &lo, &hi))
        fprintf(f, "  %-7s | %5ld / %-5ld |   -    | -\n", name, k, n);
    else
        fprintf(f, "  %-7s | %5ld / %-5ld | %6.4f | [%6.4f, %6.4f]\n", name, k, n,
                (double)k / (double)n, lo, hi);
}

void nc_xor_err_print(FILE *f, const nc_xor_err_t *e)
{
    static const char *names[4] = {"a=0 b=0", "a=0 b=1", "a=1 b=0", "a=1 b=1"};
    fprintf(f, "  input   | errors / runs | rate   | 95%% interval (Wilson)\n");
    for (int i = 0; i < 4; i++)
        err_row(f, names[i], e->errors[i], e->runs[i]);
    err_row(f, "all", nc_xor_err_errors(e), nc_xor_err_runs(e));
    long failed = e->failed[0] + e->failed[1] + e->failed[2] + e->failed[3];
    if (failed)
        fprintf(f, "  (%ld of the errors are failed simulations)\n", failed);
    for (size_t i = 0; i < e->nlist; i++) {
        if (isnan(e->list[i].out))
            fprintf(f, "  misclassified: %s seed %llu (simulation failed)\n",
                    names[e->list[i].input], (unsigned long long)e->list[i].seed);
        else
            fprintf(f, "  misclassified: %s seed %llu (output %.2f GHz, threshold %.2f GHz)\n",
                    names[e->list[i].input], (unsigned long long)e->list[i].seed,
                    e->list[i].out / 1e9, NC_XOR_THRESHOLD / 1e9);
    }
    if ((size_t)nc_xor_err_errors(e) > e->nlist)
        fprintf(f, "  (%zu of %ld misclassified runs listed)\n", e->nlist, nc_xor_err_errors(e));
    fprintf(f, "  wall %.1f s for %ld runs\n", e->wall_s, nc_xor_err_runs(e));
}
