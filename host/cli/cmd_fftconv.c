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
#include <sys/stat.h>
#include <unistd.h>

#include "designs.h"
#include "fftconv_cosim.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_util.h"

static void usage(FILE *f)
{
    fprintf(f,
        "usage: neurocosim fftconv [--input U] [--kernel K] [--output Y] [--length L]\n"
        "                          [--skip D] [--butterflies P] [--partial LK]\n"
        "                          [--freq-sparse F] [--packed] [--oshift S] [--waves FILE]\n"
        "                          [--seed S] [--channels H]\n"
        "Runs y[t] = sum_{j<=t} k[j] u[t-j] + D u[t] on the Verilated accelerator (rtl/fftconv),\n"
        "compares it sample by sample with the bit-exact model and reports the SQNR against a\n"
        "double-precision FFTW reference. With no option at all it convolves a generated input\n"
        "of L = 1024 samples with a generated kernel and writes nothing. Number formats:\n"
        "rtl/fftconv/README.md.\n"
        "  --input U         text file, one integer per line: u[t] in Q1.15 (-32768..32767);\n"
        "                    L lines, L a power of two in 256..65536. Without --input, a white\n"
        "                    -6 dBFS input of --length L (default 1024) is generated from --seed.\n"
        "  --kernel K        text file, 1..L integers: taps k[j] in Q1.15 (missing taps are 0);\n"
        "                    with --partial LK, 1..LK integers. Without --kernel, a random\n"
        "                    decaying unit-gain kernel of L (or LK) taps from --seed.\n"
        "  --output Y        writes y[t] (Q1.15, times 2^S with --oshift), one per line, replacing\n"
        "                    Y atomically after the run; checked before the run (its folder must\n"
        "                    exist and be writable, Y must not be a folder or a device). Without\n"
        "                    --output nothing is written.\n"
        "  --length L        sequence length, a power of two in 256..65536; must equal the\n"
        "                    input's line count (default: that count, or 1024 without --input)\n"
        "  --skip D          skip weight D in Q1.15 (-32768..32767, default 0)\n"
        "  --butterflies P   1, 2 or 4 butterflies per cycle (default 2)\n"
        "  --partial LK      only the first LK taps are used, any LK in 1..L (a 300-tap kernel\n"
        "                    is fine): taps LK.. are zero (a --kernel file longer than LK is\n"
        "                    refused). The accelerator runs overlap-save blocks of Lk samples,\n"
        "                    Lk = the smallest power of two >= LK and >= 32 (LK = L: dense).\n"
        "  --freq-sparse F   only kernel-spectrum bins |f| < F of the 2Lk-point spectrum are\n"
        "                    kept: 1..Lk (Lk = L without --partial)\n"
        "  --packed          real-input packing (MODE.PACKED): Lk-point complex transforms of\n"
        "                    sample pairs and one fused split/multiply/merge pass, about 0.45 of\n"
        "                    the bound instead of 0.92-0.95; with --partial and --freq-sparse\n"
        "                    too; checked against the packed bit-exact model\n"
        "  --oshift S        output gain 2^S before rounding to 16 bits (0..8, default 0)\n"
        "  --waves FILE      FST waveform of the run; its folder must exist (checked before the\n"
        "                    run); the path and the command that opens it are printed after it\n"
        "  --seed S          seed for generated input or kernel (0..2^63-1, default 1)\n"
        "  --channels H      H channels in one job (depthwise: each with its own kernel), 1..64,\n"
        "                    on the many-channel build fftconv_c2 (P = 2, L <= 4096, 64 kernel\n"
        "                    slots, two U/Y banks): the H kernel spectra are loaded once into\n"
        "                    slots 0..H-1, then the inputs stream channel after channel, the\n"
        "                    next input loaded and the last output read while a channel runs.\n"
        "                    --input then holds H*L lines (channel c: lines c*L+1..c*L+L),\n"
        "                    --kernel H*T lines (T taps per channel, 1..L or 1..LK), --output\n"
        "                    gets H*L lines in the same order; generated inputs and kernels\n"
        "                    differ per channel. Every channel is checked against the model with\n"
        "                    its own kernel; the worst channel's SQNR is reported\n"
        "Prints the kernel exponent, the output scaling, cycles (and the ratio to the bound\n"
        "N(log2 N + 1)/P, N = 2L), saturations, mismatches against the model and the SQNR.\n"
        "Runs with L = 65536 show their progress on stderr when it is a terminal (NC_PROGRESS=1\n"
        "forces it, NC_PROGRESS=0 silences it).\n"
        "Exit status: 0 when the RTL matched the model, 1 on a mismatch or device error,\n"
        "2 on bad arguments or input files (checked before the run).\n");
}

