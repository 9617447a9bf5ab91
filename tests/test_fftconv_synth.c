/* test_fftconv_synth.c - the synthesis flow (rtl/common/synth.sh, make synth / synth-ci) and
 * the twiddle files it gives Yosys (rtl/fftconv/twiddle_hex.sh): figures of a small design
 * counted by hand, a latch and a syntax error fail with file:line, bad parameters exit 2,
 * and the twiddle files hold exactly the table of the model (which the RTL equals). The
 * synthesis of the accelerators themselves runs in make test (synth-ci). */
#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fftconv_model.h"
#include "nc_test.h"

static char out[65536];
static char dir[64];
static char root[4096];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nc_synth_XXXXXX");
    cr_assert(mkdtemp(dir), "cannot create a temporary directory");
    cr_assert(getcwd(root, sizeof root), "no working directory");
}

static void teardown(void)
{
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

static void put(const char *name, const char *text)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    cr_assert(f, "cannot write %s", path);
    fputs(text, f);
    cr_assert_eq(fclose(f), 0);
}

/* Runs a shell command inside the temporary directory, output (both streams) in out. */
static int run(const char *fmt, ...)
{
    char args[2048], cmd[8192];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    snprintf(cmd, sizeof cmd, "cd %s && %s 2>&1", dir, args);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "%s did not exit normally:\n%s", cmd, out);
    return WEXITSTATUS(st);
}

TestSuite(fftconv_synth, .init = setup, .fini = teardown, .timeout = 120);

/* A W-bit register r = d ^ we and a 16 x W RAM with registered read: with W = 8 that is
 * 8 XOR gates, 8 flip-flops (q is the memory's read register), one memory of 128 bits,
 * and one gate between the inputs and r. */
Test(fftconv_synth, figures_of_a_small_design)
{
    put("m.v", "module m #(parameter integer W = 4) (input wire clk, input wire we,\n"
               "    input wire [3:0] a, input wire [W-1:0] d, output reg [W-1:0] q,\n"
               "    output reg [W-1:0] r);\n"
               "  reg [W-1:0] mem [0:15];\n"
               "  always @(posedge clk) begin\n"
               "    if (we) mem[a] <= d;\n"
               "    q <= mem[a];\n"
               "    r <= d ^ {W{we}};\n"
               "  end\n"
               "endmodule\n");
    cr_assert_eq(run("%s/rtl/common/synth.sh --dir w m m '-GW=8' m.v", root), 0, "%s", out);
    char name[64], params[64];
    long cells, ffs, mems, bits, levels;
    cr_assert_eq(sscanf(out, "%63s %63s %ld %ld %ld %ld %ld", name, params, &cells, &ffs, &mems,
                        &bits, &levels), 7, "row not understood: %s", out);
    cr_expect_str_eq(name, "m");
    cr_expect_str_eq(params, "W=8");
    cr_expect_eq(cells, 8, "cells %ld, expected 8 XOR", cells);
    cr_expect_eq(ffs, 8, "flip-flops %ld, expected 8", ffs);
    cr_expect_eq(mems, 1);
    cr_expect_eq(bits, 128, "memory bits %ld, expected 16 x 8", bits);
    cr_expect_eq(levels, 1, "logic levels %ld, expected 1", levels);
}

/* A combinational write through a computed index leaves one of the two words unassigned on
 * every path: a latch each, named with the source line; exit 1. (fftconv_top.v's work-buffer
 * write data was written this way until the first synthesis run showed 96 latch bits.) */
Test(fftconv_synth, latch_fails_with_file_line)
{
    put("l.v", "module l(input wire clk, input wire sel, input wire [3:0] a,\n"
               "         output reg [3:0] q);\n"
               "  reg [3:0] t [0:1];\n"
               "  always @(*) t[sel ? 1 : 0] = a;\n"
               "  always @(posedge clk) q <= t[0] ^ t[1];\n"
               "endmodule\n");
    cr_assert_eq(run("%s/rtl/common/synth.sh --dir w l l '' l.v", root), 1, "%s", out);
    cr_expect(strstr(out, "latches inferred"), "%s", out);
    cr_expect(strstr(out, "t[0] (l.v:4)") && strstr(out, "t[1] (l.v:4)"), "%s", out);
}

