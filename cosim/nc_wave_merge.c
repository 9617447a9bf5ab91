/* nc_wave_merge.c - see nc_wave_merge.h. Uses the FST reader and writer that Verilator ships
 * (gtkwave/fstapi.h, compiled into the Verilator runtime). */
#define _POSIX_C_SOURCE 200809L
#include "nc_wave_merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_error.h"

typedef struct merge {
    void *w;
    fstHandle *map;      /* reader handle -> writer handle */
    size_t nmap;
    fstHandle *xh;       /* extra vars' writer handles */
    const nc_wave_var_t *vars;
    const nc_wave_ev_t *ev;
    size_t nev, next;    /* next extra event to emit */
    uint64_t off;
    double scale;
    uint64_t last_t;
    bool started;
} merge_t;

static void emit_time(merge_t *m, uint64_t t)
{
    if (!m->started || t > m->last_t) {
        fstWriterEmitTimeChange(m->w, t);
        m->last_t = t;
        m->started = true;
    }
}

static void emit_extra(merge_t *m, const nc_wave_ev_t *e)
{
    char bits[65];
    unsigned wd = m->vars[e->var].width;
    for (unsigned i = 0; i < wd; i++)
        bits[i] = (char)('0' + ((e->value >> (wd - 1 - i)) & 1u));
    bits[wd] = '\0';
    fstWriterEmitValueChange(m->w, m->xh[e->var], bits);
}

/* Emits the extra events at or before t (output time). */
static void flush_extra(merge_t *m, uint64_t t, bool all)
{
    while (m->next < m->nev && (all || m->ev[m->next].t_ps <= t)) {
        const nc_wave_ev_t *e = &m->ev[m->next++];
        emit_time(m, e->t_ps < m->last_t && m->started ? m->last_t : e->t_ps);
        emit_extra(m, e);
    }
}

static void on_change(void *user, uint64_t time, fstHandle fac, const unsigned char *value)
{
    merge_t *m = user;
    if (time < m->off || fac >= m->nmap || !m->map[fac])
        return;
    uint64_t t = (uint64_t)((double)(time - m->off) * m->scale + 0.5);
    flush_extra(m, t, false);
    emit_time(m, t);
    fstWriterEmitValueChange(m->w, m->map[fac], value);
}

int nc_wave_merge(const char *in_fst, uint64_t in_offset, double in_ps_per_unit, const char *scope,
                  const nc_wave_var_t *vars, size_t nvars, const nc_wave_ev_t *ev, size_t nev,
                  const char *out_fst)
{
    for (size_t i = 0; i < nvars; i++)
        if (vars[i].width < 1 || vars[i].width > 64)
            return nc_err_set(NC_ERR_ARG, "wave merge: %s: width %u, expected 1..64", vars[i].name,
                              vars[i].width);
    for (size_t i = 0; i < nev; i++)
        if (ev[i].var >= nvars || (i && ev[i].t_ps < ev[i - 1].t_ps))
            return nc_err_set(NC_ERR_ARG, "wave merge: event %zu: unknown variable or out of "
                              "time order", i);
    if (!(in_ps_per_unit > 0))
        return nc_err_set(NC_ERR_ARG, "wave merge: time scale %g, expected > 0", in_ps_per_unit);
    void *r = fstReaderOpen(in_fst);
    if (!r)
        return nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read as FST", in_fst);
    size_t n = strlen(out_fst);
    char *tmp = malloc(n + 16);
    merge_t m = {.vars = vars, .ev = ev, .nev = nev, .off = in_offset, .scale = in_ps_per_unit};
    m.nmap = (size_t)fstReaderGetMaxHandle(r) + 1;
    m.map = calloc(m.nmap, sizeof *m.map);
    m.xh = calloc(nvars ? nvars : 1, sizeof *m.xh);
    int rc = NC_OK;
    if (!tmp || !m.map || !m.xh) {
        rc = nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
        goto out;
    }
    snprintf(tmp, n + 16, "%s.tmp%d", out_fst, (int)getpid());
    m.w = fstWriterCreate(tmp, 1);
    if (!m.w) {
        rc = nc_err_set(NC_ERR_IO, "wave merge: %s: cannot create", out_fst);
        goto out;
    }
    fstWriterSetTimescale(m.w, -12);
    fstWriterSetPackType(m.w, FST_WR_PT_LZ4);
    /* The input's hierarchy, variable by variable (aliases become aliases again). */
    struct fstHier *h;
    while ((h = fstReaderIterateHier(r))) {
        switch (h->htyp) {
        case FST_HT_SCOPE:
            fstWriterSetScope(m.w, h->u.scope.typ, h->u.scope.name, h->u.scope.component);
            break;
        case FST_HT_UPSCOPE: fstWriterSetUpscope(m.w); break;
        case FST_HT_VAR: {
            fstHandle src = h->u.var.handle;
            fstHandle alias = h->u.var.is_alias && src < m.nmap ? m.map[src] : 0;
            fstHandle wh = fstWriterCreateVar(m.w, h->u.var.typ, h->u.var.direction,
                                              h->u.var.length, h->u.var.name, alias);
            if (!h->u.var.is_alias && src < m.nmap)
                m.map[src] = wh;
            break;
        }
        default: break;
        }
    }
    fstWriterSetScope(m.w, FST_ST_VCD_MODULE, scope, NULL);
    for (size_t i = 0; i < nvars; i++)
        m.xh[i] = fstWriterCreateVar(m.w, vars[i].width == 1 ? FST_VT_VCD_WIRE : FST_VT_VCD_REG,
                                     FST_VD_IMPLICIT, vars[i].width, vars[i].name, 0);
    fstWriterSetUpscope(m.w);
    fstReaderSetFacProcessMaskAll(r);
    fstReaderIterBlocksSetNativeDoublesOnCallback(r, 1);
    if (!fstReaderIterBlocks(r, on_change, &m, NULL))
        rc = nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read its value changes", in_fst);
    flush_extra(&m, 0, true);
    fstWriterClose(m.w);
    m.w = NULL;
    if (rc == NC_OK && rename(tmp, out_fst) != 0)
        rc = nc_err_set(NC_ERR_IO, "wave merge: cannot create %s", out_fst);
out:
    if (m.w)
        fstWriterClose(m.w);
    if (rc != NC_OK && tmp)
        unlink(tmp);
    fstReaderClose(r);
    free(tmp), free(m.map), free(m.xh);
    return rc;
}
