/* spice_hybrid.c - the generators and the hybrid XOR netlist in ngspice (see spice_hybrid.h). */
#include "spice_hybrid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_par.h"
#include "spice_pulse.h"
#include "sfq_cells.h"

#define OSC_TMAX NC_SPICE_TMAX
#define OSC_WALL_S 60.0

/* Slips of `vec` in direction dir (+1/-1): count over the run, count against it, and the
 * times in [t0, end) in that direction (rate from the mean period). */
static int slips_dir(const char *vec, int dir, double t0, size_t *n, size_t *wrong, double *rate)
{
    nc_slips_t s;
    int rc = nc_spice_slips(vec, &s);
    if (rc)
        return rc;
    size_t k = 0, w = 0, nw = 0;
    double first = NAN, last = NAN;
    for (size_t i = 0; i < s.n; i++) {
        if (s.dir[i] != dir) {
            w++;
            continue;
        }
        k++;
        if (s.t[i] >= t0) {
            if (!nw++)
                first = s.t[i];
            last = s.t[i];
        }
    }
    *n = k, *wrong = w;
    if (rate)
        *rate = nw >= 2 ? (double)(nw - 1) / (last - first) : 0;
    nc_slips_free(&s);
    return NC_OK;
}

int nc_osc_measure(double ilo, double ihi, double ineg, double bias, nc_osc_meas_t m[3])
{
    if (!(ilo >= 0 && ilo <= 1e-3 && ihi >= 0 && ihi <= 1e-3 && ineg <= 0 && ineg >= -1e-3))
        return nc_err_set(NC_ERR_ARG, "tb_osc: currents %.1f / %.1f / %.1f uA: expected 0..1000 "
                          "uA for the two plain generators, -1000..0 uA for the mirrored one",
                          ilo * 1e6, ihi * 1e6, ineg * 1e6);
    if (!(bias > 0.1 && bias < 3.0))
        return nc_err_set(NC_ERR_ARG, "tb_osc: bias scale %g outside (0.1, 3)", bias);
    nc_spice_param_t p[] = {{"ilo", ilo}, {"ihi", ihi}, {"ineg", ineg}, {"bias", bias}};
    nc_spice_tran_t tr = {OSC_TMAX, NC_OSC_TSTOP, OSC_TMAX, OSC_WALL_S};
    int rc = nc_spice_noise(0, 1, OSC_TMAX);
    if (!rc)
        rc = nc_spice_load("cells/tb_osc.cir", p, NC_ARRAY_LEN(p), &tr);
    if (!rc)
        rc = nc_spice_run();
    return rc ? rc : nc_osc_analyse(m);
}

int nc_osc_analyse(nc_osc_meas_t m[3])
{
    int rc = NC_OK;
    static const char *const inst[3] = {"xlo", "xdut", "xneg"}, *const load[3] = {"xllo", "xld",
                                                                                 "xlneg"};
    for (int g = 0; g < 3 && !rc; g++) {
        int dir = g == 2 ? -1 : 1;
        char v[32];
        size_t w1 = 0, w2 = 0, w3 = 0;
        m[g] = (nc_osc_meas_t){0};
        snprintf(v, sizeof v, "%s.p1", inst[g]);
        rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].gen, &w1, NULL);
        snprintf(v, sizeof v, "%s.p3", inst[g]);
        if (!rc)
            rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].buf, &w2, &m[g].rate);
        snprintf(v, sizeof v, "%s.p2", load[g]);
        if (!rc)
            rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].load, &w3, NULL);
        m[g].wrong = w1 + w2 + w3;
    }
    return rc;
}

/* ---- the hybrid XOR netlist ---- */

#define HYB_TMAX 0.1e-12 /* xor.cir's step */

const nc_wave_probe_t nc_hybrid_probes[] = {
    {"xga.p1", "gen_a"},     {"xgb.p1", "gen_b"},     {"xgan.p1", "gen_na"},
    {"xgbn.p1", "gen_nb"},   {"xgc.p1", "slot_clk"},  {"xja.p2", "in_a"},
    {"xjb.p2", "in_b"},      {"xjan.p2", "in_na"},    {"xjbn.p2", "in_nb"},
    {"xya1.p3", "syn_a"},    {"xyb1.p3", "syn_b"},    {"xya2.p3", "syn_na"},
    {"xyb2.p3", "syn_nb"},   {"xh1.p3", "h1"},        {"xh2.p3", "h2"},
    {"xo.p3", "out_fire"},
    {"xjo.p2", "out"},       {"xt1.p6", "div2"},      {"xt2.p6", "div4_watched"},
    {"xdc.p3", "sfqdc_set"}, {"xdc.p4", "sfqdc_reset"}, {"i(v.xdc.vq)", "sfqdc_level"},
};
const size_t nc_hybrid_nprobes = sizeof nc_hybrid_probes / sizeof nc_hybrid_probes[0];

