/* spice_cells.c - cell testbenches against the timed model (see spice_cells.h). */
#include "spice_cells.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_hybrid.h"
#include "spice_pulse.h"
#include "spice_wave.h"

/* Seeded thermal noise of every junction (nc_cell_noise), off by default. */
static struct cell_noise {
    bool on;
    double temp_k;
    uint64_t seed;
    int runs;
    size_t tried, failed; /* testbench runs in margin searches, and how many failed */
} g_noise;

/* Global parameters set for every cell run (nc_cell_params), after bias and jjnoise. */
static struct cell_params {
    nc_spice_param_t p[2 + NC_CELL_MAX_PARAMS];
    char name[NC_CELL_MAX_PARAMS][64];
    size_t n;
} g_params;

/* Stimulus of the logic cells' testbenches: pulses every 50 ps from T0, over TSTOP. */
#define T0 40e-12
#define TSTOP 560e-12
#define TMAX NC_SPICE_TMAX /* switching times within 0.01 ps of the reference (spice.h) */
#define WALL_S 60.0

/* stimulus: pulses into the cell (see each tb_*.cir): every 50 ps from 40 ps to 540 ps (11);
 * mrg: a every 100 ps (6) + b 50 ps later (5); dff: d every 100 ps (6) + clk every 50 ps from
 * 65 ps (10); syn: 11 into each of its two instances; neuron1: 6 slow + 24 fast; neuron:
 * 48 fluxons + 6 antifluxons. More means a junction is oscillating (bias above its Ic), fewer
 * that a pulse was lost upstream. */
const nc_cell_desc_t nc_cells[] = {
    {"jtl", "cells/tb_jtl.cir", &sfq_t_jtl, 2, "Josephson transmission line stage", 11, TSTOP},
    {"dcsfq", "cells/tb_dcsfq.cir", &sfq_t_dcsfq, 3, "DC/SFQ converter (one pulse per rising edge)",
     11, TSTOP},
    {"spl", "cells/tb_spl.cir", &sfq_t_spl, 3, "splitter (fan-out 2)", 11, TSTOP},
    {"mrg", "cells/tb_mrg.cir", &sfq_t_mrg, 6, "merger (fan-in 2), buffered out", 11, TSTOP},
    {"dff", "cells/tb_dff.cir", &sfq_t_dff, 7, "D flip-flop, destructive readout, buffered q", 16,
     TSTOP},
    {"sfqdc", "cells/tb_sfqdc.cir", &sfq_t_sfqdc, 4,
     "SFQ/DC converter (each pulse toggles the DC level)", 11, TSTOP},
    {"tff", "cells/tb_tff.cir", &sfq_t_tff, 6, "T flip-flop: divides by 2 (out on pulses 2, 4, ...)",
     11, TSTOP},
    {"osc", "cells/tb_osc.cir", &sfq_t_osc, 3,
     "pulse generator: 10 / 40 GHz at 170 / 240 uA DC", 0, 1.5e-9},
    /* syn runs to 580 ps: its 11th pass (X3 at ~554 ps, ~8 ps later at bias 0.8) must reach
     * the load JTL inside the run, and the 12th input pulse (590 ps) must not start */
    {"syn", "cells/tb_syn2.cir", &sfq_t_syn, 4,
     "stochastic synapse (noise off: logic at both ends)", 22, 580e-12},
    {"neuron1", "cells/tb_neuron1.cir", NULL, 3,
     "neuron, one input (integrate, leak, fire)", 30, 1600e-12},
    {"neuron", "cells/tb_neuron.cir", NULL, 5,
     "neuron, excitatory + inhibitory input", 54, 1600e-12},
};
const size_t nc_cells_count = sizeof nc_cells / sizeof nc_cells[0];

/* Waveform signals of each testbench, labelled by role in signal-flow order (the sources'
 * or drivers' output junctions, every junction of the cell under test, the load). */
#define P(v, l) {v, l}
static const nc_wave_probe_t w_jtl[] = {P("xdrv.p2", "in"), P("xdut.p1", "dut_j1"),
                                        P("xdut.p2", "dut_j2_out"), P("xld.p2", "load")};
static const nc_wave_probe_t w_dcsfq[] = {P("xdut.p1", "dut_j1_reset"), P("xdut.p2", "dut_j2"),
                                          P("xdut.p3", "dut_j3_out"), P("xld.p2", "load")};
static const nc_wave_probe_t w_spl[] = {P("xdrv.p2", "in"), P("xdut.p1", "dut_j1"),
                                        P("xdut.p2", "dut_o1"), P("xdut.p3", "dut_o2"),
                                        P("xl1.p2", "load_1"), P("xl2.p2", "load_2")};
static const nc_wave_probe_t w_mrg[] = {P("xda.p2", "in_a"), P("xdb.p2", "in_b"),
                                        P("xdut.p1", "dut_j1_a"), P("xdut.p2", "dut_j2_b"),
                                        P("xdut.p3", "dut_esc_a"), P("xdut.p4", "dut_esc_b"),
                                        P("xdut.p5", "dut_merge"), P("xdut.p6", "dut_out_buffer"),
                                        P("xld.p2", "load")};
static const nc_wave_probe_t w_dff[] = {P("xdd.p2", "in_d"), P("xdc.p2", "in_clk"),
                                        P("xdut.p1", "dut_d"), P("xdut.p2", "dut_d_esc"),
                                        P("xdut.p3", "dut_store"), P("xdut.p5", "dut_clk"),
                                        P("xdut.p6", "dut_clk_esc"), P("xdut.p4", "dut_read"),
                                        P("xdut.p7", "dut_q_buffer"), P("xld.p2", "load")};
