/* cmd_report.c - `neurocosim report`: one self-contained HTML page (report/index.html) with
 * the validation rows of the last `neurocosim run --out` and, per design, plots made by gnuplot
 * (SVG, embedded as data: images) from data this command collects cheaply: fftconv SQNR and
 * cycles/bound against L and P; snn cycles per step against input activity, a spike raster
 * with membrane traces, RTL spike counts against the floating-point model; SFQ per-cell delays
 * and the bias-margin scan with and without noise (docs/sfq_cells.md), the junction phases of a pulse through a JTL, and the XOR
 * network's measured rates (rows of the run) against the rate model's 95% intervals. Each
 * design's data is collected in a child process (libngspice: one instance per process; a
 * crash in one section must not lose the others). */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "designs.h"
#include "fftconv_cosim.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_util.h"
#include "report.h"
#include "sfq_rate.h"
#include "snn_cosim.h"
#include "snn_gen.h"
#include "snn_model.h"
#include "spice.h"
#include "spice_cells.h"
#include "spice_xor.h"
#include "vmodel.h"

#define REPORT_ROWS_MAX 100000
#define GNUPLOT_WALL_S 60       /* bound of one gnuplot run                               */
#define SVG_MAX_BYTES (8u << 20) /* bound of one plot embedded in the page                */

static void report_usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim report --out DIR [--run FILE] [--regress DIR] [--coverage DIR]\n"
            "                         [--synth FILE] [--cells FILE] [--only SECTIONS]\n"
            "Writes DIR/index.html: one self-contained page (plots embedded) with the validation\n"
            "rows of FILE and plots made with gnuplot (SVG) from data collected now:\n"
            "  fftconv  SQNR against L, and cycles / bound against L for P = 1, 2, 4\n"
            "           (co-simulations of L = 256..16384, generated white noise, seed 1)\n"
            "  snn      cycles per step against input activity; spike raster and membrane\n"
            "           traces (read from the core); spikes per neuron, RTL against the\n"
            "           floating-point LIF model\n"
            "  spice    per-cell delays; the bias-margin scan (per cell the bias range where it\n"
            "           works, without noise and at 4.2 K, nominal marked; from --cells);\n"
            "           junction phases of one pulse through a JTL stage (ngspice); XOR rates of\n"
            "           the run's rows against the rate model's 95%% intervals\n"
            "Rows of designs without plots (platform, system, any other) get a section each,\n"
            "only when FILE has rows of them.\n"
            "The data and the gnuplot scripts stay in DIR/data (rerun gnuplot on them by hand).\n"
            "  --out DIR         the report folder (created; checked before anything runs)\n"
            "  --run FILE        rows of `neurocosim run --out D` (D/run.tsv); without it, or\n"
            "                    when FILE does not exist yet, the page says how to make it\n"
            "  --cells FILE      the cell table (default docs/sfq_cells.md)\n"
            "  --only SECTIONS   comma-separated subset of fftconv,snn,spice (default: all)\n"
            "  --regress DIR     add the pass/fail matrix of the regression in DIR (neurocosim\n"
            "                    regress --out DIR: its jobs.tsv), with links to every job's log,\n"
            "                    the failed jobs' reproduce commands and waveforms; a DIR without\n"
            "                    jobs.tsv yet is named on the page\n"
            "  --coverage DIR    add the RTL coverage of make coverage (DIR/summary.txt, per\n"
            "                    module) with a link to its HTML view (DIR/html/index.html)\n"
            "  --synth FILE      add the synthesis figures of make synth or make synth-ci (FILE:\n"
            "                    their table, results/synth.txt); a FILE not made yet is named\n"
            "  -h, --help        this text\n"
            "Needs gnuplot (Debian gnuplot-nox). Exit status: 0 page written, 1 a section or a\n"
            "plot failed (the page still says which), 2 bad usage, an unreadable --run or --cells\n"
            "file, or an --out DIR that cannot be written.\n");
}

/* ---- data collection, one child process per section ---- */

static FILE *data_open(const char *dir, const char *name)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    if (!f)
        nc_err_set(NC_ERR_IO, "%s: cannot create: %s", p, strerror(errno));
    return f;
}

static int data_close(FILE *f, const char *name)
{
    int bad = ferror(f);
    if (fclose(f) || bad)
        return nc_err_set(NC_ERR_IO, "%s: write failed", name);
    return NC_OK;
}

static int collect_fftconv(const char *dir)
{
    static const unsigned ps[] = {1, 2, 4};
    for (size_t pi = 0; pi < NC_ARRAY_LEN(ps); pi++) {
        char name[64];
        snprintf(name, sizeof name, "fftconv_p%u.dat", ps[pi]);
        FILE *f = data_open(dir, name);
        if (!f)
            return NC_ERR_IO;
        fprintf(f, "# L P sqnr_db cycles bound_ratio mismatches\n");
        for (unsigned log2l = 8; log2l <= 14; log2l += 1) {
            size_t l = (size_t)1 << log2l;
            int16_t *u = malloc(l * 2), *k = calloc(l, 2);
            nc_rng_t rng;
            nc_rng_seed(&rng, 1);
            fftconv_job_t job = {ps[pi], {log2l, log2l, 0, 0, 0, 0}, u, k, NULL, NULL, NULL};
            fftconv_outcome_t o = {0};
            int rc = (!u || !k) ? nc_err_set(NC_ERR_NOMEM, "no memory") : NC_OK;
            if (!rc) {
                fftconv_make_input(FFTCONV_SIG_NOISE, &rng, u, l);
                rc = fftconv_make_kernel(&rng, l, 1.0, k);
            }
            if (!rc)
                rc = fftconv_cosim_run(&job, &o);
            if (!rc)
                fprintf(f, "%zu %u %.3f %u %.4f %zu\n", l, ps[pi], o.sqnr_db, o.cycles,
                        o.bound_ratio, o.mismatches);
            fftconv_outcome_free(&o);
            free(u), free(k);
            if (rc) {
                fclose(f);
                return rc;
            }
        }
        int rc = data_close(f, name);
        if (rc)
            return rc;
    }
    return NC_OK;
}

static int snn_open(vmodel_t **vm, snn_dev_t *d, const snn_net_t *net)
{
    *vm = vmodel_open_name("snn_l2");
    if (!*vm)
        return NC_ERR_SIM;
    int rc = snn_dev_open(vmodel_bus(*vm), d);
    return rc ? rc : snn_dev_load(d, net);
}

