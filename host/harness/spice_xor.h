/*
 * spice_xor.h - the deep XOR network (circuits/networks/xor.cir) in ngspice, and the SPICE
 * characterisation runs the rate model (host/models/sfq_rate.h) is fitted from.
 *
 * Rate coding: an input is low (one pulse per NC_XOR_PER_LOW) or high (NC_XOR_PER_HIGH).
 * A run lasts NC_XOR_TSTOP; rates are counted in [NC_XOR_TFROM, NC_XOR_TSTOP) after the
 * integrators have settled. The output class is 1 when the output rate exceeds
 * NC_XOR_THRESHOLD.
 */
#ifndef NC_SPICE_XOR_H
#define NC_SPICE_XOR_H

#include <stdint.h>
#include <stdio.h>

#include "sfq_rate.h"
#include "spice_wave.h"

#define NC_XOR_PER_LOW 100e-12
#define NC_XOR_PER_HIGH 25e-12
#define NC_XOR_TSTOP 5.04e-9
#define NC_XOR_TFROM 1.04e-9
#define NC_XOR_THRESHOLD 0.75e9 /* 3 pulses in the 4 ns window: class 1 needs 4 or more */
#define NC_XOR_MODEL "networks/xor_model.txt" /* the committed rate model, under circuits/ */
#define NC_XOR_JUNCTIONS 70 /* junctions in xor.cir (cells x their junction counts) */
/* Noise of the synapses' decision pairs: 4.2 K (liquid helium) Johnson noise of the shunt of
 * a 100 uA, beta_c = 1 junction (sqrt(Phi0/(2 pi Ic^2 C)) with C = 70 fF). */
#define NC_SYN_TNOISE 4.2
#define NC_SYN_RSHUNT 6.857

/* Bias scales of a run: `supply` scales every cell's bias ('bias' in the netlists), `weights`
 * the weight biases (synapse isyn, neuron ith: 'wbias'). One common bias line: both equal. */
typedef struct nc_bias {
    double supply, weights;
} nc_bias_t;
#define NC_BIAS_NOMINAL ((nc_bias_t){1.0, 1.0})

/* The signals of the network's waveform, labelled by role in signal-flow order: in_a in_b
 * in_na in_nb (inputs, fluxons and antifluxons), syn_a syn_b syn_na syn_nb (synapses: a pulse
 * passed), h1 h2 (hidden neurons firing), out_fire, out. */
extern const nc_wave_probe_t nc_xor_probes[];
extern const size_t nc_xor_nprobes;

/* Runs the network for inputs a, b (0 = low, 1 = high) with noise seed `seed` at bias scales
 * `bias`; fills every measured rate. wave_path: FST of the probes above, or NULL. */
int nc_xor_run(int a, int b, uint64_t seed, nc_bias_t bias, const char *wave_path,
               sfq_xor_rates_t *out, double *wall_s);

/* As nc_xor_run, with any input periods (s). */
int nc_xor_run_per(double pera, double perb, uint64_t seed, nc_bias_t bias,
                   const char *wave_path, sfq_xor_rates_t *out, double *wall_s);

/* Fits the rate model from characterisation runs: the synapse probit over `seeds` noise seeds
 * and 5 weight biases (tb_syn), then the neuron stages (nc_xor_fit_stages, 2 seeds). Takes a
 * few minutes (parallel child processes). */
int nc_xor_fit(int seeds, sfq_xor_model_t *m, FILE *log);

/* The synapses' weights as the network netlist sets them (networks/xor.cir and its
 * xor_net.inc: wa1 = wb1 into h1, wa2 = wb2 into h2), read from the netlist itself: the one
 * source of the rate model's w_exc and w_inh. NC_ERR_PARSE if a weight is missing, not a
 * literal, or A's and B's differ (the model has one weight per hidden neuron). */
int nc_xor_weights(double *w_exc, double *w_inh);

/* The committed rate model's path (NC_XOR_MODEL in the circuits directory), NULL (message
 * set) when no circuits directory is found; and the model read from it. */
const char *nc_xor_model_path(void);
int nc_xor_model_load(sfq_xor_model_t *m);

/* Fits h1, h2 and out (m->syn, w_exc, w_inh, tau_merge already set) from network runs over
 * input rates {10, 25, 40} GHz for A and B, `net_seeds` seeds each (seeds no test uses); each
 * run's rates are printed to `log` when not NULL: h1 and h2 against the model's merged synapse rate p * (ra + rb), out against
 * the model's h1 and h2 (see sfq_rate.h). */
int nc_xor_fit_stages(int net_seeds, sfq_xor_model_t *m, FILE *log);

/* ---- misclassification rate over noise seeds ---- */

/* Wilson score interval of k events in n trials (0 <= k <= n, n >= 1) at normal quantile z
 * (1.96: 95%): with p = k/n,
 *   centre = (k + z^2/2) / (n + z^2),  half = z / (n + z^2) * sqrt(k (n - k) / n + z^2 / 4),
 *   [lo, hi] = [centre - half, centre + half], clamped to [0, 1] (k = 0 gives lo = 0 exactly,
 *   k = n gives hi = 1). Returns NC_ERR_ARG (message names k, n, z) on bad arguments. */
int nc_wilson(long k, long n, double z, double *lo, double *hi);

#define NC_XOR_ERR_LIST 16 /* misclassified runs kept (input, seed, output) for reproduction */

/* Counts of an error-rate sweep; input index i = 2a + b (00 01 10 11). A run whose simulation
 * failed (error, timeout, crash) counts as an error and is also counted in `failed`. */
typedef struct nc_xor_err {
    long runs[4], errors[4], failed[4];
    size_t nlist; /* misclassified runs kept (at most NC_XOR_ERR_LIST) */
    struct {
        int input;
        uint64_t seed;
        double out; /* output rate (Hz), NAN when the simulation failed */
    } list[NC_XOR_ERR_LIST];
    double wall_s;
} nc_xor_err_t;

/* Adds one run of input i (0..3) with noise seed `seed`: `status` 0 and output rate `out`
 * (class 1 above NC_XOR_THRESHOLD), or a failed simulation (status != 0). */
void nc_xor_err_add(nc_xor_err_t *e, int i, uint64_t seed, int status, double out);

/* Totals over the four inputs. */
long nc_xor_err_runs(const nc_xor_err_t *e);
long nc_xor_err_errors(const nc_xor_err_t *e);

/* Runs every input under `seeds` noise seeds seed0 .. seed0 + seeds - 1 (the same seeds for
 * each input) at bias scales `bias`: 4 x seeds network runs as a parallel sweep, `procs` child
 * processes at once, each bounded to `wall_s`; `what`: progress label (NULL: none). Fills e
 * (wall_s: the sweep's wall time). Simulation failures are counted, not returned; returns
 * NC_ERR_ARG / NC_ERR_NOMEM / NC_ERR_IO (interrupted) only. */
int nc_xor_error_rate(int seeds, uint64_t seed0, nc_bias_t bias, int procs, double wall_s,
                      const char *what, nc_xor_err_t *e);

/* Prints the sweep's table: per input and overall, errors / runs, rate, 95% Wilson interval;
 * the misclassified runs kept (input, seed, output rate); the wall time. */
void nc_xor_err_print(FILE *f, const nc_xor_err_t *e);

/* Pass probability of one synapse measured in tb_syn over `pulses` input pulses. */
int nc_syn_measure(double isyn, uint64_t seed, int pulses, double *passes, double *trials);

#endif
