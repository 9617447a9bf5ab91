/* test_core_platform.c - the SystemC/TLM-2.0 platform (cosim/systemc/nc_platform.h) with the
 * scratch IP and an SRAM: the bus_tlm backend's accesses, bursts, error responses, DMI,
 * simulated time per clock period, the interrupt line with its bound, the simulated-time
 * bound of a run. Expected values come from the scratch register map (scratch_regs.def) and
 * the rtl/common handshake, not from the platform. One platform per test (one per process). */
#include <criterion/criterion.h>
#include <string.h>

#include "nc_platform.h"
#include "nc_test.h"
#include "scratch_regs.h"

#define SRAM_BASE 0x00000000u
#define SRAM_SIZE 0x10000u
#define SCR_BASE 0x40000000u

static nc_platform_t *make(uint32_t clk_ps, double max_sim_s)
{
    nc_platform_cfg_t cfg = {.clk_ps = clk_ps, .quantum_cycles = 100, .max_sim_s = max_sim_s};
    nc_platform_t *p = nc_platform_create(&cfg);
    cr_assert(p, "%s", nc_err_msg());
    cr_assert_eq(nc_platform_add_sram(p, "sram", SRAM_BASE, SRAM_SIZE), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_platform_add_vmodel(p, "scratch", "scratch", SCR_BASE, 0x1000), NC_OK, "%s",
                 nc_err_msg());
    return p;
}