static const nc_wave_probe_t w_sfqdc[] = {P("xdrv.p2", "in"), P("xdut.p1", "dut_j1"),
                                          P("xdut.p2", "dut_esc"), P("xdut.p3", "dut_set"),
                                          P("xdut.p4", "dut_reset"),
                                          P("i(v.xdut.vq)", "dut_level")};
static const nc_wave_probe_t w_tff[] = {P("xdrv.p2", "in"), P("xdut.p1", "dut_j1"),
                                        P("xdut.p2", "dut_esc_set"), P("xdut.p3", "dut_esc_out"),
                                        P("xdut.p4", "dut_set"), P("xdut.p5", "dut_toggle"),
                                        P("xdut.p6", "dut_out"), P("xld.p2", "load")};
static const nc_wave_probe_t w_osc[] = {P("xlo.p1", "lo_gen"), P("xlo.p3", "lo_out"),
                                        P("xdut.p1", "hi_gen"), P("xdut.p3", "hi_out"),
                                        P("xneg.p1", "neg_gen"), P("xneg.p3", "neg_out"),
                                        P("xld.p2", "hi_load")};
static const nc_wave_probe_t w_syn[] = {P("xdon.p2", "in_on"),     P("xon.p1", "on_j1"),
                                        P("xon.p2", "on_esc"),     P("xon.p3", "on_pass"),
                                        P("xon.p4", "on_buf"),     P("xlon.p2", "on_load"),
                                        P("xdoff.p2", "in_off"),   P("xoff.p1", "off_j1"),
                                        P("xoff.p2", "off_esc"),   P("xoff.p3", "off_pass"),
                                        P("xoff.p4", "off_buf"),   P("xloff.p2", "off_load")};
static const nc_wave_probe_t w_neuron1[] = {P("xd.p2", "in"), P("xdut.p1", "dut_in"),
                                            P("xdut.p3", "dut_fire"), P("xdut.p4", "dut_out"),
                                            P("xld.p2", "load")};
static const nc_wave_probe_t w_neuron[] = {P("xd1.p2", "in_exc"), P("xd2.p2", "in_inh"),
                                           P("xdut.p1", "dut_exc"), P("xdut.p2", "dut_inh"),
                                           P("xdut.p3", "dut_fire"), P("xdut.p4", "dut_out"),
                                           P("xld.p2", "load")};
#undef P

const nc_wave_probe_t *nc_cell_probes(const nc_cell_desc_t *cell, size_t *n)
{
    static const struct {
        const char *name;
        const nc_wave_probe_t *p;
        size_t n;
    } t[] = {
#define W(c) {#c, w_##c, NC_ARRAY_LEN(w_##c)}
        W(jtl), W(dcsfq), W(spl), W(mrg), W(dff), W(sfqdc), W(tff), W(osc), W(syn), W(neuron1),
        W(neuron),
#undef W
    };
    for (size_t i = 0; cell && i < NC_ARRAY_LEN(t); i++)
        if (!strcmp(t[i].name, cell->name))
            return *n = t[i].n, t[i].p;
    *n = 0;
    return NULL;
}

const nc_cell_desc_t *nc_cell_find(const char *name)
{
    for (size_t i = 0; i < nc_cells_count; i++)
        if (strcmp(nc_cells[i].name, name) == 0)
            return &nc_cells[i];
    return NULL;
}

/* Pulses (slips up) of junction phase vector `probe`; *down gets the slips down. */
static int probe(const char *vec, sfq_train_t *out, size_t *down)
{
    if (down)
        *down = 0;
    nc_slips_t s;
    int rc = nc_spice_slips(vec, &s);
    if (rc)
        return rc;
    size_t dn = 0;
    for (size_t i = 0; i < s.n && rc == NC_OK; i++)
        if (s.dir[i] > 0)
            rc = sfq_train_push(out, s.t[i]);
        else
            dn++;
    if (down)
        *down = dn;
    nc_slips_free(&s);
    return rc;
}

/* Delay statistics of out against pred - nominal (pairs by index; equal counts). */
static void delay_stats(const sfq_train_t *pred, const sfq_train_t *out, double nominal,
                        nc_cell_result_t *r)
{
    double sum = 0, lo = INFINITY, hi = -INFINITY;
    size_t n = pred->n < out->n ? pred->n : out->n;
    for (size_t i = 0; i < n; i++) {
        double d = out->t[i] - (pred->t[i] - nominal);
        sum += d, lo = fmin(lo, d), hi = fmax(hi, d);
    }
    r->delay_s = n ? sum / n : NAN;
    r->delay_min_s = n ? lo : NAN;
    r->delay_max_s = n ? hi : NAN;
}

/* Compares, records the delay and the verdict (delay band = the timing's [lo, hi]). */
static void judge(const nc_cell_desc_t *c, const sfq_train_t *pred, const sfq_train_t *out,
                  nc_cell_result_t *r, const char *what)
{
    double tol = fmax(c->timing->nominal - c->timing->lo, c->timing->hi - c->timing->nominal);
    char why[200];
    if (sfq_train_compare(pred, out, tol, why, sizeof why) != NC_OK) {
        if (r->ok)
            snprintf(r->why, sizeof r->why, "%s: %s", what, why);
        r->ok = false;
    }
    if (sfq_train_compare(pred, out, NC_CELL_LOGIC_TOL, why, sizeof why) != NC_OK)
        r->logic_ok = false;
    if (isnan(r->delay_s))
        delay_stats(pred, out, c->timing->nominal, r);
}

