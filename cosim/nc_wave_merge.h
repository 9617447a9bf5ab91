/*
 * nc_wave_merge.h - one waveform out of several engines' FSTs and signals recorded elsewhere
 * (for example the TLM transactions of the platform), on one time axis in picoseconds.
 *
 * Each input FST (a Verilated model's trace, the analog traces of an ngspice run) is copied
 * whole: its hierarchy (optionally inside a scope of its own), every variable (integer and
 * real) and every value change, with its time mapped linearly onto the output's picoseconds:
 *   t_ps = base_ps + (t_in - offset) * ps_per_unit      (changes before `offset` are dropped)
 * The extra signals go into their own top scope, integer-valued (width 1..64), from a list of
 * value changes sorted by time. All value changes are merged in time order; at equal times,
 * the inputs' in their order, then the extra signals'. The largest input (by file size) is
 * streamed; the other inputs' and the extra signals' changes are held in memory, at most
 * NC_WAVE_MERGE_MAX_CHANGES of them (more is refused, never cut). The output is written to a
 * temporary file and renamed.
 */
#ifndef NC_WAVE_MERGE_H
#define NC_WAVE_MERGE_H

#include <stddef.h>
#include <stdint.h>

#define NC_WAVE_MERGE_MAX_CHANGES 20000000u /* about 1 GB held at most */

typedef struct nc_wave_var {
    const char *name;
    unsigned width; /* 1..64 */
} nc_wave_var_t;

typedef struct nc_wave_ev {
    uint64_t t_ps;
    uint32_t var;   /* index into vars */
    uint64_t value;
} nc_wave_ev_t;

typedef struct nc_wave_in {
    const char *fst;
    uint64_t offset;    /* input time of output base_ps                          */
    double ps_per_unit; /* picoseconds per input time unit                       */
    uint64_t base_ps;   /* output time of input time `offset`                    */
    const char *scope;  /* the input's hierarchy goes inside this scope (NULL: at top) */
} nc_wave_in_t;

int nc_wave_merge_n(const nc_wave_in_t *in, size_t nin, const char *scope,
                    const nc_wave_var_t *vars, size_t nvars, const nc_wave_ev_t *ev, size_t nev,
                    const char *out_fst);

/* One input at the top, t_ps = (t_in - in_offset) * in_ps_per_unit. */
int nc_wave_merge(const char *in_fst, uint64_t in_offset, double in_ps_per_unit,
                  const char *scope, const nc_wave_var_t *vars, size_t nvars,
                  const nc_wave_ev_t *ev, size_t nev, const char *out_fst);

#endif
