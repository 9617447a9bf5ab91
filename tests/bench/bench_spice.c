/* bench_spice.c - SPICE throughput and parallel sweeps:
 *   1. the speed study (docs/sfq_speed.md): 16- and 64-stage JTL pulse trains with the reference
 *      junction model (before issue 12), the full junction and the current one side by side:
 *      points per ns, wall seconds per ns and per junction-ns, CPU seconds per junction-ns, and
 *      the worst switching-time difference; then the deep XOR network (NC_XOR_JUNCTIONS
 *      junctions) per ns and per junction-ns;
 *   2. a bias-margin sweep (cell margins) and a noise-seed sweep (synapse pass probability)
 *      run serially (1 process) and in parallel (one process per CPU): the speedup is the
 *      ratio of the two wall times measured in this same run.
 * Exit status non-zero only if a simulation fails. */
#include <limits.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>

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

/* The speed study (docs/sfq_speed.md): one JTL run per child process, side by side for 16 and
 * 64 stages, each for JTL_TSTOP:
 *   reference  jj.lib jjref = 1 at NC_SPICE_TMAX_REF (the model before issue 12; the full
 *              junction with the noise grid),
 *   before     the full junction (jj_full: the seeded-noise path and the subgap term, both
 *              silent: jjnoise = 1 with the harness's noise at rms 0) at PREV_TMAX: the
 *              default before the cheap junction and the 0.03 ps step,
 *   current    the junction as runs use it now (jj) at NC_SPICE_TMAX;
 *   floor      ngspice's own cost of the same circuit with every junction linear (its R and C
 *              only: no supercurrent, no phase integrator; FLOOR_JJ in a temporary copy of the
 *              testbench's files, NC_CIRCUITS) at the reference step and at NC_SPICE_TMAX: what
 *              no junction model inside ngspice can go below (pulses do not propagate there).
 * The switching times are compared in the parent; the child sends them back flattened, with
 * its CPU seconds (getrusage: ngspice's thread runs in the child), steadier than wall seconds
 * on a shared machine. */
#define JTL_TSTOP 2.04e-9
#define PREV_TMAX 0.05e-12 /* NC_SPICE_TMAX before the 64-stage bound was met */
#define JTL_MAXSW 4096 /* switchings kept per run (64 stages x 2 junctions x 40 pulses = 5120) */
typedef struct jtl_res {
    double wall, cpu, sim_ns;
    size_t points, junctions, pulses_in, pulses_out;
    size_t nsw;            /* switchings below, junction after junction */
    size_t per_j[128];     /* switchings of each JTL junction */
    double t[2 * JTL_MAXSW];
} jtl_res_t;

enum jtl_model { JTL_REF, JTL_FULL, JTL_CUR, JTL_FLOOR };
typedef struct jtl_arg {
    size_t stages;
    enum jtl_model model;
    double tmax;
} jtl_arg_t;

/* The floor's junction: jj.lib's interface and element values, its R and C only. */
static const char FLOOR_JJ[] =
    "* bench_spice's floor junction: jj.lib's R and C, no supercurrent, no phase integrator\n"
    ".param jjref=0\n.param jjnoise=0\n.param jjqp=0\n"
    ".subckt jj a b ph ic=100u bc=1 cpa=7e-10 rsub=1e9 temp=0 ndt=0.1p icrn=1.7m rsgn=16 "
    "vg=2.8m dvg=0.1m\n"
    ".param cj={ic*cpa}\n.param rj={sqrt(bc*3.291059757e-16/(ic*cj))}\n"
    "Rj a b {rj}\nCj a b {cj}\nRph ph 0 1\n.ends jj\n";
static char floor_dir[64];