static int check_jtl(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t in = {0}, out = {0}, pred = {0};
    int rc = probe("xdrv.p2", &in, NULL);
    if (!rc)
        rc = probe("xdut.p2", &out, NULL);
    if (!rc)
        rc = sfq_delay(&in, c->timing->nominal, &pred);
    if (!rc) {
        r->n_in = in.n, r->n_out = out.n;
        judge(c, &pred, &out, r, "out");
    }
    sfq_train_free(&in), sfq_train_free(&out), sfq_train_free(&pred);
    return rc;
}

static int check_dcsfq(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t edges = {0}, out = {0}, pred = {0};
    size_t resets = 0, back = 0;
    int rc = NC_OK;
    for (double t = T0; t + 2e-12 < TSTOP && !rc; t += 50e-12) /* rising edges: 5 ps ramps */
        rc = sfq_train_push(&edges, t);
    if (!rc)
        rc = probe("xdut.p3", &out, &back);
    sfq_train_t dummy = {0};
    if (!rc)
        rc = probe("xdut.p1", &dummy, &resets);
    if (!rc)
        rc = sfq_delay(&edges, c->timing->nominal, &pred);
    if (!rc) {
        /* pulses whose edge came too late to reach the output before TSTOP do not count */
        while (pred.n > out.n && pred.t[pred.n - 1] > TSTOP - 5e-12)
            pred.n--;
        r->n_in = edges.n, r->n_out = out.n;
        judge(c, &pred, &out, r, "out");
        size_t falls = 0;
        for (size_t i = 0; i < edges.n; i++)
            falls += edges.t[i] + 20e-12 < TSTOP;
        if (back != 0 || resets + 1 < falls) {
            r->ok = r->logic_ok = false;
            snprintf(r->why, sizeof r->why, "falling edges: %zu reset slips for %zu edges, %zu "
                     "antifluxons at the output", resets, falls, back);
        }
    }
    sfq_train_free(&edges), sfq_train_free(&out), sfq_train_free(&pred), sfq_train_free(&dummy);
    return rc;
}

static int check_spl(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t in = {0}, o1 = {0}, o2 = {0}, p1 = {0}, p2 = {0};
    int rc = probe("xdrv.p2", &in, NULL);
    if (!rc)
        rc = probe("xdut.p2", &o1, NULL);
    if (!rc)
        rc = probe("xdut.p3", &o2, NULL);
    if (!rc)
        rc = sfq_split(&in, c->timing->nominal, &p1, &p2);
    if (!rc) {
        r->n_in = in.n, r->n_out = o1.n + o2.n;
        judge(c, &p1, &o1, r, "o1");
        judge(c, &p2, &o2, r, "o2");
    }
    sfq_train_free(&in), sfq_train_free(&o1), sfq_train_free(&o2);
    sfq_train_free(&p1), sfq_train_free(&p2);
    return rc;
}

static int check_mrg(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t a = {0}, b = {0}, sa = {0}, sb = {0}, out = {0}, pred = {0};
    int rc = probe("xda.p2", &a, NULL);
    if (!rc)
        rc = probe("xdb.p2", &b, NULL);
    if (!rc)
        rc = probe("xsa.p3", &sa, NULL); /* what the sources sent */
    if (!rc)
        rc = probe("xsb.p3", &sb, NULL);
    if (!rc)
        rc = probe("xdut.p6", &out, NULL); /* the output buffer (issue 12) */
    if (!rc)
        rc = sfq_merge(&a, &b, c->timing->nominal, SFQ_MRG_RESOLUTION, &pred);
    if (!rc) {
        r->n_in = a.n + b.n, r->n_out = out.n;
        judge(c, &pred, &out, r, "out");
        if (a.n != sa.n || b.n != sb.n) {
            r->ok = r->logic_ok = false;
            snprintf(r->why, sizeof r->why, "pulses ran back up an input: a %zu (sent %zu), "
                     "b %zu (sent %zu)", a.n, sa.n, b.n, sb.n);
        }
    }
    sfq_train_free(&a), sfq_train_free(&b), sfq_train_free(&sa), sfq_train_free(&sb);
    sfq_train_free(&out), sfq_train_free(&pred);
    return rc;
}

static int check_dff(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t d = {0}, clk = {0}, q = {0}, pred = {0};
    int rc = probe("xdd.p2", &d, NULL);
    if (!rc)
        rc = probe("xdc.p2", &clk, NULL);
    if (!rc)
        rc = probe("xdut.p7", &q, NULL); /* the output buffer */
    if (!rc)
        rc = sfq_dff(&d, &clk, c->timing->nominal, &pred);
    if (!rc) {
        r->n_in = d.n + clk.n, r->n_out = q.n;
        judge(c, &pred, &q, r, "q");
    }
    sfq_train_free(&d), sfq_train_free(&clk), sfq_train_free(&q), sfq_train_free(&pred);
    return rc;
}

/* SFQ/DC: the set slips (X3) and reset slips (X4) against the toggle model, and the DC level
 * (the loop current through Vq) sampled halfway between input pulses: every 'full' sample must
 * exceed every 'empty' one by at least NC_SFQDC_MIN_STEP (half the current of one stored
 * quantum, Phi0 / (24 pH + 2 x 3.3 pH junction inductance) = 68 uA). The input's quantum on a
 * reset must leave through the escape X2, never back up the line (no slips down anywhere). */
