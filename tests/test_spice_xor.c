/* test_spice_xor.c - the stochastic synapse, the neurons and the deep XOR network in SPICE,
 * against the statistical rate model (host/models/sfq_rate.h) fitted beforehand from separate
 * characterisation runs (circuits/networks/xor_model.txt, `neurocosim spice fit`). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_test.h"
#include "sfq_rate.h"
#include "spice.h"
#include "spice_pulse.h"
#include "spice_xor.h"

#define WINDOW (NC_XOR_TSTOP - NC_XOR_TFROM)
/* Agreement of SPICE and the rate model: each stage's rate must fall within the model's 95%
 * prediction interval, sfq_xor_interval(): 1.96 x sqrt(fit residual RMS^2 + Poisson variance
 * of the count in the 4 ns window at the predicted rate). The residual is that of the
 * in-network fit against the model's own chained prediction (it holds the synapse coin and
 * the lack of fit); the Poisson term is the counting error of this run's window. With 4
 * inputs x 3 stages checked, about one check in 8 test runs may miss by chance; the seeds are
 * fixed (nc_test_seed), so a run is reproducible. */

static void load_model(sfq_xor_model_t *m)
{
    cr_assert_eq(nc_xor_model_load(m), NC_OK, "%s", nc_err_msg());
}

static void check_rate(const char *what, double meas, double pred, const sfq_relu_t *stage,
                       uint64_t seed)
{
    double half = sfq_xor_interval(stage, pred, WINDOW);
    cr_expect(fabs(meas - pred) <= half,
              "%s: SPICE %.2f GHz, model %.2f GHz +- %.2f GHz (95%%; seed %llu)", what,
              meas / 1e9, pred / 1e9, half / 1e9, (unsigned long long)seed);
}

/* One input combination: the class must be XOR(a, b) and the SPICE rates must fall within the
 * model's interval. */
static void xor_case(int a, int b, uint64_t seed)
{
    sfq_xor_model_t m;
    load_model(&m);
    sfq_xor_rates_t r, p;
    double wall;
    cr_assert_eq(nc_xor_run(a, b, seed, NC_BIAS_NOMINAL, NULL, &r, &wall), NC_OK, "%s", nc_err_msg());
    int cls = r.out > NC_XOR_THRESHOLD;
    cr_expect_eq(cls, a ^ b, "inputs %d%d: output %.2f GHz -> class %d, expected %d (seed %llu; "
                 "h1 %.1f h2 %.1f GHz)", a, b, r.out / 1e9, cls, a ^ b, (unsigned long long)seed,
                 r.h1 / 1e9, r.h2 / 1e9);
    double want_a = 1.0 / (a ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW);
    cr_expect(fabs(r.a - want_a) <= 1.01 / WINDOW, "input a at %.2f GHz, sent %.2f GHz",
              r.a / 1e9, want_a / 1e9);
    sfq_xor_predict(&m, r.a, r.b, &p);
    check_rate("h1", r.h1, p.h1, &m.h1, seed);
    check_rate("h2", r.h2, p.h2, &m.h2, seed);
    check_rate("out", r.out, p.out, &m.out, seed);
}

Test(spice_xor, low_low_is_0, .timeout = 240) { xor_case(0, 0, nc_test_seed(21)); }
Test(spice_xor, low_high_is_1, .timeout = 240) { xor_case(0, 1, nc_test_seed(22)); }
Test(spice_xor, high_low_is_1, .timeout = 240) { xor_case(1, 0, nc_test_seed(23)); }
Test(spice_xor, high_high_is_0, .timeout = 240) { xor_case(1, 1, nc_test_seed(24)); }

/* The fitted model alone (no SPICE) classifies all four inputs at their nominal rates right
 * (the old periodic-drive fit put 11 in class 1). The fit saw these rates among its 3 x 3 grid,
 * with other noise seeds; what is checked is that the composed stages (probit, two ReLUs, the
 * inhibitory ReLU) carry the classes through, not one fitted number per input. */
