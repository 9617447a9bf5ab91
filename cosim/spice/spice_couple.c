/* spice_couple.c - the gpio <-> ngspice coupler described in spice_couple.h. */
#include "spice_couple.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "spice_sync.h"

#define SLIP_BATCH 64

struct nc_couple {
    nc_couple_cfg_t cfg;
    const char **drive_names;
    const char **probe_nodes;
    int state;          /* 0 idle, 1 running, 2 finished */
    double t_on_ps;
    double t_end_s;
    uint32_t gpi;       /* levels driven by the slips */
    uint32_t last_gpo;
    nc_couple_slip_t *slips;
    size_t nslips, cap_slips;
    nc_couple_drv_ev_t *devs;
    size_t ndevs, cap_devs;
};

static uint32_t field(uint32_t v, unsigned lsb, unsigned width)
{
    return width >= 32 ? v >> lsb : (v >> lsb) & ((1u << width) - 1u);
}

static double drive_amps(const nc_couple_drive_t *d, uint32_t gpo)
{
    return d->offset + d->amps_per_lsb * (double)field(gpo, d->lsb, d->width);
}

static int record_drive(nc_couple_t *c, double t_ps, uint32_t i, double amps)
{
    if (c->ndevs == c->cap_devs) {
        size_t cap = c->cap_devs ? 2 * c->cap_devs : 64;
        if (cap > 1000000)
            return nc_err_set(NC_ERR_RANGE, "%s: more than 10^6 drive changes", c->cfg.netlist);
        nc_couple_drv_ev_t *d = realloc(c->devs, cap * sizeof *d);
        if (!d)
            return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", c->cfg.netlist);
        c->devs = d, c->cap_devs = cap;
    }
    c->devs[c->ndevs++] = (nc_couple_drv_ev_t){t_ps, i, amps};
    return NC_OK;
}

/* The analog side stands at the start edge or a later edge: drive every source whose field
 * changed (all of them at the start). */
static int apply_drives(nc_couple_t *c, uint32_t gpo, double t_ps, bool all)
{
    double t = (t_ps - c->t_on_ps) * 1e-12;
    for (size_t i = 0; i < c->cfg.ndrives; i++) {
        const nc_couple_drive_t *d = &c->cfg.drives[i];
        if (!all && field(gpo, d->lsb, d->width) == field(c->last_gpo, d->lsb, d->width))
            continue;
        double a = drive_amps(d, gpo);
        int rc = nc_spice_sync_drive((uint32_t)i, t > 0 ? t : 0.0, a);
        if (rc == NC_OK)
            rc = record_drive(c, t_ps, (uint32_t)i, a);
        if (rc)
            return rc;
    }
    return NC_OK;
}

/* Stops the transient and the run: the message names the simulated time the analog side
 * reached (platform and analog axes), then the engine's words (netlist, cause). */
static int fail(nc_couple_t *c, int rc, double t_ps)
{
    char msg[1024];
    snprintf(msg, sizeof msg, "%s", nc_err_msg());
    double ta = c->state == 1 ? nc_spice_sync_time() : (t_ps - c->t_on_ps) * 1e-12;
    nc_spice_sync_stop();
    c->state = 2;
    return nc_err_set(rc, "mixed-signal run stopped at simulated time %.4f ns (analog time "
                      "%.2f ps after the bias edge at %.3f ns): %s", (c->t_on_ps + ta * 1e12) * 1e-3,
                      ta * 1e12, c->t_on_ps * 1e-3, msg);
}

/* Before the rising edge at t_ps: the analog side runs up to it; its slips set gpi. */
static int before(void *ctx, uint64_t cycle, uint64_t t_ps, vmodel_t *m)
{
    (void)cycle;
    nc_couple_t *c = ctx;
    if (c->state == 1) {
        double ta = ((double)t_ps - c->t_on_ps) * 1e-12;
        bool last = ta >= c->cfg.span_s;
        if (last)
            ta = c->cfg.span_s;
        for (;;) {
            nc_spice_slip_t s[SLIP_BATCH];
            size_t n = 0;
            int rc = nc_spice_sync_advance(ta, s, SLIP_BATCH, &n);
            if (rc)
                return fail(c, rc, (double)t_ps);
            for (size_t i = 0; i < n; i++) {
                if (c->nslips == c->cfg.max_slips)
                    return fail(c, nc_err_set(NC_ERR_RANGE, "%s: more than %zu phase slips (the "
                                              "bound of the run)", c->cfg.netlist,
                                              c->cfg.max_slips), (double)t_ps);
                if (c->nslips == c->cap_slips) {
                    size_t cap = c->cap_slips ? 2 * c->cap_slips : 256;
                    nc_couple_slip_t *ns = realloc(c->slips, cap * sizeof *ns);
                    if (!ns)
                        return fail(c, nc_err_set(NC_ERR_NOMEM, "%s: out of memory",
                                                  c->cfg.netlist), (double)t_ps);
                    c->slips = ns, c->cap_slips = cap;
                }
                c->slips[c->nslips++] = (nc_couple_slip_t){c->t_on_ps + s[i].t * 1e12,
                                                           s[i].probe, s[i].dir};
                unsigned bit = c->cfg.probes[s[i].probe].gpi_bit;
                if (bit < 32)
                    c->gpi ^= 1u << bit;
            }
            if (n < SLIP_BATCH && nc_spice_sync_time() >= ta) /* the cap rule of spice_sync.h */
                break;
        }
        c->t_end_s = ta;
        if (last) {
            int rc = nc_spice_sync_stop();
            c->state = 2;
            if (rc)
                return fail(c, rc, (double)t_ps);
        }
    }
    vmodel_set_gpi(m, c->gpi);
    return NC_OK;
}

