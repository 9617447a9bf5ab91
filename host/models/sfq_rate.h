/*
 * sfq_rate.h - the network-level statistical rate model of the deep XOR network.
 *
 * Rates are in pulses per second. Every element is a function of its input rates:
 *   synapse   r_out = p(I) * r_in, p(I) = Phi((I - mu) / sigma)   (probit in the weight bias I,
 *             fitted by maximum likelihood from pass/absorb counts of SPICE runs over noise
 *             seeds; Phi = standard normal CDF)
 *   merger    r_out = x + y - 2*tau*x*y (pulses of the two inputs closer than tau merge; Poisson
 *             approximation of the thinned trains)
 *   neuron    r_out = g * max(0, r_in - theta)                  (h1, h2: single input)
 *   output    r_out = g * max(0, r_exc - w * r_inh - theta)    (excitatory h1, inhibitory h2)
 * The synapse probit is fitted from the synapse testbench (tb_syn) over noise seeds. The neuron
 * stages are fitted with the input they really receive in the network: from runs of the whole
 * network (xor.cir) over a 3 x 3 grid of input rates (10, 25, 40 GHz) with noise seeds of their
 * own, each stage against the model's own chained prediction of its input (h1, h2 against
 * p * (ra + rb); out against the predicted h1, h2). A hidden neuron driven by two merged,
 * randomly thinned trains fires quite differently from one driven by a periodic train of the
 * same rate (h2 with both inputs high: 3-10 GHz against the ~0 a periodic-drive fit predicts),
 * so a periodic characterisation cannot be composed.
 * The model is deterministic; each stage's fit residual (RMS, against the chained prediction,
 * over the fit runs' 4 ns windows) contains the synapse coin, the counting noise of the
 * window and the lack of fit: sfq_xor_interval() is the 95% prediction interval from it.
 */
#ifndef NC_SFQ_RATE_H
#define NC_SFQ_RATE_H

#include <stddef.h>

typedef struct sfq_probit {
    double mu, sigma; /* A */
} sfq_probit_t;

typedef struct sfq_relu {
    double g, theta, w; /* slope, threshold (1/s), inhibitory weight (output neuron only) */
    double rms;         /* residual RMS of the fit (1/s), degrees of freedom n - parameters */
} sfq_relu_t;

typedef struct sfq_xor_model {
    sfq_probit_t syn;       /* pass probability vs weight bias                        */
    double w_exc, w_inh;    /* weight biases of the h1 (A+, B+) and h2 (A-, B-) synapses */
    double tau_merge;       /* merger resolution (s)                                    */
    sfq_relu_t h1, h2, out;
} sfq_xor_model_t;

typedef struct sfq_xor_rates {
    double a, b, m1, m2, h1, h2, out;
} sfq_xor_rates_t;

double sfq_probit_p(const sfq_probit_t *p, double bias);
double sfq_merge_rate(double x, double y, double tau);
double sfq_relu_rate(const sfq_relu_t *n, double exc, double inh);

/* Predicts every rate of the network for input rates ra, rb. */
void sfq_xor_predict(const sfq_xor_model_t *m, double ra, double rb, sfq_xor_rates_t *out);

/* Maximum-likelihood probit fit: n points of weight bias bias[k] with passes[k] of
 * trials[k]. Needs both some passes and some blocks overall. */
int sfq_probit_fit(const double *bias, const double *passes, const double *trials, size_t n,
                   sfq_probit_t *out);

/* Least-squares fit of g, theta (and w when inh != NULL) to measured output rates:
 * a grid over theta (and w) with g solved in closed form. */
int sfq_relu_fit(const double *exc, const double *inh, const double *rout, size_t n,
                 sfq_relu_t *out);

/* Half-width of the interval in which a rate measured by counting pulses in a window of
 * `window_s` seconds falls around the model rate `r` with about 95% confidence: two Poisson
 * standard deviations, plus the model's systematic allowance `sys` (1/s). */
double sfq_rate_interval(double r, double window_s, double sys);

/* 95% prediction interval (half-width, 1/s) of one stage's SPICE rate around the chained model
 * prediction `pred`: 1.96 x sqrt(rms^2 + Poisson variance of the count at `pred` in the
 * window (at least one count)). The residual RMS pools all fit runs, most of which have a
 * silent or steady stage, so it understates the counting scatter where the stage fires
 * sparsely; the Poisson term restores it there. stage: &m->h1, &m->h2 or &m->out. */
double sfq_xor_interval(const sfq_relu_t *stage, double pred, double window_s);

/* The class the model predicts for input rates ra, rb: out > threshold. */
int sfq_xor_class(const sfq_xor_model_t *m, double ra, double rb, double threshold);

/* Reads / writes the fitted model as "key value" lines ('#' comments); errors name file:line.
 * The write is atomic (nc_out_*: a temporary file in the same directory, renamed into place):
 * a failed or interrupted write leaves the previous model as it was. */
int sfq_xor_model_read(const char *path, sfq_xor_model_t *m);
int sfq_xor_model_write(const char *path, const sfq_xor_model_t *m, const char *comment);

#endif
