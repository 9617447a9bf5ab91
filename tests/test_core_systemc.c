/* test_core_systemc.c - the SystemC top (cosim/systemc/sc_scratch_top.cpp) runs its bus master
 * against the Verilated scratch IP, every check passes, and its VCD trace is written. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nc_test.h"

Test(core_systemc, bus_master_checks_pass_and_trace_is_written, .timeout = 60)
{
    const char *b = getenv("NC_BUILD");
    char cmd[2048], vcd[1024], out[8192] = "";
    snprintf(vcd, sizeof vcd, "%s/sc_scratch_top.vcd", nc_test_wave_dir());
    unlink(vcd);
    snprintf(cmd, sizeof cmd, "%s/bin/sc_scratch_top %s 2>&1", b && *b ? b : "build/rel", vcd);
    FILE *p = popen(cmd, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    int st = pclose(p);
    cr_assert_eq(st, 0, "%s exited with %d:\n%s", cmd, st, out);
    int oks = 0;
    for (const char *s = out; (s = strstr(s, " ok\n")); s++)
        oks++;
    cr_assert_eq(oks, 5, "expected 5 passing checks:\n%s", out);
    cr_assert_null(strstr(out, "FAIL"), "%s", out);
    struct stat sb;
    cr_assert_eq(stat(vcd, &sb), 0, "no VCD at %s", vcd);
    cr_assert(sb.st_size > 1000);
}