#define DEFAULT_LENGTH 1024
/* the many-channel build fftconv_c2 (rtl/fftconv/ip.mk): 64 kernel slots, LMAX = 4096; the
 * device's PARAMS are checked again when it opens */
#define FFTCONV_CLI_MAX_CHANNELS 64
#define FFTCONV_CLI_CH_MAX_L 4096

typedef struct {
    const char *input, *kernel, *output, *waves;
    int64_t skip, length, p, partial, sparse, oshift, seed, channels;
    bool packed;
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
        {"seed", required_argument, 0, 's'},   {"help", no_argument, 0, 'h'},
        {"packed", no_argument, 0, 'P'},       {"channels", required_argument, 0, 'H'},
        {0, 0, 0, 0}};
    *a = (args_t){.p = 2, .seed = 1, .channels = 0};
    bool p_given = false;
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
        case 'p': rc = nc_parse_int(optarg, 1, 4, "--butterflies", &a->p); p_given = true; break;
        case 'H': rc = nc_parse_int(optarg, 1, FFTCONV_CLI_MAX_CHANNELS, "--channels", &a->channels); break;
        case 'c': rc = nc_parse_int(optarg, 1, 65536, "--partial", &a->partial); break;
        case 'f': rc = nc_parse_int(optarg, 1, 65536, "--freq-sparse", &a->sparse); break;
        case 'x': rc = nc_parse_int(optarg, 0, 8, "--oshift", &a->oshift); break;
        case 's': rc = nc_parse_int(optarg, 0, INT64_MAX, "--seed", &a->seed); break;
        case 'P': a->packed = true; break;
        case 'h': usage(stdout); exit(0);
        default: return nc_err_set(NC_ERR_ARG, "unknown option or missing value (see --help)");
        }
    }
    if (rc)
        return rc;
    if (optind < argc)
        return nc_err_set(NC_ERR_ARG, "unexpected argument '%s'", argv[optind]);
    if (a->p == 3)
        return nc_err_set(NC_ERR_ARG, "--butterflies 3: expected 1, 2 or 4");
    if (a->input && !*a->input)
        return nc_err_set(NC_ERR_ARG, "--input: empty file name");
    if (a->kernel && !*a->kernel)
        return nc_err_set(NC_ERR_ARG, "--kernel: empty file name");
    if (!a->input && !a->length)
        a->length = DEFAULT_LENGTH;
    if (a->channels && p_given && a->p != 2)
        return nc_err_set(NC_ERR_ARG, "--butterflies %lld with --channels: the many-channel build "
                          "fftconv_c2 has P = 2", (long long)a->p);
    if (a->channels && a->length > FFTCONV_CLI_CH_MAX_L)
        return nc_err_set(NC_ERR_ARG, "--length %lld with --channels: expected 256..%d (the "
                          "many-channel build fftconv_c2 has LMAX = %d)", (long long)a->length,
                          FFTCONV_CLI_CH_MAX_L, FFTCONV_CLI_CH_MAX_L);
    return NC_OK;
}

/* The outputs are checked before anything runs: a run never ends in "cannot write". */
static int check_outputs(const args_t *a)
{
    if (a->output) {
        struct stat st;
        if (!*a->output)
            return nc_err_set(NC_ERR_ARG, "--output: empty file name");
        if (stat(a->output, &st) == 0 && !S_ISREG(st.st_mode))
            return nc_err_set(NC_ERR_ARG, "--output %s: not a regular file (a folder or a device); "
                              "expected a file to create or replace (omit --output to write "
                              "nothing)", a->output);
        if (nc_out_check(a->output)) {
            char why[512];
            snprintf(why, sizeof why, "%s", nc_err_msg());
            return nc_err_set(NC_ERR_ARG, "--output %s", why);
        }
    }
    if (a->waves && nc_waves_check(a->waves))
        return NC_ERR_ARG;
    return NC_OK;
}