/* Slips of vec: rate (absolute net count / window) in [t0, t1), and the count against `dir`. */
static int rate_win(const char *vec, int dir, double t0, double t1, double *rate, size_t *wrong)
{
    nc_slips_t s;
    int rc = nc_spice_slips(vec, &s);
    if (rc)
        return rc;
    long net = 0;
    size_t w = 0;
    for (size_t i = 0; i < s.n; i++) {
        if (s.t[i] >= t0 && s.t[i] < t1)
            net += s.dir[i];
        w += s.dir[i] != dir;
    }
    *rate = labs(net) / (t1 - t0);
    if (wrong)
        *wrong += w;
    nc_slips_free(&s);
    return NC_OK;
}

/* The slips up of vec into a train (and how many went down). */
static int train_of(const char *vec, sfq_train_t *tr, size_t *down)
{
    nc_slips_t s = {0};
    int rc = nc_spice_slips(vec, &s);
    for (size_t i = 0; !rc && i < s.n; i++) {
        if (s.dir[i] > 0)
            rc = sfq_train_push(tr, s.t[i]);
        else
            ++*down;
    }
    nc_slips_free(&s);
    return rc;
}

/* The interface: level changes measured and predicted from the output pulses. */
static int interface(nc_hybrid_result_t *r)
{
    const double t0 = NC_XOR_TFROM, t1 = NC_XOR_TSTOP;
    sfq_train_t out = {0}, d2 = {0}, d4 = {0}, ps = {0}, pr = {0}, set = {0}, rst = {0},
                watch = {0};
    size_t down = 0;
    int rc = train_of("xjo.p2", &out, &down);
    if (!rc)
        rc = train_of(NC_HYBRID_WATCH, &watch, &down);
    if (!rc)
        rc = train_of("xdc.p3", &set, &down);
    if (!rc)
        rc = train_of("xdc.p4", &rst, &down);
    if (!rc)
        rc = sfq_tff(&out, sfq_t_tff.nominal, &d2);
    if (!rc)
        rc = sfq_tff(&d2, sfq_t_tff.nominal, &d4);
    if (!rc)
        rc = sfq_toggle(&d4, sfq_t_sfqdc.nominal, sfq_t_sfqdc_reset.nominal, &ps, &pr);
    if (!rc) {
        r->wrong_dir += down;
        r->out_pulses = sfq_train_count(&out, t0, t1);
        r->watch_slips = sfq_train_count(&watch, t0, t1);
        r->level_changes = sfq_train_count(&set, t0, t1) + sfq_train_count(&rst, t0, t1);
        r->level_pred = sfq_train_count(&ps, t0, t1) + sfq_train_count(&pr, t0, t1);
        r->level_changes_run = set.n + rst.n;
        r->level_end = set.n > rst.n;
        /* shortest hold: merge the set and reset times (they alternate) */
        double prev = -INFINITY;
        r->min_hold_s = INFINITY;
        for (size_t i = 0, j = 0; i < set.n || j < rst.n;) {
            double t = (j >= rst.n || (i < set.n && set.t[i] < rst.t[j])) ? set.t[i++] : rst.t[j++];
            r->min_hold_s = fmin(r->min_hold_s, t - prev);
            prev = t;
        }
    }
    sfq_train_free(&out), sfq_train_free(&d2), sfq_train_free(&d4), sfq_train_free(&ps);
    sfq_train_free(&pr), sfq_train_free(&set), sfq_train_free(&rst), sfq_train_free(&watch);
    return rc;
}

int nc_hybrid_set_dac(double ia, double ib)
{
    int rc = nc_spice_source_set("idac_a", ia);
    if (!rc)
        rc = nc_spice_source_set("idac_an", -ia);
    if (!rc)
        rc = nc_spice_source_set("idac_b", ib);
    if (!rc)
        rc = nc_spice_source_set("idac_bn", -ib);
    return rc;
}

