/* spice_wave.c - FST output of SPICE vectors (see spice_wave.h). */
#define _POSIX_C_SOURCE 200809L
#include "spice_wave.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <ngspice/sharedspice.h>

#include "gtkwave/fstapi.h"
#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"

#define LABEL_MAX 63

typedef struct signal {
    double *v;
    char name[LABEL_MAX + 1];
    fstHandle h;
} signal_t;

static bool valid_label(const char *s)
{
    size_t n = 0;
    for (; s[n]; n++)
        if (!isalnum((unsigned char)s[n]) && s[n] != '_')
            return false;
    return n > 0 && n <= LABEL_MAX;
}

static void free_signals(signal_t *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i].v);
    free(s);
}

/* Loads vector `vec` of the run into sig (npts values over time). */
static int load(const char *path, const char *vec, const char *label, size_t npts, signal_t *sig)
{
    size_t n = 0;
    int rc = nc_spice_vec(vec, &sig->v, &n);
    if (rc)
        return nc_err_set(rc, "%s: probe '%s' (%s): %s", path, label, vec, nc_err_msg());
    if (n != npts)
        return nc_err_set(NC_ERR_ARG, "%s: probe '%s' (%s) has %zu points, time has %zu (not a "
                          "vector over time)", path, label, vec, n, npts);
    snprintf(sig->name, sizeof sig->name, "%s", label);
    return NC_OK;
}

static bool probed(const nc_wave_probe_t *p, size_t n, const char *vec)
{
    for (size_t i = 0; i < n; i++)
        if (!strcasecmp(p[i].vec, vec))
            return true;
    return false;
}

/* The signals: the probes in order, then (opts->all) every other vector of the plot. */
static int collect(const char *path, const nc_wave_probe_t *p, size_t n,
                   const nc_wave_opts_t *o, size_t npts, signal_t **out, size_t *nsig)
{
    size_t max = o->max_signals ? o->max_signals : NC_WAVE_MAX_SIGNALS, extra = 0;
    char **vecs = NULL;
    if (o->all) {
        vecs = ngSpice_AllVecs(ngSpice_CurPlot());
        for (size_t i = 0; vecs && vecs[i]; i++)
            extra += strcmp(vecs[i], "time") && !probed(p, n, vecs[i]);
    }
    if (n + extra > max)
        return nc_err_set(NC_ERR_ARG, "%s: %zu signals (%zu probes%s) exceed the bound of %zu "
                          "signals: nothing written (name fewer probes, or raise the bound)",
                          path, n + extra, n, o->all ? " and every other vector of the run" : "",
                          max);
    signal_t *s = calloc(n + extra + 1, sizeof *s);
    if (!s)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    size_t k = 0;
    int rc = NC_OK;
    for (size_t i = 0; i < n && rc == NC_OK; i++) {
        if (!p[i].vec || !p[i].label || !valid_label(p[i].label))
            rc = nc_err_set(NC_ERR_ARG, "%s: probe %zu label '%.40s': expected letters, digits "
                            "and _ (at most %d)", path, i, p[i].label ? p[i].label : "(null)",
                            LABEL_MAX);
        for (size_t j = 0; j < i && rc == NC_OK; j++)
            if (!strcmp(p[j].label, p[i].label))
                rc = nc_err_set(NC_ERR_ARG, "%s: label '%s' given twice", path, p[i].label);
        if (rc == NC_OK && (rc = load(path, p[i].vec, p[i].label, npts, &s[k])) == NC_OK)
            k++;
    }
    for (size_t i = 0; rc == NC_OK && vecs && vecs[i]; i++) {
        if (!strcmp(vecs[i], "time") || probed(p, n, vecs[i]))
            continue;
        char clean[LABEL_MAX + 1];
        snprintf(clean, sizeof clean, "%s", vecs[i]);
        for (char *q = clean; *q; q++)
            if (!isalnum((unsigned char)*q) && *q != '_')
                *q = '_';
        if ((rc = load(path, vecs[i], clean, npts, &s[k])) == NC_OK)
            k++;
    }
    if (rc) {
        free_signals(s, k + 1);
        return rc;
    }
    *out = s;
    *nsig = k;
    return NC_OK;
}

/* FILE.signals beside FILE.fst: the display order for sfq_waves.tcl. */
static int write_layout(const char *path, const signal_t *s, size_t n)
{
    char side[4096];
    size_t len = strlen(path);
    if (len > 4 && !strcmp(path + len - 4, ".fst"))
        len -= 4;
    if (len + 9 >= sizeof side)
        return nc_err_set(NC_ERR_ARG, "%s: path too long", path);
    snprintf(side, sizeof side, "%.*s.signals", (int)len, path);
    nc_out_t o;
    int rc = nc_out_open(&o, side, 0, NULL);
    for (size_t i = 0; rc == NC_OK && i < n; i++)
        rc = nc_out_printf(&o, "spice.%s\n", s[i].name);
    if (rc == NC_OK)
        return nc_out_commit(&o);
    nc_out_abort(&o);
    return rc;
}