/* Reads or generates u and k (h channels: h L inputs, h kernels of L taps, channel after
 * channel); fixes L. Taps past a kernel (file or --partial LK) are 0. */
static int load_inputs(const args_t *a, int16_t **u, int16_t **k, unsigned *log2l)
{
    nc_rng_t r;
    nc_rng_seed(&r, (uint64_t)a->seed);
    int64_t *v = NULL;
    const size_t h = a->channels ? (size_t)a->channels : 1;
    size_t n = (size_t)a->length;
    if (a->input) {
        size_t total = 0;
        int rc = nc_read_ints(a->input, -32768, 32767, &v, &total);
        if (rc)
            return rc;
        if (total % h) {
            free(v);
            return nc_err_set(NC_ERR_PARSE, "%s: %zu values, not a multiple of --channels %zu "
                              "(expected H*L lines)", a->input, total, h);
        }
        n = total / h;
        if (a->length && (size_t)a->length != n) {
            free(v);
            return nc_err_set(NC_ERR_PARSE, "%s: %zu values%s, but --length is %lld", a->input,
                              n, h > 1 ? " per channel" : "", (long long)a->length);
        }
    }
    char what[300];
    snprintf(what, sizeof what, "%s%s", a->input ? a->input : "--length", a->input ? ": line count" : "");
    int rc = log2_exact((int64_t)n, what, log2l);
    const size_t lmax = a->channels ? FFTCONV_CLI_CH_MAX_L : 65536;
    if (!rc && (n < 256 || n > lmax))
        rc = nc_err_set(NC_ERR_ARG, "%s: L = %zu, expected 256..%zu%s", a->input ? a->input : "--length",
                        n, lmax, a->channels ? " (the many-channel build fftconv_c2)" : "");
    if (!rc && a->partial && (size_t)a->partial > n)
        rc = nc_err_set(NC_ERR_ARG, "--partial %lld: expected 1..L (%zu taps)", (long long)a->partial, n);
    if (rc) {
        free(v);
        return rc;
    }
    *u = calloc(h * n, sizeof **u);
    *k = calloc(h * n, sizeof **k);
    if (!*u || !*k)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory for %zu x L = %zu", h, n);
    for (size_t i = 0; !rc && i < h * n; i++)
        (*u)[i] = v ? (int16_t)v[i] : 0;
    if (!rc && !a->input)
        fftconv_make_input(FFTCONV_SIG_NOISE, &r, *u, h * n);
    free(v);
    v = NULL;
    size_t taps = a->partial ? (size_t)a->partial : n;
    if (rc || !a->kernel) {
        for (size_t c = 0; !rc && c < h; c++)
            rc = fftconv_make_kernel(&r, taps, 1.0, *k + c * n);
        return rc;
    }
    size_t nk = 0;
    if ((rc = nc_read_ints(a->kernel, -32768, 32767, &v, &nk)))
        return rc;
    const char *per = h > 1 ? " per channel" : "";
    if (nk % h)
        rc = nc_err_set(NC_ERR_PARSE, "%s: %zu values, not a multiple of --channels %zu (expected "
                        "H*T lines, T taps per channel)", a->kernel, nk, h);
    else if ((nk /= h) == 0)
        rc = nc_err_set(NC_ERR_PARSE, "%s: no taps, expected 1..%zu", a->kernel, taps);
    else if (nk > taps && a->partial)
        rc = nc_err_set(NC_ERR_PARSE, "%s: %zu taps%s, but --partial %zu uses only the first %zu: "
                        "expected 1..%zu taps", a->kernel, nk, per, taps, taps, taps);
    else if (nk > taps)
        rc = nc_err_set(NC_ERR_PARSE, "%s: %zu taps%s, expected 1..L (%zu)", a->kernel, nk, per, n);
    for (size_t c = 0; !rc && c < h; c++)
        for (size_t i = 0; i < nk; i++)
            (*k)[c * n + i] = (int16_t)v[c * nk + i];
    free(v);
    return rc;
}