int nc_hybrid_run(double dac_a_uA, double dac_b_uA, uint64_t seed, const char *wave_path,
                  nc_hybrid_result_t *r)
{
    *r = (nc_hybrid_result_t){0};
    if (!(dac_a_uA >= 0 && dac_a_uA <= NC_HYBRID_DAC_MAX_UA && dac_b_uA >= 0 &&
          dac_b_uA <= NC_HYBRID_DAC_MAX_UA))
        return nc_err_set(NC_ERR_ARG, "%s: DAC currents a = %g uA, b = %g uA: expected 0..%g uA "
                          "(8-bit DAC, 1 uA LSB; low %g, high %g)", NC_HYBRID_NETLIST, dac_a_uA,
                          dac_b_uA, NC_HYBRID_DAC_MAX_UA, NC_HYBRID_DAC_LOW_UA,
                          NC_HYBRID_DAC_HIGH_UA);
    const double ia = dac_a_uA * 1e-6, ib = dac_b_uA * 1e-6;
    nc_spice_tran_t tr = {HYB_TMAX, NC_XOR_TSTOP, HYB_TMAX, NC_HYBRID_WALL_S};
    int rc = nc_spice_noise(NC_SYN_TNOISE, NC_SYN_RSHUNT, HYB_TMAX);
    if (!rc)
        rc = nc_spice_seed(seed);
    if (!rc)
        rc = nc_hybrid_set_dac(ia, ib);
    if (!rc)
        rc = nc_spice_load(NC_HYBRID_NETLIST, NULL, 0, &tr);
    if (!rc)
        rc = nc_spice_run();
    if (rc)
        return rc;
    r->wall_s = nc_spice_last_wall_s();
    const double t0 = NC_XOR_TFROM, t1 = NC_XOR_TSTOP;
    size_t *w = &r->wrong_dir;
    rc = rate_win("xja.p2", 1, t0, t1, &r->r.a, w);
    if (!rc)
        rc = rate_win("xjb.p2", 1, t0, t1, &r->r.b, w);
    if (!rc)
        rc = rate_win("xjan.p2", -1, t0, t1, &r->an, w);
    if (!rc)
        rc = rate_win("xjbn.p2", -1, t0, t1, &r->bn, w);
    /* m1, m2: the summed trains each hidden neuron receives (its two synapses' passes) */
    double s1 = 0, s2 = 0;
    if (!rc)
        rc = rate_win("xya1.p3", 1, t0, t1, &r->r.m1, w);
    if (!rc)
        rc = rate_win("xyb1.p3", 1, t0, t1, &s1, w);
    if (!rc)
        rc = rate_win("xya2.p3", -1, t0, t1, &r->r.m2, w);
    if (!rc)
        rc = rate_win("xyb2.p3", -1, t0, t1, &s2, w);
    r->r.m1 += s1, r->r.m2 += s2;
    if (!rc)
        rc = rate_win("xh1.p3", 1, t0, t1, &r->r.h1, w);
    if (!rc)
        rc = rate_win("xh2.p3", -1, t0, t1, &r->r.h2, w);
    if (!rc)
        rc = rate_win("xjo.p2", 1, t0, t1, &r->r.out, w);
    static const char *const gen[5] = {"xga.p3", "xgan.p3", "xgb.p3", "xgbn.p3", "xgc.p3"};
    static const int gdir[5] = {1, -1, 1, -1, 1};
    for (int g = 0; g < 5 && !rc; g++) {
        size_t n, wrong;
        rc = slips_dir(gen[g], gdir[g], NC_OSC_TFROM, &n, &wrong, g < 4 ? &r->gen[g] : &r->clk);
        r->wrong_dir += wrong;
    }
    if (!rc)
        rc = interface(r);
    r->cls = r->r.out > NC_XOR_THRESHOLD;
    if (!rc && wave_path)
        rc = nc_spice_wave_write(wave_path, nc_hybrid_probes, nc_hybrid_nprobes, NULL);
    return rc;
}

typedef struct par_arg {
    const double (*dac)[2];
    const uint64_t *seeds;
} par_arg_t;

static int par_job(size_t i, void *arg, void *res)
{
    const par_arg_t *a = arg;
    return nc_hybrid_run(a->dac[i][0], a->dac[i][1], a->seeds[i], NULL, res);
}

static void par_name(size_t i, const void *arg, char *buf, size_t cap)
{
    const par_arg_t *a = arg;
    snprintf(buf, cap, "hybrid run dac a=%g b=%g uA seed %llu", a->dac[i][0], a->dac[i][1],
             (unsigned long long)a->seeds[i]);
}

int nc_hybrid_run_par(size_t n, const double (*dac)[2], const uint64_t *seeds, int procs,
                      nc_hybrid_result_t *res, int *status)
{
    par_arg_t a = {dac, seeds};
    nc_par_cfg_t cfg = {procs, NC_HYBRID_WALL_S, NULL, par_name};
    return nc_par_run_cfg(&cfg, n, par_job, &a, res, sizeof *res, status);
}
