/* test_core_regress.c - `neurocosim regress`: the job-list format (expansion, file:line errors),
 * the local engine (workers, failures with their reproduce command and log, timeouts), resuming
 * (finished jobs kept, a changed command reruns, a killed regression loses nothing finished) and
 * the merged JUnit XML / JSON / CSV. Runs the built tool ($NC_BUILD/bin) from the repository
 * root. */
#include <criterion/criterion.h>

#include "nc_test.h"
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char sout[1 << 16], serr[1 << 16], file[1 << 20];

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
    static char p[PATH_MAX];
    const char *b = getenv("NC_BUILD");
    char rel[PATH_MAX];
    snprintf(rel, sizeof rel, "%s/bin/neurocosim", b && *b ? b : "build/rel");
    cr_assert(realpath(rel, p), "no tool at %s", rel);
    return p;
}

#define tmpdir_named nc_test_tmpdir
#define rm_rf nc_test_rm_rf

static void write_file(const char *dir, const char *name, const char *text)
{
    char p[600];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    FILE *f = fopen(p, "w");
    cr_assert(f);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

static size_t count(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = hay; (p = strstr(p, needle)) != NULL; p += strlen(needle))
        n++;
    return n;
}

/* Variables expand to the cross product of the ones a job uses, the first set varying fastest. */
Test(core_regress, list_expands, .timeout = 120)
{
    const char *d = tmpdir_named("expand");
    write_file(d, "a.jobs", "# comment\n\nset seed 1..3\nset p 1 4   # inline comment\nset unused x y z\n"
                            "job a-p{p}-s{seed} fftconv --butterflies {p} --seed {seed} --waves {waves}\n"
                            "job one fftconv --length 256\n");
    cr_assert_eq(sh("%s regress --list %s/a.jobs --dry-run", tool(), d), 0, "%s%s", sout, serr);
    cr_assert_str_eq(sout, "a-p1-s1\tfftconv --butterflies 1 --seed 1\n"
                           "a-p1-s2\tfftconv --butterflies 1 --seed 2\n"
                           "a-p1-s3\tfftconv --butterflies 1 --seed 3\n"
                           "a-p4-s1\tfftconv --butterflies 4 --seed 1\n"
                           "a-p4-s2\tfftconv --butterflies 4 --seed 2\n"
                           "a-p4-s3\tfftconv --butterflies 4 --seed 3\n"
                           "one\tfftconv --length 256\n7 jobs\n");
    cr_assert_eq(sh("%s regress --list tests/regress/fftconv_seeds.jobs --dry-run | tail -1", tool()), 0);
    cr_assert_str_eq(sout, "4500 jobs\n");
    rm_rf(d);
}

Test(core_regress, list_errors_name_file_line, .timeout = 120)
{
    const char *d = tmpdir_named("errors");
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"set s 1..2\njob x-{q} fftconv\n", "x.jobs:2: unknown variable {q}"},
        {"set s 1..2\njob x fftconv --seed {s}\n", "x.jobs:2: job name 'x' repeats (first at line 2)"},
        {"job a fftconv\njob a fftconv --seed 2\n", "x.jobs:2: job name 'a' repeats (first at line 1)"},
        {"set s 5..1\n", "x.jobs:1: range '5..1': expected A..B"},
        {"set s 010..12\n", "x.jobs:1: range '010..12'"},
        {"set s 1..200000\n", "x.jobs:1: variable s: more than 100000 values"},
        {"jobs a fftconv\n", "x.jobs:1: 'jobs': expected 'set NAME VALUE...' or 'job NAME COMMAND"},
        {"job a\n", "x.jobs:1: expected 'job NAME COMMAND [ARGS...]'"},
        {"job a/b fftconv\n", "x.jobs:1: job name 'a/b'"},
        {"job r regress --list x\n", "x.jobs:1: a job runs a design command"},
        {"job w fftconv --seed {waves}x\n", "x.jobs:1: {waves} must be a whole argument"},
        {"job w spice cells --waves {wavedir}x\n", "x.jobs:1: {wavedir} must be a whole argument"},
        {"job w spice cells --waves {wavedir} --x {waves}\n", "x.jobs:1: {waves} follows the option that takes it"},
        {"set wavedir 1\n", "x.jobs:1: expected 'set NAME VALUE...'"},
        {"# nothing\n", "x.jobs: no job"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(d, "x.jobs", cases[i].text);
        cr_assert_eq(sh("%s regress --list %s/x.jobs --out %s/o", tool(), d, d), 2, "case %zu", i);
        cr_assert(strstr(serr, cases[i].msg), "case %zu: expected '%s' in:\n%s", i, cases[i].msg, serr);
        struct stat sb;
        char o[600];
        snprintf(o, sizeof o, "%s/o", d);
        cr_assert(stat(o, &sb) != 0, "case %zu: made the output before refusing the list", i);
    }
    cr_assert_eq(sh("%s regress --list %s/nothere.jobs --out %s/o", tool(), d, d), 2);
    cr_assert(strstr(serr, "nothere.jobs: cannot open"), "%s", serr);
    cr_assert_eq(sh("%s regress --help", tool()), 0);
    cr_assert(strstr(sout, "usage: neurocosim regress"));
    cr_assert_eq(sh("%s regress --list x", tool()), 2);
    cr_assert(strstr(serr, "--out DIR are required"), "%s", serr);
    cr_assert_eq(sh("%s regress --list x --out y --jobs 0", tool()), 2);
    cr_assert(strstr(serr, "--jobs"), "%s", serr);
    rm_rf(d);
}