/* Marks the result failed with the first reason given. */
static void fail(nc_cell_result_t *r, const char *why)
{
    if (r->ok || r->logic_ok)
        snprintf(r->why, sizeof r->why, "%s", why);
    r->ok = r->logic_ok = false;
}

/* T flip-flop (tb_tff.cir): the buffer X6 against the divider model (pulses 2, 4, ...); the
 * storing junction X4 on pulses 1, 3, ... (timed by sfq_t_tff_set); each pulse's own quantum
 * leaves through the escape of the other side (X3 on a set, X2 on an output); the load carries
 * every output; nothing slips down. */
static int check_tff(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t in = {0}, out = {0}, set = {0}, e2 = {0}, e3 = {0}, load = {0}, po = {0};
    sfq_train_t odd = {0}, ps = {0};
    size_t down = 0, d = 0;
    int rc = probe("xdrv.p2", &in, &d);
    down += d;
    if (!rc)
        rc = probe("xdut.p6", &out, &d), down += d;
    if (!rc)
        rc = probe("xdut.p4", &set, &d), down += d;
    if (!rc)
        rc = probe("xdut.p2", &e2, &d), down += d;
    if (!rc)
        rc = probe("xdut.p3", &e3, &d), down += d;
    if (!rc)
        rc = probe("xld.p2", &load, &d), down += d;
    if (!rc)
        rc = sfq_tff(&in, c->timing->nominal, &po);
    for (size_t i = 0; i < in.n && !rc; i += 2)
        rc = sfq_train_push(&odd, in.t[i]);
    if (!rc)
        rc = sfq_delay(&odd, sfq_t_tff_set.nominal, &ps);
    if (!rc) {
        r->n_in = in.n, r->n_out = out.n;
        nc_cell_desc_t cs = *c;
        cs.timing = &sfq_t_tff_set;
        judge(&cs, &ps, &set, r, "set (X4)");
        r->set_s = r->delay_s, r->set_spread_s = r->delay_max_s - r->delay_min_s;
        r->delay_s = NAN; /* the cell's delay: the output path */
        judge(c, &po, &out, r, "out (X6)");
        char why[200];
        snprintf(why, sizeof why, "escapes X2 %zu (for %zu outputs), X3 %zu (for %zu sets); "
                 "load %zu; %zu slips down", e2.n, out.n, e3.n, set.n, load.n, down);
        if (e2.n != out.n || e3.n != set.n || load.n != out.n || down)
            fail(r, why);
    }
    sfq_train_free(&in), sfq_train_free(&out), sfq_train_free(&set), sfq_train_free(&e2);
    sfq_train_free(&e3), sfq_train_free(&load), sfq_train_free(&po), sfq_train_free(&odd);
    sfq_train_free(&ps);
    return rc;
}

/* Pulse generators (tb_osc.cir at its default currents NC_OSC_I_LOW, NC_OSC_I_HIGH and
 * -NC_OSC_I_HIGH): logic = every generator slip leaves the buffer and reaches the load (the
 * buffer and the load may each miss the last one, still on its way at the end), all in the generator's direction
 * and at a rate within NC_OSC_LOGIC_TOL of the rate model (the rate is what the cell computes:
 * the margins are the bias range that keeps it there); ok also needs each rate within the
 * model's tolerance (sfq_osc_tol) and the gen->out delay in its band. */
static int check_osc(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    nc_osc_meas_t m[3];
    int rc = nc_osc_analyse(m);
    const double cur[3] = {NC_OSC_I_LOW, NC_OSC_I_HIGH, -NC_OSC_I_HIGH};
    static const char *const name[3] = {"low", "high", "mirrored"};
    for (int g = 0; g < 3 && !rc; g++) {
        char why[200];
        r->n_out += m[g].buf;
        if (m[g].buf > m[g].gen || m[g].buf + 1 < m[g].gen || m[g].load + 1 < m[g].buf ||
            m[g].load > m[g].buf ||
            m[g].wrong || !(m[g].rate > 1e9)) {
            snprintf(why, sizeof why, "%s generator: %zu slips, %zu left the buffer, %zu reached "
                     "the load, %zu against its direction, %.2f GHz", name[g], m[g].gen, m[g].buf,
                     m[g].load, m[g].wrong, m[g].rate / 1e9);
            fail(r, why);
            continue;
        }
        double want = sfq_osc_rate(&sfq_osc_nominal, cur[g]);
        double tol = sfq_osc_tol(&sfq_osc_nominal, want);
        if (!(fabs(m[g].rate - want) <= NC_OSC_LOGIC_TOL * want)) {
            snprintf(why, sizeof why, "%s generator at %.1f uA: %.3f GHz, more than %.0f%% from "
                     "the rate model's %.3f GHz", name[g], cur[g] * 1e6, m[g].rate / 1e9,
                     NC_OSC_LOGIC_TOL * 100, want / 1e9);
            fail(r, why);
        } else if (!(fabs(m[g].rate - want) <= tol) && r->ok) {
            snprintf(r->why, sizeof r->why, "%s generator at %.1f uA: %.3f GHz, the rate model "
                     "says %.3f +- %.3f GHz", name[g], cur[g] * 1e6, m[g].rate / 1e9, want / 1e9,
                     tol / 1e9);
            r->ok = false;
        }
    }
    if (!rc) { /* delay of the high generator: each buffer slip after its generator slip */
        sfq_train_t gen = {0}, out = {0}, pred = {0};
        rc = probe("xdut.p1", &gen, NULL);
        if (!rc)
            rc = probe("xdut.p3", &out, NULL);
        while (!rc && out.n < gen.n) /* the last generator slip may not have left yet */
            gen.n--;
        if (!rc)
            rc = sfq_delay(&gen, c->timing->nominal, &pred);
        if (!rc)
            judge(c, &pred, &out, r, "high generator gen->out");
        sfq_train_free(&gen), sfq_train_free(&out), sfq_train_free(&pred);
    }
    return rc;
}

