/*
 * bench_snn.c - figures of the SNN core (Verilated snn_l1, l2, l4, l8: 1, 2, 4, 8 lanes), each as a
 * ratio against a bound or a baseline measured in the same run. Every run is also compared
 * spike for spike and counter for counter with the bit-exact model; a mismatch, an error or
 * a missed bound exits non-zero.
 *   1. the lane-scaling table: cycles per time step against input activity (0.1%, 1%, 10%,
 *      100% of 256 axons spiking per step) for 256 axons fully connected to N = 256 neurons
 *      (65536 synapses) on each build; 1% vs 100% (bound > 20x);
 *   2. synaptic operations per cycle per lane at 100% activity (bound >= 0.95);
 *   2b. the cost of active dendrites and of memory traces in cycles per step (a run with the
 *      option against the same run without it), and the long-memory task: the memory neuron
 *      against the best LIF neuron with the same synapses;
 *   3. simulated time steps per second of the co-simulation of a 3-layer 256-256-256 network
 *      (256 axons), against the bit-exact model alone in the same run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "nc_error.h"
#include "nc_util.h"
#include "snn_cosim.h"
#include "snn_demo.h"
#include "snn_gen.h"
#include "vmodel.h"

typedef struct meas {
    double cycles_per_step, synops_per_cycle_lane, slot_use, wall_s;
    uint64_t synops, out;
} meas_t;

static int measure(const char *model, const snn_net_t *net, double rate, uint32_t steps, uint64_t seed, meas_t *m)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, seed);
    snn_event_t *in = NULL;
    size_t n_in = 0;
    vmodel_t *vm = vmodel_open_name(model);
    if (!vm)
        return NC_ERR_SIM;
    snn_dev_t d;
    snn_cosim_result_t res = {0};
    snn_cosim_opts_t o = {0};
    int rc = snn_dev_open(vmodel_bus(vm), &d);
    if (rc == NC_OK)
        rc = snn_dev_load(&d, net);
    if (rc == NC_OK)
        rc = snn_gen_poisson(net->n_axons, steps, rate, &rng, &in, &n_in);
    double t0 = nc_now_s();
    if (rc == NC_OK)
        rc = snn_cosim_run(&d, net, in, n_in, steps, &o, &res);
    m->wall_s = nc_now_s() - t0;
    if (rc == NC_OK &&
        (res.spike_mismatches || res.counter_mismatches || res.counters.in_drops || res.counters.out_drops))
        rc = nc_err_set(NC_ERR_MISMATCH, "%s: %llu spike, %llu counter mismatches (%s), %u/%u drops", model,
                        (unsigned long long)res.spike_mismatches, (unsigned long long)res.counter_mismatches,
                        res.first_mismatch, res.counters.in_drops, res.counters.out_drops);
    m->cycles_per_step = (double)res.run_cycles / steps;
    m->synops_per_cycle_lane = res.run_cycles ? (double)res.synops / ((double)res.run_cycles * d.lanes) : 0;
    m->slot_use = res.slots ? (double)res.synops / (double)res.slots : 0;
    m->synops = res.synops;
    m->out = res.n_out;
    snn_cosim_result_free(&res);
    free(in);
    vmodel_close(vm);
    return rc;
}

/* 256 axons -> 256 neurons, every pair connected, small weights: the neurons fire rarely so
 * the cycles measure the synaptic work. */
static int dense_layer_p(snn_net_t *net, double p)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, 42);
    int rc = snn_net_init(net, 256, 256);
    for (uint32_t i = 0; i < 256 && rc == NC_OK; i++)
        net->neuron[i] = (snn_neuron_params_t){.du = 512, .dv = 512, .vth = 60000, .refr = 2, .astro = -1, .out = true};
    for (uint32_t a = 0; a < 256 && rc == NC_OK; a++)
        for (uint32_t i = 0; i < 256 && rc == NC_OK; i++)
            if (p >= 1 || nc_rng_uniform(&rng) < p)
                rc = snn_net_add_syn(net, a, i, (int)nc_rng_range(&rng, -20, 40), (unsigned)nc_rng_below(&rng, 32));
    return rc;
}

static int dense_layer(snn_net_t *net) { return dense_layer_p(net, 1.0); }

/* Absent synapses cost nothing: the same layer with 10% of the synapses, at 100% activity. */
static int bench_sparse(double dense_cycles)
{
    snn_net_t net;
    meas_t m;
    int rc = dense_layer_p(&net, 0.1);
    if (rc == NC_OK)
        rc = measure("snn_l2", &net, 1.0, 40, 105, &m);
    if (rc == NC_OK)
        printf("absent synapses: 10%% connectivity (%zu synapses) at 100%% activity takes %.1f cycles/step, "
               "%.2fx fewer than full connectivity (synapse ratio %.2fx)\n",
               net.n_syn, m.cycles_per_step, dense_cycles / m.cycles_per_step, 65536.0 / (double)net.n_syn);
    snn_net_free(&net);
    return rc;
}

