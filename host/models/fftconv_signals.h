/*
 * fftconv_signals.h - the input and kernel families the fftconv tests, benchmarks and the CLI's
 * validation use. All are Q1.15 words and depend only on their seed.
 */
#ifndef FFTCONV_SIGNALS_H
#define FFTCONV_SIGNALS_H

#include <stddef.h>
#include <stdint.h>

#include "nc_util.h"

enum fftconv_sig {
    FFTCONV_SIG_NOISE,     /* white, uniform in [-0.5, 0.5): -6 dBFS peak                   */
    FFTCONV_SIG_IMPULSE,   /* full-scale impulse at a random position                        */
    FFTCONV_SIG_FULL_POS,  /* every sample +32767                                            */
    FFTCONV_SIG_FULL_NEG,  /* every sample -32768                                            */
    FFTCONV_SIG_ALTERNATE, /* +32767, -32768, +32767, ...                                    */
    FFTCONV_SIG_ZERO,      /* all zero                                                       */
    FFTCONV_SIG_COUNT
};

const char *fftconv_sig_name(enum fftconv_sig s);

void fftconv_make_input(enum fftconv_sig s, nc_rng_t *r, int16_t *u, size_t l);

/* A random decaying kernel of lk taps: gaussian taps times exp(-j / (lk/8)), scaled so that
 * the peak gain of its 2lk-point spectrum is `gain` (1.0: unit gain), then rounded to Q1.15. */
int fftconv_make_kernel(nc_rng_t *r, size_t lk, double gain, int16_t *k);

#endif
