/* spice_xor.c - the XOR network and its characterisation runs (see spice_xor.h). */
#include "spice_xor.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "nc_error.h"
#include "spice.h"
#include "spice_pulse.h"
#include "spice_wave.h"

#define TMAX 0.1e-12

/* Net slip rate (up - down, absolute) of a phase vector in [t0, t1). */
static int rate_of(const char *vec, const double *t, size_t n, double t0, double t1, double *r)
{
    double *ph;
    size_t m;
    int rc = nc_spice_vec(vec, &ph, &m);
    if (rc)
        return rc;
    nc_slips_t s;
    rc = nc_slips_find(t, ph, m < n ? m : n, &s);
    free(ph);
    if (rc)
        return rc;
    long net = 0;
    for (size_t i = 0; i < s.n; i++)
        net += (s.t[i] >= t0 && s.t[i] < t1) ? s.dir[i] : 0;
    nc_slips_free(&s);
    *r = labs(net) / (t1 - t0);
    return NC_OK;
}

/* Loads, seeds and runs a netlist; returns the time axis. */
static int simulate(const char *netlist, const nc_spice_param_t *p, size_t np, double tstop,
                    uint64_t seed, double **t, size_t *n)
{
    nc_spice_tran_t tr = {TMAX, tstop, TMAX, 600.0};
    int rc = nc_spice_noise(NC_SYN_TNOISE, NC_SYN_RSHUNT, TMAX);
    if (!rc)
        rc = nc_spice_seed(seed);
    if (!rc)
        rc = nc_spice_load(netlist, p, np, &tr);
    if (!rc)
        rc = nc_spice_run();
    if (!rc)
        rc = nc_spice_vec("time", t, n);
    return rc;
}

int nc_xor_run(int a, int b, uint64_t seed, double bias, const char *wave_path,
               sfq_xor_rates_t *o, double *wall_s)
{
    nc_spice_param_t p[] = {{"pera", a ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW},
                            {"perb", b ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW},
                            {"bias", bias}};
    double *t = NULL;
    size_t n = 0;
    int rc = simulate("networks/xor.cir", p, 3, NC_XOR_TSTOP, seed, &t, &n);
    const double t0 = NC_XOR_TFROM, t1 = NC_XOR_TSTOP;
    if (!rc)
        rc = rate_of("xja.p2", t, n, t0, t1, &o->a);
    if (!rc)
        rc = rate_of("xjb.p2", t, n, t0, t1, &o->b);
    if (!rc)
        rc = rate_of("xm1.p5", t, n, t0, t1, &o->m1);
    if (!rc)
        rc = rate_of("xm2.p5", t, n, t0, t1, &o->m2);
    if (!rc)
        rc = rate_of("xh1.p3", t, n, t0, t1, &o->h1);
    if (!rc)
        rc = rate_of("xh2.p3", t, n, t0, t1, &o->h2);
    if (!rc)
        rc = rate_of("xjo.p2", t, n, t0, t1, &o->out);
    free(t);
    if (wall_s)
        *wall_s = nc_spice_last_wall_s();
    if (!rc && wave_path)
        rc = nc_spice_write_fst(wave_path, NULL);
    return rc;
}

int nc_syn_measure(double isyn, uint64_t seed, int pulses, double *passes, double *trials)
{
    const double per = NC_XOR_PER_HIGH, t0 = 40e-12;
    nc_spice_param_t p[] = {{"isyn", isyn}, {"per", per}};
    double tstop = t0 + pulses * per, *t = NULL, rin, rpass;
    size_t n = 0;
    int rc = simulate("cells/tb_syn.cir", p, 2, tstop, seed, &t, &n);
    if (!rc)
        rc = rate_of("xdrv.p2", t, n, 0, tstop, &rin);
    if (!rc)
        rc = rate_of("xdut.p3", t, n, 0, tstop, &rpass);
    free(t);
    if (!rc) {
        *trials = round(rin * tstop), *passes = round(rpass * tstop);
        if (*passes > *trials)
            *passes = *trials;
    }
    return rc;
}

