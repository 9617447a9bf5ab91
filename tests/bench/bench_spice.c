/* bench_spice.c - SPICE throughput and parallel sweeps:
 *   1. the speed study (docs/sfq_speed.md): 16- and 64-stage JTL pulse trains with the reference
 *      junction model (before issue 12) and the current one side by side: points per ns, wall
 *      seconds per ns and per junction-ns, and the worst switching-time difference; then the
 *      deep XOR network (NC_XOR_JUNCTIONS junctions) per ns and per junction-ns;
 *   2. a bias-margin sweep (cell margins) and a noise-seed sweep (synapse pass probability)
 *      run serially (1 process) and in parallel (one process per CPU): the speedup is the
 *      ratio of the two wall times measured in this same run.
 * Exit status non-zero only if a simulation fails. */
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_cells.h"
#include "spice_par.h"
#include "spice_pulse.h"
#include "spice_xor.h"

static int die(const char *what)
{
    fprintf(stderr, "bench_spice: %s: %s\n", what, nc_err_msg());
    return 1;
}

/* The speed study (docs/sfq_speed.md): one JTL run per child process, the reference model
 * (jj.lib jjref = 1 at NC_SPICE_TMAX_REF, the model before issue 12) and the current one
 * (NC_SPICE_TMAX), 16 and 64 stages, each for JTL_TSTOP. The switching times are compared in
 * the parent; the child sends them back flattened. */
#define JTL_TSTOP 2.04e-9
#define JTL_MAXSW 4096 /* switchings kept per run (64 stages x 2 junctions x 40 pulses = 5120) */
typedef struct jtl_res {
    double wall, sim_ns;
    size_t points, junctions, pulses_in, pulses_out;
    size_t nsw;            /* switchings below, junction after junction */
    size_t per_j[128];     /* switchings of each JTL junction */
    double t[2 * JTL_MAXSW];
} jtl_res_t;

typedef struct jtl_arg {
    size_t stages;
    bool ref;
} jtl_arg_t;

static int jtl_job(size_t i, void *arg, void *res)
{
    const jtl_arg_t *a = (const jtl_arg_t *)arg + i;
    jtl_res_t *r = res;
    nc_jtl_run_t run;
    int rc = nc_jtl_run(a->stages, a->ref, JTL_TSTOP, &run);
    if (rc)
        return rc;
    r->wall = run.wall_s, r->sim_ns = run.sim_s * 1e9, r->points = run.points;
    r->junctions = run.junctions;
    r->pulses_in = run.slips[0].n, r->pulses_out = run.slips[2 * a->stages - 1].n;
    r->nsw = 0;
    for (size_t k = 0; k < 2 * a->stages; k++) {
        r->per_j[k] = run.slips[k].n;
        for (size_t m = 0; m < run.slips[k].n && r->nsw < NC_ARRAY_LEN(r->t); m++)
            r->t[r->nsw++] = run.slips[k].t[m];
    }
    nc_jtl_run_free(&run);
    return NC_OK;
}

/* Worst |dt| between the switchings of two runs of the same JTL; -1 if the counts differ. */
static double jtl_worst(const jtl_res_t *a, const jtl_res_t *b, size_t stages)
{
    double w = 0;
    size_t ia = 0, ib = 0;
    for (size_t k = 0; k < 2 * stages; k++) {
        if (a->per_j[k] != b->per_j[k])
            return -1;
        for (size_t m = 0; m < a->per_j[k]; m++, ia++, ib++)
            if (ia < a->nsw && ib < b->nsw)
                w = fmax(w, fabs(a->t[ia] - b->t[ib]));
    }
    return w;
}

static void jtl_row(const char *model, const jtl_res_t *r, double err)
{
    printf("  %-36s %10.0f %10.3f %10.4f %9zu/%-3zu", model, r->points / r->sim_ns,
           r->wall / r->sim_ns, r->wall / r->sim_ns / (double)r->junctions, r->pulses_out,
           r->pulses_in);
    if (err < 0)
        printf("  %s\n", "reference");
    else
        printf("  %.4f\n", err * 1e12);
}

typedef struct xor_bres {
    double wall;
    sfq_xor_rates_t r;
} xor_bres_t;

static int xor_job(size_t i, void *arg, void *res)
{
    (void)arg;
    xor_bres_t *x = res;
    return nc_xor_run((int)(i >> 1), (int)(i & 1), 7, NC_BIAS_NOMINAL, NULL, &x->r, &x->wall);
}

