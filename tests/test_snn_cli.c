/* test_snn_cli.c - `neurocosim snn` as a user meets it: per-neuron network values seen in the
 * trace, inputs past --steps and non-decimal integers refused with file:line, every output
 * bounded and checked before the run, files written atomically, the waveform's named probe
 * signals and the command that opens it. Runs the built binary ($NC_BUILD/bin).
 * Expected values are written by hand from rtl/snn/SPEC.md (the arithmetic is shown next to
 * each table). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_test.h"

static char out[1 << 16];

/* Runs `[env] neurocosim <args>` with stdout+stderr captured in out; returns the exit status. */
static int nc_env(const char *env, const char *fmt, ...)
{
    const char *b = getenv("NC_BUILD");
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s %s/bin/neurocosim %s 2>&1", env ? env : "", b && *b ? b : "build/rel", args);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "%s did not exit normally:\n%s", cmd, out);
    return WEXITSTATUS(st);
}
#define nc(...) nc_env(NULL, __VA_ARGS__)

static char dir[128];

/* A fresh folder for one test's files. */
static void mkdir_test(const char *name)
{
    snprintf(dir, sizeof dir, "/tmp/nc_snn_cli_%d_%s", (int)getpid(), name);
    cr_assert_eq(nc_mkdir_p(dir), NC_OK, "%s", nc_err_msg());
}

