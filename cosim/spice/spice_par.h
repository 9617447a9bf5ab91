/*
 * spice_par.h - parallel simulations as child processes (libngspice allows one instance per
 * process). Job i runs fn(i, arg, result) in a forked child, which sends its fixed-size result
 * back through a pipe; at most `procs` children run at once; a child that runs longer than
 * `wall_s` is killed and its job reported failed (never a hang).
 */
#ifndef NC_SPICE_PAR_H
#define NC_SPICE_PAR_H

#include <stddef.h>

/* fn returns 0 on success; result points to result_size bytes to fill. */
typedef int (*nc_par_fn)(size_t i, void *arg, void *result);

/* Runs jobs 0..n-1. results: n * result_size bytes. status[i]: 0 ok, else a negative
 * nc_status (the job's, or NC_ERR_TIMEOUT / NC_ERR_SIM for a killed or crashed child).
 * Returns NC_OK if every job succeeded, else the first failure (message names the job). */
int nc_par_run(size_t n, int procs, double wall_s, nc_par_fn fn, void *arg, void *results,
               size_t result_size, int *status);

/* Number of online CPUs (at least 1). */
int nc_par_cpus(void);

#endif
