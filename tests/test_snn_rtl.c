/*
 * test_snn_rtl.c - the SNN core (Verilated snn_l2: N=1024, A=256, 2 lanes, DMAX=32; and
 * snn_l1: N=256, A=256, 1 lane, DMAX=64) against
 * the bit-exact model: identical output spikes and identical u, v and refractory counter of
 * every neuron after every step, read back over the bus. Also the edges of the arithmetic
 * (u wrap, both v clip limits, a_in clamp, delays 0 and DMAX-1, refractory), FIFO overflow
 * and late events counted in sticky bits, and bad input refused.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nc_test.h"
#include "snn_cosim.h"
#include "snn_demo.h"
#include "snn_gen.h"
#include "snn_regs.h"
#include "vmodel.h"

#define MODEL "snn_l2"

typedef struct rtl {
    vmodel_t *vm;
    snn_dev_t dev;
    const char *model; /* NULL: MODEL */
} rtl_t;

static int rtl_open(rtl_t *r, const char *wave, char *msg, size_t len)
{
    const char *name = r->model ? r->model : MODEL;
    r->vm = vmodel_open_name(name);
    if (!r->vm) {
        snprintf(msg, len, "open %s: %s", name, nc_err_msg());
        return NC_ERR_SIM;
    }
    if (wave && vmodel_trace_open(r->vm, wave)) {
        snprintf(msg, len, "trace %s: %s", wave, nc_err_msg());
        return NC_ERR_IO;
    }
    int rc = snn_dev_open(vmodel_bus(r->vm), &r->dev);
    if (rc)
        snprintf(msg, len, "snn_dev_open: %s", nc_err_msg());
    return rc;
}

static void rtl_close(rtl_t *r)
{
    if (r->vm)
        vmodel_close(r->vm);
}

/* ---- random layered networks, state compared after every step ---- */

typedef struct rand_case {
    const char *model;
    uint64_t seed;
    snn_gen_opts_t g;
    uint32_t steps;
    double rate;
    bool check_state;
    uint32_t min_steps_per_run; /* 0: no demand */
    bool dendrites;   /* add predictive windows and dendritic synapses (active dendrites) */
    bool traces;      /* give half the neurons memory traces (multi-timescale memory neurons) */
    uint64_t updates; /* out */
} rand_case_t;

/* Active dendrites on a random network: half the neurons get a predictive window (1..15
 * steps, threshold drop up to their vth), and n_neurons dendritic synapses join random
 * sources (axons and neurons) to random targets with random delays. */
static int add_dendrites(snn_net_t *net, nc_rng_t *rng, uint32_t dmax)
{
    for (uint32_t i = 0; i < net->n_neurons; i++)
        if (nc_rng_below(rng, 2)) {
            net->neuron[i].pred_steps = (uint8_t)nc_rng_range(rng, 1, 15);
            net->neuron[i].pred_drop = (uint32_t)nc_rng_below(rng, net->neuron[i].vth + 1);
        }
    int rc = NC_OK;
    for (uint32_t k = 0; k < net->n_neurons && rc == NC_OK; k++)
        rc = snn_net_add_dsyn(net, (uint32_t)nc_rng_below(rng, net->n_axons + net->n_neurons),
                              (uint32_t)nc_rng_below(rng, net->n_neurons), (unsigned)nc_rng_below(rng, dmax));
    return rc;
}

/* Memory traces on a random network: half the neurons get K = 4 traces with decays over
 * the whole range (0, an integrator, and 4095 over-represented) and weights -128..127 over
 * the whole range, scaled down for a quarter of them so that not every such neuron is
 * saturated; the rest stay LIF (weights 0). */
static void add_traces(snn_net_t *net, nc_rng_t *rng)
{
    for (uint32_t i = 0; i < net->n_neurons; i++) {
        if (!nc_rng_below(rng, 2))
            continue;
        for (int k = 0; k < SNN_TRACES_MAX; k++) {
            uint64_t r = nc_rng_below(rng, 8);
            net->neuron[i].tr_decay[k] = r == 0 ? 0 : r == 1 ? 4095 : (uint16_t)nc_rng_below(rng, 4096);
            net->neuron[i].tr_weight[k] = (int8_t)nc_rng_range(rng, -128, 127);
            if (nc_rng_below(rng, 4) == 0)
                net->neuron[i].tr_weight[k] /= 32;
        }
    }
}