typedef struct syn_res {
    double k, n;
} syn_res_t;

static int syn_job(size_t i, void *arg, void *res)
{
    (void)arg;
    syn_res_t *s = res;
    return nc_syn_measure(65e-6, 500 + i, 60, &s->k, &s->n);
}

/* Runs n jobs with 1 process and with `cpus`; prints both times and the speedup. */
static int sweep(const char *what, size_t n, nc_par_fn fn, void *arg, size_t size, int cpus)
{
    void *res = calloc(n, size);
    int *st = calloc(n, sizeof *st);
    double t0 = nc_now_s();
    int rc = nc_par_run(n, 1, 900, fn, arg, res, size, st);
    double serial = nc_now_s() - t0;
    t0 = nc_now_s();
    if (!rc)
        rc = nc_par_run(n, cpus, 900, fn, arg, res, size, st);
    double par = nc_now_s() - t0;
    if (!rc)
        printf("%-34s %3zu jobs: serial %6.1f s, %d processes %6.1f s, speedup %.2fx of %d "
               "(ideal %d.00x)\n", what, n, serial, cpus, par, serial / par, cpus, cpus);
    free(res), free(st);
    return rc;
}

int main(void)
{
    int cpus = nc_par_cpus();
    printf("bench_spice: %d CPUs; one libngspice instance per process\n", cpus);
    jtl_arg_t ja[4] = {{16, true}, {16, false}, {64, true}, {64, false}};
    jtl_res_t *j = calloc(4, sizeof *j);
    int jst[4];
    if (!j || nc_par_run(4, 1, 1800, jtl_job, ja, j, sizeof *j, jst))
        return free(j), die("JTL speed runs");
    printf("JTL pulse trains, %.2f ns (goal: <= 0.0035 s per junction-ns, every switching within "
           "0.01 ps of the reference)\n", JTL_TSTOP * 1e9);
    printf("  %-36s %10s %10s %10s %13s  %s\n", "model", "points/ns", "s/ns", "s/junc-ns",
           "pulses out/in", "worst |dt| ps vs reference");
    int lost = 0;
    for (int k = 0; k < 4; k += 2) {
        char m0[64], m1[64];
        snprintf(m0, sizeof m0, "%zu-stage, reference (%.2f ps)", ja[k].stages,
                 NC_SPICE_TMAX_REF * 1e12);
        snprintf(m1, sizeof m1, "%zu-stage, current (%.2f ps)", ja[k].stages,
                 NC_SPICE_TMAX * 1e12);
        jtl_row(m0, &j[k], -1);
        double err = jtl_worst(&j[k], &j[k + 1], ja[k].stages);
        jtl_row(m1, &j[k + 1], err);
        printf("  %-36s %9.2fx fewer points, %.2fx faster%s\n", "", (double)j[k].points /
               (double)j[k + 1].points, j[k].wall / j[k + 1].wall,
               err < 0 ? "  (SWITCHING COUNTS DIFFER)" : "");
        lost |= err < 0 || !j[k + 1].pulses_out; /* the last pulses may still be on the way */
    }
    double jtl_cost = j[1].wall / j[1].sim_ns / (double)j[1].junctions;
    free(j);
    xor_bres_t x[4];
    int sts[4];
    if (nc_par_run(4, 1, 900, xor_job, NULL, x, sizeof x[0], sts))
        return die("XOR network");
    double w = 0;
    for (int i = 0; i < 4; i++)
        w += x[i].wall;
    double per_ns = w / 4 / (NC_XOR_TSTOP * 1e9);
    printf("XOR network (%d junctions): %.2f s per simulated ns, %.3f s per junction-ns "
           "(%.2fx the current 16-stage JTL's per-junction cost)\n", NC_XOR_JUNCTIONS, per_ns,
           per_ns / NC_XOR_JUNCTIONS, per_ns / NC_XOR_JUNCTIONS / jtl_cost);
    double resolution = 0.02;
    if (sweep("bias-margin sweep (every cell)", nc_cells_count, nc_cell_margin_job, &resolution,
              sizeof(nc_margin_t), cpus))
        return die("margin sweep");
    if (sweep("noise-seed sweep (synapse)", 8, syn_job, NULL, sizeof(syn_res_t), cpus))
        return die("seed sweep");
    if (lost)
        return fprintf(stderr, "bench_spice: a JTL lost pulses or switched differently\n"), 1;
    return 0;
}
