/* sfq_cells.c - the timed pulse-transfer model of the RSFQ cells (see sfq_cells.h). */
#include "sfq_cells.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_error.h"

/* Nominal delays: measured once in each cell's testbench at bias 1.0 (from the slip of the
 * driving JTL's last junction to the slip of the cell's output junction; dcsfq from the start
 * of the input current's rising edge), rounded to 0.1 ps. Band: +-1 ps (dcsfq +-2 ps, its
 * delay depends on the input edge's slope), wide enough for the bias range in which the
 * cells work (the delay grows as the bias drops) and for load differences. */
const sfq_timing_t sfq_t_jtl = {"jtl", "in->out", 2.2e-12, 1.2e-12, 3.2e-12};
const sfq_timing_t sfq_t_dcsfq = {"dcsfq", "edge->out", 5.2e-12, 3.2e-12, 7.2e-12};
const sfq_timing_t sfq_t_spl = {"spl", "in->out", 3.6e-12, 2.6e-12, 4.6e-12};
/* mrg (issue 12): to its output buffer X6; the merge junction X5 switches about 3.4 ps before
 * it (its junctions sit at <= 0.73 Ic at rest and switch later than the old cell's over-biased
 * merge junction, 2.5 ps in->out) */
const sfq_timing_t sfq_t_mrg = {"mrg", "in->out", 7.9e-12, 6.9e-12, 8.9e-12};
/* dff: to its output buffer X7 (issue 12; 1.8 ps to the read junction X4 before it) */
const sfq_timing_t sfq_t_dff = {"dff", "clk->q", 3.0e-12, 2.0e-12, 4.0e-12};
/* sfqdc: from the driving junction's slip to the slip that changes the level: the storing
 * junction X3 on a set, the output junction X4 on a reset (slower: X4 switches only after the
 * pulse's current has crossed the 23 pH storing inductance). */
const sfq_timing_t sfq_t_sfqdc = {"sfqdc", "in->set", 2.1e-12, 1.1e-12, 3.1e-12};
const sfq_timing_t sfq_t_sfqdc_reset = {"sfqdc", "in->reset", 4.7e-12, 3.7e-12, 5.7e-12};
/* syn: from the driving junction's slip to the decision junction X3's (weight high). Issue 12:
 * 6.2 ps (was 2.8): the pulse reaches X3 through the input junction and the 1.9 Ic escape,
 * and X3, near zero net bias, switches only when the pulse has tipped the race. */
const sfq_timing_t sfq_t_syn = {"syn", "in->pass", 6.2e-12, 5.2e-12, 7.2e-12};
/* tff (issue 10): to the output buffer X6 on the 2nd, 4th, ... pulse (the toggle junction X5
 * switches 1.1 ps before it); set: to the storing junction X4 on the 1st, 3rd, ... pulse. */
const sfq_timing_t sfq_t_tff = {"tff", "in->out", 4.1e-12, 3.1e-12, 5.1e-12};
const sfq_timing_t sfq_t_tff_set = {"tff", "in->set", 3.1e-12, 2.1e-12, 4.1e-12};
/* osc (issue 10): from the generator junction X1's slip to the buffer X3's. */
const sfq_timing_t sfq_t_osc = {"osc", "gen->out", 2.0e-12, 1.0e-12, 3.0e-12};

int sfq_tff(const sfq_train_t *in, double delay, sfq_train_t *out)
{
    for (size_t i = 1; i < in->n; i += 2) {
        int rc = sfq_train_push(out, in->t[i] + delay);
        if (rc)
            return rc;
    }
    return NC_OK;
}

int sfq_train_push(sfq_train_t *tr, double t)
{
    if (tr->n == tr->cap) {
        size_t cap = tr->cap ? tr->cap * 2 : 32;
        double *nt = realloc(tr->t, cap * sizeof *nt);
        if (!nt)
            return nc_err_set(NC_ERR_NOMEM, "pulse train: out of memory at %zu pulses", tr->n);
        tr->t = nt;
        tr->cap = cap;
    }
    tr->t[tr->n++] = t;
    return NC_OK;
}

void sfq_train_free(sfq_train_t *tr)
{
    free(tr->t);
    *tr = (sfq_train_t){0};
}

size_t sfq_train_count(const sfq_train_t *tr, double t0, double t1)
{
    size_t k = 0;
    for (size_t i = 0; i < tr->n; i++)
        k += tr->t[i] >= t0 && tr->t[i] < t1;
    return k;
}

int sfq_delay(const sfq_train_t *in, double delay, sfq_train_t *out)
{
    for (size_t i = 0; i < in->n; i++)
        if (sfq_train_push(out, in->t[i] + delay))
            return NC_ERR_NOMEM;
    return NC_OK;
}

int sfq_split(const sfq_train_t *in, double delay, sfq_train_t *o1, sfq_train_t *o2)
{
    int rc = sfq_delay(in, delay, o1);
    return rc ? rc : sfq_delay(in, delay, o2);
}

int sfq_merge(const sfq_train_t *a, const sfq_train_t *b, double delay, double resolution,
              sfq_train_t *out)
{
    size_t i = 0, j = 0;
    double last = -INFINITY;
    while (i < a->n || j < b->n) {
        double t = (j >= b->n || (i < a->n && a->t[i] <= b->t[j])) ? a->t[i++] : b->t[j++];
        if (t - last < resolution)
            continue; /* arrives while the merge junction is still switching: merged */
        last = t;
        if (sfq_train_push(out, t + delay))
            return NC_ERR_NOMEM;
    }
    return NC_OK;
}

int sfq_dff(const sfq_train_t *d, const sfq_train_t *clk, double clk_q, sfq_train_t *q)
{
    size_t i = 0;
    int state = 0;
    for (size_t k = 0; k < clk->n; k++) {
        while (i < d->n && d->t[i] < clk->t[k])
            state = 1, i++;
        if (state && sfq_train_push(q, clk->t[k] + clk_q))
            return NC_ERR_NOMEM;
        state = 0;
    }
    return NC_OK;
}

int sfq_toggle(const sfq_train_t *in, double set_delay, double reset_delay, sfq_train_t *set,
               sfq_train_t *reset)
{
    for (size_t i = 0; i < in->n; i++)
        if (sfq_train_push(i % 2 ? reset : set, in->t[i] + (i % 2 ? reset_delay : set_delay)))
            return NC_ERR_NOMEM;
    return NC_OK;
}

int sfq_train_compare(const sfq_train_t *pred, const sfq_train_t *meas, double tol, char *why,
                      size_t cap)
{
    if (pred->n != meas->n) {
        snprintf(why, cap, "%zu pulses measured, %zu predicted", meas->n, pred->n);
        return NC_ERR_MISMATCH;
    }
    for (size_t i = 0; i < pred->n; i++)
        if (fabs(meas->t[i] - pred->t[i]) > tol) {
            snprintf(why, cap, "pulse %zu at %.2f ps, predicted %.2f ps (tolerance %.2f ps)", i,
                     meas->t[i] * 1e12, pred->t[i] * 1e12, tol * 1e12);
            return NC_ERR_MISMATCH;
        }
    return NC_OK;
}
