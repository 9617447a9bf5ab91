/* main.c - the neurocosim command-line tool: dispatch to one design's subcommand, or `run`
 * every design's validation (each in its own process: libngspice allows one instance per
 * process, and a crash in one design must not hide the others' results). Every command parses
 * its options with getopt_long and answers --help (usage on stdout, exit 0). */
#define _POSIX_C_SOURCE 200809L
#include <getopt.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "designs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "nc_version.h"
#include "vmodel.h"

struct design {
    const char *name;
    int (*cmd)(int, char **);
    int (*validate)(nc_report_t *);
    const char *what;
};

static const struct design designs[] = {
    {"fftconv", cmd_fftconv, validate_fftconv, "FFT long-convolution accelerator (RTL)"},
    {"snn", cmd_snn, validate_snn, "spiking LIF core with delays and astrocytes (RTL)"},
    {"spice", cmd_spice, validate_spice, "SFQ cells and the deep XOR network (ngspice)"},
    {"platform", cmd_platform, validate_platform,
     "fftconv and snn jobs on the SystemC/TLM-2.0 virtual platform"},
    {"system", cmd_system, validate_system,
     "the hybrid chip: host, RTL and SFQ circuits in one simulation"},
};

#define N_DESIGNS NC_ARRAY_LEN(designs)

static const struct option help_only[] = {{"help", no_argument, 0, 'h'}, {0, 0, 0, 0}};

static void usage(FILE *f)
{
    fprintf(f, "usage: neurocosim [--help] [--version] <command> [options]\n\ncommands:\n");
    fprintf(f, "  run [DESIGN...]     co-simulate every design (or the named ones) on its defaults;\n"
               "                      print the validation report (neurocosim run --help)\n");
    for (size_t i = 0; i < N_DESIGNS; i++)
        fprintf(f, "  %-19s %s (neurocosim %s --help)\n", designs[i].name, designs[i].what,
                designs[i].name);
    fprintf(f, "  models              list the RTL configurations built into this binary\n");
    fprintf(f, "  regress             a list of jobs on N workers, resumable (neurocosim regress --help)\n");
    fprintf(f, "  report              the HTML report: rows of a run and plots (neurocosim report --help)\n");
    fprintf(f, "  help [COMMAND]      this text, or the usage of COMMAND\n");
    fprintf(f, "\noptions:\n  -h, --help          this text\n"
               "  -V, --version       print the version and exit\n");
    fprintf(f, "\nexit status: 0 on success, 1 on a failed check, 2 on bad usage or input.\n");
}

static void print_version(void)
{
    if (NC_GIT_DESCRIBE[0])
        printf("neurocosim %s (git %s)\n", NC_VERSION, NC_GIT_DESCRIBE);
    else
        printf("neurocosim %s\n", NC_VERSION);
}

static void design_list(FILE *f)
{
    for (size_t i = 0; i < N_DESIGNS; i++)
        fprintf(f, "%s%s", i ? ", " : "", designs[i].name);
}

static void run_usage(FILE *f)
{
    fprintf(f, "usage: neurocosim run [--help] [--out DIR] [DESIGN...]\n"
               "Co-simulates every design (or only the named ones, in this order: ");
    design_list(f);
    fprintf(f, ")\non its defaults, each in its own process, compares each with its golden model "
               "and prints\none report row per checked configuration, then a summary line.\n"
               "A progress line per design goes to stderr when it is a terminal (NC_PROGRESS=1\n"
               "forces it, NC_PROGRESS=0 silences it).\n"
               "The closing line counts rows: 'validation: R rows passed, F failed (D designs, T s)';\n"
               "a design that crashes or adds no row counts as one failed row.\n"
               "  --out DIR           also write the rows to DIR/run.json, DIR/run.xml (JUnit: one\n"
               "                      testcase per row) and DIR/run.tsv (read by neurocosim report);\n"
               "                      DIR is created; checked before anything runs\n"
               "  -h, --help          this text\n"
               "exit status: 0 when every row passed, 1 when a check failed or a design crashed,\n"
               "2 on an unknown design or option, or an --out DIR that cannot be written.\n");
}

