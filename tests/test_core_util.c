/* test_core_util.c - shared helpers: integer files, option parsing, metrics, the RNG. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nc_test.h"

static const char *write_tmp(const char *text)
{
    static char path[64];
    strcpy(path, "/tmp/nc_ints_XXXXXX");
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    cr_assert_eq(write(fd, text, strlen(text)), (ssize_t)strlen(text));
    close(fd);
    return path;
}

Test(core_util, reads_integers_with_comments, .timeout = 10)
{
    const char *p = write_tmp("# header\n 12\n\n-32768 # min\n32767\n");
    int64_t *v;
    size_t n;
    cr_assert_eq(nc_read_ints(p, -32768, 32767, &v, &n), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(n, 3u);
    cr_assert(v[0] == 12 && v[1] == -32768 && v[2] == 32767);
    free(v);
    unlink(p);
}

Test(core_util, bad_files_name_file_and_line, .timeout = 10)
{
    int64_t *v;
    size_t n;
    char want[128];
    const char *p = write_tmp("1\n2\nthree\n");
    cr_assert_eq(nc_read_ints(p, -10, 10, &v, &n), NC_ERR_PARSE);
    snprintf(want, sizeof want, "%s:3:", p);
    cr_assert(strstr(nc_err_msg(), want) && strstr(nc_err_msg(), "three"), "%s", nc_err_msg());
    unlink(p);
    p = write_tmp("1\n40000\n");
    cr_assert_eq(nc_read_ints(p, -32768, 32767, &v, &n), NC_ERR_PARSE);
    snprintf(want, sizeof want, "%s:2:", p);
    cr_assert(strstr(nc_err_msg(), want) && strstr(nc_err_msg(), "-32768..32767"), "%s",
              nc_err_msg());
    unlink(p);
    cr_assert_eq(nc_read_ints("/nonexistent/file", 0, 1, &v, &n), NC_ERR_IO);
}

Test(core_util, parse_int_option, .timeout = 10)
{
    int64_t x;
    cr_assert_eq(nc_parse_int("4096", 256, 65536, "--length", &x), NC_OK);
    cr_assert_eq(x, 4096);
    cr_assert_eq(nc_parse_int("12x", 0, 100, "--length", &x), NC_ERR_ARG);
    cr_assert_eq(nc_parse_int("100000", 256, 65536, "--length", &x), NC_ERR_ARG);
    cr_assert(strstr(nc_err_msg(), "--length") && strstr(nc_err_msg(), "256..65536"), "%s",
              nc_err_msg());
}

Test(core_util, sqnr_and_relative_error, .timeout = 10)
{
    double ref[2] = {1.0, 1.0}, test[2] = {1.1, 0.9};
    /* signal 2, noise 0.02: 10*log10(100) = 20 dB */
    cr_assert_float_eq(nc_sqnr_db(ref, test, 2), 20.0, 1e-9);
    cr_assert(isinf(nc_sqnr_db(ref, ref, 2)));
    double zero[2] = {0, 0};
    /* An all-zero output is no match for a non-zero reference: SQNR 0 dB, relative error 1. */
    cr_assert_float_eq(nc_sqnr_db(ref, zero, 2), 0.0, 1e-12);
    cr_assert_float_eq(nc_rel_err_max(ref, zero, 2), 1.0, 1e-12);
    cr_assert(isnan(nc_sqnr_db(zero, ref, 2)), "no signal, no SQNR");
}

Test(core_util, rng_is_reproducible_and_uniform, .timeout = 10)
{
    nc_rng_t a, b;
    nc_rng_seed(&a, 42);
    nc_rng_seed(&b, 42);
    for (int i = 0; i < 100; i++)
        cr_assert_eq(nc_rng_u64(&a), nc_rng_u64(&b));
    int hist[10] = {0};
    for (int i = 0; i < 100000; i++)
        hist[nc_rng_below(&a, 10)]++;
    for (int k = 0; k < 10; k++) /* 10000 expected, sigma ~95: 6 sigma bound */
        cr_assert(abs(hist[k] - 10000) < 600, "bin %d: %d", k, hist[k]);
    double s = 0, s2 = 0;
    for (int i = 0; i < 100000; i++) {
        double g = nc_rng_gauss(&a);
        s += g;
        s2 += g * g;
    }
    cr_assert(fabs(s / 1e5) < 0.02 && fabs(s2 / 1e5 - 1.0) < 0.03);
    for (int i = 0; i < 1000; i++) {
        int64_t x = nc_rng_range(&a, -3, 3);
        cr_assert(x >= -3 && x <= 3);
    }
}

