/*
 * cmd_snn.c - `neurocosim snn`: runs a network file on the SNN core (Verilated) with the
 * bit-exact model alongside, writes the core's output spikes, and reports cycles per step and
 * mismatches; and validate_snn() for `neurocosim run`.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "snn_cosim.h"
#include "snn_demo.h"
#include "snn_gen.h"
#include "snn_model.h"
#include "snn_nir.h"
#include "vmodel.h"

#define SNN_MODEL_NAME "snn_l2"
#define SNN_STEPS_CAP 100000000
#define SNN_MAX_OUTPUT_MB_DEFAULT 256

static void usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim snn (--network NET | --nir GRAPH.nir [--dt S]) --output SPIKES\n"
            "                      [--input SPIKES | --rate R] [--seed S] [--steps K] [--trace FILE]\n"
            "                      [--waves FILE.fst] [--max-output-mb M]\n"
            "       neurocosim snn --nir GRAPH.nir [--dt S] --write-network NET   (convert only)\n"
            "       neurocosim snn --demo memory [--trials T] [--seed S] [--output SPIKES]\n"
            "Runs a network on the co-simulated SNN core (%s) with the bit-exact model in lockstep\n"
            "and writes the core's output spikes.\n"
            "  --network NET    network text file (rtl/snn/SPEC.md, 'Network text format'; decimal integers)\n"
            "  --nir GRAPH.nir  a NIR graph (HDF5) with Input, Output, Affine, Linear, CubaLIF, LIF, Delay and\n"
            "                   Threshold nodes, mapped onto the core (SPEC.md, 'Networks from NIR'): the\n"
            "                   quantisation (voltage scale, weight exponent and step, decay and threshold\n"
            "                   errors) is printed, and the output spikes are compared with the graph's own\n"
            "                   floating-point equations (spike agreement within +-1 and +-3 steps); an\n"
            "                   unsupported node or a parameter the core cannot hold is refused by name (exit 2)\n"
            "  --dt S           seconds per time step for --nir (default 0.001)\n"
            "  --write-network NET  with --nir: write the mapped network in the text format (atomically);\n"
            "                   without --output nothing runs\n"
            "  --input SPIKES   input events, one 'STEP AXON' per line (decimal), steps non-decreasing;\n"
            "                   an event at or past --steps K (steps run 0..K-1), or at or past step 10^8\n"
            "                   without --steps, is refused with file:line (exit 2), never dropped\n"
            "  --rate R         no input file: every axon spikes with probability R per step (Poisson,\n"
            "                   generated step by step as the run goes); default without --input: 0.05\n"
            "  --seed S         seed of the Poisson input (default 1)\n"
            "  --output SPIKES  the core's output events, 'STEP NEURON' per line, sorted\n"
            "  --steps K        time steps to run, 1..10^8 (default: last input step + 1, or 100)\n"
            "  --trace FILE     'STEP NEURON U V' of every neuron after every step, read from the core\n"
            "                   (this also compares u, v, refractory of every neuron with the model)\n"
            "  --max-output-mb M  bound of each output file (--output, --trace) in MiB, default %d;\n"
            "                   a --trace that cannot fit (steps x neurons lines) is refused before the run\n"
            "  --demo memory    the long-memory task (SPEC.md, 'Multi-timescale memory neurons'): part A on\n"
            "                   axon 0, then part B on axon 1 50..200 steps later must fire the neuron; A alone,\n"
            "                   B alone, B then A, A and B 0..10 or 300..400 steps apart must not. Runs the\n"
            "                   memory neuron (2 synapses, 2 traces) on the core with the model in lockstep and\n"
            "                   scores it, then searches the best LIF neuron with the same 2 synapses (decays,\n"
            "                   weights, delays, threshold fitted on the same trials) and scores it on the\n"
            "                   bit-exact model. Exit 1 if the core differs from the model or the memory\n"
            "                   neuron answers fewer than 95%% of the trials right\n"
            "  --trials T       trials of --demo memory, 6..2000 (default 120; %d steps each)\n"
            "  --waves FILE     FST waveform of the run's time steps (recorded after the network is\n"
            "                   loaded); its folder must exist; open it with make waves WAVE=FILE: the\n"
            "                   layout shows u, v and spikes of neurons 0..3 (probe0_u ...: PROBE0..3)\n"
            "Outputs are written atomically (a failed run leaves no partial file; a device or FIFO such\n"
            "as /dev/null is written in place) and checked before the run. Progress goes to stderr on a\n"
            "terminal (or with NC_PROGRESS=1).\n"
            "Exit status: 0 when the core matched the model, 1 on a mismatch, 2 on bad usage or input.\n",
            SNN_MODEL_NAME, SNN_MEM_PERIOD, SNN_MAX_OUTPUT_MB_DEFAULT);
}

typedef struct snn_args {
    const char *network, *input, *output, *trace, *waves, *nir, *write_net, *demo;
    double rate, dt;
    int64_t steps, seed, max_output_mb, trials;
} snn_args_t;

static int parse_args(int argc, char **argv, snn_args_t *a)
{
    static const struct option opts[] = {
        {"network", required_argument, 0, 'n'}, {"input", required_argument, 0, 'i'},
        {"output", required_argument, 0, 'o'},  {"steps", required_argument, 0, 'k'},
        {"trace", required_argument, 0, 't'},   {"waves", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'},    {"rate", required_argument, 0, 'r'},
        {"max-output-mb", required_argument, 0, 'm'},
        {"nir", required_argument, 0, 'N'},     {"dt", required_argument, 0, 'd'},
        {"write-network", required_argument, 0, 'W'},
        {"demo", required_argument, 0, 'D'},    {"trials", required_argument, 0, 'T'},
        {"help", no_argument, 0, 'h'},          {0, 0, 0, 0}};
    *a = (snn_args_t){.rate = -1, .steps = -1, .seed = 1, .max_output_mb = SNN_MAX_OUTPUT_MB_DEFAULT, .dt = -1,
                      .trials = -1};
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "n:i:o:k:t:w:s:r:m:N:d:W:D:T:h", opts, NULL)) != -1) {
        int rc = NC_OK;
        switch (c) {
        case 'n': a->network = optarg; break;
        case 'i': a->input = optarg; break;
        case 'o': a->output = optarg; break;
        case 't': a->trace = optarg; break;
        case 'w': a->waves = optarg; break;
        case 'N': a->nir = optarg; break;
        case 'W': a->write_net = optarg; break;
        case 'D':
            a->demo = optarg;
            if (strcmp(optarg, "memory"))
                rc = nc_err_set(NC_ERR_ARG, "--demo '%s': expected memory", optarg);
            break;
        case 'T': rc = nc_parse_int(optarg, 6, 2000, "--trials", &a->trials); break;
        case 'd': {
            char *end;
            a->dt = strtod(optarg, &end);
            if (*end || end == optarg || !(a->dt > 0 && a->dt <= 1))
                rc = nc_err_set(NC_ERR_ARG, "--dt '%s': expected seconds per step in (0, 1]", optarg);
            break;
        }
        case 'k': rc = nc_parse_int(optarg, 1, SNN_STEPS_CAP, "--steps", &a->steps); break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'm': rc = nc_parse_int(optarg, 1, 1 << 20, "--max-output-mb", &a->max_output_mb); break;
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
    if (a->demo) {
        if (a->network || a->nir || a->input || a->rate >= 0 || a->trace || a->waves || a->steps > 0 || a->dt > 0 ||
            a->write_net || a->max_output_mb != SNN_MAX_OUTPUT_MB_DEFAULT)
            return nc_err_set(NC_ERR_ARG, "--demo memory takes only --trials, --seed and --output (see --help)");
        if (a->trials < 0)
            a->trials = 120;
        return NC_OK;
    }
    if (a->trials > 0)
        return nc_err_set(NC_ERR_ARG, "--trials goes with --demo memory");
    if (!a->network == !a->nir)
        return nc_err_set(NC_ERR_ARG, "give one of --network, --nir and --demo (see --help)");
    if ((a->dt > 0 || a->write_net) && !a->nir)
        return nc_err_set(NC_ERR_ARG, "--dt and --write-network go with --nir");
    if (!a->output && !a->write_net)
        return nc_err_set(NC_ERR_ARG, "--output is required (see --help)");
    if (a->dt <= 0)
        a->dt = 1e-3;
    if (a->input && a->rate >= 0)
        return nc_err_set(NC_ERR_ARG, "--input and --rate exclude each other");
    return NC_OK;
}

/* Outputs and the waveform's folder, checked before anything runs. */
static int check_outputs(const snn_args_t *a)
{
    int rc = a->output ? nc_out_check(a->output) : NC_OK;
    if (rc == NC_OK && a->write_net)
        rc = nc_out_check(a->write_net);
    if (rc == NC_OK && a->trace)
        rc = nc_out_check(a->trace);
    if (rc == NC_OK && a->waves)
        rc = nc_waves_check(a->waves);
    return rc; /* any failure here exits 2: bad usage */
}