Test(spice_xor, model_predicts_xor_classes, .timeout = 10)
{
    sfq_xor_model_t m;
    load_model(&m);
    for (int i = 0; i < 4; i++) {
        int a = i >> 1, b = i & 1;
        double ra = 1.0 / (a ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW);
        double rb = 1.0 / (b ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW);
        sfq_xor_rates_t p;
        sfq_xor_predict(&m, ra, rb, &p);
        cr_expect_eq(sfq_xor_class(&m, ra, rb, NC_XOR_THRESHOLD), a ^ b,
                     "inputs %d%d: model out %.2f GHz (h1 %.1f, h2 %.1f GHz) -> class %d", a, b,
                     p.out / 1e9, p.h1 / 1e9, p.h2 / 1e9, !(a ^ b));
    }
}

/* The rate model's weights come from the network netlist (one source): 51.1 uA for every
 * synapse (circuits/networks/xor_net.inc, written here by hand), and the model file on disk was
 * fitted at those weights (a model left over from other weights would mispredict). */
Test(spice_xor, model_weights_are_the_netlists, .timeout = 10)
{
    double we = 0, wi = 0;
    cr_assert_eq(nc_xor_weights(&we, &wi), NC_OK, "%s", nc_err_msg());
    cr_expect(fabs(we - 51.1e-6) < 1e-12 && fabs(wi - 51.1e-6) < 1e-12, "weights %g / %g A, "
              "expected 51.1e-6 / 51.1e-6", we, wi);
    sfq_xor_model_t m;
    load_model(&m);
    cr_expect(fabs(m.w_exc - we) < 1e-12 && fabs(m.w_inh - wi) < 1e-12, "model file fitted at "
              "%g / %g A, the netlist has %g / %g: refit (neurocosim spice fit --update-model)",
              m.w_exc, m.w_inh, we, wi);
}

/* The residual RMS of a ReLU fit: points exactly on g (x - theta) give ~0; the same points
 * alternately +-d off give d sqrt(n / (n - 2)) (2 fitted parameters), here with n = 8. */
Test(spice_xor, relu_fit_residual_rms, .timeout = 10)
{
    double x[8], y[8], y2[8];
    for (int i = 0; i < 8; i++) {
        x[i] = 10e9 * (i + 1);
        y[i] = 0.5 * fmax(0, x[i] - 25e9);
        y2[i] = y[i] + ((i & 1) ? 1e9 : -1e9);
    }
    sfq_relu_t f;
    cr_assert_eq(sfq_relu_fit(x, NULL, y, 8, &f), NC_OK, "%s", nc_err_msg());
    cr_expect(f.rms < 0.05e9, "exact data: rms %.3f GHz", f.rms / 1e9);
    cr_expect(fabs(f.g - 0.5) < 0.02 && fabs(f.theta - 25e9) < 0.5e9, "g %.3f theta %.2f GHz",
              f.g, f.theta / 1e9);
    cr_assert_eq(sfq_relu_fit(x, NULL, y2, 8, &f), NC_OK, "%s", nc_err_msg());
    /* the +-1 GHz pattern is not orthogonal to the ReLU for every theta: allow the refit to
     * absorb up to 20% of it */
    double want = 1e9 * sqrt(8.0 / 6.0);
    cr_expect(f.rms > 0.8 * want && f.rms < 1.05 * want, "noisy data: rms %.3f GHz, expected "
              "about %.3f", f.rms / 1e9, want / 1e9);
    /* interval: 1.96 sqrt(rms^2 + count / W^2); at a predicted 0 the count floor is one */
    double w = WINDOW, want0 = 1.96 * sqrt(f.rms * f.rms + 1 / (w * w));
    double want8 = 1.96 * sqrt(f.rms * f.rms + 8 / (w * w)); /* 8 counts in the window */
    cr_expect(fabs(sfq_xor_interval(&f, 0, w) - want0) < 1e6, "interval at 0");
    cr_expect(fabs(sfq_xor_interval(&f, 8 / w, w) - want8) < 1e6, "interval at 8 counts");
}

/* make verify: every combination over several more noise seeds (make test runs each input once
 * above, and once more under another seed in test_spice_xor_err's small CLI sweep). */
Test(spice_xor, all_inputs_over_seeds, .timeout = 1500)
{
    if (!nc_test_verify())
        cr_skip_test("the seed sweep runs under make verify");
    uint64_t base = nc_test_seed(100);
    for (uint64_t s = 0; s < 4; s++)
        for (int i = 0; i < 4; i++)
            xor_case(i >> 1, i & 1, base + 10 * s + (uint64_t)i);
}

