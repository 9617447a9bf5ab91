/*
 * cmd_fftconv.c - `neurocosim fftconv`: one convolution through the co-simulated FFT
 * accelerator, checked against the bit-exact model and the FFTW reference; and
 * validate_fftconv() for `neurocosim run`.
 */
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "designs.h"
#include "fftconv_cosim.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_util.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: neurocosim fftconv --input U --kernel K --output Y [--skip D] [--length L]\n"
        "                          [--butterflies P] [--partial LK] [--freq-sparse F]\n"
        "                          [--oshift S] [--waves FILE] [--seed S]\n"
        "Runs y[t] = sum_{j<=t} k[j] u[t-j] + D u[t] on the Verilated accelerator (rtl/fftconv),\n"
        "compares it sample by sample with the bit-exact model and reports the SQNR against a\n"
        "double-precision FFTW reference. Number formats: rtl/fftconv/README.md.\n"
        "  --input U         text file, one integer per line: u[t] in Q1.15 (-32768..32767);\n"
        "                    L lines, L a power of two in 256..65536. Without --input, a white\n"
        "                    -6 dBFS input of --length L is generated from --seed.\n"
        "  --kernel K        text file, 1..L integers: taps k[j] in Q1.15 (missing taps are 0).\n"
        "                    Without --kernel, a random decaying unit-gain kernel from --seed.\n"
        "  --output Y        writes y[t] (Q1.15, times 2^S with --oshift), one per line\n"
        "  --skip D          skip weight D in Q1.15 (-32768..32767, default 0)\n"
        "  --length L        sequence length; must equal the input's line count (default: it)\n"
        "  --butterflies P   1, 2 or 4 butterflies per cycle (default 2)\n"
        "  --partial LK      only the first LK taps are used (power of two, 32..L): blocks of LK\n"
        "  --freq-sparse F   only kernel-spectrum bins |f| < F are kept (1..LK, or 1..L)\n"
        "  --oshift S        output gain 2^S before rounding to 16 bits (0..8, default 0)\n"
        "  --waves FILE      FST waveform of the run (open with: make waves WAVE=FILE)\n"
        "  --seed S          seed for generated input or kernel (default 1)\n"
        "Prints the kernel exponent, the output scaling, cycles (and the ratio to the bound\n"
        "N(log2 N + 1)/P, N = 2L), saturations, mismatches against the model and the SQNR.\n"
        "Exit status: 0 when the RTL matched the model, 1 on a mismatch or device error,\n"
        "2 on bad arguments or input files.\n");
}

typedef struct {
    const char *input, *kernel, *output, *waves;
    int64_t skip, length, p, partial, sparse, oshift, seed;
} args_t;

static int log2_exact(int64_t v, const char *what, unsigned *out)
{
    unsigned r = 0;
    while (r < 62 && ((int64_t)1 << r) < v)
        r++;
    if (((int64_t)1 << r) != v)
        return nc_err_set(NC_ERR_ARG, "%s = %lld: expected a power of two", what, (long long)v);
    *out = r;
    return NC_OK;
}