static const char *file_with(const char *name, const char *text)
{
    static char paths[8][256];
    static int k;
    char *p = paths[k++ % 8];
    snprintf(p, 256, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    fclose(f);
    return p;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return NULL;
    static char buf[1 << 16];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static void rm_test(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Files in dir (no temporary file may be left behind). */
static int files_in_dir(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "ls -A %s | wc -l", dir);
    FILE *p = popen(cmd, "r");
    int n = -1;
    if (p) {
        if (fscanf(p, "%d", &n) != 1)
            n = -1;
        pclose(p);
    }
    return n;
}

/* Four neurons with distinct parameters, then one line setting vth of all four (the keys it
 * does not name keep each neuron's own values). One input event at step 0 reaches every
 * neuron with weight 1 << 0, so a = 1 there and 0 after. */
static const char *per_neuron_net = "snn 4 1\n"
                                    "wexp 0\n"
                                    "neuron 0 1 du 4095 dv 4095 bias 10 0 vth 50000 refr 0 astro -1 out 1\n"
                                    "neuron 1 1 du 0 dv 2048 bias 20 1 vth 50000 refr 3 astro 2 out 0\n"
                                    "neuron 2 1 du 2047 dv 0 bias -5 2 vth 50000 refr 1 astro -1 out 1\n"
                                    "neuron 3 1 du 100 dv 4095 bias 1000 3 vth 50000 refr 2 astro -1 out 1\n"
                                    "neuron 0 4 vth 100\n"
                                    "syn a0 0 1 0\nsyn a0 1 1 0\nsyn a0 2 1 0\nsyn a0 3 1 0\n";

/* u' = trunc(u (4095-du) / 4096) + 64 a;  v' = trunc(v (4096-dv) / 4096) + u' + bias, spike
 * if v' > 64 * 100 = 6400 (then v' = 0 and refr steps at v = 0). Per neuron:
 *   0: du 4095 -> u = 64, 0, 0 ...; dv 4095 keeps nothing of v below 4096; bias 10:
 *      v = 64 + 10 = 74, then 10.
 *   1: du 0 -> u = 64, 63 (64*4095/4096 = 63.98), 62, 61 ...; dv 2048 halves v; bias 20<<1:
 *      v = 104, 52+63+40 = 155, 77+62+40 = 179, 89+61+40 = 190, 95+60+40 = 195, 97+59+40 = 196,
 *      98+58+40 = 196.
 *   2: du 2047 halves u: 64, 32, 16, 8, 4, 2, 1; dv 0 keeps v; bias -5<<2 = -20:
 *      v = 44, 56, 52, 40, 24, 6, -13.
 *   3: du 100: u = 64, 62 (64*3995/4096 = 62.4), 60, 58, 56, 54, 52; bias 1000<<3 = 8000
 *      > 6400: spikes at step 0, refractory 2 steps (v = 0), spikes at 3, at 6.
 * With neuron 0's values copied to all four (the old parser), every row would be 0's. */
static const char *per_neuron_trace = "0 0 64 74\n0 1 64 104\n0 2 64 44\n0 3 64 0\n"
                                      "1 0 0 10\n1 1 63 155\n1 2 32 56\n1 3 62 0\n"
                                      "2 0 0 10\n2 1 62 179\n2 2 16 52\n2 3 60 0\n"
                                      "3 0 0 10\n3 1 61 190\n3 2 8 40\n3 3 58 0\n"
                                      "4 0 0 10\n4 1 60 195\n4 2 4 24\n4 3 56 0\n"
                                      "5 0 0 10\n5 1 59 196\n5 2 2 6\n5 3 54 0\n"
                                      "6 0 0 10\n6 1 58 196\n6 2 1 -13\n6 3 52 0\n";

Test(snn_cli, per_neuron_values_in_trace_and_spikes, .timeout = 60)
{
    mkdir_test("pn");
    const char *net = file_with("pn.net", per_neuron_net);
    const char *in = file_with("in.txt", "0 0\n");
    char sp[256], tr[256];
    snprintf(sp, sizeof sp, "%s/spikes.txt", dir);
    snprintf(tr, sizeof tr, "%s/trace.txt", dir);
    cr_assert_eq(nc("snn --network %s --input %s --steps 7 --output %s --trace %s", net, in, sp, tr), 0, "%s", out);
    char *t = slurp(tr);
    cr_assert(t);
    cr_expect_str_eq(t, per_neuron_trace);
    /* neuron 1 spikes never (out 0 anyway); neuron 3 at 0, 3, 6 (out 1) */
    cr_expect_str_eq(slurp(sp), "0 3\n3 3\n6 3\n");
    rm_test();
}

Test(snn_cli, input_past_steps_refused_with_file_line, .timeout = 60)
{
    mkdir_test("past");
    const char *net = file_with("pn.net", per_neuron_net);
    const char *in = file_with("input.txt", "0 0\n# comment\n399 0\n400 0\n");
    char sp[256], want[400];
    snprintf(sp, sizeof sp, "%s/spikes.txt", dir);
    cr_assert_eq(nc("snn --network %s --input %s --steps 400 --output %s", net, in, sp), 2, "%s", out);
    snprintf(want, sizeof want, "%s:4: event at step 400 is at or past --steps 400 (steps run 0..399)", in);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    cr_expect_null(slurp(sp), "a refused run wrote %s", sp);
    /* --steps 401 takes them all */
    cr_assert_eq(nc("snn --network %s --input %s --steps 401 --output %s", net, in, sp), 0, "%s", out);
    cr_expect(strstr(out, "401 steps, 3 input events"), "%s", out);
    /* without --steps, a step at or past the cap of 10^8 is refused, not run */
    in = file_with("far.txt", "0 0\n1000000000 0\n");
    cr_assert_eq(nc("snn --network %s --input %s --output %s", net, in, sp), 2, "%s", out);
    snprintf(want, sizeof want, "%s:2: event at step 1000000000 is at or past the cap of 100000000 steps", in);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    in = file_with("huge.txt", "1000000000000 0\n");
    cr_assert_eq(nc("snn --network %s --input %s --output %s", net, in, sp), 2, "%s", out);
    snprintf(want, sizeof want, "%s:1: event at step 1000000000000 is at or past the cap", in);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    rm_test();
}

Test(snn_cli, octal_and_hex_refused_with_file_line, .timeout = 30)
{
    mkdir_test("dec");
    const char *net = file_with("oct.net", "snn 2 1\nneuron 0 2 vth 010\n");
    const char *in = file_with("in.txt", "0 0\n");
    cr_assert_eq(nc("snn --network %s --input %s --output %s/o.txt", net, in, dir), 2, "%s", out);
    char want[300];
    snprintf(want, sizeof want, "%s:2: vth '010'", net);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    net = file_with("ok.net", "snn 2 1\nneuron 0 2 vth 10\n");
    in = file_with("hex.txt", "0 0\n0x10 0\n");
    cr_assert_eq(nc("snn --network %s --input %s --output %s/o.txt", net, in, dir), 2, "%s", out);
    snprintf(want, sizeof want, "%s:2: step '0x10'", in);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    rm_test();
}

/* Outputs that cannot be written are usage errors found before the run: with 10^8 steps the
 * run itself would outlast the test's timeout. */
Test(snn_cli, unwritable_outputs_refused_before_the_run, .timeout = 30)
{
    mkdir_test("unw");
    const char *net = file_with("pn.net", per_neuron_net);
    const char *big = "--rate 0.5 --steps 100000000";
    cr_assert_eq(nc("snn --network %s %s --output /nonexistent/dir/out.txt", net, big), 2, "%s", out);
    cr_expect(strstr(out, "/nonexistent/dir/out.txt"), "%s", out);
    cr_assert_eq(nc("snn --network %s %s --output %s/o.txt --trace /nonexistent/dir/tr.txt", net, big, dir), 2, "%s",
                 out);
    cr_expect(strstr(out, "/nonexistent/dir/tr.txt"), "%s", out);
    cr_assert_eq(nc("snn --network %s %s --output %s/o.txt --waves /nonexistent/dir/w.fst", net, big, dir), 2, "%s",
                 out);
    cr_expect(strstr(out, "--waves /nonexistent/dir/w.fst") && strstr(out, "does not exist"), "%s", out);
    cr_expect_eq(files_in_dir(), 1, "files left in %s", dir);
    rm_test();
}

/* A --trace of 10^8 steps x 4 neurons needs at least 6 bytes a line (2.4 GB): refused before
 * the run, naming the bound and how to raise it. */
Test(snn_cli, trace_bound_reported_before_the_run, .timeout = 30)
{
    mkdir_test("tb");
    const char *net = file_with("pn.net", per_neuron_net);
    cr_assert_eq(nc("snn --network %s --rate 0.5 --steps 100000000 --output %s/o.txt --trace %s/t.txt", net, dir,
                    dir),
                 2, "%s", out);
    cr_expect(strstr(out, "bound of 256 MiB") && strstr(out, "--max-output-mb"), "%s", out);
    cr_expect_eq(files_in_dir(), 1, "files left in %s", dir);
    cr_assert_eq(nc("snn --network %s --max-output-mb 0 --output %s/o.txt", net, dir), 2, "%s", out);
    cr_expect(strstr(out, "--max-output-mb"), "%s", out);
    rm_test();
}

/* A --rate run of 10^8 steps whose output passes a 1 MiB bound: the Poisson input is drawn
 * step by step, so the run starts at once and stops at the bound (exit 2) with the memory of
 * a short run (drawing every event first would take 10^8 x 4 events x 8 bytes = 3.2 GB).
 * The refused output leaves the old file as it was, and no temporary file. */
Test(snn_cli, rate_streams_and_output_is_bounded_and_atomic, .timeout = 120)
{
    mkdir_test("rate");
    /* one neuron: bias 4095 << 7 > vth 0, spikes every step; 8 axons without synapses */
    const char *net = file_with("one.net", "snn 1 8\nneuron 0 1 dv 4095 bias 4095 7 vth 0 out 1\n");
    const char *o = file_with("o.txt", "old\n");
    cr_assert_eq(nc("snn --network %s --rate 0.5 --steps 100000000 --max-output-mb 1 --output %s", net, o), 2, "%s",
                 out);
    cr_expect(strstr(out, "o.txt: output would exceed its bound of 1048576 bytes; raise it with --max-output-mb"),
              "%s", out);
    cr_expect_str_eq(slurp(o), "old\n");
    cr_expect_eq(files_in_dir(), 2, "files left in %s", dir);
    struct rusage ru;
    cr_assert_eq(getrusage(RUSAGE_CHILDREN, &ru), 0);
    cr_expect_lt(ru.ru_maxrss, 512 * 1024, "peak RSS %ld KiB", ru.ru_maxrss);
    rm_test();
}

/* The trace's size is bounded while it runs too: 80000 steps of one neuron whose v sits at the
 * clip limit make lines 'STEP 0 0 -8388607' (at least 948889 bytes, below 1 MiB, so the run
 * starts; in fact 1428889 bytes, so it stops at the bound with nothing written). */
Test(snn_cli, trace_bound_stops_the_run, .timeout = 120)
{
    mkdir_test("tbr");
    const char *net = file_with("clip.net", "snn 1 0\nneuron 0 1 bias -4096 7 vth 0\n");
    cr_assert_eq(nc("snn --network %s --steps 80000 --max-output-mb 1 --output %s/o.txt --trace %s/t.txt", net, dir,
                    dir),
                 2, "%s", out);
    cr_expect(strstr(out, "t.txt: output would exceed its bound of 1048576 bytes"), "%s", out);
    cr_expect_eq(files_in_dir(), 1, "files left in %s", dir);
    rm_test();
}

/* ---- waveforms ---- */

typedef struct fst_sig {
    const char *name;
    fstHandle h;
    uint32_t len;
} fst_sig_t;

Test(snn_cli, waves_named_probes_from_the_first_step, .timeout = 60)
{
    mkdir_test("wv");
    const char *net = file_with("pn.net", per_neuron_net);
    const char *in = file_with("in.txt", "0 0\n");
    char w[256], want[600];
    snprintf(w, sizeof w, "%s/snn_pn.fst", dir);
    cr_assert_eq(nc_env("NC_PROGRESS=1", "snn --network %s --input %s --steps 7 --output %s/o.txt --waves %s", net,
                        in, dir, w),
                 0, "%s", out);
    snprintf(want, sizeof want, "  waveform: %s\n  open it with: make waves WAVE=%s\n", w, w);
    cr_expect(strstr(out, want), "expected '%s' in:\n%s", want, out);
    cr_expect(strstr(out, "snn steps: 7/7"), "no progress line in:\n%s", out);

    void *f = fstReaderOpen(w);
    cr_assert(f, "cannot read %s", w);
    fst_sig_t sig[] = {{"probe0_u", 0, 0},      {"probe0_v", 0, 0},      {"probe1_u", 0, 0},
                       {"probe1_v", 0, 0},      {"probe2_u", 0, 0},      {"probe2_v", 0, 0},
                       {"probe3_u", 0, 0},      {"probe3_v", 0, 0},      {"probe3_spike", 0, 0},
                       {"probe0_neuron", 0, 0}, {"probe3_neuron", 0, 0}, {"in_fifo_level", 0, 0},
                       {"out_fifo_level", 0, 0}, {"state", 0, 0},        {"t", 0, 0}};
    int depth = 0, in_top = 0;
    struct fstHier *h;
    while ((h = fstReaderIterateHier(f))) {
        if (h->htyp == FST_HT_SCOPE) {
            depth++;
            if (depth == 2)
                in_top = !strcmp(h->u.scope.name, "snn_top");
        } else if (h->htyp == FST_HT_UPSCOPE) {
            depth--;
        } else if (h->htyp == FST_HT_VAR && depth == 2 && in_top) {
            /* Verilator names vectors "name [msb:lsb]" */
            size_t n = strcspn(h->u.var.name, " [");
            for (size_t i = 0; i < NC_ARRAY_LEN(sig); i++)
                if (strlen(sig[i].name) == n && !strncmp(h->u.var.name, sig[i].name, n))
                    sig[i].h = h->u.var.handle, sig[i].len = h->u.var.length;
        }
    }
    for (size_t i = 0; i < NC_ARRAY_LEN(sig); i++)
        cr_expect(sig[i].h, "no signal top.snn_top.%s in %s", sig[i].name, w);
    /* The trace starts after the network is loaded (CLEAR alone takes DMAX*N/L = 16384 cycles,
     * 163840 ns), on the first time step. */
    uint64_t t0 = fstReaderGetStartTime(f), t1 = fstReaderGetEndTime(f);
    cr_expect_gt(t0, 163840u, "the waveform starts at %llu ns, before the network was loaded",
                 (unsigned long long)t0);
    /* After the 7 steps the probes hold step 6 of the table above. */
    const int64_t want_val[] = {0, 10, 58, 196, 1, -13, 52, 0, 1, 0, 3, 0, 0, 0, 7};
    for (size_t i = 0; i < NC_ARRAY_LEN(sig) && sig[i].h; i++) {
        char buf[80];
        const char *v = fstReaderGetValueFromHandleAtTime(f, t1, sig[i].h, buf);
        cr_assert(v && strlen(v) == sig[i].len, "%s: value '%s'", sig[i].name, v ? v : "");
        int64_t x = 0;
        for (size_t b = 0; b < sig[i].len; b++)
            x = 2 * x + (v[b] == '1');
        if (sig[i].len == 24 && v[0] == '1')
            x -= (int64_t)1 << 24; /* u and v are signed 24-bit */
        cr_expect_eq(x, want_val[i], "%s at the end: %lld, expected %lld", sig[i].name, (long long)x,
                     (long long)want_val[i]);
    }
    fstReaderClose(f);
    rm_test();
}

Test(snn_cli, help_lists_every_option, .timeout = 30)
{
    cr_assert_eq(nc("snn --help"), 0);
    const char *opt[] = {"--network", "--input", "--rate", "--seed", "--output", "--steps", "--trace", "--waves",
                         "--max-output-mb", "at or past --steps", "Exit status", "--demo memory", "--trials"};
    for (size_t i = 0; i < NC_ARRAY_LEN(opt); i++)
        cr_expect(strstr(out, opt[i]), "--help lacks '%s':\n%s", opt[i], out);
    cr_assert_eq(nc("snn --frobnicate"), 2);
}

/* Outputs are replaced atomically by renaming a temporary file, but never a device or a FIFO:
 * `--output /dev/null` must not replace /dev/null. Checked on a FIFO with a reader. */
Test(snn_cli, output_to_a_fifo_is_written_in_place, .timeout = 60)
{
    mkdir_test("fifo");
    const char *net = file_with("pn.net", per_neuron_net);
    const char *in = file_with("in.txt", "0 0\n");
    char fifo[256], cmd[700];
    snprintf(fifo, sizeof fifo, "%s/spikes.fifo", dir);
    cr_assert_eq(mkfifo(fifo, 0600), 0);
    snprintf(cmd, sizeof cmd, "timeout 30 cat %s > %s/got.txt &", fifo, dir);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(nc("snn --network %s --input %s --steps 7 --output %s", net, in, fifo), 0, "%s", out);
    struct stat st;
    cr_assert_eq(stat(fifo, &st), 0);
    cr_expect(S_ISFIFO(st.st_mode), "%s is no longer a FIFO", fifo);
    snprintf(cmd, sizeof cmd, "%s/got.txt", dir);
    for (int i = 0; i < 100 && !(slurp(cmd) && strlen(slurp(cmd)) >= 12); i++)
        usleep(50000); /* bounded wait for cat to write what it read */
    cr_expect_str_eq(slurp(cmd), "0 3\n3 3\n6 3\n");
    rm_test();
}

/* `neurocosim run snn`: every co-simulated row passes with its cycles against the bound (the
 * SPEC.md count the model makes; a counter that runs wrong fails the row), and one row starts
 * from a u/v state written by the host. */
Test(snn_cli, report_rows_checked_against_cycle_bound, .timeout = 120)
{
    cr_assert_eq(nc("run snn"), 0, "%s", out);
    const char *rows[] = {"3 layers 64-128-96-64", "from host-written u/v state", "chain 256-256-256-256",
                          "coincidence detector", "active dendrites, context-gated", "NIR graph ff.nir",
                          "memory neuron, A then B 50..200"};
    for (size_t i = 0; i < NC_ARRAY_LEN(rows); i++) {
        const char *l = strstr(out, rows[i]);
        cr_assert(l, "no row '%s':\n%s", rows[i], out);
        const char *e = strchr(l, '\n');
        size_t n = e ? (size_t)(e - l) : strlen(l);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line - 1 ? n : sizeof line - 1), l);
        cr_expect(strstr(line, " PASS ") && strstr(line, "1.000 of cycle bound"), "row: %s", line);
    }
}

