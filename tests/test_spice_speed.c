/* test_spice_speed.c - the junction model's speed changes (issue 12, docs/sfq_speed.md) keep
 * its accuracy, and the noise source steps a run only where noise is asked for. Each test runs
 * in its own process (one ngspice each). Nothing here times anything: points are counted. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nc_test.h"
#include "spice.h"
#include "spice_cells.h"
#include "spice_impl.h"
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

/* Accuracy at the new speed: a 64-stage JTL for 240 ps (the first pulses through 128
 * junctions plus the source) with the current model at NC_SPICE_TMAX against the reference
 * model (before issue 12) at 0.1 ps maximum step: the same switchings, every one within 0.01 ps
 * (the bound; trapezoidal integration's lag adds up along the line: 0.05 ps gave
 * 0.023 ps at the end of this line, 0.03 ps gives 0.0062 ps over 381 switchings), in fewer
 * time points. */
Test(spice_speed, jtl64_switching_times_match_reference, .timeout = 300)
{
    nc_jtl_run_t ref, cur;
    cr_assert_eq(nc_jtl_run(64, true, 240e-12, &ref), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_jtl_run(64, false, 240e-12, &cur), NC_OK, "%s", nc_err_msg());
    /* pulses of the source (t0 = 40 ps, period 50 ps) need about 150 ps to the last stage */
    cr_expect(cur.slips[127].n >= 1, "last junction switched %zu times, expected >= 1",
              cur.slips[127].n);
    double worst;
    size_t n;
    cr_assert_eq(nc_jtl_compare(&ref, &cur, &worst, &n), NC_OK, "%s", nc_err_msg());
    cr_expect(n >= 128 * 2, "%zu switchings compared", n);
    cr_expect(worst <= 0.01e-12, "worst switching-time difference %.4f ps, expected <= 0.01 ps",
              worst * 1e12);
    cr_expect(cur.points < ref.points, "current model: %zu points, reference %zu: expected "
              "fewer", cur.points, ref.points);
    nc_jtl_run_free(&ref), nc_jtl_run_free(&cur);
}

/* Does the body of the subcircuit handed to ngspice as `sub` hold a card starting with
 * `prefix` (case-insensitive) that contains the text `in` (if given)? */
static bool sub_has(const char *sub, const char *prefix, const char *in)
{
    size_t n, m = strlen(sub);
    char *const *c = nc_spice_impl_deck(&n);
    bool body = false;
    for (size_t i = 0; i < n; i++) {
        if (!strncasecmp(c[i], ".subckt ", 8) && !strncasecmp(c[i] + 8, sub, m) &&
            c[i][8 + m] == ' ')
            body = true;
        else if (body && !strncasecmp(c[i], ".ends", 5))
            return false;
        else if (body && !strncasecmp(c[i], prefix, strlen(prefix)) && (!in || strstr(c[i], in)))
            return true;
    }
    return false;
}

/* The same for the junction handed to ngspice under the name jj (jj.lib). */
static bool jj_has(const char *prefix, const char *in) { return sub_has("jj", prefix, in); }

static void load_jj(const nc_spice_param_t *p, size_t np)
{
    nc_spice_tran_t tr = {0.1e-12, 100e-12, 0.1e-12, 60.0};
    cr_assert_eq(nc_spice_load("lib/tb_jj.cir", p, np, &tr), NC_OK, "%s", nc_err_msg());
}

/* Item 4 of the speed study: a junction without seeded noise or subgap term asked for is the
 * cheap variant (no noise path Inz/Rnz/Gnz, a B-source without the subgap term's tanh, which
 * even multiplied by 0 doubled the cost of an iteration); either switch on (jjnoise, jjqp, as
 * overrides or an expression in the netlist) gives the full one under the same name. */
