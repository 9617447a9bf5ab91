/* spice_par.c - forked parallel jobs with pipes and wall-clock bounds that hold in the parent
 * and in the children; children die with their parent (see spice_par.h). */
#define _GNU_SOURCE
#include "spice_par.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nc_error.h"
#include "nc_util.h"

/* A child's reply: status (int) at 0, its error message at MSG_AT, the result at HDR_BYTES
 * (a multiple of 16, so the result is aligned for any type in the calloc'ed buffer). */
#define MSG_AT 16
#define MSG_BYTES 512
#define HDR_BYTES (MSG_AT + MSG_BYTES)
#define REAP_BOUND_S 5.0       /* how long the parent waits for a SIGKILLed child to vanish */
#define SIGNAL_GRACE_S 2.0     /* after a forwarded signal, before SIGKILL */

typedef struct child {
    pid_t pid;      /* 0: free slot */
    int fd;         /* read end of the reply pipe; -1 once at end of file */
    size_t job;
    double start;
    char *buf;      /* the reply: status, message, result */
    size_t got;
} child_t;

/* Forwarded signals; the handler reads the process groups of the running children. */
static const int fwd_sigs[] = {SIGINT, SIGTERM, SIGHUP};
#define NFWD (sizeof fwd_sigs / sizeof fwd_sigs[0])
static volatile pid_t run_groups[NC_PAR_MAX_PROCS];
static volatile sig_atomic_t got_signal;

int nc_par_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void on_signal(int sig)
{
    int e = errno;
    if (!got_signal)
        got_signal = sig;
    for (size_t k = 0; k < NC_PAR_MAX_PROCS; k++)
        if (run_groups[k] > 0)
            kill(-run_groups[k], sig);
    errno = e;
}

static void block_fwd(sigset_t *old)
{
    sigset_t s;
    sigemptyset(&s);
    for (size_t i = 0; i < NFWD; i++)
        sigaddset(&s, fwd_sigs[i]);
    sigprocmask(SIG_BLOCK, &s, old);
}

/* The child's own wall-clock bound: a timer that sends SIGKILL (no handler can keep the child
 * alive), alarm() if no such timer can be had, and RLIMIT_CPU as a backstop. */
static void child_bound(double wall_s)
{
    double t = wall_s + NC_PAR_CHILD_GRACE_S;
    struct sigevent ev;
    memset(&ev, 0, sizeof ev);
    ev.sigev_notify = SIGEV_SIGNAL;
    ev.sigev_signo = SIGKILL;
    timer_t tm;
    struct itimerspec its = {{0, 0}, {(time_t)t, (long)((t - floor(t)) * 1e9)}};
    if (timer_create(CLOCK_MONOTONIC, &ev, &tm) != 0 || timer_settime(tm, 0, &its, NULL) != 0) {
        signal(SIGALRM, SIG_DFL);
        alarm((unsigned)ceil(t));
    }
    /* the harness's main thread sleeps while ngspice's thread computes: CPU <= wall */
    rlim_t cpu = (rlim_t)ceil(2 * t) + 10;
    struct rlimit rl;
    if (getrlimit(RLIMIT_CPU, &rl) == 0 && (rl.rlim_max == RLIM_INFINITY || rl.rlim_max > cpu + 5)) {
        rl.rlim_cur = cpu, rl.rlim_max = cpu + 5; /* SIGXCPU, then SIGKILL */
        setrlimit(RLIMIT_CPU, &rl);
    }
}

/* In the child (forwarded signals blocked on entry): detach into a group of its own, die with
 * the parent, bound itself, run the job, write status + message + result, exit. */
