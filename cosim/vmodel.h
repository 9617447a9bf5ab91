/*
 * vmodel.h - a Verilated RTL model behind a plain C API.
 *
 * Every neurocosim accelerator top has the same ports (rtl/common/README.md, "Bus port"):
 *   clk, rst_n, bus_req, bus_we, bus_addr[23:0], bus_wdata[31:0] -> bus_ack, bus_rdata[31:0],
 *   bus_err, irq.
 * so one generic C++ shim (cosim/verilator/vmodel_impl.hpp) wraps any of them. Each model is
 * built once per configuration by the Makefile (VMODELS in rtl/<ip>/ip.mk) and registered
 * under its configuration name, e.g. "fftconv_p2".
 *
 * Time: one call to vmodel_step(m, 1) is one clock cycle (10 ns of simulated time in traces).
 * Bus accesses advance time by the cycles the handshake takes (2 per back-to-back access,
 * more if the device stalls). No function here blocks without a bound.
 */
#ifndef NC_VMODEL_H
#define NC_VMODEL_H

#include <stdbool.h>
#include <stdint.h>

#include "bus.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct vmodel vmodel_t;

typedef struct vmodel_class {
    const char *name;   /* configuration name: "fftconv_p1"                 */
    const char *top;    /* Verilog top module                               */
    const char *params; /* the parameters of this build, for reports: "P=1" */
    void *(*create)(void); /* internal: returns the C++ model object        */
} vmodel_class_t;

/* All models linked into this program (generated from VMODELS), NULL-terminated. */
extern const vmodel_class_t *const vmodel_classes[];

/* Finds a linked model by name; NULL (and an nc_err message listing the known ones) if none. */
const vmodel_class_t *vmodel_find(const char *name);

/* Creates a model instance, holds reset for 4 cycles, then releases it. NULL on failure. */
vmodel_t *vmodel_open(const vmodel_class_t *cls);
vmodel_t *vmodel_open_name(const char *name);
void vmodel_close(vmodel_t *m);

const char *vmodel_name(const vmodel_t *m);

/* Asserts rst_n low for `cycles` cycles (at least 1), then releases it. */
void vmodel_reset(vmodel_t *m, unsigned cycles);

/* Advances `cycles` clock cycles. */
void vmodel_step(vmodel_t *m, uint64_t cycles);

/* Single bus accesses. Each waits at most the bus timeout (default 4096 cycles) for bus_ack.
 * bus_err on the acknowledge gives NC_ERR_BUS with a message naming the address. */
int vmodel_read32(vmodel_t *m, uint32_t addr, uint32_t *val);
int vmodel_write32(vmodel_t *m, uint32_t addr, uint32_t val);
void vmodel_set_bus_timeout(vmodel_t *m, uint32_t cycles);

/* The model as a bus_t for drivers (owned by the model; do not bus_close it). */
bus_t *vmodel_bus(vmodel_t *m);

/* Level of the irq output after the last cycle. */
bool vmodel_irq(const vmodel_t *m);

/* Advances clock cycles until irq is high, at most max_cycles; returns irq. */
bool vmodel_wait_irq(vmodel_t *m, uint64_t max_cycles);

/* Clock cycles since vmodel_open (reset cycles included). */
uint64_t vmodel_cycles(const vmodel_t *m);

/* Starts dumping every signal to an FST file (GTKWave) from now on; closes any open trace.
 * Returns NC_ERR_IO if the file cannot be created. */
int vmodel_trace_open(vmodel_t *m, const char *path);
void vmodel_trace_close(vmodel_t *m);
bool vmodel_tracing(const vmodel_t *m);

#ifdef __cplusplus
}
#endif

#endif