#define SNN_AX 64
#define SNN_N 32
_Static_assert(SNN_N == 32, "the gnuplot scripts of the snn plots (raster, traces) assume 32 neurons");
#define SNN_STEPS 200

static int snn_net(snn_net_t *net, uint64_t seed)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, seed);
    snn_gen_opts_t g = {.n_axons = SNN_AX, .layer = {SNN_N}, .n_layers = 1, .p_ff = 0.5,
                        .w_lo = -40, .w_hi = 100, .dmax = 8, .wexp = 3, .vth_lo = 40000,
                        .vth_hi = 120000};
    return snn_gen_layered(net, &g, &rng);
}

static int collect_snn(const char *dir)
{
    snn_net_t net;
    int rc = snn_net(&net, 11);
    if (rc)
        return rc;
    /* cycles per step against activity */
    FILE *f = data_open(dir, "snn_activity.dat");
    if (!f) {
        snn_net_free(&net);
        return NC_ERR_IO;
    }
    fprintf(f, "# input_rate cycles_per_step input_events_per_step output_events_per_step mismatches\n");
    static const double rates[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1.0};
    for (size_t i = 0; i < NC_ARRAY_LEN(rates) && !rc; i++) {
        nc_rng_t rng;
        nc_rng_seed(&rng, 100 + i);
        snn_event_t *in = NULL;
        size_t n_in = 0;
        vmodel_t *vm = NULL;
        snn_dev_t d;
        snn_cosim_opts_t o = {0};
        snn_cosim_result_t res = {0};
        rc = snn_gen_poisson(SNN_AX, SNN_STEPS, rates[i], &rng, &in, &n_in);
        if (!rc)
            rc = snn_open(&vm, &d, &net);
        if (!rc)
            rc = snn_cosim_run(&d, &net, in, n_in, SNN_STEPS, &o, &res);
        if (!rc)
            fprintf(f, "%g %.2f %.2f %.2f %llu\n", rates[i], (double)res.run_cycles / SNN_STEPS,
                    (double)n_in / SNN_STEPS, (double)res.n_out / SNN_STEPS,
                    (unsigned long long)(res.spike_mismatches + res.state_mismatches));
        if (vm)
            vmodel_close(vm);
        snn_cosim_result_free(&res);
        free(in);
    }
    int rc2 = data_close(f, "snn_activity.dat");
    rc = rc ? rc : rc2;
    /* raster + membrane traces (every neuron's u, v after every step, read from the core),
     * and spike counts per neuron: RTL against the floating-point model */
    snn_event_t *in = NULL;
    size_t n_in = 0;
    nc_rng_t rng;
    nc_rng_seed(&rng, 5);
    vmodel_t *vm = NULL;
    snn_dev_t d;
    nc_out_t tr = {0};
    char tpath[4096];
    snprintf(tpath, sizeof tpath, "%s/snn_trace.dat", dir);
    snn_cosim_result_t res = {0};
    if (!rc)
        rc = snn_gen_poisson(SNN_AX, SNN_STEPS, 0.05, &rng, &in, &n_in);
    if (!rc)
        rc = nc_out_open(&tr, tpath, 64u << 20, "fewer steps");
    snn_cosim_opts_t o = {.trace = &tr};
    if (!rc)
        rc = snn_open(&vm, &d, &net);
    if (!rc)
        rc = snn_cosim_run(&d, &net, in, n_in, SNN_STEPS, &o, &res);
    if (!rc)
        rc = nc_out_commit(&tr);
    else
        nc_out_abort(&tr);
    if (vm)
        vmodel_close(vm);
    if (!rc && (f = data_open(dir, "snn_raster.dat")) != NULL) {
        fprintf(f, "# step neuron (output spikes of the core)\n");
        for (size_t i = 0; i < res.n_out; i++)
            fprintf(f, "%u %u\n", res.out[i].step, res.out[i].id);
        rc = data_close(f, "snn_raster.dat");
    } else if (!rc)
        rc = NC_ERR_IO;
    if (!rc) {
        snn_fmodel_t fm;
        uint64_t rtl[SNN_N] = {0}, flt[SNN_N] = {0};
        uint32_t ax[SNN_AX], sp[SNN_N];
        for (size_t i = 0; i < res.n_out; i++)
            if (res.out[i].id < SNN_N)
                rtl[res.out[i].id]++;
        rc = snn_fmodel_init(&fm, &net, 32);
        for (uint32_t s = 0, k = 0; !rc && s < SNN_STEPS; s++) {
            size_t na = 0, ns = 0;
            while (k < n_in && in[k].step == s && na < SNN_AX)
                ax[na++] = in[k++].id;
            rc = snn_fmodel_step(&fm, ax, na, sp, &ns);
            for (size_t j = 0; !rc && j < ns; j++)
                if (sp[j] < SNN_N)
                    flt[sp[j]]++;
        }
        if (!rc) {
            snn_fmodel_free(&fm);
            if ((f = data_open(dir, "snn_counts.dat")) == NULL)
                rc = NC_ERR_IO;
        }
        if (!rc) {
            fprintf(f, "# neuron spikes_rtl spikes_float_model\n");
            for (int i = 0; i < SNN_N; i++)
                fprintf(f, "%d %llu %llu\n", i, (unsigned long long)rtl[i], (unsigned long long)flt[i]);
            rc = data_close(f, "snn_counts.dat");
        }
    }
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
    return rc;
}

/* "0.56 - 1.39" -> 0.56, 1.39; "fails at 1.0" -> fails. false when neither. */
static bool margin_field(const char *s, double *lo, double *hi, bool *fails)
{
    *fails = false;
    if (sscanf(s, " %lf - %lf", lo, hi) == 2 && *lo <= *hi)
        return true;
    *lo = *hi = NAN;
    char w[16];
    if (sscanf(s, " %15s", w) == 1 && !strcmp(w, "fails")) {
        *fails = true;
        return true;
    }
    return false;
}

/* Copies every data row of the cell table: name, delay (first path), the margins without
 * noise and, when the table has a "margins at <T> K" column, with thermal noise (nan nan when
 * it has none; the last column is 1 when the cell fails at bias 1.0 with noise). */