static void models_usage(FILE *f)
{
    fprintf(f, "usage: neurocosim models [--help]\n"
               "Lists the RTL configurations (Verilated models) built into this binary: name, top\n"
               "module and parameters.\n"
               "  -h, --help          this text\n"
               "exit status: 0, or 2 on an unknown option or argument.\n");
}

/* Parses a command that takes only --help; returns -1 to go on, else the exit status. */
static int parse_help_only(int argc, char **argv, const char *cmd, void (*use)(FILE *))
{
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "h", help_only, NULL)) != -1) {
        if (c == 'h') {
            use(stdout);
            return 0;
        }
        fprintf(stderr, "neurocosim %s: unknown option (see neurocosim %s --help)\n", cmd, cmd);
        return 2;
    }
    return -1;
}

/* At most this many rows per design are collected (a design adds a few dozen). */
#define RUN_ROWS_MAX 4096

/* Reads the TSV records a child wrote to f and appends them to *rows. */
static int collect_rows(FILE *f, const char *design, nc_row_t **rows, size_t *n, size_t *cap)
{
    rewind(f);
    char line[sizeof(nc_row_t) + 256], where[96];
    size_t added = 0;
    for (size_t ln = 1; fgets(line, sizeof line, f) && added < RUN_ROWS_MAX; ln++) {
        if (*n == *cap) {
            size_t nc = *cap ? 2 * *cap : 64;
            nc_row_t *p = realloc(*rows, nc * sizeof *p);
            if (!p)
                return -1;
            *rows = p;
            *cap = nc;
        }
        snprintf(where, sizeof where, "rows of %s:%zu", design, ln);
        if (nc_row_parse(line, where, &(*rows)[*n]) == NC_OK) {
            (*n)++;
            added++;
        }
    }
    return (int)added;
}

static int add_row(nc_row_t **rows, size_t *n, size_t *cap, const char *design, const char *note)
{
    if (*n == *cap) {
        size_t nc = *cap ? 2 * *cap : 64;
        nc_row_t *p = realloc(*rows, nc * sizeof *p);
        if (!p)
            return -1;
        *rows = p;
        *cap = nc;
    }
    nc_row_t *r = &(*rows)[(*n)++];
    memset(r, 0, sizeof *r);
    snprintf(r->design, sizeof r->design, "%s", design);
    snprintf(r->config, sizeof r->config, "(design run)");
    snprintf(r->note, sizeof r->note, "%s", note);
    r->sqnr_db = NAN;
    return 0;
}

/* A design's validation is bounded in wall-clock time: a hung child is killed. */
#define RUN_DESIGN_BOUND_S 3600

/* Waits for pid at most bound_s seconds (then SIGKILL and reap); false when it had to kill.
 * *st = -1 when waiting failed. */
