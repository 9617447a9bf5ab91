/* test_core_cli.c - the neurocosim tool as a user meets it: exit statuses, file:line errors
 * for bad input, outputs that a good run writes. Runs the built binary ($NC_BUILD/bin). */
#include <criterion/criterion.h>
#include <dirent.h>
#include <limits.h>
#include <math.h>
#include <sys/stat.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nc_test.h"

static char out[65536];

/* Runs `neurocosim <args>` with stdout+stderr captured in out; returns the exit status. */
static int nc(const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return nc_test_sh(out, sizeof out, 300, "%s %s", nc_test_tool(), args);
}

static char sout[65536], serr[65536];

static void slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

/* Runs `env ENV neurocosim <args>` in folder `dir` (NULL: here) with stdout in sout and stderr
 * in serr (separately: usage must go to stdout); returns the exit status. */
static int nc_at(const char *dir, const char *env, const char *fmt, ...)
{
    const char *b = getenv("NC_BUILD");
    char bin[4096], args[2048], cmd[8192], errp[256];
    snprintf(cmd, sizeof cmd, "%s/bin/neurocosim", b && *b ? b : "build/rel");
    cr_assert(realpath(cmd, bin), "no tool at %s", cmd);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(errp, sizeof errp, "/tmp/nc_cli_%d_stderr.txt", (int)getpid());
    snprintf(cmd, sizeof cmd, "cd %s && env %s %s %s 2>%s", dir ? dir : ".", env ? env : "", bin,
             args, errp);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(sout, 1, sizeof sout - 1, p);
    sout[n] = '\0';
    int st = pclose(p);
    slurp(errp, serr, sizeof serr);
    unlink(errp);
    cr_assert(WIFEXITED(st), "%s did not exit normally:\n%s%s", cmd, sout, serr);
    return WEXITSTATUS(st);
}

/* A fresh empty folder /tmp/nc_cli_<pid>_<name>. */
static const char *tmpdir_named(const char *name)
{
    static char paths[4][256];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, 256, "/tmp/nc_cli_%d_%s", (int)getpid(), name);
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", p, p);
    cr_assert_eq(system(cmd), 0);
    return p;
}

static void rm_rf(const char *path)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", path);
    cr_assert_eq(system(cmd), 0);
}