#define CELL_COLS 16
static int cells_table(const char *cells, const char *dir)
{
    FILE *in = fopen(cells, "r");
    if (!in)
        return nc_err_set(NC_ERR_IO, "--cells %s: cannot open: %s", cells, strerror(errno));
    FILE *f = data_open(dir, "sfq_cells.dat");
    if (!f) {
        fclose(in);
        return NC_ERR_IO;
    }
    fprintf(f, "# cell delay_ps margin_lo margin_hi noise_lo noise_hi noise_fails_at_1 (from %s)\n", cells);
    char line[2048];
    int n = 0, rc = NC_OK, noise_col = -1;
    for (size_t ln = 1; fgets(line, sizeof line, in); ln++) {
        char name[64], delay[64];
        /* | cell | what | junctions | path | delay (ps) | band (ps) | margins | [margins at 4.2 K |
         * ...] check | */
        char *col[CELL_COLS] = {0};
        int nc = 0;
        if (line[0] != '|' || strstr(line, "---"))
            continue;
        for (char *p = line + 1; nc < CELL_COLS && *p;) {
            char *e = strchr(p, '|');
            if (!e)
                break;
            *e = '\0';
            col[nc++] = p;
            p = e + 1;
        }
        if (nc > 0 && sscanf(col[0], " %63s", name) == 1 && !strcmp(name, "cell")) {
            /* the header: where the noise margins are, if anywhere */
            noise_col = -1;
            for (int k = 0; k < nc; k++)
                if (strstr(col[k], "margins at"))
                    noise_col = k;
            continue;
        }
        double d, lo, hi, nlo = NAN, nhi = NAN;
        bool fails = false, nfails = false;
        if (nc < 8 || sscanf(col[0], " %63s", name) != 1 || sscanf(col[4], " %63s", delay) != 1 ||
            sscanf(delay, "%lf", &d) != 1 || sscanf(col[6], " %lf - %lf", &lo, &hi) != 2) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%zu: expected a cell row '| cell | what | junctions | "
                            "path | delay | band | lo - hi (...) | check |'", cells, ln);
            break;
        }
        if (noise_col >= 0 && (noise_col >= nc || !margin_field(col[noise_col], &nlo, &nhi, &nfails))) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%zu: column %d (margins with noise): expected 'lo - hi' "
                            "or 'fails at B'", cells, ln, noise_col + 1);
            break;
        }
        (void)fails;
        fprintf(f, "%s %.3f %.2f %.2f %.2f %.2f %d\n", name, d, lo, hi, nlo, nhi, nfails ? 1 : 0);
        n++;
    }
    fclose(in);
    int rc2 = data_close(f, "sfq_cells.dat");
    if (!rc && !n)
        rc = nc_err_set(NC_ERR_PARSE, "%s: no cell row found", cells);
    return rc ? rc : rc2;
}

/* XOR rows of the run ("xor a=A b=B", note "rates GHz: a .. b .. h1 X h2 Y out Z ...")
 * against the rate model's predictions and 95% intervals. */
static int xor_rates(const nc_row_t *rows, size_t n, const char *dir)
{
    sfq_xor_model_t m;
    int rc = nc_xor_model_load(&m);
    if (rc)
        return rc;
    FILE *f = data_open(dir, "sfq_xor.dat");
    if (!f)
        return NC_ERR_IO;
    fprintf(f, "# input stage x measured_GHz model_GHz interval_GHz\n");
    double window = NC_XOR_TSTOP - NC_XOR_TFROM;
    int got = 0;
    for (size_t i = 0; i < n; i++) {
        int a, b;
        double ra, rb, h1, h2, out;
        if (strcmp(rows[i].design, "spice") || sscanf(rows[i].config, "xor a=%d b=%d", &a, &b) != 2 ||
            sscanf(rows[i].note, "rates GHz: a %lf b %lf h1 %lf h2 %lf out %lf", &ra, &rb, &h1, &h2,
                   &out) != 5)
            continue;
        sfq_xor_rates_t p;
        sfq_xor_predict(&m, ra * 1e9, rb * 1e9, &p);
        const double meas[3] = {h1, h2, out}, pred[3] = {p.h1, p.h2, p.out};
        const sfq_relu_t *st[3] = {&m.h1, &m.h2, &m.out};
        static const char *names[3] = {"h1", "h2", "out"};
        for (int s = 0; s < 3; s++)
            fprintf(f, "%d%d %s %.2f %.4f %.4f %.4f\n", a, b, names[s], got * 4 + s + 0.0, meas[s],
                    pred[s] / 1e9, sfq_xor_interval(st[s], pred[s], window) / 1e9);
        got++;
    }
    rc = data_close(f, "sfq_xor.dat");
    if (!got) {
        char p[4096];
        snprintf(p, sizeof p, "%s/sfq_xor.dat", dir);
        unlink(p); /* no data: the page says the plot needs the run's spice rows */
    }
    return rc;
}

