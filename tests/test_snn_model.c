/*
 * test_snn_model.c - the models on their own:
 *   - the spec's arithmetic primitives (truncation toward zero, 24-bit wrap) on hand-worked values;
 *   - the fixed-point dynamics track the floating-point LIF reference: spike times agree
 *     within +-1 step for >= 97% of spikes on random 1- and 2-layer networks (tolerance
 *     argued in SPEC.md, "Fixed point against floating point");
 *   - network and spike files: malformed input gets file:line errors; a written network reads back.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nc_test.h"
#include "snn_demo.h"
#include "snn_gen.h"
#include "snn_model.h"

Test(snn_model, arithmetic_primitives, .timeout = 10)
{
    /* sign(x) * (|x| >> 12): -1 stays 0 (toward zero), not -1 (floor). */
    cr_expect_eq(snn_trunc4096(-1), 0);
    cr_expect_eq(snn_trunc4096(-4096), -1);
    cr_expect_eq(snn_trunc4096(-4097), -1);
    cr_expect_eq(snn_trunc4096(8191), 1);
    cr_expect_eq(snn_wrap24(8388608), -8388608);  /* 2^23 wraps to -2^23 */
    cr_expect_eq(snn_wrap24(-8388609), 8388607);  /* -2^23-1 wraps to 2^23-1 */
    cr_expect_eq(snn_wrap24(-5), -5);
}

/* Greedy matching of two sorted spike-time lists within +-tol steps. */
static size_t match_times(const uint32_t *a, size_t na, const uint32_t *b, size_t nb, uint32_t tol)
{
    size_t i = 0, j = 0, m = 0;
    while (i < na && j < nb) {
        if (a[i] + tol < b[j])
            i++;
        else if (b[j] + tol < a[i])
            j++;
        else
            i++, j++, m++;
    }
    return m;
}

typedef struct agreement {
    size_t fixed, flt, matched;
} agreement_t;

static agreement_t compare_float_fixed(const snn_gen_opts_t *g, uint64_t seed, uint32_t steps, double rate,
                                       bool traces)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, seed);
    snn_net_t net;
    cr_assert_eq(snn_gen_layered(&net, g, &rng), NC_OK, "%s", nc_err_msg());
    /* memory traces on every neuron: decays from ~2 to ~500 steps, weights -32..32 */
    for (uint32_t i = 0; traces && i < net.n_neurons; i++)
        for (int k = 0; k < SNN_TRACES_MAX; k++) {
            net.neuron[i].tr_decay[k] = (uint16_t)nc_rng_range(&rng, 8, 2048);
            net.neuron[i].tr_weight[k] = (int8_t)nc_rng_range(&rng, -32, 32);
        }
    snn_event_t *in;
    size_t n_in;
    cr_assert_eq(snn_gen_poisson(g->n_axons, steps, rate, &rng, &in, &n_in), NC_OK);
    snn_model_t m;
    snn_fmodel_t f;
    cr_assert_eq(snn_model_init(&m, &net, 32), NC_OK);
    cr_assert_eq(snn_fmodel_init(&f, &net, 32), NC_OK);
    uint32_t N = net.n_neurons;
    uint32_t *tm = malloc(sizeof *tm * N * steps), *tf = malloc(sizeof *tf * N * steps);
    size_t *cm = calloc(N, sizeof *cm), *cf = calloc(N, sizeof *cf);
    uint32_t *sp = malloc(N * sizeof *sp), *ax = malloc(g->n_axons * 8 * sizeof *ax);
    size_t k = 0, ns;
    for (uint32_t t = 0; t < steps; t++) {
        size_t na = 0;
        while (k < n_in && in[k].step == t)
            ax[na++] = in[k++].id;
        cr_assert_eq(snn_model_step(&m, ax, na, sp, &ns), NC_OK);
        for (size_t i = 0; i < ns; i++)
            tm[(size_t)sp[i] * steps + cm[sp[i]]++] = t;
        cr_assert_eq(snn_fmodel_step(&f, ax, na, sp, &ns), NC_OK);
        for (size_t i = 0; i < ns; i++)
            tf[(size_t)sp[i] * steps + cf[sp[i]]++] = t;
    }
    agreement_t a = {0};
    for (uint32_t i = 0; i < N; i++) {
        a.fixed += cm[i];
        a.flt += cf[i];
        a.matched += match_times(tm + (size_t)i * steps, cm[i], tf + (size_t)i * steps, cf[i], 1);
    }
    free(tm), free(tf), free(cm), free(cf), free(sp), free(ax), free(in);
    snn_model_free(&m);
    snn_fmodel_free(&f);
    snn_net_free(&net);
    return a;
}

