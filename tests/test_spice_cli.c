/* test_spice_cli.c - `neurocosim spice` as a user meets it (options, --help, usage errors,
 * where outputs go) and the forked jobs of spice_par.c: they die with their parent (SIGKILL,
 * SIGTERM), carry their own wall-clock bound, and every wait of the parent is bounded.
 * Runs the built binary ($NC_BUILD/bin/neurocosim); every wait here has a bound. */
#define _GNU_SOURCE
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nc_test.h"
#include "spice.h"
#include "spice_par.h"

static char out[65536];

#define cli nc_test_tool

/* Runs `[ENV=..] neurocosim spice <args>` bounded by bound_s (a hang or a crash fails the
 * test, never blocks), stdout+stderr in out; returns the exit status. */
static int spice(const char *env, int bound_s, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int spice(const char *env, int bound_s, const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return nc_test_sh(out, sizeof out, bound_s, "%s %s spice %s", env ? env : "", cli(), args);
}

/* Same with stdout in out and stderr in err (bound 200 s). */
static int spice_split(const char *env, char *err, size_t errcap, const char *args)
{
    return nc_test_sh2(out, sizeof out, err, errcap, 200, "%s %s spice %s", env ? env : "", cli(), args);
}

static const char *subcommands[] = {"cells", "margins", "xor", "fit", "table", "sim"};

Test(spice_cli, help_of_spice_and_every_subcommand, .timeout = 60)
{
    char err[4096];
    cr_assert_eq(spice_split(NULL, err, sizeof err, "--help"), 0);
    cr_assert(strstr(out, "usage: neurocosim spice"), "%s", out);
    for (size_t i = 0; i < sizeof subcommands / sizeof *subcommands; i++) {
        char args[64], want[64];
        snprintf(args, sizeof args, "%s --help", subcommands[i]);
        cr_assert_eq(spice_split(NULL, err, sizeof err, args), 0, "spice %s: %s", args, err);
        snprintf(want, sizeof want, "usage: neurocosim spice %s", subcommands[i]);
        cr_assert(strstr(out, want), "spice %s --help printed on stdout:\n%s", subcommands[i],
                  out);
        cr_assert_eq(err[0], '\0', "spice %s --help wrote to stderr: %s", subcommands[i], err);
    }
    /* sim's help needs no netlist */
    cr_assert_eq(spice_split(NULL, err, sizeof err, "sim -h"), 0, "%s", err);
}

/* Each option belongs to some sub-commands only; anywhere else it is a usage error that names
 * the sub-command (before any simulation: the bound of 20 s would fail a run). */
Test(spice_cli, options_of_another_subcommand_are_refused, .timeout = 120)
{
    static const char *bad[][2] = {
        {"cells", "--margins"},         {"cells", "--jobs 2"},      {"cells", "--seed 3"},
        {"margins", "--bias 1.0"},      {"margins", "--waves /tmp"}, {"table", "--seed 3"},
        {"table", "--cell jtl"},        {"fit", "--jobs 2"},         {"fit", "--cell jtl"},
        {"xor", "--out /tmp/x"},        {"xor", "--cell jtl"},       {"sim cells/tb_jtl.cir", "--jobs 2"},
        {"sim cells/tb_jtl.cir", "--margins"}, {"table", "--frobnicate"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(spice(NULL, 20, "%s %s", bad[i][0], bad[i][1]), 2, "spice %s %s:\n%s",
                     bad[i][0], bad[i][1], out);
        char opt[64], who[64];
        sscanf(bad[i][1], "%63s", opt);
        sscanf(bad[i][0], "%63s", who);
        char want[160];
        snprintf(want, sizeof want, "%s is not an option of 'spice %s'", opt, who);
        cr_assert(strstr(out, want), "spice %s %s: expected '%s' in:\n%s", bad[i][0], bad[i][1],
                  want, out);
    }
    /* an unexpected positional argument, and options that contradict each other */
    cr_assert_eq(spice(NULL, 20, "cells jtl"), 2);
    cr_assert(strstr(out, "unexpected argument 'jtl'"), "%s", out);
    cr_assert_eq(spice(NULL, 20, "xor --margins --bias 1.0"), 2);
    cr_assert(strstr(out, "--bias"), "%s", out);
    cr_assert_eq(spice(NULL, 20, "fit --out /tmp/m.txt --update-model"), 2);
    cr_assert(strstr(out, "--update-model"), "%s", out);
}

Test(spice_cli, empty_and_malformed_numbers_are_refused, .timeout = 120)
{
    static const char *bad[][2] = {
        {"xor --seed ''", "--seed"},       {"xor --jobs ''", "--jobs"},
        {"xor --bias ''", "--bias"},       {"fit --seeds ''", "--seeds"},
        {"margins --jobs ''", "--jobs"},   {"sim cells/tb_jtl.cir --tstop ''", "--tstop"},
        {"sim cells/tb_jtl.cir --from ''", "--from"}, {"sim cells/tb_jtl.cir --temp ''", "--temp"},
        {"sim cells/tb_jtl.cir --seed ''", "--seed"}, {"sim cells/tb_jtl.cir --from ' 1e-12'", "--from"},
        {"sim cells/tb_jtl.cir --temp 0x10", "--temp"}, {"sim cells/tb_jtl.cir --temp nan", "--temp"},
        {"cells --bias 1.0x", "--bias"},   {"xor --seed 010", "--seed"},
        {"margins --jobs 0", "--jobs"},    {"sim cells/tb_jtl.cir --probe ''", "--probe"},
        {"cells --cell ''", "--cell"},     {"xor --scale ''", "--scale"},
        {"margins --runs 2", "only with --noise"}, {"margins --seed 3", "only with --noise"},
        {"margins --temp 4.2", "only with --noise"}, {"margins --noise --temp 0", "0 < T"},
        {"margins --noise --runs 0", "--runs"}, {"margins --noise --runs 101", "--runs"},
        {"margins --noise --seed 010", "--seed"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
        cr_assert_eq(spice(NULL, 20, "%s", bad[i][0]), 2, "spice %s:\n%s", bad[i][0], out);
        cr_assert(strstr(out, bad[i][1]), "spice %s: expected '%s' named in:\n%s", bad[i][0],
                  bad[i][1], out);
    }
}

/* --waves DIR (cells, xor) and --waves FILE (sim): a directory that does not exist is a usage
 * error, and nothing is created. */
Test(spice_cli, missing_waves_directory_is_a_usage_error, .timeout = 60)
{
    char dir[256], file[300];
    snprintf(dir, sizeof dir, "/tmp/nc_spice_cli_%d_nowaves/sub", (int)getpid());
    cr_assert_eq(spice(NULL, 20, "cells --cell jtl --waves %s", dir), 2, "%s", out);
    cr_assert(strstr(out, "does not exist"), "%s", out);
    struct stat st;
    cr_assert_neq(stat(dir, &st), 0, "--waves created %s", dir);
    cr_assert_eq(spice(NULL, 20, "xor --waves %s", dir), 2, "%s", out);
    cr_assert(strstr(out, "does not exist"), "%s", out);
    cr_assert_neq(stat(dir, &st), 0, "--waves created %s", dir);
    snprintf(file, sizeof file, "%s/jtl.fst", dir);
    cr_assert_eq(spice(NULL, 20, "sim cells/tb_jtl.cir --waves %s", file), 2, "%s", out);
    cr_assert(strstr(out, "does not exist"), "%s", out);
    /* an existing directory works, and the run names the file and the command to open it */
    snprintf(dir, sizeof dir, "/tmp/nc_spice_cli_%d_waves", (int)getpid());
    cr_assert_eq(mkdir(dir, 0755), 0);
    cr_assert_eq(spice(NULL, 60, "cells --cell jtl --waves %s", dir), 0, "%s", out);
    snprintf(file, sizeof file, "%s/sfq_jtl.fst", dir);
    cr_assert_eq(stat(file, &st), 0, "no %s:\n%s", file, out);
    char want[400];
    snprintf(want, sizeof want, "make waves WAVE=%s", file);
    cr_assert(strstr(out, want), "expected '%s' in:\n%s", want, out);
    unlink(file);
    rmdir(dir);
}

/* An output that cannot be written is refused before the minutes of simulation. */
Test(spice_cli, unwritable_outputs_fail_before_the_run, .timeout = 60)
{
    cr_assert_eq(spice(NULL, 10, "table --out /nonexistent-dir/sfq_cells.md"), 2, "%s", out);
    cr_assert(strstr(out, "/nonexistent-dir/sfq_cells.md"), "%s", out);
    cr_assert_eq(spice(NULL, 10, "fit --out /nonexistent-dir/xor_model.txt"), 2, "%s", out);
    cr_assert(strstr(out, "/nonexistent-dir/xor_model.txt"), "%s", out);
    cr_assert_eq(spice(NULL, 10, "xor --model /nonexistent-dir/xor_model.txt"), 2, "%s", out);
    cr_assert(strstr(out, "/nonexistent-dir/xor_model.txt"), "%s", out);
}

Test(spice_cli, progress_on_request, .timeout = 240)
{
    static char err[1 << 16]; /* the line is redrawn 4 times a second */
    /* the cheapest sweep (one cell's margins, a few seconds) */
    cr_assert_eq(spice_split("NC_PROGRESS=1", err, sizeof err, "margins --cell jtl"), 0, "%s",
                 err);
    cr_assert(strstr(err, "spice margins, cells: 0/1") && strstr(err, "spice margins, cells: 1/1"),
              "stderr:\n%s", err);
    cr_assert(strstr(out, "jtl"), "%s", out);
}

/* ---- processes ---- */

/* State, parent and process group of pid from /proc (0 when it does not exist). */
static char proc_state(pid_t pid, pid_t *ppid, pid_t *pgrp)
{
    char path[64], buf[512];
    snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    char *rp = strrchr(buf, ')'); /* the command name may hold spaces */
    char st = 0;
    int pp = 0, pg = 0;
    if (!rp || sscanf(rp + 1, " %c %d %d", &st, &pp, &pg) != 3)
        return 0;
    if (ppid)
        *ppid = pp;
    if (pgrp)
        *pgrp = pg;
    return st;
}

/* Live (not zombie) processes whose parent is `parent` or whose process group is one of
 * groups[0..ng). */
static size_t live_related(pid_t parent, const pid_t *groups, size_t ng, pid_t *found, size_t cap)
{
    DIR *d = opendir("/proc");
    cr_assert(d);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        pid_t pid = (pid_t)atoi(e->d_name);
        if (pid <= 0)
            continue;
        pid_t pp, pg;
        char st = proc_state(pid, &pp, &pg);
        if (!st || st == 'Z' || st == 'X')
            continue;
        int rel = pp == parent;
        for (size_t g = 0; g < ng; g++)
            rel |= pg == groups[g];
        if (rel && n < cap)
            found[n++] = pid;
    }
    closedir(d);
    return n;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

/* Starts `neurocosim spice margins --jobs 2` (9 cells, tens of seconds of child processes),
 * waits until its two children run, kills it with `sig` and checks that within 5 s no process
 * is left whose parent was the CLI or whose process group is a child's group. Orphans are
 * reparented to this test (a subreaper), which reaps them. */
static void kill_cli_with(int sig)
{
    cr_assert_eq(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
    pid_t cli_pid = fork();
    cr_assert(cli_pid >= 0);
    if (cli_pid == 0) {
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 1), dup2(fd, 2);
        setpgid(0, 0);
        execl(cli(), "neurocosim", "spice", "margins", "--jobs", "2", (char *)NULL);
        _exit(127);
    }
    pid_t kids[16], groups[16] = {cli_pid};
    size_t nk = 0;
    for (int t = 0; t < 2000 && nk < 2; t++) { /* at most 20 s for the CLI to fork */
        nk = live_related(cli_pid, NULL, 0, kids, 16);
        if (nk < 2)
            sleep_ms(10);
    }
    if (nk < 2) {
        kill(cli_pid, SIGKILL);
        waitpid(cli_pid, NULL, 0);
        cr_assert_fail("the CLI started %zu child processes in 20 s, expected 2", nk);
    }
    for (size_t k = 0; k < nk; k++) {
        pid_t pp, pg;
        proc_state(kids[k], &pp, &pg);
        groups[1 + k] = pg;
    }
    size_t ng = 1 + nk;
    sleep_ms(300); /* the children are inside ngspice now */
    cr_assert_eq(kill(cli_pid, sig), 0);
    int st = 0;
    pid_t w = 0;
    for (int t = 0; t < 1000 && w == 0; t++) { /* 10 s for the CLI to end */
        w = waitpid(cli_pid, &st, WNOHANG);
        if (w == 0)
            sleep_ms(10);
    }
    if (w == 0)
        kill(cli_pid, SIGKILL), waitpid(cli_pid, &st, 0);
    cr_expect_neq(w, 0, "the CLI did not end within 10 s of signal %d", sig);
    cr_expect(WIFSIGNALED(st) && WTERMSIG(st) == sig,
              "the CLI should die of signal %d (the conventional status), status 0x%x", sig, st);
    pid_t left[16];
    size_t nl = 0;
    for (int t = 0; t < 500; t++) { /* 5 s for the children to go */
        while (waitpid(-1, NULL, WNOHANG) > 0) /* orphans reparented to this subreaper */
            ;
        nl = live_related(cli_pid, groups + 1, ng - 1, left, 16);
        if (nl == 0)
            break;
        sleep_ms(10);
    }
    for (size_t k = 0; k < nl; k++) /* never leave a stray process behind */
        kill(left[k], SIGKILL);
    for (size_t k = 0; k < nk; k++)
        kill(kids[k], SIGKILL);
    for (int t = 0; t < 200 && waitpid(-1, NULL, WNOHANG) >= 0; t++)
        sleep_ms(5);
    cr_assert_eq(nl, 0, "%zu child process(es) (pid %d, ...) still ran 5 s after the parent got "
                 "signal %d", nl, nl ? (int)left[0] : 0, sig);
}

Test(spice_cli, sigkill_of_the_parent_ends_its_jobs, .timeout = 60) { kill_cli_with(SIGKILL); }
Test(spice_cli, sigterm_is_forwarded_to_the_jobs, .timeout = 60) { kill_cli_with(SIGTERM); }
Test(spice_cli, sigint_is_forwarded_to_the_jobs, .timeout = 60) { kill_cli_with(SIGINT); }

/* ---- nc_par_run itself (jobs that need no ngspice) ---- */

typedef struct sleepy {
    int report_fd; /* the job writes its pid here */
    double sleep_s[4];
} sleepy_t;

static int sleepy_job(size_t i, void *arg, void *res)
{
    const sleepy_t *s = arg;
    pid_t me = getpid();
    if (s->report_fd >= 0 && write(s->report_fd, &me, sizeof me) != (ssize_t)sizeof me)
        return NC_ERR_IO;
    double t = s->sleep_s[i];
    struct timespec ts = {(time_t)t, (long)((t - (double)(time_t)t) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
    *(int *)res = (int)i * 10;
    return NC_OK;
}

static void name_job(size_t i, const void *arg, char *buf, size_t cap)
{
    (void)arg;
    snprintf(buf, cap, "sleeper #%zu", i);
}

/* A job past its bound is killed and reported by name; the others deliver their results. */
Test(spice_par, timed_out_job_is_killed_and_named, .timeout = 30)
{
    sleepy_t s = {-1, {0.05, 30, 0.05, 0.05}};
    int res[4] = {0}, st[4];
    nc_par_cfg_t cfg = {2, 1.0, NULL, name_job};
    double t0 = nc_now_s();
    int rc = nc_par_run_cfg(&cfg, 4, sleepy_job, &s, res, sizeof res[0], st);
    cr_assert_eq(rc, NC_ERR_TIMEOUT, "%s", nc_err_msg());
    cr_assert(strstr(nc_err_msg(), "sleeper #1") && strstr(nc_err_msg(), "wall-clock bound"),
              "%s", nc_err_msg());
    cr_assert_eq(st[1], NC_ERR_TIMEOUT);
    cr_assert_eq(st[0], NC_OK);
    cr_assert_eq(st[2], NC_OK);
    cr_assert_eq(st[3], NC_OK);
    cr_assert_eq(res[0], 0);
    cr_assert_eq(res[2], 20);
    cr_assert_eq(res[3], 30);
    cr_assert(nc_now_s() - t0 < 10, "took %.1f s for a 1 s bound", nc_now_s() - t0);
}

/* The bound lives in the child too: with the parent stopped (it cannot kill anything), a job
 * sleeping for 30 s is gone within its bound + grace + 2 s. */
Test(spice_par, child_enforces_its_own_bound, .timeout = 30)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t parent = fork();
    cr_assert(parent >= 0);
    if (parent == 0) {
        close(fds[0]);
        sleepy_t s = {fds[1], {30}};
        int res, st;
        nc_par_cfg_t cfg = {1, 1.0, NULL, NULL};
        nc_par_run_cfg(&cfg, 1, sleepy_job, &s, &res, sizeof res, &st);
        _exit(0);
    }
    close(fds[1]);
    pid_t job = 0;
    struct pollfd pf = {fds[0], POLLIN, 0};
    cr_assert_eq(poll(&pf, 1, 10000), 1, "the job did not start within 10 s");
    cr_assert_eq(read(fds[0], &job, sizeof job), (ssize_t)sizeof job);
    close(fds[0]);
    kill(parent, SIGSTOP);
    char state = 'R';
    for (int t = 0; t < 100 * (1 + (int)NC_PAR_CHILD_GRACE_S + 2); t++) {
        state = proc_state(job, NULL, NULL);
        if (!state || state == 'Z' || state == 'X')
            break;
        sleep_ms(10);
    }
    int alive = state && state != 'Z' && state != 'X';
    kill(job, SIGKILL);
    kill(parent, SIGKILL);
    waitpid(parent, NULL, 0);
    cr_assert(!alive, "job pid %d still runs (state %c) %.0f s past its 1 s bound with its "
              "parent stopped", (int)job, state, NC_PAR_CHILD_GRACE_S + 2);
}

/* A result larger than a pipe's buffer comes through (the parent reads while the child
 * writes; it does not wait for the child's exit first). */
static int big_job(size_t i, void *arg, void *res)
{
    (void)arg;
    unsigned char *r = res;
    for (size_t k = 0; k < 256 * 1024; k++)
        r[k] = (unsigned char)(k * 7 + i);
    return NC_OK;
}

Test(spice_par, result_larger_than_a_pipe_buffer, .timeout = 30)
{
    size_t size = 256 * 1024;
    unsigned char *res = malloc(2 * size);
    int st[2];
    cr_assert_eq(nc_par_run(2, 2, 5.0, big_job, NULL, res, size, st), NC_OK, "%s", nc_err_msg());
    for (size_t i = 0; i < 2; i++)
        for (size_t k = 0; k < size; k += 4099)
            cr_assert_eq(res[i * size + k], (unsigned char)(k * 7 + i), "job %zu byte %zu", i, k);
    free(res);
}

static int crash_job(size_t i, void *arg, void *res)
{
    (void)arg, (void)res;
    if (i == 1)
        raise(SIGABRT);
    return NC_OK;
}

Test(spice_par, crashed_child_is_reported, .timeout = 30)
{
    int res[3], st[3];
    nc_par_cfg_t cfg = {2, 5.0, NULL, name_job};
    cr_assert_eq(nc_par_run_cfg(&cfg, 3, crash_job, NULL, res, sizeof res[0], st), NC_ERR_SIM);
    cr_assert(strstr(nc_err_msg(), "sleeper #1") && strstr(nc_err_msg(), "signal 6"), "%s",
              nc_err_msg());
    cr_assert_eq(st[0], NC_OK);
    cr_assert_eq(st[1], NC_ERR_SIM);
    cr_assert_eq(st[2], NC_OK);
}

Test(spice_par, progress_counts_jobs, .timeout = 30)
{
    char path[128];
    snprintf(path, sizeof path, "/tmp/nc_spice_par_%d.err", (int)getpid());
    fflush(stderr);
    int saved = dup(2), fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    cr_assert(fd >= 0 && saved >= 0);
    dup2(fd, 2);
    close(fd);
    nc_progress_enable(1);
    sleepy_t s = {-1, {0.01, 0.01, 0.01}};
    int res[3], st[3];
    nc_par_cfg_t cfg = {2, 5.0, "unit jobs", NULL};
    int rc = nc_par_run_cfg(&cfg, 3, sleepy_job, &s, res, sizeof res[0], st);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    cr_assert_eq(rc, NC_OK, "%s", nc_err_msg());
    char buf[4096] = "";
    FILE *f = fopen(path, "r");
    cr_assert(f);
    buf[fread(buf, 1, sizeof buf - 1, f)] = '\0';
    fclose(f);
    unlink(path);
    cr_assert(strstr(buf, "unit jobs: 0/3") && strstr(buf, "unit jobs: 3/3"), "%s", buf);
}

/* ---- spice fit: the committed model is replaced only when asked ---- */

/* Starts `neurocosim spice fit [extra]` with NC_CIRCUITS=circ, reads the line that names its
 * output (printed before the minutes of fitting), then ends it with SIGTERM. */
static void fit_output_line(const char *circ, const char *extra, char *line, size_t cap)
{
    int fds[2];
    cr_assert_eq(pipe(fds), 0);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        dup2(fds[1], 1);
        int fd = open("/dev/null", O_WRONLY);
        dup2(fd, 2);
        close(fds[0]);
        setenv("NC_CIRCUITS", circ, 1);
        setenv("NC_PROGRESS", "0", 1);
        execl(cli(), "neurocosim", "spice", "fit", "--seeds", "1", extra, (char *)NULL);
        _exit(127);
    }
    close(fds[1]);
    char buf[4096] = "";
    size_t got = 0;
    double t0 = nc_now_s();
    while (!strstr(buf, "\n") && nc_now_s() - t0 < 30 && got < sizeof buf - 1) {
        struct pollfd pf = {fds[0], POLLIN, 0};
        if (poll(&pf, 1, 1000) != 1)
            continue;
        ssize_t r = read(fds[0], buf + got, sizeof buf - 1 - got);
        if (r <= 0)
            break;
        got += (size_t)r;
        buf[got] = '\0';
    }
    kill(pid, SIGTERM);
    int st = 0;
    for (int t = 0; t < 1000 && waitpid(pid, &st, WNOHANG) == 0; t++)
        sleep_ms(10);
    kill(pid, SIGKILL);
    waitpid(pid, &st, WNOHANG);
    close(fds[0]);
    char *nl = strchr(buf, '\n');
    if (nl)
        *nl = '\0';
    snprintf(line, cap, "%s", buf);
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot open %s", path);
    char *s = calloc(1, 65536);
    fread(s, 1, 65535, f);
    fclose(f);
    return s;
}

Test(spice_cli, fit_leaves_the_committed_model_unless_asked, .timeout = 120)
{
    char circ[256], model[320], line[4096], want[400], msg[4096];
    snprintf(circ, sizeof circ, "/tmp/nc_spice_cli_%d_circuits", (int)getpid());
    nc_test_rm_rf(circ);
    cr_assert_eq(nc_test_sh(msg, sizeof msg, 60, "cp -r circuits %s", circ), 0, "%s", msg);
    snprintf(model, sizeof model, "%s/networks/xor_model.txt", circ);
    char *before = slurp(model);
    struct stat st0, st1;
    cr_assert_eq(stat(model, &st0), 0);

    fit_output_line(circ, NULL, line, sizeof line);
    const char *p = strstr(line, "output: ");
    cr_assert(p, "spice fit did not name its output: '%s'", line);
    p += strlen("output: ");
    cr_assert(!strstr(p, circ) && strstr(p, "/results/xor_model.txt"),
              "spice fit writes %s by default, expected results/xor_model.txt in the build "
              "directory, not the committed model", p);

    snprintf(want, sizeof want, "output: %s", model);
    fit_output_line(circ, "--update-model", line, sizeof line);
    cr_assert(strstr(line, want), "spice fit --update-model: '%s', expected '%s'", line, want);

    /* neither run (ended early) touched the model */
    cr_assert_eq(stat(model, &st1), 0);
    char *after = slurp(model);
    cr_assert_str_eq(after, before);
    cr_assert(st0.st_mtim.tv_sec == st1.st_mtim.tv_sec &&
              st0.st_mtim.tv_nsec == st1.st_mtim.tv_nsec, "%s was rewritten", model);
    free(before), free(after);
    nc_test_rm_rf(circ);
}

/* spice sim --waves writes the probed nodes, in the order given, labelled by their names, and
 * nothing else (the FST's variable list is read back with fst2vcd). */
Test(spice_cli, sim_waves_hold_the_probes_only, .timeout = 120)
{
    const char *dir = nc_test_tmpdir("simw");
    cr_assert_eq(spice(NULL, 100, "sim cells/tb_jtl.cir --probe xdut.p2 --probe xdut.p1 --tstop 2e-10 "
                       "--waves %s/j.fst", dir), 0, "%s", out);
    cr_assert(strstr(out, "make waves WAVE="), "%s", out);
    char vars[256], err[4096];
    cr_assert_eq(nc_test_sh2(vars, sizeof vars, err, sizeof err, 60,
                             "fst2vcd -f %s/j.fst | grep '^\\$var' | awk '{print $5}' | tr '\\n' ' '", dir),
                 0, "%s", err);
    cr_assert_str_eq(vars, "xdut_p2 xdut_p1 ", "variables in the FST: '%s'", vars);
    nc_test_rm_rf(dir);
}

/* spice margins --noise end to end (one cell, one run per bias point): the header names the
 * noise and the seeds, the JTL's row carries a margin around 1.0 and its run counts. */
Test(spice_cli, margins_with_noise, .timeout = 240)
{
    cr_assert_eq(spice(NULL, 200, "margins --cell jtl --noise --runs 1 --seed 5 --jobs 1"), 0,
                 "%s", out);
    cr_assert(strstr(out, "thermal noise 4.20 K"), "%s", out);
    cr_assert(strstr(out, "seeds 5..5"), "%s", out);
    cr_assert(strstr(out, "runs tried"), "%s", out);
    const char *row = strstr(out, "\njtl");
    cr_assert(row, "%s", out);
    double lo, hi;
    size_t tried, failed;
    cr_assert_eq(sscanf(row + 4, "%lf %lf %zu %zu", &lo, &hi, &tried, &failed), 4, "%s", out);
    cr_expect(lo < 0.9 && hi > 1.1, "JTL noisy margins %.2f-%.2f, expected beyond +-10%%", lo, hi);
    cr_expect(tried > failed && failed > 0, "runs %zu tried, %zu failed (the searches end on "
              "failed points)", tried, failed);
}

/* --param of cells and margins: a library's optional physics for every testbench. The JTL
 * stage on resistive bias feeds (rfeed = 1: 37 ohm beside each 6.86 ohm shunt, 18% more
 * conductance) is slower than the 2.20 ps of ideal feeds but by less than 20%; bias and
 * jjnoise belong to --bias and --noise; a name no testbench assigns is a clear error. */
Test(spice_cli, cells_and_margins_take_testbench_parameters, .timeout = 240)
{
    cr_assert_eq(spice(NULL, 120, "cells --cell jtl --param rfeed=1"), 0, "%s", out);
    const char *row = strstr(out, "\njtl");
    cr_assert(row, "%s", out);
    double delay = 0;
    cr_assert_eq(sscanf(row + 4, " Josephson transmission line stage %*u %*u %lf", &delay), 1,
                 "%s", out);
    cr_expect(delay > 2.20 * 1.05 && delay < 2.20 * 1.20, "JTL on resistive feeds %.2f ps, "
              "expected 5-20%% above 2.20", delay);
    cr_expect_eq(spice(NULL, 60, "cells --cell jtl --param bias=0.9"), 2, "%s", out);
    cr_expect(strstr(out, "'bias'") && strstr(out, "--bias"), "%s", out);
    cr_expect_eq(spice(NULL, 60, "margins --cell jtl --param jjnoise=1"), 2, "%s", out);
    cr_expect(strstr(out, "'jjnoise'") && strstr(out, "--noise"), "%s", out);
    cr_expect_eq(spice(NULL, 60, "cells --cell jtl --param nosuch=1"), 2, "%s", out);
    cr_expect(strstr(out, "'nosuch'") && strstr(out, "tb_jtl.cir"), "%s", out);
    cr_expect_eq(spice(NULL, 60, "margins --cell jtl --param nosuch=1 --jobs 1"), 2, "%s", out);
    cr_expect(strstr(out, "'nosuch'"), "%s", out);
    cr_assert_eq(spice(NULL, 200, "margins --cell jtl --param rfeed=1 --jobs 1"), 0, "%s", out);
    row = strstr(out, "\njtl");
    double lo = 0, hi = 0;
    cr_assert(row && sscanf(row + 4, "%lf %lf", &lo, &hi) == 2, "%s", out);
    cr_expect(lo < 0.7 && hi > 1.3, "JTL margins on resistive feeds %.2f-%.2f, expected "
              "beyond +-30%% (ideal feeds 0.53-1.41)", lo, hi);
}