/* `--nir`: a NIR graph written by tests/nir/make_nir.py runs on the core with the quantisation
 * and the spike agreement with the float reference printed; `--write-network` converts it to
 * the text format, which runs to the same spikes; an unsupported node is refused by name. */
Test(snn_cli, nir_graph_runs_converts_and_refuses, .timeout = 120)
{
    mkdir_test("nir");
    char cmd[512];
    snprintf(cmd, sizeof cmd, "/usr/bin/python3 tests/nir/make_nir.py %s 1", dir);
    cr_assert_eq(system(cmd), 0, "%s failed (python3-h5py from Debian is needed)", cmd);
    cr_assert_eq(nc("snn --nir %s/ff.nir --output %s/a.txt --steps 300 --rate 0.1", dir, dir), 0, "%s", out);
    const char *want[] = {"9 nodes, 8 edges -> 56 neurons, 16 axons", "v scale", "weight exponent",
                          "0 spikes, 0 states", "spike agreement", "within +-3 steps"};
    for (size_t i = 0; i < NC_ARRAY_LEN(want); i++)
        cr_expect(strstr(out, want[i]), "output lacks '%s':\n%s", want[i], out);
    cr_assert_eq(nc("snn --nir %s/ff.nir --write-network %s/ff.txt", dir, dir), 0, "%s", out);
    cr_assert_eq(nc("snn --network %s/ff.txt --output %s/b.txt --steps 300 --rate 0.1", dir, dir), 0, "%s", out);
    char a[256], b[256];
    snprintf(a, sizeof a, "%s/a.txt", dir);
    snprintf(b, sizeof b, "%s/b.txt", dir);
    char *sa = slurp(a) ? strdup(slurp(a)) : NULL, *sb = slurp(b); /* slurp's buffer is static */
    cr_assert(sa && sb, "missing %s or %s", a, b);
    cr_expect(strlen(sa) > 100 && !strcmp(sa, sb), "the converted network's spikes differ from the graph's");
    free(sa);
    cr_expect_eq(nc("snn --nir %s/conv.nir --output %s/c.txt", dir, dir), 2);
    cr_expect(strstr(out, "node 'conv'") && strstr(out, "Conv1d is not supported"), "%s", out);
    cr_expect_eq(nc("snn --nir %s/reset.nir --output %s/c.txt", dir, dir), 2);
    cr_expect(strstr(out, "node 'lif'") && strstr(out, "v_reset"), "%s", out);
    cr_expect_eq(nc("snn --nir %s/ff.nir --network %s/ff.txt --output %s/c.txt", dir, dir, dir), 2);
    cr_expect_eq(nc("snn --network %s/ff.txt --dt 0.001 --output %s/c.txt", dir, dir), 2);
    cr_expect_eq(nc("snn --help"), 0);
    cr_expect(strstr(out, "--nir") && strstr(out, "--dt") && strstr(out, "--write-network"), "%s", out);
    rm_test();
}