/* Output rate of tb_neuron1 for input period `per` (0: no input). */
static int neuron1_rate(double ith, double r, double per, double *rin, double *rout)
{
    nc_spice_param_t p[] = {{"ith", ith}, {"r", r}, {"per", per}};
    double *t = NULL;
    size_t n = 0;
    int rc = simulate("cells/tb_neuron1.cir", p, 3, 2.04e-9, 1, &t, &n);
    if (!rc)
        rc = rate_of("xd.p2", t, n, 0.54e-9, 2.04e-9, rin);
    if (!rc)
        rc = rate_of("xld.p2", t, n, 0.54e-9, 2.04e-9, rout);
    free(t);
    return rc;
}

/* Output rate of tb_neuron (excitatory per1, inhibitory per2 antifluxons). */
static int neuron_rate(double ith, double r1, double r2, double per1, double per2, double *re,
                       double *ri, double *rout)
{
    nc_spice_param_t p[] = {{"ith", ith}, {"per1", per1}, {"per2", per2}, {"a2", 600e-6},
                            {"pol2", -1}, {"r1", r1}, {"r2", r2}};
    double *t = NULL;
    size_t n = 0;
    int rc = simulate("cells/tb_neuron.cir", p, 7, 2.04e-9, 1, &t, &n);
    if (!rc)
        rc = rate_of("xd1.p2", t, n, 0.54e-9, 2.04e-9, re);
    if (!rc)
        rc = rate_of("xd2.p2", t, n, 0.54e-9, 2.04e-9, ri);
    if (!rc)
        rc = rate_of("xld.p2", t, n, 0.54e-9, 2.04e-9, rout);
    free(t);
    return rc;
}

/* The network's design values (circuits/networks/xor.cir); the fit characterises the cells
 * at exactly these values. */
#define W_EXC 67.5e-6
#define W_INH 67.5e-6
#define ITH1 75e-6
#define ITH2 65e-6
#define ITH3 99e-6
#define RH1 1.0
#define RH2 2.0
#define RO1 0.5
#define RO2 0.06

static int fit_synapse(int seeds, sfq_probit_t *syn)
{
    const double biases[] = {60e-6, 63e-6, 66e-6, 69e-6, 72e-6};
    double x[5 * 16], k[5 * 16], nn[5 * 16];
    size_t np = 0;
    for (size_t i = 0; i < 5; i++)
        for (int s = 0; s < seeds && s < 16; s++, np++) {
            x[np] = biases[i];
            int rc = nc_syn_measure(biases[i], 1000 + (uint64_t)s, 40, &k[np], &nn[np]);
            if (rc)
                return rc;
        }
    return sfq_probit_fit(x, k, nn, np, syn);
}

static int fit_neuron1(double ith, double r, sfq_relu_t *h)
{
    const double pers[] = {100e-12, 50e-12, 33.3e-12, 25e-12, 20e-12, 16.7e-12, 14.3e-12};
    double rin[7], rout[7];
    for (size_t i = 0; i < 7; i++) {
        int rc = neuron1_rate(ith, r, pers[i], &rin[i], &rout[i]);
        if (rc)
            return rc;
    }
    return sfq_relu_fit(rin, NULL, rout, 7, h);
}

static int fit_out(sfq_relu_t *o)
{
    const double pe[] = {200e-12, 100e-12, 50e-12}, pi[] = {1e-9, 400e-12, 200e-12};
    double re[9], ri[9], ro[9];
    size_t n = 0;
    for (size_t i = 0; i < 3; i++)
        for (size_t j = 0; j < 3; j++, n++) {
            int rc = neuron_rate(ITH3, RO1, RO2, pe[i], pi[j], &re[n], &ri[n], &ro[n]);
            if (rc)
                return rc;
        }
    return sfq_relu_fit(re, ri, ro, n, o);
}

int nc_xor_fit(int seeds, sfq_xor_model_t *m)
{
    /* the network's inputs are periodic and B is offset by 11 ps from A: two synapse outputs
     * never come closer than the merger's ~8 ps resolution, so no pulse merges (tau = 0) */
    m->w_exc = W_EXC, m->w_inh = W_INH, m->tau_merge = 0;
    int rc = fit_synapse(seeds, &m->syn);
    if (!rc)
        rc = fit_neuron1(ITH1, RH1, &m->h1);
    if (!rc)
        rc = fit_neuron1(ITH2, RH2, &m->h2);
    if (!rc)
        rc = fit_out(&m->out);
    return rc;
}