/* The lane-scaling table: cycles per step of the dense layer at four activities on each build
 * (snn_l1, l2, l4, l8), synaptic ops per cycle per lane at 100% (bound >= 0.95) and the 1% vs
 * 100% ratio (bound > 20x). Returns the 100% cycles of each build in full[]. */
typedef struct lane_build {
    const char *model;
    unsigned lanes;
} lane_build_t;
static const lane_build_t builds[] = {{"snn_l1", 1}, {"snn_l2", 2}, {"snn_l4", 4}, {"snn_l8", 8}};
enum { NB = sizeof builds / sizeof builds[0] };

static int bench_lanes(double full[NB], int *bad)
{
    snn_net_t net;
    int rc = dense_layer(&net);
    static const double rate[] = {0.001, 0.01, 0.1, 1.0};
    static const uint32_t steps[] = {4000, 1000, 200, 40};
    meas_t m[NB][4];
    for (int b = 0; b < NB && rc == NC_OK; b++)
        for (int k = 0; k < 4 && rc == NC_OK; k++)
            rc = measure(builds[b].model, &net, rate[k], steps[k], 100 + (uint64_t)k, &m[b][k]);
    snn_net_free(&net);
    if (rc)
        return rc;
    printf("lane scaling: cycles per time step, N=256 neurons, A=256 axons fully connected (65536 synapses),\n"
           "Poisson input (every run also compared spike for spike and counter for counter with the model):\n");
    printf("  %-22s", "activity");
    for (int b = 0; b < NB; b++)
        printf(" %9u lane%s", builds[b].lanes, builds[b].lanes > 1 ? "s" : " ");
    printf("\n");
    for (int k = 0; k < 4; k++) {
        printf("  %20.1f%%", 100 * rate[k]);
        for (int b = 0; b < NB; b++)
            printf(" %15.1f", m[b][k].cycles_per_step);
        printf("\n");
    }
    printf("  %-22s", "100% / 1% cycles");
    for (int b = 0; b < NB; b++)
        printf(" %14.1fx", m[b][3].cycles_per_step / m[b][1].cycles_per_step);
    printf("   (bound > 20x)\n  %-22s", "synops/cycle/lane 100%");
    for (int b = 0; b < NB; b++)
        printf(" %15.3f", m[b][3].synops_per_cycle_lane);
    printf("   (bound >= 0.95)\n  %-22s", "speed-up vs 1 lane 100%");
    for (int b = 0; b < NB; b++)
        printf(" %14.2fx", m[0][3].cycles_per_step / m[b][3].cycles_per_step);
    printf("\n");
    for (int b = 0; b < NB; b++) {
        double ratio = m[b][3].cycles_per_step / m[b][1].cycles_per_step;
        full[b] = m[b][3].cycles_per_step;
        if (ratio <= 20 || m[b][3].synops_per_cycle_lane < 0.95) {
            printf("  %s: NOT met (ratio %.1fx, %.3f synops/cycle/lane)\n", builds[b].model, ratio,
                   m[b][3].synops_per_cycle_lane);
            *bad = 1;
        }
    }
    if (!*bad)
        printf("  every build: 1%% activity > 20x fewer cycles than 100%%, >= 0.95 synops/cycle/lane -> met\n");
    return NC_OK;
}

/* Active dendrites: the 10%-connected layer (256 somas) at 10% activity, then the same with
 * 256 segment neurons (2 per soma for 128 somas; 8 axon synapses each, one dendritic synapse
 * to their soma, pred 10 steps): the option's cost in cycles per step, against the same run
 * without it. */