static int run_random(void *arg, const char *wave, char *msg, size_t len)
{
    rand_case_t *c = arg;
    rtl_t r = {.model = c->model};
    snn_net_t net = {0};
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    nc_rng_t rng;
    nc_rng_seed(&rng, c->seed);
    int rc = rtl_open(&r, wave, msg, len);
    if (rc == NC_OK && (rc = snn_gen_layered(&net, &c->g, &rng)))
        snprintf(msg, len, "generate: %s", nc_err_msg());
    if (rc == NC_OK && c->dendrites && (rc = add_dendrites(&net, &rng, c->g.dmax)))
        snprintf(msg, len, "dendrites: %s", nc_err_msg());
    if (rc == NC_OK && c->traces)
        add_traces(&net, &rng);
    if (rc == NC_OK && (rc = snn_gen_poisson(c->g.n_axons, c->steps, c->rate, &rng, &in, &n_in)))
        snprintf(msg, len, "poisson: %s", nc_err_msg());
    if (rc == NC_OK && (rc = snn_dev_load(&r.dev, &net)))
        snprintf(msg, len, "load: %s", nc_err_msg());
    snn_cosim_opts_t o = {.check_state = c->check_state};
    if (rc == NC_OK && (rc = snn_cosim_run(&r.dev, &net, in, n_in, c->steps, &o, &res)))
        snprintf(msg, len, "cosim: %s", nc_err_msg());
    if (rc == NC_OK && (res.spike_mismatches || res.state_mismatches || res.counter_mismatches)) {
        snprintf(msg, len, "%llu spike, %llu state and %llu counter mismatches; first: %s",
                 (unsigned long long)res.spike_mismatches, (unsigned long long)res.state_mismatches,
                 (unsigned long long)res.counter_mismatches, res.first_mismatch);
        rc = NC_ERR_MISMATCH;
    }
    /* The counters were compared: they must have counted something. */
    if (rc == NC_OK && (!res.synops || !res.slots || res.run_cycles < res.steps * 4)) {
        snprintf(msg, len, "SYNOPS %llu SLOTS %llu RUN_CYCLES %llu over %llu steps: expected activity",
                 (unsigned long long)res.synops, (unsigned long long)res.slots, (unsigned long long)res.run_cycles,
                 (unsigned long long)res.steps);
        rc = NC_ERR_MISMATCH;
    }
    /* A silent or saturated network would compare trivially: demand real activity. */
    double rate = res.updates ? (double)res.model.spikes / (double)res.updates : 0;
    if (rc == NC_OK && (rate < 0.005 || rate > 0.6 || res.events_out == 0)) {
        snprintf(msg, len, "spike rate %.4f per update (%llu output events): expected 0.005..0.6",
                 rate, (unsigned long long)res.events_out);
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && c->check_state && res.states_compared != res.updates) {
        snprintf(msg, len, "compared %llu states for %llu updates", (unsigned long long)res.states_compared,
                 (unsigned long long)res.updates);
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && c->min_steps_per_run && res.steps < c->min_steps_per_run * res.runs) {
        snprintf(msg, len, "%llu steps took %llu RUN commands: expected >= %u steps per run without the host "
                 "(%llu output events, spike rate %.3f)", (unsigned long long)res.steps,
                 (unsigned long long)res.runs, c->min_steps_per_run, (unsigned long long)res.events_out, rate);
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && c->traces && (res.model.tr_updates < res.updates / 4 || res.model.tr_clips == 0 ||
                                     r.dev.traces != SNN_TRACES_MAX)) {
        snprintf(msg, len, "%llu updates with traces of %llu, %llu trace clips, TRACES %u: the traces were not "
                 "exercised", (unsigned long long)res.model.tr_updates, (unsigned long long)res.updates,
                 (unsigned long long)res.model.tr_clips, r.dev.traces);
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && c->dendrites && (res.model.pred_steps == 0 || res.model.pred_steps == res.updates)) {
        snprintf(msg, len, "%llu predictive updates of %llu: the dendrites were not exercised",
                 (unsigned long long)res.model.pred_steps, (unsigned long long)res.updates);
        rc = NC_ERR_MISMATCH;
    }
    c->updates = res.updates;
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

static snn_gen_opts_t three_layers(void)
{
    snn_gen_opts_t g = {.n_axons = 64, .layer = {128, 96, 64}, .n_layers = 3, .p_ff = 0.15, .p_rec = 0.03,
                        .w_lo = -60, .w_hi = 100, .dmax = 32, .wexp = 3, .astro = true, .wild = true,
                        .vth_lo = 2000, .vth_hi = 40000};
    return g;
}

Test(snn_rtl, random_3layer_state_every_step, .timeout = 240)
{
    rand_case_t c = {.seed = nc_test_seed(1001), .g = three_layers(), .steps = 1000, .rate = 0.08,
                     .check_state = true};
    if (nc_test_verify()) {
        c.g.layer[0] = 512, c.g.layer[1] = 256, c.g.layer[2] = 256; /* 1024 neurons */
        c.g.n_axons = 256, c.g.p_ff = 0.05;
        c.steps = 10000;
    }
    nc_test_run_case("snn_rtl_random_3layer", c.seed, run_random, &c);
    cr_expect_geq(c.updates, nc_test_verify() ? 10000000u : 100000u, "only %llu neuron updates compared",
                  (unsigned long long)c.updates);
}

Test(snn_rtl, random_one_lane_dmax64_state_every_step, .timeout = 240)
{
    /* The same RTL built with 1 lane and DMAX = 64: delays 0..63. */
    rand_case_t c = {.model = "snn_l1", .seed = nc_test_seed(1003), .g = three_layers(), .steps = 400,
                     .rate = 0.08, .check_state = true};
    c.g.layer[0] = 96, c.g.layer[1] = 96, c.g.layer[2] = 64, c.g.dmax = 64;
    nc_test_run_case("snn_rtl_random_l1", c.seed, run_random, &c);
    cr_expect_geq(c.updates, 100000u, "only %llu neuron updates compared", (unsigned long long)c.updates);
}

Test(snn_rtl, chained_256x3_host_away, .timeout = 240)
{
    /* 256-256-256 feed-forward chain, many steps per RUN: outputs compared per step. */
    rand_case_t c = {.seed = nc_test_seed(1002), .steps = 300, .rate = 0.05, .check_state = false,
                     .min_steps_per_run = 20};
    c.g = (snn_gen_opts_t){.n_axons = 256, .layer = {256, 256, 256}, .n_layers = 3, .p_ff = 0.06, .p_rec = 0,
                           .w_lo = -80, .w_hi = 90, .dmax = 32, .wexp = 3, .astro = false, .wild = false,
                           .vth_lo = 8000, .vth_hi = 24000, .out_last_only = true};
    nc_test_run_case("snn_rtl_chained_256x3", c.seed, run_random, &c);
}

Test(snn_rtl, random_four_lanes_state_every_step, .timeout = 240)
{
    /* The same RTL built with 4 lanes (snn_l4, N=1024). */
    rand_case_t c = {.model = "snn_l4", .seed = nc_test_seed(1005), .g = three_layers(), .steps = 300,
                     .rate = 0.08, .check_state = true};
    if (nc_test_verify())
        c.steps = 3000;
    nc_test_run_case("snn_rtl_random_l4", c.seed, run_random, &c);
    cr_expect_geq(c.updates, 80000u, "only %llu neuron updates compared", (unsigned long long)c.updates);
}

Test(snn_rtl, random_eight_lanes_4096_neurons, .timeout = 240)
{
    /* 8 lanes and N = 4096 (snn_l8): a 3-layer network that uses all 4096 neurons, so the
     * top of the neuron window, pointer window and ring are all exercised. */
    rand_case_t c = {.model = "snn_l8", .seed = nc_test_seed(1006), .steps = 60, .rate = 0.08,
                     .check_state = true};
    c.g = (snn_gen_opts_t){.n_axons = 256, .layer = {2048, 1024, 1024}, .n_layers = 3, .p_ff = 0.01,
                           .p_rec = 0.001, .w_lo = -60, .w_hi = 100, .dmax = 32, .wexp = 4, .astro = true,
                           .wild = true, .vth_lo = 2000, .vth_hi = 40000};
    if (nc_test_verify())
        c.steps = 1000;
    nc_test_run_case("snn_rtl_random_l8_n4096", c.seed, run_random, &c);
    cr_expect_geq(c.updates, 60u * 4096u, "only %llu neuron updates compared", (unsigned long long)c.updates);
}

Test(snn_rtl, active_dendrites_state_every_step, .timeout = 240)
{
    /* predictive windows and dendritic synapses, u/v/ref and PRED of every neuron every step,
     * on 2 lanes (snn_l2) and on 1 lane with DMAX 64 (snn_l1) */
    rand_case_t c = {.seed = nc_test_seed(1007), .g = three_layers(), .steps = 400, .rate = 0.08,
                     .check_state = true, .dendrites = true};
    nc_test_run_case("snn_rtl_dendrites_l2", c.seed, run_random, &c);
    c.model = "snn_l1", c.g.dmax = 64, c.g.layer[0] = 96, c.g.layer[1] = 96;
    nc_test_run_case("snn_rtl_dendrites_l1", c.seed, run_random, &c);
}

Test(snn_rtl, memory_traces_state_every_step, .timeout = 240)
{
    /* K = 4 memory traces on half the neurons (decays and weights over their whole ranges),
     * u/v/ref and every trace TM_k of every neuron compared every step, with the counters;
     * on 2 lanes (snn_l2), 1 lane with DMAX 64 (snn_l1) and 4 lanes (snn_l4) */
    rand_case_t c = {.seed = nc_test_seed(1008), .g = three_layers(), .steps = 300, .rate = 0.08,
                     .check_state = true, .traces = true};
    nc_test_run_case("snn_rtl_traces_l2", c.seed, run_random, &c);
    c.model = "snn_l4";
    nc_test_run_case("snn_rtl_traces_l4", c.seed, run_random, &c);
    c.model = "snn_l1", c.g.dmax = 64, c.g.layer[0] = 96, c.g.layer[1] = 96;
    nc_test_run_case("snn_rtl_traces_l1", c.seed, run_random, &c);
}

/* ---- AER step fields are 16 bits: runs past step 65536 ---- */

static int wrap_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    enum { STEPS = 70000, EVERY = 997 };
    snn_event_t in[STEPS / EVERY + 1];
    size_t n = 0;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc == NC_OK)
        rc = snn_net_init(&net, 2, 1);
    if (rc == NC_OK) {
        /* neuron 0 fires on each input; neuron 1 fires 31 steps later through a delay */
        net.neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 10, .astro = -1, .out = true};
        net.neuron[1] = net.neuron[0];
        rc = snn_net_add_syn(&net, 0, 0, 100, 0);
        if (rc == NC_OK)
            rc = snn_net_add_syn(&net, 1, 1, 100, 30);
    }
    if (rc == NC_OK)
        rc = snn_dev_load(&r.dev, &net);
    for (uint32_t t = 5; t < STEPS; t += EVERY)
        in[n++] = (snn_event_t){t, 0};
    snn_cosim_opts_t o = {0};
    if (rc == NC_OK)
        rc = snn_cosim_run(&r.dev, &net, in, n, STEPS, &o, &res);
    if (rc)
        snprintf(msg, len, "%s", nc_err_msg());
    else if (res.spike_mismatches || res.n_out != 2 * n || res.out[res.n_out - 1].step <= 65536) {
        snprintf(msg, len, "%llu mismatches (%s); %zu output events for %zu inputs, last at step %u",
                 (unsigned long long)res.spike_mismatches, res.first_mismatch, res.n_out, n,
                 res.n_out ? res.out[res.n_out - 1].step : 0);
        rc = NC_ERR_MISMATCH;
    }
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, aer_steps_past_2_to_16, .timeout = 120)
{
    nc_test_run_case("snn_rtl_step_wrap", 0, wrap_case, NULL);
}

