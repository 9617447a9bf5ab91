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
#include <sys/stat.h>
#include <time.h>

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

int nc_parse_int(const char *s, int64_t lo, int64_t hi, const char *what, int64_t *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (!*s || *end || errno)
        return nc_err_set(NC_ERR_ARG, "%s: '%s' is not a decimal integer", what, s);
    if (v < lo || v > hi)
        return nc_err_set(NC_ERR_ARG, "%s: %lld is out of range, expected %" PRId64 "..%" PRId64,
                          what, v, lo, hi);
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
    while (getline(&line, &linecap, f) >= 0) {
        lineno++;
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
        char *end;
        errno = 0;
        long long x = strtoll(p, &end, 10);
        if (*end || errno == ERANGE) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%ld: '%s' is not a decimal integer", path, lineno, p);
            break;
        }
        if (x < lo || x > hi) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%ld: value %lld out of range, expected %" PRId64
                            "..%" PRId64, path, lineno, x, lo, hi);
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
    FILE *f = fopen(path, "w");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot create: %s", path, strerror(errno));
    for (size_t i = 0; i < count; i++)
        fprintf(f, "%" PRId64 "\n", v[i]);
    if (fclose(f) != 0)
        return nc_err_set(NC_ERR_IO, "%s: write error: %s", path, strerror(errno));
    return NC_OK;
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
