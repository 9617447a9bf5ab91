/*
 * nc_wave_merge.h - one waveform out of an engine's FST and signals recorded elsewhere (for
 * example the TLM transactions of the platform), on one time axis.
 *
 * The input FST (a Verilated model's trace) is copied whole: its hierarchy, every variable and
 * every value change, with its time mapped linearly onto the output's picoseconds:
 *   t_ps = (t_in - in_offset) * in_ps_per_unit      (changes before in_offset are dropped)
 * The extra signals go into their own top scope, integer-valued (width 1..64), from a list of
 * value changes sorted by time. The output is written to a temporary file and renamed.
 */
#ifndef NC_WAVE_MERGE_H
#define NC_WAVE_MERGE_H

#include <stddef.h>
#include <stdint.h>

typedef struct nc_wave_var {
    const char *name;
    unsigned width; /* 1..64 */
} nc_wave_var_t;

typedef struct nc_wave_ev {
    uint64_t t_ps;
    uint32_t var;   /* index into vars */
    uint64_t value;
} nc_wave_ev_t;

int nc_wave_merge(const char *in_fst, uint64_t in_offset, double in_ps_per_unit,
                  const char *scope, const nc_wave_var_t *vars, size_t nvars,
                  const nc_wave_ev_t *ev, size_t nev, const char *out_fst);

#endif