/* ---- the edges of the arithmetic ---- */

static int run_edges(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    int rc = rtl_open(&r, wave, msg, len);
    /* neuron 0: huge excitatory input -> a_in clamps at +32767, u wraps past +2^23;
     * neuron 1: huge inhibitory input -> clamps at -32768, u wraps past -2^23;
     * neuron 2: bias +4095<<7 with vth max -> v clips at +(2^23-1);
     * neuron 3: bias -4096<<7 -> v clips at -(2^23-1);
     * neuron 4: spikes often with refractory 15; 5: delay 0 and 6: delay DMAX-1 from axon 1;
     * neuron 7: recurrent from neuron 4 with delay DMAX-1;
     * neuron 8: v reaches exactly vth << 6 at step 0 (no spike: the test is v > threshold),
     *           then one more LSB at step 1 (spike). */
    if (rc == NC_OK)
        rc = snn_net_init(&net, 9, 4);
    if (rc == NC_OK) {
        snn_neuron_params_t *p = net.neuron;
        net.wexp = 7;
        for (int i = 0; i < 9; i++)
            p[i] = (snn_neuron_params_t){.du = 0, .dv = 0, .vth = SNN_VTH_MAX, .astro = -1, .out = true};
        p[2].bias_mant = 4095, p[2].bias_exp = 7;
        p[3].bias_mant = -4096, p[3].bias_exp = 7;
        p[4].vth = 100, p[4].refr = 15, p[4].bias_mant = 4000, p[4].bias_exp = 3;
        p[5].vth = 10, p[6].vth = 10, p[7].vth = 10, p[5].dv = p[6].dv = p[7].dv = 4095;
        p[5].du = p[6].du = p[7].du = 4095;
        p[8].vth = 100, p[8].bias_mant = 3200, p[8].bias_exp = 1, p[8].dv = 4095, p[8].refr = 15;
        for (int k = 0; k < 3 && rc == NC_OK; k++) {
            rc = snn_net_add_syn(&net, 0, 0, 127, 0);
            if (rc == NC_OK)
                rc = snn_net_add_syn(&net, 0, 1, -128, 0);
        }
        if (rc == NC_OK)
            rc = snn_net_add_syn(&net, 1, 5, 50, 0);
        if (rc == NC_OK)
            rc = snn_net_add_syn(&net, 1, 6, 50, 31);
        if (rc == NC_OK)
            rc = snn_net_add_syn(&net, 4 + 4, 7, 50, 31);
        if (rc)
            snprintf(msg, len, "build: %s", nc_err_msg());
    }
    if (rc == NC_OK && (rc = snn_dev_load(&r.dev, &net)))
        snprintf(msg, len, "load: %s", nc_err_msg());
    snn_event_t in[400];
    size_t n_in = 0;
    for (uint32_t t = 0; t < 120; t++) {
        if (t % 3 == 0)
            in[n_in++] = (snn_event_t){t, 0};
        if (t % 40 == 5)
            in[n_in++] = (snn_event_t){t, 1};
    }
    snn_cosim_opts_t o = {.check_state = true};
    if (rc == NC_OK && (rc = snn_cosim_run(&r.dev, &net, in, n_in, 120, &o, &res)))
        snprintf(msg, len, "cosim: %s", nc_err_msg());
    if (rc == NC_OK && (res.spike_mismatches || res.state_mismatches)) {
        snprintf(msg, len, "%llu spike / %llu state mismatches; first: %s", (unsigned long long)res.spike_mismatches,
                 (unsigned long long)res.state_mismatches, res.first_mismatch);
        rc = NC_ERR_MISMATCH;
    }
    const snn_model_stats_t *s = &res.model;
    if (rc == NC_OK && (!s->sat || !s->u_wraps || !s->v_clip_hi || !s->v_clip_lo || !s->refr_steps)) {
        snprintf(msg, len, "an edge was not reached: sat %llu wraps %llu clip+ %llu clip- %llu refractory %llu",
                 (unsigned long long)s->sat, (unsigned long long)s->u_wraps, (unsigned long long)s->v_clip_hi,
                 (unsigned long long)s->v_clip_lo, (unsigned long long)s->refr_steps);
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && res.counters.sat_count != s->sat) {
        snprintf(msg, len, "SAT_COUNT %u, model clamped %llu inputs", res.counters.sat_count,
                 (unsigned long long)s->sat);
        rc = NC_ERR_MISMATCH;
    }
    /* Delays 0 and DMAX-1 from axon 1 at step 5: neuron 5 fires at step 5, neuron 6 at 36. */
    bool d0 = false, dmax = false, eq0 = false, eq1 = false;
    for (size_t i = 0; i < res.n_out; i++) {
        eq0 |= res.out[i].id == 8 && res.out[i].step == 0;
        eq1 |= res.out[i].id == 8 && res.out[i].step == 1;
        d0 |= res.out[i].id == 5 && res.out[i].step == 5;
        dmax |= res.out[i].id == 6 && res.out[i].step == 36;
    }
    if (rc == NC_OK && (!d0 || !dmax)) {
        snprintf(msg, len, "delay 0 spike at step 5: %s; delay 31 spike at step 36: %s", d0 ? "yes" : "no",
                 dmax ? "yes" : "no");
        rc = NC_ERR_MISMATCH;
    }
    if (rc == NC_OK && (eq0 || !eq1)) {
        snprintf(msg, len, "v == threshold at step 0 spiked: %s (expected no); v > threshold at step 1: %s",
                 eq0 ? "yes" : "no", eq1 ? "yes" : "no");
        rc = NC_ERR_MISMATCH;
    }
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, edges_wrap_clip_clamp_delay_refractory, .timeout = 120)
{
    nc_test_run_case("snn_rtl_edges", 0, run_edges, NULL);
}