static int check_sfqdc(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t in = {0}, set = {0}, reset = {0}, esc = {0}, ps = {0}, pr = {0};
    size_t d1 = 0, d2 = 0, d3 = 0;
    double *iq = NULL, *t = NULL;
    size_t niq = 0, nt = 0;
    int rc = probe("xdrv.p2", &in, NULL);
    if (!rc)
        rc = probe("xdut.p3", &set, &d1);
    if (!rc)
        rc = probe("xdut.p4", &reset, &d2);
    if (!rc)
        rc = probe("xdut.p2", &esc, &d3);
    if (!rc)
        rc = nc_spice_vec("v.xdut.vq#branch", &iq, &niq);
    if (!rc)
        rc = nc_spice_vec("time", &t, &nt);
    if (!rc)
        rc = sfq_toggle(&in, c->timing->nominal, sfq_t_sfqdc_reset.nominal, &ps, &pr);
    if (!rc) {
        r->n_in = in.n, r->n_out = set.n + reset.n;
        /* the reset path has its own delay and band: judged as a cell of that timing */
        nc_cell_desc_t cr = *c;
        cr.timing = &sfq_t_sfqdc_reset;
        judge(&cr, &pr, &reset, r, "reset (X4)");
        r->reset_s = r->delay_s, r->reset_spread_s = r->delay_max_s - r->delay_min_s;
        r->delay_s = NAN; /* the cell's delay figures: the set path (its primary timing) */
        judge(c, &ps, &set, r, "set (X3)");
        r->set_s = r->delay_s, r->set_spread_s = r->delay_max_s - r->delay_min_s;
        if (esc.n != pr.n || d1 + d2 + d3) {
            if (r->ok || r->logic_ok)
                snprintf(r->why, sizeof r->why, "escape X2 slipped %zu times for %zu resets; %zu "
                         "slips down", esc.n, pr.n, d1 + d2 + d3);
            r->ok = r->logic_ok = false;
        }
        double full_min = INFINITY, empty_max = -INFINITY;
        size_t nn = niq < nt ? niq : nt;
        for (size_t k = 0; k < in.n; k++) {
            double ts = in.t[k] + 25e-12;
            if (ts > t[nn - 1])
                break;
            double v = nc_interp(t, iq, nn, ts);
            if (k % 2 == 0)
                full_min = fmin(full_min, v);
            else
                empty_max = fmax(empty_max, v);
        }
        r->level_hi = full_min, r->level_lo = empty_max;
        if (!(full_min - empty_max >= NC_SFQDC_MIN_STEP)) {
            if (r->ok || r->logic_ok)
                snprintf(r->why, sizeof r->why, "DC level: lowest 'full' %.1f uA, highest 'empty' "
                         "%.1f uA (need a step of %.0f uA)", full_min * 1e6, empty_max * 1e6,
                         NC_SFQDC_MIN_STEP * 1e6);
            r->ok = r->logic_ok = false;
        }
    }
    free(iq), free(t);
    sfq_train_free(&in), sfq_train_free(&set), sfq_train_free(&reset), sfq_train_free(&esc);
    sfq_train_free(&ps), sfq_train_free(&pr);
    return rc;
}


/* Synapse (tb_syn2.cir, noise off): 'on' passes every pulse (X3, timed), its escape X2 never
 * slips; 'off' absorbs every pulse in X2, X3 never slips; the load carries on's pulses. */
static int check_syn(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    sfq_train_t in1 = {0}, in2 = {0}, pass1 = {0}, esc1 = {0}, pass2 = {0}, esc2 = {0};
    sfq_train_t load = {0}, pred = {0};
    size_t down = 0, d = 0;
    int rc = probe("xdon.p2", &in1, &d);
    down += d;
    if (!rc)
        rc = probe("xdoff.p2", &in2, &d), down += d;
    if (!rc)
        rc = probe("xon.p3", &pass1, &d), down += d;
    if (!rc)
        rc = probe("xon.p2", &esc1, &d), down += d;
    if (!rc)
        rc = probe("xoff.p3", &pass2, &d), down += d;
    if (!rc)
        rc = probe("xoff.p2", &esc2, &d), down += d;
    if (!rc)
        rc = probe("xlon.p2", &load, &d), down += d;
    if (!rc)
        rc = sfq_delay(&in1, c->timing->nominal, &pred);
    if (!rc) {
        r->n_in = in1.n + in2.n, r->n_out = pass1.n + pass2.n;
        judge(c, &pred, &pass1, r, "weight high");
        char why[200];
        snprintf(why, sizeof why, "weight high: %zu passed, %zu absorbed of %zu; weight low: %zu "
                 "passed, %zu absorbed of %zu; %zu reached the load; %zu slips down",
                 pass1.n, esc1.n, in1.n, pass2.n, esc2.n, in2.n, load.n, down);
        if (esc1.n || pass2.n || esc2.n != in2.n || load.n != pass1.n || down)
            fail(r, why);
    }
    sfq_train_free(&in1), sfq_train_free(&in2), sfq_train_free(&pass1), sfq_train_free(&esc1);
    sfq_train_free(&pass2), sfq_train_free(&esc2), sfq_train_free(&load), sfq_train_free(&pred);
    return rc;
}

