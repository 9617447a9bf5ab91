/* test_core_assert.c - an RTL assertion of rtl/common (Verilated with --assert) stops the
 * simulation and fails the test with the assertion's file and line. The test-only top
 * rtl/common/nc_assert_probe.v raises a response without a request when asked (FAULT=1),
 * which nc_bus_slave.v asserts against. The model runs in a child process: a failing assertion
 * ends the Verilated simulation ($error -> $stop -> abort). */
#include <criterion/criterion.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nc_test.h"
#include "vmodel.h"

#define PROBE_ID 0x000u
#define PROBE_FAULT 0x004u

/* The line of the assertion in the RTL source, found by its text (not from the simulator). */
static int source_line(const char *path, const char *text)
{
    FILE *f = fopen(path, "r");
    cr_assert(f, "cannot read %s (tests run from the repository root)", path);
    char buf[512];
    int line = 0, found = 0;
    while (fgets(buf, sizeof buf, f)) {
        line++;
        if (strstr(buf, text)) {
            found = line;
            break;
        }
    }
    fclose(f);
    cr_assert(found, "%s: no line containing '%s'", path, text);
    return found;
}

/* Runs the probe in a child: reads ID, writes FAULT=fault, runs 16 cycles, exits 0. Returns
 * the wait status; the child's stdout and stderr go to log. */
static int run_probe(uint32_t fault, char *log, size_t cap)
{
    const char *dir = nc_test_tmpdir("assert");
    char path[512];
    snprintf(path, sizeof path, "%s/child.log", dir);
    fflush(NULL);
    pid_t pid = fork();
    cr_assert(pid >= 0);
    if (pid == 0) {
        int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        if (fd < 0 || dup2(fd, 1) < 0 || dup2(fd, 2) < 0)
            _exit(90);
        vmodel_t *m = vmodel_open_name("assert_probe");
        if (!m)
            _exit(91);
        uint32_t id = 0;
        if (vmodel_read32(m, PROBE_ID, &id) != NC_OK || id != 0x5a55e700u)
            _exit(92);
        if (vmodel_write32(m, PROBE_FAULT, fault) != NC_OK)
            _exit(93);
        vmodel_step(m, 16);
        if (vmodel_read32(m, PROBE_ID, &id) != NC_OK)
            _exit(94);
        vmodel_close(m);
        fflush(NULL);
        _exit(0);
    }
    int ws = 0;
    cr_assert_eq(waitpid(pid, &ws, 0), pid);
    nc_test_slurp(path, log, cap);
    nc_test_rm_rf(dir);
    return ws;
}

Test(core_assert, handshake_violation_stops_with_file_and_line, .timeout = 60)
{
    /* The location Verilator reports is the line of the assertion's action ($error). */
    int line = source_line("rtl/common/nc_bus_slave.v", "$error(\"nc_bus_slave: rsp_valid without");
    char want[128], log[8192];
    snprintf(want, sizeof want, "rtl/common/nc_bus_slave.v:%d", line);
    int ws = run_probe(1, log, sizeof log);
    cr_assert(!(WIFEXITED(ws) && WEXITSTATUS(ws) == 0),
              "the simulation went on after a response without a request; output:\n%s", log);
    cr_assert(WIFSIGNALED(ws) || WEXITSTATUS(ws) < 90, "the child failed before the fault (%d):\n%s",
              WIFEXITED(ws) ? WEXITSTATUS(ws) : -1, log);
    cr_assert(strstr(log, "Assertion failed"), "no assertion failure printed:\n%s", log);
    cr_assert(strstr(log, want), "the error does not name %s:\n%s", want, log);
    cr_assert(strstr(log, "rsp_valid without a request"), "the assertion's message is missing:\n%s",
              log);
}

Test(core_assert, legal_handshake_runs_on, .timeout = 60)
{
    char log[8192];
    int ws = run_probe(0, log, sizeof log);
    cr_assert(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "status %d%s:\n%s",
              WIFEXITED(ws) ? WEXITSTATUS(ws) : WTERMSIG(ws), WIFEXITED(ws) ? "" : " (signal)", log);
    cr_assert(!strstr(log, "%Error"), "%s", log);
}