/* How many entries a folder holds (besides . and ..). */
static int entries(const char *dir)
{
    DIR *d = opendir(dir);
    cr_assert(d, "cannot open %s", dir);
    int n = 0;
    for (struct dirent *e; (e = readdir(d));)
        n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static const char *tmpfile_with(const char *name, const char *text)
{
    static char paths[4][256];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, 256, "/tmp/nc_cli_%d_%s", (int)getpid(), name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *ramp(int n, int step)
{
    char *s = malloc((size_t)n * 8 + 1), *w = s;
    for (int i = 0; i < n; i++)
        w += sprintf(w, "%d\n", ((i * step) % 20000) - 10000);
    return s;
}

Test(core_cli, usage_and_unknown_commands, .timeout = 30)
{
    cr_assert_eq(nc(""), 2);
    cr_assert(strstr(out, "usage: neurocosim"), "%s", out);
    cr_assert_eq(nc("--help"), 0);
    cr_assert_eq(nc("frobnicate"), 2);
    cr_assert(strstr(out, "unknown command 'frobnicate'"), "%s", out);
    cr_assert_eq(nc("models"), 0);
    cr_assert(strstr(out, "scratch"), "%s", out);
}

Test(core_cli, fftconv_good_run_writes_every_sample, .timeout = 120)
{
    char *u = ramp(256, 37);
    const char *in = tmpfile_with("u.txt", u);
    const char *k = tmpfile_with("k.txt", "16384\n8192\n4096\n");
    char outp[256];
    snprintf(outp, sizeof outp, "/tmp/nc_cli_%d_y.txt", (int)getpid());
    cr_assert_eq(nc("fftconv --input %s --kernel %s --output %s --butterflies 1", in, k, outp), 0,
                 "%s", out);
    int64_t *y;
    size_t n;
    cr_assert_eq(nc_read_ints(outp, -32768, 32767, &y, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(n, 256u);
    /* y[0] = k[0]*u[0] in Q1.15 (half of u[0]); the tool's own SQNR check covers the rest. */
    cr_assert(llabs(y[0] - (-10000 / 2)) <= 1, "y[0] = %lld", (long long)y[0]);
    free(y);
    free(u);
    unlink(in);
    unlink(k);
    unlink(outp);
}

Test(core_cli, fftconv_bad_input_names_file_and_line, .timeout = 60)
{
    char *u = ramp(256, 11);
    const char *good = tmpfile_with("good.txt", u);
    const char *k = tmpfile_with("k2.txt", "100\n");
    char *bad = ramp(256, 11);
    strcpy(strstr(bad, "\n") + 1, "12abc\n"); /* line 2 is not a number */
    const char *badf = tmpfile_with("bad.txt", bad);
    cr_assert_eq(nc("fftconv --input %s --kernel %s", badf, k), 2);
    char want[300];
    snprintf(want, sizeof want, "%s:2", badf);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    const char *range = tmpfile_with("range.txt", "1\n40000\n");
    cr_assert_eq(nc("fftconv --input %s --kernel %s", good, range), 2);
    snprintf(want, sizeof want, "%s:2", range);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    const char *shortf = tmpfile_with("short.txt", "1\n2\n3\n");
    cr_assert_eq(nc("fftconv --input %s --kernel %s", shortf, k), 2);
    cr_assert(strstr(out, shortf), "%s", out);
    cr_assert_eq(nc("fftconv --input %s --kernel %s --butterflies 3", good, k), 2);
    cr_assert(strstr(out, "--butterflies"), "%s", out);
    cr_assert_eq(nc("fftconv --input /nonexistent/u.txt --kernel %s", k), 2);
    cr_assert(strstr(out, "/nonexistent/u.txt"), "%s", out);
    free(u);
    free(bad);
    unlink(good);
    unlink(k);
    unlink(badf);
    unlink(range);
    unlink(shortf);
}

Test(core_cli, snn_example_runs_and_matches, .timeout = 60)
{
    char outp[256], tr[256];
    snprintf(outp, sizeof outp, "/tmp/nc_cli_%d_spikes.txt", (int)getpid());
    snprintf(tr, sizeof tr, "/tmp/nc_cli_%d_trace.txt", (int)getpid());
    cr_assert_eq(nc("snn --network rtl/snn/examples/coincidence.net --input "
                    "rtl/snn/examples/coincidence_in.txt --output %s --trace %s --steps 80",
                    outp, tr), 0, "%s", out);
    /* The file's own comments say: the pattern fires the detector, its reversed twin does not.
     * So every output spike lies before step 40, and there is at least one. */
    FILE *f = fopen(outp, "r");
    cr_assert(f);
    int step, neuron, n = 0;
    while (fscanf(f, "%d %d", &step, &neuron) == 2) {
        cr_assert(step < 40 && neuron == 0, "spike at step %d neuron %d", step, neuron);
        n++;
    }
    fclose(f);
    cr_assert(n >= 1, "the pattern did not fire the detector");
    unlink(outp);
    unlink(tr);
}

Test(core_cli, snn_bad_network_names_file_and_line, .timeout = 30)
{
    const char *net = tmpfile_with("bad.net", "snn 1 3\nneuron 0 1 du 4095 dv 2048 vth 250 refr 2 out 1\n"
                                              "syn a0 0 100 7\nsyn a1 0 100 999\n");
    const char *in = tmpfile_with("in.txt", "0 0\n");
    cr_assert_eq(nc("snn --network %s --input %s --output /dev/null", net, in), 2);
    char want[300];
    snprintf(want, sizeof want, "%s:4", net);
    cr_assert(strstr(out, want) && strstr(out, "delay"), "expected '%s' in:\n%s", want, out);
    const char *badin = tmpfile_with("badin.txt", "0 0\n1 x\n");
    cr_assert_eq(nc("snn --network rtl/snn/examples/coincidence.net --input %s --output /dev/null",
                    badin), 2);
    snprintf(want, sizeof want, "%s:2", badin);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    unlink(net);
    unlink(in);
    unlink(badin);
}

/* `neurocosim spice sim`: any netlist, slips counted per probe; bad parameters, values and
 * probes named. The JTL testbench's source sends 11 pulses in 560 ps (tb_jtl.cir). */
Test(core_cli, spice_sim_counts_slips_and_names_bad_input, .timeout = 60)
{
    cr_assert_eq(nc("spice sim cells/tb_jtl.cir --tstop 560e-12 --probe xdut.p2"), 0, "%s", out);
    cr_assert(strstr(out, "xdut.p2      up   11 down    0"), "%s", out);
    cr_assert_eq(nc("spice sim cells/tb_jtl.cir --param nosuch=1"), 2);
    cr_assert(strstr(out, "tb_jtl.cir") && strstr(out, "'nosuch'"), "%s", out);
    cr_assert_eq(nc("spice sim cells/tb_jtl.cir --param bias=abc"), 2);
    cr_assert(strstr(out, "'abc' is not a number"), "%s", out);
    cr_assert_eq(nc("spice sim cells/tb_jtl.cir --tstop 100e-12 --probe nosuch"), 2);
    cr_assert(strstr(out, "no real vector named 'nosuch'"), "%s", out);
    cr_assert_eq(nc("spice sim"), 2);
    cr_assert(strstr(out, "expected a netlist"), "%s", out);
    cr_assert_eq(nc("spice xor --scale sideways"), 2);
    cr_assert(strstr(out, "expected all, supply or weights"), "%s", out);
}

/* ------------------------------------------------------------ the top-level CLI (issue 8) */

/* Every command and sub-command answers --help (and -h, and `help CMD`) with its usage on
 * stdout, nothing on stderr, exit 0. */
Test(core_cli, help_of_every_command_goes_to_stdout, .timeout = 60)
{
    static const struct { const char *args, *usage; } cases[] = {
        {"--help", "usage: neurocosim [--help]"},
        {"-h", "usage: neurocosim [--help]"},
        {"help", "usage: neurocosim [--help]"},
        {"run --help", "usage: neurocosim run"},
        {"run -h", "usage: neurocosim run"},
        {"help run", "usage: neurocosim run"},
        {"models --help", "usage: neurocosim models"},
        {"help models", "usage: neurocosim models"},
        {"fftconv --help", "usage: neurocosim fftconv"},
        {"fftconv -h", "usage: neurocosim fftconv"},
        {"help fftconv", "usage: neurocosim fftconv"},
        {"snn --help", "usage: neurocosim snn"},
        {"spice --help", "usage: neurocosim spice"},
    };
    for (size_t i = 0; i < NC_ARRAY_LEN(cases); i++) {
        cr_assert_eq(nc_at(NULL, NULL, "%s", cases[i].args), 0, "neurocosim %s:\n%s%s",
                     cases[i].args, sout, serr);
        cr_assert(strncmp(sout, cases[i].usage, strlen(cases[i].usage)) == 0,
                  "neurocosim %s: stdout does not start with '%s':\n%s", cases[i].args,
                  cases[i].usage, sout);
        cr_assert_eq(serr[0], '\0', "neurocosim %s wrote to stderr:\n%s", cases[i].args, serr);
    }
    /* The top-level usage names every command and the version option. */
    cr_assert_eq(nc_at(NULL, NULL, "--help"), 0);
    const char *names[] = {"run", "fftconv", "snn", "spice", "models", "help", "--version"};
    for (size_t i = 0; i < NC_ARRAY_LEN(names); i++)
        cr_assert(strstr(sout, names[i]), "usage lacks '%s':\n%s", names[i], sout);
    /* No command: usage on stderr, exit 2; an unknown top-level option: exit 2. */
    cr_assert_eq(nc_at(NULL, NULL, ""), 2);
    cr_assert(strstr(serr, "usage: neurocosim") && !sout[0], "%s|%s", sout, serr);
    cr_assert_eq(nc_at(NULL, NULL, "--frobnicate"), 2);
    cr_assert(strstr(serr, "--frobnicate"), "%s", serr);
    cr_assert_eq(nc_at(NULL, NULL, "models extra"), 2);
    cr_assert(strstr(serr, "'extra'"), "%s", serr);
    cr_assert_eq(nc_at(NULL, NULL, "help nosuch"), 2);
    cr_assert(strstr(serr, "unknown command 'nosuch'"), "%s", serr);
}

Test(core_cli, version_from_one_source, .timeout = 30)
{
    cr_assert_eq(nc_at(NULL, NULL, "--version"), 0, "%s", serr);
    static char v1[sizeof sout];
    memcpy(v1, sout, sizeof v1);
    /* "neurocosim X.Y.Z..." on one line; -V says the same. */
    cr_assert(strncmp(v1, "neurocosim ", 11) == 0 && v1[11] >= '0' && v1[11] <= '9' &&
              strchr(v1 + 11, '.'), "--version printed '%s'", v1);
    cr_assert(strchr(v1, '\n') == v1 + strlen(v1) - 1, "--version: not one line: '%s'", v1);
    cr_assert_eq(nc_at(NULL, NULL, "-V"), 0);
    cr_assert_str_eq(sout, v1);
}

/* `run --help` is no design name; unknown designs are refused with the list before anything
 * runs; named designs run alone. */
Test(core_cli, run_takes_design_names, .timeout = 120)
{
    cr_assert_eq(nc_at(NULL, NULL, "run nosuch"), 2);
    cr_assert(strstr(serr, "unknown design 'nosuch'") && strstr(serr, "fftconv, snn, spice"),
              "%s", serr);
    cr_assert(!strstr(sout, "validation"), "ran something before refusing:\n%s", sout);
    cr_assert_eq(nc_at(NULL, NULL, "run fftconv nosuch"), 2);
    cr_assert(!strstr(sout, "fftconv  L="), "ran fftconv before refusing 'nosuch':\n%s", sout);
    cr_assert_eq(nc_at(NULL, NULL, "run --bogus"), 2);
    /* One design: its rows only, one passed. Progress is off when stderr is no terminal. */
    cr_assert_eq(nc_at(NULL, NULL, "run fftconv"), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "fftconv  L=4096 partial LK=300 (Lk=512) P=2") && !strstr(sout, "snn ") &&
              strstr(sout, "validation: 11 rows passed, 0 failed (1 design, "), "%s", sout);
    cr_assert(!strstr(serr, "neurocosim run: starting"), "progress without a terminal:\n%s", serr);
    /* NC_PROGRESS=1 (as on a terminal): one progress line per design on stderr. */
    cr_assert_eq(nc_at(NULL, "NC_PROGRESS=1", "run fftconv"), 0, "%s%s", sout, serr);
    cr_assert(strstr(serr, "neurocosim run: starting fftconv; designs done: 0/1"), "%s", serr);
    cr_assert(!strstr(sout, "neurocosim run: starting"), "progress went to stdout");
}

/* Numeric options never take an empty value. */
Test(core_cli, fftconv_empty_numbers_are_refused, .timeout = 30)
{
    const char *opts[] = {"--length", "--skip", "--butterflies", "--partial", "--freq-sparse",
                          "--oshift", "--seed"};
    for (size_t i = 0; i < NC_ARRAY_LEN(opts); i++) {
        cr_assert_eq(nc_at(NULL, NULL, "fftconv %s ''", opts[i]), 2, "%s ''", opts[i]);
        cr_assert(strstr(serr, opts[i]) && strstr(serr, "not a decimal integer"), "%s", serr);
        cr_assert(!strstr(sout, "samples differ"), "%s '' ran:\n%s", opts[i], sout);
    }
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 010"), 2);
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 1000"), 2);
    cr_assert(strstr(serr, "power of two"), "%s", serr);
}

/* Defaults: no file options at all, or only --length, runs a generated convolution, checks it
 * and writes nothing (the folder it runs in stays empty). */
Test(core_cli, fftconv_defaults_write_nothing, .timeout = 60)
{
    const char *dir = tmpdir_named("defaults");
    cr_assert_eq(nc_at(dir, NULL, "fftconv --length 1024"), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "L=1024") && strstr(sout, "0 of 1024 samples differ") &&
              strstr(sout, "SQNR"), "%s", sout);
    cr_assert_eq(nc_at(dir, NULL, "fftconv"), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "0 of 1024 samples differ"), "%s", sout);
    cr_assert_eq(entries(dir), 0, "fftconv without --output wrote into %s", dir);
    rm_rf(dir);
}

/* An output that cannot be written is refused before the run (exit 2): the run's report never
 * appears, its waveform is never opened, and nothing is left behind. */
Test(core_cli, fftconv_unwritable_output_is_refused_before_the_run, .timeout = 60)
{
    const char *dir = tmpdir_named("outchk");
    char notdir[300];
    snprintf(notdir, sizeof notdir, "%s/plainfile", dir);
    FILE *f = fopen(notdir, "w");
    cr_assert(f);
    fclose(f);
    const char *bad[] = {"/nonexistent/y.txt", "%s/plainfile/y.txt", "%s", "/dev/null", "''"};
    for (size_t i = 0; i < NC_ARRAY_LEN(bad); i++) {
        char o[400];
        snprintf(o, sizeof o, bad[i], dir);
        /* L = 65536 with P = 1 is the longest run: were the check after it, the report and the
         * waveform would be there. */
        cr_assert_eq(nc_at(dir, NULL, "fftconv --length 65536 --butterflies 1 --waves %s/w.fst "
                           "--output %s", dir, o), 2, "--output %s:\n%s%s", o, sout, serr);
        cr_assert(strstr(serr, "--output"), "--output %s: %s", o, serr);
        cr_assert(!strstr(sout, "samples differ"), "--output %s: the run happened:\n%s", o, sout);
        cr_assert_eq(entries(dir), 1, "--output %s left files in %s", o, dir);
    }
    /* Bad input with a good output path: refused, and no output (or temporary) file appears. */
    const char *k = tmpfile_with("k_out.txt", "1\n2\n");
    cr_assert_eq(nc_at(dir, NULL, "fftconv --length 256 --kernel %s --partial 1 --output %s/y.txt",
                       k, dir), 2);
    cr_assert(strstr(serr, k), "%s", serr);
    cr_assert_eq(entries(dir), 1, "a refused run left files in %s", dir);
    unlink(k);
    rm_rf(dir);
}

/* --waves into a missing folder is a usage error before the run; a good one prints the path
 * and the command that opens it. */
Test(core_cli, fftconv_waves_checked_and_printed, .timeout = 60)
{
    const char *dir = tmpdir_named("waves");
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 256 --waves %s/missing/w.fst", dir), 2);
    cr_assert(strstr(serr, "--waves") && strstr(serr, "missing"), "%s", serr);
    cr_assert(!strstr(sout, "samples differ"), "the run happened:\n%s", sout);
    int rcw = nc_at(NULL, NULL, "fftconv --length 256 --butterflies 4 --waves %s/fftconv_t.fst", dir);
    /* Under SAN=1 the Verilated models are built with -fno-sanitize=alignment: Verilator
     * 5.006's trace code loads 64-bit values through uint32_t pointers (fixed in 5.012). */
    cr_assert_eq(rcw, 0, "%s%s", sout, serr);
    char want[600];
    snprintf(want, sizeof want, "waveform: %s/fftconv_t.fst\n", dir);
    cr_assert(strstr(sout, want), "expected '%s' in:\n%s", want, sout);
    snprintf(want, sizeof want, "make waves WAVE=%s/fftconv_t.fst\n", dir);
    cr_assert(strstr(sout, want), "expected '%s' in:\n%s", want, sout);
    char fst[400];
    snprintf(fst, sizeof fst, "%s/fftconv_t.fst", dir);
    struct stat st;
    cr_assert(stat(fst, &st) == 0 && st.st_size > 0, "no waveform at %s", fst);
    rm_rf(dir);
}

/* --partial takes any length 1..L; the output uses exactly the first LK taps. */
Test(core_cli, fftconv_partial_any_length, .timeout = 120)
{
    const long lks[] = {1, 3, 300, 4095, 4096};
    for (size_t i = 0; i < NC_ARRAY_LEN(lks); i++) {
        cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 4096 --partial %ld", lks[i]), 0,
                     "--partial %ld:\n%s%s", lks[i], sout, serr);
        cr_assert(strstr(sout, "0 of 4096 samples differ"), "--partial %ld:\n%s", lks[i], sout);
    }
    /* Lk: the smallest power of two >= LK and >= 32 (worked out by hand). */
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 4096 --partial 300"), 0);
    cr_assert(strstr(sout, "Lk=512") && strstr(sout, "first 300 taps"), "%s", sout);
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 4096 --partial 3"), 0);
    cr_assert(strstr(sout, "Lk=32"), "%s", sout);
    /* Out of range, and a kernel file longer than LK: exit 2 with the range or the file. */
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 256 --partial 0"), 2);
    cr_assert(strstr(serr, "--partial") && strstr(serr, "out of range"), "%s", serr);
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 256 --partial 257"), 2);
    cr_assert(strstr(serr, "--partial 257") && strstr(serr, "1..L (256"), "%s", serr);
    const char *k4 = tmpfile_with("k4.txt", "16384\n8192\n4096\n2048\n");
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --length 256 --kernel %s --partial 3", k4), 2);
    cr_assert(strstr(serr, k4) && strstr(serr, "4 taps") && strstr(serr, "1..3"), "%s", serr);
    /* A 3-tap kernel with --partial 3: y[t] = (k0 u[t] + k1 u[t-1] + k2 u[t-2]) / 2^15, summed
     * here directly; the accelerator's rounding may differ by a couple of LSB. */
    const char *k3 = tmpfile_with("k3.txt", "16384\n-8192\n4096\n");
    char *u = ramp(256, 37);
    const char *in = tmpfile_with("u3.txt", u);
    char outp[256];
    snprintf(outp, sizeof outp, "/tmp/nc_cli_%d_y3.txt", (int)getpid());
    cr_assert_eq(nc_at(NULL, NULL, "fftconv --input %s --kernel %s --partial 3 --output %s", in,
                       k3, outp), 0, "%s%s", sout, serr);
    int64_t *y;
    size_t n;
    cr_assert_eq(nc_read_ints(outp, -32768, 32767, &y, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(n, 256u);
    const double k[3] = {16384, -8192, 4096};
    for (int t = 0; t < 256; t++) {
        double acc = 0;
        for (int j = 0; j < 3 && j <= t; j++)
            acc += k[j] * (double)(((t - j) * 37) % 20000 - 10000);
        double want = acc / 32768.0;
        cr_assert(fabs((double)y[t] - want) <= 2.0, "y[%d] = %lld, direct sum %.2f", t,
                  (long long)y[t], want);
    }
    free(y);
    free(u);
    unlink(outp), unlink(k4), unlink(k3), unlink(in);
}

/* Long runs (L = 65536) show progress on stderr when asked (as on a terminal), never on
 * stdout, and none when stderr is not a terminal. */
Test(core_cli, fftconv_long_run_shows_progress, .timeout = 120)
{
    cr_assert_eq(nc_at(NULL, "NC_PROGRESS=1", "fftconv --length 65536"), 0, "%s%s", sout, serr);
    cr_assert(strstr(serr, "fftconv L=65536 P=2: accelerator cycles") && strstr(serr, "(100%)"),
              "%s", serr);
    cr_assert(strstr(sout, "0 of 65536 samples differ") && !strstr(sout, "accelerator cycles"),
              "%s", sout);
    cr_assert_eq(nc_at(NULL, "NC_PROGRESS=1", "fftconv --length 16384"), 0);
    cr_assert(!strstr(serr, "accelerator cycles"), "progress for a short run:\n%s", serr);
}