Test(fftconv_synth, syntax_error_fails_with_file_line)
{
    put("e.v", "module e(input wire a, output wire b);\n  assign b = a +;\nendmodule\n");
    cr_assert_eq(run("%s/rtl/common/synth.sh --dir w e e '' e.v", root), 1, "%s", out);
    cr_expect(strstr(out, "synthesis failed"), "%s", out);
    cr_expect(strstr(out, "e.v:2"), "%s", out);
}

Test(fftconv_synth, bad_usage_exits_2)
{
    put("e.v", "module e(input wire a, output wire b);\n  assign b = a;\nendmodule\n");
    cr_expect_eq(run("%s/rtl/common/synth.sh --dir w e e '-GX=abc' e.v", root), 2, "%s", out);
    cr_expect(strstr(out, "-GX=abc"), "%s", out);
    cr_expect_eq(run("%s/rtl/common/synth.sh --dir w e e '' missing.v", root), 2, "%s", out);
    cr_expect(strstr(out, "missing.v"), "%s", out);
    cr_expect_eq(run("%s/rtl/common/synth.sh e e", root), 2, "%s", out);
    cr_expect_eq(run("%s/rtl/fftconv/twiddle_hex.sh 21", root), 2, "%s", out);
    cr_expect(strstr(out, "1..20"), "%s", out);
    cr_expect_eq(run("%s/rtl/common/synth.sh --help", root), 0, "%s", out);
    cr_expect(strstr(out, "synth.sh"), "%s", out);
}

static void read_hex(const char *name, uint32_t *v, size_t n)
{
    char path[256];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "r");
    cr_assert(f, "no %s", path);
    size_t i = 0;
    unsigned x;
    while (i < n && fscanf(f, "%x", &x) == 1)
        v[i++] = x;
    cr_assert_eq(i, n, "%s: %zu words, expected %zu", name, i, n);
    cr_assert_eq(fscanf(f, "%x", &x), EOF, "%s: more than %zu words", name, n);
    fclose(f);
}

/* Hand-computed words (18-bit two's complement) of the 256-entry table: k = 64 is pi/4
 * (cos = sin = 0.70710678 * 2^17 = 92681.9 -> 92682 = 0x16a0a), k = 128 is pi/2, k = 192 is
 * 3 pi/4 (cos = -92682 -> 2^18 - 92682 = 0x295f6); +1.0 saturates to 131071 = 0x1ffff. */
Test(fftconv_synth, twiddle_files_small_table)
{
    static uint32_t c[256], s[256];
    cr_assert_eq(run("%s/rtl/fftconv/twiddle_hex.sh 8", root), 0, "%s", out);
    read_hex("fftconv_tw_c.hex", c, 256);
    read_hex("fftconv_tw_s.hex", s, 256);
    cr_expect_eq(c[0], 0x1ffffu);
    cr_expect_eq(s[0], 0u);
    cr_expect_eq(c[64], 0x16a0au);
    cr_expect_eq(s[64], 0x16a0au);
    cr_expect_eq(c[128], 0u);
    cr_expect_eq(s[128], 0x1ffffu);
    cr_expect_eq(c[192], 0x295f6u);
    cr_expect_eq(s[192], 0x16a0au);
}

/* The files of the full table (LMAX = 65536) equal the model's generator word for word. */
Test(fftconv_synth, twiddle_files_equal_the_model)
{
    enum { N = 65536 };
    static uint32_t c[N], s[N];
    cr_assert_eq(run("%s/rtl/fftconv/twiddle_hex.sh 16", root), 0, "%s", out);
    read_hex("fftconv_tw_c.hex", c, N);
    read_hex("fftconv_tw_s.hex", s, N);
    int bad = 0;
    for (uint32_t k = 0; k < N; k++) {
        int32_t mc, ms;
        fftconv_twiddle(k << 4, &mc, &ms); /* entry k of a 2^16 table: W_2^21^(16k) */
        if (c[k] != ((uint32_t)mc & 0x3ffffu) || s[k] != ((uint32_t)ms & 0x3ffffu)) {
            if (bad++ < 5)
                cr_log_error("k=%u: files c=%05x s=%05x, model c=%d s=%d", k, c[k], s[k], mc, ms);
        }
    }
    cr_expect_eq(bad, 0, "%d of %d twiddles differ from the model", bad, N);
}
