/*
 * nc_test.h - shared support for neurocosim's Criterion tests.
 *
 * Seeds: every randomized test takes its seed from nc_test_seed(default); NC_SEED=<n> in the
 * environment overrides it, and a failure message always prints the seed used.
 *
 * Waveforms on failure: run an RTL case through nc_test_run_case(). It runs the case without
 * tracing (fast); if the case fails, it runs it once more with an FST trace at
 * build/<rel|san>/waves/<name>.fst and fails the test with the seed, the message and the path.
 *
 * Levels: NC_LEVEL=test (make test) or verify (make verify); nc_test_verify() tells which, so
 * a test can widen its sweep for make verify.
 */
#ifndef NC_TEST_H
#define NC_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nc_error.h"
#include "nc_util.h"

uint64_t nc_test_seed(uint64_t fallback);
bool nc_test_verify(void);

/* The neurocosim tool of this build: $NC_BUILD/bin/neurocosim (build/rel without NC_BUILD). */
const char *nc_test_tool(void);

/* Runs a shell command (printf-style) under `timeout -s KILL bound_s`, its stdout and stderr
 * into out (NUL-terminated, cut at cap); fails the test when it does not exit normally (a hang
 * or a crash). Returns its exit status. */
int nc_test_sh(char *out, size_t cap, int bound_s, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* The same with stdout and stderr apart (each NUL-terminated, cut at its cap). */
int nc_test_sh2(char *out, size_t ocap, char *err, size_t ecap, int bound_s, const char *fmt, ...)
    __attribute__((format(printf, 6, 7)));

/* Reads a file into buf (NUL-terminated, cut at cap; "" when it cannot be read). */
void nc_test_slurp(const char *path, char *buf, size_t cap);

/* A fresh, empty /tmp/nc_test_<pid>_<name> (the last four names stay valid); removal. */
const char *nc_test_tmpdir(const char *name);
void nc_test_rm_rf(const char *path);

/* Directory for test artifacts (build/<rel|san>/waves), created on demand. */
const char *nc_test_wave_dir(void);

/*
 * A test case: returns NC_OK on success, or a failure status with a message in msg (size
 * msglen). wave_path is NULL for the fast run, or the FST file to trace into on the rerun.
 */
typedef int (*nc_case_fn)(void *arg, const char *wave_path, char *msg, size_t msglen);

/* Runs fn as described above; fails the current Criterion test on failure.
 * `name` names the case (used for the waveform file); `seed` is printed on failure. */
void nc_test_run_case(const char *name, uint64_t seed, nc_case_fn fn, void *arg);

/* The same without failing the test: returns fn's first status and, on failure, writes the
 * whole report (seed, message, waveform path) into report. */
int nc_test_try_case(const char *name, uint64_t seed, nc_case_fn fn, void *arg, char *report,
                     size_t reportlen);

#endif
