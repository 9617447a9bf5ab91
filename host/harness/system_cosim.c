/* system_cosim.c - the hybrid system end to end (system_cosim.h). */
#define _POSIX_C_SOURCE 200809L
#include "system_cosim.h"

#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "hybrid_regs.h"
#include "nc_error.h"
#include "nc_platform.h"
#include "nc_util.h"
#include "sfq_osc.h"
#include "sfq_rate.h"
#include "snn_drv.h"
#include "snn_model.h"
#include "spice.h"
#include "spice_couple.h"
#include "spice_hybrid.h"
#include "spice_par.h"
#include "spice_wave.h"
#include "spice_xor.h"
#include "system_drv.h"
#include "system_model.h"

#define CHIP_BASE 0x60000000u
#define CHIP_SIZE (1u << 24)
#define SNN_STEPS_AFTER 4u /* steps the decision layer runs past the window's last event */

/* ---- the analog side: netlist names (circuits/networks/xor_hybrid.cir) ---- */

/* docs/sfq_interface.md: an 8-bit DAC of 1 uA per code; the watched junction is the divider's
 * output (NC_HYBRID_WATCH); the rates are counted at the retimed inputs and the output JTL. */
#define SYS_DAC_LSB 1e-6
#define SYS_PROBE_IFACE NC_HYBRID_WATCH
#define SYS_PROBE_A "xja.p2"
#define SYS_PROBE_B "xjb.p2"
#define SYS_PROBE_OUT "xjo.p2"

/* The code for a generator rate of 1 / period_s, from the generator's rate model (sfq_osc.h);
 * 0 when the rate is outside the model's range. */
uint8_t sys_dac_code(double period_s)
{
    double amps;
    if (sfq_osc_current(&sfq_osc_nominal, 1.0 / period_s, &amps) != NC_OK)
        return 0;
    double code = round(amps / SYS_DAC_LSB);
    return code < 1 ? 0 : code > 255 ? 255 : (uint8_t)code;
}
double sys_dac_lsb(void) { return SYS_DAC_LSB; }
const char *sys_probe_iface(void) { return SYS_PROBE_IFACE; }

/* The DAC: 8 bits per input; each code biases a generator pair (fluxons, antifluxons). */
#define DAC_AMPS_PER_CODE SYS_DAC_LSB
static const nc_couple_drive_t k_drives[] = {
    {"idac_a", 0, 8, DAC_AMPS_PER_CODE, 0.0},  {"idac_an", 0, 8, -DAC_AMPS_PER_CODE, 0.0},
    {"idac_b", 8, 8, DAC_AMPS_PER_CODE, 0.0},  {"idac_bn", 8, 8, -DAC_AMPS_PER_CODE, 0.0},
};
#define START_BIT 16

/* Probes: the interface level (gpi[0]) and, recorded only, the generators and the output. */
enum { P_IFACE, P_A, P_B, P_OUT, P_N };
static const nc_couple_probe_t k_probes[P_N] = {
    [P_IFACE] = {SYS_PROBE_IFACE, 0},
    [P_A] = {SYS_PROBE_A, NC_COUPLE_NO_PIN},
    [P_B] = {SYS_PROBE_B, NC_COUPLE_NO_PIN},
    [P_OUT] = {SYS_PROBE_OUT, NC_COUPLE_NO_PIN},
};

/* ---- a bus that counts the driver's accesses (each one TLM transaction) ---- */

typedef struct counting {
    bus_t *inner;
    uint64_t n;
    bus_t bus;
} counting_t;

static int c_read(void *c, uint32_t a, uint32_t *v)
{
    counting_t *x = c;
    x->n++;
    return x->inner->ops->read32(x->inner->ctx, a, v);
}
static int c_write(void *c, uint32_t a, uint32_t v)
{
    counting_t *x = c;
    x->n++;
    return x->inner->ops->write32(x->inner->ctx, a, v);
}
static void c_idle(void *c, uint32_t cycles)
{
    counting_t *x = c;
    bus_idle(x->inner, cycles);
}
static int c_wburst(void *c, uint32_t a, const uint32_t *s, size_t n)
{
    counting_t *x = c;
    x->n++;
    return x->inner->ops->write_burst(x->inner->ctx, a, s, n);
}
static int c_rburst(void *c, uint32_t a, uint32_t *d, size_t n)
{
    counting_t *x = c;
    x->n++;
    return x->inner->ops->read_burst(x->inner->ctx, a, d, n);
}
static int c_wait_irq(void *c, uint32_t max_cycles)
{
    counting_t *x = c;
    return x->inner->ops->wait_irq(x->inner->ctx, max_cycles);
}
static const struct bus_ops k_counting_ops = {c_read, c_write, c_idle, c_wburst, c_rburst, NULL,
                                              c_wait_irq};