static void expect_agreement(const char *name, const snn_gen_opts_t *g, uint64_t seed, bool traces)
{
    agreement_t a = compare_float_fixed(g, seed, 500, 0.08, traces);
    size_t big = a.fixed > a.flt ? a.fixed : a.flt;
    double frac = big ? (double)a.matched / (double)big : 0;
    printf("%s: fixed %zu spikes, float %zu, matched within +-1 step %zu (%.2f%%), seed %llu\n", name, a.fixed,
           a.flt, a.matched, 100 * frac, (unsigned long long)seed);
    cr_assert_gt(a.flt, 1000, "%s: the float network fires only %zu times", name, a.flt);
    cr_expect_geq(frac, 0.97, "%s: only %.2f%% of spikes agree within +-1 step (seed %llu)", name, 100 * frac,
                  (unsigned long long)seed);
}

Test(snn_model, float_vs_fixed_one_layer, .timeout = 60)
{
    snn_gen_opts_t g = {.n_axons = 64, .layer = {256}, .n_layers = 1, .p_ff = 0.2, .w_lo = -40, .w_hi = 100,
                        .dmax = 32, .wexp = 3, .vth_lo = 4000, .vth_hi = 20000};
    expect_agreement("1 layer 64-256", &g, nc_test_seed(4001), false);
}

Test(snn_model, float_vs_fixed_two_layers_delays, .timeout = 60)
{
    snn_gen_opts_t g = {.n_axons = 64, .layer = {128, 64}, .n_layers = 2, .p_ff = 0.2, .w_lo = -40, .w_hi = 100,
                        .dmax = 32, .wexp = 3, .vth_lo = 4000, .vth_hi = 20000};
    expect_agreement("2 layers 64-128-64", &g, nc_test_seed(4002), false);
}

/* The same with four memory traces on every neuron: each trace adds its own truncation (less
 * than one LSB per step, SPEC.md), weighted by |c|/64 <= 1/2, so the argument and the bound
 * of the LIF comparison hold. */
Test(snn_model, float_vs_fixed_memory_traces, .timeout = 60)
{
    snn_gen_opts_t g = {.n_axons = 64, .layer = {128, 64}, .n_layers = 2, .p_ff = 0.2, .w_lo = -40, .w_hi = 100,
                        .dmax = 32, .wexp = 3, .vth_lo = 4000, .vth_hi = 20000};
    expect_agreement("2 layers 64-128-64, 4 traces each", &g, nc_test_seed(4003), true);
}

/* ---- files ---- */

static char *write_tmp(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/snn_test_%d.txt", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert_not_null(f);
    fputs(text, f);
    fclose(f);
    return path;
}

static void expect_net_error(const char *text, const char *where, const char *what)
{
    char *path = write_tmp(text);
    snn_net_t net;
    int rc = snn_net_read(path, &net);
    cr_expect_eq(rc, NC_ERR_PARSE, "accepted: %s", text);
    char want[128];
    snprintf(want, sizeof want, "%s:%s", path, where);
    cr_expect(strstr(nc_err_msg(), want) && strstr(nc_err_msg(), what), "message '%s' lacks '%s' / '%s'",
              nc_err_msg(), want, what);
    unlink(path);
}

Test(snn_model, malformed_network_files, .timeout = 10)
{
    expect_net_error("", "1", "empty");
    expect_net_error("neurons 4\n", "1", "header");
    expect_net_error("snn 4 2\nsyn a2 0 5 1\n", "2", "source axon");
    expect_net_error("snn 4 2\n# fine\nsyn a0 4 5 1\n", "3", "target neuron");
    expect_net_error("snn 4 2\nsyn n0 1 200 1\n", "2", "weight");
    expect_net_error("snn 4 2\nsyn n0 1 20 64\n", "2", "delay");
    expect_net_error("snn 4 2\nneuron 0 4 du 5000\n", "2", "du");
    expect_net_error("snn 4 2\nneuron 2 3 vth 5\n", "2", "neuron count");
    expect_net_error("snn 4 2\nneuron 0 1 bias 5\n", "2", "bias exponent");
    expect_net_error("snn 4 2\nastro 0 leak 3 inc 4\n", "2", "astro ID leak");
    expect_net_error("snn 4 2\nwexp 9\n", "2", "wexp");
    expect_net_error("snn 4 2\nfoo\n", "2", "unknown keyword");
}

