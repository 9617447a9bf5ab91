/* nc_wave_merge.c - see nc_wave_merge.h. Uses the FST reader and writer that Verilator ships
 * (gtkwave/fstapi.h, compiled into the Verilator runtime). The inputs' value changes are read
 * into memory, merged in time order (stable: an input's own order is kept) and written. */
#define _POSIX_C_SOURCE 200809L
#include "nc_wave_merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_error.h"

typedef struct change {
    uint64_t t;   /* output ps */
    uint64_t seq; /* arrival order: keeps equal times stable */
    uint32_t h;   /* writer handle */
    uint32_t len; /* bytes of the value in the arena */
    size_t at;    /* offset of the value in the arena */
} change_t;

typedef struct merge {
    change_t *c;
    size_t n, cap;
    unsigned char *arena;
    size_t used, acap;
    int rc;
    /* the input being read */
    fstHandle *map;
    uint32_t *len; /* bytes of each reader handle's values */
    size_t nmap;
    const nc_wave_in_t *in;
} merge_t;

static int add_change(merge_t *m, uint64_t t, uint32_t h, const void *val, uint32_t len)
{
    if (m->rc)
        return m->rc;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 4096;
        if (m->n >= NC_WAVE_MERGE_MAX_CHANGES)
            return m->rc = nc_err_set(NC_ERR_RANGE, "wave merge: more than %u value changes: "
                                      "refused (shorten the run or trace less)",
                                      NC_WAVE_MERGE_MAX_CHANGES);
        change_t *c = realloc(m->c, cap * sizeof *c);
        if (!c)
            return m->rc = nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
        m->c = c, m->cap = cap;
    }
    if (m->used + len > m->acap) {
        size_t acap = m->acap ? 2 * m->acap : 65536;
        while (acap < m->used + len)
            acap *= 2;
        unsigned char *a = realloc(m->arena, acap);
        if (!a)
            return m->rc = nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
        m->arena = a, m->acap = acap;
    }
    memcpy(m->arena + m->used, val, len);
    m->c[m->n] = (change_t){t, m->n, h, len, m->used};
    m->n++;
    m->used += len;
    return NC_OK;
}

static void on_change(void *user, uint64_t time, fstHandle fac, const unsigned char *value)
{
    merge_t *m = user;
    const nc_wave_in_t *in = m->in;
    if (time < in->offset || fac >= m->nmap || !m->map[fac])
        return;
    uint64_t t = in->base_ps + (uint64_t)((double)(time - in->offset) * in->ps_per_unit + 0.5);
    add_change(m, t, m->map[fac], value, m->len[fac]);
}

