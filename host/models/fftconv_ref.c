/* fftconv_ref.c - FFTW references and the kernel spectrum for rtl/fftconv. */
#include "fftconv_ref.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fftconv_model.h"
#include "nc_error.h"

static int is_pow2(size_t v) { return v && !(v & (v - 1)); }

static unsigned log2_of(size_t v)
{
    unsigned r = 0;
    while ((size_t)1 << r < v)
        r++;
    return r;
}

/* The M-point spectrum of the first lk taps, with |f| >= freq_bins zeroed. */
static void kernel_dft(const double *k, size_t lk, uint32_t freq_bins, fftw_complex *kf)
{
    size_t m = 2 * lk;
    fftw_complex *in = fftw_alloc_complex(m);
    fftw_plan p = fftw_plan_dft_1d((int)m, in, kf, FFTW_FORWARD, FFTW_ESTIMATE);
    for (size_t i = 0; i < m; i++)
        in[i] = i < lk ? k[i] : 0.0;
    fftw_execute(p);
    if (freq_bins)
        for (size_t f = freq_bins; f + freq_bins <= m; f++)
            kf[f] = 0.0;
    fftw_destroy_plan(p);
    fftw_free(in);
}

int fftconv_ref_fftw(const double *u, size_t l, const double *k, size_t lk, uint32_t freq_bins,
                     double d, double *y)
{
    if (!is_pow2(l) || !is_pow2(lk) || lk > l || freq_bins > lk)
        return nc_err_set(NC_ERR_ARG, "fftconv_ref_fftw: L = %zu, Lk = %zu, F = %u: expected "
                          "powers of two with Lk <= L and F <= Lk", l, lk, freq_bins);
    size_t m = 2 * lk;
    fftw_complex *kf = fftw_alloc_complex(m), *x = fftw_alloc_complex(m);
    fftw_complex *xf = fftw_alloc_complex(m);
    if (!kf || !x || !xf) {
        fftw_free(kf), fftw_free(x), fftw_free(xf);
        return nc_err_set(NC_ERR_NOMEM, "fftconv_ref_fftw: no memory for M = %zu", m);
    }
    kernel_dft(k, lk, freq_bins, kf);
    fftw_plan fw = fftw_plan_dft_1d((int)m, x, xf, FFTW_FORWARD, FFTW_ESTIMATE);
    fftw_plan bw = fftw_plan_dft_1d((int)m, xf, x, FFTW_BACKWARD, FFTW_ESTIMATE);
    for (size_t b = 0; b < l / lk; b++) {
        for (size_t i = 0; i < lk; i++) {
            x[i] = b == 0 ? 0.0 : u[(b - 1) * lk + i];
            x[lk + i] = u[b * lk + i];
        }
        fftw_execute(fw);
        for (size_t f = 0; f < m; f++)
            xf[f] *= kf[f];
        fftw_execute(bw);
        for (size_t i = 0; i < lk; i++)
            y[b * lk + i] = creal(x[lk + i]) / (double)m + d * u[b * lk + i];
    }
    fftw_destroy_plan(fw);
    fftw_destroy_plan(bw);
    fftw_free(kf), fftw_free(x), fftw_free(xf);
    return NC_OK;
}

int fftconv_ref_direct(const double *u, size_t l, const double *k, size_t lk, double d,
                       double *y)
{
    for (size_t t = 0; t < l; t++) {
        double acc = d * u[t];
        for (size_t j = 0; j < lk && j <= t; j++)
            acc += k[j] * u[t - j];
        y[t] = acc;
    }
    return NC_OK;
}

void fftconv_q15_to_double(const int16_t *v, size_t n, double *out)
{
    for (size_t i = 0; i < n; i++)
        out[i] = v[i] / 32768.0;
}

int fftconv_kernel_spectrum(const int16_t *k, size_t lk, uint32_t freq_bins, uint32_t *kspec,
                            unsigned *kexp)
{
    if (!is_pow2(lk) || freq_bins > lk)
        return nc_err_set(NC_ERR_ARG, "fftconv_kernel_spectrum: Lk = %zu, F = %u: expected a "
                          "power of two and F <= Lk", lk, freq_bins);
    size_t m = 2 * lk;
    unsigned n = log2_of(m);
    double *kd = malloc(lk * sizeof *kd);
    fftw_complex *kf = fftw_alloc_complex(m);
    if (!kd || !kf) {
        free(kd), fftw_free(kf);
        return nc_err_set(NC_ERR_NOMEM, "fftconv_kernel_spectrum: no memory for M = %zu", m);
    }
    fftconv_q15_to_double(k, lk, kd);
    kernel_dft(kd, lk, freq_bins, kf);
    double peak = 0;
    for (size_t f = 0; f < m; f++)
        peak = fmax(peak, fmax(fabs(creal(kf[f])), fabs(cimag(kf[f]))));
    unsigned e = 0;
    while (e < FFTCONV_KEXP_MAX && nearbyint(peak * ldexp(1.0, 15 - (int)e)) > 32767.0)
        e++;
    int rc = NC_OK;
    if (nearbyint(peak * ldexp(1.0, 15 - (int)e)) > 32767.0)
        rc = nc_err_set(NC_ERR_ARG, "fftconv_kernel_spectrum: spectrum peak %.1f needs more "
                        "than KEXP = %d", peak, FFTCONV_KEXP_MAX);
    for (size_t p = 0; rc == NC_OK && p < m; p++) {
        fftw_complex v = kf[fftconv_bitrev((uint32_t)p, n)];
        long re = lrint(creal(v) * ldexp(1.0, 15 - (int)e));
        long im = lrint(cimag(v) * ldexp(1.0, 15 - (int)e));
        kspec[p] = ((uint32_t)(uint16_t)(int16_t)im << 16) | (uint16_t)(int16_t)re;
    }
    *kexp = e;
    free(kd);
    fftw_free(kf);
    return rc;
}