/* Copies what the JTL testbenches include into floor_dir, with FLOOR_JJ as lib/jj.lib. */
static int floor_make(void)
{
    static const char *const files[] = {"cells/sfq.lib", "cells/tb_common.inc",
                                        "cells/tb_jtl16.cir", "cells/tb_jtl64.cir",
                                        "lib/bfeed.lib"};
    const char *src = nc_spice_circuits_dir();
    snprintf(floor_dir, sizeof floor_dir, "/tmp/nc_bench_floor.XXXXXX");
    if (!src || !mkdtemp(floor_dir))
        return NC_ERR_IO;
    char path[PATH_MAX];
    snprintf(path, sizeof path, "%s/lib", floor_dir);
    int rc = nc_mkdir_p(path);
    snprintf(path, sizeof path, "%s/cells", floor_dir);
    rc = rc ? rc : nc_mkdir_p(path);
    snprintf(path, sizeof path, "%s/lib/jj.lib", floor_dir);
    rc = rc ? rc : nc_write_file(path, FLOOR_JJ, sizeof FLOOR_JJ - 1);
    for (size_t i = 0; i < NC_ARRAY_LEN(files) && !rc; i++) {
        static char buf[1 << 20];
        snprintf(path, sizeof path, "%s/%s", src, files[i]);
        FILE *f = fopen(path, "rb");
        size_t n = f ? fread(buf, 1, sizeof buf, f) : 0;
        if (!f || ferror(f) || n == sizeof buf)
            rc = nc_err_set(NC_ERR_IO, "%s: cannot read it whole", path);
        if (f)
            fclose(f);
        snprintf(path, sizeof path, "%s/%s", floor_dir, files[i]);
        rc = rc ? rc : nc_write_file(path, buf, n);
    }
    return rc;
}

static void floor_remove(void)
{
    static const char *const files[] = {"cells/sfq.lib", "cells/tb_common.inc",
                                        "cells/tb_jtl16.cir", "cells/tb_jtl64.cir",
                                        "lib/bfeed.lib", "lib/jj.lib", "cells", "lib", ""};
    char path[PATH_MAX];
    for (size_t i = 0; floor_dir[0] && i < NC_ARRAY_LEN(files); i++) {
        snprintf(path, sizeof path, "%s/%s", floor_dir, files[i]);
        remove(path);
    }
}

static double cpu_s(void)
{
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return (double)u.ru_utime.tv_sec + (double)u.ru_stime.tv_sec +
           ((double)u.ru_utime.tv_usec + (double)u.ru_stime.tv_usec) * 1e-6;
}

