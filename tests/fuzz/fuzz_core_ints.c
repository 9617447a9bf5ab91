/*
 * fuzz_core_ints.c - integer text files (nc_read_ints, host/common/nc_util.c) and the strict
 * decimal token parser behind them (nc_dec_int).
 *
 * Properties checked on every input:
 *  - a read that succeeds returns values inside the range asked for, at most one per line;
 *  - a read that fails returns nothing and names the file (and the line for a parse error);
 *  - the same file read with a narrower range succeeds exactly when every value of the wide
 *    read lies inside it, and then gives the same values;
 *  - what succeeds survives nc_write_ints and a second read unchanged;
 *  - a file holding a NUL byte is not a text file and is refused;
 *  - nc_dec_int agrees with a separate hand-written reading of the first line as a token.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nc_error.h"
#include "nc_util.h"

/* The format of a message about `path`: "path:" then a line number for a parse error. */
static void check_msg(const char *path, int rc)
{
    const char *m = nc_err_msg();
    size_t n = strlen(path);
    FUZZ_CHECK(strncmp(m, path, n) == 0 && m[n] == ':', "message does not start with the file: %s", m);
    if (rc == NC_ERR_PARSE)
        FUZZ_CHECK(m[n + 1] >= '1' && m[n + 1] <= '9', "parse error without a line number: %s", m);
}

/* Reference for nc_dec_int: optional '-', then "0" or a non-zero digit and digits; strtoll
 * decides the overflow. Returns 0, -1 or -2 like nc_dec_int. */
static int ref_dec(const char *t, int64_t *out)
{
    const char *d = t + (t[0] == '-');
    size_t n = strlen(d);
    if (n == 0 || strspn(d, "0123456789") != n || (d[0] == '0' && n > 1))
        return -1;
    errno = 0;
    long long v = strtoll(t, NULL, 10);
    if (errno == ERANGE)
        return -2;
    *out = v;
    return 0;
}

static void check_dec_int(const uint8_t *data, size_t size)
{
    char tok[48];
    size_t n = 0;
    while (n < size && n + 1 < sizeof tok && data[n] != '\n' && data[n] != '\0')
        n++;
    memcpy(tok, data, n);
    tok[n] = '\0';
    int64_t a = 0, b = 0;
    int ra = nc_dec_int(tok, &a), rb = ref_dec(tok, &b);
    FUZZ_CHECK(ra == rb, "nc_dec_int(\"%s\") = %d, expected %d", tok, ra, rb);
    FUZZ_CHECK(ra != 0 || a == b, "nc_dec_int(\"%s\") = %" PRId64 ", expected %" PRId64, tok, a, b);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    check_dec_int(data, size);

    const char *p = fuzz_file(0, data, size);
    size_t lines = 1;
    for (size_t i = 0; i < size; i++)
        lines += data[i] == '\n';

    int64_t *wide = NULL;
    size_t nw = 0;
    int rw = nc_read_ints(p, INT64_MIN, INT64_MAX, &wide, &nw);
    if (rw != NC_OK) {
        FUZZ_CHECK(wide == NULL && nw == 0, "failed read returned %zu values", nw);
        check_msg(p, rw);
    } else {
        FUZZ_CHECK(nw <= lines, "%zu values from %zu lines", nw, lines);
        FUZZ_CHECK(memchr(data, 0, size) == NULL, "a file with a NUL byte was read as %zu integers", nw);
        /* Round trip through the writer. */
        const char *o = fuzz_out_path(0);
        FUZZ_CHECK(nc_write_ints(o, wide, nw) == NC_OK, "write: %s", nc_err_msg());
        int64_t *back = NULL;
        size_t nb = 0;
        FUZZ_CHECK(nc_read_ints(o, INT64_MIN, INT64_MAX, &back, &nb) == NC_OK, "reread: %s", nc_err_msg());
        FUZZ_CHECK(nb == nw && (nw == 0 || memcmp(back, wide, nw * sizeof *wide) == 0),
                   "round trip changed the values (%zu -> %zu)", nw, nb);
        free(back);
    }

    static const int64_t ranges[][2] = {{-32768, 32767}, {0, 0}};
    for (size_t r = 0; r < sizeof ranges / sizeof ranges[0]; r++) {
        int64_t lo = ranges[r][0], hi = ranges[r][1];
        int64_t *v = NULL;
        size_t n = 0;
        int rc = nc_read_ints(p, lo, hi, &v, &n);
        int inside = rw == NC_OK;
        for (size_t i = 0; inside && i < nw; i++)
            inside = wide[i] >= lo && wide[i] <= hi;
        FUZZ_CHECK((rc == NC_OK) == inside, "range %" PRId64 "..%" PRId64 ": rc %d, wide read rc %d: %s", lo, hi,
                   rc, rw, nc_err_msg());
        if (rc == NC_OK)
            FUZZ_CHECK(n == nw && (n == 0 || memcmp(v, wide, n * sizeof *v) == 0), "narrow read differs");
        else
            check_msg(p, rc);
        free(v);
    }
    free(wide);
    return 0;
}
