/* nc_wave_merge.c - see nc_wave_merge.h. Uses the FST reader and writer that Verilator ships
 * (gtkwave/fstapi.h, compiled into the Verilator runtime). The largest input is streamed: its
 * value changes go to the writer as the reader delivers them (in time order), after every
 * change of the other inputs and of the extra signals that comes before them; those others are
 * read into memory and sorted first (stable: inputs in their order, then the extra signals). */
#define _POSIX_C_SOURCE 200809L
#include "nc_wave_merge.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_error.h"

typedef struct change {
    uint64_t t;   /* output ps */
    uint64_t seq; /* arrival order: keeps equal times stable */
    uint32_t src; /* input index (nin for the extra signals) */
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
    uint32_t src;
    /* streaming: the writer, the next held change to write, the last time written */
    void *w;
    size_t next;
    uint64_t last_t;
    bool any_t;
} merge_t;

static int add_change(merge_t *m, uint64_t t, uint32_t h, const void *val, uint32_t len)
{
    if (m->rc)
        return m->rc;
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 4096;
        if (m->n >= NC_WAVE_MERGE_MAX_CHANGES)
            return m->rc = nc_err_set(NC_ERR_RANGE, "wave merge: more than %u value changes "
                                      "besides the largest input's: refused (shorten the run or "
                                      "trace less)",
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
    m->c[m->n] = (change_t){t, m->n, m->src, h, len, m->used};
    m->n++;
    m->used += len;
    return NC_OK;
}

static uint64_t out_time(const nc_wave_in_t *in, uint64_t time)
{
    return in->base_ps + (uint64_t)((double)(time - in->offset) * in->ps_per_unit + 0.5);
}

static void on_change(void *user, uint64_t time, fstHandle fac, const unsigned char *value)
{
    merge_t *m = user;
    if (time < m->in->offset || fac >= m->nmap || !m->map[fac])
        return;
    add_change(m, out_time(m->in, time), m->map[fac], value, m->len[fac]);
}

static void emit(merge_t *m, uint64_t t, fstHandle h, const unsigned char *value)
{
    if (!m->any_t || t != m->last_t)
        fstWriterEmitTimeChange(m->w, t);
    m->any_t = true, m->last_t = t;
    fstWriterEmitValueChange(m->w, h, value);
}

/* Writes the held changes that come before (t, src): earlier, or at t from an earlier input. */
static void flush_before(merge_t *m, uint64_t t, uint32_t src)
{
    while (m->next < m->n &&
           (m->c[m->next].t < t || (m->c[m->next].t == t && m->c[m->next].src < src))) {
        const change_t *c = &m->c[m->next++];
        emit(m, c->t, c->h, m->arena + c->at);
    }
}

static void on_change_stream(void *user, uint64_t time, fstHandle fac, const unsigned char *value)
{
    merge_t *m = user;
    if (time < m->in->offset || fac >= m->nmap || !m->map[fac])
        return;
    uint64_t t = out_time(m->in, time);
    flush_before(m, t, m->src);
    emit(m, t, m->map[fac], value);
}

static int by_time(const void *a, const void *b)
{
    const change_t *x = a, *y = b;
    if (x->t != y->t)
        return x->t < y->t ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Opens input `in` and copies its hierarchy into writer w (inside in->scope); the handle maps
 * are left in m for reading its changes. */
static int open_input(merge_t *m, void *w, const nc_wave_in_t *in, uint32_t src, void **reader)
{
    void *r = fstReaderOpen(in->fst);
    if (!r)
        return nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read as FST", in->fst);
    m->in = in;
    m->src = src;
    m->nmap = (size_t)fstReaderGetMaxHandle(r) + 1;
    m->map = calloc(m->nmap, sizeof *m->map);
    m->len = calloc(m->nmap, sizeof *m->len);
    if (!m->map || !m->len) {
        fstReaderClose(r);
        free(m->map), free(m->len);
        m->map = NULL, m->len = NULL;
        return nc_err_set(NC_ERR_NOMEM, "wave merge: out of memory");
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
            fstHandle hs = h->u.var.handle;
            fstHandle alias = h->u.var.is_alias && hs < m->nmap ? m->map[hs] : 0;
            fstHandle wh = fstWriterCreateVar(w, h->u.var.typ, h->u.var.direction,
                                              h->u.var.length, h->u.var.name, alias);
            if (!h->u.var.is_alias && hs < m->nmap) {
                m->map[hs] = wh;
                bool real = h->u.var.typ == FST_VT_VCD_REAL ||
                            h->u.var.typ == FST_VT_VCD_REAL_PARAMETER ||
                            h->u.var.typ == FST_VT_VCD_REALTIME ||
                            h->u.var.typ == FST_VT_SV_SHORTREAL;
                m->len[hs] = real ? (uint32_t)sizeof(double) : h->u.var.length + 1;
            }
            break;
        }
        default: break;
        }
    }
    if (in->scope)
        fstWriterSetUpscope(w);
    *reader = r;
    return NC_OK;
}

