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
#define NC_XOR_JUNCTIONS 62
/* Noise of the synapses' decision pairs: 4.2 K (liquid helium) Johnson noise of the shunt of
 * a 100 uA, beta_c = 1 junction (sqrt(Phi0/(2 pi Ic^2 C)) with C = 70 fF). */
#define NC_SYN_TNOISE 4.2
#define NC_SYN_RSHUNT 6.857 /* junctions in xor.cir (cells x their junction counts) */

/* Bias scales of a run: `supply` scales every cell's bias ('bias' in the netlists), `weights`
 * the weight biases (synapse isyn, neuron ith: 'wbias'). One common bias line: both equal. */
typedef struct nc_bias {
    double supply, weights;
} nc_bias_t;
#define NC_BIAS_NOMINAL ((nc_bias_t){1.0, 1.0})

/* The signals of the network's waveform, labelled by role in signal-flow order: in_a in_b
 * in_na in_nb (inputs, fluxons and antifluxons), syn_a syn_b syn_na syn_nb (synapses: a pulse
 * passed), mrg_1 mrg_2, h1 h2 (hidden neurons firing), out_fire, out. */
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

/* Fits h1, h2 and out (m->syn, w_exc, w_inh, tau_merge already set) from network runs over
 * input rates {10, 25, 40} GHz for A and B, `net_seeds` seeds each (seeds no test uses); each
 * run's rates are printed to `log` when not NULL: h1 and h2 against the model's merged synapse rate p * (ra + rb), out against
 * the model's h1 and h2 (see sfq_rate.h). */
int nc_xor_fit_stages(int net_seeds, sfq_xor_model_t *m, FILE *log);

/* Pass probability of one synapse measured in tb_syn over `pulses` input pulses. */
int nc_syn_measure(double isyn, uint64_t seed, int pulses, double *passes, double *trials);

#endif