/* Neurons: firings (X3) per phase, the output buffer (X4) passes each, nothing runs backwards.
 * Phase windows start 200 ps after a phase's stimulus changes (two integrator time constants
 * of h1, L/R = 100 ps) and end where the next change starts.
 *  neuron1 (tb_neuron1.cir): 10 GHz from 40 ps, 40 GHz from 640 to 1215 ps: silent in
 *          [240, 640), fires in [640, 1240) (from the first fast pulse on), silent in [1415, end);
 *  neuron  (tb_neuron.cir): excitation from 40 ps, inhibition joins at 647 ps, both stop
 *          by 1215 ps: fires in [40, 647), silent in [847, 1215) and in [1415, end). */
static int check_neuron(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    bool one = !strcmp(c->name, "neuron1");
    sfq_train_t exc = {0}, inh = {0}, fire = {0}, out = {0};
    size_t down = 0, inh_n = 0, d = 0;
    int rc = probe(one ? "xd.p2" : "xd1.p2", &exc, &d);
    down += d;
    if (!rc && !one)
        rc = probe("xd2.p2", &inh, &inh_n), down += inh.n; /* antifluxons: slips down */
    if (!rc)
        rc = probe("xdut.p3", &fire, &d), down += d;
    if (!rc)
        rc = probe("xdut.p4", &out, &d), down += d;
    if (!rc) {
        double end = c->tstop;
        const double w[3][2] = {{one ? 240e-12 : 40e-12, one ? 640e-12 : 647e-12},
                                {one ? 640e-12 : 847e-12, one ? 1240e-12 : 1215e-12},
                                {1415e-12, end}};
        for (int k = 0; k < 3; k++)
            r->fires[k] = sfq_train_count(&fire, w[k][0], w[k][1]);
        r->n_in = exc.n + inh_n, r->n_out = out.n;
        /* latency: from the last excitatory input pulse before each firing to the firing */
        double sum = 0, lo = INFINITY, hi = -INFINITY;
        size_t nd = 0;
        for (size_t i = 0, j = 0; i < fire.n; i++) {
            while (j < exc.n && exc.t[j] < fire.t[i])
                j++;
            if (j == 0)
                continue;
            double dl = fire.t[i] - exc.t[j - 1];
            sum += dl, lo = fmin(lo, dl), hi = fmax(hi, dl), nd++;
        }
        r->delay_s = nd ? sum / (double)nd : NAN;
        r->delay_min_s = nd ? lo : NAN, r->delay_max_s = nd ? hi : NAN;
        size_t want[3] = {0, 1, 0}; /* which phase must fire */
        if (!one)
            want[0] = 1, want[1] = 0;
        bool phases = true;
        for (int k = 0; k < 3; k++)
            phases &= want[k] ? r->fires[k] >= 2 : r->fires[k] == 0;
        char why[200];
        snprintf(why, sizeof why, "fired %zu / %zu / %zu times in the three phases (must: %s); "
                 "%zu firings, %zu left the buffer; %zu slips down", r->fires[0], r->fires[1],
                 r->fires[2], one ? "0 / >= 2 / 0" : ">= 2 / 0 / 0", fire.n, out.n, down);
        if (!phases || out.n != fire.n || fire.n > exc.n || down)
            fail(r, why);
    }
    sfq_train_free(&exc), sfq_train_free(&inh), sfq_train_free(&fire), sfq_train_free(&out);
    return rc;
}

typedef int (*check_fn)(const nc_cell_desc_t *, nc_cell_result_t *);

static void check_stimulus(const nc_cell_desc_t *c, nc_cell_result_t *r)
{
    size_t want = c->stimulus;
    if (r->n_in == want)
        return;
    if (r->ok || r->logic_ok)
        snprintf(r->why, sizeof r->why, "%zu pulses reached the cell's inputs, the stimulus sent "
                 "%zu (a junction oscillates or a pulse was lost upstream)", r->n_in, want);
    r->ok = r->logic_ok = false;
}

static check_fn checker(const char *name)
{
    if (!strcmp(name, "jtl"))
        return check_jtl;
    if (!strcmp(name, "dcsfq"))
        return check_dcsfq;
    if (!strcmp(name, "spl"))
        return check_spl;
    if (!strcmp(name, "mrg"))
        return check_mrg;
    if (!strcmp(name, "dff"))
        return check_dff;
    if (!strcmp(name, "sfqdc"))
        return check_sfqdc;
    if (!strcmp(name, "tff"))
        return check_tff;
    if (!strcmp(name, "osc"))
        return check_osc;
    if (!strcmp(name, "syn"))
        return check_syn;
    if (!strcmp(name, "neuron1") || !strcmp(name, "neuron"))
        return check_neuron;
    return NULL;
}

static int rest_ratio(const nc_cell_desc_t *cell, nc_cell_result_t *r);