static uint64_t digits_sum(uint64_t n) /* sum of the decimal digit counts of 0..n-1 */
{
    uint64_t sum = 0;
    for (uint64_t lo = 0, hi = 10, d = 1; lo < n; lo = hi, hi *= 10, d++)
        sum += ((n < hi ? n : hi) - lo) * d;
    return sum;
}

/* The trace has a line "STEP NEURON U V" per neuron per step: at least its step and neuron
 * numbers, two 1-character values, 3 spaces and a newline; at most 8-character values. */
static int check_trace_size(const snn_args_t *a, uint32_t steps, uint32_t neurons)
{
    uint64_t bound = (uint64_t)a->max_output_mb << 20, lines = (uint64_t)steps * neurons;
    uint64_t fixed = digits_sum(steps) * neurons + digits_sum(neurons) * steps;
    uint64_t lo = fixed + 6 * lines, hi = fixed + 20 * lines;
    if (lo > bound)
        return nc_err_set(NC_ERR_ARG,
                          "--trace %s: %u steps x %u neurons make at least %.1f MiB of lines 'STEP NEURON U V': "
                          "over the bound of %lld MiB (raise it with --max-output-mb, or run fewer steps)",
                          a->trace, steps, neurons, (double)lo / (1 << 20), (long long)a->max_output_mb);
    if (hi > bound)
        fprintf(stderr,
                "neurocosim snn: note: --trace %s will take %.1f..%.1f MiB; the run stops (exit 2, no file) "
                "if it passes the bound of %lld MiB (--max-output-mb)\n",
                a->trace, (double)lo / (1 << 20), (double)hi / (1 << 20), (long long)a->max_output_mb);
    return NC_OK;
}

