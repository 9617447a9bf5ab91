/* bench_spice.c - SPICE throughput and parallel sweeps:
 *   1. wall time per simulated ns of a 16-stage JTL (32 junctions + 3 in its DC/SFQ source) and of the
 *      deep XOR network (NC_XOR_JUNCTIONS junctions), and per junction-ns;
 *   2. a bias-margin sweep (cell margins) and a noise-seed sweep (synapse pass probability)
 *      run serially (1 process) and in parallel (one process per CPU): the speedup is the
 *      ratio of the two wall times measured in this same run.
 * Exit status non-zero only if a simulation fails. */
#include <math.h>
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

/* One JTL16 run in this process (child): wall seconds and pulses through. */
typedef struct jtl_res {
    double wall, sim_ns;
    size_t pulses_in, pulses_out;
} jtl_res_t;

static int jtl16_job(size_t i, void *arg, void *res)
{
    (void)i, (void)arg;
    jtl_res_t *r = res;
    const double tstop = 2.04e-9;
    nc_spice_tran_t tr = {0.1e-12, tstop, 0.1e-12, 300};
    int rc = nc_spice_load("cells/tb_jtl16.cir", NULL, 0, &tr);
    if (!rc)
        rc = nc_spice_run();
    double *t = NULL, *p1 = NULL, *p2 = NULL;
    size_t n = 0, m = 0;
    if (!rc)
        rc = nc_spice_vec("time", &t, &n);
    if (!rc)
        rc = nc_spice_vec("xj1.p1", &p1, &m);
    if (!rc)
        rc = nc_spice_vec("xj16.p2", &p2, &m);
    if (!rc) {
        nc_slips_t a, b;
        nc_slips_find(t, p1, n, &a);
        nc_slips_find(t, p2, n, &b);
        r->pulses_in = a.n, r->pulses_out = b.n;
        nc_slips_free(&a), nc_slips_free(&b);
        r->wall = nc_spice_last_wall_s(), r->sim_ns = tstop * 1e9;
    }
    free(t), free(p1), free(p2);
    return rc;
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
    jtl_res_t j;
    int st;
    if (nc_par_run(1, 1, 600, jtl16_job, NULL, &j, sizeof j, &st))
        return die("16-stage JTL");
    printf("16-stage JTL (35 junctions with its source): %.2f s per simulated ns, %.3f s per junction-ns; "
           "%zu pulses in, %zu out%s\n", j.wall / j.sim_ns, j.wall / j.sim_ns / 35,
           j.pulses_in, j.pulses_out, j.pulses_in == j.pulses_out ? "" : "  (MISMATCH)");
    xor_bres_t x[4];
    int sts[4];
    if (nc_par_run(4, 1, 900, xor_job, NULL, x, sizeof x[0], sts))
        return die("XOR network");
    double w = 0;
    for (int i = 0; i < 4; i++)
        w += x[i].wall;
    double per_ns = w / 4 / (NC_XOR_TSTOP * 1e9);
    printf("XOR network (%d junctions): %.2f s per simulated ns, %.3f s per junction-ns "
           "(%.2fx the JTL's per-junction cost)\n", NC_XOR_JUNCTIONS, per_ns,
           per_ns / NC_XOR_JUNCTIONS, per_ns / NC_XOR_JUNCTIONS / (j.wall / j.sim_ns / 35));
    double resolution = 0.02;
    if (sweep("bias-margin sweep (every cell)", nc_cells_count, nc_cell_margin_job, &resolution,
              sizeof(nc_margin_t), cpus))
        return die("margin sweep");
    if (sweep("noise-seed sweep (synapse)", 8, syn_job, NULL, sizeof(syn_res_t), cpus))
        return die("seed sweep");
    if (j.pulses_in != j.pulses_out || j.pulses_in == 0)
        return fprintf(stderr, "bench_spice: the JTL lost pulses\n"), 1;
    return 0;
}
