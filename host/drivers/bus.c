#include "bus.h"
#include "nc_error.h"

#include <stdlib.h>

int bus_check(const bus_t *b, uint32_t addr, size_t nwords)
{
    if (addr & 3u)
        return nc_err_set(NC_ERR_ALIGN, "%s: address 0x%08x is not 32-bit aligned", b->name,
                          addr);
    if ((uint64_t)addr + 4u * (uint64_t)nwords > b->size)
        return nc_err_set(NC_ERR_RANGE,
                          "%s: access at 0x%08x (+%zu words) is outside the %u-byte window",
                          b->name, addr, nwords, b->size);
    return NC_OK;
}

int bus_read32(bus_t *b, uint32_t addr, uint32_t *val)
{
    int rc = bus_check(b, addr, 1);
    return rc ? rc : b->ops->read32(b->ctx, addr, val);
}

int bus_write32(bus_t *b, uint32_t addr, uint32_t val)
{
    int rc = bus_check(b, addr, 1);
    return rc ? rc : b->ops->write32(b->ctx, addr, val);
}

int bus_write_burst(bus_t *b, uint32_t addr, const uint32_t *src, size_t n)
{
    int rc = bus_check(b, addr, n);
    if (rc)
        return rc;
    if (b->ops->write_burst)
        return b->ops->write_burst(b->ctx, addr, src, n);
    for (size_t i = 0; i < n; i++)
        if ((rc = b->ops->write32(b->ctx, addr + 4u * (uint32_t)i, src[i])))
            return rc;
    return NC_OK;
}

int bus_read_burst(bus_t *b, uint32_t addr, uint32_t *dst, size_t n)
{
    int rc = bus_check(b, addr, n);
    if (rc)
        return rc;
    if (b->ops->read_burst)
        return b->ops->read_burst(b->ctx, addr, dst, n);
    for (size_t i = 0; i < n; i++)
        if ((rc = b->ops->read32(b->ctx, addr + 4u * (uint32_t)i, &dst[i])))
            return rc;
    return NC_OK;
}

void bus_idle(bus_t *b, uint32_t cycles)
{
    if (b->ops->idle)
        b->ops->idle(b->ctx, cycles);
}

int bus_poll(bus_t *b, uint32_t addr, uint32_t mask, uint32_t want, uint32_t max_polls,
             uint32_t idle_cycles, const char *what, uint32_t *last)
{
    uint32_t v = 0;
    for (uint32_t i = 0; i < max_polls; i++) {
        int rc = bus_read32(b, addr, &v);
        if (last)
            *last = v;
        if (rc)
            return rc;
        if ((v & mask) == want)
            return NC_OK;
        bus_idle(b, idle_cycles);
    }
    return nc_err_set(NC_ERR_TIMEOUT,
                      "%s: %s: register 0x%04x still 0x%08x after %u polls "
                      "(waited for bits 0x%08x == 0x%08x)",
                      b->name, what, addr, v, max_polls, mask, want);
}

int bus_has_irq(const bus_t *b) { return b->ops->wait_irq != NULL; }

int bus_wait_irq(bus_t *b, uint32_t max_cycles, const char *what)
{
    if (!b->ops->wait_irq)
        return nc_err_set(NC_ERR_ARG, "%s: %s: this bus has no interrupt line (poll instead)",
                          b->name, what);
    if (b->ops->wait_irq(b->ctx, max_cycles))
        return NC_OK;
    return nc_err_set(NC_ERR_TIMEOUT, "%s: %s: no interrupt within %u cycles", b->name, what,
                      max_cycles);
}

void bus_close(bus_t *b)
{
    if (b && b->ops->close)
        b->ops->close(b->ctx);
}