/* nc_mkdir_p: nested directories, an existing one, and a file in the way (named). */
Test(core_util, mkdir_p_creates_parents_and_names_a_file_in_the_way, .timeout = 10)
{
    char base[64], deep[128], file[128], under[160];
    snprintf(base, sizeof base, "/tmp/nc_mkdir_%d", (int)getpid());
    snprintf(deep, sizeof deep, "%s/a/b/c", base);
    cr_assert_eq(nc_mkdir_p(deep), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(access(deep, W_OK), 0, "%s was not created", deep);
    cr_assert_eq(nc_mkdir_p(deep), NC_OK, "an existing directory: %s", nc_err_msg());
    snprintf(file, sizeof file, "%s/f", base);
    FILE *f = fopen(file, "w");
    cr_assert(f);
    fclose(f);
    snprintf(under, sizeof under, "%s/x", file);
    cr_assert_neq(nc_mkdir_p(under), NC_OK, "a path through a file succeeded");
    cr_assert(strstr(nc_err_msg(), "not a directory"), "%s", nc_err_msg());
    cr_assert_neq(nc_mkdir_p(""), NC_OK);
    unlink(file);
    rmdir(deep);
    snprintf(deep, sizeof deep, "%s/a/b", base), rmdir(deep);
    snprintf(deep, sizeof deep, "%s/a", base), rmdir(deep);
    rmdir(base);
}

/* Text formats are decimal: leading zeros (octal to strtol) and 0x are refused, the int64
 * range is exact at both ends. */
Test(core_util, decimal_integers_are_strict, .timeout = 10)
{
    int64_t x = 7;
    cr_assert_eq(nc_dec_int("0", &x), 0);
    cr_assert_eq(x, 0);
    cr_assert_eq(nc_dec_int("-120", &x), 0);
    cr_assert_eq(x, -120);
    cr_assert_eq(nc_dec_int("9223372036854775807", &x), 0);
    cr_assert_eq(x, INT64_MAX);
    cr_assert_eq(nc_dec_int("-9223372036854775808", &x), 0);
    cr_assert_eq(x, INT64_MIN);
    cr_assert_eq(nc_dec_int("9223372036854775808", &x), -2);
    const char *bad[] = {"010", "0x64", "", "-", "+5", " 5", "5 ", "1e3", "-0x1", "00", "12a"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_assert_eq(nc_dec_int(bad[i], &x), -1, "'%s' was accepted", bad[i]);
    int64_t *v;
    size_t n;
    const char *p = write_tmp("1\n010\n");
    cr_assert_eq(nc_read_ints(p, -10, 10, &v, &n), NC_ERR_PARSE, "010 accepted in a file");
    cr_assert(strstr(nc_err_msg(), ":2:") && strstr(nc_err_msg(), "010"), "%s", nc_err_msg());
    unlink(p);
    cr_assert_eq(nc_parse_int("0x64", 0, 1000, "--steps", &x), NC_ERR_ARG);
    cr_assert_eq(nc_parse_int("", 0, 1000, "--steps", &x), NC_ERR_ARG, "an empty value");
}

/* Atomic output: until commit the old file is untouched; an abort (as a kill would) leaves it
 * as it was and no temporary behind; the size bound fails with the file and the hint named. */
Test(core_util, outputs_are_atomic_and_bounded, .timeout = 10)
{
    char dir[64], path[96], buf[128];
    snprintf(dir, sizeof dir, "/tmp/nc_out_%d", (int)getpid());
    cr_assert_eq(nc_mkdir_p(dir), NC_OK);
    snprintf(path, sizeof path, "%s/out.txt", dir);
    cr_assert_eq(nc_write_file(path, "old\n", 4), NC_OK, "%s", nc_err_msg());
    nc_out_t o;
    cr_assert_eq(nc_out_open(&o, path, 0, NULL), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_out_printf(&o, "new %d\n", 1), NC_OK);
    FILE *f = fopen(path, "r");
    cr_assert(f && fgets(buf, sizeof buf, f) && !strcmp(buf, "old\n"), "changed before commit");
    fclose(f);
    nc_out_abort(&o);
    f = fopen(path, "r");
    cr_assert(f && fgets(buf, sizeof buf, f) && !strcmp(buf, "old\n"), "changed by an abort");
    fclose(f);
    cr_assert_eq(nc_out_open(&o, path, 8, "raise it with --max-x"), NC_OK);
    cr_assert_eq(nc_out_printf(&o, "1234"), NC_OK);
    cr_assert_neq(nc_out_printf(&o, "56789"), NC_OK, "the bound was not enforced");
    cr_assert(strstr(nc_err_msg(), path) && strstr(nc_err_msg(), "8 bytes") &&
              strstr(nc_err_msg(), "--max-x"), "%s", nc_err_msg());
    cr_assert_neq(nc_out_commit(&o), NC_OK, "a failed output was committed");
    f = fopen(path, "r");
    cr_assert(f && fgets(buf, sizeof buf, f) && !strcmp(buf, "old\n"));
    fclose(f);
    cr_assert_eq(nc_out_open(&o, path, 0, NULL), NC_OK);
    cr_assert_eq(nc_out_printf(&o, "new\n"), NC_OK);
    cr_assert_eq(nc_out_commit(&o), NC_OK, "%s", nc_err_msg());
    f = fopen(path, "r");
    cr_assert(f && fgets(buf, sizeof buf, f) && !strcmp(buf, "new\n"));
    fclose(f);
    char cmd[160]; /* nothing but out.txt is left in the directory */
    snprintf(cmd, sizeof cmd, "test $(ls -A %s | wc -l) = 1", dir);
    cr_assert_eq(system(cmd), 0, "a temporary file was left in %s", dir);
    snprintf(buf, sizeof buf, "%s/no/such/dir/x", dir);
    cr_assert_neq(nc_out_check(buf), NC_OK);
    cr_assert(strstr(nc_err_msg(), "cannot create"), "%s", nc_err_msg());
    unlink(path);
    rmdir(dir);
}

/* A message that adds context to the failed call's own (nc_err_msg() passed to nc_err_set)
 * keeps it whole: the formatting does not write over the text it reads. */
Test(core_util, error_context_keeps_the_inner_message, .timeout = 10)
{
    nc_err_set(NC_ERR_PARSE, "a.cir:3: expected a number, got '%s'", "x1");
    cr_assert_eq(nc_err_set(NC_ERR_IO, "loading the network: %s", nc_err_msg()), NC_ERR_IO);
    cr_expect_str_eq(nc_err_msg(), "loading the network: a.cir:3: expected a number, got 'x1'");
    cr_expect_eq(nc_err_status(), NC_ERR_IO);
}
