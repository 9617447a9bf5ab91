/* spice_wave.c - FST output of SPICE vectors (see spice_wave.h). */
#include "spice_wave.h"

#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ngspice/sharedspice.h>

#include "gtkwave/fstapi.h"
#include "nc_error.h"
#include "spice.h"

#define MAX_SIGNALS 512

typedef struct signal {
    double *v;
    size_t n;
    fstHandle h;
} signal_t;

static bool wanted(const char *name, const char *const *names)
{
    if (!names)
        return strcmp(name, "time") != 0;
    for (size_t i = 0; names[i]; i++)
        if (strcmp(names[i], name) == 0)
            return true;
    return false;
}

static void free_signals(signal_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].v);
}

static int collect(const char *const *names, void *ctx, signal_t *sig, size_t *nsig, size_t npts)
{
    char **vecs = ngSpice_AllVecs(ngSpice_CurPlot());
    for (size_t i = 0; vecs && vecs[i] && *nsig < MAX_SIGNALS; i++) {
        if (!wanted(vecs[i], names))
            continue;
        signal_t *s = &sig[*nsig];
        if (nc_spice_vec(vecs[i], &s->v, &s->n) != NC_OK || s->n != npts) {
            free(s->v);
            continue; /* not a real vector over time: skip */
        }
        char clean[256];
        snprintf(clean, sizeof clean, "%s", vecs[i]);
        for (char *p = clean; *p; p++)
            if (*p == '.' || *p == '#' || *p == '(' || *p == ')')
                *p = '_';
        s->h = fstWriterCreateVar(ctx, FST_VT_VCD_REAL, FST_VD_IMPLICIT, 64, clean, 0);
        (*nsig)++;
    }
    return NC_OK;
}

int nc_spice_write_fst(const char *path, const char *const *names)
{
    double *t = NULL;
    size_t npts = 0;
    int rc = nc_spice_vec("time", &t, &npts);
    if (rc)
        return rc;
    void *ctx = fstWriterCreate(path, 1);
    if (!ctx) {
        free(t);
        return nc_err_set(NC_ERR_IO, "%s: cannot create the FST file (directory missing or not "
                                     "writable?)", path);
    }
    fstWriterSetTimescale(ctx, -15);
    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "spice", NULL);
    signal_t *sig = calloc(MAX_SIGNALS, sizeof *sig);
    size_t nsig = 0;
    if (!sig) {
        fstWriterClose(ctx);
        free(t);
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    }
    collect(names, ctx, sig, &nsig, npts);
    fstWriterSetUpscope(ctx);
    uint64_t last = UINT64_MAX;
    for (size_t k = 0; k < npts; k++) {
        uint64_t fs = (uint64_t)llround(t[k] * 1e15);
        if (fs == last)
            continue; /* two samples in one femtosecond: keep the first */
        fstWriterEmitTimeChange(ctx, fs);
        last = fs;
        for (size_t i = 0; i < nsig; i++)
            fstWriterEmitValueChange(ctx, sig[i].h, &sig[i].v[k]);
    }
    fstWriterClose(ctx);
    free_signals(sig, nsig);
    free(sig);
    free(t);
    if (nsig == 0)
        return nc_err_set(NC_ERR_ARG, "%s: no vector of %s matched the requested names", path,
                          nc_spice_netlist());
    return NC_OK;
}
