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

/* Pin-level bus access for callers that clock the model themselves (one vmodel_step(m, 1) at
 * a time): vmodel_bus_drive() sets the request pins, held over the following cycles;
 * after each cycle vmodel_bus_ack() returns 1 while bus_ack is low, else NC_OK or the access's
 * error (NC_ERR_BUS, message naming the address) - then drop the request with
 * vmodel_bus_drive(m, false, ...). After vmodel_bus_timeout() cycles without an ack, give up
 * with vmodel_bus_timed_out() (NC_ERR_TIMEOUT and the message vmodel_read32 would give). */
void vmodel_bus_drive(vmodel_t *m, bool req, bool we, uint32_t addr, uint32_t wdata);
int vmodel_bus_ack(vmodel_t *m, bool we, uint32_t addr, uint32_t wdata, uint32_t *rdata);
int vmodel_bus_timed_out(vmodel_t *m, bool we, uint32_t addr, uint32_t wdata);
uint32_t vmodel_bus_timeout(const vmodel_t *m);

/* General-purpose pins of tops that have them (gpi[31:0] input, gpo[31:0] output; see
 * rtl/common/README.md): vmodel_set_gpi() sets the input for the following clock edges;
 * vmodel_gpo() reads the output after the last cycle. Without the pins: false, no effect, 0. */
bool vmodel_has_gpio(const vmodel_t *m);
void vmodel_set_gpi(vmodel_t *m, uint32_t v);
uint32_t vmodel_gpo(const vmodel_t *m);

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