static bool wait_bounded(pid_t pid, int *st, int bound_s)
{
    double t0 = nc_now_s();
    for (;;) {
        pid_t r = waitpid(pid, st, WNOHANG);
        if (r == pid)
            return true;
        if (r < 0) {
            *st = -1;
            return true;
        }
        if (nc_now_s() - t0 > bound_s) {
            kill(pid, SIGKILL);
            if (waitpid(pid, st, 0) < 0)
                *st = -1;
            return false;
        }
        struct timespec ts = {0, 20 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

static int run_all(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"out", required_argument, 0, 'o'}, {0, 0, 0, 0}};
    const char *outdir = NULL;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "ho:", opts, NULL)) != -1) {
        if (c == 'h') {
            run_usage(stdout);
            return 0;
        }
        if (c == 'o' && optarg[0]) {
            outdir = optarg;
            continue;
        }
        fprintf(stderr, "neurocosim run: %s (see neurocosim run --help)\n",
                c == 'o' ? "--out needs a folder name" : "unknown option");
        return 2;
    }
    bool want[N_DESIGNS];
    size_t nwant = 0;
    memset(want, argc > optind ? 0 : 1, sizeof want);
    for (int a = optind; a < argc; a++) {
        size_t i = 0;
        while (i < N_DESIGNS && strcmp(argv[a], designs[i].name) != 0)
            i++;
        if (i == N_DESIGNS) {
            fprintf(stderr, "neurocosim run: unknown design '%s'; expected one of: ", argv[a]);
            design_list(stderr);
            fprintf(stderr, "\n");
            return 2;
        }
        want[i] = true;
    }
    char pjson[4096], pxml[4096], ptsv[4096];
    if (outdir) {
        snprintf(pjson, sizeof pjson, "%s/run.json", outdir);
        snprintf(pxml, sizeof pxml, "%s/run.xml", outdir);
        snprintf(ptsv, sizeof ptsv, "%s/run.tsv", outdir);
        if (nc_mkdir_p(outdir) || nc_out_check(pjson) || nc_out_check(pxml) || nc_out_check(ptsv)) {
            fprintf(stderr, "neurocosim run: --out %s: %s\n", outdir, nc_err_msg());
            return 2;
        }
    }
    for (size_t i = 0; i < N_DESIGNS; i++)
        nwant += want[i];
    printf("neurocosim validation report: every design co-simulated on its defaults and "
           "compared with its golden model\n\n");
    nc_report_header();
    int ran = 0;
    nc_row_t *rows = NULL;
    size_t nrows = 0, cap = 0;
    double t0 = nc_now_s();
    for (size_t i = 0; i < N_DESIGNS; i++) {
        if (!want[i])
            continue;
        fflush(stdout);
        char what[64];
        snprintf(what, sizeof what, "neurocosim run: starting %s; designs done", designs[i].name);
        nc_progress(what, ran, (double)nwant);
        nc_progress_end();
        ran++;
        pid_t parent = getpid();
        FILE *sink = tmpfile();
        if (!sink) {
            perror("neurocosim run: tmpfile");
            free(rows);
            return 1;
        }
        pid_t pid = fork();
        if (pid == 0) {
            /* The design's process dies with `run` (a killed run leaves nothing behind). */
            prctl(PR_SET_PDEATHSIG, SIGKILL);
            if (getppid() != parent)
                _exit(1);
            nc_report_t r = {0, 0};
            nc_report_sink(sink);
            int rc = designs[i].validate(&r);
            fflush(stdout);
            fflush(sink);
            _exit(rc != 0 || r.failures != 0 || r.rows == 0 ? 1 : 0);
        }
        int st = 0;
        if (pid > 0 && !wait_bounded(pid, &st, RUN_DESIGN_BOUND_S))
            printf("%-8s did not finish within its bound of %d s: killed\n", designs[i].name,
                   RUN_DESIGN_BOUND_S);
        if (pid < 0 || st == -1) {
            perror("neurocosim run: fork");
            fclose(sink);
            free(rows);
            return 1;
        }
        int got = collect_rows(sink, designs[i].name, &rows, &nrows, &cap);
        fclose(sink);
        char why[128] = "";
        if (WIFSIGNALED(st)) {
            printf("%-8s crashed with signal %d\n", designs[i].name, WTERMSIG(st));
            snprintf(why, sizeof why, "crashed with signal %d", WTERMSIG(st));
        } else if (got <= 0) {
            snprintf(why, sizeof why, "added no row (exit status %d)", WEXITSTATUS(st));
        } else if (WEXITSTATUS(st) != 0) {
            /* A failure the rows do not show (e.g. an error after the last row). */
            size_t bad = 0;
            for (size_t k = nrows - (size_t)got; k < nrows; k++)
                bad += !rows[k].pass;
            if (!bad)
                snprintf(why, sizeof why, "exit status %d with every row passing",
                         WEXITSTATUS(st));
        }
        if (why[0] && add_row(&rows, &nrows, &cap, designs[i].name, why)) {
            perror("neurocosim run");
            free(rows);
            return 1;
        }
    }
    size_t failed = 0;
    for (size_t k = 0; k < nrows; k++)
        failed += !rows[k].pass;
    double secs = nc_now_s() - t0;
    printf("\nvalidation: %zu rows passed, %zu failed (%d design%s, %.1f s)\n", nrows - failed,
           failed, ran, ran == 1 ? "" : "s", secs);
    int st = failed ? 1 : 0;
    if (outdir) {
        if (nc_rows_write_json(pjson, rows, nrows) || nc_rows_write_junit(pxml, "neurocosim run", rows, nrows, secs) ||
            nc_rows_write_tsv(ptsv, rows, nrows)) {
            fprintf(stderr, "neurocosim run: %s\n", nc_err_msg());
            st = 1;
        } else
            printf("rows written to %s, %s and %s\n", pjson, pxml, ptsv);
    }
    free(rows);
    return st;
}

