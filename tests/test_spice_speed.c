/* test_spice_speed.c - the junction model's speed changes (issue 12, docs/sfq_speed.md) keep
 * its accuracy, and the noise source steps a run only where noise is asked for. Each test runs
 * in its own process (one ngspice each). Nothing here times anything: points are counted. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nc_test.h"
#include "spice.h"
#include "spice_cells.h"
#include "spice_pulse.h"

/* Time points of a 400 ps tb_jj.cir run at 0.1 ps maximum step with the given overrides. */
static size_t points_of(const nc_spice_param_t *p, size_t np)
{
    nc_spice_tran_t tr = {0.1e-12, 400e-12, 0.1e-12, 60.0};
    cr_assert_eq(nc_spice_load("lib/tb_jj.cir", p, np, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    double *t = NULL;
    size_t n = 0;
    cr_assert_eq(nc_spice_vec("time", &t, &n), NC_OK, "%s", nc_err_msg());
    free(t);
    return n;
}

/* 400 ps at 0.1 ps maximum step is 4000 steps. Noiseless (temp = 0): no more than 4000 plus a
 * few hundred at the bias breakpoints and the pulse (the 0.1 ps noise grid of the old model
 * added about 4 points per 0.1 ps step: > 10000). Asked for (temp = 4.2 K) or with the
 * reference model (jjref = 1): the noise grid is there, more than 2 points per 0.1 ps. */
Test(spice_speed, noise_source_steps_only_when_asked, .timeout = 120)
{
    nc_spice_param_t quiet[] = {{"ibias", 0.5}, {"ipulse", 70e-6}};
    size_t n0 = points_of(quiet, 2);
    cr_expect(n0 <= 4600, "temp = 0: %zu time points in 400 ps, expected <= 4600 (no noise grid)",
              n0);
    nc_spice_param_t hot[] = {{"ibias", 0.5}, {"ipulse", 70e-6}, {"temp", 4.2}};
    size_t n1 = points_of(hot, 3);
    cr_expect(n1 > 8000, "temp = 4.2 K: %zu time points, expected > 8000 (noise every 0.1 ps)",
              n1);
    nc_spice_param_t ref[] = {{"ibias", 0.5}, {"ipulse", 70e-6}, {"jjref", 1}};
    size_t n2 = points_of(ref, 3);
    cr_expect(n2 > 8000, "jjref = 1: %zu time points, expected > 8000 (the old model's grid)",
              n2);
}

/* Accuracy at the new speed: a 16-stage JTL for 300 ps (5 pulses through 32 junctions plus
 * the source) with the current model at NC_SPICE_TMAX against the reference model (before
 * issue 12) at 0.1 ps maximum step: the same switchings, every one within 0.01 ps (the
 * issue's bound). */
Test(spice_speed, jtl16_switching_times_match_reference, .timeout = 240)
{
    nc_jtl_run_t ref, cur;
    cr_assert_eq(nc_jtl_run(16, true, 300e-12, &ref), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_jtl_run(16, false, 300e-12, &cur), NC_OK, "%s", nc_err_msg());
    /* 5 pulses of the source (t0 = 40 ps, period 50 ps) reach the last stage by 300 ps */
    cr_expect_eq(cur.slips[31].n, 5, "last junction switched %zu times, expected 5",
                 cur.slips[31].n);
    double worst;
    size_t n;
    cr_assert_eq(nc_jtl_compare(&ref, &cur, &worst, &n), NC_OK, "%s", nc_err_msg());
    cr_expect(n >= 32 * 5, "%zu switchings compared", n);
    cr_expect(worst <= 0.01e-12, "worst switching-time difference %.4f ps, expected <= 0.01 ps",
              worst * 1e12);
    cr_expect(cur.points < ref.points / 2, "current model: %zu points, reference %zu: expected "
              "fewer than half", cur.points, ref.points);
    nc_jtl_run_free(&ref), nc_jtl_run_free(&cur);
}

/* Bad arguments of the JTL speed run are refused with the expected range. */
Test(spice_speed, jtl_run_refuses_bad_arguments, .timeout = 30)
{
    nc_jtl_run_t r;
    cr_expect_eq(nc_jtl_run(8, false, 1e-9, &r), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "16 or 64"), "%s", nc_err_msg());
    cr_expect_eq(nc_jtl_run(16, false, 1e-3, &r), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "100 ps to 100 ns"), "%s", nc_err_msg());
}
