/*
 * spice_par.h - parallel simulations as child processes (libngspice allows one instance per
 * process). Job i runs fn(i, arg, result) in a forked child, which sends its fixed-size result
 * back through a pipe; at most `procs` children run at once.
 *
 * Bounds and lifetime (no job outlives its bound or its parent):
 *  - a child that runs longer than `wall_s` is killed (its process group, SIGKILL) and its
 *    job reported as timed out, naming the job; every wait of the parent has a deadline;
 *  - the bound also lives in the child: a timer of its own kills it (SIGKILL) shortly after
 *    `wall_s` even when the parent cannot (stopped, hung), and RLIMIT_CPU backs that up;
 *  - each child leads a process group of its own and asks the kernel to kill it when its
 *    parent dies (PR_SET_PDEATHSIG, SIGKILL; checked against the race with getppid()), so a
 *    parent killed with SIGKILL leaves no child behind;
 *  - while jobs run, SIGINT, SIGTERM and SIGHUP of the parent (when not ignored) are forwarded
 *    to every child's group; the parent then reaps the children (at most 2 s, then SIGKILL)
 *    and dies of the same signal (the conventional status: 128 + signal in a shell). When the
 *    caller had a handler of its own for the signal, it is restored and run instead, and
 *    nc_par_run returns NC_ERR_IO ("interrupted").
 * The death signal is tied to the calling thread: call nc_par_run from a thread that outlives
 * the run (the main thread in the CLI). Not reentrant (one run at a time per process).
 */
#ifndef NC_SPICE_PAR_H
#define NC_SPICE_PAR_H

#include <stddef.h>

/* fn returns 0 on success; result points to result_size bytes to fill. */
typedef int (*nc_par_fn)(size_t i, void *arg, void *result);

/* How a run is carried out. */
typedef struct nc_par_cfg {
    int procs;        /* children at once (clamped to 1..NC_PAR_MAX_PROCS)               */
    double wall_s;    /* wall-clock bound of each job (s, > 0)                            */
    const char *what; /* progress label ("spice xor: inputs"), NULL for no progress line   */
    /* names job i in messages ("cell jtl"); NULL: "job i" */
    void (*name)(size_t i, const void *arg, char *buf, size_t cap);
} nc_par_cfg_t;

#define NC_PAR_MAX_PROCS 64
/* Extra time the child's own timer allows past wall_s before it kills the child. */
#define NC_PAR_CHILD_GRACE_S 2.0

/* Runs jobs 0..n-1. results: n * result_size bytes. status[i]: 0 ok, else a negative
 * nc_status (the job's, or NC_ERR_TIMEOUT / NC_ERR_SIM for a killed or crashed child).
 * Returns NC_OK if every job succeeded, else the first failure (message names the job).
 * Progress (nc_progress, done/total jobs) when cfg->what is set. */
int nc_par_run_cfg(const nc_par_cfg_t *cfg, size_t n, nc_par_fn fn, void *arg, void *results,
                   size_t result_size, int *status);

/* The same without progress or job names. */
int nc_par_run(size_t n, int procs, double wall_s, nc_par_fn fn, void *arg, void *results,
               size_t result_size, int *status);

/* Number of online CPUs (at least 1). */
int nc_par_cpus(void);

#endif