static int bench_dendrites(void)
{
    snn_net_t base, dend;
    meas_t m0, m1;
    int rc = dense_layer_p(&base, 0.1);
    if (rc == NC_OK)
        rc = snn_net_init(&dend, 512, 256);
    if (rc == NC_OK) {
        nc_rng_t rng;
        nc_rng_seed(&rng, 77);
        for (uint32_t i = 0; i < 256; i++) {
            dend.neuron[i] = base.neuron[i];
            dend.neuron[i].pred_steps = 10, dend.neuron[i].pred_drop = 20000;
            dend.neuron[256 + i] = (snn_neuron_params_t){.du = 512, .dv = 512, .vth = 300, .astro = -1};
        }
        for (size_t k = 0; k < base.n_syn && rc == NC_OK; k++)
            rc = snn_net_add_syn(&dend, base.syn[k].src, base.syn[k].target, base.syn[k].weight, base.syn[k].delay);
        for (uint32_t s = 0; s < 256 && rc == NC_OK; s++) {
            for (int j = 0; j < 8 && rc == NC_OK; j++)
                rc = snn_net_add_syn(&dend, nc_rng_below(&rng, 256), 256 + s, 60, 0);
            if (rc == NC_OK)
                rc = snn_net_add_dsyn(&dend, 256 + 256 + s, s / 2, 0);
        }
    }
    if (rc == NC_OK)
        rc = measure("snn_l2", &base, 0.1, 200, 106, &m0);
    if (rc == NC_OK)
        rc = measure("snn_l2", &dend, 0.1, 200, 106, &m1);
    if (rc == NC_OK)
        printf("active dendrites (snn_l2, 10%% activity): %.1f cycles/step with 256 segments (2 per soma for 128 "
               "somas, %zu synapses) against %.1f without (%.2fx): segments are neurons and dendritic synapses are "
               "slots, paid per event and per active neuron\n",
               m1.cycles_per_step, dend.n_syn, m0.cycles_per_step, m1.cycles_per_step / m0.cycles_per_step);
    snn_net_free(&base);
    snn_net_free(&dend);
    return rc;
}

/* Memory traces: the same 10%-connected layer at 10% activity, then with K = 4 traces on every
 * neuron (decays 8, 64, 512, 4095, weights 127, 32, -16, 4: they make it fire): cycles per
 * step of both. RUN_CYCLES equals the SPEC.md count after every run (checked by measure), and
 * that count has no trace term: the traces cost no cycle, only what their spikes cost. Then
 * the long-memory task (240 trials, seed 2) on the bit-exact model: the memory neuron against
 * the best LIF with the same two synapses (threshold fitted on the same trials). */
static int bench_traces(void)
{
    snn_net_t base, tr;
    meas_t m0, m1;
    int rc = dense_layer_p(&base, 0.1);
    if (rc == NC_OK)
        rc = dense_layer_p(&tr, 0.1);
    static const uint16_t dk[4] = {8, 64, 512, 4095};
    static const int8_t ck[4] = {127, 32, -16, 4};
    for (uint32_t i = 0; rc == NC_OK && i < tr.n_neurons; i++)
        for (int k = 0; k < 4; k++)
            tr.neuron[i].tr_decay[k] = dk[k], tr.neuron[i].tr_weight[k] = ck[k];
    if (rc == NC_OK)
        rc = measure("snn_l2", &base, 0.1, 200, 106, &m0);
    if (rc == NC_OK)
        rc = measure("snn_l2", &tr, 0.1, 200, 106, &m1);
    if (rc == NC_OK)
        printf("memory traces (snn_l2, 10%% activity): %.1f cycles/step with 4 traces on each of 256 neurons (%.2f output "
               "spikes/step) against %.1f without (%.2f spikes/step): RUN_CYCLES = the SPEC.md count, which has no "
               "trace term (traces are computed in the neuron's phase B cycle); the %.1f more are the spikes' phase C "
               "cycles\n",
               m1.cycles_per_step, (double)m1.out / 200, m0.cycles_per_step, (double)m0.out / 200,
               m1.cycles_per_step - m0.cycles_per_step);
    snn_net_free(&base);
    snn_net_free(&tr);
    enum { TRIALS = 240 };
    snn_mem_trial_t *t = malloc(TRIALS * sizeof *t);
    snn_net_t mem = {0};
    unsigned mem_ok = 0, lif_ok = 0, wrong_mem[SNN_MEM_KINDS], wrong_lif[SNN_MEM_KINDS];
    snn_mem_lif_t lif = {0};
    if (rc == NC_OK && !t)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
    if (rc == NC_OK) {
        nc_rng_t rng;
        nc_rng_seed(&rng, 2);
        snn_demo_memory_trials(t, TRIALS, &rng);
        rc = snn_demo_memory(&mem);
    }
    if (rc == NC_OK)
        rc = snn_demo_memory_run_model(&mem, t, TRIALS, 32, &mem_ok, wrong_mem);
    if (rc == NC_OK)
        rc = snn_demo_memory_lif_search(t, TRIALS, 32, &lif, &lif_ok);
    snn_net_t ln;
    if (rc == NC_OK && (rc = snn_demo_memory_lif(&ln, &lif)) == NC_OK) {
        rc = snn_demo_memory_run_model(&ln, t, TRIALS, 32, &lif_ok, wrong_lif);
        snn_net_free(&ln);
    }
    if (rc == NC_OK) {
        printf("long-memory task (A then B 50..200 steps apart; %d trials, seed 2, bit-exact model): memory neuron "
               "%u/%d right (%.1f%%), best LIF with the same 2 synapses %u/%d (%.1f%%; du %u dv %u w %d/%d delays "
               "%u/%u vth %u)\n  wrong per kind (memory / LIF):",
               TRIALS, mem_ok, TRIALS, 100.0 * mem_ok / TRIALS, lif_ok, TRIALS, 100.0 * lif_ok / TRIALS, lif.du,
               lif.dv, lif.w_a, lif.w_b, lif.d_a, lif.d_b, lif.vth);
        for (int k = 0; k < SNN_MEM_KINDS; k++)
            printf(" %s %u/%u%s", snn_mem_kind_name[k], wrong_mem[k], wrong_lif[k], k + 1 < SNN_MEM_KINDS ? "," : "\n");
        /* The same trials without the "together" kind (A then B 0..10 apart), renumbered: what
         * the LIF can do when the window has no lower edge. */
        unsigned m = 0, lif2_ok = 0;
        for (unsigned k = 0; k < TRIALS; k++)
            if (t[k].kind != SNN_MEM_AB_NEAR) {
                t[m] = t[k];
                t[m].start = m * SNN_MEM_PERIOD;
                m++;
            }
        snn_mem_lif_t lif2;
        if (rc == NC_OK && (rc = snn_demo_memory_lif_search(t, m, 32, &lif2, &lif2_ok)) == NC_OK)
            printf("  without the %u 'A then B 0..10' trials: best LIF %u/%u (%.1f%%; du %u dv %u w %d/%d delays %u/%u "
                   "vth %u): the LIF cannot give the window its lower edge\n",
                   TRIALS - m, lif2_ok, m, 100.0 * lif2_ok / m, lif2.du, lif2.dv, lif2.w_a, lif2.w_b, lif2.d_a,
                   lif2.d_b, lif2.vth);
        if (rc == NC_OK && (mem_ok * 100 < 95u * TRIALS || lif_ok >= mem_ok))
            rc = nc_err_set(NC_ERR_MISMATCH, "long-memory task: memory neuron %u, LIF %u of %d: expected the memory "
                            "neuron >= 95%% and above the LIF", mem_ok, lif_ok, TRIALS);
    }
    snn_net_free(&mem);
    free(t);
    return rc;
}