/* `--demo memory`: the long-memory task on the core and the LIF comparison. 12 trials: 6 with
 * A then B 50..200 steps apart, one each of the other kinds (A alone twice); the memory
 * neuron fires once per A-then-B trial (at B: the pulse of B on top of the band-pass memory
 * of A, below threshold one step later) and never else: 6 output spikes of neuron 0. */
Test(snn_cli, demo_memory_runs_and_refuses_bad_usage, .timeout = 120)
{
    mkdir_test("demo");
    char o[256];
    snprintf(o, sizeof o, "%s/mem.txt", dir);
    cr_assert_eq(nc("snn --demo memory --trials 12 --seed 3 --output %s", o), 0, "%s", out);
    cr_expect(strstr(out, "memory neuron (2 synapses, 2 traces, snn_l2): 12/12 right (100.0%)"), "%s", out);
    cr_expect(strstr(out, "(0 mismatches)"), "%s", out);
    cr_expect(strstr(out, "best LIF neuron with the same 2 synapses"), "%s", out);
    char *txt = slurp(o);
    cr_assert(txt, "no %s", o);
    unsigned lines = 0, step, id;
    for (char *l = strtok(txt, "\n"); l; l = strtok(NULL, "\n"), lines++)
        cr_expect(sscanf(l, "%u %u", &step, &id) == 2 && id == 0, "line '%s'", l);
    cr_expect_eq(lines, 6u, "%u output spikes, expected 6:\n%s", lines, out);
    cr_expect_eq(nc("snn --demo frobnicate"), 2);
    cr_expect(strstr(out, "expected memory"), "%s", out);
    cr_expect_eq(nc("snn --demo memory --network x.net"), 2);
    cr_expect(strstr(out, "takes only --trials, --seed and --output"), "%s", out);
    cr_expect_eq(nc("snn --demo memory --max-output-mb 3"), 2);
    cr_expect_eq(nc("snn --demo memory --trials 5"), 2);
    cr_expect(strstr(out, "--trials"), "%s", out);
    cr_expect_eq(nc("snn --network x.net --trials 20 --output %s", o), 2);
    cr_expect(strstr(out, "--trials goes with --demo memory"), "%s", out);
    cr_expect_eq(nc("snn --demo memory --trials 6 --output /nonexistent/dir/x.txt"), 2);
    rm_test();
}

/* rtl/snn/examples/memory.net through the text format: the trace keys reach the core, which
 * fires at B of the six A-then-B 50..200 trials of memory_in.txt (their steps written in its
 * header from the trial list: start + gap) and nowhere else, equal to the model. */
Test(snn_cli, memory_example_network_fires_at_the_patterns, .timeout = 60)
{
    mkdir_test("memex");
    char o[256];
    snprintf(o, sizeof o, "%s/out.txt", dir);
    cr_assert_eq(nc("snn --network rtl/snn/examples/memory.net --input rtl/snn/examples/memory_in.txt --steps 12000 "
                    "--output %s", o),
                 0, "%s", out);
    cr_expect(strstr(out, "mismatches against the bit-exact model: 0 spikes"), "%s", out);
    char *txt = slurp(o);
    cr_assert(txt);
    cr_expect_str_eq(txt, "4073 0\n5192 0\n6086 0\n7131 0\n9109 0\n11197 0\n");
    rm_test();
}
