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
 * The neuron parameters are fitted from SPICE characterisation runs of the neuron testbenches.
 * The model is deterministic; SPICE output rates scatter around it by the counting statistics
 * of the pulses in the measurement window (see sfq_rate_interval()).
 */
#ifndef NC_SFQ_RATE_H
#define NC_SFQ_RATE_H

#include <stddef.h>

typedef struct sfq_probit {
    double mu, sigma; /* A */
} sfq_probit_t;

typedef struct sfq_relu {
    double g, theta, w; /* slope, threshold (1/s), inhibitory weight (output neuron only) */
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

/* Reads / writes the fitted model as "key value" lines ('#' comments); errors name file:line. */
int sfq_xor_model_read(const char *path, sfq_xor_model_t *m);
int sfq_xor_model_write(const char *path, const sfq_xor_model_t *m, const char *comment);

#endif