/* ---- FIFOs: overflow and late events are counted, sticky, cleared by W1C ---- */

/* In the case functions below: a failed condition records the message and ends the case. */
#define CHECK(cond, ...)                                                                         \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            snprintf(msg, len, __VA_ARGS__);                                                     \
            rc = NC_ERR_MISMATCH;                                                                \
            goto done;                                                                           \
        }                                                                                        \
    } while (0)
#define CALL(x) CHECK((x) == NC_OK, "%s: %s", #x, nc_err_msg())

/* n neurons with a large bias: each fires at every step it is not refractory. */
static int one_layer(snn_net_t *net, uint32_t n, uint32_t a, bool out)
{
    int rc = snn_net_init(net, n, a);
    for (uint32_t i = 0; i < n && rc == NC_OK; i++)
        net->neuron[i] = (snn_neuron_params_t){.du = 100, .dv = 100, .bias_mant = 4000, .bias_exp = 7, .vth = 1,
                                               .refr = 1, .astro = -1, .out = out};
    return rc;
}

static int input_overflow_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_counters_t c;
    const uint32_t extra = 37;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(one_layer(&net, 4, 4, false));
    CALL(snn_dev_load(&r.dev, &net));
    for (uint32_t i = 0; i < r.dev.fifo_depth + extra; i++)
        CALL(snn_dev_push(&r.dev, 0, i % 4));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK(c.in_drops == extra, "IN_DROPS %u, expected %u", c.in_drops, extra);
    CHECK(c.err & SNN_ERR_IN_OVF_MASK, "ERR 0x%x lacks IN_OVF", c.err);
    CALL(snn_dev_run(&r.dev, 2));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK(c.err & SNN_ERR_IN_OVF_MASK, "IN_OVF not sticky across a run: ERR 0x%x", c.err);
    CHECK(vmodel_irq(r.vm), "irq low with an error bit set");
    CALL(snn_dev_clear_errors(&r.dev, SNN_ERR_IN_OVF_MASK));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK((c.err & SNN_ERR_IN_OVF_MASK) == 0, "W1C did not clear IN_OVF: 0x%x", c.err);
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, input_fifo_overflow_counted, .timeout = 60)
{
    nc_test_run_case("snn_rtl_input_overflow", 0, input_overflow_case, NULL);
}

/* 64 neurons spike every other step (refractory 1): the model says how many output events
 * K steps make; the FIFO keeps FIFO_DEPTH of them and counts the rest. */
static int output_overflow_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_model_t m = {0};
    snn_counters_t c;
    uint32_t spikes[64], steps = 60;
    size_t ns, expect = 0;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(one_layer(&net, 64, 1, true));
    CALL(snn_model_init(&m, &net, r.dev.dmax));
    for (uint32_t t = 0; t < steps; t++) {
        CALL(snn_model_step(&m, NULL, 0, spikes, &ns));
        expect += ns;
    }
    CHECK(expect > r.dev.fifo_depth, "the case makes only %zu events", expect);
    CALL(snn_dev_load(&r.dev, &net));
    CALL(snn_dev_run(&r.dev, steps));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK(c.out_drops == expect - r.dev.fifo_depth, "OUT_DROPS %u, expected %zu", c.out_drops,
          expect - r.dev.fifo_depth);
    CHECK(c.err & SNN_ERR_OUT_OVF_MASK, "ERR 0x%x lacks OUT_OVF", c.err);
done:
    snn_model_free(&m);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, output_fifo_overflow_counted, .timeout = 60)
{
    nc_test_run_case("snn_rtl_output_overflow", 0, output_overflow_case, NULL);
}

static int late_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_counters_t c;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(one_layer(&net, 4, 4, false));
    CALL(snn_dev_load(&r.dev, &net));
    CALL(snn_dev_run(&r.dev, 5));
    CALL(snn_dev_push(&r.dev, 2, 1)); /* step 2 is past */
    CALL(snn_dev_push(&r.dev, 5, 1)); /* step 5 is now  */
    CALL(snn_dev_run(&r.dev, 1));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK(c.late_drops == 1, "LATE_DROPS %u, expected 1", c.late_drops);
    CHECK(c.err & SNN_ERR_LATE_MASK, "ERR 0x%x lacks LATE", c.err);
    CHECK(c.tstep == 6, "TSTEP %u, expected 6", c.tstep);
    CHECK(c.synops == 0, "SYNOPS %u: the axons have no synapses", c.synops);
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, late_event_dropped_and_counted, .timeout = 60)
{
    nc_test_run_case("snn_rtl_late", 0, late_case, NULL);
}

/* ---- bad input is refused, by the driver and by the core itself ---- */

static int bad_input_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    uint32_t w;
    bus_t *b;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(one_layer(&net, 4, 4, false));
    CALL(snn_net_add_syn(&net, 0, 1, 5, 3));
    CALL(snn_dev_load(&r.dev, &net));

    net.syn[0].delay = (uint8_t)r.dev.dmax; /* delay DMAX */
    CHECK(snn_dev_load(&r.dev, &net) == NC_ERR_ARG && strstr(nc_err_msg(), "delay 32"),
          "delay DMAX: %s", nc_err_msg());
    net.syn[0].delay = 3;
    net.syn[0].target = 4; /* neuron out of range */
    CHECK(snn_dev_load(&r.dev, &net) == NC_ERR_ARG && strstr(nc_err_msg(), "target neuron 4"),
          "target 4 of 4: %s", nc_err_msg());
    net.syn[0].target = 1;
    net.neuron[2].vth = SNN_VTH_MAX + 1;
    CHECK(snn_dev_load(&r.dev, &net) == NC_ERR_ARG && strstr(nc_err_msg(), "neuron 2: vth"),
          "vth 2^17: %s", nc_err_msg());
    net.neuron[2].vth = 1;
    CHECK(snn_dev_push(&r.dev, 0, 4) == NC_ERR_ARG && strstr(nc_err_msg(), "axon 4"), "axon 4 of 4: %s",
          nc_err_msg());

    /* The core refuses what the driver would never send. */
    b = vmodel_bus(r.vm);
    CHECK(bus_write32(b, SNN_IN_FIFO, r.dev.amax) == NC_ERR_BUS, "axon AMAX accepted by the core");
    CHECK(bus_write32(b, SNN_WIN_SYN_BASE, 1u << 31 | 32u << 24 | 0) == NC_ERR_BUS, "delay 32 accepted");
    CHECK(bus_write32(b, SNN_WIN_SYN_BASE, 1u << 31 | 1u) == NC_ERR_BUS, "target 1 in lane 0 accepted");
    CHECK(bus_write32(b, SNN_WIN_SYN_BASE + 4, 1u << 31 | 1u) == NC_OK, "target 1 in lane 1 refused");
    CHECK(bus_write32(b, SNN_WIN_PTR_BASE, 0xffffu | 2u << 16) == NC_ERR_BUS, "pointer past SROWS accepted");
    CHECK(bus_write32(b, SNN_WIN_NEURON_BASE + r.dev.nmax * 32u, 0) == NC_ERR_BUS, "neuron NMAX accepted");
    CHECK(bus_write32(b, SNN_WEXP, 8) == NC_ERR_BUS, "WEXP 8 accepted");
    CHECK(bus_read32(b, SNN_OUT_FIFO, &w) == NC_ERR_BUS, "pop of an empty output FIFO accepted");
    rc = NC_OK;
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, bad_input_rejected, .timeout = 60)
{
    nc_test_run_case("snn_rtl_bad_input", 0, bad_input_case, NULL);
}