/* 4 passing jobs and one that fails; merged results; then resuming. */
Test(core_regress, local_run_fail_resume, .timeout = 120)
{
    const char *d = tmpdir_named("local");
    write_file(d, "r.jobs", "set seed 1..4\njob ok-s{seed} fftconv --length 256 --seed {seed} --waves {waves}\n"
                            "job bad-s9 fftconv --length 1000 --seed 9 --waves {waves}\n");
    char cwd[PATH_MAX];
    cr_assert(getcwd(cwd, sizeof cwd));
    cr_assert_eq(sh("NC_PROGRESS=1 %s regress --list %s/r.jobs --out %s/out --jobs 2", tool(), d, d), 1, "%s%s",
                 sout, serr);
    cr_assert(strstr(serr, "regress: 2 workers, 1 failed; jobs done: 5/5 (100%)"), "progress: %s", serr);
    cr_assert(!strstr(sout, "jobs done:"), "progress went to stdout");
    cr_assert(strstr(sout, "regress: 5 jobs from"), "%s", sout);
    cr_assert(strstr(sout, "0 already done (kept), 5 to run on 2 workers"), "%s", sout);
    cr_assert(strstr(sout, "FAIL bad-s9 (exit status 2, "), "%s", sout);
    char want[2 * PATH_MAX + 200];
    snprintf(want, sizeof want, "  reproduce: cd %s && %s fftconv --length 1000 --seed 9\n", cwd, tool());
    cr_assert(strstr(sout, want), "expected '%s' in:\n%s", want, sout);
    snprintf(want, sizeof want, "  log: %s/out/jobs/bad-s9/log\n", d);
    cr_assert(strstr(sout, want), "%s", sout);
    cr_assert(strstr(sout, "regress: 5 jobs: 4 passed, 1 failed (5 run now in "), "%s", sout);
    char p[600];
    snprintf(p, sizeof p, "%s/out/jobs/bad-s9/log", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "--length") && strstr(file, "1000"), "the log keeps the error:\n%s", file);
    snprintf(p, sizeof p, "%s/out/results.xml", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<testsuites name=\"neurocosim regress\" tests=\"5\" failures=\"1\""), "%s", file);
    cr_assert_eq(count(file, "<testcase classname=\"fftconv\""), 5, "%s", file);
    cr_assert(strstr(file, "<testcase classname=\"fftconv\" name=\"bad-s9\"><failure message=\"exit status 2 after"),
              "%s", file);
    snprintf(p, sizeof p, "%s/out/results.csv", d);
    slurp(p, file, sizeof file);
    cr_assert_eq(count(file, "\n"), 6, "%s", file);
    cr_assert(strstr(file, "ok-s3,\"fftconv --length 256 --seed 3\",0,"), "%s", file);
    snprintf(p, sizeof p, "%s/out/results.json", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "\"passed\": 4, \"failed\": 1}"), "%s", file);
    /* again: nothing runs, the same results */
    cr_assert_eq(sh("%s regress --list %s/r.jobs --out %s/out --jobs 2", tool(), d, d), 1);
    cr_assert(strstr(sout, "5 already done (kept), 0 to run") &&
              strstr(sout, "regress: 5 jobs: 4 passed, 1 failed (0 run now in "), "%s", sout);
    cr_assert(!strstr(sout, "FAIL"), "%s", sout);
    /* --retry-failed runs the failed job only; a changed command reruns that job only */
    cr_assert_eq(sh("%s regress --list %s/r.jobs --out %s/out --retry-failed", tool(), d, d), 1);
    cr_assert(strstr(sout, "4 already done (kept), 1 to run"), "%s", sout);
    write_file(d, "r.jobs", "set seed 1..4\njob ok-s{seed} fftconv --length 256 --seed {seed} --waves {waves}\n"
                            "job bad-s9 fftconv --length 1024 --seed 9 --waves {waves}\n");
    cr_assert_eq(sh("%s regress --list %s/r.jobs --out %s/out", tool(), d, d), 0, "%s%s", sout, serr);
    cr_assert(strstr(sout, "4 already done (kept), 1 to run") &&
              strstr(sout, "regress: 5 jobs: 5 passed, 0 failed (1 run now in "), "%s", sout);
    /* the report shows the matrix and nothing failed */
    cr_assert_eq(sh("%s report --out %s/rep --only fftconv --regress %s/out", tool(), d, d), 0, "%s%s", sout, serr);
    snprintf(p, sizeof p, "%s/rep/index.html", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "5 jobs, 5 passed, 0 failed, 0 not run"), "no summary");
    cr_assert_eq(count(file, "class=\"cell pass\""), 5);
    rm_rf(d);
}