static int bench_three_layers(void)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, 43);
    snn_gen_opts_t g = {.n_axons = 256, .layer = {256, 256, 256}, .n_layers = 3, .p_ff = 0.06, .w_lo = -80,
                        .w_hi = 90, .dmax = 32, .wexp = 3, .vth_lo = 8000, .vth_hi = 24000,
                        .out_last_only = true};
    snn_net_t net;
    int rc = snn_gen_layered(&net, &g, &rng);
    enum { STEPS = 2000 };
    meas_t m = {0};
    if (rc == NC_OK)
        rc = measure("snn_l2", &net, 0.05, STEPS, 44, &m);
    /* Baseline in the same run: the bit-exact model alone on the same input. */
    snn_event_t *in = NULL;
    size_t n_in = 0;
    double model_s = 0;
    if (rc == NC_OK) {
        nc_rng_t r2;
        nc_rng_seed(&r2, 44);
        rc = snn_gen_poisson(256, STEPS, 0.05, &r2, &in, &n_in);
    }
    if (rc == NC_OK) {
        snn_model_t md;
        uint32_t sp[768], ax[256];
        size_t ns, k = 0;
        rc = snn_model_init(&md, &net, 32);
        double t0 = nc_now_s();
        for (uint32_t t = 0; t < STEPS && rc == NC_OK; t++) {
            size_t na = 0;
            while (k < n_in && in[k].step == t)
                ax[na++] = in[k++].id;
            rc = snn_model_step(&md, ax, na, sp, &ns);
        }
        model_s = nc_now_s() - t0;
        snn_model_free(&md);
    }
    if (rc == NC_OK) {
        double sps = STEPS / m.wall_s;
        printf("3-layer 256-256-256 network (256 axons, %zu synapses, Poisson 5%%): %.0f simulated steps/s "
               "(co-simulation incl. model and bus), %.1f core cycles/step, %.2f Mcycles/s; "
               "bit-exact model alone %.0f steps/s (co-simulation = %.2fx of it)\n",
               net.n_syn, sps, m.cycles_per_step, sps * m.cycles_per_step / 1e6, STEPS / model_s,
               sps / (STEPS / model_s));
    }
    free(in);
    snn_net_free(&net);
    return rc;
}

int main(void)
{
    double full[NB] = {0};
    int bad = 0;
    int rc = bench_lanes(full, &bad);
    if (rc == NC_OK)
        rc = bench_sparse(full[1]);
    if (rc == NC_OK)
        rc = bench_dendrites();
    if (rc == NC_OK)
        rc = bench_traces();
    if (rc == NC_OK)
        rc = bench_three_layers();
    if (rc) {
        fprintf(stderr, "bench_snn: %s\n", nc_err_msg());
        return 1;
    }
    return bad;
}
