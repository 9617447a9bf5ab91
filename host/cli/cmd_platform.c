/*
 * cmd_platform.c - `neurocosim platform`: the accelerators' jobs on the SystemC/TLM-2.0
 * virtual platform (cosim/systemc/nc_platform.h), driven by the same C drivers as every
 * other backend, through bus_tlm; and validate_platform() for `neurocosim run`.
 *
 * Address map of the platform (printed by --map):
 *   0x00000000  sram     1 MiB   SRAM (DMI): the CPU's data (inputs are staged here)
 *   0x40000000  fftconv  16 MiB  fftconv_p2 (Verilated), irq
 *   0x50000000  snn      16 MiB  snn_l2 (Verilated), irq
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "designs.h"
#include "fftconv_cosim.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_platform.h"
#include "nc_util.h"
#include "snn_cosim.h"
#include "snn_gen.h"

#define SRAM_BASE 0x00000000u
#define SRAM_SIZE (1u << 20)
#define FFTCONV_BASE 0x40000000u
#define SNN_BASE 0x50000000u
#define IP_SIZE (1u << 24)

static const struct {
    const char *name, *model;
    uint32_t base, size;
    const char *what;
} map[] = {
    {"sram", NULL, SRAM_BASE, SRAM_SIZE, "SRAM (DMI): the CPU's data"},
    {"fftconv", "fftconv_p2", FFTCONV_BASE, IP_SIZE, "FFT convolution, P=2 (Verilated), irq"},
    {"snn", "snn_l2", SNN_BASE, IP_SIZE, "SNN core, 2 lanes (Verilated), irq"},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim platform [--design fftconv|snn|all] [--clk-ps PS] [--quantum N]\n"
            "                           [--length L] [--steps K] [--seed S] [--waves FILE] [--map]\n"
            "Runs the accelerators' jobs on the SystemC/TLM-2.0 virtual platform: a loosely-timed CPU\n"
            "thread runs the C drivers through the bus_tlm backend (every access a b_transport through\n"
            "the router), the accelerators are Verilated models behind TLM target adapters, the host\n"
            "sleeps on their interrupt lines. Each job is checked against its golden model, as in\n"
            "`neurocosim run`.\n"
            "  --design D     fftconv, snn or all (default all)\n"
            "  --clk-ps PS    accelerator clock period in ps, 1000..1000000 (default 10000: 100 MHz)\n"
            "  --quantum N    the CPU's time quantum in clock cycles, 1..1000000 (default 1000)\n"
            "  --length L     fftconv: sequence length, a power of two in 256..65536 (default 4096)\n"
            "  --steps K      snn: time steps, 1..100000 (default 200)\n"
            "  --seed S       seed of the generated inputs (default 1)\n"
            "  --waves FILE   FST waveform of the first job: its accelerator's RTL signals and the\n"
            "                 TLM transactions (scope tlm: kind, target, addr, data, words, resp) on\n"
            "                 one time axis in ps (its folder must exist)\n"
            "  --map          print the address map and exit\n"
            "Exit status: 0 when every job matched its model, 1 on a mismatch, 2 on bad usage.\n");
}

typedef struct plat_args {
    bool fftconv, snn;
    int64_t clk_ps, quantum, length, steps, seed;
    const char *waves;
} plat_args_t;

/* Returns -1 to go on, else the exit status. */
static int parse_args(int argc, char **argv, plat_args_t *a)
{
    static const struct option opts[] = {
        {"design", required_argument, 0, 'd'}, {"clk-ps", required_argument, 0, 'c'},
        {"quantum", required_argument, 0, 'q'}, {"length", required_argument, 0, 'l'},
        {"steps", required_argument, 0, 'k'},  {"seed", required_argument, 0, 's'},
        {"waves", required_argument, 0, 'w'},  {"map", no_argument, 0, 'm'},
        {"help", no_argument, 0, 'h'},         {0, 0, 0, 0}};
    *a = (plat_args_t){.fftconv = true, .snn = true, .clk_ps = 10000, .quantum = 1000,
                       .length = 4096, .steps = 200, .seed = 1};
    optind = 1;
    int c, rc = NC_OK;
    while (rc == NC_OK && (c = getopt_long(argc, argv, "d:c:q:l:k:s:w:mh", opts, NULL)) != -1) {
        switch (c) {
        case 'd':
            a->fftconv = !strcmp(optarg, "fftconv") || !strcmp(optarg, "all");
            a->snn = !strcmp(optarg, "snn") || !strcmp(optarg, "all");
            if (!a->fftconv && !a->snn)
                rc = nc_err_set(NC_ERR_ARG, "--design '%s': expected fftconv, snn or all", optarg);
            break;
        case 'c': rc = nc_parse_int(optarg, 1000, 1000000, "--clk-ps", &a->clk_ps); break;
        case 'q': rc = nc_parse_int(optarg, 1, 1000000, "--quantum", &a->quantum); break;
        case 'l':
            rc = nc_parse_int(optarg, 256, 65536, "--length", &a->length);
            if (rc == NC_OK && (a->length & (a->length - 1)))
                rc = nc_err_set(NC_ERR_ARG, "--length %s: expected a power of two in 256..65536",
                                optarg);
            break;
        case 'k': rc = nc_parse_int(optarg, 1, 100000, "--steps", &a->steps); break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'w': a->waves = optarg; break;
        case 'm':
            for (size_t i = 0; i < NC_ARRAY_LEN(map); i++)
                printf("0x%08x  %-8s %5u KiB  %s\n", map[i].base, map[i].name, map[i].size >> 10,
                       map[i].what);
            return 0;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (rc == NC_OK && optind < argc)
        rc = nc_err_set(NC_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (rc == NC_OK && a->waves)
        rc = nc_waves_check(a->waves);
    if (rc) {
        fprintf(stderr, "neurocosim platform: %s\n", nc_err_msg());
        return 2;
    }
    return -1;
}

typedef struct plat_ctx {
    const plat_args_t *a;
    nc_report_t *rep;
    char rtl_waves[4200];   /* where the traced accelerator's own FST goes (temporary)     */
    const char *waves_done; /* the target traced, if any                                */
} plat_ctx_t;

static void row_failed(plat_ctx_t *x, const char *config)
{
    nc_report_row(x->rep, "platform", config, 0, 0, NAN, 0, false, nc_err_msg());
}

/* The CPU stages the input in SRAM (as a program's data would be) and reads it back. */
static int stage_in_sram(nc_platform_t *p, const int16_t *src, int16_t *dst, size_t n)
{
    bus_t *m = nc_platform_bus(p, "sram");
    if (!m)
        return nc_err_status();
    size_t words = (n + 1) / 2;
    if (4 * words > SRAM_SIZE)
        return nc_err_set(NC_ERR_ARG, "platform: %zu samples do not fit the SRAM", n);
    uint32_t *w = calloc(words, sizeof *w);
    if (!w)
        return nc_err_set(NC_ERR_NOMEM, "platform: out of memory");
    memcpy(w, src, n * sizeof *src);
    int rc = bus_write_burst(m, 0, w, words);
    memset(w, 0, words * sizeof *w);
    if (rc == NC_OK)
        rc = bus_read_burst(m, 0, w, words);
    if (rc == NC_OK)
        memcpy(dst, w, n * sizeof *dst);
    free(w);
    return rc;
}

static int fftconv_job(nc_platform_t *p, plat_ctx_t *x)
{
    const plat_args_t *a = x->a;
    unsigned log2l = 0;
    while ((1ll << log2l) < a->length)
        log2l++;
    size_t l = (size_t)a->length;
    char config[96];
    snprintf(config, sizeof config, "fftconv L=%zu P=2 via TLM", l);
    int16_t *u = malloc(l * 2), *k = malloc(l * 2), *us = malloc(l * 2);
    nc_rng_t rng;
    nc_rng_seed(&rng, (uint64_t)a->seed);
    int rc = u && k && us ? NC_OK : nc_err_set(NC_ERR_NOMEM, "platform: out of memory");
    if (rc == NC_OK) {
        fftconv_make_input(FFTCONV_SIG_NOISE, &rng, u, l);
        rc = fftconv_make_kernel(&rng, l, 1.0, k);
    }
    if (rc == NC_OK)
        rc = stage_in_sram(p, u, us, l);
    uint64_t t0 = nc_platform_time_ps(p), n0 = nc_platform_transactions(p);
    fftconv_outcome_t o = {0};
    bool trace = a->waves && !x->waves_done;
    fftconv_job_t job = {2, {log2l, log2l, 0, 0, 0, 0}, us, k, trace ? x->rtl_waves : NULL,
                         nc_platform_bus(p, "fftconv"), nc_platform_vmodel(p, "fftconv")};
    if (rc == NC_OK)
        rc = fftconv_cosim_run(&job, &o);
    if (rc == NC_OK) {
        if (trace)
            x->waves_done = "fftconv";
        bool ok = o.mismatches == 0 && o.sqnr_db >= 70.0 && o.cycles == o.cycles_model;
        char note[200];
        snprintf(note, sizeof note, "vs model + FFTW (>= 70 dB); %.1f us simulated, %llu TLM "
                 "transactions, irq wait; cycles %s spec", (double)(nc_platform_time_ps(p) - t0) / 1e6,
                 (unsigned long long)(nc_platform_transactions(p) - n0),
                 o.cycles == o.cycles_model ? "=" : "!=");
        nc_report_row(x->rep, "platform", config, l, o.mismatches, o.sqnr_db, o.cycles, ok, note);
        rc = ok ? NC_OK : NC_ERR_MISMATCH;
    } else {
        row_failed(x, config);
    }
    fftconv_outcome_free(&o);
    free(u), free(k), free(us);
    return rc;
}

static int snn_job(nc_platform_t *p, plat_ctx_t *x)
{
    const plat_args_t *a = x->a;
    const char *config = "snn 64-128-96-64 rec+astro via TLM";
    nc_rng_t rng;
    nc_rng_seed(&rng, (uint64_t)a->seed + 7);
    snn_gen_opts_t g = {.n_axons = 64, .layer = {128, 96, 64}, .n_layers = 3, .p_ff = 0.15,
                        .p_rec = 0.03, .w_lo = -60, .w_hi = 100, .dmax = 32, .wexp = 3,
                        .astro = true, .wild = true, .vth_lo = 2000, .vth_hi = 40000};
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    snn_dev_t d;
    uint32_t steps = (uint32_t)a->steps;
    uint64_t t0 = nc_platform_time_ps(p), n0 = nc_platform_transactions(p);
    bool trace = a->waves && !x->waves_done;
    int rc = snn_gen_layered(&net, &g, &rng);
    if (rc == NC_OK)
        rc = snn_gen_poisson(64, steps, 0.08, &rng, &in, &n_in);
    bus_t *bus = nc_platform_bus(p, "snn");
    if (rc == NC_OK && !bus)
        rc = nc_err_status();
    if (rc == NC_OK)
        rc = snn_dev_open(bus, &d);
    if (rc == NC_OK)
        rc = snn_dev_load(&d, &net);
    if (rc == NC_OK && trace) /* after loading: the waveform opens on the steps */
        rc = vmodel_trace_open(nc_platform_vmodel(p, "snn"), x->rtl_waves);
    snn_cosim_opts_t o = {.check_state = true};
    if (rc == NC_OK)
        rc = snn_cosim_run(&d, &net, in, n_in, steps, &o, &res);
    if (trace)
        vmodel_trace_close(nc_platform_vmodel(p, "snn"));
    if (rc == NC_OK) {
        if (trace)
            x->waves_done = "snn";
        uint64_t mism = res.spike_mismatches + res.state_mismatches;
        char note[200];
        snprintf(note, sizeof note, "Poisson 8%%, u/v/ref every step; %.1f us simulated, %llu TLM "
                 "transactions", (double)(nc_platform_time_ps(p) - t0) / 1e6,
                 (unsigned long long)(nc_platform_transactions(p) - n0));
        nc_report_row(x->rep, "platform", config, res.states_compared + res.n_out, mism, NAN,
                      res.run_cycles, mism == 0, mism ? res.first_mismatch : note);
        rc = mism ? NC_ERR_MISMATCH : NC_OK;
    } else {
        row_failed(x, config);
    }
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

static int prog(nc_platform_t *p, void *arg)
{
    plat_ctx_t *x = arg;
    int rc = NC_OK, r;
    if (x->a->fftconv && (r = fftconv_job(p, x)) != NC_OK)
        rc = r;
    if (x->a->snn && (r = snn_job(p, x)) != NC_OK && rc == NC_OK)
        rc = r;
    return rc;
}

/* Builds the platform, runs the chosen jobs; rows go to rep. */
static int run_platform(const plat_args_t *a, nc_report_t *rep)
{
    nc_platform_cfg_t cfg = {.clk_ps = (uint32_t)a->clk_ps, .quantum_cycles = (uint32_t)a->quantum,
                             .max_sim_s = 1.0};
    nc_platform_t *p = nc_platform_create(&cfg);
    int rc = p ? NC_OK : nc_err_status();
    for (size_t i = 0; rc == NC_OK && i < NC_ARRAY_LEN(map); i++)
        rc = map[i].model ? nc_platform_add_vmodel(p, map[i].name, map[i].model, map[i].base, map[i].size)
                          : nc_platform_add_sram(p, map[i].name, map[i].base, map[i].size);
    plat_ctx_t x = {a, rep, "", NULL};
    if (a->waves) {
        snprintf(x.rtl_waves, sizeof x.rtl_waves, "%s.rtl.tmp", a->waves);
        if (rc == NC_OK)
            rc = nc_platform_record(p, (size_t)1 << 24); /* bound: 16 M value changes */
    }
    if (rc == NC_OK)
        rc = nc_platform_run(p, prog, &x);
    if (rc != NC_OK && rc != NC_ERR_MISMATCH && rep->rows == 0)
        nc_report_row(rep, "platform", "platform run", 0, 0, NAN, 0, false, nc_err_msg());
    if (x.waves_done) { /* the accelerator's signals and the TLM transactions, one time axis */
        int wrc = nc_platform_write_waves(p, x.waves_done, x.rtl_waves, a->waves);
        if (wrc == NC_OK)
            nc_waves_print(stdout, a->waves);
        else
            fprintf(stderr, "neurocosim platform: %s\n", nc_err_msg());
        rc = rc == NC_OK ? wrc : rc;
    }
    if (a->waves)
        unlink(x.rtl_waves);
    nc_platform_destroy(p);
    return rc;
}

int cmd_platform(int argc, char **argv)
{
    plat_args_t a;
    int st = parse_args(argc, argv, &a);
    if (st >= 0)
        return st;
    nc_report_t rep = {0, 0};
    nc_report_header();
    int rc = run_platform(&a, &rep);
    if (rc != NC_OK && rc != NC_ERR_MISMATCH)
        fprintf(stderr, "neurocosim platform: %s\n", nc_err_msg());
    return rc == NC_OK && rep.failures == 0 ? 0 : 1;
}

int validate_platform(nc_report_t *r)
{
    plat_args_t a = {.fftconv = true, .snn = true, .clk_ps = 10000, .quantum = 1000,
                     .length = 4096, .steps = 200, .seed = 1};
    return run_platform(&a, r);
}