static void print_outcome(const fftconv_job_t *j, bool packed, size_t taps,
                          const fftconv_outcome_t *o)
{
    unsigned l = 1u << j->cfg.log2l, lk = 1u << j->cfg.log2lk;
    printf("fftconv P=%u L=%u Lk=%u F=%u D=%d%s\n", j->p, l, lk, j->cfg.freq_bins, j->cfg.d,
           packed ? " packed" : "");
    if (taps < l)
        printf("  partial kernel: the first %zu tap%s, in overlap-save blocks of Lk = %u%s\n", taps,
               taps == 1 ? "" : "s", lk, taps < lk ? " (the rest of the block is zero)" : "");
    printf("  kernel spectrum exponent KEXP = %u (K = word * 2^(KEXP-15))\n", o->kexp);
    printf("  output scaling: Q1.15 words of y * 2^%u (OSHIFT = %u)\n", j->cfg.oshift, j->cfg.oshift);
    printf("  cycles %u (schedule %u), %.3f of the bound N(log2 N+1)/P\n", o->cycles,
           o->cycles_model, o->bound_ratio);
    printf("  saturations %u (model %llu)\n", o->sat_rtl, (unsigned long long)o->sat_model);
    printf("  RTL vs bit-exact model: %zu of %u samples differ\n", o->mismatches, l);
    printf("  SQNR vs FFTW double reference: %.2f dB\n", o->sqnr_db);
}

static int write_output(const char *path, const int16_t *y, size_t l)
{
    int64_t *yv = malloc(l * sizeof *yv);
    if (!yv)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    for (size_t t = 0; t < l; t++)
        yv[t] = y[t];
    int rc = nc_write_ints(path, yv, l);
    free(yv);
    return rc;
}

/* --channels H: the many-channel job on fftconv_c2. k holds H kernels of L taps (stride L). */
static int run_channels(const args_t *a, const fftconv_job_t *j, size_t taps, const int16_t *k)
{
    const size_t l = (size_t)1 << j->cfg.log2l, lk = (size_t)1 << j->cfg.log2lk;
    const unsigned h = (unsigned)a->channels;
    int16_t *kb = calloc(h * lk, sizeof *kb);
    if (!kb) {
        fprintf(stderr, "neurocosim fftconv: no memory for %u kernels\n", h);
        return 1;
    }
    for (size_t c = 0; c < h; c++)
        memcpy(kb + c * lk, k + c * l, lk * sizeof *kb);
    fftconv_chjob_t job = {NULL, 2, j->cfg, h, j->u, kb, a->packed, false, a->waves, true};
    fftconv_choutcome_t o;
    int rc = fftconv_cosim_channels(&job, &o), status = 0;
    if (rc) {
        fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
        status = 1;
    } else {
        const fftconv_cfg_t *c = &j->cfg;
        uint64_t one = o.cycles_model / h;
        printf("fftconv %u channels P=2 L=%zu Lk=%zu F=%u D=%d%s (fftconv_c2: %u kernel slots, "
               "%u U/Y bank%s)\n", h, l, lk, c->freq_bins, c->d, a->packed ? " packed" : "", o.kch,
               o.banks, o.banks == 1 ? "" : "s");
        if (taps < l)
            printf("  partial kernels: the first %zu tap%s, in overlap-save blocks of Lk = %zu\n",
                   taps, taps == 1 ? "" : "s", lk);
        printf("  output scaling: Q1.15 words of y * 2^%u (OSHIFT = %u)\n", c->oshift, c->oshift);
        printf("  accelerator cycles %llu (schedule %llu = %u x %llu per channel)\n",
               (unsigned long long)o.cycles, (unsigned long long)o.cycles_model, h,
               (unsigned long long)one);
        printf("  simulated cycles with bus traffic (kernels, inputs and outputs overlapped with the "
               "runs): %llu = %.0f per channel, %.3f of a channel's run\n",
               (unsigned long long)o.sim_stream, (double)o.sim_stream / h,
               (double)o.sim_stream / h / (double)one);
        printf("  saturations %llu (model %llu)\n", (unsigned long long)o.sat_rtl,
               (unsigned long long)o.sat_model);
        printf("  RTL vs bit-exact model: %zu of %zu samples differ\n", o.mismatches, h * l);
        printf("  SQNR vs FFTW double reference, worst channel: %.2f dB\n", o.sqnr_min_db);
        if (a->output && write_output(a->output, o.y, h * l)) {
            fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
            status = 2;
        } else if (a->output) {
            printf("  output: %s (%u channels x %zu samples)\n", a->output, h, l);
        }
        if (o.mismatches) {
            fprintf(stderr, "neurocosim fftconv: RTL and model differ (first in channel %u at "
                    "y[%zu])\n", o.first_channel, o.first_sample);
            status = 1;
        }
    }
    if (a->waves && (rc == NC_OK || access(a->waves, F_OK) == 0))
        nc_waves_print(stdout, a->waves);
    fftconv_choutcome_free(&o);
    free(kb);
    return status;
}

