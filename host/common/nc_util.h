/*
 * nc_util.h - small shared helpers: a seeded random generator, integer text files with
 * file:line errors, accuracy metrics and a monotonic clock.
 */
#ifndef NC_UTIL_H
#define NC_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* ---- Random numbers: xoshiro256**, seeded through splitmix64. Same seed, same stream. ---- */
typedef struct nc_rng {
    uint64_t s[4];
} nc_rng_t;

void nc_rng_seed(nc_rng_t *r, uint64_t seed);
uint64_t nc_rng_u64(nc_rng_t *r);
uint32_t nc_rng_below(nc_rng_t *r, uint32_t n); /* uniform in [0, n), n > 0          */
int64_t nc_rng_range(nc_rng_t *r, int64_t lo, int64_t hi); /* uniform in [lo, hi]     */
double nc_rng_uniform(nc_rng_t *r);             /* uniform in [0, 1)                  */
double nc_rng_gauss(nc_rng_t *r);               /* standard normal                    */

/* Seed from the environment variable NC_SEED if set (decimal or 0x hex), else `fallback`. */
uint64_t nc_seed_from_env(uint64_t fallback);

/* ---- Integer text files: one decimal integer per line; '#' starts a comment; blank lines
 * are skipped. Every value must lie in [lo, hi]. On error the message names file:line, the
 * text found and what was expected. *out is malloc'ed; the caller frees it. ---- */
int nc_read_ints(const char *path, int64_t lo, int64_t hi, int64_t **out, size_t *count);
int nc_write_ints(const char *path, const int64_t *v, size_t count);

/* Parses a whole string as a decimal integer in [lo, hi] (for command-line options).
 * `what` names the option in the error message. */
int nc_parse_int(const char *s, int64_t lo, int64_t hi, const char *what, int64_t *out);

/* ---- Accuracy ---- */
/* SQNR in dB of `test` against `ref`: 10*log10(sum ref^2 / sum (test-ref)^2).
 * Returns +INFINITY when they are identical and ref is not all zero, and NAN when ref is all
 * zero (no signal: no SQNR is defined; callers must treat that case explicitly). */
double nc_sqnr_db(const double *ref, const double *test, size_t n);
/* max |test-ref| / max |ref| (NAN when ref is all zero). */
double nc_rel_err_max(const double *ref, const double *test, size_t n);

/* ---- Time ---- */
double nc_now_s(void); /* monotonic seconds */
/* Peak resident set size of this process in bytes (from getrusage). */
uint64_t nc_peak_rss_bytes(void);

/* Creates directory `dir` and any missing parents (mkdir -p); an existing directory is fine. */
int nc_mkdir_p(const char *dir);

#define NC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
