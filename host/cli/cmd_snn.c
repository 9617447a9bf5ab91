/*
 * cmd_snn.c - `neurocosim snn`: runs a network file on the SNN core (Verilated) with the
 * bit-exact model alongside, writes the core's output spikes, and reports cycles per step and
 * mismatches; and validate_snn() for `neurocosim run`.
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "snn_cosim.h"
#include "snn_demo.h"
#include "snn_gen.h"
#include "vmodel.h"

#define SNN_MODEL_NAME "snn_l2"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim snn --network NET --output SPIKES [--input SPIKES | --rate R] [--steps K]\n"
            "                      [--trace FILE] [--waves FILE.fst] [--seed S]\n"
            "  --network NET    network text file (rtl/snn/SPEC.md, 'Network text format')\n"
            "  --input SPIKES   input events, one 'STEP AXON' per line, steps non-decreasing\n"
            "  --rate R         no input file: every axon spikes with probability R per step (Poisson)\n"
            "  --seed S         seed of the Poisson input (default 1)\n"
            "  --output SPIKES  the core's output events, 'STEP NEURON' per line\n"
            "  --steps K        time steps to run (default: last input step + 1, or 100)\n"
            "  --trace FILE     'STEP NEURON U V' of every neuron after every step, read from the core\n"
            "                   (this also compares u, v, refractory of every neuron with the model)\n"
            "  --waves FILE     FST waveform of the whole run (open with make waves WAVE=FILE)\n"
            "Exit status: 0 when the core matched the model, 1 on a mismatch, 2 on bad input.\n");
}

typedef struct snn_args {
    const char *network, *input, *output, *trace, *waves;
    double rate;
    int64_t steps, seed;
} snn_args_t;

static int parse_args(int argc, char **argv, snn_args_t *a)
{
    static const struct option opts[] = {
        {"network", required_argument, 0, 'n'}, {"input", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'},  {"steps", required_argument, 0, 'k'},
        {"trace", required_argument, 0, 't'},   {"waves", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'},    {"rate", required_argument, 0, 'r'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    *a = (snn_args_t){.rate = -1, .steps = -1, .seed = 1};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "n:i:o:k:t:w:s:r:h", opts, NULL)) != -1) {
        int rc = NC_OK;
        switch (c) {
        case 'n': a->network = optarg; break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 't': a->trace = optarg; break;
        case 'w': a->waves = optarg; break;
        case 'k': rc = nc_parse_int(optarg, 1, 100000000, "--steps", &a->steps); break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'r': {
            char *end;
            a->rate = strtod(optarg, &end);
            if (*end || end == optarg || !(a->rate >= 0 && a->rate <= 1))
                rc = nc_err_set(NC_ERR_ARG, "--rate '%s': expected a probability in 0..1", optarg);
            break;
        }
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return NC_ERR_ARG;
        }
        if (rc)
            return rc;
    }
    if (optind < argc)
        return nc_err_set(NC_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (!a->network || !a->output)
        return nc_err_set(NC_ERR_ARG, "--network and --output are required (see --help)");
    if (a->input && a->rate >= 0)
        return nc_err_set(NC_ERR_ARG, "--input and --rate exclude each other");
    return NC_OK;
}

static int load_inputs(const snn_args_t *a, const snn_net_t *net, snn_event_t **in, size_t *n, uint32_t *steps)
{
    int rc;
    if (a->input) {
        rc = snn_events_read(a->input, net->n_axons, in, n);
    } else {
        nc_rng_t rng;
        nc_rng_seed(&rng, (uint64_t)a->seed);
        uint32_t k = a->steps > 0 ? (uint32_t)a->steps : 100;
        rc = snn_gen_poisson(net->n_axons, k, a->rate >= 0 ? a->rate : 0.05, &rng, in, n);
    }
    if (rc)
        return rc;
    *steps = a->steps > 0 ? (uint32_t)a->steps : (*n ? (*in)[*n - 1].step + 1 : 100);
    /* Events past the last step are not run: drop them from the comparison. */
    while (*n && (*in)[*n - 1].step >= *steps)
        (*n)--;
    return NC_OK;
}

