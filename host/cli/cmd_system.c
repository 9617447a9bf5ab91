/*
 * cmd_system.c - `neurocosim system`: the hybrid SFQ/CMOS system of issue 10 end to end, host
 * code, RTL and SFQ circuits in one simulation (host/harness/system_cosim.h); and
 * validate_system() for `neurocosim run`.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "spice_par.h"
#include "system_cosim.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim system [--inputs AB] [--seed S] [--seeds N] [--waves FILE]\n"
            "                         [--jobs N] [--wall S]\n"
            "Runs the hybrid chip in one simulation: the host (C drivers over SystemC/TLM) sets the\n"
            "two XOR input rates through the RTL stimulus block (DAC codes biasing SFQ pulse\n"
            "generators), turns the SFQ bias on; the deep XOR network runs in ngspice in lockstep\n"
            "with the RTL (seeded 4.2 K noise); its output crosses into the RTL through a T flip-flop\n"
            "divider and an SFQ/DC stage, a synchroniser and an AER encoder that feeds the SNN core's\n"
            "decision neuron; the host reads the class over TLM. Each run is checked: class = XOR,\n"
            "digital part bit-exact against the golden models fed with the observed analog event\n"
            "times, analog rates within the rate model's intervals, every bus message accounted.\n"
            "  --inputs AB    one input pair, A and B each 0 (10 GHz) or 1 (40 GHz); default: all four\n"
            "  --seed S       noise seed of the first run (default 1)\n"
            "  --seeds N      seeds S..S+N-1 for every input pair, 1..100 (default 1)\n"
            "  --waves FILE   FST of the run (needs one input pair and one seed): the analog traces\n"
            "                 (scope sfq), the chip's RTL and the TLM transactions (scope tlm) on one\n"
            "                 time axis in ps; its folder must exist (make waves WAVE=FILE)\n"
            "  --jobs N       runs at once, each in a process of its own, 1..64 (default: CPUs)\n"
            "  --wall S       wall-clock bound of each run's analog side in s, 1..86400 (default 600)\n"
            "  --verbose      print each run's figures after the table\n"
            "Exit status: 0 when every run passed, 1 on a failed check, 2 on bad usage.\n");
}

typedef struct sys_args {
    int64_t a, b, seed, seeds, jobs, wall;
    bool one, verbose;
    const char *waves;
} sys_args_t;

static int parse(int argc, char **argv, sys_args_t *a)
{
    static const struct option opts[] = {
        {"inputs", required_argument, 0, 'i'}, {"seed", required_argument, 0, 's'},
        {"seeds", required_argument, 0, 'n'},  {"waves", required_argument, 0, 'w'},
        {"jobs", required_argument, 0, 'j'},   {"wall", required_argument, 0, 't'},
        {"verbose", no_argument, 0, 'v'},      {"help", no_argument, 0, 'h'},
        {0, 0, 0, 0}};
    *a = (sys_args_t){.seed = 1, .seeds = 1, .jobs = nc_par_cpus(), .wall = 600};
    optind = 1;
    int c, rc = NC_OK;
    while (rc == NC_OK && (c = getopt_long(argc, argv, "i:s:n:w:j:t:vh", opts, NULL)) != -1) {
        switch (c) {
        case 'i':
            if (strlen(optarg) != 2 || (optarg[0] != '0' && optarg[0] != '1') ||
                (optarg[1] != '0' && optarg[1] != '1'))
                rc = nc_err_set(NC_ERR_ARG, "--inputs '%s': expected two digits, each 0 or 1 "
                                "(00, 01, 10, 11)", optarg);
            a->a = optarg[0] - '0', a->b = optarg[1] - '0', a->one = true;
            break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'n': rc = nc_parse_int(optarg, 1, 100, "--seeds", &a->seeds); break;
        case 'w': a->waves = optarg; break;
        case 'j': rc = nc_parse_int(optarg, 1, NC_PAR_MAX_PROCS, "--jobs", &a->jobs); break;
        case 't': rc = nc_parse_int(optarg, 1, 86400, "--wall", &a->wall); break;
        case 'v': a->verbose = true; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (rc == NC_OK && optind < argc)
        rc = nc_err_set(NC_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (rc == NC_OK && a->waves && (!a->one || a->seeds != 1))
        rc = nc_err_set(NC_ERR_ARG, "--waves: one run only (give --inputs AB and one seed)");
    if (rc == NC_OK && a->waves)
        rc = nc_waves_check(a->waves);
    if (rc) {
        fprintf(stderr, "neurocosim system: %s\n", nc_err_msg());
        return 2;
    }
    return -1;
}

/* Runs the configurations of `a`; one report row per run. */
static int run(const sys_args_t *a, nc_report_t *rep)
{
    size_t n = (size_t)(a->one ? 1 : 4) * (size_t)a->seeds;
    sys_cfg_t *cfg = calloc(n, sizeof *cfg);
    sys_result_t *res = calloc(n, sizeof *res);
    int *st = calloc(n, sizeof *st);
    if (!cfg || !res || !st) {
        free(cfg), free(res), free(st);
        return nc_err_set(NC_ERR_NOMEM, "system: out of memory");
    }
    for (size_t i = 0; i < n; i++) {
        size_t pair = a->one ? 0 : i % 4;
        cfg[i] = (sys_cfg_t){.a = a->one ? (int)a->a : (int)(pair >> 1),
                             .b = a->one ? (int)a->b : (int)(pair & 1),
                             .seed = (uint64_t)a->seed + (a->one ? i : i / 4),
                             .waves = a->waves, .wall_s = (double)a->wall};
    }
    int rc = sys_run_all(cfg, n, (int)a->jobs, res, st);
    for (size_t i = 0; i < n; i++) {
        const sys_result_t *r = &res[i];
        char config[96];
        snprintf(config, sizeof config, "inputs %d%d seed %llu (DAC %u,%u)", cfg[i].a, cfg[i].b,
                 (unsigned long long)cfg[i].seed, r->dac_a, r->dac_b);
        if (st[i] && !r->why[0]) {
            nc_report_row(rep, "system", config, 0, 0, NAN, 0, false, nc_err_msg());
            continue;
        }
        char note[320];
        if (r->pass)
            snprintf(note, sizeof note, "%s; %u slips, %u drive changes, %llu TLM transactions; "
                     "%.1f ns simulated, %.0f s", r->why, r->slips, r->drive_changes,
                     (unsigned long long)r->transactions, r->sim_ps / 1e3, r->wall_s);
        else
            snprintf(note, sizeof note, "%s", r->why);
        nc_report_row(rep, "system", config, (uint64_t)r->edges_model + r->spikes_model + 1,
                      r->mismatches, NAN, (uint64_t)(r->sim_ps / SYS_CLK_PS), r->pass, note);
    }
    for (size_t i = 0; a->verbose && i < n; i++) {
        const sys_result_t *r = &res[i];
        printf("run %zu: inputs %d%d seed %llu: DAC %u,%u; bias on at %.3f ns, analog to %.4f ns; "
               "%u slips (%u interface toggles), %u drive changes\n"
               "  interface: %u level changes (model %u), %u AER events, %u drops; decision: %u "
               "spikes (model %u), class %d (model %d, analog %d, want %d)\n"
               "  rates: A %.2f, B %.2f, out %.3f GHz (model %.3f +- %.3f); bus: %llu TLM "
               "transactions, %llu driver accesses; %.1f s wall\n",
               i, r->a, r->b, (unsigned long long)r->seed, r->dac_a, r->dac_b, r->t_on_ps / 1e3,
               r->t_end_s * 1e9, r->slips, r->n_iface, r->drive_changes, r->edges, r->edges_model,
               r->events, r->drops, r->spikes_rtl, r->spikes_model, r->cls_rtl, r->cls_model,
               r->cls_analog, r->cls_want, r->rate_a / 1e9, r->rate_b / 1e9, r->rate_out / 1e9,
               r->pred_out / 1e9, r->tol_out / 1e9, (unsigned long long)r->transactions,
               (unsigned long long)r->accesses, r->wall_s);
    }
    if (a->waves && n == 1 && res[0].pass)
        nc_waves_print(stdout, a->waves);
    free(cfg), free(res), free(st);
    return rc == NC_OK || rep->failures ? NC_OK : rc;
}

int cmd_system(int argc, char **argv)
{
    sys_args_t a;
    int stc = parse(argc, argv, &a);
    if (stc >= 0)
        return stc;
    nc_report_t rep = {0, 0};
    nc_report_header();
    int rc = run(&a, &rep);
    if (rc != NC_OK)
        fprintf(stderr, "neurocosim system: %s\n", nc_err_msg());
    return rc == NC_OK && rep.failures == 0 ? 0 : 1;
}

int validate_system(nc_report_t *r)
{
    sys_args_t a = {.seed = 1, .seeds = 1, .jobs = nc_par_cpus(), .wall = 600};
    return run(&a, r);
}
