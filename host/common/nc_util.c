#define _POSIX_C_SOURCE 200809L
#include "nc_util.h"
#include "nc_error.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <fcntl.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static uint64_t splitmix64(uint64_t *x)
{
    uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void nc_rng_seed(nc_rng_t *r, uint64_t seed)
{
    for (int i = 0; i < 4; i++)
        r->s[i] = splitmix64(&seed);
}

static uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t nc_rng_u64(nc_rng_t *r)
{
    uint64_t *s = r->s;
    uint64_t result = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return result;
}

uint32_t nc_rng_below(nc_rng_t *r, uint32_t n)
{
    /* Lemire's multiply-shift with rejection: unbiased. */
    uint64_t m = (uint64_t)(uint32_t)(nc_rng_u64(r) >> 32) * n;
    uint32_t l = (uint32_t)m;
    if (l < n) {
        uint32_t t = (uint32_t)(-n) % n;
        while (l < t) {
            m = (uint64_t)(uint32_t)(nc_rng_u64(r) >> 32) * n;
            l = (uint32_t)m;
        }
    }
    return (uint32_t)(m >> 32);
}

int64_t nc_rng_range(nc_rng_t *r, int64_t lo, int64_t hi)
{
    uint64_t span = (uint64_t)hi - (uint64_t)lo + 1;
    if (span == 0) /* full 64-bit range */
        return (int64_t)nc_rng_u64(r);
    return lo + (int64_t)(nc_rng_u64(r) % span); /* bias < 2^-32 for spans used here */
}

double nc_rng_uniform(nc_rng_t *r) { return (double)(nc_rng_u64(r) >> 11) * 0x1.0p-53; }

double nc_rng_gauss(nc_rng_t *r)
{
    double u1 = nc_rng_uniform(r), u2 = nc_rng_uniform(r);
    if (u1 < 1e-300)
        u1 = 1e-300;
    return sqrt(-2.0 * log(u1)) * cos(2.0 * M_PI * u2);
}

uint64_t nc_seed_from_env(uint64_t fallback)
{
    const char *s = getenv("NC_SEED");
    if (!s || !*s)
        return fallback;
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || *end)
        return fallback;
    return (uint64_t)v;
}

int nc_dec_int(const char *tok, int64_t *out)
{
    const char *p = tok;
    int neg = *p == '-';
    if (neg)
        p++;
    if (!isdigit((unsigned char)*p) || (p[0] == '0' && p[1] != '\0'))
        return -1;
    /* The whole token must be digits before its size matters: "99999999999999999999x" is not
     * an integer at all, rather than one out of range. */
    if (p[strspn(p, "0123456789")] != '\0')
        return -1;
    uint64_t v = 0, lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; *p; p++) {
        unsigned d = (unsigned)(*p - '0');
        if (v > (lim - d) / 10)
            return -2;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

int nc_parse_int(const char *s, int64_t lo, int64_t hi, const char *what, int64_t *out)
{
    int64_t v = 0;
    int r = nc_dec_int(s, &v);
    if (r == -1)
        return nc_err_set(NC_ERR_ARG, "%s: '%s' is not a decimal integer", what, s);
    if (r == -2 || v < lo || v > hi)
        return nc_err_set(NC_ERR_ARG, "%s: %s is out of range, expected %" PRId64 "..%" PRId64,
                          what, s, lo, hi);
    *out = v;
    return NC_OK;
}

int nc_read_ints(const char *path, int64_t lo, int64_t hi, int64_t **out, size_t *count)
{
    *out = NULL;
    *count = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 1024, n = 0;
    int64_t *v = malloc(cap * sizeof *v);
    char *line = NULL;
    size_t linecap = 0;
    long lineno = 0;
    int rc = NC_OK;
    if (!v) {
        fclose(f);
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    }
    ssize_t len;
    while ((len = getline(&line, &linecap, f)) >= 0) {
        lineno++;
        /* A NUL byte would silently cut the line short: this is not a text file. */
        if (memchr(line, '\0', (size_t)len)) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%ld: NUL byte in the line: expected text, one decimal integer "
                            "per line", path, lineno);
            break;
        }
        char *p = line, *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        while (isspace((unsigned char)*p))
            p++;
        char *e = p + strlen(p);
        while (e > p && isspace((unsigned char)e[-1]))
            *--e = '\0';
        if (!*p)
            continue;
        int64_t x = 0;
        int dr = nc_dec_int(p, &x);
        if (dr == -1) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%ld: '%s' is not a decimal integer", path, lineno, p);
            break;
        }
        if (dr == -2 || x < lo || x > hi) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%ld: value %s out of range, expected %" PRId64
                            "..%" PRId64, path, lineno, p, lo, hi);
            break;
        }
        if (n == cap) {
            int64_t *nv = realloc(v, 2 * cap * sizeof *v);
            if (!nv) {
                rc = nc_err_set(NC_ERR_NOMEM, "%s:%ld: out of memory", path, lineno);
                break;
            }
            v = nv;
            cap *= 2;
        }
        v[n++] = x;
    }
    if (rc == NC_OK && ferror(f))
        rc = nc_err_set(NC_ERR_IO, "%s: read error: %s", path, strerror(errno));
    free(line);
    fclose(f);
    if (rc != NC_OK) {
        free(v);
        return rc;
    }
    *out = v;
    *count = n;
    return NC_OK;
}