/* The synapse's pass probability follows the fitted probit: at three weight biases, the pass
 * fraction of 80 pulses (fresh seed) lies within 3 binomial sigmas (+0.05 for the fit) of the
 * model; and it rises with the bias. */
Test(spice_xor, synapse_pass_probability_matches_model, .timeout = 120)
{
    sfq_xor_model_t m;
    load_model(&m);
    const double biases[] = {m.syn.mu - 1.5 * m.syn.sigma, m.syn.mu, m.syn.mu + 1.5 * m.syn.sigma};
    uint64_t seed = nc_test_seed(31);
    double last = -1;
    for (int i = 0; i < 3; i++) {
        double k, n;
        cr_assert_eq(nc_syn_measure(biases[i], seed + (uint64_t)i, 80, &k, &n), NC_OK, "%s",
                     nc_err_msg());
        cr_assert(n >= 79 && n <= 81, "%.0f pulses reached the synapse, sent 80", n);
        double p = sfq_probit_p(&m.syn, biases[i]), f = k / n;
        double tol = 3 * sqrt(p * (1 - p) / n) + 0.05;
        cr_expect(fabs(f - p) <= tol, "isyn %.2f uA: passed %.0f/%.0f = %.3f, model %.3f +- %.3f "
                  "(seed %llu)", biases[i] * 1e6, k, n, f, p, tol, (unsigned long long)seed);
        cr_expect(f > last, "pass fraction %.3f at %.2f uA not above %.3f", f, biases[i] * 1e6,
                  last);
        last = f;
    }
}

/* Noise makes the synapse a coin: at its 50% bias a run passes between 10% and 90% of its
 * pulses (binomial: 60 pulses at p = 0.5 leave that band with probability < 1e-9); the same
 * seed replays the same run exactly, another seed gives other noise; without noise the seed
 * makes no difference. */
