/* bench_fftconv_platform.c - the cost of the SystemC/TLM-2.0 platform: the same fftconv job
 * (driver fftconv_drv, dense, L = 16384, P = 2) through the direct Verilated-model bus and
 * through the platform's bus_tlm backend (LT initiator -> router -> target adapter -> the same
 * Verilated model), both in this run. Figure: simulated clock cycles per wall second through
 * TLM over direct (target >= 0.80). Both runs must produce the same output, word for word. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fftconv_cosim.h"
#include "fftconv_drv.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_platform.h"
#include "nc_util.h"
#include "vmodel.h"

#define LOG2L 14
#define RUNS 3
#define FC_BASE 0x40000000u

static int16_t *u, *k, *y_direct, *y_tlm;

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* The job: open, configure, load the kernel once, then RUNS convolutions. */
static int job(bus_t *bus, int16_t *y)
{
    fftconv_dev_t dev;
    fftconv_cfg_t cfg = {LOG2L, LOG2L, 0, 0, 0, 0};
    fftconv_result_t res;
    int rc = fftconv_open(bus, &dev);
    if (rc == NC_OK)
        rc = fftconv_configure(&dev, &cfg);
    if (rc == NC_OK)
        rc = fftconv_load_kernel(&dev, k, (size_t)1 << LOG2L);
    for (int i = 0; rc == NC_OK && i < RUNS; i++)
        rc = fftconv_run(&dev, u, y, &res);
    return rc;
}

static int prog(nc_platform_t *p, void *arg)
{
    (void)arg;
    bus_t *b = nc_platform_bus(p, "fftconv");
    return b ? job(b, y_tlm) : NC_ERR_ARG;
}

int main(void)
{
    size_t l = (size_t)1 << LOG2L;
    u = malloc(l * sizeof *u), k = malloc(l * sizeof *k);
    y_direct = malloc(l * sizeof *y_direct), y_tlm = malloc(l * sizeof *y_tlm);
    nc_rng_t r;
    nc_rng_seed(&r, 7);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    fftconv_make_kernel(&r, l, 1.0, k);

    vmodel_t *m = vmodel_open_name("fftconv_p2");
    if (!m) {
        fprintf(stderr, "%s\n", nc_err_msg());
        return 1;
    }
    uint64_t c0 = vmodel_cycles(m);
    double t0 = cpu_s();
    int rc = job(vmodel_bus(m), y_direct);
    double direct_s = cpu_s() - t0;
    uint64_t direct_cycles = vmodel_cycles(m) - c0;
    vmodel_close(m);
    if (rc) {
        fprintf(stderr, "direct: %s\n", nc_err_msg());
        return 1;
    }

    nc_platform_t *p = nc_platform_create(NULL);
    if (!p || nc_platform_add_sram(p, "sram", 0, 1u << 20) ||
        nc_platform_add_vmodel(p, "fftconv", "fftconv_p2", FC_BASE, 1u << 24)) {
        fprintf(stderr, "platform: %s\n", nc_err_msg());
        return 1;
    }
    vmodel_t *pm = nc_platform_vmodel(p, "fftconv");
    c0 = vmodel_cycles(pm);
    t0 = cpu_s();
    rc = nc_platform_run(p, prog, NULL);
    double tlm_s = cpu_s() - t0;
    uint64_t tlm_cycles = vmodel_cycles(pm) - c0;
    uint64_t trans = nc_platform_transactions(p);
    if (rc) {
        fprintf(stderr, "platform: %s\n", nc_err_msg());
        return 1;
    }
    if (memcmp(y_direct, y_tlm, l * sizeof *y_tlm) != 0) {
        fprintf(stderr, "FAIL: the TLM run's output differs from the direct run's\n");
        return 1;
    }
    double rd = (double)direct_cycles / direct_s, rt = (double)tlm_cycles / tlm_s;
    printf("fftconv L=%zu P=2, %d runs (CPU time of this process):\n", l, RUNS);
    printf("  direct Verilated bus: %llu cycles in %.3f s = %.2f Mcycles/s\n",
           (unsigned long long)direct_cycles, direct_s, rd / 1e6);
    printf("  TLM platform:         %llu cycles in %.3f s = %.2f Mcycles/s (%llu transactions)\n",
           (unsigned long long)tlm_cycles, tlm_s, rt / 1e6, (unsigned long long)trans);
    printf("  TLM / direct simulated cycles per second: %.3f (target >= 0.80) %s\n", rt / rd,
           rt / rd >= 0.80 ? "ok" : "BELOW TARGET");
    nc_platform_destroy(p);
    free(u), free(k), free(y_direct), free(y_tlm);
    return rt / rd >= 0.80 ? 0 : 1;
}
