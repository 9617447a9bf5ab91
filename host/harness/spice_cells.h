/*
 * spice_cells.h - runs the cell testbenches of circuits/cells/ in ngspice and checks each
 * against the timed pulse-transfer model (host/models/sfq_cells.h): the pulses measured at
 * the cell's inputs (as 2*pi phase slips) go through the model, and the pulses measured at
 * its outputs must match the prediction in count and, within the cell's documented delay
 * band, in time.
 *
 * The stochastic synapse is checked for its logic with the noise off: a synapse with a high
 * weight passes every pulse (with the in->pass delay), one with a low weight absorbs every
 * pulse in its escape junction. The neurons are threshold elements: a testbench drives each
 * through phases (sub-threshold, supra-threshold, silent; for the two-input neuron excitation
 * alone, then with inhibition) and the check is whether it fires only where it should.
 *
 * Margins: the lowest and highest global bias scale at which the cell still works (its logic
 * is right and every pulse within NC_CELL_LOGIC_TOL of the model's time: the delay may leave
 * its nominal band as the bias moves, but no pulse may be lost, doubled or late by a whole
 * cell), found by a scan from 1.0 outwards in steps of 0.1 and a bisection to `resolution`.
 */
#ifndef NC_SPICE_CELLS_H
#define NC_SPICE_CELLS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfq_cells.h"
#include "spice.h"
#include "spice_pulse.h"
#include "spice_wave.h"

#define NC_CELL_LOGIC_TOL 5e-12
/* osc: the rate may leave the model by this fraction before the cell counts as not working
 * (its margins): ~1 uA of DAC current per 1% of bias (docs/sfq_interface.md). */
#define NC_OSC_LOGIC_TOL 0.10
#define NC_SFQDC_MIN_STEP 34e-6 /* A: half the loop current of one stored quantum (68 uA) */

typedef struct nc_cell_desc {
    const char *name;           /* jtl, dcsfq, spl, mrg, dff, sfqdc, tff, osc, syn, neuron1,
                                   neuron */
    const char *testbench;      /* relative to circuits/                           */
    const sfq_timing_t *timing; /* the delay the model uses and its band; NULL for the
                                   neurons (threshold elements: checked by phases)  */
    int junctions;              /* junctions in the cell                            */
    const char *what;
    size_t stimulus;            /* pulses the testbench's sources send into the cell */
    double tstop;               /* length of the testbench run (s)                  */
} nc_cell_desc_t;

extern const nc_cell_desc_t nc_cells[];
extern const size_t nc_cells_count;

const nc_cell_desc_t *nc_cell_find(const char *name);

typedef struct nc_cell_result {
    bool ok;              /* logic and timing (delay band) agree with the model */
    bool logic_ok;        /* logic agrees, timing within NC_CELL_LOGIC_TOL      */
    size_t n_in, n_out;   /* pulses in (all inputs), out (all outputs)     */
    double delay_s;       /* mean measured delay of the cell's timed path  */
    double delay_min_s, delay_max_s;
    double wall_s;        /* simulation wall time                          */
    double level_hi, level_lo; /* sfqdc: lowest 'full' and highest 'empty' DC level (A) */
    double set_spread_s, reset_spread_s; /* sfqdc: max - min delay of each path         */
    double set_s, reset_s; /* sfqdc: mean delay of the set and of the reset path  */
    size_t fires[3];      /* neurons: firings in the testbench's three phases (see the
                             tb_neuron*.cir headers: below / above threshold / after;
                             neuron: excited / excited + inhibited / after)       */
    double bias_ratio;    /* worst junction bias ratio: max over the cell's junctions of
                             |sin(phase)| = supercurrent / Ic, at rest before the first
                             pulse (NC_CELL_T_REST); syn: the instance biased to pass */
    int worst_junction;   /* which (1-based, X<k> of the cell in sfq.lib order p<k>) */
    char why[256];        /* what disagreed, when !ok                      */
} nc_cell_result_t;

