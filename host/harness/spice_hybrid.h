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

#endif
