/*
 * spice_sync.h - libngspice in lockstep with a digital simulator: the analog side of a
 * mixed-signal co-simulation (ngSpice_Init_Sync: GetSyncData, GetISRCData).
 *
 * The caller is the digital side (for example the SystemC platform, nc_platform.h). It owns
 * simulated time; the analog transient runs in ngspice's background thread and never runs
 * ahead of the time the caller allows (conservative lockstep):
 *
 *   nc_spice_sync_start()   loads the netlist (the rules of spice.h: validated deck, includes
 *                           inside circuits/, every run from zero phases) and starts the
 *                           transient, which stands at t = 0 until it is allowed to run.
 *   nc_spice_sync_drive()   digital -> analog: from time t on, the `external` current source
 *                           named drives[i] carries `value` amperes. t must not lie before the
 *                           analog time (NC_ERR_ARG: the analog side cannot go back); ngspice
 *                           lands a time point exactly on t, so the change takes effect at the
 *                           exact simulated time of the digital event: the point at t still
 *                           carries the old value (the left limit), every later point the new
 *                           one, and the first step after t is at most 0.01 tmax (ngspice
 *                           integrates a source linearly between points: the step response
 *                           then lags a PWL step at t by at most 0.005 tmax). Drives must be
 *                           top-level `I<name> n+ n- external` sources (checked at start).
 *   nc_spice_sync_advance() lets the transient run up to t_until (a time point lands exactly
 *                           on it; ngspice's step is shortened through GetSyncData, never
 *                           lengthened) and returns, in time order, the 2*pi phase slips of
 *                           the watched junctions that happened on the way: analog -> digital
 *                           events, each at its time interpolated linearly between the two
 *                           accepted time points around the crossing of (2k+1)*pi. A slip at
 *                           time t is reported by the advance whose interval contains t, so
 *                           the caller never moves past a time that could still produce an
 *                           earlier event. When more slips occur than `cap`, the advance
 *                           returns early (nc_spice_sync_time() < t_until, *n == cap) and the
 *                           caller simply calls again: nothing is lost. (The thread then
 *                           stands at the first accepted point after the slip that filled
 *                           the buffer, nc_spice_sync_time(); drives may be scheduled from
 *                           that time on. When that point is t_until itself, the time is
 *                           t_until and slips may still wait: the rule is "*n == cap: call
 *                           again with the same t_until", until *n < cap.) A slip is
 *                           any crossing, without hysteresis: a junction that nearly switches
 *                           gives a +1 and a -1 slip (its net count is exact).
 *   nc_spice_sync_stop()    ends the transient (halted if mid-run) and joins ngspice's
 *                           thread; the run's vectors stay readable (nc_spice_vec, spice_wave.h)
 *                           up to the time reached.
 *
 * Sources: every `external` current source of the netlist not named in `drives` is the
 * harness's seeded Johnson noise (nc_spice_noise/nc_spice_seed), as in a SPICE-only run; a
 * driven source is 0 A until its first drive. Probes are phase nodes ("xo.p2"), named in
 * events by their index.
 *
 * Time: analog time is ngspice's, in seconds from the start of the transient; the caller maps
 * it onto its own axis (the platform starts the transient at a digital event and adds that
 * offset). Advances must not go backwards, nor past tran.tstop. Points land bit-exactly on
 * every advance and drive time inside the transient; at tstop ngspice ends up to 1.1 of its
 * minimum step short (its own rule), which counts as tstop reached.
 *
 * Failures (all bounded, all leave no thread behind once nc_spice_sync_stop() returns, which
 * every failure path of the caller must call): ngspice failing mid-run (non-convergence,
 * "timestep too small", a fatal error) makes the pending or next advance return NC_ERR_SIM
 * with a message naming the netlist, the analog time reached and ngspice's own words; the
 * wall-clock bound tran.wall_s of the whole run gives NC_ERR_TIMEOUT (the transient is
 * halted); a netlist the reader or ngspice refuses fails nc_spice_sync_start (NC_ERR_PARSE,
 * NC_ERR_IO) with no thread started. One transient at a time (one ngspice per process); no
 * nc_spice_load/run while it is active. Errors are sticky until stop; after stop a new start
 * works in the same process. Misuse (stop without start or twice, advance or drive without
 * start, a drive index out of range) returns NC_ERR_ARG / NC_ERR_RANGE with a message.
 * docs/mixed_signal.md ("The analog engine") has the protocol, exactness and figures.
 */
#ifndef NC_SPICE_SYNC_H
#define NC_SPICE_SYNC_H

#include <stddef.h>
#include <stdint.h>

#include "spice.h"

typedef struct nc_spice_sync_cfg {
    const char *netlist;             /* under circuits/, as for nc_spice_load          */
    const nc_spice_param_t *params;  /* top-level .param overrides                     */
    size_t nparams;
    nc_spice_tran_t tran;            /* tstop: the analog span; wall_s: whole-run bound */
    const char *const *drives;       /* `external` current sources the caller drives   */
    size_t ndrives;
    const char *const *probes;       /* phase nodes watched for 2*pi slips              */
    size_t nprobes;
    const char *text;                /* optional: the netlist as text (nc_spice_load_text
                                        rules), `netlist` then only names it in messages */
} nc_spice_sync_cfg_t;

typedef struct nc_spice_slip {
    double t;       /* analog time of the slip (s), interpolated */
    uint32_t probe; /* index into cfg.probes                     */
    int32_t dir;    /* +1 a fluxon (phase up by 2*pi), -1 an antifluxon */
} nc_spice_slip_t;

typedef struct nc_spice_sync_stats {
    uint64_t points;   /* accepted time points                          */
    uint64_t advances; /* nc_spice_sync_advance calls                   */
    uint64_t cut;      /* steps shortened to land on an advance or drive */
    double wall_s;     /* wall time since start                          */
} nc_spice_sync_stats_t;

int nc_spice_sync_start(const nc_spice_sync_cfg_t *cfg);
int nc_spice_sync_drive(uint32_t drive, double t, double value);
int nc_spice_sync_advance(double t_until, nc_spice_slip_t *slips, size_t cap, size_t *n);
double nc_spice_sync_time(void);
int nc_spice_sync_stop(void);
void nc_spice_sync_get_stats(nc_spice_sync_stats_t *st);

#endif