/* The phases of the junctions a pulse passes through in the JTL testbench. */
static int jtl_phases(const char *dir)
{
    const nc_cell_desc_t *c = nc_cell_find("jtl");
    nc_cell_result_t r;
    if (!c)
        return nc_err_set(NC_ERR_ARG, "no cell jtl");
    int rc = nc_cell_run(c, 1.0, NULL, &r);
    if (rc)
        return rc;
    size_t np, nt;
    const nc_wave_probe_t *pr = nc_cell_probes(c, &np);
    double *t = NULL, *v[8] = {0};
    size_t nv[8] = {0};
    if (np > 8)
        np = 8;
    rc = nc_spice_vec("time", &t, &nt);
    size_t used = 0;
    char hdr[1024] = "# time_ps";
    for (size_t i = 0; !rc && i < np; i++) {
        if (strncmp(pr[i].vec, "i(", 2) == 0 || nc_spice_vec(pr[i].vec, &v[used], &nv[used]) != NC_OK)
            continue; /* phases only */
        if (nv[used] != nt) {
            free(v[used]);
            v[used] = NULL;
            continue;
        }
        size_t l = strlen(hdr);
        snprintf(hdr + l, sizeof hdr - l, " %s", pr[i].label);
        used++;
    }
    FILE *f = rc ? NULL : data_open(dir, "sfq_jtl_phase.dat");
    if (!rc && !f)
        rc = NC_ERR_IO;
    if (!rc && !used)
        rc = nc_err_set(NC_ERR_SIM, "the JTL testbench has no phase probe");
    if (f) {
        fprintf(f, "%s (phases in units of 2 pi)\n", hdr);
        /* at most one point per 0.05 ps: the page stays small, pulses (~2 ps) stay smooth */
        double last = -1.0;
        for (size_t k = 0; k < nt; k++) {
            if (k + 1 < nt && t[k] - last < 0.05e-12)
                continue;
            last = t[k];
            fprintf(f, "%.4f", t[k] * 1e12);
            for (size_t i = 0; i < used; i++)
                fprintf(f, " %.5f", v[i][k] / (2 * M_PI));
            fprintf(f, "\n");
        }
        int rc2 = data_close(f, "sfq_jtl_phase.dat");
        rc = rc ? rc : rc2;
        FILE *g = data_open(dir, "sfq_jtl_phase.cols");
        if (g) {
            fprintf(g, "%zu\n", used);
            for (size_t i = 0, l = 0; i < np && l < used; i++)
                if (strncmp(pr[i].vec, "i(", 2) != 0)
                    fprintf(g, "%s\n", pr[i].label), l++;
            rc2 = data_close(g, "sfq_jtl_phase.cols");
            rc = rc ? rc : rc2;
        }
        /* the window of the first pulse: from 20 ps before the first junction's phase passes
         * pi to 30 ps after (the whole run if it never does) */
        double t1 = -1;
        for (size_t k = 0; k < nt && t1 < 0; k++)
            if (v[0][k] > M_PI)
                t1 = t[k];
        g = data_open(dir, "sfq_jtl_phase.win");
        if (g) {
            if (t1 < 0)
                fprintf(g, "%.3f %.3f\n", t[0] * 1e12, t[nt - 1] * 1e12);
            else
                fprintf(g, "%.3f %.3f\n", t1 * 1e12 - 20 < 0 ? 0 : t1 * 1e12 - 20, t1 * 1e12 + 30);
            rc2 = data_close(g, "sfq_jtl_phase.win");
            rc = rc ? rc : rc2;
        }
    }
    free(t);
    for (size_t i = 0; i < used; i++)
        free(v[i]);
    return rc;
}

static int collect_spice(const char *dir, const char *cells, const nc_row_t *rows, size_t n)
{
    int bad = 0;
    if (cells_table(cells, dir)) {
        fprintf(stderr, "neurocosim report: spice cells: %s\n", nc_err_msg());
        bad = 1;
    }
    if (nc_spice_init() || jtl_phases(dir)) {
        fprintf(stderr, "neurocosim report: spice JTL phases: %s\n", nc_err_msg());
        bad = 1;
    }
    if (n && xor_rates(rows, n, dir)) {
        fprintf(stderr, "neurocosim report: spice XOR rates: %s\n", nc_err_msg());
        bad = 1;
    }
    return bad ? NC_ERR_SIM : NC_OK;
}

/* ---- plots ---- */

typedef struct plot {
    const char *section, *id, *title, *data; /* data: the file the plot needs */
    const char *body;                         /* gnuplot commands after terminal/output */
    bool from_run;                            /* its data comes from the run's rows      */
} plot_t;

static const plot_t plots[] = {
    {"fftconv", "fftconv_sqnr", "SQNR of the RTL output against the FFTW reference", "fftconv_p1.dat",
     "set logscale x 2; set xlabel 'L (samples)'; set ylabel 'SQNR (dB)'; set key top right;\n"
     "set grid; set yrange [60:90]; set arrow from graph 0, first 70 to graph 1, first 70 nohead dt 2 lc rgb 'red';\n"
     "set label 'make test threshold 70 dB' at graph 0.02, first 71 tc rgb 'red';\n"
     "plot 'fftconv_p1.dat' u 1:3 w lp pt 7 t 'P=1', 'fftconv_p2.dat' u 1:3 w lp pt 5 t 'P=2', "
     "'fftconv_p4.dat' u 1:3 w lp pt 9 t 'P=4'\n", false},
    {"fftconv", "fftconv_bound", "Cycles per convolution / bound N(log2 N + 1)/P, N = 2L", "fftconv_p1.dat",
     "set logscale x 2; set xlabel 'L (samples)'; set ylabel 'cycles / bound'; set grid; set key bottom right;\n"
     "set yrange [0.8:1.15]; set arrow from graph 0, first 1.10 to graph 1, first 1.10 nohead dt 2 lc rgb 'red';\n"
     "set label 'target <= 1.10' at graph 0.02, first 1.11 tc rgb 'red';\n"
     "plot 'fftconv_p1.dat' u 1:5 w lp pt 7 t 'P=1', 'fftconv_p2.dat' u 1:5 w lp pt 5 t 'P=2', "
     "'fftconv_p4.dat' u 1:5 w lp pt 9 t 'P=4'\n", false},
    {"snn", "snn_activity", "Core cycles per time step against input activity (64 axons, 32 neurons, 2 lanes)",
     "snn_activity.dat",
     "set logscale xy; set xlabel 'input spike probability per axon and step'; set ylabel 'cycles per step';\n"
     "set grid; set key top left; plot 'snn_activity.dat' u 1:2 w lp pt 7 t 'snn\\_l2 (RTL)'\n", false},
    {"snn", "snn_raster", "Output spikes of the core (raster) and membrane potential v of neurons 0-3",
     "snn_raster.dat",
     "set multiplot layout 2,1; set xrange [0:200]; set ylabel 'neuron'; set yrange [-1:32]; set key noenhanced;\n"
     "plot 'snn_raster.dat' u 1:2 w p pt 7 ps 0.4 lc rgb 'black' notitle;\n"
     "set ylabel 'v (core units)'; set xlabel 'time step'; set autoscale y; set key outside right;\n"
     "plot for [n=0:3] 'snn_trace.dat' every 32::n u 1:4 w l t sprintf('neuron %d', n);\n"
     "unset multiplot\n", false},
    {"snn", "snn_counts", "Spikes per neuron in 200 steps: RTL (bit-exact) against the floating-point LIF model",
     "snn_counts.dat",
     "set xlabel 'floating-point model: spikes'; set ylabel 'RTL: spikes'; set grid; set key top left;\n"
     "set size square; plot 'snn_counts.dat' u 3:2 w p pt 7 t 'one neuron', x w l dt 2 t 'equal'\n", false},
    {"spice", "sfq_delays", "SFQ cells: delay at bias 1.0 (docs/sfq_cells.md)", "sfq_cells.dat",
     "set style data histogram; set style fill solid 0.6; set boxwidth 0.8; set ylabel 'delay (ps)';\n"
     "set xtics rotate by -30; set grid y; set yrange [0:*]; plot 'sfq_cells.dat' u 2:xtic(1) t 'delay (ps)' lc rgb '#4060c0'\n", false},
    {"spice", "sfq_margin_scan",
     "SFQ cells: bias-margin scan, the global bias scale range where each cell works, without noise "
     "and with the thermal noise of every junction at 4.2 K (docs/sfq_cells.md)",
     "sfq_cells.dat",
     "stats 'sfq_cells.dat' u 2 nooutput; n = STATS_records;\n"
     "set xlabel 'global bias scale (1.0 = nominal)'; set xrange [0.4:1.6]; set yrange [n-0.3:-0.7];\n"
     "set grid x; set key below noenhanced; set ytics scale 0;\n"
     "set arrow from 1, graph 0 to 1, graph 1 nohead dt 2 lw 2 lc rgb 'black';\n"
     "set label 'nominal' at 1, graph 1.025 center;\n"
     "plot 'sfq_cells.dat' u (($3+$4)/2):($0-0.18):(($4-$3)/2):(0.15):ytic(1) w boxxyerror fs solid 0.6 "
     "lc rgb '#40a060' t 'works (no noise)', "
     "'' u (($5+$6)/2):($0+0.18):(($6-$5)/2):(0.15) w boxxyerror fs solid 0.6 lc rgb '#d08020' "
     "t 'works at 4.2 K (seeded noise runs)', "
     "'' u ($7 > 0 ? 1.0 : NaN):($0+0.18) w p pt 2 ps 1.6 lw 2 lc rgb '#b00000' t 'fails at nominal with noise'\n",
     false},
    {"spice", "sfq_phase", "Junction phases (units of 2 pi) of the first pulse through a JTL stage (ngspice, bias 1.0)",
     "sfq_jtl_phase.dat",
     "set xlabel 'time (ps)'; set ylabel 'phase / 2 pi'; set grid; set key top left noenhanced;\n"
     "ncol = system('head -1 sfq_jtl_phase.cols') + 0; w = system('cat sfq_jtl_phase.win');\n"
     "set xrange [real(word(w, 1)):real(word(w, 2))];\n"
     "plot for [i=2:ncol+1] 'sfq_jtl_phase.dat' u 1:i w l t system(sprintf('sed -n %dp sfq_jtl_phase.cols', i))\n", false},
    {"spice", "sfq_xor", "XOR network: measured rates (the run's rows) against the rate model's 95% intervals",
     "sfq_xor.dat",
     "set ylabel 'rate (GHz)'; set grid y; set key top left; set xrange [-1:16];\n"
     "set xtics ('00 h1' 0, 'h2' 1, 'out' 2, '01 h1' 4, 'h2' 5, 'out' 6, '10 h1' 8, 'h2' 9, 'out' 10, '11 h1' 12, 'h2' 13, 'out' 14) rotate by -30;\n"
     "plot 'sfq_xor.dat' u 3:5:6 w yerrorbars pt 6 lc rgb '#c04040' t 'model with 95% interval', "
     "'' u 3:4 w p pt 7 lc rgb 'black' t 'SPICE (measured)'\n", true},
};