/* ---- the decision layer: one neuron, fires at each interface event of the window ---- */

static int decision_net(snn_net_t *net)
{
    int rc = snn_net_init(net, 1, 1);
    if (rc)
        return rc;
    net->wexp = 6; /* 64 << 6 = 4096 per event */
    net->neuron[0] = (snn_neuron_params_t){.du = 4095, .dv = 0, .vth = 32, .astro = -1,
                                           .out = true};
    return snn_net_add_syn(net, 0, 0, 64, 0);
}

/* ---- the host program ---- */

typedef struct prog_ctx {
    const sys_cfg_t *cfg;
    hyb_window_t win;
    uint32_t steps;
    hyb_result_t hw;
    snn_event_t out[64];
    size_t n_out;
    snn_counters_t cnt;
    counting_t cb;
    uint64_t tr0;
} prog_ctx_t;

static int prog(nc_platform_t *p, void *arg)
{
    prog_ctx_t *x = arg;
    bus_t *raw = nc_platform_bus(p, "chip");
    if (!raw)
        return nc_err_status();
    x->cb = (counting_t){raw, 0, {&k_counting_ops, &x->cb, raw->name, raw->size}};
    bus_t *bus = &x->cb.bus;
    x->tr0 = nc_platform_transactions(p);
    snn_dev_t d;
    snn_net_t net;
    int rc = decision_net(&net);
    if (rc)
        return rc;
    if ((rc = hyb_open(bus)) || (rc = snn_dev_open(bus, &d)) || (rc = snn_dev_load(&d, &net)) ||
        (rc = snn_dev_clear(&d)) || (rc = hyb_arm(bus, &x->win)) || (rc = hyb_start(bus)) ||
        (rc = hyb_wait(bus, x->win.window + 4096)) || (rc = hyb_read(bus, &x->hw)) ||
        (rc = hyb_stop(bus)) || (rc = snn_dev_run(&d, x->steps)) ||
        (rc = snn_dev_drain(&d, 0, x->out, NC_ARRAY_LEN(x->out), &x->n_out)) ||
        (rc = snn_dev_counters(&d, &x->cnt))) {
        snn_net_free(&net);
        return rc;
    }
    snn_net_free(&net);
    return NC_OK;
}

/* ---- checks ---- */

static void why(sys_result_t *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void why(sys_result_t *r, const char *fmt, ...)
{
    if (r->why[0])
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->why, sizeof r->why, fmt, ap);
    va_end(ap);
}

/* Rate of a probe's slips (net count) over the XOR's counting window, in analog time. */
static double probe_rate(const nc_couple_slip_t *s, size_t n, uint32_t probe, double t_on_ps)
{
    long net = 0;
    for (size_t i = 0; i < n; i++) {
        double t = (s[i].t_ps - t_on_ps) * 1e-12;
        if (s[i].probe == probe && t >= NC_XOR_TFROM && t < NC_XOR_TSTOP)
            net += s[i].dir;
    }
    return labs(net) / (NC_XOR_TSTOP - NC_XOR_TFROM);
}