/* Reads the changes of the input open_input() opened (held in memory, or streamed to the
 * writer), then closes it. */
static int read_changes(merge_t *m, void *r, bool stream)
{
    fstReaderSetFacProcessMaskAll(r);
    fstReaderIterBlocksSetNativeDoublesOnCallback(r, 1);
    int rc = NC_OK;
    if (!fstReaderIterBlocks(r, stream ? on_change_stream : on_change, m, NULL))
        rc = nc_err_set(NC_ERR_IO, "wave merge: %s: cannot read its value changes", m->in->fst);
    if (rc == NC_OK)
        rc = m->rc;
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
    void *w = NULL, *stream = NULL;
    fstHandle *smap = NULL;
    uint32_t *slen = NULL;
    size_t snmap = 0;
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
    /* the largest input is streamed, the others held */
    size_t big = 0;
    off_t big_size = -1;
    for (size_t i = 0; i < nin; i++) {
        struct stat st;
        if (stat(in[i].fst, &st) == 0 && st.st_size > big_size)
            big = i, big_size = st.st_size;
    }
    for (size_t i = 0; i < nin && rc == NC_OK; i++) {
        void *r = NULL;
        rc = open_input(&m, w, &in[i], (uint32_t)i, &r);
        if (rc == NC_OK && i == big) /* hierarchy now, changes last */
            stream = r, smap = m.map, slen = m.len, snmap = m.nmap, m.map = NULL, m.len = NULL;
        else if (rc == NC_OK)
            rc = read_changes(&m, r, false);
    }
    if (rc)
        goto out;
    if (scope && nvars) {
        fstWriterSetScope(w, FST_ST_VCD_MODULE, scope, NULL);
        for (size_t i = 0; i < nvars; i++)
            xh[i] = fstWriterCreateVar(w, vars[i].width == 1 ? FST_VT_VCD_WIRE : FST_VT_VCD_REG,
                                       FST_VD_IMPLICIT, vars[i].width, vars[i].name, 0);
        fstWriterSetUpscope(w);
    }
    m.src = (uint32_t)nin;
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
    m.w = w;
    if (stream) {
        m.in = &in[big], m.src = (uint32_t)big;
        m.map = smap, m.len = slen, m.nmap = snmap, smap = NULL, slen = NULL;
        rc = read_changes(&m, stream, true); /* closes it */
        stream = NULL;
        if (rc)
            goto out;
    }
    flush_before(&m, UINT64_MAX, UINT32_MAX);
    fstWriterClose(w);
    w = NULL;
    if (rename(tmp, out_fst) != 0)
        rc = nc_err_set(NC_ERR_IO, "wave merge: cannot create %s", out_fst);
out:
    if (stream)
        fstReaderClose(stream);
    free(smap), free(slen);
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