int nc_write_ints(const char *path, const int64_t *v, size_t count)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, 0, NULL);
    for (size_t i = 0; rc == NC_OK && i < count; i++)
        rc = nc_out_printf(&o, "%" PRId64 "\n", v[i]);
    if (rc != NC_OK) {
        nc_out_abort(&o);
        return rc;
    }
    return nc_out_commit(&o);
}

/* ---- Atomic output ---- */
int nc_out_open(nc_out_t *o, const char *path, uint64_t max_bytes, const char *limit_hint)
{
    *o = (nc_out_t){.max_bytes = max_bytes, .limit_hint = limit_hint};
    size_t n = strlen(path);
    if (n == 0)
        return nc_err_set(NC_ERR_ARG, "output file: empty path");
    o->path = strdup(path);
    if (!o->path)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    /* An existing device or FIFO (/dev/null, a pipe) is written in place: renaming a file
     * over it would replace the device itself. */
    struct stat st;
    if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
        if (S_ISDIR(st.st_mode)) {
            nc_out_abort(o);
            return nc_err_set(NC_ERR_IO, "%s: is a directory", path);
        }
        o->f = fopen(path, "w");
        if (!o->f) {
            int e = errno;
            nc_out_abort(o);
            return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(e));
        }
        return NC_OK;
    }
    o->tmp = malloc(n + 16);
    if (!o->tmp) {
        nc_out_abort(o);
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", path);
    }
    snprintf(o->tmp, n + 16, "%s.tmp.XXXXXX", path);
    int fd = mkstemp(o->tmp);
    if (fd < 0) {
        int e = errno;
        free(o->tmp);
        o->tmp = NULL;
        nc_out_abort(o);
        return nc_err_set(NC_ERR_IO, "%s: cannot create: %s", path, strerror(e));
    }
    /* mkstemp makes the file 0600; outputs are ordinary files (0666 less the umask). */
    mode_t um = umask(0);
    umask(um);
    fchmod(fd, 0666 & ~um);
    o->f = fdopen(fd, "w");
    if (!o->f) {
        close(fd);
        nc_out_abort(o);
        return nc_err_set(NC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    }
    return NC_OK;
}

static int out_account(nc_out_t *o, uint64_t n)
{
    if (o->failed)
        return NC_ERR_IO;
    if (o->max_bytes && o->written + n > o->max_bytes) {
        o->failed = 1;
        return nc_err_set(NC_ERR_ARG, "%s: output would exceed its bound of %" PRIu64 " bytes%s%s",
                          o->path, o->max_bytes, o->limit_hint ? "; " : "",
                          o->limit_hint ? o->limit_hint : "");
    }
    o->written += n;
    return NC_OK;
}

int nc_out_printf(nc_out_t *o, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0)
        return nc_err_set(NC_ERR_ARG, "%s: bad format", o->path);
    if ((size_t)n < sizeof small)
        return nc_out_write(o, small, (size_t)n);
    char *big = malloc((size_t)n + 1);
    if (!big)
        return nc_err_set(NC_ERR_NOMEM, "%s: out of memory", o->path);
    va_start(ap, fmt);
    vsnprintf(big, (size_t)n + 1, fmt, ap);
    va_end(ap);
    int rc = nc_out_write(o, big, (size_t)n);
    free(big);
    return rc;
}

int nc_out_write(nc_out_t *o, const void *data, size_t n)
{
    int rc = out_account(o, n);
    if (rc != NC_OK)
        return rc;
    if (n && fwrite(data, 1, n, o->f) != n) {
        o->failed = 1;
        return nc_err_set(NC_ERR_IO, "%s: write error: %s", o->path, strerror(errno));
    }
    return NC_OK;
}

int nc_out_commit(nc_out_t *o)
{
    int rc = NC_OK;
    if (!o->f || o->failed)
        rc = nc_err_status() ? nc_err_status() : NC_ERR_IO;
    else if (fflush(o->f) != 0 || (o->tmp && fsync(fileno(o->f)) != 0))
        rc = nc_err_set(NC_ERR_IO, "%s: write error: %s", o->path, strerror(errno));
    if (o->f && fclose(o->f) != 0 && rc == NC_OK)
        rc = nc_err_set(NC_ERR_IO, "%s: write error: %s", o->path, strerror(errno));
    o->f = NULL;
    if (rc == NC_OK && o->tmp && rename(o->tmp, o->path) != 0)
        rc = nc_err_set(NC_ERR_IO, "%s: cannot replace: %s", o->path, strerror(errno));
    nc_out_abort(o);
    return rc;
}