/* A job that fails in simulation keeps its log and its waveform: a cell testbench at half its
 * bias (outside every cell's margin, docs/sfq_cells.md) loses its pulses and fails its check;
 * its rerun with '--waves {wavedir}' leaves the cell's FST in the job's folder. The failure
 * prints the reproduce command with the waveform option and `make waves WAVE=...`; the JUnit
 * XML, JSON, CSV and the report link the log and the waveform. A rerun whose files pass
 * --max-waves-mb keeps no waveform (the neuron testbench's trace is over 1 MiB). */
Test(core_regress, failed_job_keeps_log_and_waveform, .timeout = 300)
{
    const char *d = tmpdir_named("waves");
    write_file(d, "w.jobs", "job jtl-b1 spice cells --cell jtl --waves {wavedir}\n"
                            "job jtl-b0.5 spice cells --cell jtl --bias 0.5 --waves {wavedir}\n");
    char cwd[PATH_MAX], want[4 * PATH_MAX + 600], p[700], out[600];
    cr_assert(getcwd(cwd, sizeof cwd));
    cr_assert_eq(sh("%s regress --list %s/w.jobs --out %s/out --jobs 2", tool(), d, d), 1, "%s%s", sout, serr);
    snprintf(out, sizeof out, "%s/out", d);
    cr_assert(strstr(sout, "FAIL jtl-b0.5 (exit status 1, "), "%s", sout);
    snprintf(want, sizeof want, "  reproduce: cd %s && %s spice cells --cell jtl --bias 0.5 --waves %s/jobs/jtl-b0.5/waves\n"
                                "  log: %s/jobs/jtl-b0.5/log\n"
                                "  waveform: %s/jobs/jtl-b0.5/waves/sfq_jtl.fst\n"
                                "  open it with: make waves WAVE=%s/jobs/jtl-b0.5/waves/sfq_jtl.fst\n",
             cwd, tool(), out, out, out, out);
    cr_assert(strstr(sout, want), "expected\n%s\nin:\n%s", want, sout);
    cr_assert(strstr(sout, "1 passed, 1 failed"), "%s", sout);
    /* the log says why; the waveform is an FST file (its header block is type 0) */
    snprintf(p, sizeof p, "%s/jobs/jtl-b0.5/log", out);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "jtl") && strstr(file, "FAIL"), "the log keeps the failure:\n%s", file);
    snprintf(p, sizeof p, "%s/jobs/jtl-b0.5/waves/sfq_jtl.fst", out);
    struct stat sb;
    cr_assert(stat(p, &sb) == 0 && sb.st_size > 1000, "no waveform %s", p);
    FILE *f = fopen(p, "rb");
    cr_assert(f);
    cr_assert_eq(fgetc(f), 0, "not an FST file (header block type 0)");
    fclose(f);
    /* the passing job ran once, without a waveform */
    snprintf(p, sizeof p, "%s/jobs/jtl-b1/waves", out);
    cr_assert(stat(p, &sb) != 0, "a passing job got a waveform folder");
    /* JUnit: the failure with the log and the waveform in the testcase's output */
    snprintf(p, sizeof p, "%s/results.xml", out);
    slurp(p, file, sizeof file);
    snprintf(want, sizeof want, "<system-out>log: %s/jobs/jtl-b0.5/log\nwaveform: %s/jobs/jtl-b0.5/waves/sfq_jtl.fst\n"
                                "reproduce: cd %s &amp;&amp; %s spice cells --cell jtl --bias 0.5 --waves %s/jobs/jtl-b0.5/waves"
                                "</system-out></testcase>", out, out, cwd, tool(), out);
    cr_assert(strstr(file, "name=\"jtl-b0.5\"><failure message=\"exit status 1 after "), "%s", file);
    cr_assert(strstr(file, want), "expected\n%s\nin:\n%s", want, file);
    /* JSON */
    snprintf(p, sizeof p, "%s/results.json", out);
    slurp(p, file, sizeof file);
    snprintf(want, sizeof want, "\"log\": \"%s/jobs/jtl-b0.5/log\", \"waveform\": \"%s/jobs/jtl-b0.5/waves/sfq_jtl.fst\", "
                                "\"reproduce\": \"cd %s && %s spice cells --cell jtl --bias 0.5 --waves %s/jobs/jtl-b0.5/waves\"}",
             out, out, cwd, tool(), out);
    cr_assert(strstr(file, want), "expected\n%s\nin:\n%s", want, file);
    /* CSV */
    snprintf(p, sizeof p, "%s/results.csv", out);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "jtl-b0.5,\"spice cells --cell jtl --bias 0.5\",1,"), "%s", file);
    cr_assert(strstr(file, ",FAIL,jobs/jtl-b0.5/log,jobs/jtl-b0.5/waves/sfq_jtl.fst,\"cd "), "%s", file);
    /* the report's failed-job table links both */
    cr_assert_eq(sh("%s report --out %s/rep --only fftconv --regress %s", tool(), d, out), 0, "%s%s", sout, serr);
    snprintf(p, sizeof p, "%s/rep/index.html", d);
    slurp(p, file, sizeof file);
    char absout[PATH_MAX];
    cr_assert(realpath(out, absout));
    snprintf(want, sizeof want, "<a href=\"file://%s/jobs/jtl-b0.5/log\">log</a></td><td><a href=\"file://%s/"
                                "jobs/jtl-b0.5/waves/sfq_jtl.fst\">jobs/jtl-b0.5/waves/sfq_jtl.fst</a> (<code>make waves "
                                "WAVE=%s/jobs/jtl-b0.5/waves/sfq_jtl.fst</code>)", absout, absout, absout);
    cr_assert(strstr(file, want), "expected\n%s\nin the report", want);
    /* the waveform rerun is bounded: over --max-waves-mb it stops and keeps nothing */
    write_file(d, "n.jobs", "job neuron-b0.5 spice cells --cell neuron --bias 0.5 --waves {wavedir}\n");
    cr_assert_eq(sh("%s regress --list %s/n.jobs --out %s/nout --max-waves-mb 1", tool(), d, d), 1, "%s%s", sout, serr);
    cr_assert(strstr(sout, "neuron-b0.5: its waveform rerun wrote more than 1 MiB (--max-waves-mb): no waveform kept"),
              "%s", sout);
    cr_assert(strstr(sout, "FAIL neuron-b0.5 (exit status 1, ") && !strstr(sout, "waveform:"), "%s", sout);
    snprintf(p, sizeof p, "%s/nout/jobs/neuron-b0.5/waves/sfq_neuron.fst", d);
    cr_assert(stat(p, &sb) != 0, "a cut waveform was kept");
    snprintf(p, sizeof p, "%s/nout/results.json", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "\"waveform\": null"), "%s", file);
    cr_assert_eq(sh("%s regress --list %s/n.jobs --out %s/nout --max-waves-mb 0", tool(), d, d), 2);
    cr_assert(strstr(serr, "--max-waves-mb"), "%s", serr);
    rm_rf(d);
}