static int list_models(int argc, char **argv)
{
    int st = parse_help_only(argc, argv, "models", models_usage);
    if (st >= 0)
        return st;
    if (optind < argc) {
        fprintf(stderr, "neurocosim models: unexpected argument '%s' (see neurocosim models "
                        "--help)\n", argv[optind]);
        return 2;
    }
    for (const vmodel_class_t *const *c = vmodel_classes; *c; c++)
        printf("%-14s top %-16s %s\n", (*c)->name, (*c)->top, (*c)->params);
    return 0;
}

static int dispatch(int argc, char **argv);

/* `neurocosim help [COMMAND]`: the usage of the tool or of one command. */
static int help_cmd(int argc, char **argv)
{
    if (argc < 2) {
        usage(stdout);
        return 0;
    }
    if (argc > 2 || !strcmp(argv[1], "help")) {
        fprintf(stderr, "neurocosim help: expected at most one command name, e.g. neurocosim "
                        "help run\n");
        return 2;
    }
    char *sub[] = {argv[1], "--help", NULL};
    return dispatch(2, sub);
}

/* argv[0] is the command's name. */
static int dispatch(int argc, char **argv)
{
    if (!strcmp(argv[0], "run"))
        return run_all(argc, argv);
    if (!strcmp(argv[0], "models"))
        return list_models(argc, argv);
    if (!strcmp(argv[0], "report"))
        return cmd_report(argc, argv);
    if (!strcmp(argv[0], "regress"))
        return cmd_regress(argc, argv);
    if (!strcmp(argv[0], "help"))
        return help_cmd(argc, argv);
    for (size_t i = 0; i < N_DESIGNS; i++)
        if (!strcmp(argv[0], designs[i].name))
            return designs[i].cmd(argc, argv);
    fprintf(stderr, "neurocosim: unknown command '%s'\n\n", argv[0]);
    usage(stderr);
    return 2;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        {"help", no_argument, 0, 'h'}, {"version", no_argument, 0, 'V'}, {0, 0, 0, 0}};
    /* The tool's own options stand before the command; everything from the command on belongs
     * to it, so getopt only sees the leading options. */
    int lead = 1;
    while (lead < argc && argv[lead][0] == '-' && argv[lead][1]) {
        if (!strcmp(argv[lead++], "--"))
            break;
    }
    optind = 1;
    int c;
    while ((c = getopt_long(lead, argv, "hV", opts, NULL)) != -1) {
        switch (c) {
        case 'h': usage(stdout); return 0;
        case 'V': print_version(); return 0;
        default:
            fprintf(stderr, "neurocosim: see neurocosim --help\n");
            return 2;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return 2;
    }
    return dispatch(argc - optind, argv + optind);
}