/* The golden models fed with the observed analog events; counts mismatches. */
static void check_digital(const prog_ctx_t *x, const nc_couple_t *cp, sys_result_t *r)
{
    size_t ns;
    const nc_couple_slip_t *s = nc_couple_slips(cp, &ns);
    double *tg = malloc((ns ? ns : 1) * sizeof *tg);
    size_t nt = 0;
    for (size_t i = 0; tg && i < ns; i++)
        if (s[i].probe == P_IFACE)
            tg[nt++] = s[i].t_ps;
    sysm_cfg_t mc = {r->t_on_ps, SYS_CLK_PS, x->win.window, x->win.holdoff, x->win.step_cycles,
                     x->win.axon};
    uint32_t cyc[HYB_LOG_WORDS];
    snn_event_t ev[256];
    size_t want = tg ? sysm_expect(&mc, tg, nt, cyc, ev, NC_ARRAY_LEN(ev)) : 0;
    free(tg);
    r->edges_model = (uint32_t)want;
    if (x->hw.edges != want)
        r->mismatches++, why(r, "interface: %u level changes detected, the model expects %zu",
                             x->hw.edges, want);
    for (size_t i = 0; i < want && i < HYB_LOG_WORDS; i++)
        if (x->hw.log[i] != cyc[i]) {
            r->mismatches++;
            why(r, "interface: change %zu logged at cycle %u, the model says %u", i, x->hw.log[i],
                cyc[i]);
        }
    if (x->hw.events != want || x->hw.drops)
        r->mismatches++, why(r, "encoder: %u events written, %u dropped, for %zu changes",
                             x->hw.events, x->hw.drops, want);
    /* the decision layer on the expected events */
    snn_net_t net;
    snn_model_t m;
    uint32_t spikes_model = 0;
    int cls_model = 0;
    if (decision_net(&net) == NC_OK && snn_model_init(&m, &net, 4) == NC_OK) {
        size_t k = 0;
        for (uint32_t t = 0; t < x->steps; t++) {
            uint32_t ax[256], sp[16];
            size_t na = 0, nsp = 0;
            while (k < want && k < NC_ARRAY_LEN(ev) && ev[k].step == t)
                ax[na++] = ev[k++].id;
            snn_model_step(&m, ax, na, sp, &nsp);
            spikes_model += (uint32_t)nsp;
            for (size_t j = 0; j < nsp; j++) {
                size_t o = spikes_model - nsp + j;
                if (o >= x->n_out || x->out[o].step != t || x->out[o].id != sp[j]) {
                    r->mismatches++;
                    why(r, "SNN: output spike %zu (step %u, neuron %u) not matched by the core", o,
                        t, sp[j]);
                }
            }
        }
        snn_model_free(&m);
        cls_model = spikes_model > 0;
    }
    snn_net_free(&net);
    r->spikes_model = spikes_model;
    r->spikes_rtl = (uint32_t)x->n_out;
    r->cls_model = cls_model;
    if (r->spikes_rtl != r->spikes_model)
        r->mismatches++, why(r, "SNN: %u output spikes, the model %u", r->spikes_rtl,
                             r->spikes_model);
    if (x->cnt.in_drops || x->cnt.late_drops || x->cnt.tstep != x->steps)
        r->mismatches++, why(r, "SNN: %u input drops, %u late drops, %u of %u steps run",
                             x->cnt.in_drops, x->cnt.late_drops, x->cnt.tstep, x->steps);
}

static void check_rates(const nc_couple_t *cp, sys_result_t *r)
{
    size_t ns;
    const nc_couple_slip_t *s = nc_couple_slips(cp, &ns);
    r->rate_a = probe_rate(s, ns, P_A, r->t_on_ps);
    r->rate_b = probe_rate(s, ns, P_B, r->t_on_ps);
    r->rate_out = probe_rate(s, ns, P_OUT, r->t_on_ps);
    r->cls_analog = r->rate_out > NC_XOR_THRESHOLD;
    sfq_xor_model_t m;
    if (nc_xor_model_load(&m) != NC_OK) {
        why(r, "rate model: %s", nc_err_msg());
        return;
    }
    sfq_xor_rates_t p;
    sfq_xor_predict(&m, r->rate_a, r->rate_b, &p);
    r->pred_out = p.out;
    r->tol_out = sfq_xor_interval(&m.out, p.out, NC_XOR_TSTOP - NC_XOR_TFROM);
    r->rates_ok = fabs(r->rate_out - r->pred_out) <= r->tol_out;
    if (!r->rates_ok)
        why(r, "analog: output rate %.2f GHz outside the model's %.2f +- %.2f GHz (inputs %.1f, "
            "%.1f GHz)", r->rate_out / 1e9, r->pred_out / 1e9, r->tol_out / 1e9,
            r->rate_a / 1e9, r->rate_b / 1e9);
}

/* ---- the waveform: the chip's RTL, the analog traces, the bus, one axis ---- */

static int write_waves(nc_platform_t *p, const char *rtl, const char *out, double t_on_ps,
                       double span_s, double end_ps)
{
    char ana[PATH_MAX];
    snprintf(ana, sizeof ana, "%s.analog.tmp", out);
    int rc = nc_spice_wave_write(ana, nc_hybrid_probes, nc_hybrid_nprobes, NULL);
    if (rc == NC_OK) {
        /* spice_wave.h: time unit 1 fs from the transient's start = the bias edge */
        nc_wave_in_t in = {ana, 0, 1e-3, (uint64_t)llround(t_on_ps), "sfq"};
        rc = nc_platform_write_waves_with(p, "chip", rtl, &in, 1, out);
    }
    /* Beside FILE.fst, for make waves (rtl/hybrid/hybrid_waves.tcl): FILE.view, the part of
     * the run it opens on; FILE.signals, the analog signals in signal-flow order. */
    size_t n = strlen(out);
    int stem = (int)(n > 4 && !strcmp(out + n - 4, ".fst") ? n - 4 : n);
    if (rc == NC_OK) {
        char view[PATH_MAX], text[64];
        snprintf(view, sizeof view, "%.*s.view", stem, out);
        double from = fmax(0, t_on_ps - 5e3), to = fmax(end_ps, t_on_ps + span_s * 1e12);
        snprintf(text, sizeof text, "%.0f %.0f\n", from, to);
        rc = nc_write_file(view, text, strlen(text));
    }
    if (rc == NC_OK) {
        char side[PATH_MAX], text[4096];
        size_t used = 0;
        for (size_t i = 0; i < nc_hybrid_nprobes && used + 80 < sizeof text; i++)
            used += (size_t)snprintf(text + used, sizeof text - used, "sfq.spice.%s\n",
                                     nc_hybrid_probes[i].label);
        snprintf(side, sizeof side, "%.*s.signals", stem, out);
        rc = nc_write_file(side, text, used);
    }
    unlink(ana);
    char sig[PATH_MAX];
    snprintf(sig, sizeof sig, "%s.analog.signals", out); /* spice_wave's layout file */
    unlink(sig);
    return rc;
}

