/* bench_core.c - the co-simulation spine on the scratch IP: raw cycle rate, the cost of
 * driver-level waiting (bus_poll) against a bare step loop, bus access rate, tracing cost.
 * Figures only; every rate is measured in this run and reported as a ratio. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "bus.h"
#include "nc_error.h"
#include "nc_util.h"
#include "scratch_regs.h"
#include "vmodel.h"

#define CYCLES 4000000u

static double rate_bare(vmodel_t *m)
{
    double t0 = nc_now_s();
    vmodel_step(m, CYCLES);
    return CYCLES / (nc_now_s() - t0);
}

/* The same cycles driven the way a driver waits: start the timer, poll STATUS.DONE. */
static double rate_driver(vmodel_t *m, uint32_t idle)
{
    bus_t *b = vmodel_bus(m);
    uint64_t c0 = vmodel_cycles(m);
    double t0 = nc_now_s();
    if (bus_write32(b, SCRATCH_TIMER, CYCLES) ||
        bus_poll(b, SCRATCH_STATUS, SCRATCH_STATUS_DONE_MASK, SCRATCH_STATUS_DONE_MASK,
                 CYCLES, idle, "timer", NULL)) {
        fprintf(stderr, "bench_core: %s\n", nc_err_msg());
        exit(1);
    }
    return (double)(vmodel_cycles(m) - c0) / (nc_now_s() - t0);
}

static double rate_access(vmodel_t *m)
{
    enum { N = 200000 };
    uint32_t v;
    double t0 = nc_now_s();
    for (int i = 0; i < N; i++)
        if (vmodel_read32(m, SCRATCH_CYCLES, &v)) {
            fprintf(stderr, "bench_core: %s\n", nc_err_msg());
            exit(1);
        }
    return N / (nc_now_s() - t0);
}

int main(void)
{
    vmodel_t *m = vmodel_open_name("scratch");
    if (!m) {
        fprintf(stderr, "bench_core: %s\n", nc_err_msg());
        return 1;
    }
    rate_bare(m); /* warm up */
    double bare = rate_bare(m);
    printf("scratch model, bare step loop:           %6.2f Mcycles/s (baseline)\n", bare / 1e6);
    uint32_t idles[] = {16, 256, 4096};
    for (size_t i = 0; i < NC_ARRAY_LEN(idles); i++) {
        double d = rate_driver(m, idles[i]);
        printf("driver poll, %4u idle cycles per poll:   %6.2f Mcycles/s  ratio to bare %.3f\n",
               idles[i], d / 1e6, d / bare);
    }
    printf("bus accesses (back-to-back reads):       %6.2f M/s\n", rate_access(m) / 1e6);
    char path[] = "/tmp/nc_bench_core_XXXXXX.fst";
    int fd = mkstemps(path, 4);
    if (fd >= 0)
        close(fd);
    if (vmodel_trace_open(m, path) == NC_OK) {
        double tr = rate_bare(m);
        vmodel_trace_close(m);
        printf("with FST tracing:                        %6.2f Mcycles/s  ratio to bare %.3f\n",
               tr / 1e6, tr / bare);
    }
    unlink(path);
    vmodel_close(m);
    return 0;
}