Test(spice_speed, junction_variant_follows_the_switches, .timeout = 60)
{
    load_jj(NULL, 0);
    cr_expect(!jj_has("Inz", NULL) && !jj_has("Gnz", NULL), "noiseless jj has the noise path");
    cr_expect(jj_has("Bj", "sin") && !jj_has("Bj", "tanh"), "noiseless jj: subgap term present "
              "(or no supercurrent)");
    cr_expect(jj_has("Cph", NULL) && jj_has("In ", "trnoise"), "jj lost its phase node or its "
              "trnoise source (temp)");
    const char *sw[] = {"jjnoise", "jjqp"};
    for (size_t i = 0; i < NC_ARRAY_LEN(sw); i++) {
        nc_spice_param_t p[] = {{sw[i], 1}};
        load_jj(p, 1);
        cr_expect(jj_has("Inz", NULL) && jj_has("Gnz", NULL) && jj_has("Bj", "tanh"),
                  "%s = 1: expected the full junction (noise path, subgap term)", sw[i]);
        p[0].value = 0;
        load_jj(p, 1);
        cr_expect(!jj_has("Inz", NULL) && !jj_has("Bj", "tanh"), "%s = 0: expected jj", sw[i]);
    }
    nc_spice_param_t ref[] = {{"jjref", 1}}; /* the reference's noise grid is in jj itself */
    load_jj(ref, 1);
    cr_expect(!jj_has("Inz", NULL) && jj_has("In ", "trnoise"), "jjref = 1: expected jj");
    nc_spice_tran_t tr = {0.1e-12, 100e-12, 0.1e-12, 60.0};
    cr_assert_eq(nc_spice_load_text("expr.cir", ".include lib/jj.lib\n.param jjqp={2-2+1}\n"
                 "I1 0 a dc 10u\nX1 a 0 p jj\n", &tr), NC_OK, "%s", nc_err_msg());
    cr_expect(jj_has("Bj", "tanh"), "jjqp given by an expression: expected the full junction");
    cr_assert_eq(nc_spice_load_text("own.cir", ".param jjnoise=1\n.subckt jj a b\nR1 a b 1\n"
                 ".ends\nX1 n 0 jj\nI1 0 n dc 1m\n", &tr), NC_OK, "%s", nc_err_msg());
    cr_expect(jj_has("R1", NULL), "a netlist's own jj (no jj_full beside it) must stay as it is");
    cr_expect_eq(nc_spice_load_text("clash.cir", ".include lib/jj.lib\n.param jjnoise=1\n"
                 ".subckt jj_fast a b\nR1 a b 1\n.ends\nX1 n 0 p jj\nI1 0 n dc 1u\n", &tr),
                 NC_ERR_PARSE, "a subcircuit jj_fast beside jj.lib's pair must be refused");
    cr_expect(strstr(nc_err_msg(), "jj_fast"), "%s", nc_err_msg());
}