int nc_spice_wave_write(const char *path, const nc_wave_probe_t *probes, size_t n,
                        const nc_wave_opts_t *opts)
{
    nc_wave_opts_t o = opts ? *opts : (nc_wave_opts_t){0};
    uint64_t max_bytes = o.max_bytes ? o.max_bytes : NC_WAVE_MAX_BYTES;
    if (!path || !*path)
        return nc_err_set(NC_ERR_ARG, "waveform: no file name");
    if (n == 0 && !o.all)
        return nc_err_set(NC_ERR_ARG, "%s: no probe to write (name the probes, or ask for every "
                          "vector of the run explicitly)", path);
    if (n && !probes)
        return nc_err_set(NC_ERR_ARG, "%s: %zu probes but no list", path, n);
    int rc = nc_out_check(path);
    if (rc)
        return rc;
    double *t = NULL;
    size_t npts = 0;
    if ((rc = nc_spice_vec("time", &t, &npts)))
        return rc;
    signal_t *sig = NULL;
    size_t nsig = 0;
    if ((rc = collect(path, probes, n, &o, npts, &sig, &nsig))) {
        free(t);
        return rc;
    }
    /* raw size of the samples: an upper bound of what FST stores (it compresses) */
    uint64_t raw = (uint64_t)npts * (8 + 8 * (uint64_t)nsig) + 4096 * (uint64_t)nsig;
    if (raw > max_bytes) {
        free_signals(sig, nsig + 1);
        free(t);
        return nc_err_set(NC_ERR_ARG, "%s: %zu signals x %zu points (%.1f MB of samples) exceed "
                          "the waveform bound of %.1f MB: nothing written (probe fewer nodes, a "
                          "shorter run, or raise the bound)", path, nsig, npts, raw / 1e6,
                          max_bytes / 1e6);
    }
    char *tmp = malloc(strlen(path) + 16);
    int fd = -1;
    if (tmp) {
        sprintf(tmp, "%s.tmp.XXXXXX", path);
        fd = mkstemp(tmp);
    }
    void *ctx = fd >= 0 ? (close(fd), fstWriterCreate(tmp, 1)) : NULL;
    if (!ctx) {
        if (fd >= 0)
            unlink(tmp);
        free(tmp);
        free_signals(sig, nsig + 1);
        free(t);
        return nc_err_set(NC_ERR_IO, "%s: cannot create the FST file (directory missing or not "
                          "writable?)", path);
    }
    fstWriterSetTimescale(ctx, -15);
    fstWriterSetScope(ctx, FST_ST_VCD_MODULE, "spice", NULL);
    for (size_t i = 0; i < nsig; i++)
        sig[i].h = fstWriterCreateVar(ctx, FST_VT_VCD_REAL, FST_VD_IMPLICIT, 64, sig[i].name, 0);
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
    struct stat st = {0};
    if (stat(tmp, &st) != 0 || (uint64_t)st.st_size > max_bytes)
        rc = nc_err_set(NC_ERR_IO, "%s: the written file (%lld bytes) is missing or over the "
                        "bound of %.1f MB: removed", path, (long long)st.st_size,
                        max_bytes / 1e6);
    else if (rename(tmp, path) != 0)
        rc = nc_err_set(NC_ERR_IO, "%s: cannot rename %s into place: %s", path, tmp,
                        strerror(errno));
    if (rc)
        unlink(tmp);
    free(tmp);
    if (rc == NC_OK)
        rc = write_layout(path, sig, nsig);
    free_signals(sig, nsig + 1);
    free(t);
    return rc;
}

int nc_spice_write_fst(const char *path, const char *const *names)
{
    if (!names) {
        nc_wave_opts_t o = {.all = 1};
        return nc_spice_wave_write(path, NULL, 0, &o);
    }
    size_t n = 0;
    while (names[n])
        n++;
    nc_wave_probe_t *p = calloc(n + 1, sizeof *p);
    if (!p)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    char (*labels)[LABEL_MAX + 1] = calloc(n + 1, sizeof *labels);
    if (!labels) {
        free(p);
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    }
    for (size_t i = 0; i < n; i++) {
        snprintf(labels[i], sizeof labels[i], "%s", names[i]);
        for (char *q = labels[i]; *q; q++)
            if (!isalnum((unsigned char)*q) && *q != '_')
                *q = '_';
        p[i] = (nc_wave_probe_t){names[i], labels[i]};
    }
    int rc = nc_spice_wave_write(path, p, n, NULL);
    free(labels);
    free(p);
    return rc;
}