static int jtl_job(size_t i, void *arg, void *res)
{
    const jtl_arg_t *a = (const jtl_arg_t *)arg + i;
    jtl_res_t *r = res;
    const char *tb = a->stages == 16 ? "cells/tb_jtl16.cir" : "cells/tb_jtl64.cir";
    if (a->model == JTL_FLOOR && setenv("NC_CIRCUITS", floor_dir, 1))
        return NC_ERR_IO;
    nc_spice_param_t p[] = {{"jjref", a->model == JTL_REF}, {"jjnoise", a->model == JTL_FULL}};
    nc_spice_tran_t tr = {a->tmax, JTL_TSTOP, a->tmax, 1800};
    int rc = nc_spice_load(tb, p, 2, &tr);
    double c0 = cpu_s();
    if (!rc)
        rc = nc_spice_run();
    r->cpu = cpu_s() - c0;
    double *t = NULL;
    if (!rc)
        rc = nc_spice_vec("time", &t, &r->points);
    free(t);
    r->wall = nc_spice_last_wall_s(), r->sim_ns = JTL_TSTOP * 1e9;
    r->junctions = 2 * a->stages + 3;
    r->nsw = 0;
    for (size_t k = 0; k < 2 * a->stages && !rc; k++) {
        char name[32];
        snprintf(name, sizeof name, "xj%zu.p%zu", k / 2 + 1, k % 2 + 1);
        nc_slips_t s;
        if ((rc = nc_spice_slips(name, &s)))
            break;
        r->per_j[k] = s.n;
        if (k == 0)
            r->pulses_in = s.n;
        if (k == 2 * a->stages - 1)
            r->pulses_out = s.n;
        for (size_t m = 0; m < s.n && r->nsw < NC_ARRAY_LEN(r->t); m++)
            r->t[r->nsw++] = s.t[m];
        nc_slips_free(&s);
    }
    return rc;
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

static void jtl_row(const char *model, const jtl_res_t *r, const jtl_res_t *ref, double err)
{
    double jns = r->sim_ns * (double)r->junctions;
    printf("  %-36s %9.0f %8.3f %9.4f %9.4f %7zu/%-3zu", model, r->points / r->sim_ns,
           r->wall / r->sim_ns, r->wall / jns, r->cpu / jns, r->pulses_out, r->pulses_in);
    if (!ref)
        printf("  %s", err < 0 ? "reference" : "-"); /* the last column of the row */
    else if (err < 0)
        printf("  %-9s", "DIFFERENT");
    else
        printf("  %-9.4f", err * 1e12);
    if (ref)
        printf(" %5.2fx %5.2fx", (double)ref->points / (double)r->points, ref->cpu / r->cpu);
    printf("\n");
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
    nc_par_cfg_t one = {1, 900, what, NULL}, all = {cpus, 900, what, NULL};
    int rc = nc_par_run_cfg(&one, n, fn, arg, res, size, st);
    double serial = nc_now_s() - t0;
    t0 = nc_now_s();
    if (!rc)
        rc = nc_par_run_cfg(&all, n, fn, arg, res, size, st);
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
    enum { NJ = 10 }; /* per stage count: reference, before, current, floor at 2 steps */
    jtl_arg_t ja[NJ];
    for (int k = 0; k < NJ; k++) {
        static const enum jtl_model m[5] = {JTL_REF, JTL_FULL, JTL_CUR, JTL_FLOOR, JTL_FLOOR};
        static const double tmax[5] = {NC_SPICE_TMAX_REF, PREV_TMAX, NC_SPICE_TMAX,
                                       NC_SPICE_TMAX_REF, NC_SPICE_TMAX};
        ja[k] = (jtl_arg_t){k < 5 ? 16 : 64, m[k % 5], tmax[k % 5]};
    }
    jtl_res_t *j = calloc(NJ, sizeof *j);
    int jst[NJ];
    int frc = floor_make();
    /* progress (jobs done) on stderr when it is a terminal, or with NC_PROGRESS=1 */
    nc_par_cfg_t jcfg = {1, 3600, "bench_spice, JTL runs", NULL};
    if (!j || frc || nc_par_run_cfg(&jcfg, NJ, jtl_job, ja, j, sizeof *j, jst))
        return floor_remove(), free(j), die("JTL speed runs");
    floor_remove();
    printf("JTL pulse trains, %.2f ns (goal: <= 0.0035 s per junction-ns, every switching within "
           "0.01 ps of the reference); one run at a time\n", JTL_TSTOP * 1e9);
    printf("  %-36s %9s %8s %9s %9s %11s  %-9s %6s %6s\n", "model (max step)", "points/ns",
           "s/ns", "s/junc-ns", "cpu/j-ns", "pulses o/i", "|dt| ps", "points", "cpu");
    printf("  %-36s %9s %8s %9s %9s %11s  %-9s %13s\n", "", "", "wall", "wall", "s", "",
           "worst", "ref / this");
    static const char *names[] = {"reference", "before: jj_full", "current: jj",
                                  "floor: linear jj", "floor: linear jj"};
    int lost = 0;
    for (int k = 0; k < NJ; k += 5) {
        for (int m = 0; m < 5; m++) {
            char name[64];
            snprintf(name, sizeof name, "%zu-stage, %s, %.3g ps", ja[k + m].stages, names[m],
                     ja[k + m].tmax * 1e12);
            bool cmp = m == 1 || m == 2;
            double err = cmp ? jtl_worst(&j[k], &j[k + m], ja[k].stages) : m ? 0 : -1;
            jtl_row(name, &j[k + m], cmp ? &j[k] : NULL, err);
            lost |= cmp && (err < 0 || !j[k + m].pulses_out); /* the last may be on the way */
        }
        double goal = 0.0035 * j[k].sim_ns * (double)j[k].junctions;
        printf("  %-36s current: %.2fx less CPU per point than the full junction, %.2fx less "
               "CPU than before;\n  %-36s the goal is %.2fx the floor's CPU at %.3g ps, %.2fx at "
               "%.3g ps (below 1: out of ngspice's reach)\n", "",
               (j[k + 1].cpu / (double)j[k + 1].points) / (j[k + 2].cpu / (double)j[k + 2].points),
               j[k + 1].cpu / j[k + 2].cpu, "", goal / j[k + 3].cpu, ja[k + 3].tmax * 1e12,
               goal / j[k + 4].cpu, ja[k + 4].tmax * 1e12);
    }
    double jtl_cost = j[2].wall / j[2].sim_ns / (double)j[2].junctions;
    free(j);
    xor_bres_t x[4];
    int sts[4];
    nc_par_cfg_t xcfg = {1, 900, "bench_spice, XOR network runs", NULL};
    if (nc_par_run_cfg(&xcfg, 4, xor_job, NULL, x, sizeof x[0], sts))
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