/* ---- a network file's per-neuron values, as the core holds them after loading ---- */

static int per_neuron_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    char path[64];
    snprintf(path, sizeof path, "/tmp/snn_rtl_pn_%d.net", (int)getpid());
    FILE *f = fopen(path, "w");
    int rc = f ? NC_OK : NC_ERR_IO;
    if (rc) {
        snprintf(msg, len, "cannot write %s", path);
        return rc;
    }
    /* distinct values per neuron, then one line that sets vth of all four */
    fputs("snn 4 1\n"
          "neuron 0 1 du 4095 dv 4095 bias 10 0 vth 50000 refr 0 astro -1 out 1\n"
          "neuron 1 1 du 0 dv 2048 bias 20 1 vth 50000 refr 3 astro 2 out 0\n"
          "neuron 2 1 du 2047 dv 0 bias -5 2 vth 50000 refr 1 astro -1 out 1\n"
          "neuron 3 1 du 100 dv 4095 bias 1000 3 vth 50000 refr 2 astro -1 out 1\n"
          "neuron 0 4 vth 100\n",
          f);
    fclose(f);
    rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(snn_net_read(path, &net));
    CALL(snn_dev_load(&r.dev, &net));
    /* By hand from SPEC.md: P0 = du | dv<<12 | refr<<24 | astro<<28 | astro_en<<30 | out_en<<31,
     * P1 = bias_mant[12:0] | bias_exp<<13, VTH = 100 for all. */
    const uint32_t want[4][3] = {
        {0x80ffffffu, 0x000au, 100},  /* du 0xfff, dv 0xfff, out                          */
        {0x63800000u, 0x2014u, 100},  /* dv 0x800, refr 3, astro 2 enabled; 20 | 1<<13    */
        {0x810007ffu, 0x5ffbu, 100},  /* du 0x7ff, refr 1, out; -5 = 0x1ffb | 2<<13       */
        {0x82fff064u, 0x63e8u, 100},  /* du 0x64, dv 0xfff, refr 2, out; 0x3e8 | 3<<13    */
    };
    for (uint32_t n = 0; n < 4; n++)
        for (uint32_t w = 0; w < 3; w++) {
            uint32_t got;
            CALL(bus_read32(vmodel_bus(r.vm), SNN_WIN_NEURON_BASE + (n * SNN_NEURON_WORDS + w) * 4u, &got));
            CHECK(got == want[n][w], "neuron %u word %u reads 0x%08x, expected 0x%08x", n, w, got, want[n][w]);
        }
done:
    unlink(path);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, network_file_values_per_neuron_in_core, .timeout = 60)
{
    nc_test_run_case("snn_rtl_per_neuron", 0, per_neuron_case, NULL);
}

/* ---- probes: u, v and spike of four chosen neurons equal the model's after every step ---- */

static int probes_case(void *arg, const char *wave, char *msg, size_t len)
{
    uint64_t seed = *(uint64_t *)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_model_t m = {0};
    snn_event_t *in = NULL, ev[64];
    size_t n_in = 0;
    nc_rng_t rng;
    nc_rng_seed(&rng, seed);
    snn_gen_opts_t g = {.n_axons = 32, .layer = {64, 40}, .n_layers = 2, .p_ff = 0.2, .p_rec = 0.05, .w_lo = -60,
                        .w_hi = 100, .dmax = 32, .wexp = 3, .wild = true, .vth_lo = 2000, .vth_hi = 20000};
    const uint32_t probe[4] = {0, 7, 64, 103}; /* both lanes, both layers, the last neuron */
    const uint32_t steps = 300;
    uint32_t axons[32], spikes[104];
    uint64_t probe_spikes = 0;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    /* reset values: probe k watches neuron k; a neuron the core lacks is refused */
    for (uint32_t k = 0; k < 4; k++) {
        uint32_t sel;
        CALL(bus_read32(vmodel_bus(r.vm), SNN_PROBE0 + 4 * k, &sel));
        CHECK(sel == k, "PROBE%u resets to %u, expected %u", k, sel, k);
    }
    CHECK(bus_write32(vmodel_bus(r.vm), SNN_PROBE0, r.dev.nmax) == NC_ERR_BUS, "PROBE0 = NMAX accepted");
    CALL(snn_gen_layered(&net, &g, &rng));
    CALL(snn_gen_poisson(g.n_axons, steps, 0.1, &rng, &in, &n_in));
    CALL(snn_dev_load(&r.dev, &net));
    for (unsigned k = 0; k < 4; k++)
        CALL(snn_dev_set_probe(&r.dev, k, probe[k]));
    CALL(snn_model_init(&m, &net, r.dev.dmax));
    size_t i = 0;
    for (uint32_t t = 0; t < steps; t++) {
        size_t na = 0, ns, nout;
        for (; i < n_in && in[i].step == t; i++) {
            axons[na++] = in[i].id;
            CALL(snn_dev_push(&r.dev, t, in[i].id));
        }
        CALL(snn_model_step(&m, axons, na, spikes, &ns));
        CALL(snn_dev_run(&r.dev, 1));
        CALL(snn_dev_drain(&r.dev, t, ev, NC_ARRAY_LEN(ev), &nout));
        for (unsigned k = 0; k < 4; k++) {
            int32_t u, v;
            int spk, want_spk = 0;
            for (size_t s = 0; s < ns; s++)
                want_spk |= spikes[s] == probe[k];
            probe_spikes += (uint64_t)want_spk;
            CALL(snn_dev_probe(&r.dev, k, &u, &v, &spk));
            CHECK(u == m.u[probe[k]] && v == m.v[probe[k]] && spk == want_spk,
                  "step %u probe %u (neuron %u): u %d v %d spike %d; model u %d v %d spike %d", t, k, probe[k], u, v,
                  spk, m.u[probe[k]], m.v[probe[k]], want_spk);
        }
    }
    CHECK(probe_spikes >= 4, "the probed neurons spiked %llu times: expected some activity",
          (unsigned long long)probe_spikes);
    /* CLEAR zeroes the probed state with every neuron's */
    CALL(snn_dev_clear(&r.dev));
    for (unsigned k = 0; k < 4; k++) {
        int32_t u, v;
        int spk;
        CALL(snn_dev_probe(&r.dev, k, &u, &v, &spk));
        CHECK(u == 0 && v == 0 && spk == 0, "probe %u after CLEAR: u %d v %d spike %d", k, u, v, spk);
    }
done:
    snn_model_free(&m);
    free(in);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, probes_equal_model_every_step, .timeout = 120)
{
    uint64_t seed = nc_test_seed(1101);
    nc_test_run_case("snn_rtl_probes", seed, probes_case, &seed);
}

/* ---- counters: RUN_CYCLES, SYNOPS, SLOTS per step against counts made by hand ---- */

