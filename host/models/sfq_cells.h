/*
 * sfq_cells.h - the cell-level golden model: a timed pulse-transfer model of the RSFQ cells
 * of circuits/cells/sfq.lib. A pulse train is a sorted list of pulse times (s). Each cell maps
 * input trains to output trains by its logic and a fixed delay; the nominal delays and the
 * bands a cell must stay within are documented here (and in circuits/README.md), measured
 * once at nominal bias with a JTL load and rounded; SPICE is checked against them.
 *
 * Logic:
 *   jtl, dcsfq : every input pulse -> one output pulse after the delay
 *   spl        : every input pulse -> one pulse on each output
 *   mrg        : every pulse of a or b -> one output pulse; pulses closer than the merger's
 *                resolution time leave as one
 *   dff        : d sets the state (a d while set is lost); clk emits q after the clk->q delay
 *                if set, and clears the state
 *   sfqdc      : SFQ/DC converter, a toggle: every input pulse flips the DC output level;
 *                odd pulses set it (the storing junction switches, in->set delay), even
 *                pulses reset it (the output junction switches, in->reset delay)
 *   tff        : T flip-flop, a divider by 2: the 2nd, 4th, ... input pulse leaves (starts empty)
 *   osc        : pulse generator: no input pulse; its rate is a function of its DC current
 *                (sfq_osc.h); the timed path is from the generator junction's slip to the
 *                buffer's
 *   syn        : stochastic synapse at its deterministic ends (no noise): a high weight
 *                passes every pulse after the in->pass delay (sfq_delay), a low weight
 *                none; between them it is a coin (the rate model's probit, sfq_rate.h)
 */
#ifndef NC_SFQ_CELLS_H
#define NC_SFQ_CELLS_H

#include <stddef.h>

typedef struct sfq_train {
    double *t;
    size_t n, cap;
} sfq_train_t;

int sfq_train_push(sfq_train_t *tr, double t);
void sfq_train_free(sfq_train_t *tr);
/* Pulses of the train in [t0, t1). */
size_t sfq_train_count(const sfq_train_t *tr, double t0, double t1);

/* Timing of one cell: nominal delay and the band [lo, hi] it must stay within (s). */
typedef struct sfq_timing {
    const char *cell;
    const char *path;   /* which delay: "in->out", "clk->q", ... */
    double nominal, lo, hi;
} sfq_timing_t;

extern const sfq_timing_t sfq_t_jtl, sfq_t_dcsfq, sfq_t_spl, sfq_t_mrg, sfq_t_dff, sfq_t_sfqdc,
    sfq_t_sfqdc_reset, sfq_t_syn, sfq_t_tff, sfq_t_tff_set, sfq_t_osc;
#define SFQ_MRG_RESOLUTION 8e-12 /* pulses closer than this at a merger leave as one */

int sfq_delay(const sfq_train_t *in, double delay, sfq_train_t *out);           /* jtl, dcsfq */
int sfq_split(const sfq_train_t *in, double delay, sfq_train_t *o1, sfq_train_t *o2);
int sfq_merge(const sfq_train_t *a, const sfq_train_t *b, double delay, double resolution,
              sfq_train_t *out);
int sfq_dff(const sfq_train_t *d, const sfq_train_t *clk, double clk_q, sfq_train_t *q);
/* SFQ/DC: the level changes of the output; set gets the rising ones (pulses 1, 3, 5, ...)
 * set_delay after their input pulse, reset the falling ones (2, 4, ...) reset_delay after.
 * The level after input pulse k (0-based) is (k + 1) % 2. */
int sfq_toggle(const sfq_train_t *in, double set_delay, double reset_delay, sfq_train_t *set,
               sfq_train_t *reset);

/* T flip-flop: out gets input pulses 2, 4, 6, ... (1-based) `delay` after them. */
int sfq_tff(const sfq_train_t *in, double delay, sfq_train_t *out);

/* Compares a measured train with a predicted one: same count, and every pulse within tol
 * of its prediction. Returns 0 if they agree; otherwise fills why (cap bytes). */
int sfq_train_compare(const sfq_train_t *pred, const sfq_train_t *meas, double tol, char *why,
                      size_t cap);

#endif
