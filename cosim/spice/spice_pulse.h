/*
 * spice_pulse.h - SFQ pulses found as 2*pi phase slips of a junction's phase trace.
 *
 * A junction that switches advances its phase by exactly 2*pi; counting slips is robust where
 * voltage thresholds are not. A slip up is counted when the phase passes (2m+1)*pi going up
 * and then reaches (2m+1)*pi + NC_SLIP_HYST without falling back below (2m+1)*pi - NC_SLIP_HYST
 * first (m: the number of slips so far); its time is the interpolated crossing of (2m+1)*pi.
 * Slips down (antifluxons) are counted the same way with the sign reversed and reported with
 * negative direction.
 */
#ifndef NC_SPICE_PULSE_H
#define NC_SPICE_PULSE_H

#include <stddef.h>

#define NC_SLIP_HYST 0.5 /* radians */

typedef struct nc_slips {
    double *t;   /* slip times (s), ascending                      */
    int *dir;    /* +1 or -1 for each slip                          */
    size_t n;    /* number of slips                                 */
    int net;     /* slips up minus slips down                       */
} nc_slips_t;

/* Finds the slips of phase[] (radians) sampled at t[] (n points). Returns 0 or a negative
 * nc_status (bad arguments, out of memory). Free with nc_slips_free(). */
int nc_slips_find(const double *t, const double *phase, size_t n, nc_slips_t *out);
void nc_slips_free(nc_slips_t *s);

/* The slips of phase vector `vec` (e.g. "xdut.p3") of the last ngspice run (spice.h), on
 * its time axis. Errors name the vector. Free with nc_slips_free(). */
int nc_spice_slips(const char *vec, nc_slips_t *out);

/* Number of slips up with t0 <= time < t1. */
size_t nc_slips_count(const nc_slips_t *s, double t0, double t1);

/* Time of the first slip up at or after t0, or -1 if none. */
double nc_slips_first_after(const nc_slips_t *s, double t0);

/* Voltage area: trapezoidal integral of v over [t0, t1] (V*s). */
double nc_integrate(const double *t, const double *v, size_t n, double t0, double t1);

/* Linear interpolation of y(t) at time x (clamped to the ends). */
double nc_interp(const double *t, const double *y, size_t n, double x);

#endif
