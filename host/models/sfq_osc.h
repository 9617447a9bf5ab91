/*
 * sfq_osc.h - the rate model of the SFQ pulse generator `osc` (circuits/cells/sfq.lib): the
 * pulse rate as a function of the DC current that sets it (a DAC's output), and its inverse.
 *
 * The cell is a current-controlled oscillator: the current I flows through a 1 ohm resistor,
 * whose voltage a superconducting loop integrates; the generator junction slips once per flux
 * quantum, so f = <V> / Phi0 = (I - I_taken) * 1 ohm / Phi0, where I_taken, the current the
 * junctions draw, grows slowly with the rate. The model is the quadratic
 *     f(I) = c0 + c1 |I| + c2 |I|^2       for |I| in [i_lo, i_hi]
 * (least squares over a rate-vs-current sweep measured in ngspice: docs/sfq_interface.md),
 * the same for both polarities (pol = -1, a negative current: antifluxons at the same rate).
 * Outside [i_lo, i_hi] the model makes no claim: sfq_osc_rate() returns NAN there and
 * sfq_osc_current() refuses rates outside [f(i_lo), f(i_hi)].
 */
#ifndef NC_SFQ_OSC_H
#define NC_SFQ_OSC_H

#include <stddef.h>

typedef struct sfq_osc_model {
    double c0, c1, c2; /* Hz, Hz/A, Hz/A^2                                     */
    double i_lo, i_hi; /* A: the current range the fit covers (magnitudes)      */
    double rms;        /* Hz: residual RMS of the fit                           */
    double max_res;    /* Hz: largest |residual| of the fit                     */
} sfq_osc_model_t;

/* The model of the cell in sfq.lib at bias 1.0, fitted from the sweep in docs/sfq_interface.md
 * (tb_osc.cir; rate from the mean period of the buffer's slips after the start-up). */
extern const sfq_osc_model_t sfq_osc_nominal;

/* Tolerance of a measured rate against the model: the fit's largest residual plus 1%. */
double sfq_osc_tol(const sfq_osc_model_t *m, double f);

/* Rate (Hz) at current i (A, either sign; the magnitude counts). NAN outside [i_lo, i_hi]. */
double sfq_osc_rate(const sfq_osc_model_t *m, double i);

/* Current magnitude (A) for the rate f (Hz): the inverse of sfq_osc_rate on [i_lo, i_hi].
 * Fails (NC_ERR_ARG, naming the rate and the model's range) outside the fitted range. */
int sfq_osc_current(const sfq_osc_model_t *m, double f, double *i);

/* Least-squares fit of c0, c1, c2 to n >= 4 points (current magnitude i[k], rate f[k]); the
 * range is that of the points. The fitted curve must rise over the whole range (else
 * NC_ERR_ARG: the points do not describe a generator). */
int sfq_osc_fit(const double *i, const double *f, size_t n, sfq_osc_model_t *m);

#endif