int cmd_fftconv(int argc, char **argv)
{
    args_t a;
    int16_t *u = NULL, *k = NULL;
    unsigned log2l = 0;
    int rc = parse_args(argc, argv, &a);
    if (!rc)
        rc = check_outputs(&a);
    if (!rc)
        rc = load_inputs(&a, &u, &k, &log2l);
    fftconv_job_t job = {(unsigned)a.p, {log2l, log2l, (uint32_t)a.sparse, (int16_t)a.skip, 0,
                         (unsigned)a.oshift}, u, k, a.waves, NULL, NULL};
    size_t taps = a.partial ? (size_t)a.partial : (size_t)1 << log2l;
    if (!rc && a.partial && fftconv_partial_block((uint64_t)a.partial, log2l, &job.cfg.log2lk))
        rc = nc_err_set(NC_ERR_ARG, "--partial %lld: expected 1..L (%u)", (long long)a.partial,
                        1u << log2l);
    if (!rc && a.sparse > (1 << job.cfg.log2lk))
        rc = nc_err_set(NC_ERR_ARG, "--freq-sparse %lld: expected 1..Lk (%u)%s", (long long)a.sparse,
                        1u << job.cfg.log2lk, a.partial ? ", the block of --partial" : "");
    if (!rc)
        rc = fftconv_cfg_check(&job.cfg, FFTCONV_LOG2L_MAX_SPEC);
    if (rc) {
        fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
        free(u), free(k);
        return 2;
    }
    if (a.channels) {
        int st = run_channels(&a, &job, taps, k);
        free(u), free(k);
        return st;
    }
    fftconv_outcome_t o;
    rc = fftconv_cosim_run_mode(&job, a.packed, &o);
    int status = 0;
    if (rc) {
        fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
        status = 1;
    } else {
        print_outcome(&job, a.packed, taps, &o);
        if (a.output && write_output(a.output, o.y, (size_t)1 << log2l)) {
            fprintf(stderr, "neurocosim fftconv: %s\n", nc_err_msg());
            status = 2;
        } else if (a.output) {
            printf("  output: %s (%u samples)\n", a.output, 1u << log2l);
        }
        if (o.mismatches) {
            fprintf(stderr, "neurocosim fftconv: RTL and model differ (first at y[%zu])\n",
                    o.first_mismatch);
            status = 1;
        }
    }
    if (a.waves && (rc == NC_OK || access(a.waves, F_OK) == 0))
        nc_waves_print(stdout, a.waves);
    fftconv_outcome_free(&o);
    free(u), free(k);
    return status;
}

/* ------------------------------------------------------------------ make run */

typedef struct {
    const char *name;
    unsigned p, log2l;
    uint32_t taps; /* kernel taps LK (L: dense); the block is fftconv_partial_block(LK) */
    uint32_t f;
    double min_sqnr;
    bool packed;
} vcase_t;

/* The many-channel job: 64 channels of L = 4096 on fftconv_c2, packed, each kernel and input
 * loaded while the channel before runs. */
