/*
 * nc_test_bus.h - one driver, three backends: runs a test body with an RTL device behind each
 * bus backend a driver meets, so driver tests prove the same code works on all of them.
 *
 *   NC_BE_VMODEL  the Verilated model's own bus (vmodel_bus): each access is bus cycles.
 *   NC_BE_TLM     the SystemC/TLM-2.0 platform (cosim/systemc/nc_platform.h): the body runs in
 *                 the CPU's SC_THREAD, every access is a b_transport through the router to the
 *                 model's TLM target adapter; idles are simulated time.
 *   NC_BE_MMIO    the memory-mapped backend (bus_mmio_open) over a mapping whose every access
 *                 traps: a SIGSEGV handler decodes the faulting 32-bit load or store and performs
 *                 it on the model, as a device behind a UIO mapping would. The backend's own code
 *                 (volatile loads and stores, mapping, checks) runs unchanged. Device time
 *                 advances when the host idles (bus_idle: the device steps instead of the
 *                 backend sleeping) or accesses, in lockstep. As on real memory-mapped hardware a
 *                 refused access returns no error code to the host (a read gives 0xffffffff):
 *                 the device's sticky error bits and counters still tell.
 *
 * One device per process (the platform elaborates once per process; Criterion runs each test
 * in its own process). Time is the device's clock cycles.
 */
#ifndef NC_TEST_BUS_H
#define NC_TEST_BUS_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"
#include "vmodel.h"

typedef enum { NC_BE_VMODEL, NC_BE_TLM, NC_BE_MMIO, NC_BE_COUNT } nc_backend_t;

typedef struct nc_tb {
    nc_backend_t be;
    bus_t *bus;   /* the driver's bus                                   */
    vmodel_t *vm; /* the device (for tracing, cycles, the irq line)     */
} nc_tb_t;

const char *nc_backend_name(nc_backend_t be);

/* Opens the built-in model `model` behind backend `be` and runs body(tb, arg) (in the TLM
 * platform's CPU thread for NC_BE_TLM). Fails the current test if the device cannot be opened. */
void nc_tb_run(nc_backend_t be, const char *model, void (*body)(nc_tb_t *, void *), void *arg);

/* Clock cycles of the device, and its interrupt line now. */
uint64_t nc_tb_cycles(const nc_tb_t *tb);
bool nc_tb_irq(const nc_tb_t *tb);

/* Criterion: one test per backend, each calling body(tb, NULL) on `model`. */
#define NC_TB_TESTS(suite, name, model, body, timeout_s)                                     \
    Test(suite, name##_vmodel, .timeout = (timeout_s))                                        \
    {                                                                                         \
        nc_tb_run(NC_BE_VMODEL, (model), (body), NULL);                                       \
    }                                                                                         \
    Test(suite, name##_tlm, .timeout = (timeout_s))                                           \
    {                                                                                         \
        nc_tb_run(NC_BE_TLM, (model), (body), NULL);                                          \
    }                                                                                         \
    Test(suite, name##_mmio, .timeout = (timeout_s))                                          \
    {                                                                                         \
        nc_tb_run(NC_BE_MMIO, (model), (body), NULL);                                         \
    }

#endif