static void run_child(const nc_par_cfg_t *cfg, child_t *kids, int nkids, size_t i, void *arg,
                      nc_par_fn fn, size_t size, int fd, pid_t parent, const sigset_t *mask)
{
    setpgid(0, 0);
    if (prctl(PR_SET_PDEATHSIG, SIGKILL) != 0 || getppid() != parent)
        _exit(127); /* the parent is already gone (or cannot be followed) */
    for (size_t s = 0; s < NFWD; s++)
        signal(fwd_sigs[s], SIG_DFL);
    for (size_t k = 0; k < NC_PAR_MAX_PROCS; k++)
        run_groups[k] = 0;
    got_signal = 0;
    for (int k = 0; k < nkids; k++)
        if (kids[k].pid && kids[k].fd >= 0)
            close(kids[k].fd); /* siblings' pipes */
    child_bound(cfg->wall_s);
    sigprocmask(SIG_SETMASK, mask, NULL);

    size_t total = HDR_BYTES + size;
    char *buf = calloc(1, total);
    int st = buf ? fn(i, arg, buf + HDR_BYTES) : NC_ERR_NOMEM;
    if (buf) {
        memcpy(buf, &st, sizeof st);
        snprintf(buf + MSG_AT, MSG_BYTES, "%s", st ? nc_err_msg() : "");
        const char *p = buf;
        while (total) {
            ssize_t w = write(fd, p, total);
            if (w < 0 && errno == EINTR)
                continue;
            if (w <= 0)
                break;
            p += w, total -= (size_t)w;
        }
    }
    _exit(st == 0 ? 0 : 1);
}

static void job_name(const nc_par_cfg_t *cfg, size_t job, const void *arg, char *buf,
                     size_t cap)
{
    if (cfg->name)
        cfg->name(job, arg, buf, cap);
    else
        snprintf(buf, cap, "job %zu", job);
}

static int spawn(const nc_par_cfg_t *cfg, child_t *kids, int nkids, int k, size_t job,
                 void *arg, nc_par_fn fn, size_t size)
{
    child_t *c = &kids[k];
    size_t total = HDR_BYTES + size;
    char *buf = calloc(1, total);
    if (!buf)
        return nc_err_set(NC_ERR_NOMEM, "parallel job %zu: out of memory", job);
    int fds[2];
    if (pipe(fds) != 0) {
        free(buf);
        return nc_err_set(NC_ERR_IO, "parallel job %zu: pipe: %s", job, strerror(errno));
    }
    fflush(NULL);
    pid_t parent = getpid();
    sigset_t old;
    block_fwd(&old); /* no forwarded signal between fork and registering the child */
    pid_t pid = fork();
    if (pid < 0) {
        int e = errno;
        sigprocmask(SIG_SETMASK, &old, NULL);
        close(fds[0]), close(fds[1]), free(buf);
        return nc_err_set(NC_ERR_IO, "parallel job %zu: fork: %s", job, strerror(e));
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(cfg, kids, nkids, job, arg, fn, size, fds[1], parent, &old);
    }
    setpgid(pid, pid); /* also done by the child: whichever runs first */
    run_groups[k] = pid;
    sigprocmask(SIG_SETMASK, &old, NULL);
    close(fds[1]);
    fcntl(fds[0], F_SETFL, fcntl(fds[0], F_GETFL) | O_NONBLOCK);
    *c = (child_t){pid, fds[0], job, nc_now_s(), buf, 0};
    return NC_OK;
}

/* Reads what the child has sent; closes the pipe at end of file. */
static void drain(child_t *c, size_t total)
{
    while (c->fd >= 0) {
        char scratch[4096];
        char *dst = c->got < total ? c->buf + c->got : scratch;
        size_t cap = c->got < total ? total - c->got : sizeof scratch;
        ssize_t r = read(c->fd, dst, cap);
        if (r > 0) {
            if (c->got < total)
                c->got += (size_t)r;
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && errno == EAGAIN)
            return;
        close(c->fd); /* end of file, or an error: nothing more will come */
        c->fd = -1;
    }
}

/* Kills the child's group and reaps it within REAP_BOUND_S. Returns 1 when reaped. */
static int kill_and_reap(child_t *c, int *ws)
{
    kill(-c->pid, SIGKILL);
    kill(c->pid, SIGKILL);
    double until = nc_now_s() + REAP_BOUND_S;
    for (;;) {
        pid_t r = waitpid(c->pid, ws, WNOHANG);
        if (r == c->pid || (r < 0 && errno != EINTR))
            return r == c->pid;
        if (nc_now_s() > until)
            return 0;
        struct timespec ts = {0, 2000000L};
        nanosleep(&ts, NULL);
    }
}