/* Poisson inputs drawn step by step (the stream of snn_gen_poisson, never held whole). */
typedef struct poisson_src {
    uint32_t n_axons;
    double rate;
    nc_rng_t rng;
} poisson_src_t;

static int poisson_next(void *ctx, uint32_t step, uint32_t *axons, size_t cap, size_t *n)
{
    poisson_src_t *p = ctx;
    if (p->n_axons > cap)
        return nc_err_set(NC_ERR_ARG, "--rate: %u axons may all spike in one step (step %u): the input FIFO holds %zu",
                          p->n_axons, step, cap);
    *n = snn_gen_poisson_step(p->n_axons, p->rate, &p->rng, axons);
    return NC_OK;
}

/* The bit-exact model (which the core matched) and the NIR graph's float equations on the
 * same inputs: spike agreement of the output neurons, over at most NIR_AGREE_STEPS steps. */
#define NIR_AGREE_STEPS 100000u
static int nir_agreement(const snn_args_t *a, snn_nir_t *g, const snn_net_t *net, const snn_event_t *in, size_t n_in,
                         uint32_t steps)
{
    uint32_t k = steps < NIR_AGREE_STEPS ? steps : NIR_AGREE_STEPS;
    snn_event_t *ev = NULL, *fl = NULL, *fx = NULL;
    size_t n_ev = n_in, n_fl = 0, n_fx = 0, cap = 1024;
    int rc = NC_OK;
    if (!a->input) { /* the same Poisson stream as the run */
        nc_rng_t rng;
        nc_rng_seed(&rng, (uint64_t)a->seed);
        rc = snn_gen_poisson(net->n_axons, k, a->rate >= 0 ? a->rate : 0.05, &rng, &ev, &n_ev);
        in = ev;
    }
    snn_model_t m;
    uint32_t *ax = malloc((net->n_axons + 1) * sizeof *ax), *sp = malloc(net->n_neurons * sizeof *sp);
    fx = malloc(cap * sizeof *fx);
    if (rc == NC_OK && (!ax || !sp || !fx))
        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
    if (rc == NC_OK && (rc = snn_model_init(&m, net, 32)) == NC_OK) {
        size_t i = 0;
        for (uint32_t t = 0; t < k && rc == NC_OK; t++) {
            size_t na = 0, ns = 0;
            for (; i < n_ev && in[i].step == t; i++)
                if (na < net->n_axons)
                    ax[na++] = in[i].id;
            rc = snn_model_step(&m, ax, na, sp, &ns);
            for (size_t j = 0; j < ns && rc == NC_OK; j++) {
                if (!net->neuron[sp[j]].out)
                    continue;
                if (n_fx == cap) {
                    snn_event_t *e2 = realloc(fx, 2 * cap * sizeof *fx);
                    if (!e2) {
                        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
                        break;
                    }
                    fx = e2, cap *= 2;
                }
                fx[n_fx++] = (snn_event_t){t, sp[j]};
            }
        }
        snn_model_free(&m);
    }
    if (rc == NC_OK)
        rc = snn_nir_fsim(g, a->dt, in, n_ev, k, &fl, &n_fl);
    if (rc == NC_OK) {
        size_t j = 0;
        for (size_t i = 0; i < n_fl; i++)
            if (net->neuron[fl[i].id].out)
                fl[j++] = fl[i];
        n_fl = j;
        size_t big = n_fx > n_fl ? n_fx : n_fl;
        size_t m1 = snn_spike_matches(fx, n_fx, fl, n_fl, 1), m3 = snn_spike_matches(fx, n_fx, fl, n_fl, 3);
        printf("snn: NIR float reference (%u steps): output spikes core %zu, float %zu; spike agreement %.2f%% "
               "within +-1 step, %.2f%% within +-3 steps\n",
               k, n_fx, n_fl, big ? 100.0 * (double)m1 / (double)big : 100.0,
               big ? 100.0 * (double)m3 / (double)big : 100.0);
    }
    free(ev), free(fl), free(fx), free(ax), free(sp);
    return rc;
}

