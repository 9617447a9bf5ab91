/* sfq_osc.c - the rate model of the SFQ pulse generator (see sfq_osc.h). */
#include "sfq_osc.h"

#include <math.h>

#include "nc_error.h"

/* Fitted by sfq_osc_fit() from the sweep of docs/sfq_interface.md (tb_osc.cir at bias 1.0,
 * 22 currents 168-265 uA, the same rates for both polarities): 10 GHz at 170.1 uA, 25 GHz at
 * 204.3 uA, 40 GHz at 239.6 uA; residual RMS 0.062 GHz, largest 0.130 GHz (at 168 uA, where
 * the curve bends towards its threshold near 160 uA). */
const sfq_osc_model_t sfq_osc_nominal = {
    .c0 = -7.186280e+10, .c1 = 5.162568e+14, .c2 = -2.063456e+17,
    .i_lo = 168e-6, .i_hi = 265e-6, .rms = 0.062e9, .max_res = 0.130e9,
};

double sfq_osc_tol(const sfq_osc_model_t *m, double f)
{
    return m->max_res + 0.01 * fabs(f);
}

static double poly(const sfq_osc_model_t *m, double a)
{
    return m->c0 + a * (m->c1 + a * m->c2);
}

double sfq_osc_rate(const sfq_osc_model_t *m, double i)
{
    double a = fabs(i);
    if (!(a >= m->i_lo && a <= m->i_hi))
        return NAN;
    return poly(m, a);
}

int sfq_osc_current(const sfq_osc_model_t *m, double f, double *i)
{
    double flo = poly(m, m->i_lo), fhi = poly(m, m->i_hi);
    if (!(f >= flo && f <= fhi))
        return nc_err_set(NC_ERR_ARG, "osc: rate %.4g GHz outside the model's range [%.4g, %.4g] "
                          "GHz (currents %.1f-%.1f uA)", f / 1e9, flo / 1e9, fhi / 1e9,
                          m->i_lo * 1e6, m->i_hi * 1e6);
    /* the curve rises on [i_lo, i_hi] (sfq_osc_fit checks it): bisection, 60 halvings */
    double lo = m->i_lo, hi = m->i_hi;
    for (int k = 0; k < 60; k++) {
        double mid = 0.5 * (lo + hi);
        *(poly(m, mid) < f ? &lo : &hi) = mid;
    }
    *i = 0.5 * (lo + hi);
    return NC_OK;
}

int sfq_osc_fit(const double *i, const double *f, size_t n, sfq_osc_model_t *m)
{
    if (n < 4)
        return nc_err_set(NC_ERR_ARG, "osc fit: %zu points, need at least 4", n);
    /* normal equations of the quadratic in u = (|i| - mean) / scale (well conditioned) */
    double mean = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t k = 0; k < n; k++) {
        double a = fabs(i[k]);
        if (!isfinite(a) || !isfinite(f[k]))
            return nc_err_set(NC_ERR_ARG, "osc fit: point %zu is not finite", k);
        mean += a, lo = fmin(lo, a), hi = fmax(hi, a);
    }
    mean /= (double)n;
    double sc = hi - lo;
    if (!(sc > 0))
        return nc_err_set(NC_ERR_ARG, "osc fit: all %zu points at one current", n);
    double s[5] = {0}, t[3] = {0};
    for (size_t k = 0; k < n; k++) {
        double u = (fabs(i[k]) - mean) / sc, p = 1;
        for (int e = 0; e < 5; e++, p *= u)
            s[e] += p;
        t[0] += f[k], t[1] += f[k] * u, t[2] += f[k] * u * u;
    }
    /* solve [s0 s1 s2; s1 s2 s3; s2 s3 s4] b = t by Cramer's rule */
    double a[3][3] = {{s[0], s[1], s[2]}, {s[1], s[2], s[3]}, {s[2], s[3], s[4]}};
#define DET3(M) ((M)[0][0] * ((M)[1][1] * (M)[2][2] - (M)[1][2] * (M)[2][1]) -              \
                 (M)[0][1] * ((M)[1][0] * (M)[2][2] - (M)[1][2] * (M)[2][0]) +              \
                 (M)[0][2] * ((M)[1][0] * (M)[2][1] - (M)[1][1] * (M)[2][0]))
    double d = DET3(a), b[3];
    if (!(fabs(d) > 1e-12))
        return nc_err_set(NC_ERR_ARG, "osc fit: singular system (%zu points)", n);
    for (int c = 0; c < 3; c++) {
        double q[3][3];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                q[r][k] = k == c ? t[r] : a[r][k];
        b[c] = DET3(q) / d;
    }
#undef DET3
    /* back to |i|: f = b0 + b1 (a - mean)/sc + b2 ((a - mean)/sc)^2 */
    sfq_osc_model_t r = {0};
    r.c2 = b[2] / (sc * sc);
    r.c1 = b[1] / sc - 2 * b[2] * mean / (sc * sc);
    r.c0 = b[0] - b[1] * mean / sc + b[2] * mean * mean / (sc * sc);
    r.i_lo = lo, r.i_hi = hi;
    /* rising over the range: the derivative at both ends (a quadratic's is linear) */
    if (!(r.c1 + 2 * r.c2 * lo > 0 && r.c1 + 2 * r.c2 * hi > 0))
        return nc_err_set(NC_ERR_ARG, "osc fit: the fitted rate does not rise over %.1f-%.1f uA",
                          lo * 1e6, hi * 1e6);
    double ss = 0, mx = 0;
    for (size_t k = 0; k < n; k++) {
        double e = f[k] - poly(&r, fabs(i[k]));
        ss += e * e, mx = fmax(mx, fabs(e));
    }
    r.rms = n > 3 ? sqrt(ss / (double)(n - 3)) : 0;
    r.max_res = mx;
    *m = r;
    return NC_OK;
}