int nc_cell_run(const nc_cell_desc_t *cell, double bias, const char *wave_path,
                nc_cell_result_t *r)
{
    *r = (nc_cell_result_t){.ok = true, .logic_ok = true, .delay_s = NAN, .delay_min_s = NAN,
                            .delay_max_s = NAN, .level_hi = NAN, .level_lo = NAN,
                            .set_s = NAN, .reset_s = NAN, .set_spread_s = NAN,
                            .reset_spread_s = NAN};
    check_fn check = cell ? checker(cell->name) : NULL;
    if (!check)
        return nc_err_set(NC_ERR_ARG, "no cell testbench named '%s'", cell ? cell->name : "?");
    if (!(bias > 0.1 && bias < 3.0))
        return nc_err_set(NC_ERR_ARG, "%s: bias scale %g outside (0.1, 3)", cell->testbench, bias);
    nc_spice_param_t *par = g_params.p;
    par[0] = (nc_spice_param_t){"bias", bias};
    par[1] = (nc_spice_param_t){"jjnoise", g_noise.on ? 1 : 0};
    nc_spice_tran_t tr = {TMAX, cell->tstop, TMAX, WALL_S};
    /* the cells' logic: noise off (syn's sources), unless nc_cell_noise() asked for it */
    int rc = g_noise.on ? nc_spice_noise(g_noise.temp_k, NC_CELL_RNOISE, NC_CELL_NOISE_DT)
                        : nc_spice_noise(0, 1, TMAX);
    if (!rc && g_noise.on)
        rc = nc_spice_seed(g_noise.seed);
    if (!rc)
        rc = nc_spice_load(cell->testbench, par, 2 + g_params.n, &tr);
    if (!rc)
        rc = nc_spice_run();
    if (rc)
        return rc;
    r->wall_s = nc_spice_last_wall_s();
    rc = rest_ratio(cell, r);
    if (!rc)
        rc = check(cell, r);
    if (!rc)
        check_stimulus(cell, r);
    if (!rc && wave_path) {
        size_t np;
        const nc_wave_probe_t *p = nc_cell_probes(cell, &np);
        rc = nc_spice_wave_write(wave_path, p, np, NULL);
    }
    return rc;
}

/* The worst junction bias ratio of the cell at rest (r->bias_ratio, r->worst_junction). */
static int rest_ratio(const nc_cell_desc_t *cell, nc_cell_result_t *r)
{
    const char *inst = strcmp(cell->name, "syn") ? "xdut" : "xon";
    double *t = NULL;
    size_t n = 0;
    int rc = nc_spice_vec("time", &t, &n);
    r->bias_ratio = 0, r->worst_junction = 0;
    /* phase nodes p<k> of the cell's X<k>; some cells skip numbers (the neurons: p1 p3 p4) */
    int found = 0;
    for (int k = 1; k <= 16 && !rc; k++) {
        char name[32];
        double *ph = NULL;
        size_t m = 0;
        snprintf(name, sizeof name, "%s.p%d", inst, k);
        if (nc_spice_vec(name, &ph, &m) != NC_OK)
            continue; /* no junction X<k> */
        found++;
        double q = fabs(sin(nc_interp(t, ph, m < n ? m : n, NC_CELL_T_REST)));
        if (q > r->bias_ratio)
            r->bias_ratio = q, r->worst_junction = k;
        free(ph);
    }
    free(t);
    nc_err_clear();
    if (!rc && !found)
        rc = nc_err_set(NC_ERR_SIM, "%s: no phase node %s.p1 ... %s.p16 of the cell's "
                        "junctions", cell->testbench, inst, inst);
    return rc;
}

/* Passes at bias b? (a failed simulation counts as not working, e.g. at extreme biases).
 * With noise (nc_cell_noise): every one of the runs (seeds seed, seed + 1, ...) must pass; the
 * runs that failed are counted in g_noise.failed. */
static int works(const nc_cell_desc_t *c, double b, bool *ok)
{
    int runs = g_noise.on ? g_noise.runs : 1;
    uint64_t seed0 = g_noise.seed;
    *ok = true;
    int rc = NC_OK;
    for (int k = 0; k < runs && *ok && !rc; k++) {
        nc_cell_result_t r;
        g_noise.seed = seed0 + (uint64_t)k;
        rc = nc_cell_run(c, b, NULL, &r);
        if (rc == NC_ERR_SIM || rc == NC_ERR_TIMEOUT)
            rc = NC_OK, r.logic_ok = false;
        *ok = rc == NC_OK && r.logic_ok;
        if (g_noise.on) {
            g_noise.tried++;
            g_noise.failed += !*ok;
        }
    }
    g_noise.seed = seed0;
    return rc;
}

int nc_cell_noise(bool on, double temp_k, uint64_t seed, int runs)
{
    if (on && (!(temp_k > 0 && temp_k <= 300) || runs < 1 || runs > 1000))
        return nc_err_set(NC_ERR_ARG, "cell noise: %g K, %d runs: expected 0 < T <= 300 K and "
                          "1..1000 runs per bias point", temp_k, runs);
    g_noise = (struct cell_noise){.on = on, .temp_k = temp_k, .seed = seed, .runs = runs};
    return NC_OK;
}

int nc_cell_params(const nc_spice_param_t *p, size_t n)
{
    if (n > NC_CELL_MAX_PARAMS)
        return nc_err_set(NC_ERR_ARG, "cell parameters: %zu given, at most %d", n,
                          NC_CELL_MAX_PARAMS);
    for (size_t i = 0; i < n; i++) {
        if (!p[i].name || !*p[i].name || strlen(p[i].name) >= sizeof g_params.name[0])
            return nc_err_set(NC_ERR_ARG, "cell parameter %zu: a name of 1..%zu characters "
                              "expected", i + 1, sizeof g_params.name[0] - 1);
        if (!strcasecmp(p[i].name, "bias") || !strcasecmp(p[i].name, "jjnoise"))
            return nc_err_set(NC_ERR_ARG, "cell parameter '%s': set by the %s, not as a "
                              "parameter", p[i].name, strcasecmp(p[i].name, "bias") ?
                              "noise switch (--noise)" : "bias scale (--bias)");
    }
    g_params.n = n;
    for (size_t i = 0; i < n; i++) {
        snprintf(g_params.name[i], sizeof g_params.name[i], "%s", p[i].name);
        g_params.p[2 + i] = (nc_spice_param_t){g_params.name[i], p[i].value};
    }
    return NC_OK;
}