/* Axon 0 -> neurons 0 and 1 (delay 0); neuron 0 -> neuron 2 (delay 0, arrives next step);
 * neurons fire on any input (full decay, vth 10, weight 100 gives v = 6400 > 640). One input
 * event at step 0: step 0 spikes 0 and 1, step 1 spikes 2, step 2 nothing. */
static int counters_case(void *arg, const char *wave, char *msg, size_t len)
{
    const char *model = arg;
    rtl_t r = {.model = model};
    snn_net_t net = {0};
    snn_counters_t c0, c;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(snn_net_init(&net, 4, 2));
    for (int i = 0; i < 4; i++)
        net.neuron[i] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 10, .astro = -1, .out = true};
    CALL(snn_net_add_syn(&net, 0, 0, 100, 0));
    CALL(snn_net_add_syn(&net, 0, 1, 100, 0));
    CALL(snn_net_add_syn(&net, 2 + 0, 2, 100, 0));
    CALL(snn_dev_load(&r.dev, &net));
    /* SPEC.md: cycles = 1 + sum_events(1 + rows) + 1 + ceil(NACTIVE/L) + (L + 1) + sum_spikes(1 + rows) + 1.
     * 1 lane: axon 0 has 2 rows, neuron 0 one row, neuron 1 none:
     *   step 0: 1 + 3 + 1 + 4 + 2 + (2 + 1) + 1 = 15;  step 1: 1 + 1 + 4 + 2 + 1 + 1 = 10;  step 2: 9.
     * 2 lanes: axon 0 has 1 row (targets 0 and 1 in lanes 0 and 1), neuron 0 one row:
     *   step 0: 1 + 2 + 1 + 2 + 3 + (2 + 1) + 1 = 13;  step 1: 1 + 1 + 2 + 3 + 1 + 1 = 9;  step 2: 8.
     * SYNOPS (all in step 0: the spike of neuron 0 walks its row in phase C of step 0): 2 + 1,
     * 0, 0. SLOTS (rows x lanes): 1 lane 2 + 1, 0, 0; 2 lanes 2 + 2, 0, 0. */
    bool one = r.dev.lanes == 1;
    CHECK(r.dev.lanes == 1 || r.dev.lanes == 2, "%s has %u lanes: this case counts for 1 or 2", model, r.dev.lanes);
    const uint32_t cyc[3] = {one ? 15 : 13, one ? 10 : 9, one ? 9 : 8}, syn[3] = {3, 0, 0},
                   slots[3] = {one ? 3 : 4, 0, 0};
    CALL(snn_dev_push(&r.dev, 0, 0));
    CALL(snn_dev_counters(&r.dev, &c0));
    CHECK(c0.run_cycles == 0 && c0.synops == 0 && c0.slots == 0 && c0.tstep == 0,
          "after CLEAR: RUN_CYCLES %u SYNOPS %u SLOTS %u TSTEP %u, expected 0", c0.run_cycles, c0.synops, c0.slots,
          c0.tstep);
    for (uint32_t t = 0; t < 3; t++) {
        CALL(snn_dev_run(&r.dev, 1));
        CALL(snn_dev_counters(&r.dev, &c));
        CHECK(c.run_cycles - c0.run_cycles == cyc[t], "%s step %u: RUN_CYCLES rose by %u, expected %u", model, t,
              c.run_cycles - c0.run_cycles, cyc[t]);
        CHECK(c.synops - c0.synops == syn[t], "%s step %u: SYNOPS rose by %u, expected %u", model, t,
              c.synops - c0.synops, syn[t]);
        CHECK(c.slots - c0.slots == slots[t], "%s step %u: SLOTS rose by %u, expected %u", model, t,
              c.slots - c0.slots, slots[t]);
        CHECK(c.tstep == t + 1, "%s: TSTEP %u after step %u", model, c.tstep, t);
        c0 = c;
    }
    /* A RUN of 3 more steps at once counts the same as three runs of one: 3 x 9 (or 8). */
    CALL(snn_dev_run(&r.dev, 3));
    CALL(snn_dev_counters(&r.dev, &c));
    CHECK(c.run_cycles - c0.run_cycles == 3 * cyc[2], "%s: 3 idle steps took %u cycles, expected %u", model,
          c.run_cycles - c0.run_cycles, 3 * cyc[2]);
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, counters_equal_hand_count_per_step, .timeout = 60)
{
    nc_test_run_case("snn_rtl_counters_l1", 0, counters_case, "snn_l1");
    nc_test_run_case("snn_rtl_counters_l2", 0, counters_case, "snn_l2");
}

/* ---- host writes of u and v: read back as written, and a run from that state ---- */

static int host_state_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {0};
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    int32_t *u0 = NULL, *v0 = NULL;
    nc_rng_t rng;
    nc_rng_seed(&rng, nc_test_seed(1004));
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    /* Read-back of values written by hand: the U and V words of neighbouring neurons, each a
     * different value, sign-extended from 24 bits. */
    CALL(snn_dev_write_state(&r.dev, 5, -5, 0x7fffff));
    CALL(snn_dev_write_state(&r.dev, 6, 123456, -0x800000));
    int32_t u[3], v[3];
    uint8_t ref[3];
    CALL(snn_dev_read_state(&r.dev, 5, 3, u, v, ref));
    CHECK(u[0] == -5 && v[0] == 0x7fffff && u[1] == 123456 && v[1] == -0x800000 && u[2] == 0 && v[2] == 0,
          "read back u/v: n5 %d/%d (wrote -5/8388607), n6 %d/%d (wrote 123456/-8388608), n7 %d/%d (wrote none)",
          u[0], v[0], u[1], v[1], u[2], v[2]);
    /* A random network run from a random host-written state (both signs, up to +-2^22). */
    snn_gen_opts_t g = three_layers();
    CALL(snn_gen_layered(&net, &g, &rng));
    CALL(snn_dev_load(&r.dev, &net));
    u0 = malloc(net.n_neurons * sizeof *u0);
    v0 = malloc(net.n_neurons * sizeof *v0);
    CHECK(u0 && v0, "no memory");
    for (uint32_t i = 0; i < net.n_neurons; i++) {
        u0[i] = (int32_t)(nc_rng_u64(&rng) % (1u << 23)) - (1 << 22);
        v0[i] = (int32_t)(nc_rng_u64(&rng) % (1u << 23)) - (1 << 22);
    }
    snn_event_t *in = NULL;
    size_t n_in = 0;
    CALL(snn_gen_poisson(g.n_axons, 60, 0.05, &rng, &in, &n_in));
    snn_cosim_opts_t o = {.check_state = true, .init_u = u0, .init_v = v0};
    rc = snn_cosim_run(&r.dev, &net, in, n_in, 60, &o, &res);
    free(in);
    CHECK(rc == NC_OK, "cosim: %s", nc_err_msg());
    CHECK(!res.spike_mismatches && !res.state_mismatches && !res.counter_mismatches,
          "%llu spike, %llu state, %llu counter mismatches; first: %s", (unsigned long long)res.spike_mismatches,
          (unsigned long long)res.state_mismatches, (unsigned long long)res.counter_mismatches, res.first_mismatch);
    CHECK(res.states_compared == res.updates + net.n_neurons, "compared %llu states: expected %llu",
          (unsigned long long)res.states_compared, (unsigned long long)(res.updates + net.n_neurons));
    /* The start state matters: neurons started above threshold fire at step 0. */
    size_t at0 = 0;
    for (size_t i = 0; i < res.n_out && res.out[i].step == 0; i++)
        at0++;
    CHECK(at0 > 0, "no spike at step 0 from a start state with v up to 2^22");