/* ---- one run ---- */

int sys_run(const sys_cfg_t *cfg, sys_result_t *r)
{
    double t0 = nc_now_s();
    memset(r, 0, sizeof *r);
    r->a = cfg->a, r->b = cfg->b, r->seed = cfg->seed;
    r->cls_want = cfg->a ^ cfg->b;
    r->t_on_ps = -1;
    double span = cfg->span_s > 0 ? cfg->span_s : NC_XOR_TSTOP;
    double scale = cfg->dac_scale > 0 ? cfg->dac_scale : 1.0;
    prog_ctx_t x = {.cfg = cfg};
    x.win = (hyb_window_t){
        .dac_a = sys_dac_code(cfg->a ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW),
        .dac_b = sys_dac_code(cfg->b ? NC_XOR_PER_HIGH : NC_XOR_PER_LOW),
        .holdoff = (uint32_t)ceil(NC_XOR_TFROM * 1e12 / SYS_CLK_PS),
        .window = (uint32_t)ceil(span * 1e12 / SYS_CLK_PS) + 3, /* + the detection lag */
        .step_cycles = 1, .axon = 0};
    x.steps = x.win.window + SNN_STEPS_AFTER;
    r->dac_a = x.win.dac_a, r->dac_b = x.win.dac_b;

    nc_couple_drive_t drives[NC_ARRAY_LEN(k_drives)];
    memcpy(drives, k_drives, sizeof drives);
    for (size_t i = 0; i < NC_ARRAY_LEN(drives); i++)
        drives[i].amps_per_lsb *= scale;
    nc_couple_cfg_t cc = {
        .netlist = cfg->netlist ? cfg->netlist : SYS_NETLIST, .span_s = span, .tmax_s = SYS_TMAX,
        .wall_s = cfg->wall_s > 0 ? cfg->wall_s : 600.0, .start_bit = START_BIT,
        .drives = drives, .ndrives = NC_ARRAY_LEN(drives), .probes = k_probes, .nprobes = P_N};

    nc_platform_cfg_t pc = {.clk_ps = SYS_CLK_PS, .quantum_cycles = 100, .max_sim_s = 1e-3};
    nc_platform_t *p = nc_platform_create(&pc);
    int rc = p ? NC_OK : nc_err_status();
    if (rc == NC_OK)
        rc = nc_platform_add_vmodel(p, "chip", "hybrid", CHIP_BASE, CHIP_SIZE);
    if (rc == NC_OK)
        rc = nc_spice_noise(cfg->noiseless ? 0.0 : NC_SYN_TNOISE, NC_SYN_RSHUNT,
                            NC_SPICE_TMAX_REF);
    if (rc == NC_OK)
        rc = nc_spice_seed(cfg->seed);
    nc_couple_t *cp = rc == NC_OK ? nc_couple_attach(p, "chip", &cc) : NULL;
    if (rc == NC_OK && !cp)
        rc = nc_err_status();
    char rtl[PATH_MAX];
    snprintf(rtl, sizeof rtl, "%s.rtl.tmp", cfg->waves ? cfg->waves : "");
    if (rc == NC_OK && cfg->waves)
        rc = nc_platform_record(p, (size_t)1 << 20);
    if (rc == NC_OK && cfg->waves)
        rc = vmodel_trace_open(nc_platform_vmodel(p, "chip"), rtl);
    if (rc == NC_OK)
        rc = nc_platform_run(p, prog, &x);
    char err[sizeof r->why];
    snprintf(err, sizeof err, "%s", rc ? nc_err_msg() : "");
    int frc = cp ? nc_couple_finish(cp) : NC_OK; /* no ngspice thread outlives the run */
    if (rc == NC_OK && frc)
        rc = frc, snprintf(err, sizeof err, "%s", nc_err_msg());
    if (cfg->waves && p)
        vmodel_trace_close(nc_platform_vmodel(p, "chip"));
    if (cp) {
        size_t ns, nd;
        const nc_couple_slip_t *s = nc_couple_slips(cp, &ns);
        nc_couple_drives(cp, &nd);
        r->slips = (uint32_t)ns, r->drive_changes = (uint32_t)nd;
        uint64_t h = 1469598103934665603ull;
        for (size_t i = 0; i < ns; i++) {
            uint64_t v[3] = {(uint64_t)llround(s[i].t_ps * 1e3), s[i].probe, (uint64_t)s[i].dir};
            for (int k = 0; k < 3; k++)
                h = (h ^ v[k]) * 1099511628211ull;
            r->n_iface += s[i].probe == P_IFACE;
            if (r->n_first < NC_ARRAY_LEN(r->first_t_ps)) {
                r->first_t_ps[r->n_first] = s[i].t_ps;
                r->first_probe[r->n_first++] = (uint8_t)s[i].probe;
            }
        }
        r->slip_digest = h;
        r->t_on_ps = nc_couple_t_on_ps(cp);
        r->t_end_s = nc_couple_t_end_s(cp);
    }
    if (p)
        r->sim_ps = (double)nc_platform_time_ps(p);
    if (rc == NC_OK) {
        r->edges = x.hw.edges, r->events = x.hw.events, r->drops = x.hw.drops;
        r->cls_rtl = x.n_out > 0;
        r->transactions = nc_platform_transactions(p) - x.tr0;
        r->accesses = x.cb.n;
        r->bus_ok = r->transactions == r->accesses;
        if (!r->bus_ok)
            why(r, "bus: %llu TLM transactions for %llu driver accesses",
                (unsigned long long)r->transactions, (unsigned long long)r->accesses);
        check_digital(&x, cp, r);
        check_rates(cp, r);
        if (r->cls_rtl != r->cls_want)
            why(r, "class %d, XOR(%d, %d) = %d", r->cls_rtl, r->a, r->b, r->cls_want);
        if (cfg->waves && (rc = write_waves(p, rtl, cfg->waves, r->t_on_ps, span, r->sim_ps)) != NC_OK)
            snprintf(err, sizeof err, "%s", nc_err_msg());
    }
    if (cfg->waves)
        unlink(rtl);
    r->pass = rc == NC_OK && r->mismatches == 0 && r->rates_ok && r->bus_ok &&
              r->cls_rtl == r->cls_want && r->cls_model == r->cls_want;
    if (rc != NC_OK)
        snprintf(r->why, sizeof r->why, "%s", err);
    else if (r->pass)
        snprintf(r->why, sizeof r->why, "class %d; %u level changes -> %u AER events; out %.2f "
                 "GHz (model %.2f +- %.2f)", r->cls_rtl, r->edges, r->events, r->rate_out / 1e9,
                 r->pred_out / 1e9, r->tol_out / 1e9);
    nc_couple_free(cp);
    if (p)
        nc_platform_destroy(p);
    r->wall_s = nc_now_s() - t0;
    if (rc)
        nc_err_set(rc, "%s", err);
    return rc;
}

/* ---- several runs, one child process each ---- */

typedef struct all_ctx {
    const sys_cfg_t *cfgs;
} all_ctx_t;

static int one(size_t i, void *arg, void *result)
{
    const all_ctx_t *c = arg;
    sys_result_t *r = result;
    int rc = sys_run(&c->cfgs[i], r);
    return rc == NC_OK || r->why[0] ? NC_OK : rc; /* a failed run still reports its row */
}

static void job_name(size_t i, const void *arg, char *buf, size_t cap)
{
    const all_ctx_t *c = arg;
    snprintf(buf, cap, "system inputs %d%d seed %llu", c->cfgs[i].a, c->cfgs[i].b,
             (unsigned long long)c->cfgs[i].seed);
}

int sys_run_all(const sys_cfg_t *cfgs, size_t n, int procs, sys_result_t *r, int *status)
{
    all_ctx_t c = {cfgs};
    double wall = 0;
    for (size_t i = 0; i < n; i++)
        wall = fmax(wall, cfgs[i].wall_s > 0 ? cfgs[i].wall_s : 600.0);
    nc_par_cfg_t pc = {procs, wall + 60.0, "system: runs", job_name};
    return nc_par_run_cfg(&pc, n, one, &c, r, sizeof *r, status);
}
