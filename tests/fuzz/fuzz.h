/*
 * fuzz.h - helpers shared by the fuzz targets (tests/fuzz/fuzz_<design>_<what>.c).
 *
 * A target defines int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size). It is built
 * two ways (Makefile): with clang -fsanitize=fuzzer,address,undefined for `make fuzz`, and with
 * the normal compiler and tests/fuzz/replay_main.c for `make test`, which replays the committed
 * corpus and crash inputs. A target must not leak, must clean up the files it makes, and turns
 * a broken property of the parser (an "oracle") into an abort through FUZZ_CHECK.
 */
#ifndef NC_FUZZ_H
#define NC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/* Aborts (a finding for libFuzzer, a failed input for the replay) when `cond` is false. */
#define FUZZ_CHECK(cond, ...)                                                                    \
    do {                                                                                         \
        if (!(cond)) {                                                                           \
            fprintf(stderr, "%s:%d: fuzz check failed: %s: ", __FILE__, __LINE__, #cond);        \
            fprintf(stderr, __VA_ARGS__);                                                        \
            fputc('\n', stderr);                                                                 \
            abort();                                                                             \
        }                                                                                        \
    } while (0)

/* Writes `size` bytes to this process's scratch file number `slot` (0..3) and returns its
 * path, for parsers that take a path. The files live in a private directory under
 * $NC_FUZZ_TMPDIR (set by `make fuzz`), else /dev/shm, else $TMPDIR or /tmp; they are reused
 * from one input to the next and removed when the process that made them exits (a libFuzzer
 * crash exit skips that: `make fuzz` removes its whole NC_FUZZ_TMPDIR). */
const char *fuzz_file(int slot, const uint8_t *data, size_t size);

/* Makes the scratch directory now (the replay does, before it forks its children, so that it
 * removes the directory itself even when a child crashes). Called by fuzz_file otherwise. */
void fuzz_scratch_init(void);

/* A path in the same private scratch directory for a parser's output (not created). */
const char *fuzz_out_path(int slot);

#endif
