/* sfq_rate.c - the statistical rate model of the XOR network (see sfq_rate.h). */
#include "sfq_rate.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "nc_util.h"

double sfq_probit_p(const sfq_probit_t *p, double bias)
{
    return 0.5 * erfc(-(bias - p->mu) / (p->sigma * sqrt(2.0)));
}

double sfq_merge_rate(double x, double y, double tau)
{
    double r = x + y - 2.0 * tau * x * y;
    return r > 0 ? r : 0;
}

double sfq_relu_rate(const sfq_relu_t *n, double exc, double inh)
{
    double drive = exc - n->w * inh - n->theta;
    return drive > 0 ? n->g * drive : 0;
}

void sfq_xor_predict(const sfq_xor_model_t *m, double ra, double rb, sfq_xor_rates_t *o)
{
    double pe = sfq_probit_p(&m->syn, m->w_exc), pi = sfq_probit_p(&m->syn, m->w_inh);
    o->a = ra, o->b = rb;
    o->m1 = sfq_merge_rate(pe * ra, pe * rb, m->tau_merge);
    o->m2 = sfq_merge_rate(pi * ra, pi * rb, m->tau_merge);
    o->h1 = sfq_relu_rate(&m->h1, o->m1, 0);
    o->h2 = sfq_relu_rate(&m->h2, o->m2, 0);
    o->out = sfq_relu_rate(&m->out, o->h1, o->h2);
}

/* Log-likelihood of the probit for the data. */
static double loglik(const double *x, const double *k, const double *n, size_t np, double mu,
                     double sigma)
{
    double ll = 0;
    sfq_probit_t p = {mu, sigma};
    for (size_t i = 0; i < np; i++) {
        double q = sfq_probit_p(&p, x[i]);
        q = fmin(fmax(q, 1e-12), 1 - 1e-12);
        ll += k[i] * log(q) + (n[i] - k[i]) * log(1 - q);
    }
    return ll;
}

int sfq_probit_fit(const double *bias, const double *passes, const double *trials, size_t n,
                   sfq_probit_t *out)
{
    double kt = 0, nt = 0, lo = INFINITY, hi = -INFINITY;
    for (size_t i = 0; i < n; i++) {
        if (!(trials[i] > 0) || passes[i] < 0 || passes[i] > trials[i])
            return nc_err_set(NC_ERR_ARG, "probit fit: point %zu has %g passes of %g trials", i,
                              passes[i], trials[i]);
        kt += passes[i], nt += trials[i];
        lo = fmin(lo, bias[i]), hi = fmax(hi, bias[i]);
    }
    if (n < 2 || kt == 0 || kt == nt || !(hi > lo))
        return nc_err_set(NC_ERR_ARG, "probit fit: %zu points, %g passes of %g trials: needs two "
                          "biases and both outcomes", n, kt, nt);
    /* coarse grid, then a shrinking local search: robust, and the problem is 2-D */
    double best_mu = 0.5 * (lo + hi), best_s = 0.25 * (hi - lo), best = -INFINITY;
    double span = hi - lo;
    for (int it = 0; it < 6; it++, span *= 0.3)
        for (int i = -10; i <= 10; i++)
            for (int j = -10; j <= 10; j++) {
                double mu = best_mu + i * span / 10, s = best_s * exp(j * 0.15 * (6 - it) / 6);
                if (s <= 0)
                    continue;
                double ll = loglik(bias, passes, trials, n, mu, s);
                if (ll > best)
                    best = ll, out->mu = mu, out->sigma = s;
            }
    (void)best_mu;
    return NC_OK;
}

static double sse_for(const double *exc, const double *inh, const double *r, size_t n,
                      double theta, double w, double *g)
{
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fmax(0, exc[i] - w * (inh ? inh[i] : 0) - theta);
        sxy += d * r[i], sxx += d * d;
    }
    *g = sxx > 0 ? sxy / sxx : 0;
    double sse = 0;
    for (size_t i = 0; i < n; i++) {
        double d = fmax(0, exc[i] - w * (inh ? inh[i] : 0) - theta);
        sse += (r[i] - *g * d) * (r[i] - *g * d);
    }
    return sse;
}

int sfq_relu_fit(const double *exc, const double *inh, const double *rout, size_t n,
                 sfq_relu_t *out)
{
    out->rms = NAN;
    double emax = 0;
    size_t firing = 0;
    for (size_t i = 0; i < n; i++)
        emax = fmax(emax, exc[i]), firing += rout[i] > 0;
    if (n < 3 || firing < 2)
        return nc_err_set(NC_ERR_ARG, "neuron fit: %zu points, %zu with output: needs 3 points "
                          "and 2 firing", n, firing);
    double best = INFINITY;
    for (int i = 0; i <= 400; i++) {
        double theta = emax * i / 400.0;
        for (int j = 0; j <= (inh ? 100 : 0); j++) {
            double w = inh ? j * 0.1 : 0, g;
            double sse = sse_for(exc, inh, rout, n, theta, w, &g);
            if (sse < best && g > 0)
                best = sse, out->theta = theta, out->w = w, out->g = g;
        }
    }
    size_t k = inh ? 3 : 2; /* fitted parameters */
    out->rms = n > k ? sqrt(best / (double)(n - k)) : NAN;
    return NC_OK;
}