static int prog_accesses(nc_platform_t *p, void *arg)
{
    (void)arg;
    bus_t *b = nc_platform_bus(p, "scratch");
    cr_assert(b, "%s", nc_err_msg());
    uint32_t v = 0;
    cr_assert_eq(bus_read32(b, 0x000, &v), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(v, 0x5c7a7c01u, "ID 0x%08x", v);
    uint32_t w[16], r[16];
    for (int i = 0; i < 16; i++)
        w[i] = 0x9e3779b9u * (uint32_t)(i + 1);
    cr_assert_eq(bus_write_burst(b, 0x100, w, 16), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(bus_read_burst(b, 0x100, r, 16), NC_OK, "%s", nc_err_msg());
    cr_assert_arr_eq(w, r, sizeof w);
    /* A device's refusal is a TLM error response carrying the device's message. */
    cr_assert_eq(bus_write32(b, 0x000, 1), NC_ERR_BUS);
    cr_assert(strstr(nc_err_msg(), "rejected"), "%s", nc_err_msg());
    /* Nothing mapped: an address error from the router. */
    bus_t *sys = nc_platform_sysbus(p);
    cr_assert_eq(bus_read32(sys, 0x20000000u, &v), NC_ERR_RANGE);
    cr_assert(strstr(nc_err_msg(), "no target"), "%s", nc_err_msg());
    /* The same register through the system bus at its absolute address. */
    cr_assert_eq(bus_read32(sys, SCR_BASE + 0x000, &v), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(v, 0x5c7a7c01u);
    /* SRAM: direct memory interface, seen identically through the system bus. */
    bus_t *m = nc_platform_bus(p, "sram");
    cr_assert_eq(bus_write32(m, 0x40, 0xdeadbeefu), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(bus_read32(sys, SRAM_BASE + 0x40, &v), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(v, 0xdeadbeefu);
    cr_assert_eq(bus_read32(m, SRAM_SIZE, &v), NC_ERR_RANGE, "past the SRAM");
    cr_assert_eq(bus_has_irq(m), 0, "an SRAM has no interrupt line");
    /* A device that never answers: the adapter's handshake bound. */
    cr_assert_eq(bus_read32(b, 0x014, &v), NC_ERR_TIMEOUT);
    return NC_OK;
}

Test(core_platform, accesses_bursts_errors_and_dmi, .timeout = 60)
{
    nc_platform_t *p = make(10000, 1.0);
    cr_assert_eq(nc_platform_run(p, prog_accesses, NULL), NC_OK, "%s", nc_err_msg());
    cr_assert_gt(nc_platform_transactions(p), 6u);
    nc_platform_destroy(p);
}

/* The timer counts N clock cycles: waiting on the interrupt takes N periods of simulated time
 * (the clock period is the platform's parameter), within the handshake's few cycles. */
struct timer_arg {
    uint32_t n;
    uint64_t t_start, t_irq;
};

static int prog_timer(nc_platform_t *p, void *varg)
{
    struct timer_arg *a = varg;
    bus_t *b = nc_platform_bus(p, "scratch");
    cr_assert_eq(bus_write32(b, 0x008, a->n), NC_OK, "%s", nc_err_msg());
    a->t_start = nc_platform_time_ps(p);
    cr_assert_eq(bus_wait_irq(b, 10 * a->n, "timer"), NC_OK, "%s", nc_err_msg());
    a->t_irq = nc_platform_time_ps(p);
    uint32_t st = 0;
    cr_assert_eq(bus_read32(b, 0x004, &st), NC_OK, "%s", nc_err_msg());
    cr_assert(st & 2u, "STATUS.DONE not set: 0x%x", st);
    /* Started again, the bound runs out first: a timeout naming what was waited for. */
    cr_assert_eq(bus_write32(b, 0x008, 5000), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(bus_wait_irq(b, 100, "second timer"), NC_ERR_TIMEOUT);
    cr_assert(strstr(nc_err_msg(), "second timer") && strstr(nc_err_msg(), "100 cycles"), "%s",
              nc_err_msg());
    return NC_OK;
}

Test(core_platform, interrupt_wait_takes_the_timer_in_simulated_time, .timeout = 60)
{
    const uint32_t clk_ps = 3333; /* 300 MHz: not a round number of ns */
    nc_platform_t *p = make(clk_ps, 1.0);
    struct timer_arg a = {.n = 1000};
    cr_assert_eq(nc_platform_run(p, prog_timer, &a), NC_OK, "%s", nc_err_msg());
    double cycles = (double)(a.t_irq - a.t_start) / clk_ps;
    cr_assert(cycles >= 998 && cycles <= 1004, "irq after %.1f cycles, expected 1000", cycles);
    nc_platform_destroy(p);
}

/* Idles forever: the simulated-time bound ends the run with a timeout. */
static int prog_forever(nc_platform_t *p, void *arg)
{
    (void)arg;
    bus_t *b = nc_platform_bus(p, "scratch");
    for (;;)
        bus_idle(b, 1000000);
    return NC_OK;
}

Test(core_platform, simulated_time_is_bounded, .timeout = 60)
{
    nc_platform_t *p = make(10000, 0.01);
    cr_assert_eq(nc_platform_run(p, prog_forever, NULL), NC_ERR_TIMEOUT);
    cr_assert(strstr(nc_err_msg(), "simulated-time bound"), "%s", nc_err_msg());
}

Test(core_platform, bad_maps_are_refused, .timeout = 30)
{
    nc_platform_t *p = make(10000, 1.0);
    cr_assert_eq(nc_platform_add_sram(p, "sram2", SRAM_BASE + 0x100, 0x100), NC_ERR_ARG);
    cr_assert(strstr(nc_err_msg(), "overlaps 'sram'"), "%s", nc_err_msg());
    cr_assert_eq(nc_platform_add_sram(p, "sram", 0x80000000u, 0x100), NC_ERR_ARG, "a duplicate name");
    cr_assert_eq(nc_platform_add_vmodel(p, "x", "nosuchmodel", 0x80000000u, 0x100), NC_ERR_ARG);
    cr_assert(strstr(nc_err_msg(), "nosuchmodel"), "%s", nc_err_msg());
    cr_assert_null(nc_platform_create(NULL), "a second platform in one process");
}

/* ---- `neurocosim platform` as a user meets it ---- */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

static char out[65536];

/* Runs `neurocosim <args>` (bounded), output in out; returns the exit status. */
static int tool(const char *fmt, ...)
{
    char args[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(args, sizeof args, fmt, ap);
    va_end(ap);
    return nc_test_sh(out, sizeof out, 120, "%s %s", nc_test_tool(), args);
}
Test(core_platform_cli, usage_map_and_bad_options, .timeout = 60)
{
    cr_assert_eq(tool("platform --help"), 0, "%s", out);
    cr_assert(strstr(out, "usage: neurocosim platform") && strstr(out, "--clk-ps"), "%s", out);
    cr_assert_eq(tool("platform --map"), 0, "%s", out);
    cr_assert(strstr(out, "0x40000000  fftconv") && strstr(out, "0x50000000  snn"), "%s", out);
    cr_assert_eq(tool("platform --design nope"), 2, "%s", out);
    cr_assert(strstr(out, "'nope'"), "%s", out);
    cr_assert_eq(tool("platform --clk-ps ''"), 2, "%s", out);
    cr_assert_eq(tool("platform --length 1000"), 2, "%s", out);
    cr_assert_eq(tool("platform --waves /nonexistent/dir/p.fst"), 2, "%s", out);
    cr_assert(strstr(out, "does not exist"), "%s", out);
}

/* A platform run's waveform holds the accelerator's RTL signals and the TLM transactions. */
Test(core_platform_cli, run_checks_models_and_waves_show_transactions, .timeout = 120)
{
    char dir[64], cmd[512];
    snprintf(dir, sizeof dir, "/tmp/nc_plat_%d", (int)getpid());
    cr_assert_eq(nc_mkdir_p(dir), NC_OK);
    cr_assert_eq(tool("platform --design fftconv --length 1024 --clk-ps 5000 --waves %s/p.fst", dir), 0,
                 "%s", out);
    cr_assert(strstr(out, "fftconv L=1024 P=2 via TLM") && strstr(out, "PASS"), "%s", out);
    cr_assert(strstr(out, "make waves WAVE="), "%s", out);
    snprintf(cmd, sizeof cmd, "fst2vcd -f %s/p.fst | grep -E '^\\$(scope module (tlm|fftconv_top)|var .* (kind|addr|resp|bus_req) )' | sort -u | wc -l",
             dir);
    FILE *p = popen(cmd, "r");
    cr_assert(p);
    int found = 0;
    cr_assert_eq(fscanf(p, "%d", &found), 1);
    pclose(p);
    cr_assert_eq(found, 6, "expected scopes tlm and fftconv_top, tlm.kind/addr/resp and bus_req");
    /* the transactions are on the timeline: 'kind' changes to write (b10) at least 10 times */
    snprintf(cmd, sizeof cmd, "fst2vcd -f %s/p.fst | awk '/var .* kind /{id=$4} id && $1==\"b10\" && $2==id {n++} END{print n+0}'",
             dir);
    p = popen(cmd, "r");
    cr_assert(p);
    int writes = 0;
    cr_assert_eq(fscanf(p, "%d", &writes), 1);
    pclose(p);
    cr_assert_geq(writes, 10, "%d write transactions in the waveform", writes);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_assert_eq(system(cmd), 0);
}
