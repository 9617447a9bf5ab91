/*
 * bench_snn.c - figures of the SNN core (Verilated snn_l1: 1 lane, snn_l2: 2 lanes), each as a ratio against a
 * bound or a baseline measured in the same run. Every run is also compared spike for spike
 * with the bit-exact model; a mismatch or an error exits non-zero.
 *   1. cycles per time step against input activity (0.1%, 1%, 10%, 100% of 256 axons spiking
 *      per step) for 256 axons fully connected to N = 256 neurons (65536 synapses); the dense
 *      baseline is a core that sweeps every (axon, neuron) pair every step on the same lanes;
 *   2. synaptic operations per cycle per lane at 100% activity (target >= 0.9);
 *   3. simulated time steps per second of the co-simulation of a 3-layer 256-256-256 network
 *      (256 axons), against the bit-exact model alone in the same run.
 */
#include <stdio.h>
#include <stdlib.h>

#include "nc_error.h"
#include "nc_util.h"
#include "snn_cosim.h"
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
    if (rc == NC_OK && (res.spike_mismatches || res.counters.in_drops || res.counters.out_drops))
        rc = nc_err_set(NC_ERR_MISMATCH, "%llu spike mismatches (%s), %u/%u drops",
                        (unsigned long long)res.spike_mismatches, res.first_mismatch, res.counters.in_drops,
                        res.counters.out_drops);
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

static int bench_activity(const char *model, unsigned lanes, double *full_cycles)
{
    snn_net_t net;
    int rc = dense_layer(&net);
    static const double rate[] = {0.001, 0.01, 0.1, 1.0};
    static const uint32_t steps[] = {4000, 1000, 200, 40};
    meas_t m[4];
    for (int k = 0; k < 4 && rc == NC_OK; k++)
        rc = measure(model, &net, rate[k], steps[k], 100 + (uint64_t)k, &m[k]);
    snn_net_free(&net);
    if (rc)
        return rc;
    double dense = 256.0 * 256.0 / lanes; /* every pair on the same lanes */
    *full_cycles = m[3].cycles_per_step;
    printf("cycles per time step on %s, N=256 neurons, A=256 axons fully connected (65536 synapses), %u lane%s:\n",
           model, lanes, lanes > 1 ? "s" : "");
    printf("  %-9s %14s %16s %22s\n", "activity", "cycles/step", "vs 100%", "vs dense sweep");
    for (int k = 0; k < 4; k++)
        printf("  %7.1f%% %14.1f %15.1fx %21.1fx\n", 100 * rate[k], m[k].cycles_per_step,
               m[3].cycles_per_step / m[k].cycles_per_step, dense / m[k].cycles_per_step);
    double ratio = m[3].cycles_per_step / m[1].cycles_per_step;
    printf("  1%% activity takes %.1fx fewer cycles than 100%% (bound: >= 20x) -> %s\n", ratio,
           ratio >= 20 ? "met" : "NOT met");
    printf("synaptic ops per cycle per lane at 100%% activity: %.3f (target >= 0.9) -> %s; "
           "valid slots per walked slot %.3f\n",
           m[3].synops_per_cycle_lane, m[3].synops_per_cycle_lane >= 0.9 ? "met" : "NOT met", m[3].slot_use);
    return NC_OK;
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
    double c1 = 0, c2 = 0;
    int rc = bench_activity("snn_l1", 1, &c1);
    if (rc == NC_OK)
        rc = bench_activity("snn_l2", 2, &c2);
    if (rc == NC_OK)
        printf("lanes: 2 lanes take %.2fx fewer cycles than 1 lane at 100%% activity (bound: 2x)\n", c1 / c2);
    if (rc == NC_OK)
        rc = bench_sparse(c2);
    if (rc == NC_OK)
        rc = bench_three_layers();
    if (rc) {
        fprintf(stderr, "bench_snn: %s\n", nc_err_msg());
        return 1;
    }
    return 0;
}