Test(spice_xor, synapse_is_a_seeded_coin, .timeout = 120)
{
    sfq_xor_model_t m;
    load_model(&m);
    double k1, n1, k2, n2, k3, n3;
    uint64_t seed = nc_test_seed(41);
    cr_assert_eq(nc_syn_measure(m.syn.mu, seed, 60, &k1, &n1), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_syn_measure(m.syn.mu, seed, 60, &k2, &n2), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_syn_measure(m.syn.mu, seed + 1, 60, &k3, &n3), NC_OK, "%s", nc_err_msg());
    cr_expect(k1 > 0.1 * n1 && k1 < 0.9 * n1, "seed %llu: %.0f of %.0f passed at the 50%% bias",
              (unsigned long long)seed, k1, n1);
    cr_expect(k1 == k2, "same seed %llu: %.0f then %.0f passes", (unsigned long long)seed, k1, k2);
    double a = nc_spice_noise_sample(seed, "i.xdut.in2", 1e-12, 0.1e-12);
    double b = nc_spice_noise_sample(seed + 1, "i.xdut.in2", 1e-12, 0.1e-12);
    cr_expect(a != b, "two seeds gave the same noise sample %g", a);
    (void)k3, (void)n3;
    cr_assert_eq(nc_spice_noise(0, 6.857, 0.1e-12), NC_OK);
    nc_spice_tran_t tr = {0.1e-12, 40e-12 + 40 * 25e-12, 0.1e-12, 120};
    nc_spice_param_t p[] = {{"isyn", m.syn.mu}, {"per", 25e-12}};
    cr_assert_eq(nc_spice_load("cells/tb_syn.cir", p, 2, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    nc_slips_t s;
    cr_assert_eq(nc_spice_slips("xdut.p3", &s), NC_OK, "%s", nc_err_msg());
    size_t quiet1 = s.n;
    nc_slips_free(&s);
    /* noiseless, the seed must not matter: the same count with another seed */
    cr_assert_eq(nc_spice_seed(seed + 7), NC_OK);
    cr_assert_eq(nc_spice_load("cells/tb_syn.cir", p, 2, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_slips("xdut.p3", &s), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(s.n, quiet1, "noiseless synapse: %zu passes, then %zu with another seed", quiet1,
                 s.n);
    nc_slips_free(&s);
}

/* ---- the wide bias window (issue 12) ---- */

/* Noise off: passes of the synapse testbench (18 pulses at 40 GHz) at weight isyn and common
 * bias scale `bias` (the weight scaled with it, as on one bias line). */
static size_t syn_passes_quiet(double isyn, double bias)
{
    cr_assert_eq(nc_spice_noise(0, NC_SYN_RSHUNT, 0.1e-12), NC_OK);
    nc_spice_tran_t tr = {0.1e-12, 40e-12 + 18 * 25e-12, 0.1e-12, 120};
    nc_spice_param_t p[] = {{"isyn", isyn}, {"per", 25e-12}, {"bias", bias}};
    cr_assert_eq(nc_spice_load("cells/tb_syn.cir", p, 3, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    nc_slips_t s;
    cr_assert_eq(nc_spice_slips("xdut.p3", &s), NC_OK, "%s", nc_err_msg());
    size_t n = s.n;
    nc_slips_free(&s);
    return n;
}

/* The weight at which the quiet synapse passes half of its pulses, bisected to 0.1 uA. */
static double syn_decision_point(double bias)
{
    double lo = 30e-6, hi = 70e-6;
    cr_assert(syn_passes_quiet(lo, bias) < 9 && syn_passes_quiet(hi, bias) >= 9,
              "bias %.2f: the decision point is not between %.0f and %.0f uA", bias, lo * 1e6,
              hi * 1e6);
    while (hi - lo > 0.1e-6) {
        double mid = 0.5 * (lo + hi);
        if (syn_passes_quiet(mid, bias) >= 9)
            hi = mid;
        else
            lo = mid;
    }
    return 0.5 * (lo + hi);
}

/* The synapse's decision rides on the supply no more than 0.1 uA per percent of common bias
 * (hand-written bound; the synapse before issue 12 moved 1.28 uA per percent: 71.7, 65.4 and
 * 59.3 uA at 0.95, 1.0, 1.05, and fails this test), and lies where the design put it
 * (47.75 uA, circuits/README.md). */
Test(spice_xor, synapse_decision_point_tracks_common_bias, .timeout = 180)
{
    double d0 = syn_decision_point(1.0), dl = syn_decision_point(0.95);
    double dh = syn_decision_point(1.05);
    cr_expect(d0 > 46e-6 && d0 < 49.5e-6, "decision point %.2f uA at bias 1.0, designed 47.75",
              d0 * 1e6);
    cr_expect(fabs(dl - d0) < 0.5e-6 && fabs(dh - d0) < 0.5e-6, "decision point %.2f / %.2f / "
              "%.2f uA at bias 0.95 / 1.0 / 1.05: moves more than 0.1 uA per percent", dl * 1e6,
              d0 * 1e6, dh * 1e6);
}

/* One common bias line off nominal: every input classifies right at each scale given. */
static void window_edges(uint64_t seed, const double *scale, int n)
{
    for (int e = 0; e < n; e++)
        for (int i = 0; i < 4; i++) {
            int a = i >> 1, b = i & 1;
            sfq_xor_rates_t r;
            nc_bias_t bias = {scale[e], scale[e]};
            cr_assert_eq(nc_xor_run(a, b, seed, bias, NULL, &r, NULL), NC_OK, "%s", nc_err_msg());
            int cls = r.out > NC_XOR_THRESHOLD;
            cr_expect_eq(cls, a ^ b, "bias %.3f (all), inputs %d%d, seed %llu: output %.2f GHz "
                         "-> class %d (h1 %.1f h2 %.1f GHz)", scale[e], a, b,
                         (unsigned long long)seed, r.out / 1e9, cls, r.h1 / 1e9, r.h2 / 1e9);
        }
}

/* 5% off nominal both ways (the window asked for is at least 10% of common bias). */
Test(spice_xor, classifies_at_common_bias_095_and_105, .timeout = 600)
{
    window_edges(nc_test_seed(51), (const double[]){0.95, 1.05}, 2);
}

/* make verify: the same edges under three more noise seeds, and 10% above nominal. (Not 10%
 * below: the low edge depends on the seed, 0.78-0.81 for seeds 1-3 but seed 200 misclassifies
 * input 11 at 0.90, docs/sfq_xor.md.) */
Test(spice_xor, window_over_seeds, .timeout = 3000)
{
    if (!nc_test_verify())
        cr_skip_test("the window's seed sweep runs under make verify");
    uint64_t base = nc_test_seed(200);
    for (uint64_t s = 0; s < 3; s++)
        window_edges(base + s, (const double[]){0.95, 1.05}, 2);
    window_edges(base, (const double[]){1.10}, 1);
}
