/*
 * bus.h - the bus abstraction every neurocosim driver talks through.
 *
 * A driver knows registers and protocols, never where they live. It is handed a bus_t and
 * makes 32-bit accesses at byte addresses relative to the device's base. Two backends exist:
 *   - cosim/vmodel.h  vmodel_bus(): each access becomes bus cycles on a Verilated model;
 *   - bus_mmio_open() below: a mapped region (a UIO device, /dev/mem, or an ordinary file).
 * Both check alignment and range before touching anything and answer with nc_status codes.
 *
 * Waiting: a driver that polls a status register calls bus_poll(), which is always bounded.
 * Between polls it calls the backend's idle hook, which lets simulated time pass on a model
 * (cheap) or sleeps briefly on hardware.
 */
#ifndef NC_BUS_H
#define NC_BUS_H

#include <stddef.h>
#include <stdint.h>

#include "nc_error.h"

typedef struct bus bus_t;

struct bus_ops {
    int (*read32)(void *ctx, uint32_t addr, uint32_t *val);
    int (*write32)(void *ctx, uint32_t addr, uint32_t val);
    /* Optional: let about `cycles` device clock cycles pass (NULL: no-op). */
    void (*idle)(void *ctx, uint32_t cycles);
    /* Optional fast paths for consecutive words (NULL: a loop of single accesses). */
    int (*write_burst)(void *ctx, uint32_t addr, const uint32_t *src, size_t n);
    int (*read_burst)(void *ctx, uint32_t addr, uint32_t *dst, size_t n);
    void (*close)(void *ctx); /* releases ctx; NULL if the owner releases it */
    /* Optional: let time pass until the device's interrupt line is high, at most max_cycles
     * clock cycles; 1 if it is high, 0 if the bound ran out (NULL: no interrupt line). */
    int (*wait_irq)(void *ctx, uint32_t max_cycles);
};

struct bus {
    const struct bus_ops *ops;
    void *ctx;
    const char *name; /* for messages: "vmodel:fftconv_p1", "mmio:/dev/uio0" */
    uint32_t size;    /* bytes of address space; accesses at or past it are NC_ERR_RANGE */
};

NC_MUST_CHECK int bus_read32(bus_t *b, uint32_t addr, uint32_t *val);
NC_MUST_CHECK int bus_write32(bus_t *b, uint32_t addr, uint32_t val);
NC_MUST_CHECK int bus_write_burst(bus_t *b, uint32_t addr, const uint32_t *src, size_t n);
NC_MUST_CHECK int bus_read_burst(bus_t *b, uint32_t addr, uint32_t *dst, size_t n);
void bus_idle(bus_t *b, uint32_t cycles);

/*
 * Polls `addr` until (value & mask) == want, at most max_polls reads, calling
 * bus_idle(b, idle_cycles) between reads. The last value read goes to *last (may be NULL).
 * Returns NC_OK, NC_ERR_TIMEOUT (with a message naming `what`, the register and the last
 * value), or the bus error of a failed read.
 */
NC_MUST_CHECK int bus_poll(bus_t *b, uint32_t addr, uint32_t mask, uint32_t want, uint32_t max_polls,
             uint32_t idle_cycles, const char *what, uint32_t *last);

/*
 * Waits for the device's interrupt line, at most max_cycles clock cycles. Returns NC_OK when
 * it is high, NC_ERR_TIMEOUT (naming `what`) when the bound ran out, NC_ERR_ARG when this
 * backend has no interrupt line (callers then poll with bus_poll).
 */
NC_MUST_CHECK int bus_wait_irq(bus_t *b, uint32_t max_cycles, const char *what);
int bus_has_irq(const bus_t *b);

/* Checks an access before a backend performs it (alignment, range). */
NC_MUST_CHECK int bus_check(const bus_t *b, uint32_t addr, size_t nwords);

/* Releases the backend (if it has a close hook) and the bus itself when it was allocated by
 * a backend's open function. */
void bus_close(bus_t *b);

/*
 * Memory-mapped backend. Maps `size` bytes at `offset` of `path` (a UIO device such as
 * /dev/uio0, /dev/mem with the physical base as offset, or any ordinary file for tests).
 * offset must be page-aligned, size a non-zero multiple of 4. The file must be at least
 * offset+size bytes long.
 */
NC_MUST_CHECK int bus_mmio_open(const char *path, uint64_t offset, uint32_t size, bus_t **out);

#endif