#define NC_CELL_T_REST 35e-12 /* biases ramped by 20 ps (tramp), first pulse at 40 ps */

/* Simulates the cell's testbench at global bias scale `bias` and checks it. Returns NC_OK
 * when the simulation ran (r->ok tells whether the cell worked), or a negative status when
 * the simulation itself failed. `wave_path`: when not NULL, writes the testbench's probes
 * (nc_cell_probes) as an FST file there. */
int nc_cell_run(const nc_cell_desc_t *cell, double bias, const char *wave_path,
                nc_cell_result_t *r);

/* The waveform signals of the cell's testbench, labelled by role in signal-flow order. */
const nc_wave_probe_t *nc_cell_probes(const nc_cell_desc_t *cell, size_t *n);

/* Bias margins of the cell: [*lo, *hi] with the given resolution (e.g. 0.01). */
int nc_cell_margins(const nc_cell_desc_t *cell, double resolution, double *lo, double *hi);

/* Thermal noise in the cell runs (spice margins --noise): on = true gives every junction the
 * Johnson noise of its shunt at temp_k (jj.lib jjnoise = 1; the harness's seeded sources of
 * a NC_CELL_RNOISE shunt, sampled every NC_CELL_NOISE_DT, scaled per junction in jj.lib), and
 * a bias point passes the margin search only if `runs` runs of the testbench (seeds seed,
 * seed + 1, ...; each run sends the testbench's stimulus pulses) all work. Off by default.
 * Per process (each margin job runs in its own child). */
#define NC_CELL_RNOISE 6.857
#define NC_CELL_NOISE_DT 0.1e-12
int nc_cell_noise(bool on, double temp_k, uint64_t seed, int runs);
/* Testbench runs of the margin searches since nc_cell_noise(), and how many failed. */
void nc_cell_noise_counts(size_t *tried, size_t *failed);

/* Overrides of global parameters for every cell run from now on (spice cells / margins
 * --param), e.g. rfeed = 1 (resistive bias feeds, lib/bfeed.lib) or jjqp = 1 (the subgap
 * branch): at most NC_CELL_MAX_PARAMS, names copied; not 'bias' or 'jjnoise', which the bias
 * argument and nc_cell_noise() set (NC_ERR_ARG). n = 0 clears them. Per process. */
#define NC_CELL_MAX_PARAMS 8
int nc_cell_params(const nc_spice_param_t *p, size_t n);

/* The margins of nc_cells[i] as an nc_par_run job (spice_par.h): arg points to the resolution
 * (double), result to an nc_margin_t. */
typedef struct nc_margin {
    double lo, hi;
} nc_margin_t;
int nc_cell_margin_job(size_t i, void *arg, void *result);

/* ---- the speed study's JTL runs (docs/sfq_speed.md, bench_spice) ----
 * cells/tb_jtl16.cir or tb_jtl64.cir (stages 16 or 64) to tstop, with the current junction
 * model at NC_SPICE_TMAX or, ref = true, the reference model (jj.lib jjref = 1) at
 * NC_SPICE_TMAX_REF. Keeps the slips of every JTL junction (xj<k>.p1, xj<k>.p2, in order). */
typedef struct nc_jtl_run {
    size_t stages, junctions; /* junctions: 2 per stage + 3 in the DC/SFQ source */
    size_t points;            /* time points ngspice took */
    double wall_s, sim_s;
    nc_slips_t *slips;        /* 2 * stages */
} nc_jtl_run_t;
int nc_jtl_run(size_t stages, bool ref, double tstop, nc_jtl_run_t *out);
void nc_jtl_run_free(nc_jtl_run_t *r);

/* Worst |switching time difference| over every junction's slips of two runs of the same
 * length; fails (NC_ERR_SIM, naming the junction) if a junction switched a different number
 * of times. *n: switchings compared. */
int nc_jtl_compare(const nc_jtl_run_t *a, const nc_jtl_run_t *b, double *worst_s, size_t *n);

#endif