/* A job past --timeout is killed and fails with status 124; the failure's report lists it with
 * its reproduce command. */
Test(core_regress, timeout_kills_the_job, .timeout = 60)
{
    const char *d = tmpdir_named("timeout");
    write_file(d, "t.jobs", "job slow snn --network rtl/snn/examples/coincidence.net --rate 0.5 --steps 100000000 --output /dev/null\n"
                            "job quick fftconv --help\n");
    cr_assert_eq(sh("%s regress --list %s/t.jobs --out %s/out --jobs 2 --timeout 5", tool(), d, d), 1,
                 "%s%s", sout, serr);
    cr_assert(strstr(sout, "FAIL slow (timeout, status 124, "), "%s", sout);
    cr_assert(strstr(sout, "1 passed, 1 failed"), "%s", sout);
    cr_assert_eq(sh("%s report --out %s/rep --only fftconv --regress %s/out", tool(), d, d), 0, "%s%s", sout, serr);
    char p[600];
    snprintf(p, sizeof p, "%s/rep/index.html", d);
    slurp(p, file, sizeof file);
    cr_assert(strstr(file, "<tr class=\"fail\"><td>slow</td><td>124</td><td><code>cd "), "no failure row");
    cr_assert(strstr(file, "snn --network rtl/snn/examples/coincidence.net --rate 0.5 --steps 100000000 --output /dev/null</code>"),
              "no reproduce command");
    rm_rf(d);
}