/* Runs gnuplot on DIR/ID.gp (cwd DIR) with a wall-clock bound. */
static int run_gnuplot(const char *dir, const char *id)
{
    pid_t pid = fork();
    if (pid < 0)
        return nc_err_set(NC_ERR_IO, "fork: %s", strerror(errno));
    if (pid == 0) {
        char gp[128];
        snprintf(gp, sizeof gp, "%s.gp", id);
        if (chdir(dir) != 0)
            _exit(127);
        alarm(GNUPLOT_WALL_S);
        execlp("gnuplot", "gnuplot", gp, (char *)NULL);
        _exit(127);
    }
    int st;
    if (waitpid(pid, &st, 0) < 0)
        return nc_err_set(NC_ERR_IO, "waitpid: %s", strerror(errno));
    if (WIFEXITED(st) && WEXITSTATUS(st) == 127)
        return nc_err_set(NC_ERR_IO, "gnuplot not found (install Debian's gnuplot-nox)");
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        return nc_err_set(NC_ERR_SIM, "gnuplot %s/%s.gp failed (status %d)", dir, id, st);
    return NC_OK;
}

static int file_exists(const char *dir, const char *name)
{
    char p[4096];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0 && S_ISREG(sb.st_mode) && sb.st_size > 0;
}

static int make_plot(const char *dir, const plot_t *p)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/%s.gp", dir, p->id);
    nc_out_t o;
    int rc = nc_out_open(&o, path, 1u << 20, "a shorter script");
    if (rc)
        return rc;
    nc_out_printf(&o, "# %s (neurocosim report)\nset terminal svg size 720,440 dynamic enhanced "
                      "font 'sans,11' background rgb 'white'\nset output '%s.svg'\nset title '%s'\n%s",
                  p->title, p->id, "", p->body);
    if ((rc = nc_out_commit(&o)))
        return rc;
    return run_gnuplot(dir, p->id);
}

static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/* Embeds DIR/ID.svg as a base64 data: image. */
static int embed_svg(nc_out_t *o, const char *dir, const char *id, const char *alt)
{
    char p[4096];
    snprintf(p, sizeof p, "%s/%s.svg", dir, id);
    FILE *f = fopen(p, "rb");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", p, strerror(errno));
    unsigned char *buf = malloc(SVG_MAX_BYTES + 1);
    size_t n = buf ? fread(buf, 1, SVG_MAX_BYTES + 1, f) : 0;
    fclose(f);
    if (!buf || n == 0 || n > SVG_MAX_BYTES) {
        free(buf);
        return nc_err_set(NC_ERR_IO, "%s: empty or larger than %u bytes", p, SVG_MAX_BYTES);
    }
    char a[512];
    nc_xml_escape(a, sizeof a, alt);
    nc_out_printf(o, "<figure><img id=\"%s\" alt=\"%s\" src=\"data:image/svg+xml;base64,", id, a);
    char q[4];
    for (size_t i = 0; i < n; i += 3) {
        unsigned v = (unsigned)buf[i] << 16 | (i + 1 < n ? (unsigned)buf[i + 1] << 8 : 0) |
                     (i + 2 < n ? buf[i + 2] : 0);
        q[0] = b64[v >> 18 & 63];
        q[1] = b64[v >> 12 & 63];
        q[2] = i + 1 < n ? b64[v >> 6 & 63] : '=';
        q[3] = i + 2 < n ? b64[v & 63] : '=';
        nc_out_write(o, q, 4);
    }
    nc_out_printf(o, "\"><figcaption>%s</figcaption></figure>\n", a);
    free(buf);
    return NC_OK;
}