/* After the edge: the bias bit starts or ends the transient; changed fields drive sources. */
static int after(void *ctx, uint64_t cycle, uint64_t t_ps, vmodel_t *m)
{
    (void)cycle;
    nc_couple_t *c = ctx;
    uint32_t g = vmodel_gpo(m);
    bool on = (g >> c->cfg.start_bit) & 1u;
    int rc = NC_OK;
    if (c->state == 0 && on) {
        nc_spice_sync_cfg_t sc = {
            .netlist = c->cfg.netlist, .params = c->cfg.params, .nparams = c->cfg.nparams,
            .tran = {fmax(c->cfg.tmax_s, c->cfg.span_s / 5000), c->cfg.span_s, c->cfg.tmax_s,
                     c->cfg.wall_s}, /* tstep: ngspice preallocates tstop / tstep points */
            .drives = c->drive_names, .ndrives = c->cfg.ndrives,
            .probes = c->probe_nodes, .nprobes = c->cfg.nprobes};
        c->t_on_ps = (double)t_ps;
        rc = nc_spice_sync_start(&sc);
        if (rc) {
            c->state = 2;
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", nc_err_msg());
            return nc_err_set(rc, "mixed-signal run: the analog side did not start at simulated "
                              "time %.3f ns: %s", (double)t_ps * 1e-3, msg);
        }
        c->state = 1;
        rc = apply_drives(c, g, (double)t_ps, true);
    } else if (c->state == 1 && !on) {
        rc = nc_spice_sync_stop();
        c->state = 2;
    } else if (c->state == 1 && g != c->last_gpo) {
        rc = apply_drives(c, g, (double)t_ps, false);
    }
    c->last_gpo = g;
    return rc ? fail(c, rc, (double)t_ps) : NC_OK;
}

nc_couple_t *nc_couple_attach(nc_platform_t *p, const char *target, const nc_couple_cfg_t *cfg)
{
    const char *nl = cfg && cfg->netlist ? cfg->netlist : "(no netlist)";
    if (!cfg || !cfg->netlist || !(cfg->span_s > 0) || !(cfg->wall_s > 0) || cfg->start_bit > 31 ||
        cfg->nprobes > NC_COUPLE_MAX_PROBES || (cfg->ndrives && !cfg->drives) || (cfg->nprobes && !cfg->probes)) {
        nc_err_set(NC_ERR_ARG, "%s: coupling: expected a netlist, span > 0, a wall-clock bound "
                   "> 0, a start bit 0..31 and at most %d probes", nl, NC_COUPLE_MAX_PROBES);
        return NULL;
    }
    for (size_t i = 0; i < cfg->ndrives; i++) {
        const nc_couple_drive_t *d = &cfg->drives[i];
        if (!d->source || d->width < 1 || d->width > 32 || d->lsb + d->width > 32 ||
            !isfinite(d->amps_per_lsb) || !isfinite(d->offset)) {
            nc_err_set(NC_ERR_ARG, "%s: drive %zu (%s): gpo bits %u..%u, expected a source and "
                       "a field inside gpo[31:0] with finite scaling", nl, i,
                       d->source ? d->source : "?", d->lsb, d->lsb + d->width - 1);
            return NULL;
        }
    }
    for (size_t i = 0; i < cfg->nprobes; i++)
        if (!cfg->probes[i].node ||
            (cfg->probes[i].gpi_bit > 31 && cfg->probes[i].gpi_bit != NC_COUPLE_NO_PIN)) {
            nc_err_set(NC_ERR_ARG, "%s: probe %zu: expected a phase node and a gpi bit 0..31 "
                       "(or none)",
                       nl, i);
            return NULL;
        }
    nc_couple_t *c = calloc(1, sizeof *c);
    if (!c) {
        nc_err_set(NC_ERR_NOMEM, "%s: out of memory", nl);
        return NULL;
    }
    c->cfg = *cfg;
    if (!(c->cfg.tmax_s > 0))
        c->cfg.tmax_s = NC_SPICE_TMAX;
    if (!c->cfg.max_slips)
        c->cfg.max_slips = 1000000;
    c->t_on_ps = -1;
    c->drive_names = calloc(cfg->ndrives + 1, sizeof *c->drive_names);
    c->probe_nodes = calloc(cfg->nprobes + 1, sizeof *c->probe_nodes);
    if (!c->drive_names || !c->probe_nodes) {
        nc_couple_free(c);
        nc_err_set(NC_ERR_NOMEM, "%s: out of memory", nl);
        return NULL;
    }
    for (size_t i = 0; i < cfg->ndrives; i++)
        c->drive_names[i] = cfg->drives[i].source;
    for (size_t i = 0; i < cfg->nprobes; i++)
        c->probe_nodes[i] = cfg->probes[i].node;
    nc_pin_hooks_t h = {before, after, c};
    if (nc_platform_attach_pins(p, target, &h)) {
        nc_couple_free(c);
        return NULL;
    }
    return c;
}

int nc_couple_finish(nc_couple_t *c)
{
    if (!c || c->state != 1)
        return NC_OK;
    c->state = 2;
    return nc_spice_sync_stop();
}

double nc_couple_t_on_ps(const nc_couple_t *c) { return c->t_on_ps; }
double nc_couple_t_end_s(const nc_couple_t *c) { return c->t_end_s; }

const nc_couple_slip_t *nc_couple_slips(const nc_couple_t *c, size_t *n)
{
    *n = c->nslips;
    return c->slips;
}

const nc_couple_drv_ev_t *nc_couple_drives(const nc_couple_t *c, size_t *n)
{
    *n = c->ndevs;
    return c->devs;
}

void nc_couple_free(nc_couple_t *c)
{
    if (!c)
        return;
    free(c->drive_names), free(c->probe_nodes), free(c->slips), free(c->devs);
    free(c);
}