static int by_time(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Copies the hierarchy of reader r into writer w (inside in->scope) and reads its changes. */
static int read_input(merge_t *m, void *w, const nc_wave_in_t *in)
{
    void *r = fstReaderOpen(in->fst);
    if (!r)
        return nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read as FST", in->fst);
    m->in = in;
    m->nmap = (size_t)fstReaderGetMaxHandle(r) + 1;
    m->map = calloc(m->nmap, sizeof *m->map);
    m->len = calloc(m->nmap, sizeof *m->len);
    int rc = NC_OK;
    if (!m->map || !m->len) {
        rc = nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
        goto out;
    }
    if (in->scope)
        fstWriterSetScope(w, FST_ST_VCD_MODULE, in->scope, NULL);
    struct fstHier *h;
    while ((h = fstReaderIterateHier(r))) {
        switch (h->htyp) {
        case FST_HT_SCOPE:
            fstWriterSetScope(w, h->u.scope.typ, h->u.scope.name, h->u.scope.component);
            break;
        case FST_HT_UPSCOPE: fstWriterSetUpscope(w); break;
        case FST_HT_VAR: {
            fstHandle src = h->u.var.handle;
            fstHandle alias = h->u.var.is_alias && src < m->nmap ? m->map[src] : 0;
            fstHandle wh = fstWriterCreateVar(w, h->u.var.typ, h->u.var.direction,
                                              h->u.var.length, h->u.var.name, alias);
            if (!h->u.var.is_alias && src < m->nmap) {
                m->map[src] = wh;
                bool real = h->u.var.typ == FST_VT_VCD_REAL ||
                            h->u.var.typ == FST_VT_VCD_REAL_PARAMETER ||
                            h->u.var.typ == FST_VT_VCD_REALTIME ||
                            h->u.var.typ == FST_VT_SV_SHORTREAL;
                m->len[src] = real ? (uint32_t)sizeof(double) : h->u.var.length + 1;
            }
            break;
        }
        default: break;
        }
    }
    if (in->scope)
        fstWriterSetUpscope(w);
    fstReaderSetFacProcessMaskAll(r);
    fstReaderIterBlocksSetNativeDoublesOnCallback(r, 1);
    if (!fstReaderIterBlocks(r, on_change, m, NULL))
        rc = nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read its value changes", in->fst);
    if (rc == NC_OK)
        rc = m->rc;
out:
    fstReaderClose(r);
    free(m->map), free(m->len);
    m->map = NULL, m->len = NULL;
    return rc;
}

int nc_wave_merge_n(const nc_wave_in_t *in, size_t nin, const char *scope,
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
    for (size_t i = 0; i < nin; i++)
        if (!in[i].fst || !(in[i].ps_per_unit > 0))
            return nc_err_set(NC_ERR_ARG, "wave merge: input %zu: a file and a time scale > 0 "
                              "expected", i);
    size_t n = strlen(out_fst);
    char *tmp = malloc(n + 16);
    fstHandle *xh = calloc(nvars ? nvars : 1, sizeof *xh);
    merge_t m = {0};
    void *w = NULL;
    int rc = NC_OK;
    if (!tmp || !xh) {
        rc = nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
        goto out;
    }
    snprintf(tmp, n + 16, "%s.tmp%d", out_fst, (int)getpid());
    w = fstWriterCreate(tmp, 1);
    if (!w) {
        rc = nc_err_set(NC_ERR_IO, "wave merge: %s: cannot create", out_fst);
        goto out;
    }
    fstWriterSetTimescale(w, -12);
    fstWriterSetPackType(w, FST_WR_PT_LZ4);
    for (size_t i = 0; i < nin && rc == NC_OK; i++)
        rc = read_input(&m, w, &in[i]);
    if (rc)
        goto out;
    if (scope && nvars) {
        fstWriterSetScope(w, FST_ST_VCD_MODULE, scope, NULL);
        for (size_t i = 0; i < nvars; i++)
            xh[i] = fstWriterCreateVar(w, vars[i].width == 1 ? FST_VT_VCD_WIRE : FST_VT_VCD_REG,
                                       FST_VD_IMPLICIT, vars[i].width, vars[i].name, 0);
        fstWriterSetUpscope(w);
    }
    for (size_t i = 0; i < nev && rc == NC_OK && scope; i++) {
        char bits[65];
        unsigned wd = vars[ev[i].var].width;
        for (unsigned b = 0; b < wd; b++)
            bits[b] = (char)('0' + ((ev[i].value >> (wd - 1 - b)) & 1u));
        bits[wd] = '\0';
        rc = add_change(&m, ev[i].t_ps, xh[ev[i].var], bits, wd + 1);
    }
    if (rc)
        goto out;
    qsort(m.c, m.n, sizeof *m.c, by_time);
    for (size_t i = 0; i < m.n; i++) {
        if (i == 0 || m.c[i].t != m.c[i - 1].t)
            fstWriterEmitTimeChange(w, m.c[i].t);
        fstWriterEmitValueChange(w, m.c[i].h, m.arena + m.c[i].at);
    }
    fstWriterClose(w);
    w = NULL;
    if (rename(tmp, out_fst) != 0)
        rc = nc_err_set(NC_ERR_IO, "wave merge: cannot create %s", out_fst);
out:
    if (w)
        fstWriterClose(w);
    if (rc != NC_OK && tmp)
        unlink(tmp);
    free(tmp), free(xh), free(m.c), free(m.arena);
    return rc;
}

int nc_wave_merge(const char *in_fst, uint64_t in_offset, double in_ps_per_unit, const char *scope,
                  const nc_wave_var_t *vars, size_t nvars, const nc_wave_ev_t *ev, size_t nev,
                  const char *out_fst)
{
    nc_wave_in_t in = {in_fst, in_offset, in_ps_per_unit, 0, NULL};
    return nc_wave_merge_n(&in, 1, scope, vars, nvars, ev, nev, out_fst);
}
