/*
 * nc_platform.h - a SystemC/TLM-2.0 virtual platform behind a plain C API.
 *
 * The platform: a loosely-timed TLM-2.0 initiator (the "CPU", one SC_THREAD that runs the
 * caller's C program), a router with the address map the caller builds, SRAM targets (with
 * DMI), and Verilated accelerators as TLM targets, each with its interrupt line.
 *
 *   CPU (SC_THREAD: prog) --b_transport--> router --+--> sram   (DMI)
 *                                                   +--> <ip>   (TLM target adapter ->
 *                                                               Verilated model, irq line)
 *
 * The C drivers run on it unchanged through the `bus_tlm` backend, nc_platform_bus(): every
 * bus_read32/bus_write32/burst becomes one b_transport from the CPU thread (a burst is one
 * transaction of 4n bytes); bus_idle(cycles) and polls become simulated time (the CPU's
 * quantum keeper, synchronised with wait() at the end of each quantum); bus_wait_irq() waits
 * on the target's interrupt line, always with a bound.
 *
 * Timing: the accelerator clock period is a platform parameter (clk_ps); the SystemC time
 * resolution is 1 ps (set by nc_platform_create). A target adapter keeps its Verilated model
 * in step with simulated time: before an access it advances the model to the initiator's
 * (time + annotated delay), performs the pin-level bus handshake (rtl/common/README.md) on the
 * model, and annotates the cycles the handshake took. Models advance in whole cycles; the
 * model's cycle c (after its 4 reset cycles) is simulated time c * clk_ps.
 *
 * Responses: an address outside every target is TLM_ADDRESS_ERROR_RESPONSE (NC_ERR_RANGE); a
 * device's bus_err is TLM_GENERIC_ERROR_RESPONSE (NC_ERR_BUS, with the device's message); a
 * device that never acknowledges is NC_ERR_TIMEOUT.
 *
 * Limits: SystemC elaborates one hierarchy per process, so one platform per process
 * (nc_platform_create fails on a second call); the run is bounded by max_sim_s of simulated
 * time.
 */
#ifndef NC_PLATFORM_H
#define NC_PLATFORM_H

#include <stdint.h>

#include "bus.h"
#include "nc_wave_merge.h"
#include "vmodel.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct nc_platform nc_platform_t;

typedef struct nc_platform_cfg {
    uint32_t clk_ps;         /* accelerator clock period in ps (0: 10000, 100 MHz)          */
    uint32_t quantum_cycles; /* the CPU's time quantum in clock cycles (0: 1000)            */
    double max_sim_s;        /* bound on simulated time (0: 10 s)                           */
    uint32_t sram_latency_ps;/* SRAM access latency per word (0: 1 clock period)            */
} nc_platform_cfg_t;

/* Creates the platform (once per process). NULL with an nc_err message on failure. */
nc_platform_t *nc_platform_create(const nc_platform_cfg_t *cfg);

/* Adds an SRAM of `size` bytes at [base, base+size). Targets may not overlap. */
int nc_platform_add_sram(nc_platform_t *p, const char *name, uint32_t base, uint32_t size);

/* Adds the built-in Verilated model `model` (e.g. "fftconv_p2") as a TLM target at
 * [base, base+size), with its interrupt line. */
int nc_platform_add_vmodel(nc_platform_t *p, const char *name, const char *model,
                           uint32_t base, uint32_t size);

/* The Verilated model of target `name` (for FST tracing); NULL if none. */
vmodel_t *nc_platform_vmodel(nc_platform_t *p, const char *name);

/* Side-band pins of a target (its gpi/gpo, vmodel.h): hooks called around every rising clock
 * edge of target `name`'s model, with the cycle (counted from simulated time 0) and the edge's
 * simulated time in ps (cycle c's rising edge is at c * clk_ps + clk_ps / 2). `before` may set
 * the model's inputs (vmodel_set_gpi) from another simulator advanced to that time; `after`
 * reads its outputs (vmodel_gpo). With hooks attached the model advances one cycle at a time
 * whatever the access (bus, polls, irq waits), so the other simulator sees every edge. A hook
 * that fails (returns non-zero with an nc_err message) stops the SystemC simulation:
 * nc_platform_run returns that status and message. At most one set of hooks per target. */
typedef struct nc_pin_hooks {
    int (*before)(void *ctx, uint64_t cycle, uint64_t t_ps, vmodel_t *m);
    int (*after)(void *ctx, uint64_t cycle, uint64_t t_ps, vmodel_t *m);
    void *ctx;
} nc_pin_hooks_t;
int nc_platform_attach_pins(nc_platform_t *p, const char *name, const nc_pin_hooks_t *hooks);

/* Runs prog(p, arg) in the CPU's SC_THREAD until it returns; returns its status, or
 * NC_ERR_TIMEOUT when the simulated-time bound ran out first, or NC_ERR_SIM on a SystemC
 * error. Call once. */
int nc_platform_run(nc_platform_t *p, int (*prog)(nc_platform_t *, void *), void *arg);

/* The bus_tlm backend: target `name` as a bus_t (addresses relative to its base; accesses
 * go through the CPU's socket and the router). Valid inside prog; owned by the platform. */
bus_t *nc_platform_bus(nc_platform_t *p, const char *name);

/* The CPU's bus at absolute addresses (the whole 32-bit map, through the router). */
bus_t *nc_platform_sysbus(nc_platform_t *p);

/* Simulated time of the CPU (its local time included) in ps; and TLM transactions so far. */
uint64_t nc_platform_time_ps(const nc_platform_t *p);
uint64_t nc_platform_transactions(const nc_platform_t *p);

/* Waveform of the bus: records the CPU's TLM transactions (at most max_changes value changes;
 * call before the run). nc_platform_write_waves() then writes out_fst: the FST that target
 * `name`'s model traced into rtl_fst (vmodel_trace_open on nc_platform_vmodel) merged with the
 * transactions as signals of scope "tlm" - kind (0 idle, 1 read, 2 write), target (its index
 * in the order added; 255 the system bus), addr, data (the first word), words, resp (0 ok,
 * 1 address error, 2 generic error) - on the platform's time axis in ps. */
int nc_platform_record(nc_platform_t *p, size_t max_changes);
int nc_platform_write_waves(nc_platform_t *p, const char *name, const char *rtl_fst,
                            const char *out_fst);

/* As nc_platform_write_waves, with further FSTs on the same axis (for example the analog
 * traces of a coupled ngspice run: nc_wave_merge.h says how their times map). */
int nc_platform_write_waves_with(nc_platform_t *p, const char *name, const char *rtl_fst,
                                 const nc_wave_in_t *extra, size_t nextra, const char *out_fst);

/* Releases the platform's models (after run). */
void nc_platform_destroy(nc_platform_t *p);

#ifdef __cplusplus
}
#endif

#endif