done:
    snn_cosim_result_free(&res);
    free(u0);
    free(v0);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, run_from_host_written_state, .timeout = 120)
{
    nc_test_run_case("snn_rtl_host_state", 0, host_state_case, NULL);
}

/* ---- lanes: the cost bounds of the issue hold on every build (cycles are exact counts) ---- */

/* 256 axons fully connected to 256 neurons (65536 synapses), small weights, rare spikes. */
static int dense_net(snn_net_t *net, nc_rng_t *rng)
{
    int rc = snn_net_init(net, 256, 256);
    for (uint32_t i = 0; i < 256 && rc == NC_OK; i++)
        net->neuron[i] = (snn_neuron_params_t){.du = 512, .dv = 512, .vth = 60000, .refr = 2, .astro = -1, .out = true};
    for (uint32_t a = 0; a < 256 && rc == NC_OK; a++)
        for (uint32_t i = 0; i < 256 && rc == NC_OK; i++)
            rc = snn_net_add_syn(net, a, i, (int)nc_rng_range(rng, -20, 40), (unsigned)nc_rng_below(rng, 32));
    return rc;
}

static int lane_bounds_case(void *arg, const char *wave, char *msg, size_t len)
{
    const char *model = arg;
    rtl_t r = {.model = model};
    snn_net_t net = {0};
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    nc_rng_t rng;
    nc_rng_seed(&rng, 42);
    double cps[2] = {0};
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(dense_net(&net, &rng));
    static const double rate[2] = {1.0, 0.01};
    static const uint32_t steps[2] = {8, 400};
    for (int k = 0; k < 2; k++) {
        CALL(snn_dev_load(&r.dev, &net));
        free(in);
        in = NULL;
        CALL(snn_gen_poisson(256, steps[k], rate[k], &rng, &in, &n_in));
        snn_cosim_opts_t o = {0};
        snn_cosim_result_free(&res);
        CALL(snn_cosim_run(&r.dev, &net, in, n_in, steps[k], &o, &res));
        CHECK(!res.spike_mismatches && !res.counter_mismatches, "%s: %llu spike, %llu counter mismatches: %s", model,
              (unsigned long long)res.spike_mismatches, (unsigned long long)res.counter_mismatches,
              res.first_mismatch);
        cps[k] = (double)res.run_cycles / steps[k];
        if (k == 0) {
            double per_lane = (double)res.synops / ((double)res.run_cycles * r.dev.lanes);
            CHECK(res.synops == (uint64_t)n_in * 256, "%s: SYNOPS %llu for %zu events of 256 synapses", model,
                  (unsigned long long)res.synops, n_in);
            CHECK(per_lane >= 0.95, "%s: %.3f synaptic ops per cycle per lane at 100%% activity: expected >= 0.95",
                  model, per_lane);
        }
    }
    CHECK(cps[0] / cps[1] > 20, "%s: 100%% activity %.1f cycles/step, 1%% %.1f: ratio %.1f, expected > 20", model,
          cps[0], cps[1], cps[0] / cps[1]);
done:
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, lane_cost_bounds_every_build, .timeout = 120)
{
    const char *models[] = {"snn_l1", "snn_l2", "snn_l4", "snn_l8"};
    for (size_t i = 0; i < NC_ARRAY_LEN(models); i++)
        nc_test_run_case(models[i], 0, lane_bounds_case, (void *)models[i]);
}

/* ---- active dendrites: a context-gated neuron (SPEC.md, "Active dendrites") ---- */

/* Axon 0 is the feed-forward input, axon 1 the context. Neuron 1 is the context segment: it
 * sums its own synapse (axon 1, weight 100) against its own threshold (vth 10) and reaches
 * the soma, neuron 0, through a dendritic synapse (delay 0: the event lands one step later).
 * The soma alone does not fire on the feed-forward input (v = 100 x 64 = 6400 <= 150 x 64 =
 * 9600); predictive (pred 10 steps, drop 60: threshold 90 x 64 = 5760) it does. Trials: the
 * context k steps before the input, k = 0..14, and a trial without context. By the rules: the
 * context spike at step c is seen at c + 1 and keeps the soma predictive for steps c + 1 ..
 * c + 10, so the soma fires exactly for k = 1..10. */
static int context_case(void *arg, const char *wave, char *msg, size_t len)
{
    const char *model = arg;
    rtl_t r = {.model = model};
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    enum { PERIOD = 40, TRIALS = 16 };
    snn_event_t in[2 * TRIALS];
    size_t n = 0;
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(snn_net_init(&net, 2, 2));
    net.neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 150, .astro = -1, .out = true,
                                          .pred_steps = 10, .pred_drop = 60};
    net.neuron[1] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 10, .astro = -1, .out = false};
    CALL(snn_net_add_syn(&net, 0, 0, 100, 0));
    CALL(snn_net_add_syn(&net, 1, 1, 100, 0));
    CALL(snn_net_add_dsyn(&net, 2 + 1, 0, 0));
    for (uint32_t k = 0; k < TRIALS; k++) {
        uint32_t t = PERIOD * (k + 1);
        if (k < 15)
            in[n++] = (snn_event_t){t - k, 1}; /* context k steps before (k = 0: same step) */
        in[n++] = (snn_event_t){t, 0};
    }
    snn_events_sort(in, n);
    CALL(snn_dev_load(&r.dev, &net));
    snn_cosim_opts_t o = {.check_state = true};
    CALL(snn_cosim_run(&r.dev, &net, in, n, PERIOD * (TRIALS + 1), &o, &res));
    CHECK(!res.spike_mismatches && !res.state_mismatches && !res.counter_mismatches, "%s: mismatches: %s", model,
          res.first_mismatch);
    bool fired[TRIALS] = {0};
    for (size_t i = 0; i < res.n_out; i++) {
        CHECK(res.out[i].id == 0 && res.out[i].step % PERIOD == 0, "%s: soma spike at step %u (neuron %u): only at "
              "the feed-forward inputs", model, res.out[i].step, res.out[i].id);
        fired[res.out[i].step / PERIOD - 1] = true;
    }
    for (uint32_t k = 0; k < TRIALS; k++)
        CHECK(fired[k] == (k >= 1 && k <= 10), "%s: context %u steps before the input: soma %s (expected %s)", model,
              k, fired[k] ? "fired" : "silent", k >= 1 && k <= 10 ? "fire" : "silent");
done:
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, active_dendrites_context_gated_neuron, .timeout = 60)
{
    nc_test_run_case("snn_rtl_context_l2", 0, context_case, "snn_l2");
    nc_test_run_case("snn_rtl_context_l1", 0, context_case, "snn_l1");
}

/* ---- multi-timescale memory neurons (SPEC.md) ---- */

/* The hand-worked example of test_snn_model.c (memory_traces_by_hand) on the core: neuron 0
 * with traces (decay, weight) = (1000, 3), (0, -32), (0, 0), (4095, 127), input a = 10 at step
 * 0 and -10 at step 2; the trace words TM_k and v read over the bus after each step equal
 * the values worked out on paper there. */
