// vmodel.cpp - the C API of cosim/vmodel.h over VModelIface. Model-independent.
#include <cstdio>
#include <cstring>
#include <new>

#include "verilated.h"
#include "vmodel_impl.hpp"

extern "C" {
#include "nc_error.h"
}

struct vmodel {
    const vmodel_class_t *cls;
    VModelIface *impl;
    uint32_t bus_timeout;
    bus_t bus;
    char bus_name[64];
};

static int bus_result(vmodel *m, int r, bool we, uint32_t addr, uint32_t val)
{
    if (r == 0) return NC_OK;
    if (r == 1 && we)
        return nc_err_set(NC_ERR_BUS, "%s: write 0x%08x to 0x%06x rejected by the device (bus_err)",
                          m->bus_name, val, addr);
    if (r == 1)
        return nc_err_set(NC_ERR_BUS, "%s: read at 0x%06x rejected by the device (bus_err)",
                          m->bus_name, addr);
    return nc_err_set(NC_ERR_TIMEOUT, "%s: %s at 0x%06x got no bus_ack within %u cycles",
                      m->bus_name, we ? "write" : "read", addr, m->bus_timeout);
}

extern "C" {

const vmodel_class_t *vmodel_find(const char *name)
{
    char known[512] = "";
    for (const vmodel_class_t *const *c = vmodel_classes; *c; c++) {
        if (std::strcmp((*c)->name, name) == 0) return *c;
        std::strncat(known, " ", sizeof known - std::strlen(known) - 1);
        std::strncat(known, (*c)->name, sizeof known - std::strlen(known) - 1);
    }
    nc_err_set(NC_ERR_ARG, "no RTL model named '%s' is built in; known:%s", name, known);
    return nullptr;
}

static int b_read(void *ctx, uint32_t addr, uint32_t *val) { return vmodel_read32((vmodel *)ctx, addr, val); }
static int b_write(void *ctx, uint32_t addr, uint32_t val) { return vmodel_write32((vmodel *)ctx, addr, val); }
static void b_idle(void *ctx, uint32_t cycles) { vmodel_step((vmodel *)ctx, cycles ? cycles : 1); }
static int b_wait_irq(void *ctx, uint32_t max_cycles) { return vmodel_wait_irq((vmodel *)ctx, max_cycles) ? 1 : 0; }
static const struct bus_ops vmodel_bus_ops = {b_read, b_write, b_idle, nullptr, nullptr, nullptr, b_wait_irq};

vmodel_t *vmodel_open(const vmodel_class_t *cls)
{
    vmodel *m = new (std::nothrow) vmodel();
    if (!m) {
        nc_err_set(NC_ERR_NOMEM, "vmodel %s: out of memory", cls->name);
        return nullptr;
    }
    m->cls = cls;
    m->impl = static_cast<VModelIface *>(cls->create());
    m->bus_timeout = 4096;
    std::snprintf(m->bus_name, sizeof m->bus_name, "vmodel:%s", cls->name);
    m->bus.ops = &vmodel_bus_ops;
    m->bus.ctx = m;
    m->bus.name = m->bus_name;
    m->bus.size = 1u << 24;
    vmodel_reset(m, 4);
    return m;
}

vmodel_t *vmodel_open_name(const char *name)
{
    const vmodel_class_t *c = vmodel_find(name);
    return c ? vmodel_open(c) : nullptr;
}

void vmodel_close(vmodel_t *m)
{
    if (!m) return;
    delete m->impl;
    delete m;
}

const char *vmodel_name(const vmodel_t *m) { return m->cls->name; }

void vmodel_reset(vmodel_t *m, unsigned cycles)
{
    m->impl->set_rst_n(false);
    for (unsigned i = 0; i < (cycles ? cycles : 1); i++) m->impl->tick();
    m->impl->set_rst_n(true);
    m->impl->tick();
}

void vmodel_step(vmodel_t *m, uint64_t cycles) { m->impl->step(cycles); }

int vmodel_read32(vmodel_t *m, uint32_t addr, uint32_t *val)
{
    return bus_result(m, m->impl->access(false, addr, 0, val, m->bus_timeout), false, addr, 0);
}

int vmodel_write32(vmodel_t *m, uint32_t addr, uint32_t val)
{
    return bus_result(m, m->impl->access(true, addr, val, nullptr, m->bus_timeout), true, addr, val);
}

void vmodel_set_bus_timeout(vmodel_t *m, uint32_t cycles) { m->bus_timeout = cycles ? cycles : 1; }
bus_t *vmodel_bus(vmodel_t *m) { return &m->bus; }
bool vmodel_irq(const vmodel_t *m) { return m->impl->irq(); }
void vmodel_bus_drive(vmodel_t *m, bool req, bool we, uint32_t addr, uint32_t wdata)
{
    m->impl->bus_drive(req, we, addr, wdata);
}
int vmodel_bus_ack(vmodel_t *m, bool we, uint32_t addr, uint32_t wdata, uint32_t *rdata)
{
    bool err = false;
    if (!m->impl->bus_ack(rdata, &err)) return 1;
    return bus_result(m, err ? 1 : 0, we, addr, wdata);
}
int vmodel_bus_timed_out(vmodel_t *m, bool we, uint32_t addr, uint32_t wdata)
{
    return bus_result(m, 2, we, addr, wdata);
}
uint32_t vmodel_bus_timeout(const vmodel_t *m) { return m->bus_timeout; }
bool vmodel_has_gpio(const vmodel_t *m) { return m->impl->has_gpio(); }
void vmodel_set_gpi(vmodel_t *m, uint32_t v) { m->impl->set_gpi(v); }
uint32_t vmodel_gpo(const vmodel_t *m) { return m->impl->gpo(); }

bool vmodel_wait_irq(vmodel_t *m, uint64_t max_cycles)
{
    for (uint64_t i = 0; i < max_cycles && !m->impl->irq(); i++) m->impl->tick();
    return m->impl->irq();
}
uint64_t vmodel_cycles(const vmodel_t *m) { return m->impl->cycles(); }

int vmodel_trace_open(vmodel_t *m, const char *path)
{
    if (!m->impl->trace_open(path))
        return nc_err_set(NC_ERR_IO, "%s: cannot create waveform file %s", m->bus_name, path);
    return NC_OK;
}

void vmodel_trace_close(vmodel_t *m) { m->impl->trace_close(); }
bool vmodel_tracing(const vmodel_t *m) { return m->impl->tracing(); }

} // extern "C"
