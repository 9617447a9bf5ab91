/* spice_pulse.c - phase-slip detection and small vector helpers (see spice_pulse.h). */
#include "spice_pulse.h"

#include <math.h>
#include <stdlib.h>

#include "nc_error.h"
#include "spice.h"

static int push_slip(nc_slips_t *s, size_t *cap, double t, int dir)
{
    if (s->n == *cap) {
        size_t nc = *cap ? *cap * 2 : 64;
        double *nt = realloc(s->t, nc * sizeof *nt);
        if (!nt)
            return nc_err_set(NC_ERR_NOMEM, "slip list: out of memory at %zu slips", s->n);
        s->t = nt;
        int *nd = realloc(s->dir, nc * sizeof *nd);
        if (!nd)
            return nc_err_set(NC_ERR_NOMEM, "slip list: out of memory at %zu slips", s->n);
        s->dir = nd;
        *cap = nc;
    }
    s->t[s->n] = t;
    s->dir[s->n] = dir;
    s->n++;
    s->net += dir;
    return NC_OK;
}

static double crossing(const double *t, const double *p, size_t i, double level)
{
    double dp = p[i] - p[i - 1];
    double f = dp != 0 ? (level - p[i - 1]) / dp : 0;
    return t[i - 1] + f * (t[i] - t[i - 1]);
}

int nc_slips_find(const double *t, const double *phase, size_t n, nc_slips_t *out)
{
    *out = (nc_slips_t){0};
    if (!t || !phase)
        return nc_err_set(NC_ERR_ARG, "nc_slips_find: NULL trace");
    size_t cap = 0;
    int m = 0;            /* slips so far */
    int pending = 0;      /* +1/-1 while a crossing awaits confirmation */
    double pending_t = 0;
    for (size_t i = 1; i < n; i++) {
        double up = (2 * m + 1) * M_PI, down = (2 * m - 1) * M_PI;
        if (pending == 0 && phase[i - 1] < up && phase[i] >= up)
            pending = 1, pending_t = crossing(t, phase, i, up);
        else if (pending == 0 && phase[i - 1] > down && phase[i] <= down)
            pending = -1, pending_t = crossing(t, phase, i, down);
        if (pending == 1 && phase[i] >= up + NC_SLIP_HYST) {
            if (push_slip(out, &cap, pending_t, 1))
                return nc_slips_free(out), NC_ERR_NOMEM;
            m++, pending = 0;
        } else if (pending == 1 && phase[i] < up - NC_SLIP_HYST) {
            pending = 0;
        } else if (pending == -1 && phase[i] <= down - NC_SLIP_HYST) {
            if (push_slip(out, &cap, pending_t, -1))
                return nc_slips_free(out), NC_ERR_NOMEM;
            m--, pending = 0;
        } else if (pending == -1 && phase[i] > down + NC_SLIP_HYST) {
            pending = 0;
        }
    }
    return NC_OK;
}

void nc_slips_free(nc_slips_t *s)
{
    free(s->t);
    free(s->dir);
    *s = (nc_slips_t){0};
}

size_t nc_slips_count(const nc_slips_t *s, double t0, double t1)
{
    size_t c = 0;
    for (size_t i = 0; i < s->n; i++)
        c += s->dir[i] > 0 && s->t[i] >= t0 && s->t[i] < t1;
    return c;
}

double nc_slips_first_after(const nc_slips_t *s, double t0)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->dir[i] > 0 && s->t[i] >= t0)
            return s->t[i];
    return -1.0;
}

double nc_integrate(const double *t, const double *v, size_t n, double t0, double t1)
{
    double a = 0;
    for (size_t i = 1; i < n; i++) {
        double lo = fmax(t[i - 1], t0), hi = fmin(t[i], t1);
        if (hi <= lo)
            continue;
        double vlo = nc_interp(t, v, n, lo), vhi = nc_interp(t, v, n, hi);
        a += 0.5 * (vlo + vhi) * (hi - lo);
    }
    return a;
}

double nc_interp(const double *t, const double *y, size_t n, double x)
{
    if (n == 0)
        return NAN;
    if (x <= t[0])
        return y[0];
    if (x >= t[n - 1])
        return y[n - 1];
    size_t lo = 0, hi = n - 1;
    while (hi - lo > 1) {
        size_t mid = (lo + hi) / 2;
        if (t[mid] <= x)
            lo = mid;
        else
            hi = mid;
    }
    double dt = t[hi] - t[lo];
    return dt > 0 ? y[lo] + (y[hi] - y[lo]) * (x - t[lo]) / dt : y[lo];
}

int nc_spice_slips(const char *vec, nc_slips_t *out)
{
    double *t = NULL, *ph = NULL;
    size_t n = 0, m = 0;
    *out = (nc_slips_t){0};
    int rc = nc_spice_vec("time", &t, &n);
    if (!rc)
        rc = nc_spice_vec(vec, &ph, &m);
    if (!rc)
        rc = nc_slips_find(t, ph, m < n ? m : n, out);
    free(t), free(ph);
    return rc;
}