static int run_snn(const snn_args_t *a)
{
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    uint32_t steps;
    int rc = snn_net_read(a->network, &net);
    if (rc)
        return rc;
    vmodel_t *vm = NULL;
    FILE *trace = NULL;
    snn_dev_t dev;
    snn_cosim_result_t res = {0};
    rc = load_inputs(a, &net, &in, &n_in, &steps);
    if (rc == NC_OK && !(vm = vmodel_open_name(SNN_MODEL_NAME)))
        rc = nc_err_status() ? nc_err_status() : NC_ERR_SIM;
    if (rc == NC_OK && a->waves)
        rc = vmodel_trace_open(vm, a->waves);
    if (rc == NC_OK && a->trace && !(trace = fopen(a->trace, "w")))
        rc = nc_err_set(NC_ERR_IO, "%s: cannot create", a->trace);
    if (rc == NC_OK)
        rc = snn_dev_open(vmodel_bus(vm), &dev);
    if (rc == NC_OK)
        rc = snn_dev_load(&dev, &net);
    snn_cosim_opts_t o = {.check_state = trace != NULL, .trace = trace};
    uint64_t c0 = vm ? vmodel_cycles(vm) : 0;
    if (rc == NC_OK)
        rc = snn_cosim_run(&dev, &net, in, n_in, steps, &o, &res);
    if (rc == NC_OK)
        rc = snn_events_write(a->output, res.out, res.n_out);
    if (rc == NC_OK) {
        printf("snn: %u neurons, %u axons, %zu synapses on %s; %u steps, %zu input events, %zu output events\n",
               net.n_neurons, net.n_axons, net.n_syn, SNN_MODEL_NAME, steps, n_in, res.n_out);
        printf("snn: core cycles per step %.1f (running), %.1f (with bus traffic); synaptic ops %llu, "
               "%.3f per slot\n",
               (double)res.run_cycles / steps, (double)(vmodel_cycles(vm) - c0) / steps,
               (unsigned long long)res.synops, res.slots ? (double)res.synops / (double)res.slots : 0.0);
        printf("snn: mismatches against the bit-exact model: %llu spikes, %llu states (of %llu compared)%s%s\n",
               (unsigned long long)res.spike_mismatches, (unsigned long long)res.state_mismatches,
               (unsigned long long)res.states_compared, res.first_mismatch[0] ? "; first: " : "",
               res.first_mismatch);
        printf("snn: drops in %u out %u late %u, a_in clamps %u\n", res.counters.in_drops, res.counters.out_drops,
               res.counters.late_drops, res.counters.sat_count);
        if (res.spike_mismatches || res.state_mismatches)
            rc = NC_ERR_MISMATCH;
    }
    if (trace)
        fclose(trace);
    if (vm)
        vmodel_close(vm);
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

int cmd_snn(int argc, char **argv)
{
    snn_args_t a;
    int rc = parse_args(argc, argv, &a);
    if (rc == 1)
        return 0;
    if (rc == NC_OK)
        rc = run_snn(&a);
    if (rc == NC_OK)
        return 0;
    fprintf(stderr, "neurocosim snn: %s\n", nc_err_msg());
    return rc == NC_ERR_MISMATCH ? 1 : 2;
}

/* ---- validate_snn: rows for `neurocosim run` ---- */

static int open_dev(vmodel_t **vm, snn_dev_t *d)
{
    *vm = vmodel_open_name(SNN_MODEL_NAME);
    if (!*vm)
        return NC_ERR_SIM;
    return snn_dev_open(vmodel_bus(*vm), d);
}

/* Runs net on a fresh core with the model; adds one row; returns the result for more checks. */
static int cosim_row(nc_report_t *r, const char *config, const snn_net_t *net, const snn_event_t *in, size_t n_in,
                     uint32_t steps, bool state, snn_cosim_result_t *res, const char *note)
{
    vmodel_t *vm = NULL;
    snn_dev_t d;
    snn_cosim_opts_t o = {.check_state = state};
    int rc = open_dev(&vm, &d);
    if (rc == NC_OK)
        rc = snn_dev_load(&d, net);
    if (rc == NC_OK)
        rc = snn_cosim_run(&d, net, in, n_in, steps, &o, res);
    if (vm)
        vmodel_close(vm);
    if (rc) {
        nc_report_row(r, "snn", config, 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
        return rc;
    }
    uint64_t mism = res->spike_mismatches + res->state_mismatches;
    char buf[200];
    snprintf(buf, sizeof buf, "%s; %.0f cyc/step", note, (double)res->run_cycles / steps);
    nc_report_row(r, "snn", config, res->states_compared + res->n_out, mism, 0.0 / 0.0, res->run_cycles, mism == 0,
                  mism ? res->first_mismatch : buf);
    return mism ? NC_ERR_MISMATCH : NC_OK;
}

static int row_random(nc_report_t *r)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, 7);
    snn_gen_opts_t g = {.n_axons = 64, .layer = {128, 96, 64}, .n_layers = 3, .p_ff = 0.15, .p_rec = 0.03,
                        .w_lo = -60, .w_hi = 100, .dmax = 32, .wexp = 3, .astro = true, .wild = true,
                        .vth_lo = 2000, .vth_hi = 40000};
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    int rc = snn_gen_layered(&net, &g, &rng);
    if (rc == NC_OK && (rc = snn_gen_poisson(64, 400, 0.08, &rng, &in, &n_in)) == NC_OK)
        rc = cosim_row(r, "3 layers 64-128-96-64 rec+astro", &net, in, n_in, 400, true, &res,
                       "Poisson 8%, u/v/ref every step");
    else
        nc_report_row(r, "snn", "3 layers 64-128-96-64 rec+astro", 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

static int row_chain(nc_report_t *r)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, 8);
    snn_gen_opts_t g = {.n_axons = 256, .layer = {256, 256, 256}, .n_layers = 3, .p_ff = 0.06, .w_lo = -80,
                        .w_hi = 90, .dmax = 32, .wexp = 3, .vth_lo = 8000, .vth_hi = 24000,
                        .out_last_only = true};
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    int rc = snn_gen_layered(&net, &g, &rng);
    if (rc == NC_OK && (rc = snn_gen_poisson(256, 300, 0.05, &rng, &in, &n_in)) == NC_OK)
        rc = cosim_row(r, "chain 256-256-256-256 on chip", &net, in, n_in, 300, false, &res,
                       "host away for whole chunks");
    else
        nc_report_row(r, "snn", "chain 256-256-256-256 on chip", 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

static int row_coincidence(nc_report_t *r)
{
    enum { REPS = 10, PERIOD = 40 };
    snn_net_t net;
    snn_event_t in[6 * REPS];
    snn_cosim_result_t res = {0};
    int rc = snn_demo_coincidence(&net);
    size_t n = snn_demo_coincidence_input(in, REPS, PERIOD);
    if (rc == NC_OK)
        rc = cosim_row(r, "coincidence detector (function)", &net, in, n, 2 * REPS * PERIOD, true, &res,
                       "see next row");
    size_t fwd = 0, rev = 0;
    for (size_t i = 0; i < res.n_out; i++)
        res.out[i].step < REPS * PERIOD ? fwd++ : rev++;
    char note[128];
    snprintf(note, sizeof note, "pattern %zu/%d detected, reversed twin %zu", fwd, REPS, rev);
    bool ok = rc == NC_OK && fwd == REPS && rev == 0;
    nc_report_row(r, "snn", "  pattern vs time-reversed twin", 2 * REPS, (REPS - fwd) + rev, 0.0 / 0.0, 0, ok, note);
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    return ok ? NC_OK : NC_ERR_MISMATCH;
}

static int row_xor(nc_report_t *r)
{
    enum { WIN = 200 };
    snn_net_t net;
    nc_rng_t rng;
    nc_rng_seed(&rng, 9);
    int rc = snn_demo_xor(&net);
    size_t count[4] = {0};
    uint64_t mism = 0;
    for (int c = 0; c < 4 && rc == NC_OK; c++) {
        snn_event_t in[2 * WIN];
        size_t n = snn_demo_xor_input(in, c & 1, c >> 1, WIN, &rng);
        vmodel_t *vm = NULL;
        snn_dev_t d;
        snn_cosim_result_t res = {0};
        snn_cosim_opts_t o = {.max_chunk = 64};
        rc = open_dev(&vm, &d);
        if (rc == NC_OK)
            rc = snn_dev_load(&d, &net);
        if (rc == NC_OK)
            rc = snn_cosim_run(&d, &net, in, n, WIN, &o, &res);
        count[c] = res.n_out;
        mism += res.spike_mismatches;
        snn_cosim_result_free(&res);
        if (vm)
            vmodel_close(vm);
    }
    size_t lo_true = count[1] < count[2] ? count[1] : count[2], hi_false = count[0] > count[3] ? count[0] : count[3];
    bool ok = rc == NC_OK && mism == 0 && lo_true >= 10 && lo_true >= 5 * hi_false;
    char note[160];
    snprintf(note, sizeof note, "output spikes/200 steps 00:%zu 10:%zu 01:%zu 11:%zu", count[0], count[1], count[2],
             count[3]);
    nc_report_row(r, "snn", "XOR rate-coded, 2 layers (function)", 4, mism, 0.0 / 0.0, 0, ok,
                  rc ? nc_err_msg() : note);
    snn_net_free(&net);
    return ok ? NC_OK : NC_ERR_MISMATCH;
}

int validate_snn(nc_report_t *r)
{
    int bad = 0;
    bad |= row_random(r) != NC_OK;
    bad |= row_chain(r) != NC_OK;
    bad |= row_coincidence(r) != NC_OK;
    bad |= row_xor(r) != NC_OK;
    return bad;
}
