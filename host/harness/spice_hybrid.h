/*
 * spice_hybrid.h - the analog half of the hybrid system of issue 10, in ngspice alone (no
 * lockstep): the SFQ pulse generators `osc` whose rates DAC currents set, and the hybrid XOR
 * netlist circuits/networks/xor_hybrid.cir (the XOR network of xor.cir fed by four
 * generators, its output divided by two T flip-flops into the SFQ/DC converter the digital
 * side samples). docs/sfq_interface.md has the numbers.
 */
#ifndef NC_SPICE_HYBRID_H
#define NC_SPICE_HYBRID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sfq_osc.h"
#include "sfq_rate.h"
#include "spice_wave.h"
#include "spice_xor.h"

/* ---- the generators alone (circuits/cells/tb_osc.cir) ---- */
#define NC_OSC_TSTOP 2.5e-9  /* length of a testbench run                              */
#define NC_OSC_TFROM 0.5e-9  /* rates from here on (the Rv-Lv loop settles in ~0.3 ns) */

typedef struct nc_osc_meas {
    double rate;        /* Hz: (slips - 1) / (last - first) of the buffer X3 in the window */
    size_t gen, buf, load; /* slips of the generator X1, the buffer X3, the load, whole run,
                              in the cell's direction                                      */
    size_t wrong;       /* slips against the direction (any junction of the chain)          */
} nc_osc_meas_t;

/* The testbench's default currents: DAC codes 170 and 240 of an 8-bit DAC with a 1 uA LSB,
 * 10 and 40 GHz by the model (sfq_osc_nominal; measured 9.90 and 40.13 GHz). */
#define NC_OSC_I_LOW 170e-6
#define NC_OSC_I_HIGH 240e-6

/* Measures the three generators of the tb_osc.cir run just made (m[0] xlo, m[1] xdut, m[2]
 * xneg). */
int nc_osc_analyse(nc_osc_meas_t m[3]);

/* Runs tb_osc.cir with the three currents (A; lo and hi positive, neg negative) at global bias
 * `bias` and measures the three generators: m[0] xlo, m[1] xdut, m[2] xneg. */
int nc_osc_measure(double ilo, double ihi, double ineg, double bias, nc_osc_meas_t m[3]);

/* ---- the hybrid XOR netlist (circuits/networks/xor_hybrid.cir) ----
 * Inputs: the DAC currents of A and B (uA); the antifluxon generators get the negated
 * current of the same code. 8-bit DAC, 1 uA LSB: 0..255 uA; low = 170, high = 240. The run
 * lasts NC_XOR_TSTOP with xor.cir's noise (4.2 K on the synapses' decision pairs, seeded) and
 * step; rates and classes are counted in xor.cir's window [NC_XOR_TFROM, NC_XOR_TSTOP). */
#define NC_HYBRID_NETLIST "networks/xor_hybrid.cir"
#define NC_HYBRID_DAC_MAX_UA 255.0
#define NC_HYBRID_DAC_LOW_UA 170.0
#define NC_HYBRID_DAC_HIGH_UA 240.0
#define NC_HYBRID_WATCH "xt2.p6" /* the divider's output junction: the node the digital side
                                    watches (each slip toggles the SFQ/DC level) */
#define NC_HYBRID_DIVIDE 4       /* output pulses per level change (two T flip-flops) */
#define NC_HYBRID_WALL_S 600.0   /* wall-clock bound of one run */

typedef struct nc_hybrid_result {
    sfq_xor_rates_t r;     /* a, b: the fluxon inputs after retiming (xja.p2, xjb.p2); m1, m2,
                              h1, h2, out as in nc_xor_run (Hz, absolute, in the window) */
    double an, bn;         /* the antifluxon inputs (xjan.p2, xjbn.p2)                      */
    double gen[4];         /* the generators a, an, b, bn: mean period of their buffers' slips
                              after NC_OSC_TFROM (Hz)                                       */
    double clk;            /* the slot clock (fluxon side), the same way                     */
    size_t out_pulses;     /* output pulses (xjo.p2) in the window                          */
    size_t watch_slips;    /* slips of NC_HYBRID_WATCH in the window                        */
    size_t level_changes;  /* SFQ/DC set (xdc.p3) + reset (xdc.p4) slips in the window       */
    size_t level_pred;     /* the level changes in the window that the divider model predicts
                              from the run's output pulses (sfq_tff twice, sfq_toggle)     */
    size_t level_changes_run; /* ... over the whole run                                     */
    double min_hold_s;     /* shortest time between two level changes over the run (INFINITY
                              with fewer than two)                                         */
    int level_end;         /* SFQ/DC level at the end (1: a quantum stored, high)            */
    size_t wrong_dir;      /* slips against their path's direction at the probes (must be 0) */
    int cls;               /* the XOR's class: out > NC_XOR_THRESHOLD                        */
    double wall_s;         /* ngspice wall time of the run                                   */
} nc_hybrid_result_t;

/* The waveform's signals in signal-flow order: DAC-driven generators, retimed inputs,
 * synapses, mergers, hidden neurons, output, dividers, SFQ/DC set/reset and its DC level. */
extern const nc_wave_probe_t nc_hybrid_probes[];
extern const size_t nc_hybrid_nprobes;

/* Sets the four DAC sources of xor_hybrid.cir as constants for SPICE-only runs: Idac_a = ia,
 * Idac_an = -ia, Idac_b = ib, Idac_bn = -ib (A). */
int nc_hybrid_set_dac(double ia, double ib);

/* Runs xor_hybrid.cir with DAC currents dac_a_uA, dac_b_uA (0..NC_HYBRID_DAC_MAX_UA) and noise
 * seed `seed` (sets the four Idac sources with nc_spice_source_set); wave_path: an FST of
 * nc_hybrid_probes, or NULL. Fails with NC_ERR_ARG for a current outside the DAC's range. */
int nc_hybrid_run(double dac_a_uA, double dac_b_uA, uint64_t seed, const char *wave_path,
                  nc_hybrid_result_t *r);

/* Runs n hybrid runs in parallel child processes (spice_par.h; at most `procs` at once, each
 * bounded by NC_HYBRID_WALL_S): run i with dac[i][0], dac[i][1] and seeds[i]. status[i] as in
 * nc_par_run_cfg. */
int nc_hybrid_run_par(size_t n, const double (*dac)[2], const uint64_t *seeds, int procs,
                      nc_hybrid_result_t *res, int *status);

#endif