static void html_rows(nc_out_t *o, const nc_row_t *rows, size_t n, const char *design)
{
    char a[1024], b[1024];
    nc_out_printf(o, "<table class=\"rows\"><tr><th>configuration</th><th>compared</th><th>mismatch</th>"
                     "<th>SQNR dB</th><th>cycles</th><th>ok</th><th>notes</th></tr>\n");
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].design, design))
            continue;
        char s[32], c[32];
        if (isnan(rows[i].sqnr_db))
            snprintf(s, sizeof s, "-");
        else if (isinf(rows[i].sqnr_db))
            snprintf(s, sizeof s, "exact");
        else
            snprintf(s, sizeof s, "%.1f", rows[i].sqnr_db);
        if (rows[i].cycles)
            snprintf(c, sizeof c, "%llu", (unsigned long long)rows[i].cycles);
        else
            snprintf(c, sizeof c, "-");
        nc_xml_escape(a, sizeof a, rows[i].config);
        nc_xml_escape(b, sizeof b, rows[i].note);
        nc_out_printf(o, "<tr class=\"%s\"><td>%s</td><td>%llu</td><td>%llu</td><td>%s</td><td>%s</td>"
                         "<td>%s</td><td>%s</td></tr>\n",
                      rows[i].pass ? "pass" : "fail", a, (unsigned long long)rows[i].compared,
                      (unsigned long long)rows[i].mismatches, s, c, rows[i].pass ? "PASS" : "FAIL", b);
    }
    nc_out_printf(o, "</table>\n");
}

/* The pass/fail matrix of a regression: DIR/jobs.tsv (written by neurocosim regress) has per
 * job: name, command, status (-1: not run), seconds, log, waveform, reproduce command. */
