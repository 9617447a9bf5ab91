/* test_core_report.c - the machine-readable rows of `neurocosim run --out`, the HTML report
 * (`neurocosim report`) and its check in a real browser (headless Chromium,
 * tests/report_check.sh). Runs the built tool ($NC_BUILD/bin) from the repository root. */
#include <criterion/criterion.h>

#include "nc_test.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char sout[1 << 16], serr[1 << 16];

#define slurp nc_test_slurp

/* Runs a shell command line (bounded) with stdout in sout, stderr in serr; its exit status. */
static int sh(const char *fmt, ...)
{
    char cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    return nc_test_sh2(sout, sizeof sout, serr, sizeof serr, 600, "%s", cmd);
}

static const char *tool(void)
{
    static char p[1024];
    const char *b = getenv("NC_BUILD");
    snprintf(p, sizeof p, "%s/bin/neurocosim", b && *b ? b : "build/rel");
    return p;
}

#define tmpdir_named nc_test_tmpdir
#define rm_rf nc_test_rm_rf

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

static char file[1 << 22];

/* `run fftconv --out DIR`: its 11 rows (rows, not designs, in the closing line) as JUnit XML,
 * JSON and TSV. */
Test(core_report, run_writes_junit_json_tsv, .timeout = 120)
{
    const char *d = tmpdir_named("run");
    char out[400];
    snprintf(out, sizeof out, "%s/new/results", d); /* created by --out */
    cr_assert_eq(sh("%s run fftconv --out %s", tool(), out), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "validation: 11 rows passed, 0 failed (1 design, "), "%s", sout);
    char p[600];
    snprintf(p, sizeof p, "%s/run.xml", out);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<testsuites name=\"neurocosim run\" tests=\"11\" failures=\"0\""), "%s", file);
    cr_assert(strstr(file, "<testsuite name=\"fftconv\" tests=\"11\" failures=\"0\">"), "%s", file);
    cr_assert_eq(count(file, "<testcase classname=\"fftconv\""), 11, "%s", file);
    cr_assert(strstr(file, "name=\"L=4096 partial LK=300 (Lk=512) P=2\""), "%s", file);
    cr_assert(strstr(file, "(&gt;= 70 dB)"), "notes are escaped: %s", file);
    cr_assert_eq(count(file, "<failure"), 0);
    snprintf(p, sizeof p, "%s/run.json", out);
    slurp(p, file, sizeof file);
    cr_assert_eq(count(file, "\"design\": \"fftconv\""), 11, "%s", file);
    cr_assert(strstr(file, "\"config\": \"L=1024 dense P=1\", \"compared\": 1024, \"mismatch\": 0, "
                           "\"sqnr_db\": "), "%s", file);
    cr_assert(strstr(file, "\"passed\": 11, \"failed\": 0}"), "%s", file);
    snprintf(p, sizeof p, "%s/run.tsv", out);
    slurp(p, file, sizeof file);
    cr_assert_eq(count(file, "\n"), 11, "%s", file);
    cr_assert(strstr(file, "fftconv\tL=16384 dense P=4\t16384\t0\t"), "%s", file);
    rm_rf(d);
}

/* An --out that cannot be written is a usage error before anything runs. */
Test(core_report, run_out_checked_first, .timeout = 30)
{
    cr_assert_eq(sh("%s run fftconv --out /dev/null/x", tool()), 2, "%s%s", sout, serr);
    cr_assert(strstr(serr, "--out /dev/null/x"), "%s", serr);
    cr_assert(!strstr(sout, "fftconv  L="), "ran before refusing:\n%s", sout);
    cr_assert_eq(sh("%s run --out", tool()), 2);
}

/* Rows written by hand: a passing fftconv row, a failing snn row whose note needs escaping,
 * the four XOR rows of a spice run. */
static void write_rows(const char *path)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "fftconv\tL=4096 dense P=2\t4096\t0\t79\t53274\t1\tvs model\n"
               "snn\tbroken <b>&</b>\t10\t3\tnan\t0\t0\tfirst mismatch <step 3> & more\n"
               "spice\txor a=0 b=0\t1\t0\tnan\t0\t1\trates GHz: a 10 b 10 h1 1.0 h2 0.5 out 0.00 (0 pulses in 4 ns) -> class 0\n"
               "spice\txor a=0 b=1\t1\t0\tnan\t0\t1\trates GHz: a 10 b 40 h1 19.8 h2 0.0 out 2.25 (9 pulses in 4 ns) -> class 1\n"
               "spice\txor a=1 b=0\t1\t0\tnan\t0\t1\trates GHz: a 40 b 10 h1 19.5 h2 0.0 out 2.00 (8 pulses in 4 ns) -> class 1\n"
               "spice\txor a=1 b=1\t1\t0\tnan\t0\t1\trates GHz: a 40 b 40 h1 30.0 h2 20.0 out 0.00 (0 pulses in 4 ns) -> class 0\n");
    cr_assert_eq(fclose(f), 0);
}