/* Slips of the 16 JTL stages' junctions, 200 ps at NC_SPICE_TMAX, with the given overrides. */
static void jtl16_slips(const nc_spice_param_t *p, size_t np, nc_slips_t *s, size_t *points)
{
    nc_spice_tran_t tr = {NC_SPICE_TMAX, 200e-12, NC_SPICE_TMAX, 120.0};
    cr_assert_eq(nc_spice_load("cells/tb_jtl16.cir", p, np, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    double *t;
    cr_assert_eq(nc_spice_vec("time", &t, points), NC_OK, "%s", nc_err_msg());
    free(t);
    for (size_t k = 0; k < 32; k++) {
        char name[32];
        snprintf(name, sizeof name, "xj%zu.p%zu", k / 2 + 1, k % 2 + 1);
        cr_assert_eq(nc_spice_slips(name, &s[k]), NC_OK, "%s", nc_err_msg());
    }
}

/* The cheap junction changes no result: the 16-stage JTL switches at the same times (within
 * 0.001 ps; the same time points; 200 ps, 3 pulses through) as with the full junction, whose noise path is there but
 * silent (jjnoise = 1 with the harness's noise at its default rms of 0). */
Test(spice_speed, cheap_junction_switches_like_full, .timeout = 240)
{
    nc_slips_t a[32], b[32];
    size_t pa, pb, n = 0;
    jtl16_slips(NULL, 0, a, &pa);
    nc_spice_param_t full[] = {{"jjnoise", 1}};
    jtl16_slips(full, 1, b, &pb);
    cr_expect(jj_has("Gnz", NULL), "the second run did not use the full junction");
    cr_expect_eq(pa, pb, "time points: cheap %zu, full %zu", pa, pb);
    double worst = 0;
    for (size_t k = 0; k < 32; k++) {
        cr_expect_eq(a[k].n, b[k].n, "junction %zu: %zu switchings against %zu", k, a[k].n, b[k].n);
        for (size_t i = 0; i < a[k].n && i < b[k].n; i++, n++)
            worst = fmax(worst, fabs(a[k].t[i] - b[k].t[i]));
        nc_slips_free(&a[k]), nc_slips_free(&b[k]);
    }
    cr_expect(n >= 32 * 3, "%zu switchings compared", n);
    cr_expect(worst <= 0.001e-12, "worst difference %.5f ps, expected <= 0.001 ps", worst * 1e12);
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

/* Thermal noise in the cells (spice margins --noise): off unless asked; when on, seeded (the
 * same seed gives the same switching times, another seed others) and small at 4.2 K (the JTL
 * still passes its logic check and its delay moves by less than 0.5 ps: the rms noise current
 * of a 100 uA junction's shunt over 0.1 ps samples is about 1.5 uA, 1.5% of Ic). */
Test(spice_speed, cell_noise_is_seeded_and_off_by_default, .timeout = 120)
{
    const nc_cell_desc_t *c = nc_cell_find("jtl");
    cr_assert(c);
    nc_cell_result_t r0, r1, r1b, r2;
    cr_assert_eq(nc_cell_run(c, 1.0, NULL, &r0), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_noise(true, 4.2, 1, 1), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_run(c, 1.0, NULL, &r1), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_run(c, 1.0, NULL, &r1b), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_noise(true, 4.2, 2, 1), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_run(c, 1.0, NULL, &r2), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_cell_noise(false, 0, 0, 1), NC_OK);
    nc_cell_result_t r3;
    cr_assert_eq(nc_cell_run(c, 1.0, NULL, &r3), NC_OK, "%s", nc_err_msg());
    cr_expect(r0.ok && r1.ok && r2.ok, "JTL logic: %s / %s / %s", r0.why, r1.why, r2.why);
    cr_expect(fabs(r1.delay_s - r0.delay_s) > 1e-16, "noise on, delay %.6f ps unchanged",
              r1.delay_s * 1e12);
    cr_expect(fabs(r1.delay_s - r0.delay_s) < 0.5e-12, "4.2 K moved the delay %.4f -> %.4f ps",
              r0.delay_s * 1e12, r1.delay_s * 1e12);
    cr_expect_eq(r1.delay_s, r1b.delay_s, "seed 1 twice: %.6f and %.6f ps", r1.delay_s * 1e12,
                 r1b.delay_s * 1e12);
    cr_expect(r2.delay_s != r1.delay_s, "seeds 1 and 2 gave the same delay %.6f ps",
              r1.delay_s * 1e12);
    cr_expect_eq(r3.delay_s, r0.delay_s, "noise off again: %.6f ps, before %.6f ps",
                 r3.delay_s * 1e12, r0.delay_s * 1e12);
    cr_expect_eq(nc_cell_noise(true, 0, 1, 1), NC_ERR_ARG);
    cr_expect_eq(nc_cell_noise(true, 4.2, 1, 0), NC_ERR_ARG);
}

/* Worst junction bias ratio at rest (the cell table's column): a JTL stage's two junctions
 * carry their own 70 uA bias of a 100 uA Ic (0.7, sfq.lib) give or take what the 2-4 pH
 * inductors share with the neighbours; the merger's worst is its merge junction X5, fed from
 * the merge node's 170 uA that it shares with both inputs (issue 12: at most 0.75 Ic; the old
 * cell before issue 12 had it at 0.94). */
Test(spice_speed, worst_bias_ratio_at_rest, .timeout = 60)
{
    nc_cell_result_t r;
    cr_assert_eq(nc_cell_run(nc_cell_find("jtl"), 1.0, NULL, &r), NC_OK, "%s", nc_err_msg());
    cr_expect(r.bias_ratio > 0.6 && r.bias_ratio < 0.8, "JTL: worst ratio %.3f (X%d), expected "
              "0.6-0.8", r.bias_ratio, r.worst_junction);
    cr_assert_eq(nc_cell_run(nc_cell_find("mrg"), 1.0, NULL, &r), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(r.worst_junction, 5, "merger: worst junction X%d (ratio %.3f), expected X5",
                 r.worst_junction, r.bias_ratio);
    cr_expect(r.bias_ratio > 0.6 && r.bias_ratio <= 0.75, "merger: X5 at %.3f Ic, expected "
              "0.6-0.75", r.bias_ratio);
}

/* Delay of the first pulse from the 16-stage JTL's first junction to its last (ps), 200 ps. */
static double jtl16_delay_ps(const nc_spice_param_t *p, size_t np)
{
    nc_slips_t s[32];
    size_t points;
    jtl16_slips(p, np, s, &points);
    cr_assert(s[0].n >= 1 && s[31].n >= 1, "the first pulse did not cross the line");
    double d = (s[31].t[0] - s[0].t[0]) * 1e12;
    for (size_t k = 0; k < 32; k++)
        nc_slips_free(&s[k]);
    return d;
}

/* The bias feeds (lib/bfeed.lib): ideal current sources by default, no element more; the
 * resistive feed with its inductance when rfeed is on (by override or expression); a
 * netlist's own bfeed_ideal beside the pair is refused. */
Test(spice_speed, bias_feed_variant_follows_the_switch, .timeout = 60)
{
    nc_spice_tran_t tr = {NC_SPICE_TMAX, 50e-12, NC_SPICE_TMAX, 60.0};
    cr_assert_eq(nc_spice_load("cells/tb_jtl16.cir", NULL, 0, &tr), NC_OK, "%s", nc_err_msg());
    cr_expect(sub_has("bfeed", "I1", "pwl") && !sub_has("bfeed", "Rb", NULL) &&
              !sub_has("bfeed", "Lb", NULL), "default: expected the ideal source alone");
    nc_spice_param_t on[] = {{"rfeed", 1}};
    cr_assert_eq(nc_spice_load("cells/tb_jtl16.cir", on, 1, &tr), NC_OK, "%s", nc_err_msg());
    cr_expect(sub_has("bfeed", "Rb", "vrail") && sub_has("bfeed", "Lb", "lbias"),
              "rfeed = 1: expected the resistive feed and its inductance");
    on[0].value = 0;
    cr_assert_eq(nc_spice_load("cells/tb_jtl16.cir", on, 1, &tr), NC_OK, "%s", nc_err_msg());
    cr_expect(!sub_has("bfeed", "Rb", NULL), "rfeed = 0: expected the ideal source");
    cr_assert_eq(nc_spice_load_text("expr.cir", ".include lib/bfeed.lib\n.param tramp=1p\n"
                 ".param rfeed={3-2}\nX1 a bfeed ib=10u\nR1 a 0 1\n", &tr), NC_OK, "%s",
                 nc_err_msg());
    cr_expect(sub_has("bfeed", "Rb", NULL), "rfeed given by an expression: expected the "
              "resistive feed");
    cr_expect_eq(nc_spice_load_text("clash.cir", ".include lib/bfeed.lib\n.param tramp=1p\n"
                 ".param rfeed=1\n.subckt bfeed_ideal a\nR1 a 0 1\n.ends\n"
                 "X1 a bfeed ib=10u\nR1 a 0 1\n", &tr), NC_ERR_PARSE,
                 "a subcircuit bfeed_ideal beside bfeed.lib's pair must be refused");
    cr_expect(strstr(nc_err_msg(), "bfeed_ideal"), "%s", nc_err_msg());
}

/* What the resistive feed does to a pulse (docs/sfq_speed.md), 16-stage JTL, first pulse:
 *  - off: the ideal sources' delay (34.4 ps for 16 stages, 2.15 ps per stage: cell table);
 *  - on, 2.6 mV rail (37 ohm per 70 uA feed), no inductance: each junction's 6.86 ohm shunt
 *    gets 37 ohm more in parallel (5.8 ohm, 18% more conductance): the pulse is slower, by
 *    less than the 18% of a delay set by the shunt alone (C shares it): 5-18% more;
 *  - 20 pH in series isolates the node from its resistor for the pulse: between the two;
 *  - a 1 V rail (14 kohm feeds) is an ideal source again: within 0.05 ps of off. */
Test(spice_speed, resistive_bias_feed_slows_the_jtl, .timeout = 120)
{
    double d0 = jtl16_delay_ps(NULL, 0);
    nc_spice_param_t r[] = {{"rfeed", 1}, {"lbias", 0}, {"vrail", 2.6e-3}};
    double d1 = jtl16_delay_ps(r, 3);
    r[1].value = 20e-12;
    double d2 = jtl16_delay_ps(r, 3);
    r[1].value = 0, r[2].value = 1.0;
    double d3 = jtl16_delay_ps(r, 3);
    cr_expect(d0 > 33 && d0 < 36, "ideal feeds: %.3f ps, expected 33-36", d0);
    cr_expect(d1 > 1.05 * d0 && d1 < 1.18 * d0, "37 ohm feeds: %.3f ps against %.3f ideal, "
              "expected 5-18%% more", d1, d0);
    cr_expect(d2 > d0 + 0.2 && d2 < d1 - 0.2, "20 pH feeds: %.3f ps, expected between %.3f and "
              "%.3f", d2, d0, d1);
    cr_expect(fabs(d3 - d0) < 0.05, "1 V rail: %.3f ps, expected the ideal %.3f", d3, d0);
}