/* Each job is a session of its own (its process group: killed as one), with the niceness the
 * regression runs with, also in its autogroup where the kernel has autogroup scheduling (the
 * CPU is shared per session there: N jobs in one session would get one share). */
Test(core_regress, job_is_a_session_with_the_regression_niceness, .timeout = 60)
{
    const char *d = tmpdir_named("session");
    write_file(d, "s.jobs", "job slow snn --network rtl/snn/examples/coincidence.net --rate 0.5 --steps 100000000 --output /dev/null\n");
    cr_assert_eq(sh("nice -n 7 %s regress --list %s/s.jobs --out %s/out --jobs 1 --timeout 4 >/dev/null & r=$!; "
                    "for i in $(seq 1 100); do j=$(pgrep -P $r | head -1); "
                    "[ -n \"$j\" ] && break; sleep 0.1; done; sleep 0.3; "
                    "echo regress $r sid $(ps -o sid= -p $r); echo job $j sid $(ps -o sid= -p $j) pgid $(ps -o pgid= -p $j) "
                    "nice $(ps -o ni= -p $j); echo autogroup $(cat /proc/$j/autogroup 2>/dev/null || echo none); wait $r; echo status $?",
                    tool(), d, d), 0, "%s%s", sout, serr);
    int r, rsid, j, jsid, jpgid, jnice;
    const char *jl = strstr(sout, "job ");
    cr_assert(sscanf(sout, "regress %d sid %d", &r, &rsid) == 2 && jl &&
              sscanf(jl, "job %d sid %d pgid %d nice %d", &j, &jsid, &jpgid, &jnice) == 4, "%s", sout);
    cr_assert(jsid == j && jpgid == j && jsid != rsid, "the job is not a session of its own:\n%s", sout);
    errno = 0;
    int want = getpriority(PRIO_PROCESS, 0) + 7; /* nice -n 7 adds to this test's niceness */
    cr_assert_eq(errno, 0);
    want = want > 19 ? 19 : want;
    cr_assert_eq(jnice, want, "%s", sout);
    char agn[32];
    snprintf(agn, sizeof agn, " nice %d", want);
    const char *ag = strstr(sout, "autogroup ");
    cr_assert(ag && (!strncmp(ag, "autogroup none", 14) || strstr(ag, agn)),
              "the job's autogroup lacks the regression's niceness (%d):\n%s", want, sout);
    cr_assert(strstr(sout, "status 1\n"), "the job was not stopped by --timeout:\n%s", sout);
    rm_rf(d);
}