/* The whole page: rows per design (a failed one marked, text escaped), the 9 plots embedded
 * as images; then headless Chromium loads it: every image loads, no error, a screenshot. */
Test(core_report, page_renders_in_chromium, .timeout = 300)
{
    const char *d = tmpdir_named("page");
    char rows[400], rep[400], p[600];
    snprintf(rows, sizeof rows, "%s/run.tsv", d);
    snprintf(rep, sizeof rep, "%s/report", d);
    write_rows(rows);
    cr_assert_eq(sh("%s report --out %s --run %s", tool(), rep, rows), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "report: ") && strstr(sout, "index.html (0 problems)"), "%s", sout);
    snprintf(p, sizeof p, "%s/index.html", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "validation: 5 rows passed, 1 failed"), "summary missing");
    cr_assert(strstr(file, "<tr class=\"fail\"><td>broken &lt;b&gt;&amp;&lt;/b&gt;</td><td>10</td><td>3</td>"),
              "the failed row is not marked or not escaped");
    cr_assert(strstr(file, "first mismatch &lt;step 3&gt; &amp; more"));
    cr_assert_eq(count(file, "<img "), 9, "9 plots: fftconv 2, snn 3, spice 4");
    cr_assert_eq(count(file, "src=\"data:image/svg+xml;base64,"), 9, "every plot is embedded");
    cr_assert(!strstr(file, "plot missing") && !strstr(file, "src=\"http") && !strstr(file, "src=\"/"),
              "the page is not self-contained or lacks a plot");
    static const char *ids[] = {"fftconv_sqnr", "fftconv_bound", "snn_activity", "snn_raster", "snn_counts",
                                "sfq_delays", "sfq_margin_scan", "sfq_phase", "sfq_xor"};
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        char id[64];
        snprintf(id, sizeof id, "<img id=\"%s\"", ids[i]);
        cr_assert(strstr(file, id), "no plot %s", ids[i]);
    }
    /* gnuplot made real plots from data: the SVGs say so, and the data is where --help says */
    snprintf(p, sizeof p, "%s/data/fftconv_sqnr.svg", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<svg") && strstr(file, "Gnuplot"), "not a gnuplot SVG");
    snprintf(p, sizeof p, "%s/data/sfq_xor.dat", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "01 out 6.00 2.2500 "), "the measured rate of a=0 b=1 (row 2.25 GHz):\n%s", file);
    /* the browser */
    cr_assert_eq(sh("tests/report_check.sh %s", rep), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "images 9 loaded 9 broken [] errors []"), "%s", sout);
    struct stat sb;
    snprintf(p, sizeof p, "%s/screenshot.png", rep);
    cr_assert(stat(p, &sb) == 0 && sb.st_size > 10000, "no screenshot at %s", p);
    /* a broken image is caught */
    cr_assert_eq(sh("sed -i '0,/base64,/s//base64,!!!!/' %s/index.html", rep), 0);
    cr_assert_eq(sh("tests/report_check.sh %s", rep), 1, "%s%s", sout, serr);
    cr_assert(strstr(sout, "images 9 loaded 8 broken [fftconv_sqnr]"), "%s", sout);
    rm_rf(d);
}

/* A cell table written by hand: two cells with margins with and without noise, one that fails
 * at bias 1.0 with noise. */
static void write_cells(const char *path, const char *noise_of_b)
{
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fprintf(f, "# cells\n\n| cell | what | junctions | path | delay (ps) | band (ps) | margins | margins at 4.2 K | "
               "runs failed / tried | worst bias ratio | check |\n|---|---|---|---|---|---|---|---|---|---|---|\n"
               "| a | first | 2 | in->out | 2.20 | 1.2 - 3.2 | 0.53 - 1.41 (-47%% / +41%%) | 0.56 - 1.39 | 4 / 34 | 0.70 (X1) | ok |\n"
               "| b | second | 3 | in->pass | 2.77 | 1.8 - 3.8 | 0.93 - 1.09 (-7%% / +9%%) | %s | 1 / 1 | 0.67 (X3) | ok |\n",
            noise_of_b);
    cr_assert_eq(fclose(f), 0);
}