void nc_out_abort(nc_out_t *o)
{
    if (o->f)
        fclose(o->f);
    if (o->tmp)
        unlink(o->tmp); /* after a successful rename this finds nothing */
    free(o->tmp);
    free(o->path);
    o->f = NULL;
    o->tmp = o->path = NULL;
}

int nc_write_file(const char *path, const void *data, size_t n)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, 0, NULL);
    if (rc == NC_OK)
        rc = nc_out_write(&o, data, n);
    if (rc != NC_OK) {
        nc_out_abort(&o);
        return rc;
    }
    return nc_out_commit(&o);
}

int nc_out_check(const char *path)
{
    struct stat st;
    if (path && stat(path, &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        /* a device or FIFO: opening a FIFO here would wait for its reader */
        if (access(path, W_OK) != 0)
            return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
        return NC_OK;
    }
    nc_out_t o;
    int rc = nc_out_open(&o, path, 0, NULL);
    nc_out_abort(&o);
    return rc;
}

/* ---- Waveforms ---- */
int nc_waves_check(const char *path)
{
    if (!path || !*path)
        return nc_err_set(NC_ERR_ARG, "--waves: empty file name");
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return nc_err_set(NC_ERR_ARG, "--waves %s: directory %s does not exist (create it first)",
                          path, dir);
    if (access(dir, W_OK) != 0)
        return nc_err_set(NC_ERR_ARG, "--waves %s: directory %s is not writable", path, dir);
    if (slash && !slash[1])
        return nc_err_set(NC_ERR_ARG, "--waves %s: expected a file name, not a directory", path);
    return NC_OK;
}

void nc_waves_print(FILE *f, const char *path)
{
    fprintf(f, "  waveform: %s\n  open it with: make waves WAVE=%s\n", path, path);
}

/* ---- Progress ---- */
static int progress_forced = -1; /* -1: decide from NC_PROGRESS and the terminal */
static double progress_t0, progress_last;
static int progress_drawn;

void nc_progress_enable(int on) { progress_forced = on ? 1 : 0; }

int nc_progress_on(void)
{
    if (progress_forced >= 0)
        return progress_forced;
    const char *e = getenv("NC_PROGRESS");
    if (e && *e)
        return strcmp(e, "0") != 0;
    return isatty(STDERR_FILENO);
}

void nc_progress(const char *what, double done, double total)
{
    if (!nc_progress_on())
        return;
    double now = nc_now_s();
    if (!progress_drawn && progress_t0 == 0)
        progress_t0 = now;
    if (progress_drawn && now - progress_last < 0.25 && done < total)
        return;
    progress_last = now;
    double el = now - progress_t0;
    char eta[32] = "";
    if (done > 0 && total > done && el >= 1.0)
        snprintf(eta, sizeof eta, ", ETA %.0f s", el * (total - done) / done);
    fprintf(stderr, "\r%s: %.0f/%.0f (%.0f%%) %.0f s%s\033[K", what, done, total,
            total > 0 ? 100.0 * done / total : 0.0, el, eta);
    fflush(stderr);
    progress_drawn = 1;
}

void nc_progress_end(void)
{
    if (progress_drawn) {
        fputc('\n', stderr);
        fflush(stderr);
    }
    progress_drawn = 0;
    progress_t0 = 0;
}

double nc_sqnr_db(const double *ref, const double *test, size_t n)
{
    double ps = 0, pe = 0;
    for (size_t i = 0; i < n; i++) {
        double d = test[i] - ref[i];
        ps += ref[i] * ref[i];
        pe += d * d;
    }
    if (ps == 0)
        return NAN;
    if (pe == 0)
        return INFINITY;
    return 10.0 * log10(ps / pe);
}

double nc_rel_err_max(const double *ref, const double *test, size_t n)
{
    double mr = 0, me = 0;
    for (size_t i = 0; i < n; i++) {
        if (fabs(ref[i]) > mr)
            mr = fabs(ref[i]);
        if (fabs(test[i] - ref[i]) > me)
            me = fabs(test[i] - ref[i]);
    }
    return mr == 0 ? NAN : me / mr;
}

double nc_now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

uint64_t nc_peak_rss_bytes(void)
{
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0)
        return 0;
    return (uint64_t)ru.ru_maxrss * 1024u;
}

int nc_mkdir_p(const char *dir)
{
    char path[4096];
    size_t n = strlen(dir);
    if (n == 0 || n >= sizeof path)
        return nc_err_set(NC_ERR_ARG, "directory '%s': empty or too long", dir);
    memcpy(path, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (path[i] != '/' && path[i] != '\0')
            continue;
        char c = path[i];
        path[i] = '\0';
        struct stat st;
        if (mkdir(path, 0777) != 0 && errno != EEXIST)
            return nc_err_set(NC_ERR_IO, "cannot create directory %s: %s", path, strerror(errno));
        if (stat(path, &st) != 0 || !S_ISDIR(st.st_mode))
            return nc_err_set(NC_ERR_IO, "%s exists and is not a directory", path);
        path[i] = c;
    }
    return NC_OK;
}
