/* spice_par.c - forked parallel jobs with pipes and wall-clock bounds (see spice_par.h). */
#define _POSIX_C_SOURCE 200809L
#include "spice_par.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "nc_error.h"
#include "nc_util.h"

typedef struct child {
    pid_t pid;
    int fd;
    size_t job;
    double start;
} child_t;

int nc_par_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

/* In the child: run the job, write status + result, exit. */
static void run_child(size_t i, void *arg, nc_par_fn fn, size_t size, int fd)
{
    char *buf = calloc(1, size + sizeof(int) + 512);
    int st = buf ? fn(i, arg, buf + sizeof(int) + 512) : NC_ERR_NOMEM;
    if (buf) {
        memcpy(buf, &st, sizeof st);
        snprintf(buf + sizeof(int), 512, "%s", st ? nc_err_msg() : "");
        size_t left = size + sizeof(int) + 512;
        const char *p = buf;
        while (left) {
            ssize_t w = write(fd, p, left);
            if (w <= 0)
                break;
            p += w, left -= (size_t)w;
        }
    }
    _exit(st == 0 ? 0 : 1);
}

static int spawn(child_t *c, size_t job, void *arg, nc_par_fn fn, size_t size)
{
    int fds[2];
    if (pipe(fds) != 0)
        return nc_err_set(NC_ERR_IO, "parallel job %zu: pipe: %s", job, strerror(errno));
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]), close(fds[1]);
        return nc_err_set(NC_ERR_IO, "parallel job %zu: fork: %s", job, strerror(errno));
    }
    if (pid == 0) {
        close(fds[0]);
        run_child(job, arg, fn, size, fds[1]);
    }
    close(fds[1]);
    *c = (child_t){pid, fds[0], job, nc_now_s()};
    return NC_OK;
}

/* Reads the child's message (it is small: the pipe buffer holds it until we read). */
static int collect(child_t *c, void *results, size_t size, int *status, char *msg, size_t cap)
{
    size_t total = size + sizeof(int) + 512, got = 0;
    char *buf = calloc(1, total);
    if (!buf)
        return NC_ERR_NOMEM;
    while (got < total) {
        ssize_t r = read(c->fd, buf + got, total - got);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(c->fd);
    int st = NC_ERR_SIM;
    if (got == total) {
        memcpy(&st, buf, sizeof st);
        snprintf(msg, cap, "%s", buf + sizeof(int));
        memcpy((char *)results + c->job * size, buf + sizeof(int) + 512, size);
    } else {
        snprintf(msg, cap, "the child process died without a result (crash?)");
    }
    free(buf);
    status[c->job] = st;
    return st;
}

static void sleep_ms(int ms)
{
    struct timespec ts = {0, ms * 1000000L};
    nanosleep(&ts, NULL);
}

int nc_par_run(size_t n, int procs, double wall_s, nc_par_fn fn, void *arg, void *results,
               size_t result_size, int *status)
{
    if (procs < 1)
        procs = 1;
    child_t *kids = calloc((size_t)procs, sizeof *kids);
    if (!kids)
        return nc_err_set(NC_ERR_NOMEM, "parallel jobs: out of memory");
    size_t next = 0, done = 0;
    int first = NC_OK;
    char first_msg[700] = "";
    while (done < n) {
        for (int k = 0; k < procs && next < n; k++)
            if (kids[k].pid == 0 && spawn(&kids[k], next, arg, fn, result_size) == NC_OK)
                next++;
        for (int k = 0; k < procs; k++) {
            if (kids[k].pid == 0)
                continue;
            int ws;
            pid_t r = waitpid(kids[k].pid, &ws, WNOHANG);
            char msg[600] = "";
            if (r == 0 && nc_now_s() - kids[k].start > wall_s) {
                kill(kids[k].pid, SIGKILL);
                waitpid(kids[k].pid, &ws, 0);
                close(kids[k].fd);
                status[kids[k].job] = NC_ERR_TIMEOUT;
                snprintf(msg, sizeof msg, "killed after the wall-clock bound of %.0f s", wall_s);
            } else if (r == kids[k].pid) {
                collect(&kids[k], results, result_size, status, msg, sizeof msg);
            } else {
                continue;
            }
            if (status[kids[k].job] != NC_OK && first == NC_OK) {
                first = status[kids[k].job];
                snprintf(first_msg, sizeof first_msg, "parallel job %zu: %s", kids[k].job, msg);
            }
            kids[k].pid = 0;
            done++;
        }
        sleep_ms(5);
    }
    free(kids);
    return first == NC_OK ? NC_OK : nc_err_set(first, "%s", first_msg);
}
