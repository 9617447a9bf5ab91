/* fftconv_signals.c - test inputs and kernels for fftconv (see fftconv_signals.h). */
#include "fftconv_signals.h"

#include <complex.h>
#include <fftw3.h>
#include <math.h>
#include <stdlib.h>

#include "nc_error.h"

const char *fftconv_sig_name(enum fftconv_sig s)
{
    static const char *const names[] = {"noise", "impulse", "full_pos", "full_neg", "alternate",
                                        "zero"};
    return (unsigned)s < FFTCONV_SIG_COUNT ? names[s] : "?";
}

void fftconv_make_input(enum fftconv_sig s, nc_rng_t *r, int16_t *u, size_t l)
{
    size_t spike = nc_rng_below(r, (uint32_t)l);
    for (size_t t = 0; t < l; t++) {
        switch (s) {
        case FFTCONV_SIG_NOISE: u[t] = (int16_t)nc_rng_range(r, -16384, 16383); break;
        case FFTCONV_SIG_IMPULSE: u[t] = t == spike ? 32767 : 0; break;
        case FFTCONV_SIG_FULL_POS: u[t] = 32767; break;
        case FFTCONV_SIG_FULL_NEG: u[t] = -32768; break;
        case FFTCONV_SIG_ALTERNATE: u[t] = (t & 1) ? -32768 : 32767; break;
        default: u[t] = 0; break;
        }
    }
}

int fftconv_make_kernel(nc_rng_t *r, size_t lk, double gain, int16_t *k)
{
    size_t m = 2 * lk;
    fftw_complex *in = fftw_alloc_complex(m), *out = fftw_alloc_complex(m);
    if (!in || !out) {
        fftw_free(in), fftw_free(out);
        return nc_err_set(NC_ERR_NOMEM, "fftconv_make_kernel: no memory for %zu taps", lk);
    }
    double tau = (double)lk / 8.0;
    for (size_t j = 0; j < m; j++)
        in[j] = j < lk ? nc_rng_gauss(r) * exp(-(double)j / tau) : 0.0;
    fftw_plan p = fftw_plan_dft_1d((int)m, in, out, FFTW_FORWARD, FFTW_ESTIMATE);
    fftw_execute(p);
    double peak = 0;
    for (size_t f = 0; f < m; f++)
        peak = fmax(peak, cabs(out[f]));
    double scale = peak > 0 ? gain / peak : 0;
    for (size_t j = 0; j < lk; j++) {
        double v = nearbyint(creal(in[j]) * scale * 32768.0);
        k[j] = (int16_t)(v > 32767 ? 32767 : v < -32768 ? -32768 : v);
    }
    fftw_destroy_plan(p);
    fftw_free(in), fftw_free(out);
    return NC_OK;
}