Test(snn_model, malformed_spike_files, .timeout = 10)
{
    snn_event_t *ev;
    size_t n;
    char *p = write_tmp("0 1\n1 3\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(n, 2);
    free(ev);
    p = write_tmp("0 1\n1 4\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":2:") && strstr(nc_err_msg(), "id '4'"), "%s", nc_err_msg());
    p = write_tmp("3 1\n1 2\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":2:") && strstr(nc_err_msg(), "sorted"), "%s", nc_err_msg());
    p = write_tmp("3 1 7\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":1:"), "%s", nc_err_msg());
    unlink(p);
}

Test(snn_model, network_file_round_trip, .timeout = 10)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, nc_test_seed(5001));
    snn_gen_opts_t g = {.n_axons = 8, .layer = {6, 5}, .n_layers = 2, .p_ff = 0.5, .p_rec = 0.2, .w_lo = -128,
                        .w_hi = 127, .dmax = 32, .wexp = 5, .astro = true, .wild = true, .vth_lo = 0,
                        .vth_hi = SNN_VTH_MAX};
    snn_net_t a, b;
    cr_assert_eq(snn_gen_layered(&a, &g, &rng), NC_OK);
    a.neuron[2].pred_steps = 15, a.neuron[2].pred_drop = 131071; /* active dendrites, largest values */
    cr_assert_eq(snn_net_add_dsyn(&a, 3, 2, 31), NC_OK);
    cr_assert_eq(snn_net_add_dsyn(&a, 8 + 1, 2, 0), NC_OK);
    /* memory traces: the range ends, and a trace left at 0 between used ones */
    a.neuron[1].tr_decay[0] = 4095, a.neuron[1].tr_weight[0] = -128;
    a.neuron[1].tr_decay[3] = 0, a.neuron[1].tr_weight[3] = 127;
    a.neuron[4].tr_decay[2] = 26, a.neuron[4].tr_weight[2] = 0;
    char path[64];
    snprintf(path, sizeof path, "/tmp/snn_rt_%d.net", (int)getpid());
    cr_assert_eq(snn_net_write(path, &a), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(snn_net_read(path, &b), NC_OK, "%s", nc_err_msg());
    unlink(path);
    cr_expect_eq(a.n_syn, b.n_syn);
    cr_expect_eq(a.wexp, b.wexp);
    cr_expect_eq(memcmp(a.neuron, b.neuron, a.n_neurons * sizeof *a.neuron), 0, "neuron parameters differ");
    cr_expect_eq(memcmp(a.astro, b.astro, sizeof a.astro), 0, "astrocytes differ");
    for (size_t k = 0; k < a.n_syn && k < b.n_syn; k++)
        cr_expect(a.syn[k].src == b.syn[k].src && a.syn[k].target == b.syn[k].target &&
                      a.syn[k].weight == b.syn[k].weight && a.syn[k].delay == b.syn[k].delay &&
                      a.syn[k].dend == b.syn[k].dend,
                  "synapse %zu differs", k);
    snn_net_free(&a);
    snn_net_free(&b);
}

/* ---- "neuron FIRST COUNT key value ..." keeps the keys not given, per neuron ---- */

/* Four neurons with distinct parameters, then one line that sets vth of all four. Shared
 * (as text) with test_snn_rtl.c and test_snn_cli.c. */
static const char *per_neuron_net = "snn 4 1\n"
                                    "wexp 0\n"
                                    "neuron 0 1 du 4095 dv 4095 bias 10 0 vth 50000 refr 0 astro -1 out 1\n"
                                    "neuron 1 1 du 0 dv 2048 bias 20 1 vth 50000 refr 3 astro 2 out 0\n"
                                    "neuron 2 1 du 2047 dv 0 bias -5 2 vth 50000 refr 1 astro -1 out 1\n"
                                    "neuron 3 1 du 100 dv 4095 bias 1000 3 vth 50000 refr 2 astro -1 out 1\n"
                                    "neuron 0 4 vth 100\n"
                                    "syn a0 0 1 0\nsyn a0 1 1 0\nsyn a0 2 1 0\nsyn a0 3 1 0\n";

Test(snn_model, neuron_range_keeps_other_keys_per_neuron, .timeout = 10)
{
    char *path = write_tmp(per_neuron_net);
    snn_net_t net;
    cr_assert_eq(snn_net_read(path, &net), NC_OK, "%s", nc_err_msg());
    unlink(path);
    /* Written by hand from the text above: only vth changed, to 100, on every neuron. */
    const struct { unsigned du, dv; int bm; unsigned be, vth, refr; int astro; bool out; } want[4] = {
        {4095, 4095, 10, 0, 100, 0, -1, true},
        {0, 2048, 20, 1, 100, 3, 2, false},
        {2047, 0, -5, 2, 100, 1, -1, true},
        {100, 4095, 1000, 3, 100, 2, -1, true},
    };
    for (int i = 0; i < 4; i++) {
        const snn_neuron_params_t *p = &net.neuron[i];
        cr_expect(p->du == want[i].du && p->dv == want[i].dv && p->bias_mant == want[i].bm &&
                      p->bias_exp == want[i].be && p->vth == want[i].vth && p->refr == want[i].refr &&
                      p->astro == want[i].astro && p->out == want[i].out,
                  "neuron %d: du %u dv %u bias %d %u vth %u refr %u astro %d out %d; expected du %u dv %u bias %d %u "
                  "vth %u refr %u astro %d out %d",
                  i, p->du, p->dv, p->bias_mant, p->bias_exp, p->vth, p->refr, p->astro, p->out, want[i].du,
                  want[i].dv, want[i].bm, want[i].be, want[i].vth, want[i].refr, want[i].astro, want[i].out);
    }
    snn_net_free(&net);
    /* A range that sets two keys over neurons with their own values: the rest stays each own. */
    path = write_tmp("snn 3 0\nneuron 0 1 du 7 refr 1\nneuron 1 1 du 8 refr 2\nneuron 2 1 du 9 refr 3 out 1\n"
                     "neuron 0 3 refr 5 out 0\n");
    cr_assert_eq(snn_net_read(path, &net), NC_OK, "%s", nc_err_msg());
    unlink(path);
    cr_expect(net.neuron[0].du == 7 && net.neuron[1].du == 8 && net.neuron[2].du == 9, "du %u %u %u: expected 7 8 9",
              net.neuron[0].du, net.neuron[1].du, net.neuron[2].du);
    cr_expect(net.neuron[0].refr == 5 && net.neuron[1].refr == 5 && net.neuron[2].refr == 5 && !net.neuron[2].out);
    snn_net_free(&net);
}

/* ---- the text formats are decimal ---- */

Test(snn_model, octal_and_hex_integers_refused, .timeout = 10)
{
    expect_net_error("snn 4 2\nneuron 0 1 vth 010\n", "2", "vth '010'");
    expect_net_error("snn 4 2\nneuron 0 1 du 0x64\n", "2", "du '0x64'");
    expect_net_error("snn 010 2\n", "1", "neurons '010'");
    expect_net_error("snn 4 2\nsyn a01 0 5 1\n", "2", "source axon");
    expect_net_error("snn 4 2\nsyn a0 0 0x10 1\n", "2", "weight '0x10'");
    expect_net_error("snn 4 2\nwexp 07\n", "2", "wexp '07'");
    snn_event_t *ev = NULL;
    size_t n;
    char *p = write_tmp("0 1\n010 1\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":2:") && strstr(nc_err_msg(), "'010'"), "%s", nc_err_msg());
    p = write_tmp("0 0x1\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":1:") && strstr(nc_err_msg(), "'0x1'"), "%s", nc_err_msg());
    /* 0 and negative decimal values are still what they are */
    p = write_tmp("snn 4 2\nneuron 0 1 bias -10 0 vth 0\nsyn a0 0 -7 0\n");
    snn_net_t net;
    cr_expect_eq(snn_net_read(p, &net), NC_OK, "%s", nc_err_msg());
    if (net.neuron) {
        cr_expect(net.neuron[0].bias_mant == -10 && net.syn[0].weight == -7);
        snn_net_free(&net);
    }
    unlink(p);
}

/* ---- spike files: events at or past the step limit are refused, never dropped ---- */

Test(snn_model, events_past_the_step_limit_refused, .timeout = 10)
{
    snn_event_t *ev = NULL;
    size_t n;
    char *p = write_tmp("0 1\n399 2\n# comment\n400 3\n");
    cr_expect_eq(snn_events_read(p, 4, 400, "--steps 400", &ev, &n), NC_ERR_PARSE);
    char want[160];
    snprintf(want, sizeof want, "%s:4: event at step 400 is at or past --steps 400 (steps run 0..399)", p);
    cr_expect(strstr(nc_err_msg(), want), "'%s' lacks '%s'", nc_err_msg(), want);
    cr_expect_eq(snn_events_read(p, 4, 401, NULL, &ev, &n), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(n, 3);
    free(ev);
    /* A step far past any cap (and past int64) is refused the same way, naming the line. */
    p = write_tmp("5 0\n1000000000000 1\n");
    cr_expect_eq(snn_events_read(p, 4, 100000000, "the cap", &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":2: event at step 1000000000000 is at or past the cap"), "%s", nc_err_msg());
    p = write_tmp("99999999999999999999999 1\n");
    cr_expect_eq(snn_events_read(p, 4, 100000000, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":1: event at step 99999999999999999999999 is at or past the step limit"), "%s",
              nc_err_msg());
    p = write_tmp("-1 1\n");
    cr_expect_eq(snn_events_read(p, 4, 100, NULL, &ev, &n), NC_ERR_PARSE);
    cr_expect(strstr(nc_err_msg(), ":1: step '-1'"), "%s", nc_err_msg());
    unlink(p);
}

/* ---- files are replaced atomically: a reader of the old file keeps the old content ---- */

Test(snn_model, outputs_replace_files_atomically, .timeout = 10)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/snn_atomic_%d.txt", (int)getpid());
    snn_event_t ev[2] = {{1, 2}, {3, 4}};
    cr_assert_eq(snn_events_write(path, ev, 2), NC_OK, "%s", nc_err_msg());
    FILE *old = fopen(path, "r"); /* holds the first file */
    cr_assert_not_null(old);
    snn_event_t ev2[1] = {{7, 8}};
    cr_assert_eq(snn_events_write(path, ev2, 1), NC_OK, "%s", nc_err_msg());
    char buf[64] = "";
    size_t k = fread(buf, 1, sizeof buf - 1, old);
    buf[k] = '\0';
    fclose(old);
    cr_expect_str_eq(buf, "1 2\n3 4\n", "the old file was overwritten in place: '%s'", buf);
    FILE *f = fopen(path, "r");
    k = fread(buf, 1, sizeof buf - 1, f);
    buf[k] = '\0';
    fclose(f);
    cr_expect_str_eq(buf, "7 8\n");
    /* the same for network files */
    snn_net_t net;
    cr_assert_eq(snn_net_init(&net, 2, 1), NC_OK);
    old = fopen(path, "r");
    cr_assert_eq(snn_net_write(path, &net), NC_OK, "%s", nc_err_msg());
    k = fread(buf, 1, sizeof buf - 1, old);
    buf[k] = '\0';
    fclose(old);
    cr_expect_str_eq(buf, "7 8\n");
    snn_net_free(&net);
    /* no directory: an error naming the file, and nothing written */
    cr_expect_neq(snn_events_write("/nonexistent/dir/out.txt", ev, 2), NC_OK);
    cr_expect(strstr(nc_err_msg(), "/nonexistent/dir/out.txt"), "%s", nc_err_msg());
    unlink(path);
}

/* ---- the Poisson stream drawn step by step is the stream drawn at once ---- */

Test(snn_model, poisson_step_by_step_same_stream, .timeout = 10)
{
    nc_rng_t a, b;
    nc_rng_seed(&a, 42);
    nc_rng_seed(&b, 42);
    snn_event_t *ev;
    size_t n;
    cr_assert_eq(snn_gen_poisson(40, 300, 0.1, &a, &ev, &n), NC_OK);
    cr_assert_gt(n, 600u);
    size_t k = 0;
    uint32_t ax[40];
    for (uint32_t t = 0; t < 300; t++) {
        size_t m = snn_gen_poisson_step(40, 0.1, &b, ax);
        for (size_t i = 0; i < m; i++, k++)
            cr_assert(k < n && ev[k].step == t && ev[k].id == ax[i], "event %zu differs", k);
    }
    cr_expect_eq(k, n);
    free(ev);
}

/* The model counts cycles, synaptic operations and slots per SPEC.md ("A time step"), with the
 * lane packing of the driver: values worked by hand (the same network as the RTL test
 * counters_equal_hand_count_per_step, plus an uneven source). */
Test(snn_model, counts_cycles_synops_slots_by_hand, .timeout = 10)
{
    snn_net_t net;
    cr_assert_eq(snn_net_init(&net, 4, 2), NC_OK);
    for (int i = 0; i < 4; i++)
        net.neuron[i] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 10, .astro = -1, .out = true};
    cr_assert_eq(snn_net_add_syn(&net, 0, 0, 100, 0), NC_OK);
    cr_assert_eq(snn_net_add_syn(&net, 0, 1, 100, 0), NC_OK);
    cr_assert_eq(snn_net_add_syn(&net, 2 + 0, 2, 100, 0), NC_OK);
    /* axon 1: targets 1 and 3 (both lane 1 on 2 lanes: 2 rows; 4 slots, 2 synops); weight 0 */
    cr_assert_eq(snn_net_add_syn(&net, 1, 1, 0, 0), NC_OK);
    cr_assert_eq(snn_net_add_syn(&net, 1, 3, 0, 0), NC_OK);
    for (uint32_t lanes = 1; lanes <= 2; lanes++) {
        snn_model_t m;
        cr_assert_eq(snn_model_init(&m, &net, 32), NC_OK);
        cr_assert_eq(snn_model_set_lanes(&m, lanes), NC_OK);
        uint32_t spikes[4];
        size_t ns;
        const uint32_t ax0 = 0, ax1 = 1;
        /* 1 lane: 15, 10, 9 (see test_snn_rtl.c); 2 lanes: 13, 9, 8. */
        const uint64_t cyc[3] = {lanes == 1 ? 15 : 13, lanes == 1 ? 10 : 9, lanes == 1 ? 9 : 8};
        uint64_t c0 = 0;
        for (int t = 0; t < 3; t++) {
            cr_assert_eq(snn_model_step(&m, &ax0, t == 0, spikes, &ns), NC_OK);
            cr_expect_eq(m.stats.cycles - c0, cyc[t], "%u lanes step %d: %llu cycles, expected %llu", lanes, t,
                         (unsigned long long)(m.stats.cycles - c0), (unsigned long long)cyc[t]);
            c0 = m.stats.cycles;
        }
        cr_expect_eq(m.stats.synops, 3);
        cr_expect_eq(m.stats.slots, lanes == 1 ? 3 : 4);
        /* axon 1 alone at step 3: 1 lane 1 + (1 + 2) + 1 + 4 + 2 + 1 = 12; 2 lanes 1 + 3 + 1 + 2 + 3 + 1 = 11 */
        cr_assert_eq(snn_model_step(&m, &ax1, 1, spikes, &ns), NC_OK);
        cr_expect_eq(ns, 0);
        cr_expect_eq(m.stats.cycles - c0, lanes == 1 ? 12 : 11, "%u lanes: %llu cycles for axon 1", lanes,
                     (unsigned long long)(m.stats.cycles - c0));
        cr_expect_eq(m.stats.synops, 5);
        cr_expect_eq(m.stats.slots, lanes == 1 ? 5 : 8);
        snn_model_free(&m);
    }
    snn_model_t m;
    cr_assert_eq(snn_model_init(&m, &net, 32), NC_OK);
    cr_expect_neq(snn_model_set_lanes(&m, 3), NC_OK, "3 lanes (not a power of two) accepted");
    snn_model_free(&m);
    snn_net_free(&net);
}

/* Active dendrites in the text format, and the predictive window by hand: a dendritic event
 * sent by a spike of step c lands at c + 1 and keeps the target predictive for pred_steps
 * steps (c + 1 .. c + pred_steps), with the threshold lowered by pred_drop. */
Test(snn_model, active_dendrites_window_by_hand, .timeout = 10)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/snn_dend_%d.net", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("snn 2 2\nneuron 0 1 du 4095 dv 4095 vth 150 pred 3 60 out 1\n"
          "neuron 1 1 du 4095 dv 4095 vth 10\nsyn a0 0 100 0\nsyn a1 1 100 0\ndsyn n1 0 0\n", f);
    fclose(f);
    snn_net_t net;
    cr_assert_eq(snn_net_read(path, &net), NC_OK, "%s", nc_err_msg());
    unlink(path);
    cr_expect_eq(net.neuron[0].pred_steps, 3);
    cr_expect_eq(net.neuron[0].pred_drop, 60);
    cr_expect(net.n_syn == 3 && net.syn[2].dend && !net.syn[0].dend, "dsyn not read as dendritic");
    snn_model_t m;
    cr_assert_eq(snn_model_init(&m, &net, 32), NC_OK);
    /* context (axon 1) at step 0; the feed-forward input (axon 0) at every step 0..5 */
    const uint8_t want_pred_left[6] = {0, 2, 1, 0, 0, 0}; /* after the update of steps 0..5 */
    const bool want_fire[6] = {false, true, true, true, false, false};
    for (uint32_t t = 0; t < 6; t++) {
        uint32_t ax[2] = {0, 1}, sp[2];
        size_t ns;
        cr_assert_eq(snn_model_step(&m, ax, t == 0 ? 2 : 1, sp, &ns), NC_OK);
        bool soma = false;
        for (size_t i = 0; i < ns; i++)
            soma |= sp[i] == 0;
        cr_expect_eq(soma, want_fire[t], "step %u: soma %s", t, soma ? "fired" : "silent");
        cr_expect_eq(m.pred[0], want_pred_left[t], "step %u: %u predictive steps left, expected %u", t, m.pred[0],
                     want_pred_left[t]);
    }
    snn_model_free(&m);
    snn_net_free(&net);
}

/* Multi-timescale memory neurons by hand (SPEC.md): four traces of neuron 0 with decays 1000,
 * 0 (an integrator), 0 (weight 0: unseen) and 4095, weights 3, -32, 0, 127; input a = 10 at
 * step 0 (axon 0) and a = -10 at step 2 (axon 1); du = dv = 4095 so u = 64 a and v keeps
 * trunc(v / 4096) = 0 of its past here. Worked out on paper, step by step:
 *   step 0: m = 640, 640, 640, 640; T = 30 - 320 + 0 + 1270 = 980; v = 640 + 980 = 1620
 *   step 1: m0 = trunc(640 * 3096 / 4096) = trunc(483.75) = 483, m1 = 640, m3 = trunc(640 / 4096) = 0;
 *           T = floor(1449 / 64) - 320 = 22 - 320 = -298; v = 0 + 0 - 298 = -298
 *   step 2: m0 = trunc(483 * 3096 / 4096) - 640 = 365 - 640 = -275, m1 = 0, m3 = -640;
 *           T = floor(-825 / 64) + 0 + floor(-81280 / 64) = -13 - 1270 = -1283 (floor, not
 *           toward zero: -12.9 -> -13); v = -640 - 1283 = -1923
 *   step 3: m0 = trunc(-275 * 3096 / 4096) = trunc(-207.86) = -207 (toward zero), m3 = 0;
 *           T = floor(-621 / 64) = -10 (-9.7 -> -10); v = 0 + 0 - 10 = -10
 * Then neuron 1, an integrating trace (decay 0, weight 1) under the largest input (a = 32767
 * after the clamp, 64 a = 2097088 per step): 2097088 k for k = 1..4 steps, then the clip at
 * 2^23 - 1 = 8388607 (counted), never a wrap (a wrap would read -8388608 + ...). The text format is read from a file. */
Test(snn_model, memory_traces_by_hand, .timeout = 10)
{
    char path[64];
    snprintf(path, sizeof path, "/tmp/snn_trace_%d.net", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("snn 2 3\nwexp 0\n"
          "neuron 0 1 du 4095 dv 4095 vth 100000 trace 0 1000 3 trace 1 0 -32 trace 3 4095 127\n"
          "neuron 1 1 du 4095 dv 4095 vth 131071 trace 0 0 1\n"
          "syn a0 0 10 0\nsyn a1 0 -10 0\n"
          "syn a2 1 127 0\n", f);
    fclose(f);
    snn_net_t net;
    cr_assert_eq(snn_net_read(path, &net), NC_OK, "%s", nc_err_msg());
    unlink(path);
    cr_expect(net.neuron[0].tr_decay[0] == 1000 && net.neuron[0].tr_weight[0] == 3 && net.neuron[0].tr_decay[1] == 0 &&
              net.neuron[0].tr_weight[1] == -32 && net.neuron[0].tr_decay[3] == 4095 && net.neuron[0].tr_weight[3] == 127);
    cr_expect_eq(snn_net_traces(&net), 4);
    snn_model_t m;
    cr_assert_eq(snn_model_init(&m, &net, 32), NC_OK);
    const int32_t want_m0[4] = {640, 483, -275, -207}, want_m1[4] = {640, 640, 0, 0};
    const int32_t want_m3[4] = {640, 0, -640, 0}, want_v[4] = {1620, -298, -1923, -10};
    for (uint32_t t = 0; t < 4; t++) {
        uint32_t ax = t == 0 ? 0 : 1, sp[2];
        size_t ns;
        cr_assert_eq(snn_model_step(&m, &ax, t == 0 || t == 2, sp, &ns), NC_OK);
        cr_expect_eq(ns, 0u);
        const int32_t *tr = &m.tr[0];
        cr_expect(tr[0] == want_m0[t] && tr[1] == want_m1[t] && tr[3] == want_m3[t],
                  "step %u: m0 %d m1 %d m3 %d, expected %d %d %d", t, tr[0], tr[1], tr[3], want_m0[t], want_m1[t],
                  want_m3[t]);
        cr_expect_eq(m.v[0], want_v[t], "step %u: v %d, expected %d", t, m.v[0], want_v[t]);
    }
    /* neuron 1: 300 events of weight 127 in one step: a ring cell of 38100, clamped to 32767 */
    for (uint32_t t = 0; t < 5; t++) {
        uint32_t ax[300], sp[2];
        size_t ns;
        for (int i = 0; i < 300; i++)
            ax[i] = 2; /* 300 x 127 = 38100: clamped to 32767 */
        uint64_t sat0 = m.stats.sat;
        cr_assert_eq(snn_model_step(&m, ax, 300, sp, &ns), NC_OK);
        cr_expect_eq(m.stats.sat - sat0, 1u, "step %u: the input of neuron 1 must be clamped", t);
        int32_t want = t < 4 ? 2097088 * (int32_t)(t + 1) : 8388607; /* 64 x 32767 = 2097088 */
        cr_expect_eq(m.tr[SNN_TRACES_MAX + 0], want, "trace step %u: m %d, expected %d", t, m.tr[SNN_TRACES_MAX],
                     want);
    }
    /* traces 1..3 of neuron 1 (decay 0 by default, weight 0) integrate the same input and clip
     * in the same step: 4 clips; none of neuron 0 */
    for (int k = 1; k < SNN_TRACES_MAX; k++)
        cr_expect_eq(m.tr[SNN_TRACES_MAX + k], 8388607);
    cr_expect_eq(m.stats.tr_clips, 4u, "%llu clips", (unsigned long long)m.stats.tr_clips);
    snn_model_free(&m);
    snn_net_free(&net);
}

/* Bad trace keys: file:line, the field and the range. */
Test(snn_model, memory_trace_keys_refused, .timeout = 10)
{
    const char *bad[] = {"neuron 0 1 trace 4 10 10\n", "neuron 0 1 trace 0 4096 10\n", "neuron 0 1 trace 0 10 128\n",
                         "neuron 0 1 trace 0 10\n", "neuron 0 1 trace 0 010 1\n"};
    const char *want[] = {"trace index", "trace decay", "trace weight", "trace weight", "trace decay"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        char path[64];
        snprintf(path, sizeof path, "/tmp/snn_trbad_%d.net", (int)getpid());
        FILE *f = fopen(path, "w");
        cr_assert(f);
        fprintf(f, "snn 1 1\n%s", bad[i]);
        fclose(f);
        snn_net_t net;
        cr_expect_eq(snn_net_read(path, &net), NC_ERR_PARSE, "case %zu accepted", i);
        cr_expect(strstr(nc_err_msg(), ":2:") && strstr(nc_err_msg(), want[i]), "case %zu: %s", i, nc_err_msg());
        unlink(path);
    }
}

/* The long-memory task (snn_demo.c) on the floating-point reference: the real-valued traces
 * and threshold answer the same trials as the bit-exact model, every one right by the task's
 * definition (fire exactly in the A-then-B 50..200 trials). */
Test(snn_model, memory_task_float_reference, .timeout = 30)
{
    enum { TRIALS = 60 };
    snn_mem_trial_t tr[TRIALS];
    snn_event_t in[TRIALS * 2 * SNN_MEM_VOLLEY_HI], *out = malloc(TRIALS * SNN_MEM_PERIOD * sizeof *out);
    nc_rng_t rng;
    nc_rng_seed(&rng, nc_test_seed(4004));
    snn_demo_memory_trials(tr, TRIALS, &rng);
    size_t n = snn_demo_memory_input(in, tr, TRIALS), j = 0, n_out = 0;
    snn_net_t net;
    cr_assert_eq(snn_demo_memory(&net), NC_OK);
    snn_fmodel_t f;
    cr_assert_eq(snn_fmodel_init(&f, &net, 32), NC_OK);
    for (uint32_t t = 0; t < TRIALS * SNN_MEM_PERIOD; t++) {
        uint32_t ax[2 * SNN_MEM_VOLLEY_HI], sp[1];
        size_t na = 0, ns;
        while (j < n && in[j].step == t)
            ax[na++] = in[j++].id;
        cr_assert_eq(snn_fmodel_step(&f, ax, na, sp, &ns), NC_OK);
        if (ns)
            out[n_out++] = (snn_event_t){t, sp[0]};
    }
    unsigned wrong[SNN_MEM_KINDS], ok = snn_demo_memory_score(out, n_out, tr, TRIALS, wrong);
    cr_expect_eq(ok, TRIALS, "float reference: %u/%d right", ok, TRIALS);
    unsigned fixed_ok;
    cr_assert_eq(snn_demo_memory_run_model(&net, tr, TRIALS, 32, &fixed_ok, NULL), NC_OK);
    cr_expect_eq(fixed_ok, TRIALS, "bit-exact model: %u/%d right", fixed_ok, TRIALS);
    snn_fmodel_free(&f);
    snn_net_free(&net);
    free(out);
}