#define REGRESS_JOBS_MAX 200000
static int html_regress(nc_out_t *o, const char *dir)
{
    char p[4096], abs[4096];
    snprintf(p, sizeof p, "%s/jobs.tsv", dir);
    if (!realpath(dir, abs))
        return nc_err_set(NC_ERR_IO, "%s: no such folder (neurocosim regress --out %s makes it)", dir, dir);
    FILE *f = fopen(p, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: no regression there yet (make regress)", p);
    char line[8192], e1[1024], e2[1024], e3[4096];
    size_t n = 0, pass = 0, fail = 0, notrun = 0;
    int rc = NC_OK;
    nc_out_printf(o, "<h2 id=\"regress\">Regression</h2>\n<div class=\"matrix\">\n");
    /* first pass: the matrix; failures are listed after it */
    long start = ftell(f);
    for (int pass_no = 0; pass_no < 2 && !rc; pass_no++) {
        fseek(f, start, SEEK_SET);
        if (pass_no == 1)
            nc_out_printf(o, "</div>\n<p id=\"regress-summary\">regression %s: %zu jobs, %zu passed, %zu "
                             "failed, %zu not run</p>\n<table class=\"rows\"><tr><th>failed job</th><th>status"
                             "</th><th>reproduce</th><th>log</th><th>waveform</th></tr>\n",
                          abs, n, pass, fail, notrun);
        for (size_t ln = 1; fgets(line, sizeof line, f); ln++) {
            char *col[7];
            int nc = 0;
            char *q = line;
            line[strcspn(line, "\n")] = '\0';
            while (nc < 7) {
                col[nc++] = q;
                char *t = strchr(q, '\t');
                if (!t)
                    break;
                *t = '\0';
                q = t + 1;
            }
            int st;
            if (nc != 7 || sscanf(col[2], "%d", &st) != 1) {
                rc = nc_err_set(NC_ERR_PARSE, "%s:%zu: expected 7 tab-separated fields (job, command, "
                                "status, seconds, log, waveform, reproduce)", p, ln);
                break;
            }
            if (pass_no == 0 && ++n > REGRESS_JOBS_MAX) {
                rc = nc_err_set(NC_ERR_PARSE, "%s: more than %d jobs", p, REGRESS_JOBS_MAX);
                break;
            }
            nc_xml_escape(e1, sizeof e1, col[0]);
            nc_xml_escape(e2, sizeof e2, col[4]);
            if (pass_no == 0) {
                const char *cls = st < 0 ? "notrun" : st ? "fail" : "pass";
                pass += st == 0;
                fail += st > 0;
                notrun += st < 0;
                if (st < 0)
                    nc_out_printf(o, "<span class=\"cell notrun\" title=\"%s: not run\"></span>", e1);
                else
                    nc_out_printf(o, "<a class=\"cell %s\" title=\"%s: %s (status %d, %s s)\" href=\"file://%s/%s\"></a>",
                                  cls, e1, st ? "FAIL" : "PASS", st, col[3], abs, e2);
            } else if (st > 0) {
                nc_xml_escape(e3, sizeof e3, col[6]);
                nc_out_printf(o, "<tr class=\"fail\"><td>%s</td><td>%d</td><td><code>%s</code></td>"
                                 "<td><a href=\"file://%s/%s\">log</a></td><td>", e1, st, e3, abs, e2);
                if (col[5][0]) {
                    nc_xml_escape(e2, sizeof e2, col[5]);
                    nc_out_printf(o, "<a href=\"file://%s/%s\">%s</a> (<code>make waves WAVE=%s/%s</code>)",
                                  abs, e2, e2, abs, e2);
                } else
                    nc_out_printf(o, "-");
                nc_out_printf(o, "</td></tr>\n");
            }
        }
    }
    fclose(f);
    nc_out_printf(o, "</table>\n");
    return rc;
}

static const char *sections[] = {"fftconv", "snn", "spice"};

/* Designs without plots of their own: their rows get a section each, after the others, only
 * when the run has rows of them (any other design name too, headed by its name). */
static const struct {
    const char *design, *head;
} row_sections[] = {
    {"platform", "platform: fftconv and snn on the SystemC/TLM-2.0 virtual platform"},
    {"system", "system: the whole system on the virtual platform"},
};

/* A section for every design of the rows that has none above (in the order of row_sections,
 * then of first appearance). */
static void html_other_designs(nc_out_t *o, const nc_row_t *rows, size_t n)
{
    for (size_t k = 0; k < NC_ARRAY_LEN(row_sections) + n; k++) {
        const char *d = k < NC_ARRAY_LEN(row_sections) ? row_sections[k].design
                                                       : rows[k - NC_ARRAY_LEN(row_sections)].design;
        bool known = false, seen = false, have = false;
        for (size_t s = 0; s < NC_ARRAY_LEN(sections); s++)
            known |= !strcmp(d, sections[s]);
        if (k >= NC_ARRAY_LEN(row_sections)) {
            for (size_t s = 0; s < NC_ARRAY_LEN(row_sections); s++)
                known |= !strcmp(d, row_sections[s].design);
            for (size_t i = 0; i < k - NC_ARRAY_LEN(row_sections); i++)
                seen |= !strcmp(d, rows[i].design);
        }
        for (size_t i = 0; i < n && !have; i++)
            have = !strcmp(d, rows[i].design);
        if ((k >= NC_ARRAY_LEN(row_sections) && (known || seen)) || !have)
            continue;
        char id[sizeof rows[0].design], e[512];
        size_t m = 0;
        for (const char *c = d; *c && m + 1 < sizeof id; c++)
            id[m++] = (*c >= 'a' && *c <= 'z') || (*c >= '0' && *c <= '9') || *c == '_' || *c == '-' ? *c : '_';
        id[m] = '\0';
        nc_xml_escape(e, sizeof e, k < NC_ARRAY_LEN(row_sections) ? row_sections[k].head : d);
        nc_out_printf(o, "<h2 id=\"%s\">%s</h2>\n", id, e);
        html_rows(o, rows, n, d);
    }
}

/* The text of `path` (its first 8 KiB) as a <pre> with that id; without the file, the note.
 * Returns whether the file was shown. */
static bool html_pre_file(nc_out_t *o, const char *path, const char *id, const char *missing)
{
    FILE *f = path ? fopen(path, "r") : NULL;
    if (!f) {
        nc_out_printf(o, "<p class=\"note\">%s</p>\n", missing);
        return false;
    }
    static char buf[8192], e[6 * 8192];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    nc_xml_escape(e, sizeof e, buf);
    nc_out_printf(o, "<pre id=\"%s\">%s</pre>\n", id, e);
    return true;
}

int cmd_report(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"out", required_argument, 0, 'o'},
                                         {"run", required_argument, 0, 'r'},
                                         {"cells", required_argument, 0, 'c'},
                                         {"only", required_argument, 0, 's'},
                                         {"regress", required_argument, 0, 'g'},
                                         {"coverage", required_argument, 0, 'v'},
                                         {"synth", required_argument, 0, 'y'},
                                         {0, 0, 0, 0}};
    const char *out = NULL, *run = NULL, *cells = "docs/sfq_cells.md", *only = NULL, *regress = NULL,
               *coverage = NULL, *synth = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "ho:r:c:s:g:v:y:", opts, NULL)) != -1) {
        switch (c) {
        case 'h': report_usage(stdout); return 0;
        case 'o': out = optarg; break;
        case 'r': run = optarg; break;
        case 'c': cells = optarg; break;
        case 's': only = optarg; break;
        case 'g': regress = optarg; break;
        case 'v': coverage = optarg; break;
        case 'y': synth = optarg; break;
        default: fprintf(stderr, "neurocosim report: see neurocosim report --help\n"); return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "neurocosim report: unexpected argument '%s' (see neurocosim report --help)\n",
                argv[optind]);
        return 2;
    }
    if (!out || !out[0]) {
        fprintf(stderr, "neurocosim report: --out DIR is required (see neurocosim report --help)\n");
        return 2;
    }
    bool want[3] = {!only, !only, !only};
    if (only) {
        char buf[256];
        snprintf(buf, sizeof buf, "%s", only);
        for (char *save, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
            size_t i = 0;
            while (i < 3 && strcmp(t, sections[i]))
                i++;
            if (i == 3) {
                fprintf(stderr, "neurocosim report: --only: unknown section '%s'; expected a "
                                "comma-separated subset of fftconv,snn,spice\n", t);
                return 2;
            }
            want[i] = true;
        }
    }
    if (strlen(out) > 1500) {
        fprintf(stderr, "neurocosim report: --out: a folder name of at most 1500 characters\n");
        return 2;
    }
    char data[1600], index[1700];
    snprintf(data, sizeof data, "%s/data", out);
    snprintf(index, sizeof index, "%s/index.html", out);
    if (nc_mkdir_p(data) || nc_out_check(index)) {
        fprintf(stderr, "neurocosim report: --out %s: %s\n", out, nc_err_msg());
        return 2;
    }
    {
        FILE *cf = fopen(cells, "r");
        if (!cf) {
            fprintf(stderr, "neurocosim report: --cells %s: cannot open: %s\n", cells, strerror(errno));
            return 2;
        }
        fclose(cf);
    }
    nc_row_t *rows = NULL;
    size_t nrows = 0;
    bool have_run = false;
    if (run) {
        struct stat sb;
        if (stat(run, &sb) == 0) {
            if (nc_rows_read_tsv(run, REPORT_ROWS_MAX, &rows, &nrows)) {
                fprintf(stderr, "neurocosim report: --run: %s\n", nc_err_msg());
                return 2;
            }
            have_run = true;
        } else if (errno != ENOENT) {
            fprintf(stderr, "neurocosim report: --run %s: %s\n", run, strerror(errno));
            return 2;
        }
    }
    /* Old data must not pass for new: remove what this run will make. */
    for (size_t i = 0; i < NC_ARRAY_LEN(plots); i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s.svg", data, plots[i].id);
        unlink(p);
        snprintf(p, sizeof p, "%s/%s", data, plots[i].data);
        unlink(p);
    }
    int failed = 0;
    char why[3][512] = {"", "", ""};
    for (int s = 0; s < 3; s++) {
        if (!want[s])
            continue;
        fprintf(stderr, "neurocosim report: collecting %s data\n", sections[s]);
        fflush(NULL);
        pid_t pid = fork();
        if (pid == 0) {
            int rc = s == 0 ? collect_fftconv(data) : s == 1 ? collect_snn(data)
                                                             : collect_spice(data, cells, rows, nrows);
            if (rc && s < 2)
                fprintf(stderr, "neurocosim report: %s: %s\n", sections[s], nc_err_msg());
            fflush(NULL);
            _exit(rc ? 1 : 0);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0) {
            perror("neurocosim report: fork");
            free(rows);
            return 1;
        }
        if (!WIFEXITED(st) || WEXITSTATUS(st)) {
            failed++;
            snprintf(why[s], sizeof why[s], "collecting the %s data failed (%s %d; see the messages "
                     "of neurocosim report on stderr)", sections[s],
                     WIFSIGNALED(st) ? "signal" : "exit status",
                     WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
        }
    }
    nc_out_t o;
    if (nc_out_open(&o, index, 256u << 20, "fewer plots")) {
        fprintf(stderr, "neurocosim report: %s\n", nc_err_msg());
        free(rows);
        return 2;
    }
    size_t npass = 0;
    for (size_t i = 0; i < nrows; i++)
        npass += rows[i].pass;
    nc_out_printf(&o, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
                      "<title>neurocosim report</title>\n<style>\n"
                      "body{font-family:sans-serif;margin:2em;max-width:1200px}\n"
                      "table{border-collapse:collapse;font-size:90%%;margin:1em 0}\n"
                      "td,th{border:1px solid #ccc;padding:2px 6px;text-align:left}\n"
                      "tr.pass td:nth-child(6){color:#070;font-weight:bold}\n"
                      "tr.fail td{background:#fdd} tr.fail td:nth-child(6){color:#b00;font-weight:bold}\n"
                      "figure{display:inline-block;margin:0.5em;vertical-align:top}\n"
                      "figure img{width:720px;border:1px solid #ddd}\n"
                      "figcaption{font-size:85%%;color:#444;max-width:720px}\n"
                      ".missing{color:#b00}\n"
                      ".matrix{line-height:0;max-width:1200px}\n"
                      ".cell{display:inline-block;width:10px;height:10px;margin:1px;border-radius:2px}\n"
                      ".cell.pass{background:#3a3} .cell.fail{background:#d22} .cell.notrun{background:#bbb}\n"
                      "</style></head><body>\n"
                      "<h1>neurocosim report</h1>\n");
    if (have_run)
        nc_out_printf(&o, "<p id=\"summary\">validation: %zu rows passed, %zu failed</p>\n", npass,
                      nrows - npass);
    else
        nc_out_printf(&o, "<p id=\"summary\" class=\"missing\">no validation rows yet: <code>make run</code> "
                          "(neurocosim run --out DIR) writes them</p>\n");
    static const char *heads[3] = {"fftconv: FFT long convolution (RTL)", "snn: spiking LIF core (RTL)",
                                   "spice: SFQ cells and the XOR network (ngspice)"};
    for (int s = 0; s < 3; s++) {
        nc_out_printf(&o, "<h2 id=\"%s\">%s</h2>\n", sections[s], heads[s]);
        if (have_run)
            html_rows(&o, rows, nrows, sections[s]);
        if (!want[s]) {
            nc_out_printf(&o, "<p>plots not made in this report (--only)</p>\n");
            continue;
        }
        if (why[s][0]) {
            char e[1024];
            nc_xml_escape(e, sizeof e, why[s]);
            nc_out_printf(&o, "<p class=\"missing\">%s</p>\n", e);
        }
        for (size_t i = 0; i < NC_ARRAY_LEN(plots); i++) {
            const plot_t *p = &plots[i];
            if (strcmp(p->section, sections[s]))
                continue;
            if (p->from_run && !file_exists(data, p->data) && !why[s][0]) {
                char e[512];
                nc_xml_escape(e, sizeof e, p->title);
                nc_out_printf(&o, "<p class=\"note\">%s: made from the %s rows of a run "
                                  "(<code>make run</code>); this run has none.</p>\n", e, sections[s]);
                continue;
            }
            int rc = file_exists(data, p->data) ? make_plot(data, p)
                                                 : nc_err_set(NC_ERR_IO, "no data (%s)", p->data);
            if (!rc)
                rc = embed_svg(&o, data, p->id, p->title);
            if (rc) {
                char e[1024], msg[700];
                snprintf(msg, sizeof msg, "%s: %s", p->title, nc_err_msg());
                nc_xml_escape(e, sizeof e, msg);
                nc_out_printf(&o, "<p class=\"missing\">plot missing: %s</p>\n", e);
                fprintf(stderr, "neurocosim report: plot %s: %s\n", p->id, nc_err_msg());
                failed++;
            }
        }
    }
    html_other_designs(&o, rows, nrows);
    if (regress && html_regress(&o, regress)) {
        char e[1024];
        nc_xml_escape(e, sizeof e, nc_err_msg());
        nc_out_printf(&o, "<h2 id=\"regress\">Regression</h2><p class=\"missing\">%s</p>\n", e);
        fprintf(stderr, "neurocosim report: --regress: %s\n", nc_err_msg());
        failed++;
    }
    if (coverage) {
        char sp[4096], abs[4096];
        snprintf(sp, sizeof sp, "%s/summary.txt", coverage);
        nc_out_printf(&o, "<h2 id=\"coverage\">RTL coverage (make coverage)</h2>\n");
        if (html_pre_file(&o, realpath(coverage, abs) ? sp : NULL, "coverage-summary",
                          "no coverage figures yet: <code>make coverage</code>"))
            nc_out_printf(&o, "<p><a href=\"file://%s/html/index.html\">line and toggle coverage per "
                              "source line (genhtml)</a></p>\n", abs);
    }
    if (synth) {
        nc_out_printf(&o, "<h2 id=\"synth\">Synthesis (make synth)</h2>\n<p class=\"note\">Yosys, "
                          "generic cells: cells, flip-flops, memories and their bits, longest "
                          "combinational path in logic levels, seconds (rtl/fftconv/README.md, "
                          "\"Synthesis\")</p>\n");
        html_pre_file(&o, synth, "synth-table",
                      "no synthesis figures yet: <code>make synth</code> (or <code>make "
                      "synth-ci</code>, part of <code>make test</code>)");
    }
    nc_out_printf(&o, "</body></html>\n");
    free(rows);
    if (nc_out_commit(&o)) {
        fprintf(stderr, "neurocosim report: %s\n", nc_err_msg());
        return 1;
    }
    printf("report: %s (%d problem%s)\n", index, failed, failed == 1 ? "" : "s");
    return failed ? 1 : 0;
}
