/*
 * test_fftconv_cli.c - `neurocosim fftconv --channels H` as a user meets it: H channels from
 * files (H*L input lines, H*T kernel lines) or generators, an output of H*L lines in the same
 * order, exit status 2 with the file or option named for input that does not fit. Runs the
 * built tool ($NC_BUILD/bin/neurocosim).
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_test.h"

static char out[65536];

static int nc(const char *fmt, const char *a, const char *b, const char *c)
{
    char args[2048];
    snprintf(args, sizeof args, fmt, a, b, c);
    return nc_test_sh(out, sizeof out, 120, "%s fftconv %s", nc_test_tool(), args);
}

static void write_ints(const char *path, const int *v, size_t n)
{
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%d\n", v[i]);
    fclose(f);
}

enum { H = 3, L = 256, T = 3 };

/* Kernel c is 0.5 at tap c (three taps each): y_c[t] = u_c[t - c] / 2, exact for even inputs
 * up to the datapath's one-LSB rounding; a channel run with another's kernel is off by a delay. */
Test(fftconv_cli, channels_from_files_write_every_channel, .timeout = 120)
{
    const char *dir = nc_test_tmpdir("fftconv_ch");
    char up[300], kp[300], yp[300];
    snprintf(up, sizeof up, "%s/u.txt", dir);
    snprintf(kp, sizeof kp, "%s/k.txt", dir);
    snprintf(yp, sizeof yp, "%s/y.txt", dir);
    static int u[H * L], k[H * T], y[H * L];
    for (int i = 0; i < H * L; i++)
        u[i] = 2 * (((i * 7919) % 30001) - 15000);
    for (int c = 0; c < H; c++)
        k[c * T + c] = 16384;
    write_ints(up, u, H * L);
    write_ints(kp, k, H * T);
    for (int packed = 0; packed < 2; packed++) {
        cr_assert_eq(nc(packed ? "--packed --channels 3 --input %s --kernel %s --output %s"
                               : "--channels 3 --input %s --kernel %s --output %s", up, kp, yp),
                     0, "%s", out);
        cr_assert(!packed || strstr(out, " packed "), "%s", out);
        cr_assert(strstr(out, "3 channels P=2 L=256") && strstr(out, "0 of 768 samples differ"),
                  "%s", out);
        FILE *f = fopen(yp, "r");
        cr_assert(f);
        size_t n = 0;
        while (n < H * L && fscanf(f, "%d", &y[n]) == 1)
            n++;
        int extra;
        cr_assert(fscanf(f, "%d", &extra) != 1, "more than %d output lines", H * L);
        fclose(f);
        cr_assert_eq(n, (size_t)(H * L), "%zu output lines, expected %d", n, H * L);
        for (int c = 0; c < H; c++)
            for (int t = 0; t < L; t++) {
                int want = t < c ? 0 : u[c * L + t - c] / 2;
                cr_assert(abs(y[c * L + t] - want) <= 1, "channel %d y[%d] = %d, expected %d", c,
                          t, y[c * L + t], want);
            }
    }
    /* generated inputs and kernels, packed, partial */
    cr_assert_eq(nc("--channels 8 --length 1024 --packed --partial 100 %s%s%s", "", "", ""), 0,
                 "%s", out);
    cr_assert(strstr(out, "0 of 8192 samples differ"), "%s", out);
    nc_test_rm_rf(dir);
}

Test(fftconv_cli, channels_bad_input_is_refused, .timeout = 60)
{
    const char *dir = nc_test_tmpdir("fftconv_chbad");
    char up[300], kp[300], k2[300];
    snprintf(up, sizeof up, "%s/u.txt", dir);
    snprintf(kp, sizeof kp, "%s/k.txt", dir);
    snprintf(k2, sizeof k2, "%s/k2.txt", dir);
    static int u[H * L + 1], k[2 * H * L];
    write_ints(up, u, H * L + 1); /* not a multiple of 3 */
    write_ints(kp, k, 4);         /* not a multiple of 3 */
    write_ints(k2, k, H * 300);   /* 300 taps per channel > L = 256 */
    const struct { const char *args, *a, *b, *msg; } bad[] = {
        {"--channels 3 --input %s%s", up, "", "769 values, not a multiple of --channels 3"},
        {"--channels 2 --length 256 --kernel %s%s", kp, "", ""},
        {"--channels 3 --length 256 --kernel %s%s", kp, "", "4 values, not a multiple of --channels 3"},
        {"--channels 3 --length 256 --kernel %s%s", k2, "", "300 taps per channel, expected 1..L (256)"},
        {"--channels 0%s%s", "", "", "--channels"},
        {"--channels 65%s%s", "", "", "expected 1..64"},
        {"--channels 2 --butterflies 4%s%s", "", "", "fftconv_c2 has P = 2"},
        {"--channels 2 --length 8192%s%s", "", "", "LMAX = 4096"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        int st = nc(bad[i].args, bad[i].a, bad[i].b, "");
        if (i == 1) { /* 4 kernel lines over 2 channels: 2 taps each, fine */
            cr_assert_eq(st, 0, "case %zu: %s", i, out);
            continue;
        }
        cr_assert_eq(st, 2, "case %zu: exit %d: %s", i, st, out);
        cr_assert(strstr(out, bad[i].msg), "case %zu: message lacks '%s': %s", i, bad[i].msg, out);
        cr_assert(!strstr(out, "samples differ"), "case %zu ran: %s", i, out);
    }
    cr_assert_eq(nc("--help%s%s%s", "", "", ""), 0);
    cr_assert(strstr(out, "--channels H"), "%s", out);
    nc_test_rm_rf(dir);
}