static int traces_by_hand_case(void *arg, const char *wave, char *msg, size_t len)
{
    const char *model = arg;
    rtl_t r = {.model = model};
    snn_net_t net = {0};
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CHECK(r.dev.traces == 4, "%s: TRACES reads %u, expected 4", model, r.dev.traces);
    CALL(snn_net_init(&net, 1, 2));
    net.neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 4095, .vth = 100000, .astro = -1};
    const uint16_t dk[4] = {1000, 0, 0, 4095};
    const int8_t ck[4] = {3, -32, 0, 127};
    for (int k = 0; k < 4; k++)
        net.neuron[0].tr_decay[k] = dk[k], net.neuron[0].tr_weight[k] = ck[k];
    CALL(snn_net_add_syn(&net, 0, 0, 10, 0));
    CALL(snn_net_add_syn(&net, 1, 0, -10, 0));
    CALL(snn_dev_load(&r.dev, &net));
    /* the parameter words read back as packed: decay | weight << 12 (weight 8 bits) */
    bus_t *b = vmodel_bus(r.vm);
    uint32_t w;
    CALL(bus_read32(b, SNN_WIN_TRACE_BASE + 4u * SNN_TW_TP, &w));
    CHECK(w == (1000u | 3u << 12), "TP0 reads 0x%x", w);
    CALL(bus_read32(b, SNN_WIN_TRACE_BASE + 4u * (SNN_TW_TP + 1), &w));
    CHECK(w == (0u | 0xe0u << 12), "TP1 reads 0x%x", w);
    const int32_t want[4][4] = {{640, 640, 640, 640}, {483, 640, 640, 0}, {-275, 0, 0, -640}, {-207, 0, 0, 0}};
    const int32_t want_v[4] = {1620, -298, -1923, -10};
    for (uint32_t t = 0; t < 4; t++) {
        if (t == 0 || t == 2)
            CALL(snn_dev_push(&r.dev, t, t == 0 ? 0 : 1));
        CALL(snn_dev_run(&r.dev, 1));
        int32_t m[SNN_TRACES_MAX], u, v;
        CALL(snn_dev_read_traces(&r.dev, 0, 1, m));
        CALL(snn_dev_read_state(&r.dev, 0, 1, &u, &v, NULL));
        for (int k = 0; k < 4; k++)
            CHECK(m[k] == want[t][k], "%s step %u: trace %d reads %d, expected %d", model, t, k, m[k], want[t][k]);
        CHECK(v == want_v[t], "%s step %u: v %d, expected %d", model, t, v, want_v[t]);
    }
    /* the state words are read-only, and CLEAR zeroes them */
    CHECK(bus_write32(b, SNN_WIN_TRACE_BASE + 4u * SNN_TW_TM, 5) == NC_ERR_BUS, "a write of TM0 accepted");
    CALL(snn_dev_clear(&r.dev));
    CALL(bus_read32(b, SNN_WIN_TRACE_BASE + 4u * SNN_TW_TM, &w));
    CHECK(w == 0, "TM0 reads %d after CLEAR", (int32_t)w);
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, memory_traces_by_hand, .timeout = 60)
{
    nc_test_run_case("snn_rtl_traces_hand_l2", 0, traces_by_hand_case, "snn_l2");
    nc_test_run_case("snn_rtl_traces_hand_l1", 0, traces_by_hand_case, "snn_l1");
}

/* A build without traces (snn_l8: K = 0): TRACES reads 0, the trace words answer bus_err,
 * and the driver refuses a network with a trace, naming the neuron and the build's K; the
 * same network without it loads. */
static int no_traces_case(void *arg, const char *wave, char *msg, size_t len)
{
    (void)arg;
    rtl_t r = {.model = "snn_l8"};
    snn_net_t net = {0};
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CHECK(r.dev.traces == 0, "snn_l8: TRACES reads %u, expected 0", r.dev.traces);
    bus_t *b = vmodel_bus(r.vm);
    uint32_t w;
    CHECK(bus_write32(b, SNN_WIN_TRACE_BASE, 1) == NC_ERR_BUS, "TP0 written on a build without traces");
    CHECK(bus_read32(b, SNN_WIN_TRACE_BASE + 4u * SNN_TW_TM, &w) == NC_ERR_BUS, "TM0 read on a build without traces");
    CALL(snn_net_init(&net, 3, 1));
    net.neuron[2].tr_weight[1] = -5;
    CHECK(snn_dev_load(&r.dev, &net) == NC_ERR_ARG && strstr(nc_err_msg(), "neuron 2: trace 1") &&
              strstr(nc_err_msg(), "0 traces"),
          "a trace on a build without: %s", nc_err_msg());
    net.neuron[2].tr_weight[1] = 0;
    CALL(snn_dev_load(&r.dev, &net));
done:
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, memory_traces_refused_without_them, .timeout = 60)
{
    nc_test_run_case("snn_rtl_no_traces_l8", 0, no_traces_case, NULL);
}

/* The long-memory task (snn_demo.c): the memory neuron on the core, u/v/ref and both traces
 * compared with the model every step; by the task's definition it must fire in every trial
 * with A then B 50..200 steps apart and in no other (A alone, B alone, B then A, A then B
 * 0..10 or 300..400 apart). */
static int memory_task_case(void *arg, const char *wave, char *msg, size_t len)
{
    const char *model = arg;
    enum { TRIALS = 24 };
    rtl_t r = {.model = model};
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    snn_mem_trial_t tr[TRIALS];
    snn_event_t in[TRIALS * 2 * SNN_MEM_VOLLEY_HI];
    nc_rng_t rng;
    nc_rng_seed(&rng, nc_test_seed(1009));
    snn_demo_memory_trials(tr, TRIALS, &rng);
    size_t n = snn_demo_memory_input(in, tr, TRIALS);
    int rc = rtl_open(&r, wave, msg, len);
    if (rc)
        goto done;
    CALL(snn_demo_memory(&net));
    CALL(snn_dev_load(&r.dev, &net));
    snn_cosim_opts_t o = {.check_state = true};
    CALL(snn_cosim_run(&r.dev, &net, in, n, TRIALS * SNN_MEM_PERIOD, &o, &res));
    CHECK(!res.spike_mismatches && !res.state_mismatches && !res.counter_mismatches, "%s: mismatches: %s", model,
          res.first_mismatch);
    CHECK(res.model.tr_updates == res.updates, "%s: %llu updates with traces of %llu", model,
          (unsigned long long)res.model.tr_updates, (unsigned long long)res.updates);
    unsigned wrong[SNN_MEM_KINDS], ok = snn_demo_memory_score(res.out, res.n_out, tr, TRIALS, wrong);
    for (int k = 0; k < SNN_MEM_KINDS; k++)
        CHECK(wrong[k] == 0, "%s: %u wrong trials of kind '%s' (%u/%d right)", model, wrong[k], snn_mem_kind_name[k],
              ok, TRIALS);
done:
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    rtl_close(&r);
    return rc;
}

Test(snn_rtl, memory_neuron_long_memory_task, .timeout = 120)
{
    nc_test_run_case("snn_rtl_memory_task_l2", 0, memory_task_case, "snn_l2");
    nc_test_run_case("snn_rtl_memory_task_l1", 0, memory_task_case, "snn_l1");
}
