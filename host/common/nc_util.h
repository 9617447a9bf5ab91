/*
 * nc_util.h - small shared helpers: a seeded random generator, integer text files with
 * file:line errors, accuracy metrics and a monotonic clock.
 */
#ifndef NC_UTIL_H
#define NC_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

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

/* Strict decimal integer token: an optional '-', then "0" or digits without a leading zero
 * (so "010" and "0x64" are refused: the text formats are decimal, never octal or hex).
 * Returns 0 and sets *out; -1 when the token is not such an integer; -2 when it does not fit
 * in int64_t. The whole token must be the number. */
int nc_dec_int(const char *tok, int64_t *out);

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

/* ---- Output files, written atomically: the data goes to a temporary file in the same
 * directory, which nc_out_commit() renames over `path`, so a kill or a full disk never leaves a
 * half-written file where a good one was. nc_out_open() fails at once (before any long run)
 * when the file cannot be created there. `max_bytes` bounds what may be written (0: no
 * bound); writing past it fails with a message naming the file, the bound and `limit_hint`
 * (for example "raise it with --max-output-mb"). An existing device or FIFO (/dev/null, a
 * pipe) is written in place instead (a rename would replace the device). ---- */
typedef struct nc_out {
    FILE *f;
    char *path, *tmp;
    uint64_t written, max_bytes;
    const char *limit_hint;
    int failed; /* an error was recorded by nc_out_printf/nc_out_write */
} nc_out_t;

int nc_out_open(nc_out_t *o, const char *path, uint64_t max_bytes, const char *limit_hint);
int nc_out_printf(nc_out_t *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nc_out_write(nc_out_t *o, const void *data, size_t n);
/* Flushes, syncs and renames into place; on any failure removes the temporary file. */
int nc_out_commit(nc_out_t *o);
/* Removes the temporary file, leaves `path` as it was (safe on a zeroed or closed nc_out_t). */
void nc_out_abort(nc_out_t *o);
/* Atomically replaces `path` with `n` bytes of `data`. */
int nc_write_file(const char *path, const void *data, size_t n);
/* Can `path` be created or replaced (its directory exists and is writable)? For checking an
 * output option before a long run that writes it at the end. */
int nc_out_check(const char *path);

/* ---- Waveforms ---- */
/* Checks a --waves FILE option before a run: its directory must exist and be writable
 * (NC_ERR_ARG naming the option and the directory otherwise: a usage error). */
int nc_waves_check(const char *path);
/* Prints, to `f`, where a waveform was written and the exact command that opens it:
 *   waveform: PATH
 *   open it with: make waves WAVE=PATH  */
void nc_waves_print(FILE *f, const char *path);

/* ---- Progress on stderr for runs longer than a few seconds. Shown when stderr is a
 * terminal, or when asked (NC_PROGRESS=1 or nc_progress_enable(1)); NC_PROGRESS=0 silences
 * it. One line, rewritten at most 4 times a second, with done/total, elapsed time and ETA.
 * nc_progress_end() finishes the line. ---- */
void nc_progress_enable(int on);
int nc_progress_on(void);
void nc_progress(const char *what, double done, double total);
void nc_progress_end(void);

#define NC_ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

#endif