static int parse_args(int argc, char **argv, args_t *a)
{
    static const struct option opts[] = {
        {"input", required_argument, 0, 'i'},  {"kernel", required_argument, 0, 'k'},
        {"output", required_argument, 0, 'o'}, {"skip", required_argument, 0, 'd'},
        {"length", required_argument, 0, 'l'}, {"butterflies", required_argument, 0, 'p'},
        {"partial", required_argument, 0, 'c'}, {"freq-sparse", required_argument, 0, 'f'},
        {"oshift", required_argument, 0, 'x'}, {"waves", required_argument, 0, 'w'},
        {"seed", required_argument, 0, 's'},   {"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};
    *a = (args_t){.p = 2, .seed = 1};
    optind = 1;
    int c, rc = NC_OK;
    while (rc == NC_OK && (c = getopt_long(argc, argv, "i:k:o:d:l:p:c:f:x:w:s:h", opts, NULL)) != -1) {
        switch (c) {
        case 'i': a->input = optarg; break;
        case 'k': a->kernel = optarg; break;
        case 'o': a->output = optarg; break;
        case 'w': a->waves = optarg; break;
        case 'd': rc = nc_parse_int(optarg, -32768, 32767, "--skip", &a->skip); break;
        case 'l': rc = nc_parse_int(optarg, 256, 65536, "--length", &a->length); break;
        case 'p': rc = nc_parse_int(optarg, 1, 4, "--butterflies", &a->p); break;
        case 'c': rc = nc_parse_int(optarg, 32, 65536, "--partial", &a->partial); break;
        case 'f': rc = nc_parse_int(optarg, 1, 65536, "--freq-sparse", &a->sparse); break;
        case 'x': rc = nc_parse_int(optarg, 0, 8, "--oshift", &a->oshift); break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'h': usage(stdout); exit(0);
        default: return nc_err_set(NC_ERR_ARG, "unknown option (see --help)");
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return nc_err_set(NC_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (a->p == 3)
        return nc_err_set(NC_ERR_ARG, "--butterflies 3: expected 1, 2 or 4");
    if (!a->output)
        return nc_err_set(NC_ERR_ARG, "--output Y is required");
    if (!a->input && !a->length)
        return nc_err_set(NC_ERR_ARG, "--input U (or --length L for a generated input) is required");
    return NC_OK;
}

/* Reads or generates u and k; fixes L. */
static int load_inputs(const args_t *a, int16_t **u, int16_t **k, unsigned *log2l)
{
    nc_rng_t r;
    nc_rng_seed(&r, (uint64_t)a->seed);
    int64_t *v = NULL;
    size_t n = (size_t)a->length;
    if (a->input) {
        int rc = nc_read_ints(a->input, -32768, 32767, &v, &n);
        if (rc)
            return rc;
        if (a->length && (size_t)a->length != n) {
            free(v);
            return nc_err_set(NC_ERR_PARSE, "%s: %zu values, but --length is %lld", a->input, n,
                              (long long)a->length);
        }
    }
    char what[300];
    snprintf(what, sizeof what, "%s%s", a->input ? a->input : "--length", a->input ? ": line count" : "");
    int rc = log2_exact((int64_t)n, what, log2l);
    if (!rc && (n < 256 || n > 65536))
        rc = nc_err_set(NC_ERR_ARG, "%s: L = %zu, expected 256..65536", a->input ? a->input : "--length", n);
    *u = calloc(n ? n : 1, sizeof **u);
    *k = calloc(n ? n : 1, sizeof **k);
    if (!rc && (!*u || !*k))
        rc = nc_err_set(NC_ERR_NOMEM, "no memory for L = %zu", n);
    for (size_t i = 0; !rc && i < n; i++)
        (*u)[i] = v ? (int16_t)v[i] : 0;
    if (!rc && !a->input)
        fftconv_make_input(FFTCONV_SIG_NOISE, &r, *u, n);
    free(v);
    if (rc)
        return rc;
    if (!a->kernel)
        return fftconv_make_kernel(&r, a->partial ? (size_t)a->partial : n, 1.0, *k);
    size_t nk = 0;
    if ((rc = nc_read_ints(a->kernel, -32768, 32767, &v, &nk)))
        return rc;
    if (nk == 0 || nk > n)
        rc = nc_err_set(NC_ERR_PARSE, "%s: %zu taps, expected 1..L (%zu)", a->kernel, nk, n);
    for (size_t i = 0; !rc && i < nk; i++)
        (*k)[i] = (int16_t)v[i];
    free(v);
    return rc;
}

static void print_outcome(const fftconv_job_t *j, const fftconv_outcome_t *o)
{
    printf("fftconv P=%u L=%u Lk=%u F=%u D=%d\n", j->p, 1u << j->cfg.log2l, 1u << j->cfg.log2lk,
           j->cfg.freq_bins, j->cfg.d);
    printf("  kernel spectrum exponent KEXP = %u (K = word * 2^(KEXP-15))\n", o->kexp);
    printf("  output scaling: Q1.15 words of y * 2^%u (OSHIFT = %u)\n", j->cfg.oshift, j->cfg.oshift);
    printf("  cycles %u (schedule %u), %.3f of the bound N(log2 N+1)/P\n", o->cycles,
           o->cycles_model, o->bound_ratio);
    printf("  saturations %u (model %llu)\n", o->sat_rtl, (unsigned long long)o->sat_model);
    printf("  RTL vs bit-exact model: %zu of %u samples differ\n", o->mismatches, 1u << j->cfg.log2l);
    printf("  SQNR vs FFTW double reference: %.2f dB\n", o->sqnr_db);
    if (j->waves)
        printf("  waveform: %s\n", j->waves);
}

int cmd_fftconv(int argc, char **argv)
{
    args_t a;
    int16_t *u = NULL, *k = NULL;
    unsigned log2l = 0;
    int rc = parse_args(argc, argv, &a);
    if (!rc)
        rc = load_inputs(&a, &u, &k, &log2l);
    fftconv_job_t job = {(unsigned)a.p, {log2l, log2l, (uint32_t)a.sparse, (int16_t)a.skip, 0,
                         (unsigned)a.oshift}, u, k, a.waves};
    if (!rc && a.partial && (rc = log2_exact(a.partial, "--partial", &job.cfg.log2lk)) == NC_OK &&
        job.cfg.log2lk > log2l)
        rc = nc_err_set(NC_ERR_ARG, "--partial %lld: expected at most L = %u", (long long)a.partial,
                        1u << log2l);
    if (!rc)
        rc = fftconv_cfg_check(&job.cfg, FFTCONV_LOG2L_MAX_SPEC);
    if (rc) {
        fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
        free(u), free(k);
        return 2;
    }
    fftconv_outcome_t o;
    rc = fftconv_cosim_run(&job, &o);
    int status = 0;
    if (rc) {
        fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
        status = 1;
    } else {
        print_outcome(&job, &o);
        int64_t *yv = malloc(((size_t)1 << log2l) * sizeof *yv);
        for (size_t t = 0; yv && t < ((size_t)1 << log2l); t++)
            yv[t] = o.y[t];
        if (!yv || nc_write_ints(a.output, yv, (size_t)1 << log2l)) {
            fprintf(stderr, "neurocosim fftconv: %s\n", yv ? nc_err_msg() : "out of memory");
            status = 2;
        }
        free(yv);
        if (o.mismatches) {
            fprintf(stderr, "neurocosim fftconv: RTL and model differ (first at y[%zu])\n",
                    o.first_mismatch);
            status = 1;
        }
    }
    fftconv_outcome_free(&o);
    free(u), free(k);
    return status;
}

/* ------------------------------------------------------------------ make run */

typedef struct {
    const char *name;
    unsigned p, log2l, log2lk;
    uint32_t f;
    double min_sqnr;
} vcase_t;

int validate_fftconv(nc_report_t *r)
{
    /* F = 512 of M = 8192 bins keeps 1/8 of the power: 9 dB less signal above the same noise */
    static const vcase_t cases[] = {
        {"L=4096 dense P=2", 2, 12, 12, 0, 70.0},
        {"L=4096 partial Lk=256 P=2", 2, 12, 8, 0, 70.0},
        {"L=4096 freq-sparse F=512 P=2", 2, 12, 12, 512, 61.0},
        {"L=1024 dense P=1", 1, 10, 10, 0, 70.0},
        {"L=16384 dense P=4", 4, 14, 14, 0, 70.0},
    };
    int failures = 0;
    for (size_t i = 0; i < NC_ARRAY_LEN(cases); i++) {
        const vcase_t *c = &cases[i];
        size_t l = (size_t)1 << c->log2l;
        int16_t *u = malloc(l * 2), *k = calloc(l, 2);
        nc_rng_t rng;
        nc_rng_seed(&rng, 1000 + i);
        fftconv_job_t job = {c->p, {c->log2l, c->log2lk, c->f, 0, 0, 0}, u, k, NULL};
        fftconv_outcome_t o = {0};
        int rc = (!u || !k) ? nc_err_set(NC_ERR_NOMEM, "no memory") : NC_OK;
        if (!rc) {
            fftconv_make_input(FFTCONV_SIG_NOISE, &rng, u, l);
            rc = fftconv_make_kernel(&rng, (size_t)1 << c->log2lk, 1.0, k);
        }
        if (!rc)
            rc = fftconv_cosim_run(&job, &o);
        char note[160];
        bool pass = !rc && o.mismatches == 0 && o.sqnr_db >= c->min_sqnr && o.cycles == o.cycles_model;
        if (rc)
            snprintf(note, sizeof note, "%s", nc_err_msg());
        else
            snprintf(note, sizeof note, "vs model + FFTW (>= %.0f dB); %.3f of cycle bound; sat %u",
                     c->min_sqnr, o.bound_ratio, o.sat_rtl);
        nc_report_row(r, "fftconv", c->name, rc ? 0 : l, rc ? 0 : o.mismatches,
                      rc ? NAN : o.sqnr_db, rc ? 0 : o.cycles, pass, note);
        failures += !pass;
        fftconv_outcome_free(&o);
        free(u), free(k);
    }
    return failures ? 1 : 0;
}