void nc_cell_noise_counts(size_t *tried, size_t *failed)
{
    *tried = g_noise.tried, *failed = g_noise.failed;
}

/* Edge of the working region from `good` towards `dir` (+1/-1). */
static int edge(const nc_cell_desc_t *c, double good, int dir, double res, double *out)
{
    const double step = 0.1, limit = dir > 0 ? 2.0 : 0.2;
    double bad = good;
    bool ok = true;
    while (ok) {
        bad += dir * step;
        if ((dir > 0 && bad > limit) || (dir < 0 && bad < limit)) {
            *out = limit; /* works over the whole scanned range */
            return NC_OK;
        }
        int rc = works(c, bad, &ok);
        if (rc)
            return rc;
        if (ok)
            good = bad;
    }
    while (fabs(bad - good) > res) {
        double mid = 0.5 * (good + bad);
        int rc = works(c, mid, &ok);
        if (rc)
            return rc;
        *(ok ? &good : &bad) = mid;
    }
    *out = good;
    return NC_OK;
}

int nc_cell_margins(const nc_cell_desc_t *cell, double resolution, double *lo, double *hi)
{
    bool ok;
    int rc = works(cell, 1.0, &ok);
    if (rc)
        return rc;
    if (!ok)
        return nc_err_set(NC_ERR_MISMATCH, "%s: fails at nominal bias 1.0: no margins",
                          cell->testbench);
    rc = edge(cell, 1.0, -1, resolution, lo);
    return rc ? rc : edge(cell, 1.0, +1, resolution, hi);
}

int nc_cell_margin_job(size_t i, void *arg, void *result)
{
    nc_margin_t *m = result;
    return nc_cell_margins(&nc_cells[i], *(const double *)arg, &m->lo, &m->hi);
}

/* ---- the speed study's JTL runs ---- */

void nc_jtl_run_free(nc_jtl_run_t *r)
{
    if (r->slips)
        for (size_t k = 0; k < 2 * r->stages; k++)
            nc_slips_free(&r->slips[k]);
    free(r->slips);
    *r = (nc_jtl_run_t){0};
}

int nc_jtl_run(size_t stages, bool ref, double tstop, nc_jtl_run_t *out)
{
    *out = (nc_jtl_run_t){0};
    const char *tb = stages == 16 ? "cells/tb_jtl16.cir" : stages == 64 ? "cells/tb_jtl64.cir" : NULL;
    if (!tb)
        return nc_err_set(NC_ERR_ARG, "JTL speed run: %zu stages (expected 16 or 64)", stages);
    if (!(tstop >= 100e-12 && tstop <= 100e-9))
        return nc_err_set(NC_ERR_ARG, "JTL speed run: stop time %g s (expected 100 ps to 100 ns)",
                          tstop);
    double tmax = ref ? NC_SPICE_TMAX_REF : NC_SPICE_TMAX;
    nc_spice_param_t p[] = {{"jjref", ref ? 1 : 0}};
    nc_spice_tran_t tr = {tmax, tstop, tmax, 60.0 + tstop * 1e9 * (double)stages * 4};
    int rc = nc_spice_load(tb, p, 1, &tr);
    if (!rc)
        rc = nc_spice_run();
    double *t = NULL;
    size_t n = 0;
    if (!rc)
        rc = nc_spice_vec("time", &t, &n);
    free(t);
    if (rc)
        return rc;
    out->stages = stages, out->junctions = 2 * stages + 3, out->points = n;
    out->wall_s = nc_spice_last_wall_s(), out->sim_s = tstop;
    if (!(out->slips = calloc(2 * stages, sizeof *out->slips)))
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", tb);
    for (size_t k = 0; k < 2 * stages && !rc; k++) {
        char name[32];
        snprintf(name, sizeof name, "xj%zu.p%zu", k / 2 + 1, k % 2 + 1);
        rc = nc_spice_slips(name, &out->slips[k]);
    }
    if (rc)
        nc_jtl_run_free(out);
    return rc;
}

int nc_jtl_compare(const nc_jtl_run_t *a, const nc_jtl_run_t *b, double *worst_s, size_t *n)
{
    *worst_s = 0, *n = 0;
    if (a->stages != b->stages || !a->slips || !b->slips)
        return nc_err_set(NC_ERR_ARG, "JTL compare: runs of %zu and %zu stages", a->stages,
                          b->stages);
    for (size_t k = 0; k < 2 * a->stages; k++) {
        const nc_slips_t *x = &a->slips[k], *y = &b->slips[k];
        if (x->n != y->n)
            return nc_err_set(NC_ERR_SIM, "JTL stage %zu junction %zu: %zu switchings against "
                              "%zu", k / 2 + 1, k % 2 + 1, x->n, y->n);
        for (size_t i = 0; i < x->n; i++)
            *worst_s = fmax(*worst_s, fabs(x->t[i] - y->t[i]));
        *n += x->n;
    }
    return NC_OK;
}
