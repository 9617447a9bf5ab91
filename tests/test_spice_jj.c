/* test_spice_jj.c - the RCSJ junction (circuits/lib/jj.lib) against the physics it models,
 * and the harness's error paths. Each test runs in its own process (one ngspice each). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nc_test.h"
#include "spice.h"
#include "spice_pulse.h"

#define PHI0 2.067833848e-15

static const nc_spice_tran_t tran_short = {0.1e-12, 400e-12, 0.1e-12, 60.0};

/* Loads tb_jj.cir with the given overrides, runs it, returns time and phase. */
static void run_tb(const nc_spice_param_t *p, size_t n, const nc_spice_tran_t *tr, double **t,
                   double **ph, double **v, size_t *len)
{
    cr_assert_eq(nc_spice_load("lib/tb_jj.cir", p, n, tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    size_t n2, n3;
    cr_assert_eq(nc_spice_vec("time", t, len), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_vec("v(p1)", ph, &n2), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_vec("v(n1)", v, &n3), NC_OK, "%s", nc_err_msg());
    cr_assert(n2 == *len && n3 == *len);
}

/* Static phase under DC bias Ib is asin(Ib/Ic): the supercurrent carries all the bias once the
 * transient has died out (beta_c = 1: the ring-down time ~ RC ~ 0.5 ps, we wait > 200 ps).
 * Tolerance 1e-3 rad: the integrator leak (1e15 ohm) and reltol 1e-4 are far below it. */
Test(spice_jj, static_phase_is_asin, .timeout = 60)
{
    const double biases[] = {0.2, 0.5, 0.8, 0.95};
    for (size_t i = 0; i < NC_ARRAY_LEN(biases); i++) {
        nc_spice_param_t p[] = {{"ibias", biases[i]}, {"slope", 1e3}};
        double *t, *ph, *v;
        size_t n;
        run_tb(p, 2, &tran_short, &t, &ph, &v, &n);
        double got = nc_interp(t, ph, n, 280e-12), want = asin(biases[i]);
        cr_expect(fabs(got - want) < 1e-3, "Ib/Ic = %.2f: phase %.5f rad, expected asin = %.5f",
                  biases[i], got, want);
        free(t), free(ph), free(v);
    }
}

/* A bias pulse on top of 0.5 Ic makes the junction slip; each slip is exactly 2*pi and the
 * voltage area over the window is Phi0 per slip within 1% (measured: within 0.2%
 * at 0.1 ps max step). */
Test(spice_jj, pulse_area_is_phi0_per_slip, .timeout = 60)
{
    nc_spice_param_t p[] = {{"ibias", 0.5}, {"ipulse", 70e-6}, {"slope", 1e3}};
    double *t, *ph, *v;
    size_t n;
    run_tb(p, 3, &tran_short, &t, &ph, &v, &n);
    nc_slips_t s;
    cr_assert_eq(nc_slips_find(t, ph, n, &s), NC_OK);
    cr_assert(s.n >= 1, "no slip from a 1.2 Ic pulse");
    cr_expect_eq(s.net, (int)s.n, "slips must all be forward");
    double dphi = nc_interp(t, ph, n, 280e-12) - nc_interp(t, ph, n, 140e-12);
    cr_expect(fabs(dphi - 2 * M_PI * s.net) < 0.01, "phase advanced %.4f rad for %d slips",
              dphi, s.net);
    double area = nc_integrate(t, v, n, 140e-12, 280e-12);
    cr_expect(fabs(area / (PHI0 * s.net) - 1) < 0.01, "area %.4g Wb for %d slips, Phi0 = %.4g",
              area, s.net, PHI0);
    nc_slips_free(&s), free(t), free(ph), free(v);
}

/* A slow ramp (Ic per 10 ns) switches the junction when the bias crosses Ic: the first slip
 * happens at a bias within 1% of Ic (the dynamic delay past Ic on this ramp is a few ps, i.e.
 * a few 1e-4 Ic). */
Test(spice_jj, switches_at_ic_on_slow_ramp, .timeout = 60)
{
    const double ic = 100e-6, slope = ic / 10e-9, thold = 60e-12, ib0 = 0.9;
    nc_spice_param_t p[] = {{"ibias", ib0}, {"thold", thold}, {"slope", slope}};
    nc_spice_tran_t tr = {0.1e-12, thold + 1.5e-9, 0.1e-12, 60.0};
    double *t, *ph, *v;
    size_t n;
    run_tb(p, 3, &tr, &t, &ph, &v, &n);
    nc_slips_t s;
    cr_assert_eq(nc_slips_find(t, ph, n, &s), NC_OK);
    cr_assert(s.n >= 1, "the junction never switched on a ramp to 1.2 Ic");
    /* phase passes pi/2 at Ic quasi-statically; the slip time marks the crossing of pi */
    double ib = ib0 * ic + slope * (s.t[0] - thold);
    cr_expect(fabs(ib / ic - 1) < 0.01, "switched at %.4f Ic, expected 1 +- 0.01", ib / ic);
    cr_expect(s.n > 5, "in the voltage state the phase keeps slipping (%zu slips)", s.n);
    nc_slips_free(&s), free(t), free(ph), free(v);
}

/* The FST writer: a JTL run's vectors open with the FST reader (the library GTKWave uses):
 * one real signal per vector, and the end time is the run's stop time (fs). */
#include "gtkwave/fstapi.h"
#include "spice_wave.h"
#include <unistd.h>

Test(spice_jj, waveform_opens_as_fst, .timeout = 60)
{
    nc_spice_tran_t tr = {0.1e-12, 200e-12, 0.1e-12, 60.0};
    cr_assert_eq(nc_spice_load("cells/tb_jtl.cir", NULL, 0, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    char path[1024];
    snprintf(path, sizeof path, "%s/spice_jtl_%d.fst", nc_test_wave_dir(), (int)getpid());
    const char *names[] = {"xdut.p1", "xdut.p2", "b", NULL};
    cr_assert_eq(nc_spice_write_fst(path, names), NC_OK, "%s", nc_err_msg());
    void *rd = fstReaderOpen(path);
    cr_assert(rd, "FST reader cannot open %s", path);
    cr_expect_eq(fstReaderGetVarCount(rd), 3, "%llu signals, expected 3",
                 (unsigned long long)fstReaderGetVarCount(rd));
    cr_expect_eq(fstReaderGetEndTime(rd), 200000, "end time %llu fs, expected 200000",
                 (unsigned long long)fstReaderGetEndTime(rd));
    fstReaderClose(rd);
    unlink(path);
    const char *none[] = {"no_such_vector", NULL};
    cr_expect_neq(nc_spice_write_fst(path, none), NC_OK, "a waveform with no signal passed");
    unlink(path);
}

/* Phase-slip detection on synthetic traces with known answers (no SPICE). */
Test(spice_jj, slip_detector_counts_and_times, .timeout = 10)
{
    enum { N = 4001 };
    static double t[N], ph[N];
    /* three tanh steps of 2*pi up at 100, 200, 300 ps, one down at 350 ps, plus 0.3 rad ripple */
    const double at[] = {100e-12, 200e-12, 300e-12};
    for (int i = 0; i < N; i++) {
        t[i] = i * 0.1e-12;
        ph[i] = 0.775 + 0.3 * sin(2 * M_PI * t[i] / 20e-12);
        for (int k = 0; k < 3; k++)
            ph[i] += M_PI * (1 + tanh((t[i] - at[k]) / 1e-12));
        ph[i] -= M_PI * (1 + tanh((t[i] - 350e-12) / 1e-12));
    }
    nc_slips_t s;
    cr_assert_eq(nc_slips_find(t, ph, N, &s), NC_OK);
    cr_assert_eq(s.n, 4, "%zu slips, expected 4", s.n);
    cr_expect_eq(s.net, 2);
    for (int k = 0; k < 3; k++)
        cr_expect(fabs(s.t[k] - at[k]) < 1e-12, "slip %d at %.2f ps, expected ~%.0f ps", k,
                  s.t[k] * 1e12, at[k] * 1e12);
    cr_expect_eq(s.dir[3], -1);
    nc_slips_free(&s);
}

/* Mean junction voltage over [120, 280] ps of tb_jj.cir biased at ibias x Ic (slope 1e3: the
 * ramp to 1.2 Ic after thold is far away), with the subgap branch on or off (jj.lib jjqp). */
static double mean_voltage(double ibias, int qp)
{
    nc_spice_param_t p[] = {{"ibias", ibias}, {"slope", 1e3}, {"jjqp", qp}};
    const nc_spice_tran_t tr = {0.02e-12, 300e-12, 0.02e-12, 120.0};
    double *t, *ph, *v;
    size_t n;
    run_tb(p, 3, &tr, &t, &ph, &v, &n);
    double dphi = nc_interp(t, ph, n, 280e-12) - nc_interp(t, ph, n, 120e-12);
    free(t), free(ph), free(v);
    return dphi / (2 * M_PI) * PHI0 / 160e-12; /* Josephson: <V> = Phi0/(2 pi) dphi/dt */
}

/* The optional subgap branch (jj.lib jjqp = 1), hand-computed expectations. The shunt of a
 * 100 uA, beta_c = 1, 70 fF junction is R = sqrt(Phi0/(2 pi) / (Ic C)) = 6.857 ohm; the
 * branch's Rn = 1.7 mV / 100 uA = 17 ohm above the 2.8 mV gap, Rsg = 16 Rn = 272 ohm below.
 * Far above the gap (8 Ic = 0.8 mA) the running junction's mean voltage is I R' sqrt(1 -
 * (Ic/I)^2) .. I R' (RSJ, the capacitance only smooths the ripple of +-Ic R' < 0.7 mV), with
 * R' the resistance across it: off, R' = 6.857: 5.443-5.486 mV; on, R' = 6.857 || 17 = 4.886
 * ohm: 3.878-3.909 mV (the ripple keeps V above 3.2 mV, past the gap). Below the gap
 * (2.5 Ic, ~1.5 mV) the branch is Rsg: R' = 6.857 || 272 = 6.688 ohm, the voltage scales by
 * about 6.688 / 6.857 = 0.975 (beta_c moves from 1 to 0.95 with it: +-0.01). Off is the
 * default: no jjqp given is the same as jjqp = 0. */
Test(spice_jj, subgap_branch_resistances, .timeout = 240)
{
    double off = mean_voltage(8, 0), on = mean_voltage(8, 1);
    cr_expect(off > 0.98 * 5.443e-3 && off < 1.02 * 5.486e-3, "8 Ic, branch off: <V> = %.4f mV, "
              "expected 5.44-5.49 mV (6.857 ohm)", off * 1e3);
    cr_expect(on > 0.98 * 3.878e-3 && on < 1.02 * 3.909e-3, "8 Ic, branch on: <V> = %.4f mV, "
              "expected 3.88-3.91 mV (6.857 || 17 ohm)", on * 1e3);
    double soff = mean_voltage(2.5, 0), son = mean_voltage(2.5, 1);
    cr_expect(soff < 2.3e-3, "2.5 Ic: <V> = %.3f mV, expected below the gap", soff * 1e3);
    cr_expect(son / soff > 0.965 && son / soff < 0.985, "2.5 Ic: branch on/off voltage ratio "
              "%.4f (%.4f / %.4f mV), expected 0.975 +- 0.01 (6.857 || 272 ohm)", son / soff,
              son * 1e3, soff * 1e3);
    /* default off: the parameter not given at all */
    nc_spice_param_t p[] = {{"ibias", 8}, {"slope", 1e3}};
    const nc_spice_tran_t tr = {0.02e-12, 300e-12, 0.02e-12, 120.0};
    double *t, *ph, *v;
    size_t n;
    run_tb(p, 2, &tr, &t, &ph, &v, &n);
    double dflt = (nc_interp(t, ph, n, 280e-12) - nc_interp(t, ph, n, 120e-12)) / (2 * M_PI) *
                  PHI0 / 160e-12;
    free(t), free(ph), free(v);
    cr_log_info("subgap branch: 8 Ic %.4f -> %.4f mV, 2.5 Ic %.4f -> %.4f mV", off * 1e3, on * 1e3,
                soff * 1e3, son * 1e3);
    cr_expect(dflt == off, "default %.6f mV, jjqp = 0 %.6f mV", dflt * 1e3, off * 1e3);
}