static int validate_channels(nc_report_t *r)
{
    enum { H = 64, LOG2L = 12 };
    const size_t l = (size_t)1 << LOG2L;
    int16_t *u = malloc(H * l * 2), *k = calloc(H * l, 2);
    nc_rng_t rng;
    nc_rng_seed(&rng, 1100);
    int rc = (!u || !k) ? nc_err_set(NC_ERR_NOMEM, "no memory") : NC_OK;
    if (!rc)
        fftconv_make_input(FFTCONV_SIG_NOISE, &rng, u, H * l);
    for (unsigned c = 0; !rc && c < H; c++)
        rc = fftconv_make_kernel(&rng, l, 1.0, k + c * l);
    fftconv_chjob_t job = {NULL, 2, {LOG2L, LOG2L, 0, 0, 0, 0}, H, u, k, true, false, NULL, true};
    fftconv_choutcome_t o = {0};
    if (!rc)
        rc = fftconv_cosim_channels(&job, &o);
    const double min_sqnr = 75.0;
    bool pass = !rc && o.mismatches == 0 && o.sqnr_min_db >= min_sqnr && o.cycles == o.cycles_model;
    char note[200];
    if (rc)
        snprintf(note, sizeof note, "%s", nc_err_msg());
    else
        snprintf(note, sizeof note, "vs model + FFTW (worst channel >= %.0f dB); fftconv_c2; %.0f "
                 "cycles per channel with bus traffic = %.3f of a channel's run; sat %llu",
                 min_sqnr, (double)o.sim_stream / H, (double)o.sim_stream / (double)o.cycles,
                 (unsigned long long)o.sat_rtl);
    nc_report_row(r, "fftconv", "64 channels L=4096 packed P=2", rc ? 0 : H * l,
                  rc ? 0 : o.mismatches, rc ? NAN : o.sqnr_min_db, rc ? 0 : o.cycles, pass, note);
    fftconv_choutcome_free(&o);
    free(u), free(k);
    return !pass;
}

int validate_fftconv(nc_report_t *r)
{
    /* F = 512 of M = 8192 bins keeps 1/8 of the power: 9 dB less signal above the same noise */
    static const vcase_t cases[] = {
        {"L=4096 dense P=2", 2, 12, 4096, 0, 70.0, false},
        {"L=4096 partial Lk=256 P=2", 2, 12, 256, 0, 70.0, false},
        {"L=4096 freq-sparse F=512 P=2", 2, 12, 4096, 512, 61.0, false},
        {"L=1024 dense P=1", 1, 10, 1024, 0, 70.0, false},
        {"L=16384 dense P=4", 4, 14, 16384, 0, 70.0, false},
        {"L=4096 partial LK=300 (Lk=512) P=2", 2, 12, 300, 0, 70.0, false},
        {"L=4096 dense packed P=2", 2, 12, 4096, 0, 75.0, true},
        {"L=4096 partial Lk=256 packed P=4", 4, 12, 256, 0, 70.0, true},
        {"L=1024 dense packed P=1", 1, 10, 1024, 0, 70.0, true},
        {"L=4096 freq-sparse F=512 packed P=2", 2, 12, 4096, 512, 61.0, true},
    };
    int failures = 0;
    for (size_t i = 0; i < NC_ARRAY_LEN(cases); i++) {
        const vcase_t *c = &cases[i];
        size_t l = (size_t)1 << c->log2l;
        int16_t *u = malloc(l * 2), *k = calloc(l, 2);
        nc_rng_t rng;
        nc_rng_seed(&rng, 1000 + i);
        fftconv_job_t job = {c->p, {c->log2l, c->log2l, c->f, 0, 0, 0}, u, k, NULL, NULL, NULL};
        fftconv_outcome_t o = {0};
        int rc = (!u || !k) ? nc_err_set(NC_ERR_NOMEM, "no memory") : NC_OK;
        if (!rc)
            rc = fftconv_partial_block(c->taps, c->log2l, &job.cfg.log2lk);
        if (!rc) {
            fftconv_make_input(FFTCONV_SIG_NOISE, &rng, u, l);
            rc = fftconv_make_kernel(&rng, c->taps, 1.0, k);
        }
        if (!rc)
            rc = fftconv_cosim_run_mode(&job, c->packed, &o);
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
    failures += validate_channels(r);
    return failures ? 1 : 0;
}