/* The SFQ section's bias-margin scan: per cell the range without and with noise (from the cell
 * table), nominal marked; rows of designs without plots (platform, system) get a section each,
 * only when the run has such rows. */
Test(core_report, margin_scan_and_system_section, .timeout = 120)
{
    const char *d = tmpdir_named("scan");
    char rows[400], cells[400], rep[400], p[600];
    snprintf(rows, sizeof rows, "%s/run.tsv", d);
    snprintf(cells, sizeof cells, "%s/cells.md", d);
    snprintf(rep, sizeof rep, "%s/report", d);
    write_cells(cells, "fails at 1.0");
    FILE *f = fopen(rows, "w");
    cr_assert(f);
    fprintf(f, "spice\tcell dff\t5\t0\tnan\t0\t1\tvs timed model\n"
               "system\tsensor -> snn -> fftconv <chain>\t4096\t0\t75.5\t90000\t1\tend to end & on time\n"
               "platform\tfftconv L=4096 P=2 via TLM\t4096\t0\t80.2\t53274\t1\tvia TLM\n"
               "system\tirq storm\t10\t2\tnan\t0\t0\tlost 2 interrupts\n");
    cr_assert_eq(fclose(f), 0);
    cr_assert_eq(sh("%s report --out %s --run %s --cells %s --only spice", tool(), rep, rows, cells), 0, "%s%s",
                 sout, serr);
    snprintf(p, sizeof p, "%s/data/sfq_cells.dat", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "\na 2.200 0.53 1.41 0.56 1.39 0\nb 2.770 0.93 1.09 nan nan 1\n"), "%s", file);
    snprintf(p, sizeof p, "%s/data/sfq_margin_scan.gp", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "set arrow from 1, graph 0 to 1, graph 1") && strstr(file, "'nominal'"),
              "nominal bias not marked:\n%s", file);
    snprintf(p, sizeof p, "%s/data/sfq_margin_scan.svg", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "Gnuplot") && strstr(file, "works at 4.2 K") && strstr(file, "fails at nominal with noise"),
              "not the scan's gnuplot SVG");
    snprintf(p, sizeof p, "%s/index.html", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<img id=\"sfq_margin_scan\""), "no scan on the page");
    const char *sys = strstr(file, "<h2 id=\"system\">system: ");
    const char *plat = strstr(file, "<h2 id=\"platform\">platform: ");
    const char *spice = strstr(file, "<h2 id=\"spice\">");
    cr_assert(sys && plat && spice && spice < plat && plat < sys, "sections missing or out of order");
    cr_assert(strstr(sys, "<tr class=\"pass\"><td>sensor -&gt; snn -&gt; fftconv &lt;chain&gt;</td><td>4096</td>"
                          "<td>0</td><td>75.5</td><td>90000</td><td>PASS</td><td>end to end &amp; on time</td></tr>\n"
                          "<tr class=\"fail\"><td>irq storm</td>"),
              "the system rows are not in their section");
    cr_assert_eq(count(file, "<td>irq storm</td>"), 1, "a system row shown twice");
    /* without system rows, no system section */
    cr_assert_eq(sh("grep -v '^system' %s > %s.2 && mv %s.2 %s", rows, rows, rows, rows), 0);
    cr_assert_eq(sh("%s report --out %s --run %s --cells %s --only spice", tool(), rep, rows, cells), 0, "%s%s",
                 sout, serr);
    slurp(p, file, sizeof file);
    cr_assert(!strstr(file, "id=\"system\"") && strstr(file, "<h2 id=\"platform\">"), "system section without rows");
    /* a noise column that is neither 'lo - hi' nor 'fails at B' names file:line */
    write_cells(cells, "soon");
    cr_assert_eq(sh("%s report --out %s --run %s --cells %s --only spice", tool(), rep, rows, cells), 1);
    cr_assert(strstr(serr, "cells.md:6: column 8 (margins with noise): expected 'lo - hi' or 'fails at B'"),
              "%s", serr);
    rm_rf(d);
}