double sfq_xor_interval(const sfq_relu_t *stage, double pred, double window_s)
{
    double counts = fmax(pred * window_s, 1.0);
    return 1.96 * sqrt(stage->rms * stage->rms + counts / (window_s * window_s));
}

int sfq_xor_class(const sfq_xor_model_t *m, double ra, double rb, double threshold)
{
    sfq_xor_rates_t p;
    sfq_xor_predict(m, ra, rb, &p);
    return p.out > threshold;
}

double sfq_rate_interval(double r, double window_s, double sys)
{
    double counts = fmax(r * window_s, 1.0); /* at least one count of Poisson spread */
    return 2.0 * sqrt(counts) / window_s + sys;
}

static const struct {
    const char *key;
    size_t off;
} keys[] = {
#define K(f) {#f, offsetof(sfq_xor_model_t, f)}
    K(syn.mu), K(syn.sigma), K(w_exc), K(w_inh), K(tau_merge), K(h1.g), K(h1.theta), K(h1.w),
    K(h1.rms), K(h2.g), K(h2.theta), K(h2.w), K(h2.rms), K(out.g), K(out.theta), K(out.w),
    K(out.rms),
#undef K
};

/* The model file: "key value" lines ('#' comments, blank lines), every key of keys[] once,
 * values finite, syn.sigma > 0 (the probit divides by it); lines of at most 255 characters. */
#define MODEL_LINE_MAX 255

int sfq_xor_model_read(const char *path, sfq_xor_model_t *m)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open the fitted rate model (generate it with "
                          "'neurocosim spice fit')", path);
    memset(m, 0, sizeof *m);
    enum { NKEYS = sizeof keys / sizeof keys[0] };
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    int lineno = 0, rc = NC_OK, seen_line[NKEYS] = {0};
    while (rc == NC_OK && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (len > MODEL_LINE_MAX + 1 || (len == MODEL_LINE_MAX + 1 && line[len - 1] != '\n')) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: line longer than %d characters", path, lineno,
                            MODEL_LINE_MAX);
            break;
        }
        if (memchr(line, '\0', (size_t)len)) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: NUL byte in the line: expected text 'key value'",
                            path, lineno);
            break;
        }
        char key[64], rest[2];
        double v;
        int used = 0;
        if (line[0] == '#' || line[strspn(line, " \t\r\n")] == '\0')
            continue;
        if (sscanf(line, "%63s %lf%n", key, &v, &used) != 2 || sscanf(line + used, " %1s", rest) == 1) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: '%.40s': expected 'key value' (a key, one number)",
                            path, lineno, line);
            break;
        }
        size_t k = 0;
        while (k < NKEYS && strcmp(keys[k].key, key))
            k++;
        if (k == NKEYS)
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: unknown key '%s'", path, lineno, key);
        else if (seen_line[k])
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: key '%s' repeated (first on line %d)", path, lineno,
                            key, seen_line[k]);
        else if (!isfinite(v) || (!strcmp(key, "syn.sigma") && !(v > 0)))
            rc = nc_err_set(NC_ERR_PARSE, "%s:%d: %s %g: expected a finite number%s", path, lineno,
                            key, v, strcmp(key, "syn.sigma") ? "" : " > 0");
        else
            *(double *)((char *)m + keys[k].off) = v, seen_line[k] = lineno;
    }
    if (rc == NC_OK && ferror(f))
        rc = nc_err_set(NC_ERR_IO, "%s: read error", path);
    free(line);
    fclose(f);
    for (size_t k = 0; rc == NC_OK && k < NKEYS; k++)
        if (!seen_line[k])
            rc = nc_err_set(NC_ERR_PARSE, "%s: incomplete model: key '%s' missing (%d keys expected)",
                            path, keys[k].key, (int)NKEYS);
    return rc;
}

int sfq_xor_model_write(const char *path, const sfq_xor_model_t *m, const char *comment)
{
    nc_out_t o; /* atomic: a kill or a full disk never leaves a half-written model */
    int rc = nc_out_open(&o, path, 64 * 1024, NULL);
    if (rc)
        return rc;
    rc = nc_out_printf(&o, "# XOR rate model (host/models/sfq_rate.h), fitted from SPICE.\n# %s\n",
                       comment ? comment : "");
    for (size_t k = 0; rc == NC_OK && k < sizeof keys / sizeof keys[0]; k++)
        rc = nc_out_printf(&o, "%s %.6g\n", keys[k].key,
                           *(const double *)((const char *)m + keys[k].off));
    if (rc) {
        nc_out_abort(&o);
        return rc;
    }
    return nc_out_commit(&o);
}