/* A regression stopped by SIGTERM keeps every finished job: the next run goes on from there. */
Test(core_regress, killed_regression_loses_nothing, .timeout = 120)
{
    const char *d = tmpdir_named("kill");
    write_file(d, "k.jobs", "set seed 1..12\njob j-s{seed} fftconv --length 16384 --seed {seed}\n");
    /* stopped as soon as the first job has its result (bounded: 120 s) */
    cr_assert_eq(sh("%s regress --list %s/k.jobs --out %s/out --jobs 1 >%s/first.txt & pid=$!; "
                    "for i in $(seq 1 600); do ls %s/out/jobs/*/result >/dev/null 2>&1 && break; sleep 0.2; done; "
                    "kill -TERM $pid; wait $pid; echo status $?",
                    tool(), d, d, d, d), 0);
    cr_assert(strstr(sout, "status 1"), "%s", sout);
    char p[600];
    snprintf(p, sizeof p, "%s/first.txt", d);
    slurp(p, file, sizeof file);
    unsigned total, p1, f1;
    char *s = strstr(file, "regress: 12 jobs: ");
    cr_assert(s && sscanf(s, "regress: %u jobs: %u passed, %u failed", &total, &p1, &f1) == 3, "%s", file);
    cr_assert(p1 >= 1 && p1 < 12 && f1 == 0, "stopped after %u jobs (expected some, not all):\n%s", p1, file);
    cr_assert(strstr(file, " not run"), "%s", file);
    /* no job of the stopped run is left behind (a job runs in a fork of the regress process,
     * whose command line it keeps, or in an exec'ed neurocosim) */
    cr_assert_eq(sh("pgrep -f 'fftconv --length 1638[4] --seed|%s/k[.]jobs --out' | wc -l", d), 0);
    cr_assert_eq(atoi(sout), 0, "job processes survived the stop");
    cr_assert_eq(sh("%s regress --list %s/k.jobs --out %s/out --jobs 2", tool(), d, d), 0, "%s%s", sout, serr);
    char want[128];
    snprintf(want, sizeof want, "%u already done (kept), %u to run", p1, 12 - p1);
    cr_assert(strstr(sout, want), "expected '%s' in:\n%s", want, sout);
    cr_assert(strstr(sout, "regress: 12 jobs: 12 passed, 0 failed"), "%s", sout);
    rm_rf(d);
}

/* How many processes of the cluster whose configuration is conf are still alive (zombies, which
 * init reaps, are not alive): those with SLURM_CONF=conf in their environment, and its munged. */
static int cluster_alive(const char *conf)
{
    char dir[512];
    snprintf(dir, sizeof dir, "%s", conf);
    char *sl = strrchr(dir, '/');
    cr_assert(sl);
    *sl = '\0';
    cr_assert_eq(sh("sleep 1; { for e in $(grep -lzxF 'SLURM_CONF=%s' /proc/[0-9]*/environ 2>/dev/null); do "
                    "p=${e#/proc/}; p=${p%%/environ}; ps -o stat= -p $p | grep -v Z; done; "
                    "pgrep -f 'munge[d] --force --socket=%s/'; } | wc -l", conf, dir), 0);
    struct stat sb;
    cr_assert(stat(dir, &sb) != 0, "the cluster's folder %s survived", dir);
    return atoi(sout);
}

/* Drops the 4th field (seconds) of every CSV line. */
static void csv_without_seconds(const char *in, char *out, size_t cap)
{
    size_t o = 0;
    int field = 0;
    bool quoted = false;
    for (const char *p = in; *p && o + 1 < cap; p++) {
        if (*p == '"')
            quoted = !quoted;
        if (*p == '\n') {
            field = 0;
            out[o++] = *p;
            continue;
        }
        if (*p == ',' && !quoted) {
            field++;
            if (field == 3 || field == 4) {
                if (field == 3)
                    out[o++] = ',';
                continue;
            }
        }
        if (field != 3)
            out[o++] = *p;
    }
    out[o] = '\0';
}

