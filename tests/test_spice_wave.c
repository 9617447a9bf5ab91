/* test_spice_wave.c - SPICE waveforms: only the probes by default, labelled by role in the
 * order given, every vector only on request and within a bound, size bounded, written
 * atomically, with the layout file that make waves reads. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_test.h"
#include "spice.h"
#include "spice_cells.h"
#include "spice_wave.h"

static char dir[256];

static void tmp_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/nc_wave_XXXXXX");
    cr_assert(mkdtemp(dir), "mkdtemp");
}

static void rm_rf(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* The variables of an FST, "scope.name" joined with ' ' in declaration order. */
static const char *fst_vars(const char *path)
{
    static char out[8192];
    out[0] = '\0';
    void *ctx = fstReaderOpen(path);
    cr_assert(ctx, "cannot read %s", path);
    char scope[64] = "";
    struct fstHier *h;
    fstReaderIterateHierRewind(ctx);
    while ((h = fstReaderIterateHier(ctx))) {
        if (h->htyp == FST_HT_SCOPE)
            snprintf(scope, sizeof scope, "%s", h->u.scope.name);
        else if (h->htyp == FST_HT_VAR)
            snprintf(out + strlen(out), sizeof out - strlen(out), "%s%s.%s", out[0] ? " " : "",
                     scope, h->u.var.name);
    }
    fstReaderClose(ctx);
    return out;
}

static const char *slurp(const char *path)
{
    static char buf[4096];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f)
        return "(missing)";
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

/* Only files named in `names` (space separated) in dir: no temporary left behind. */
static void expect_only(const char *names)
{
    char cmd[400];
    snprintf(cmd, sizeof cmd, "ls '%s' | tr '\\n' ' '", dir);
    FILE *p = popen(cmd, "r");
    char got[1024] = "";
    size_t n = fread(got, 1, sizeof got - 1, p);
    got[n] = '\0';
    pclose(p);
    cr_expect_str_eq(got, names, "files in %s: '%s', expected '%s'", dir, got, names);
}

/* Before: every vector of the run was written under its ngspice name (the JTL testbench has
 * tens of nodes). Now: the testbench's probes, labelled, in signal-flow order, plus the
 * layout file. */
Test(spice_wave, cell_waveform_holds_the_labelled_probes, .timeout = 60)
{
    tmp_dir();
    char path[300];
    snprintf(path, sizeof path, "%s/sfq_jtl.fst", dir);
    nc_cell_result_t r;
    cr_assert_eq(nc_cell_run(nc_cell_find("jtl"), 1.0, path, &r), NC_OK, "%s", nc_err_msg());
    cr_expect_str_eq(fst_vars(path), "spice.in spice.dut_j1 spice.dut_j2_out spice.load");
    char side[320];
    snprintf(side, sizeof side, "%s/sfq_jtl.signals", dir);
    cr_expect_str_eq(slurp(side), "spice.in\nspice.dut_j1\nspice.dut_j2_out\nspice.load\n");
    expect_only("sfq_jtl.fst sfq_jtl.signals ");
    rm_rf();
}

static void small_run(void)
{
    static const nc_spice_tran_t tr = {1e-12, 20e-12, 1e-12, 20};
    const char *text = "* three nodes\nI1 0 a dc 1u\nR1 a b 1\nR2 b c 1\nR3 c 0 1\n";
    cr_assert_eq(nc_spice_load_text("small.cir", text, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
}

Test(spice_wave, probes_in_the_given_order_and_all_only_on_request, .timeout = 60)
{
    tmp_dir();
    small_run();
    char path[300];
    snprintf(path, sizeof path, "%s/sfq_small.fst", dir);
    nc_wave_probe_t p[] = {{"c", "last"}, {"a", "first"}};
    cr_assert_eq(nc_spice_wave_write(path, p, 2, NULL), NC_OK, "%s", nc_err_msg());
    cr_expect_str_eq(fst_vars(path), "spice.last spice.first");
    /* every vector: the probes first, then the others (a b c; time is the axis) */
    nc_wave_opts_t all = {.all = 1};
    cr_assert_eq(nc_spice_wave_write(path, p, 1, &all), NC_OK, "%s", nc_err_msg());
    const char *v = fst_vars(path);
    cr_expect(!strncmp(v, "spice.last ", 11), "%s", v);
    cr_expect(strstr(v, "spice.a") && strstr(v, "spice.b"), "%s", v);
    /* no probe and no request: refused */
    cr_expect_eq(nc_spice_wave_write(path, NULL, 0, NULL), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "no probe"), "%s", nc_err_msg());
    rm_rf();
}

Test(spice_wave, bounds_refuse_instead_of_dropping, .timeout = 60)
{
    tmp_dir();
    small_run();
    char path[300];
    snprintf(path, sizeof path, "%s/sfq_small.fst", dir);
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("old", f);
    fclose(f);
    /* more vectors than the signal bound: an error naming it, nothing written */
    nc_wave_opts_t all = {.all = 1, .max_signals = 2};
    cr_expect_eq(nc_spice_wave_write(path, NULL, 0, &all), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "bound of 2 signals"), "%s", nc_err_msg());
    /* over the size bound */
    nc_wave_probe_t p[] = {{"a", "a"}, {"b", "b"}};
    nc_wave_opts_t small = {.max_bytes = 100};
    cr_expect_eq(nc_spice_wave_write(path, p, 2, &small), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "waveform bound"), "%s", nc_err_msg());
    /* a probe the run does not have */
    nc_wave_probe_t bad[] = {{"a", "a"}, {"nosuch", "x"}};
    cr_expect_eq(nc_spice_wave_write(path, bad, 2, NULL), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "nosuch"), "%s", nc_err_msg());
    /* bad and repeated labels */
    nc_wave_probe_t lab[] = {{"a", "in a"}};
    cr_expect_eq(nc_spice_wave_write(path, lab, 1, NULL), NC_ERR_ARG);
    nc_wave_probe_t rep[] = {{"a", "x"}, {"b", "x"}};
    cr_expect_eq(nc_spice_wave_write(path, rep, 2, NULL), NC_ERR_ARG);
    cr_expect(strstr(nc_err_msg(), "twice"), "%s", nc_err_msg());
    /* the old file is untouched and no temporary is left */
    cr_expect_str_eq(slurp(path), "old");
    expect_only("sfq_small.fst ");
    rm_rf();
}
