/*
 * spice.h - a C harness over libngspice's shared-library API (in-process, no shell-out).
 *
 * Contract:
 *  - One ngspice instance per process (a libngspice limit). nc_spice_load() may be called
 *    again to replace the circuit; parallel simulations need separate processes (fork).
 *  - nc_spice_load() reads a netlist under the circuits directory (nc_spice_circuits_dir())
 *    through the validating reader of spice_deck.h (netlists are untrusted: an allow-list of
 *    cards, includes inlined by the harness and kept inside the circuits directory, bounded
 *    lines, files and deck; circuits/README.md), overrides the top-level `.param` assignments
 *    named in `params` (only that assignment; a name no top-level .param assigns is an error),
 *    and appends the transient card. ngspice never opens a file itself. Every run starts from
 *    zero phases (`uic`): sources in circuits/ ramp their biases up from zero.
 *  - nc_spice_run() runs the transient in ngspice's background thread and waits at most
 *    `wall_s` seconds; on time-out it halts the run and fails with NC_ERR_TIMEOUT.
 *  - Failures return a negative nc_status with nc_err_set() naming the netlist and the cause:
 *    NC_ERR_IO (netlist or include missing), NC_ERR_PARSE (malformed netlist, unknown
 *    parameter, missing model or subcircuit), NC_ERR_SIM (non-convergence, aborted run),
 *    NC_ERR_TIMEOUT. ngspice's own output is captured, never printed; nc_spice_log() returns
 *    its tail and the relevant lines are quoted in the error message.
 *  - Vectors are copied out (the caller frees them); names are node names ("p1", "v(p1)") or
 *    "time". Simulated time is in seconds, phases in radians, voltages in volts.
 */
#ifndef NC_SPICE_H
#define NC_SPICE_H

#include <stddef.h>
#include <stdint.h>

typedef struct nc_spice_param {
    const char *name;
    double value;
} nc_spice_param_t;

/* The transient: step hint, stop time, maximum internal step (accuracy: a step of
 * <= 0.2 ps keeps the SFQ pulse area within 0.2% of Phi0, test_spice_jj), and a wall-clock bound. */
typedef struct nc_spice_tran {
    double tstep, tstop, tmax, wall_s;
} nc_spice_tran_t;

/* Maximum steps (docs/sfq_speed.md). NC_SPICE_TMAX: the default of the cell runs; with the
 * noiseless junction (jj.lib, temp = 0) every switching time of a 64-stage JTL is within
 * 0.01 ps of the reference (0.0067 ps measured over 2.04 ns; 0.0099 at 0.035 ps, 0.024 at
 * 0.05 ps: trapezoidal integration's lag adds up stage after stage).
 * NC_SPICE_TMAX_REF: the step of the reference model (jj.lib's jjref = 1, the model before
 * issue 12: a noise-source time point every 0.1 ps at every junction). */
#define NC_SPICE_TMAX 0.03e-12
#define NC_SPICE_TMAX_REF 0.1e-12

/* Directory of the netlists: $NC_CIRCUITS, else ./circuits, else circuits/ found from the
 * executable's location upwards. NULL (with an error message) when none exists. */
const char *nc_spice_circuits_dir(void);

/* Initializes libngspice once per process (idempotent). */
int nc_spice_init(void);

/* Noise of the harness's sources: every `Iname a b external` current source of a netlist is
 * Johnson noise of a resistor r_ohm at temp_k, white up to 1/(2 dt): a Gaussian of rms
 * sqrt(4 k T / R / (2 dt)), constant over each dt, reproducible from the seed (ngspice 39's
 * own trnoise cannot be seeded). Default: no noise (rms 0) until this is called. */
int nc_spice_noise(double temp_k, double r_ohm, double dt);

/* Sets the `external` current source `name` (its instance name as ngspice reports it, e.g.
 * "idac_a" at top level; case-insensitive) to a constant `value` (A) instead of noise, for
 * this and later runs; nc_spice_source_clear() returns every source to noise. At most 32. */
int nc_spice_source_set(const char *name, double value);
void nc_spice_source_clear(void);

/* Seed of the noise sources (takes effect at once, for the next run). */
int nc_spice_seed(uint64_t seed);

/* The noise sample of source `source` at time t (standard normal; exposed for tests). */
double nc_spice_noise_sample(uint64_t seed, const char *source, double t, double dt);

/* Loads circuits/<rel_path> with parameter overrides and the transient settings. */
int nc_spice_load(const char *rel_path, const nc_spice_param_t *params, size_t nparams,
                  const nc_spice_tran_t *tran);

/* Loads a netlist given as text (for tests of malformed input); `name` names it in errors.
 * The same reader and rules; its includes are resolved in the circuits directory. */
int nc_spice_load_text(const char *name, const char *text, const nc_spice_tran_t *tran);

/* Runs the loaded transient with its wall-clock bound. */
int nc_spice_run(void);

/* Copies vector `name` of the last run into *out (malloc'ed, *n values). */
int nc_spice_vec(const char *name, double **out, size_t *n);

/* Wall-clock seconds the last run took. */
double nc_spice_last_wall_s(void);

/* Tail of ngspice's captured output (for diagnostics). */
const char *nc_spice_log(void);

/* The name of the loaded netlist (for messages). */
const char *nc_spice_netlist(void);

#endif