/* Without rows the page says how to make them; plots made from rows say they need a run. */
Test(core_report, page_without_run, .timeout = 120)
{
    const char *d = tmpdir_named("norun");
    char rep[400], p[600];
    snprintf(rep, sizeof rep, "%s/rep", d);
    cr_assert_eq(sh("%s report --out %s --run %s/none.tsv --only fftconv", tool(), rep, d), 0, "%s%s", sout, serr);
    snprintf(p, sizeof p, "%s/index.html", rep);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "no validation rows yet: <code>make run</code>"));
    cr_assert_eq(count(file, "<img "), 2, "only fftconv's plots");
    cr_assert_eq(count(file, "plots not made in this report (--only)"), 2);
    rm_rf(d);
}

Test(core_report, report_bad_usage, .timeout = 60)
{
    const char *d = tmpdir_named("bad");
    char rows[400];
    cr_assert_eq(sh("%s report --help", tool()), 0);
    cr_assert(strstr(sout, "usage: neurocosim report"), "%s", sout);
    cr_assert_eq(sh("%s help report", tool()), 0);
    cr_assert(strstr(sout, "usage: neurocosim report"), "%s", sout);
    cr_assert_eq(sh("%s report", tool()), 2);
    cr_assert(strstr(serr, "--out DIR is required"), "%s", serr);
    cr_assert_eq(sh("%s report --out %s/r --only fftconv,nosuch", tool(), d), 2);
    cr_assert(strstr(serr, "unknown section 'nosuch'") && strstr(serr, "fftconv,snn,spice"), "%s", serr);
    cr_assert_eq(sh("%s report --out /dev/null/x", tool()), 2);
    cr_assert(strstr(serr, "--out /dev/null/x"), "%s", serr);
    cr_assert_eq(sh("%s report --out %s/r --cells %s/nothere.md", tool(), d, d), 2);
    cr_assert(strstr(serr, "nothere.md: cannot open"), "%s", serr);
    /* a malformed row names file:line and the field */
    snprintf(rows, sizeof rows, "%s/bad.tsv", d);
    FILE *f = fopen(rows, "w");
    cr_assert(f);
    fprintf(f, "fftconv\tok\t1\t0\tnan\t0\t1\tfine\nfftconv\tbad\t010\t0\tnan\t0\t1\tnote\n");
    fclose(f);
    cr_assert_eq(sh("%s report --out %s/r --run %s", tool(), d, rows), 2);
    cr_assert(strstr(serr, "bad.tsv:2: compared '010' is not a decimal integer"), "%s", serr);
    f = fopen(rows, "w");
    fprintf(f, "fftconv\tshort\t1\n");
    fclose(f);
    cr_assert_eq(sh("%s report --out %s/r --run %s", tool(), d, rows), 2);
    cr_assert(strstr(serr, "bad.tsv:1: 3 tab-separated fields, expected 8"), "%s", serr);
    rm_rf(d);
}

/* --coverage DIR: the per-module summary of make coverage on the page, and the link to its HTML
 * view; --synth FILE: the synthesis table; without figures the page says how to make them. */
Test(core_report, page_links_coverage, .timeout = 120)
{
    const char *d = tmpdir_named("cov");
    char p[600];
    snprintf(p, sizeof p, "%s/cov/html", d);
    char cmd[900];
    snprintf(cmd, sizeof cmd, "mkdir -p %s && printf 'module line\\nnc_fifo <b> 93.0%%%%\\n' > %s/cov/summary.txt"
             " && printf 'config cells levels\\nfftconv_s1 176968 124\\n' > %s/synth.txt", p, d, d);
    cr_assert_eq(system(cmd), 0);
    cr_assert_eq(sh("%s report --out %s/rep --only fftconv --coverage %s/cov --synth %s/synth.txt", tool(), d, d, d),
                 0, "%s%s", sout, serr);
    snprintf(p, sizeof p, "%s/rep/index.html", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<pre id=\"coverage-summary\">module line\nnc_fifo &lt;b&gt; 93.0%\n</pre>"), "no summary");
    snprintf(cmd, sizeof cmd, "/cov/html/index.html\">line and toggle coverage per source line");
    cr_assert(strstr(file, cmd), "no link to the HTML view");
    cr_assert(strstr(file, "<h2 id=\"synth\">Synthesis (make synth)</h2>"), "no synthesis section");
    cr_assert(strstr(file, "<pre id=\"synth-table\">config cells levels\nfftconv_s1 176968 124\n</pre>"),
              "no synthesis table");
    cr_assert_eq(sh("%s report --out %s/rep --only fftconv --coverage %s/none --synth %s/none.txt", tool(), d,
                    d, d), 0);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "no coverage figures yet: <code>make coverage</code>"));
    cr_assert(strstr(file, "no synthesis figures yet: <code>make synth</code>"));
    rm_rf(d);
}
