/*
 * fftconv_ref.h - double-precision references of the FFT convolution (FFTW) and the kernel
 * spectrum the host loads into the accelerator.
 *
 * The mathematical operation, for L samples u, a kernel k of which the first Lk taps are used,
 * and skip weight D:
 *   dense / partial:   y[t] = sum_{j=0..min(t,Lk-1)} k[j] u[t-j] + D u[t]
 *   frequency-sparse:  the same overlap-save blocks of size M = 2 Lk, with the kernel's M-point
 *                      spectrum zeroed at every bin F <= f <= M-F (|f| >= F).
 * fftconv_ref_fftw() computes it with FFTW per block of Lk samples; fftconv_ref_direct() sums
 * the dense/partial definition directly (slow; for checking the FFTW path on small sizes).
 */
#ifndef FFTCONV_REF_H
#define FFTCONV_REF_H

#include <stddef.h>
#include <stdint.h>

/* u: L values, k: Lk values (kernel taps as reals), y: L values out. freq_bins 0 = dense. */
int fftconv_ref_fftw(const double *u, size_t l, const double *k, size_t lk, uint32_t freq_bins,
                     double d, double *y);
int fftconv_ref_direct(const double *u, size_t l, const double *k, size_t lk, double d,
                       double *y);

/*
 * The kernel spectrum words for the accelerator: the M-point DFT (M = 2 Lk) of the first Lk
 * taps of k (Q1.15 words), bins |f| >= freq_bins zeroed (freq_bins 0: none), stored in
 * bit-reversed order as (re bits 15:0, im bits 31:16) with the smallest exponent KEXP (0..16)
 * for which every rounded component fits in 16 bits: K = word * 2^(KEXP-15).
 * kspec holds M words. NC_ERR_ARG if no exponent fits (impossible for 16-bit taps).
 */
int fftconv_kernel_spectrum(const int16_t *k, size_t lk, uint32_t freq_bins, uint32_t *kspec,
                            unsigned *kexp);

/* Converts Q1.15 words to doubles (v / 32768). */
void fftconv_q15_to_double(const int16_t *v, size_t n, double *out);

#endif