static int run_snn(const snn_args_t *a)
{
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    uint32_t steps = a->steps > 0 ? (uint32_t)a->steps : 100;
    int rc = check_outputs(a);
    if (rc)
        return rc;
    snn_nir_t nir = {0};
    snn_nir_report_t q = {0};
    if (a->nir) {
        if ((rc = snn_nir_read(a->nir, &nir)))
            return rc;
        rc = snn_nir_map(&nir, a->dt, &net, &q);
        if (rc == NC_OK) {
            printf("snn: NIR %s: %zu nodes, %zu edges -> %u neurons, %u axons, %zu synapses (%zu weights rounded to 0 "
                   "left out), dt %g s\n",
                   a->nir, nir.n_node, nir.n_edge, net.n_neurons, net.n_axons, net.n_syn, q.syn_zero, q.dt);
            printf("snn: NIR quantisation: v scale %.6g core units per volt, weight exponent %u, weight step %.4g "
                   "(of dt/tau_mem r w_in W), weight error <= %.4f of the largest, decay error <= %.2e (u) %.2e (v) "
                   "per step, threshold error <= %.2e (relative)\n",
                   q.v_scale, q.wexp, q.w_lsb, q.w_err_max, q.du_err_max, q.dv_err_max, q.vth_err_max);
        }
        if (rc == NC_OK && a->write_net && (rc = snn_net_write(a->write_net, &net)) == NC_OK)
            printf("snn: network written: %s\n", a->write_net);
        if (rc || !a->output) {
            snn_nir_free(&nir);
            if (rc == NC_OK)
                snn_net_free(&net);
            return rc;
        }
    } else if ((rc = snn_net_read(a->network, &net)))
        return rc;
    if (a->input) {
        char what[64];
        if (a->steps > 0)
            snprintf(what, sizeof what, "--steps %u", steps);
        else
            snprintf(what, sizeof what, "the cap of %d steps (--steps)", SNN_STEPS_CAP);
        rc = snn_events_read(a->input, net.n_axons, a->steps > 0 ? steps : SNN_STEPS_CAP, what, &in, &n_in);
        if (rc == NC_OK && a->steps <= 0)
            steps = n_in ? in[n_in - 1].step + 1 : 100;
    }
    if (rc == NC_OK && a->trace)
        rc = check_trace_size(a, steps, net.n_neurons);
    vmodel_t *vm = NULL;
    snn_dev_t dev;
    snn_cosim_result_t res = {0};
    nc_out_t out = {0}, trace = {0};
    uint64_t bound = (uint64_t)a->max_output_mb << 20;
    if (rc == NC_OK)
        rc = nc_out_open(&out, a->output, bound, "raise it with --max-output-mb");
    if (rc == NC_OK && a->trace)
        rc = nc_out_open(&trace, a->trace, bound, "raise it with --max-output-mb");
    if (rc == NC_OK && !(vm = vmodel_open_name(SNN_MODEL_NAME)))
        rc = nc_err_status() ? nc_err_status() : NC_ERR_SIM;
    if (rc == NC_OK)
        rc = snn_dev_open(vmodel_bus(vm), &dev);
    if (rc == NC_OK)
        rc = snn_dev_load(&dev, &net);
    /* The waveform starts after loading, on the first time step (SPEC.md, "Waveforms"). */
    if (rc == NC_OK && a->waves)
        rc = vmodel_trace_open(vm, a->waves);
    snn_cosim_opts_t o = {.check_state = a->trace != NULL, .trace = a->trace ? &trace : NULL, .output = &out,
                          .progress = "snn steps"};
    uint64_t c0 = vm ? vmodel_cycles(vm) : 0, c1 = c0;
    if (rc == NC_OK) {
        if (a->input) {
            rc = snn_cosim_run(&dev, &net, in, n_in, steps, &o, &res);
        } else {
            poisson_src_t src = {net.n_axons, a->rate >= 0 ? a->rate : 0.05, {{0}}};
            nc_rng_seed(&src.rng, (uint64_t)a->seed);
            rc = snn_cosim_run_src(&dev, &net, poisson_next, &src, steps, &o, &res);
        }
        c1 = vmodel_cycles(vm);
    }
    if (vm)
        vmodel_close(vm); /* closes the waveform */
    if (rc == NC_OK)
        rc = nc_out_commit(&out);
    if (rc == NC_OK && a->trace)
        rc = nc_out_commit(&trace);
    nc_out_abort(&out);
    nc_out_abort(&trace);
    if (rc == NC_OK) {
        printf("snn: %u neurons, %u axons, %zu synapses on %s; %u steps, %llu input events, %llu output events\n",
               net.n_neurons, net.n_axons, net.n_syn, SNN_MODEL_NAME, steps, (unsigned long long)res.events_in,
               (unsigned long long)res.events_out);
        printf("snn: core cycles per step %.1f (running), %.1f (with bus traffic); synaptic ops %llu, "
               "%.3f per slot\n",
               (double)res.run_cycles / steps, (double)(c1 - c0) / steps, (unsigned long long)res.synops,
               res.slots ? (double)res.synops / (double)res.slots : 0.0);
        printf("snn: mismatches against the bit-exact model: %llu spikes, %llu states (of %llu compared), "
               "%llu counters (RUN_CYCLES, SYNOPS, SLOTS, TSTEP of %llu runs)%s%s\n",
               (unsigned long long)res.spike_mismatches, (unsigned long long)res.state_mismatches,
               (unsigned long long)res.states_compared, (unsigned long long)res.counter_mismatches,
               (unsigned long long)res.runs, res.first_mismatch[0] ? "; first: " : "", res.first_mismatch);
        printf("snn: drops in %u out %u late %u, a_in clamps %u\n", res.counters.in_drops, res.counters.out_drops,
               res.counters.late_drops, res.counters.sat_count);
        printf("snn: output spikes: %s%s%s\n", a->output, a->trace ? "; trace: " : "", a->trace ? a->trace : "");
        if (a->waves)
            nc_waves_print(stdout, a->waves);
        if (res.spike_mismatches || res.state_mismatches || res.counter_mismatches)
            rc = NC_ERR_MISMATCH;
        if (rc == NC_OK && a->nir)
            rc = nir_agreement(a, &nir, &net, in, n_in, steps);
    }
    snn_nir_free(&nir);
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

/* ---- --demo memory: the long-memory task (SPEC.md, "Multi-timescale memory neurons") ---- */

typedef struct mem_demo {
    unsigned trials, core_ok, lif_ok, wrong_core[SNN_MEM_KINDS], wrong_lif[SNN_MEM_KINDS];
    snn_mem_lif_t lif;
    uint64_t mism, steps, run_cycles, model_cycles; /* model_cycles: SPEC.md's count, the bound */
} mem_demo_t;

/* The memory neuron on the core (snn_l2) with the model in lockstep (u/v/ref/traces every
 * step when `state`), scored; then, if `search`, the best LIF with the same synapses. */
static int memory_demo(unsigned trials, uint64_t seed, bool state, bool search, const char *output, mem_demo_t *d)
{
    memset(d, 0, sizeof *d);
    d->trials = trials;
    snn_mem_trial_t *tr = malloc(trials * sizeof *tr);
    snn_event_t *in = malloc((size_t)trials * 2 * SNN_MEM_VOLLEY_HI * sizeof *in);
    snn_net_t net = {0};
    snn_cosim_result_t res = {0};
    vmodel_t *vm = NULL;
    snn_dev_t dev;
    int rc = tr && in ? NC_OK : nc_err_set(NC_ERR_NOMEM, "--demo memory: no memory for %u trials", trials);
    if (rc == NC_OK) {
        nc_rng_t rng;
        nc_rng_seed(&rng, seed);
        snn_demo_memory_trials(tr, trials, &rng);
        rc = snn_demo_memory(&net);
    }
    size_t n_in = rc == NC_OK ? snn_demo_memory_input(in, tr, trials) : 0;
    d->steps = (uint64_t)trials * SNN_MEM_PERIOD;
    if (rc == NC_OK && !(vm = vmodel_open_name(SNN_MODEL_NAME)))
        rc = NC_ERR_SIM;
    if (rc == NC_OK)
        rc = snn_dev_open(vmodel_bus(vm), &dev);
    if (rc == NC_OK)
        rc = snn_dev_load(&dev, &net);
    if (rc == NC_OK) {
        snn_cosim_opts_t o = {.check_state = state, .progress = "memory task"}; /* nc_progress: terminal or NC_PROGRESS=1 */
        rc = snn_cosim_run(&dev, &net, in, n_in, (uint32_t)d->steps, &o, &res);
    }
    if (rc == NC_OK) {
        d->mism = res.spike_mismatches + res.state_mismatches + res.counter_mismatches;
        d->run_cycles = res.run_cycles;
        d->model_cycles = res.model.cycles;
        d->core_ok = snn_demo_memory_score(res.out, res.n_out, tr, trials, d->wrong_core);
        if (d->mism)
            nc_err_set(NC_ERR_MISMATCH, "memory task: the core differs from the model: %s", res.first_mismatch);
    }
    if (rc == NC_OK && output)
        rc = snn_events_write(output, res.out, res.n_out);
    if (rc == NC_OK && search) {
        rc = snn_demo_memory_lif_search(tr, trials, dev.dmax, &d->lif, &d->lif_ok);
        snn_net_t lif;
        if (rc == NC_OK && (rc = snn_demo_memory_lif(&lif, &d->lif)) == NC_OK) {
            unsigned ok;
            rc = snn_demo_memory_run_model(&lif, tr, trials, dev.dmax, &ok, d->wrong_lif);
            snn_net_free(&lif);
        }
    }
    if (vm)
        vmodel_close(vm);
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    free(tr);
    free(in);
    return rc;
}

static void print_kinds(const unsigned wrong[SNN_MEM_KINDS])
{
    printf("      errors per kind:");
    for (int k = 0; k < SNN_MEM_KINDS; k++)
        printf(" %s %u%s", snn_mem_kind_name[k], wrong[k], k + 1 < SNN_MEM_KINDS ? "," : "\n");
}

static int run_demo(const snn_args_t *a)
{
    if (a->output) {
        int rc = nc_out_check(a->output);
        if (rc)
            return rc;
    }
    mem_demo_t d;
    int rc = memory_demo((unsigned)a->trials, (uint64_t)a->seed, false, true, a->output, &d);
    if (rc && rc != NC_ERR_MISMATCH)
        return rc;
    unsigned n = d.trials;
    printf("snn: memory task, %u trials of %d steps (seed %lld): half A then B 50..200 steps apart (fire), the rest "
           "in turn A alone, B alone, B then A 50..200, A then B 300..400, A then B 0..10 (silent); parts are "
           "volleys of %d..%d spikes\n",
           n, SNN_MEM_PERIOD, (long long)a->seed, SNN_MEM_VOLLEY_LO, SNN_MEM_VOLLEY_HI);
    printf("snn: memory neuron (2 synapses, 2 traces, %s): %u/%u right (%.1f%%), core = bit-exact model (%llu "
           "mismatches), %.2f cycles/step\n",
           SNN_MODEL_NAME, d.core_ok, n, 100.0 * d.core_ok / n, (unsigned long long)d.mism,
           (double)d.run_cycles / (double)d.steps);
    print_kinds(d.wrong_core);
    printf("snn: best LIF neuron with the same 2 synapses (du %u dv %u, weights A %d B %d, delays A %u B %u, vth %u; "
           "searched over decays, weights, delays, threshold fitted on these trials): %u/%u right (%.1f%%)\n",
           d.lif.du, d.lif.dv, d.lif.w_a, d.lif.w_b, d.lif.d_a, d.lif.d_b, d.lif.vth, d.lif_ok, n,
           100.0 * d.lif_ok / n);
    print_kinds(d.wrong_lif);
    if (a->output)
        printf("snn: the core's output spikes: %s\n", a->output);
    if (d.mism)
        return nc_err_set(NC_ERR_MISMATCH, "memory task: the core differs from the bit-exact model (%llu mismatches)",
                          (unsigned long long)d.mism);
    if (d.core_ok * 100 < 95u * n)
        return nc_err_set(NC_ERR_MISMATCH, "memory task: %u/%u right: expected >= 95%%", d.core_ok, n);
    return NC_OK;
}

int cmd_snn(int argc, char **argv)
{
    snn_args_t a;
    int rc = parse_args(argc, argv, &a);
    if (rc == 1)
        return 0;
    if (rc == NC_OK)
        rc = a.demo ? run_demo(&a) : run_snn(&a);
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
static int cosim_row_from(nc_report_t *r, const char *config, const snn_net_t *net, const snn_event_t *in,
                          size_t n_in, uint32_t steps, bool state, const int32_t *u0, const int32_t *v0,
                          snn_cosim_result_t *res, const char *note)
{
    vmodel_t *vm = NULL;
    snn_dev_t d;
    snn_cosim_opts_t o = {.check_state = state, .init_u = u0, .init_v = v0};
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
    /* Spikes, states and the counters against the model; the cycles also against their bound:
     * the model's count per SPEC.md ("A time step") for these events and spikes. */
    uint64_t mism = res->spike_mismatches + res->state_mismatches + res->counter_mismatches;
    double of_bound = res->model.cycles ? (double)res->run_cycles / (double)res->model.cycles : 1.0 / 0.0;
    bool ok = mism == 0 && res->run_cycles <= res->model.cycles;
    char buf[256];
    if (mism)
        snprintf(buf, sizeof buf, "%s", res->first_mismatch);
    else
        snprintf(buf, sizeof buf, "%s; %.0f cyc/step, %.3f of cycle bound; synops %.3f/slot", note,
                 (double)res->run_cycles / steps, of_bound,
                 res->slots ? (double)res->synops / (double)res->slots : 0.0);
    if (!mism && !ok)
        snprintf(buf, sizeof buf, "%.0f cyc/step: %.3f of the cycle bound (SPEC.md count %.0f/step)",
                 (double)res->run_cycles / steps, of_bound, (double)res->model.cycles / steps);
    nc_report_row(r, "snn", config, res->states_compared + res->n_out, mism, 0.0 / 0.0, res->run_cycles, ok, buf);
    return ok ? NC_OK : NC_ERR_MISMATCH;
}

static int cosim_row(nc_report_t *r, const char *config, const snn_net_t *net, const snn_event_t *in, size_t n_in,
                     uint32_t steps, bool state, snn_cosim_result_t *res, const char *note)
{
    return cosim_row_from(r, config, net, in, n_in, steps, state, NULL, NULL, res, note);
}

static const snn_gen_opts_t random_opts = {.n_axons = 64, .layer = {128, 96, 64}, .n_layers = 3, .p_ff = 0.15,
                                           .p_rec = 0.03, .w_lo = -60, .w_hi = 100, .dmax = 32, .wexp = 3,
                                           .astro = true, .wild = true, .vth_lo = 2000, .vth_hi = 40000};

/* The run starts from a state the host wrote over the bus (u, v of every neuron, both signs):
 * read back and compared before step 0, then every step. */
static int row_host_state(nc_report_t *r)
{
    const char *config = "  from host-written u/v state";
    nc_rng_t rng;
    nc_rng_seed(&rng, 10);
    snn_gen_opts_t g = random_opts;
    snn_net_t net = {0};
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    int32_t *u0 = NULL, *v0 = NULL;
    int rc = snn_gen_layered(&net, &g, &rng);
    if (rc == NC_OK) {
        u0 = malloc(net.n_neurons * sizeof *u0);
        v0 = malloc(net.n_neurons * sizeof *v0);
        rc = u0 && v0 ? NC_OK : nc_err_set(NC_ERR_NOMEM, "no memory");
    }
    for (uint32_t i = 0; rc == NC_OK && i < net.n_neurons; i++) {
        u0[i] = (int32_t)(nc_rng_u64(&rng) % (1u << 23)) - (1 << 22);
        v0[i] = (int32_t)(nc_rng_u64(&rng) % (1u << 23)) - (1 << 22);
    }
    if (rc == NC_OK && (rc = snn_gen_poisson(64, 50, 0.08, &rng, &in, &n_in)) == NC_OK)
        rc = cosim_row_from(r, config, &net, in, n_in, 50, true, u0, v0, &res, "50 steps, u/v/ref every step");
    else
        nc_report_row(r, "snn", config, 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
    snn_cosim_result_free(&res);
    free(in);
    free(u0);
    free(v0);
    snn_net_free(&net);
    return rc;
}

static int row_random(nc_report_t *r)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, 7);
    snn_gen_opts_t g = random_opts;
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
        mism += res.spike_mismatches + res.counter_mismatches;
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

/* Active dendrites: the context-gated neuron; the same input fires the soma only 1..10 steps
 * after its context (SPEC.md, "Active dendrites"). */
static int row_context(nc_report_t *r)
{
    enum { TRIALS = 16, PERIOD = 40 };
    snn_net_t net = {0};
    snn_event_t in[2 * TRIALS];
    snn_cosim_result_t res = {0};
    int rc = snn_demo_context(&net);
    size_t n = snn_demo_context_input(in, TRIALS, PERIOD);
    if (rc == NC_OK)
        rc = cosim_row(r, "active dendrites, context-gated", &net, in, n, PERIOD * (TRIALS + 1), true, &res,
                       "u/v/ref/pred every step");
    else
        nc_report_row(r, "snn", "active dendrites, context-gated", 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
    unsigned wrong = 0, fired = 0;
    bool fire[TRIALS] = {0};
    for (size_t i = 0; i < res.n_out; i++)
        if (res.out[i].id == 0 && res.out[i].step % PERIOD == 0 && res.out[i].step / PERIOD - 1 < TRIALS)
            fire[res.out[i].step / PERIOD - 1] = true;
        else
            wrong++;
    for (unsigned k = 0; k < TRIALS; k++) {
        fired += fire[k];
        wrong += fire[k] != (k >= 1 && k <= 10);
    }
    char note[160];
    snprintf(note, sizeof note, "fired in %u of 16 trials: context 1..10 steps before (10 expected), none outside",
             fired);
    bool ok = rc == NC_OK && wrong == 0;
    nc_report_row(r, "snn", "  same input, context 0..14 / none", TRIALS, wrong, 0.0 / 0.0, 0, ok, note);
    snn_cosim_result_free(&res);
    snn_net_free(&net);
    return ok ? NC_OK : NC_ERR_MISMATCH;
}

/* Multi-timescale memory neurons: the long-memory task (120 trials, seed 1) on the core
 * against the model, then its score and the best LIF's with the same synapses (SPEC.md). */
static int row_memory(nc_report_t *r)
{
    const char *config = "memory neuron, A then B 50..200";
    mem_demo_t d;
    int rc = memory_demo(120, 1, false, true, NULL, &d);
    if (rc && rc != NC_ERR_MISMATCH) {
        nc_report_row(r, "snn", config, 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
        return rc;
    }
    char note[200];
    double of_bound = d.model_cycles ? (double)d.run_cycles / (double)d.model_cycles : 1.0 / 0.0;
    bool in_bound = d.run_cycles <= d.model_cycles;
    snprintf(note, sizeof note, "120 trials x %d steps, 2 traces; %.2f cyc/step, %.3f of cycle bound", SNN_MEM_PERIOD,
             (double)d.run_cycles / (double)d.steps, of_bound);
    nc_report_row(r, "snn", config, d.steps, d.mism, 0.0 / 0.0, d.run_cycles, d.mism == 0 && in_bound,
                  d.mism ? nc_err_msg() : note);
    bool ok = d.mism == 0 && in_bound && d.core_ok * 100 >= 95u * d.trials;
    snprintf(note, sizeof note, "right: memory neuron %u/%u (%.1f%%), best LIF same 2 synapses %u/%u (%.1f%%)",
             d.core_ok, d.trials, 100.0 * d.core_ok / d.trials, d.lif_ok, d.trials, 100.0 * d.lif_ok / d.trials);
    nc_report_row(r, "snn", "  vs best LIF (same synapses)", d.trials, d.trials - d.core_ok, 0.0 / 0.0, 0, ok, note);
    return ok ? NC_OK : NC_ERR_MISMATCH;
}

/* A NIR graph (rtl/snn/examples/ff.nir, written by tests/nir/make_nir.py 1): the core against
 * the bit-exact model, then the core's output spikes against the graph's float equations. */
static int row_nir(nc_report_t *r)
{
    const char *path = "rtl/snn/examples/ff.nir", *config = "NIR graph ff.nir 16-32-16 (+8 thr)";
    enum { STEPS = 500 };
    snn_nir_t g;
    snn_net_t net = {0};
    snn_nir_report_t q;
    snn_event_t *in = NULL, *fl = NULL;
    size_t n_in = 0, n_fl = 0;
    snn_cosim_result_t res = {0};
    nc_rng_t rng;
    nc_rng_seed(&rng, 11);
    int rc = snn_nir_read(path, &g);
    if (rc == NC_OK && (rc = snn_nir_map(&g, 1e-3, &net, &q)) == NC_OK &&
        (rc = snn_gen_poisson(net.n_axons, STEPS, 0.1, &rng, &in, &n_in)) == NC_OK) {
        char note[128];
        snprintf(note, sizeof note, "v scale %.0f/V, wexp %u, weight error <= %.4f", q.v_scale, q.wexp, q.w_err_max);
        rc = cosim_row(r, config, &net, in, n_in, STEPS, true, &res, note);
    } else {
        nc_report_row(r, "snn", config, 0, 0, 0.0 / 0.0, 0, false, nc_err_msg());
    }
    bool ok = false;
    if (rc == NC_OK && (rc = snn_nir_fsim(&g, 1e-3, in, n_in, STEPS, &fl, &n_fl)) == NC_OK) {
        size_t j = 0;
        for (size_t i = 0; i < n_fl; i++)
            if (net.neuron[fl[i].id].out)
                fl[j++] = fl[i];
        n_fl = j;
        size_t big = res.n_out > n_fl ? res.n_out : n_fl;
        double a1 = big ? (double)snn_spike_matches(res.out, res.n_out, fl, n_fl, 1) / (double)big : 0;
        double a3 = big ? (double)snn_spike_matches(res.out, res.n_out, fl, n_fl, 3) / (double)big : 0;
        double dn = n_fl ? fabs((double)res.n_out - (double)n_fl) / (double)n_fl : 1;
        ok = a3 >= 0.90 && dn <= 0.03 && n_fl > 0;
        char note[200];
        snprintf(note, sizeof note, "spikes core %zu float %zu; agree %.1f%% (+-1 step), %.1f%% (+-3; >= 90%%)",
                 res.n_out, n_fl, 100 * a1, 100 * a3);
        nc_report_row(r, "snn", "  vs float reference of the graph", big, big - (size_t)(a3 * (double)big + 0.5),
                      0.0 / 0.0, 0, ok, note);
    }
    snn_cosim_result_free(&res);
    free(in);
    free(fl);
    snn_net_free(&net);
    snn_nir_free(&g); /* safe after a failed read too: it leaves g empty */
    return rc ? rc : ok ? NC_OK : NC_ERR_MISMATCH;
}

int validate_snn(nc_report_t *r)
{
    int bad = 0;
    bad |= row_random(r) != NC_OK;
    bad |= row_host_state(r) != NC_OK;
    bad |= row_chain(r) != NC_OK;
    bad |= row_coincidence(r) != NC_OK;
    bad |= row_xor(r) != NC_OK;
    bad |= row_context(r) != NC_OK;
    bad |= row_memory(r) != NC_OK;
    bad |= row_nir(r) != NC_OK;
    return bad;
}