/* Records the end of a reaped (or abandoned) child's job. */
static void finish(const nc_par_cfg_t *cfg, child_t *c, int k, void *arg, void *results,
                   size_t size, int *status, int ws, int timed_out, int reaped, int *first,
                   char *first_msg, size_t cap)
{
    size_t total = HDR_BYTES + size;
    char msg[MSG_BYTES + 128] = "";
    int st = NC_ERR_SIM;
    if (timed_out) {
        st = NC_ERR_TIMEOUT;
        snprintf(msg, sizeof msg, "killed after its wall-clock bound of %.0f s%s", cfg->wall_s,
                 reaped ? "" : " (and it did not exit within 5 s of SIGKILL)");
    } else if (c->got == total) {
        memcpy(&st, c->buf, sizeof st);
        snprintf(msg, sizeof msg, "%s", c->buf + MSG_AT);
        memcpy((char *)results + c->job * size, c->buf + HDR_BYTES, size);
    } else if (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGKILL &&
               nc_now_s() - c->start >= cfg->wall_s) {
        st = NC_ERR_TIMEOUT; /* its own timer fired first */
        snprintf(msg, sizeof msg, "killed by its own wall-clock bound of %.0f s", cfg->wall_s);
    } else if (WIFSIGNALED(ws)) {
        snprintf(msg, sizeof msg, "the child process died of signal %d without a result",
                 WTERMSIG(ws));
    } else {
        snprintf(msg, sizeof msg, "the child process exited (status %d) without a result",
                 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    }
    status[c->job] = st;
    if (st != NC_OK && *first == NC_OK) {
        char name[128];
        job_name(cfg, c->job, arg, name, sizeof name);
        *first = st;
        snprintf(first_msg, cap, "parallel %s: %s", name, msg);
    }
    if (c->fd >= 0)
        close(c->fd);
    free(c->buf);
    run_groups[k] = 0;
    memset(c, 0, sizeof *c);
}

/* After a forwarded signal: give the children SIGNAL_GRACE_S to exit, then SIGKILL them. */
static void stop_all(child_t *kids, int procs)
{
    int alive[NC_PAR_MAX_PROCS];
    for (int k = 0; k < procs; k++)
        alive[k] = kids[k].pid != 0;
    double until = nc_now_s() + SIGNAL_GRACE_S;
    for (;;) {
        int left = 0;
        for (int k = 0; k < procs; k++) {
            if (!alive[k])
                continue;
            int ws;
            pid_t r = waitpid(kids[k].pid, &ws, WNOHANG);
            if (r == kids[k].pid || (r < 0 && errno == ECHILD))
                alive[k] = 0;
            else
                left++;
        }
        if (!left || nc_now_s() > until)
            break;
        struct timespec ts = {0, 5000000L};
        nanosleep(&ts, NULL);
    }
    for (int k = 0; k < procs; k++) {
        if (!kids[k].pid)
            continue;
        int ws;
        if (alive[k])
            kill_and_reap(&kids[k], &ws);
        run_groups[k] = 0;
        if (kids[k].fd >= 0)
            close(kids[k].fd);
        free(kids[k].buf);
        memset(&kids[k], 0, sizeof kids[k]);
    }
}

int nc_par_run_cfg(const nc_par_cfg_t *cfg, size_t n, nc_par_fn fn, void *arg, void *results,
                   size_t result_size, int *status)
{
    if (!(cfg->wall_s > 0))
        return nc_err_set(NC_ERR_ARG, "parallel jobs: wall-clock bound %g s, expected > 0",
                          cfg->wall_s);
    if (n == 0)
        return NC_OK;
    int procs = cfg->procs < 1 ? 1 : cfg->procs > NC_PAR_MAX_PROCS ? NC_PAR_MAX_PROCS : cfg->procs;
    if ((size_t)procs > n)
        procs = (int)n;
    child_t *kids = calloc((size_t)procs, sizeof *kids);
    if (!kids)
        return nc_err_set(NC_ERR_NOMEM, "parallel jobs: out of memory");
    for (size_t i = 0; i < n; i++)
        status[i] = NC_ERR_SIM;

    struct sigaction old[NFWD];
    int installed[NFWD] = {0};
    got_signal = 0;
    for (size_t s = 0; s < NFWD; s++) {
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_signal;
        sigemptyset(&sa.sa_mask);
        for (size_t t = 0; t < NFWD; t++)
            sigaddset(&sa.sa_mask, fwd_sigs[t]);
        if (sigaction(fwd_sigs[s], NULL, &old[s]) == 0 && old[s].sa_handler != SIG_IGN)
            installed[s] = sigaction(fwd_sigs[s], &sa, NULL) == 0;
    }

    size_t total = HDR_BYTES + result_size, next = 0, done = 0;
    int first = NC_OK;
    char first_msg[MSG_BYTES + 256] = "";
    if (cfg->what)
        nc_progress(cfg->what, 0, (double)n);
    while (done < n && !got_signal) {
        for (int k = 0; k < procs && next < n && !got_signal; k++)
            if (kids[k].pid == 0) {
                if (spawn(cfg, kids, procs, k, next, arg, fn, result_size) != NC_OK) {
                    /* no process for it: the job fails, the others go on */
                    status[next] = nc_err_status();
                    if (first == NC_OK) {
                        first = status[next];
                        snprintf(first_msg, sizeof first_msg, "%s", nc_err_msg());
                    }
                    done++;
                }
                next++;
            }
        /* wait for replies, at most until the nearest deadline (and 250 ms, to see signals) */
        struct pollfd pf[NC_PAR_MAX_PROCS];
        int idx[NC_PAR_MAX_PROCS], np = 0, eof_pending = 0;
        double now = nc_now_s(), wait_s = 0.25;
        for (int k = 0; k < procs; k++) {
            if (!kids[k].pid)
                continue;
            wait_s = fmin(wait_s, kids[k].start + cfg->wall_s - now);
            if (kids[k].fd >= 0)
                pf[np] = (struct pollfd){kids[k].fd, POLLIN, 0}, idx[np++] = k;
            else
                eof_pending = 1;
        }
        if (eof_pending)
            wait_s = fmin(wait_s, 0.002);
        int ms = wait_s > 0 ? (int)ceil(wait_s * 1000) : 0;
        if (np > 0 && poll(pf, (nfds_t)np, ms) > 0) {
            for (int p = 0; p < np; p++)
                if (pf[p].revents)
                    drain(&kids[idx[p]], total);
        } else if (np == 0 && ms > 0) {
            struct timespec ts = {0, (long)ms * 1000000L};
            nanosleep(&ts, NULL);
        }
        now = nc_now_s();
        for (int k = 0; k < procs && !got_signal; k++) {
            child_t *c = &kids[k];
            if (!c->pid)
                continue;
            int ws = 0;
            if (c->fd < 0) { /* reply complete (or pipe closed): the child is exiting */
                pid_t r = waitpid(c->pid, &ws, WNOHANG);
                if (r == c->pid || (r < 0 && errno == ECHILD)) {
                    finish(cfg, c, k, arg, results, result_size, status, ws, 0, 1, &first,
                           first_msg, sizeof first_msg);
                    done++;
                    continue;
                }
            }
            if (now - c->start > cfg->wall_s) {
                int reaped = kill_and_reap(c, &ws);
                finish(cfg, c, k, arg, results, result_size, status, ws, 1, reaped, &first,
                       first_msg, sizeof first_msg);
                done++;
            }
        }
        if (cfg->what)
            nc_progress(cfg->what, (double)done, (double)n);
    }
    int sig = got_signal;
    if (sig)
        stop_all(kids, procs);
    if (cfg->what)
        nc_progress_end();
    free(kids);
    for (size_t s = 0; s < NFWD; s++)
        if (installed[s])
            sigaction(fwd_sigs[s], &old[s], NULL);
    if (sig) {
        /* the children are gone: die of the signal as the caller's disposition says */
        fflush(NULL);
        raise(sig);
        for (size_t s = 0; s < NFWD; s++)
            if (fwd_sigs[s] == sig && old[s].sa_handler == SIG_DFL)
                _exit(128 + sig); /* blocked by the caller: still stop */
        return nc_err_set(NC_ERR_IO, "parallel jobs: interrupted by signal %d", sig);
    }
    return first == NC_OK ? NC_OK : nc_err_set(first, "%s", first_msg);
}

int nc_par_run(size_t n, int procs, double wall_s, nc_par_fn fn, void *arg, void *results,
               size_t result_size, int *status)
{
    nc_par_cfg_t cfg = {procs, wall_s, NULL, NULL};
    return nc_par_run_cfg(&cfg, n, fn, arg, results, result_size, status);
}