/* A real single-node Slurm cluster (tests/slurm_cluster.sh: munged, slurmctld, slurmd in a
 * temporary folder, stopped by pid): the same list through a job array gives the same results
 * as the local engine; the daemons are gone afterwards. */
Test(core_regress, slurm_equals_local, .timeout = 300)
{
    const char *d = tmpdir_named("slurm");
    write_file(d, "s.jobs", "set seed 1..5\njob ok-s{seed} fftconv --length 256 --seed {seed} --waves {waves}\n"
                            "job bad-s9 fftconv --length 1000 --seed 9 --waves {waves}\n"
                            "job cell-dff spice cells --cell dff\n");
    cr_assert_eq(sh("%s regress --list %s/s.jobs --out %s/local --jobs 2", tool(), d, d), 1, "%s%s", sout, serr);
    cr_assert(strstr(sout, "regress: 7 jobs: 6 passed, 1 failed"), "%s", sout);
    cr_assert_eq(sh("tests/slurm_cluster.sh %s regress --engine slurm --per-task 3 --list %s/s.jobs --out %s/slurm",
                    tool(), d, d), 1, "%s%s", sout, serr);
    cr_assert(strstr(sout, "to run on Slurm") && strstr(sout, "Slurm job array ") && strstr(sout, ": 3 tasks of at most 3 jobs"),
              "%s", sout);
    cr_assert(strstr(sout, "FAIL bad-s9 (exit status 2, ") && strstr(sout, "regress: 7 jobs: 6 passed, 1 failed"),
              "%s", sout);
    static char a[1 << 16], b[1 << 16], ca[1 << 16], cb[1 << 16];
    char p[600];
    snprintf(p, sizeof p, "%s/local/results.csv", d);
    slurp(p, a, sizeof a);
    snprintf(p, sizeof p, "%s/slurm/results.csv", d);
    slurp(p, b, sizeof b);
    csv_without_seconds(a, ca, sizeof ca);
    csv_without_seconds(b, cb, sizeof cb);
    cr_assert_str_eq(ca, cb, "local and Slurm results differ:\n%s\n---\n%s", ca, cb);
    cr_assert(strstr(ca, "bad-s9,\"fftconv --length 1000 --seed 9\",2,FAIL,"), "%s", ca);
    cr_assert(strstr(ca, "cell-dff,\"spice cells --cell dff\",0,PASS,"), "%s", ca);
    /* nothing of the cluster survives */
    const char *c = strstr(serr, "slurm_cluster: up, SLURM_CONF=");
    char conf[512];
    cr_assert(c && sscanf(c, "slurm_cluster: up, SLURM_CONF=%511s", conf) == 1, "%s", serr);
    cr_assert_eq(cluster_alive(conf), 0, "processes of the cluster survived");
    rm_rf(d);
}

/* The cluster wrapper killed outright (SIGKILL, as a killed test run would be): its watchdog
 * stops the daemons and the command it ran, and removes the temporary folder. */
Test(core_regress, slurm_cluster_killed_leaves_nothing, .timeout = 120)
{
    /* (the wrapped command is `sleep 97`, written as $N here so that no shell's own command
     * line matches '^sleep 97$') */
    cr_assert_eq(sh("export N=97; tests/slurm_cluster.sh sh -c 'echo $SLURM_CONF; exec sleep $N' & w=$!; "
                    "for i in $(seq 1 60); do sleep 0.5; pgrep -f '^sleep 97$' >/dev/null && break; done; "
                    "kill -9 $w; sleep 2"), 0, "%s%s", sout, serr);
    char conf[512] = "";
    cr_assert(sscanf(sout, "%511s", conf) == 1 && strstr(conf, "/slurm.conf"), "%s", sout);
    cr_assert_eq(cluster_alive(conf), 0, "processes of the cluster survived its wrapper's SIGKILL");
}
