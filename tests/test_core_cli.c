/* test_core_cli.c - the neurocosim tool as a user meets it: exit statuses, file:line errors
 * for bad input, outputs that a good run writes. Runs the built binary ($NC_BUILD/bin). */
#include <criterion/criterion.h>
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
    const char *b = getenv("NC_BUILD");
    char args[2048], cmd[4096];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "%s/bin/neurocosim %s 2>&1", b && *b ? b : "build/rel", args);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "%s did not exit normally:\n%s", cmd, out);
    return WEXITSTATUS(st);
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
    cr_assert_eq(nc("fftconv --input %s --kernel %s --output /dev/null", badf, k), 2);
    char want[300];
    snprintf(want, sizeof want, "%s:2", badf);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    const char *range = tmpfile_with("range.txt", "1\n40000\n");
    cr_assert_eq(nc("fftconv --input %s --kernel %s --output /dev/null", good, range), 2);
    snprintf(want, sizeof want, "%s:2", range);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    const char *shortf = tmpfile_with("short.txt", "1\n2\n3\n");
    cr_assert_eq(nc("fftconv --input %s --kernel %s --output /dev/null", shortf, k), 2);
    cr_assert(strstr(out, shortf), "%s", out);
    cr_assert_eq(nc("fftconv --input %s --kernel %s --output /dev/null --butterflies 3", good, k), 2);
    cr_assert(strstr(out, "--butterflies"), "%s", out);
    cr_assert_eq(nc("fftconv --input /nonexistent/u.txt --kernel %s --output /dev/null", k), 2);
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
