// nc_platform.cpp - the SystemC/TLM-2.0 virtual platform of nc_platform.h: a loosely-timed
// initiator running a C program, a router, SRAM targets with DMI, and Verilated models as
// TLM targets. Nothing design-specific: accelerators are named Verilated configurations.
#include <systemc>
#include <tlm>
#include <tlm_utils/multi_passthrough_initiator_socket.h>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include "nc_error.h"
#include "nc_platform.h"
#include "nc_wave_merge.h"
}

using namespace sc_core;

namespace {

// ---- SRAM: a plain memory target with DMI. -------------------------------------------------
struct Sram : sc_module {
    tlm_utils::simple_target_socket<Sram> sock;
    std::vector<unsigned char> mem;
    sc_time lat; // per 32-bit word

    Sram(sc_module_name n, uint32_t size, sc_time lat_)
        : sc_module(n), sock("sock"), mem(size, 0), lat(lat_)
    {
        sock.register_b_transport(this, &Sram::b_transport);
        sock.register_get_direct_mem_ptr(this, &Sram::get_dmi);
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_time &d)
    {
        uint64_t a = p.get_address();
        unsigned len = p.get_data_length();
        if (p.get_byte_enable_ptr() || p.get_streaming_width() < len) {
            p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return;
        }
        if (a + len > mem.size()) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (p.is_write())
            std::memcpy(&mem[a], p.get_data_ptr(), len);
        else if (p.is_read())
            std::memcpy(p.get_data_ptr(), &mem[a], len);
        d += lat * ((len + 3) / 4);
        p.set_dmi_allowed(true);
        p.set_response_status(tlm::TLM_OK_RESPONSE);
    }

    bool get_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
    {
        dmi.set_dmi_ptr(mem.data());
        dmi.set_start_address(0);
        dmi.set_end_address(mem.size() - 1);
        dmi.allow_read_write();
        dmi.set_read_latency(lat);
        dmi.set_write_latency(lat);
        return true;
    }
};

// ---- A Verilated model as a TLM target. ----------------------------------------------------
// The model is kept in step with simulated time lazily: before each access it is advanced to
// the initiator's time (sc_time_stamp + annotated delay); the access runs the pin-level
// handshake on the model and the cycles it took are annotated.
struct VmodelTarget : sc_module {
    tlm_utils::simple_target_socket<VmodelTarget> sock;
    sc_signal<bool> irq;
    vmodel_t *m;
    sc_time period;
    uint64_t origin; // model cycles at simulated time 0 (its reset cycles)

    VmodelTarget(sc_module_name n, vmodel_t *m_, sc_time period_)
        : sc_module(n), sock("sock"), irq("irq"), m(m_), period(period_),
          origin(vmodel_cycles(m_))
    {
        sock.register_b_transport(this, &VmodelTarget::b_transport);
    }
    ~VmodelTarget() override { vmodel_close(m); }

    uint64_t cycle_at(const sc_time &t) const
    {
        return origin + (uint64_t)(t.value() / period.value());
    }

    // Side-band pin hooks (nc_platform_attach_pins): one cycle at a time when attached.
    nc_pin_hooks_t hooks{};
    bool hooked = false;
    int hook_rc = NC_OK;
    std::string hook_msg;

    bool step_one()
    {
        if (hook_rc) return false;
        uint64_t c = vmodel_cycles(m) - origin;
        uint64_t t_ps = c * (uint64_t)period.value() + (uint64_t)period.value() / 2;
        if (hooks.before) hook_rc = hooks.before(hooks.ctx, c, t_ps, m);
        if (!hook_rc) vmodel_step(m, 1);
        if (!hook_rc && hooks.after) hook_rc = hooks.after(hooks.ctx, c, t_ps, m);
        if (hook_rc) {
            hook_msg = nc_err_msg();
            sc_stop();
            return false;
        }
        return true;
    }

    void step_cycles(uint64_t n)
    {
        if (!hooked) {
            vmodel_step(m, n);
            return;
        }
        for (uint64_t i = 0; i < n && step_one(); i++) {
        }
    }

    void catch_up(const sc_time &t)
    {
        uint64_t want = cycle_at(t), now = vmodel_cycles(m);
        if (want > now) step_cycles(want - now);
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_time &d)
    {
        uint64_t a = p.get_address();
        unsigned len = p.get_data_length();
        if (p.get_byte_enable_ptr() || p.get_streaming_width() < len || (len & 3u) || !len) {
            p.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            return;
        }
        catch_up(sc_time_stamp() + d);
        if (hook_rc) {
            nc_err_set(hook_rc, "%s", hook_msg.c_str());
            p.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
            return;
        }
        uint64_t c0 = vmodel_cycles(m);
        unsigned char *data = p.get_data_ptr();
        int rc = NC_OK;
        for (unsigned i = 0; i < len / 4 && rc == NC_OK; i++) {
            uint32_t w = 0, addr = (uint32_t)a + 4u * i;
            if (hooked) {
                rc = access_hooked(p.is_write(), addr, data + 4 * i);
            } else if (p.is_write()) {
                std::memcpy(&w, data + 4 * i, 4);
                rc = vmodel_write32(m, addr, w);
            } else {
                rc = vmodel_read32(m, addr, &w);
                std::memcpy(data + 4 * i, &w, 4);
            }
        }
        d += period * (double)(vmodel_cycles(m) - c0);
        irq.write(vmodel_irq(m));
        // The device's own message (nc_err, this thread) stays for the initiator to report.
        p.set_response_status(rc == NC_OK ? tlm::TLM_OK_RESPONSE : tlm::TLM_GENERIC_ERROR_RESPONSE);
    }

    // A bus access with hooks attached: the pin-level handshake one cycle at a time, so the
    // hooks see every edge (the same handshake and bound as vmodel_read32/vmodel_write32).
    int access_hooked(bool we, uint32_t addr, unsigned char *data)
    {
        uint32_t w = 0;
        if (we) std::memcpy(&w, data, 4);
        vmodel_bus_drive(m, true, we, addr, w);
        int rc = 1;
        for (uint32_t i = 0; i < vmodel_bus_timeout(m) && rc == 1; i++) {
            if (!step_one()) {
                vmodel_bus_drive(m, false, false, 0, 0);
                return nc_err_set(hook_rc, "%s", hook_msg.c_str());
            }
            rc = vmodel_bus_ack(m, we, addr, w, &w);
        }
        vmodel_bus_drive(m, false, false, 0, 0);
        if (rc == 1) return vmodel_bus_timed_out(m, we, addr, w);
        if (!we) std::memcpy(data, &w, 4);
        return rc;
    }

    // Side band of the interrupt line: advances the model from time t until irq is high, at
    // most max_cycles; returns the cycles that passed.
    uint64_t run_until_irq(const sc_time &t, uint64_t max_cycles)
    {
        catch_up(t);
        uint64_t c0 = vmodel_cycles(m);
        if (hooked) {
            for (uint64_t i = 0; i < max_cycles && !vmodel_irq(m) && step_one(); i++) {
            }
        } else {
            vmodel_wait_irq(m, max_cycles);
        }
        irq.write(vmodel_irq(m));
        return vmodel_cycles(m) - c0;
    }
};

struct MapEntry {
    std::string name;
    uint32_t base, size;
    int port;
    VmodelTarget *vm; // nullptr for SRAM
    Sram *sram;
};

// ---- The router: decodes the address map, forwards with the address made relative. ----------
struct Router : sc_module {
    tlm_utils::simple_target_socket<Router> tsock;
    tlm_utils::multi_passthrough_initiator_socket<Router> isock;
    std::vector<MapEntry> *map;

    Router(sc_module_name n, std::vector<MapEntry> *map_)
        : sc_module(n), tsock("tsock"), isock("isock"), map(map_)
    {
        tsock.register_b_transport(this, &Router::b_transport);
        tsock.register_get_direct_mem_ptr(this, &Router::get_dmi);
    }

    const MapEntry *decode(uint64_t a, unsigned len) const
    {
        for (const MapEntry &e : *map)
            if (a >= e.base && a + len <= (uint64_t)e.base + e.size) return &e;
        return nullptr;
    }

    void b_transport(tlm::tlm_generic_payload &p, sc_time &d)
    {
        uint64_t a = p.get_address();
        const MapEntry *e = decode(a, p.get_data_length());
        if (!e) {
            p.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        p.set_address(a - e->base);
        isock[e->port]->b_transport(p, d);
        p.set_address(a);
    }

    bool get_dmi(tlm::tlm_generic_payload &p, tlm::tlm_dmi &dmi)
    {
        uint64_t a = p.get_address();
        const MapEntry *e = decode(a, 4);
        if (!e) return false;
        p.set_address(a - e->base);
        bool ok = isock[e->port]->get_direct_mem_ptr(p, dmi);
        p.set_address(a);
        dmi.set_start_address(dmi.get_start_address() + e->base);
        dmi.set_end_address(dmi.get_end_address() + e->base);
        return ok;
    }
};

} // namespace

// ---- The CPU: one SC_THREAD running the C program; the bus_tlm backend. ----------------------
struct TlmBus {
    nc_platform *p;
    const MapEntry *target; // nullptr: the whole map (absolute addresses)
    bus_t bus;
    char name[64];
    unsigned char *dmi_ptr = nullptr; // SRAM targets: direct access once granted
    sc_time dmi_lat;
    bool dmi_tried = false;
};

// The TLM transaction signals of the waveform (scope "tlm").
enum { TV_KIND, TV_TARGET, TV_ADDR, TV_DATA, TV_WORDS, TV_RESP, TV_N };
static const nc_wave_var_t kTlmVars[TV_N] = {
    {"kind", 2}, {"target", 8}, {"addr", 32}, {"data", 32}, {"words", 16}, {"resp", 2}};

struct Cpu : sc_module {
    tlm_utils::simple_initiator_socket<Cpu> sock;
    std::vector<nc_wave_ev_t> rec; // recorded value changes of kTlmVars
    size_t rec_max = 0;
    bool rec_full = false;
    void record(uint64_t t, uint32_t var, uint64_t v)
    {
        if (rec.size() >= rec_max) {
            rec_full = rec_max > 0;
            return;
        }
        rec.push_back(nc_wave_ev_t{t, var, v});
    }
    tlm_utils::tlm_quantumkeeper qk;
    nc_platform *plat = nullptr;
    int (*prog)(nc_platform_t *, void *) = nullptr;
    void *arg = nullptr;
    int result = NC_ERR_SIM;
    bool done = false;
    uint64_t transactions = 0;

    SC_HAS_PROCESS(Cpu);
    // The CPU thread's stack: the C program and everything it calls on this coroutine (bus
    // accesses may start ngspice through pin hooks, whose parser is deep) - 32 MiB, not
    // SystemC's default of 64 KiB.
    explicit Cpu(sc_module_name n) : sc_module(n), sock("sock")
    {
        SC_THREAD(run);
        set_stack_size(32u << 20);
    }

    void run()
    {
        qk.reset();
        result = prog ? prog(plat, arg) : NC_ERR_ARG;
        qk.sync();
        done = true;
        sc_stop();
    }

    int transport(TlmBus *b, bool we, uint32_t addr, uint32_t *data, size_t n)
    {
        uint64_t abs = (uint64_t)addr + (b->target ? b->target->base : 0);
        tlm::tlm_generic_payload pl;
        pl.set_command(we ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        pl.set_address(abs);
        pl.set_data_ptr(reinterpret_cast<unsigned char *>(data));
        pl.set_data_length((unsigned)(4 * n));
        pl.set_streaming_width((unsigned)(4 * n));
        pl.set_byte_enable_ptr(nullptr);
        pl.set_dmi_allowed(false);
        pl.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        sc_time d = qk.get_local_time();
        uint64_t ts = (uint64_t)(sc_time_stamp() + d).value();
        if (rec_max) {
            record(ts, TV_KIND, we ? 2 : 1);
            record(ts, TV_TARGET, b->target ? (uint64_t)b->target->port : 255);
            record(ts, TV_ADDR, abs);
            record(ts, TV_WORDS, n);
            if (we) record(ts, TV_DATA, data[0]);
        }
        nc_err_clear();
        sock->b_transport(pl, d);
        qk.set(d);
        transactions++;
        if (rec_max) {
            uint64_t te = (uint64_t)(sc_time_stamp() + d).value();
            tlm::tlm_response_status rs = pl.get_response_status();
            if (!we) record(te, TV_DATA, data[0]);
            record(te, TV_RESP, rs == tlm::TLM_OK_RESPONSE ? 0 : rs == tlm::TLM_ADDRESS_ERROR_RESPONSE ? 1
                                : rs == tlm::TLM_GENERIC_ERROR_RESPONSE ? 2 : 3);
            record(te, TV_KIND, 0);
        }
        if (qk.need_sync()) qk.sync();
        switch (pl.get_response_status()) {
        case tlm::TLM_OK_RESPONSE: return NC_OK;
        case tlm::TLM_ADDRESS_ERROR_RESPONSE:
            return nc_err_set(NC_ERR_RANGE, "%s: %s at 0x%08llx (%zu words): no target at this "
                              "address (TLM address error)", b->name, we ? "write" : "read",
                              (unsigned long long)abs, n);
        case tlm::TLM_GENERIC_ERROR_RESPONSE:
            if (nc_err_status() != NC_OK) return nc_err_status(); // the device's message
            return nc_err_set(NC_ERR_BUS, "%s: %s at 0x%08llx: TLM generic error", b->name,
                              we ? "write" : "read", (unsigned long long)abs);
        default:
            return nc_err_set(NC_ERR_BUS, "%s: %s at 0x%08llx: TLM response %s", b->name,
                              we ? "write" : "read", (unsigned long long)abs,
                              pl.get_response_string().c_str());
        }
    }
};

struct nc_platform {
    nc_platform_cfg_t cfg;
    sc_time period;
    std::vector<MapEntry> map;
    std::vector<std::unique_ptr<sc_module>> modules;
    std::vector<std::unique_ptr<TlmBus>> buses;
    std::unique_ptr<Cpu> cpu;
    std::unique_ptr<Router> router;
    TlmBus sysbus;
    bool bound = false, ran = false;
};

static bool g_created = false;
static const size_t kMaxTargets = 64;

static nc_platform *bus_plat(void *ctx) { return static_cast<TlmBus *>(ctx)->p; }

static bool dmi_ready(TlmBus *b)
{
    if (b->dmi_ptr) return true;
    if (b->dmi_tried || !b->target || !b->target->sram) return false;
    b->dmi_tried = true;
    tlm::tlm_generic_payload pl;
    tlm::tlm_dmi dmi;
    pl.set_address(b->target->base);
    pl.set_command(tlm::TLM_READ_COMMAND);
    if (bus_plat(b)->cpu->sock->get_direct_mem_ptr(pl, dmi) && dmi.is_read_write_allowed() &&
        dmi.get_start_address() <= b->target->base &&
        dmi.get_end_address() >= (uint64_t)b->target->base + b->target->size - 1) {
        b->dmi_ptr = dmi.get_dmi_ptr() + (b->target->base - dmi.get_start_address());
        b->dmi_lat = dmi.get_read_latency();
    }
    return b->dmi_ptr != nullptr;
}

static int tlm_rw(void *ctx, bool we, uint32_t addr, uint32_t *data, size_t n)
{
    TlmBus *b = static_cast<TlmBus *>(ctx);
    Cpu *cpu = b->p->cpu.get();
    if (dmi_ready(b)) { // SRAM: direct memory, latency still accounted
        if (we)
            std::memcpy(b->dmi_ptr + addr, data, 4 * n);
        else
            std::memcpy(data, b->dmi_ptr + addr, 4 * n);
        cpu->qk.inc(b->dmi_lat * (double)n);
        if (cpu->qk.need_sync()) cpu->qk.sync();
        return NC_OK;
    }
    return cpu->transport(b, we, addr, data, n);
}

extern "C" {

static int tlm_read(void *ctx, uint32_t addr, uint32_t *val) { return tlm_rw(ctx, false, addr, val, 1); }
static int tlm_write(void *ctx, uint32_t addr, uint32_t val) { return tlm_rw(ctx, true, addr, &val, 1); }
static int tlm_wburst(void *ctx, uint32_t addr, const uint32_t *src, size_t n)
{
    return tlm_rw(ctx, true, addr, const_cast<uint32_t *>(src), n);
}
static int tlm_rburst(void *ctx, uint32_t addr, uint32_t *dst, size_t n) { return tlm_rw(ctx, false, addr, dst, n); }
static void tlm_idle(void *ctx, uint32_t cycles)
{
    nc_platform *p = bus_plat(ctx);
    p->cpu->qk.inc(p->period * (double)(cycles ? cycles : 1));
    if (p->cpu->qk.need_sync()) p->cpu->qk.sync();
}
static int tlm_wait_irq(void *ctx, uint32_t max_cycles)
{
    TlmBus *b = static_cast<TlmBus *>(ctx);
    nc_platform *p = b->p;
    VmodelTarget *vm = b->target ? b->target->vm : nullptr;
    if (!vm) return 0;
    uint64_t c = vm->run_until_irq(sc_time_stamp() + p->cpu->qk.get_local_time(), max_cycles);
    p->cpu->qk.inc(p->period * (double)c);
    if (p->cpu->qk.need_sync()) p->cpu->qk.sync();
    return vmodel_irq(vm->m) ? 1 : 0;
}
static const struct bus_ops tlm_ops = {tlm_read, tlm_write, tlm_idle, tlm_wburst, tlm_rburst, nullptr,
                                       tlm_wait_irq};
static const struct bus_ops tlm_ops_noirq = {tlm_read, tlm_write, tlm_idle, tlm_wburst, tlm_rburst,
                                             nullptr, nullptr};

nc_platform_t *nc_platform_create(const nc_platform_cfg_t *cfg)
{
    if (g_created) {
        nc_err_set(NC_ERR_ARG, "platform: SystemC elaborates one platform per process");
        return nullptr;
    }
    nc_platform *p = new (std::nothrow) nc_platform();
    if (!p) {
        nc_err_set(NC_ERR_NOMEM, "platform: out of memory");
        return nullptr;
    }
    g_created = true;
    p->cfg = cfg ? *cfg : nc_platform_cfg_t{};
    if (!p->cfg.clk_ps) p->cfg.clk_ps = 10000;
    if (!p->cfg.quantum_cycles) p->cfg.quantum_cycles = 1000;
    if (!(p->cfg.max_sim_s > 0)) p->cfg.max_sim_s = 10.0;
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0); // before the kernel starts
    try {
        sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING);
        sc_set_time_resolution(1, SC_PS);
        p->period = sc_time((double)p->cfg.clk_ps, SC_PS);
        tlm_utils::tlm_quantumkeeper::set_global_quantum(p->period * (double)p->cfg.quantum_cycles);
        p->cpu.reset(new Cpu("cpu"));
        p->router.reset(new Router("router", &p->map));
    } catch (const std::exception &e) {
        nc_err_set(NC_ERR_SIM, "platform: SystemC: %s", e.what());
        delete p;
        return nullptr;
    }
    p->map.reserve(kMaxTargets); // buses point into it
    p->cpu->plat = p;
    p->cpu->sock.bind(p->router->tsock);
    p->sysbus.p = p;
    p->sysbus.target = nullptr;
    std::snprintf(p->sysbus.name, sizeof p->sysbus.name, "tlm:cpu");
    p->sysbus.bus = bus_t{&tlm_ops_noirq, &p->sysbus, p->sysbus.name, 0xfffffffcu};
    return p;
}

static int add_entry(nc_platform *p, const char *name, uint32_t base, uint32_t size)
{
    if (p->ran)
        return nc_err_set(NC_ERR_ARG, "platform: targets are added before the run");
    if (p->map.size() >= kMaxTargets)
        return nc_err_set(NC_ERR_ARG, "platform: at most %zu targets", kMaxTargets);
    if (!name || !*name || size == 0 || (size & 3u) || (base & 3u) ||
        (uint64_t)base + size > 0x100000000ull)
        return nc_err_set(NC_ERR_ARG, "platform: target '%s' at 0x%08x size 0x%x: expected a "
                          "name, aligned base and a non-zero size within 4 GiB",
                          name ? name : "", base, size);
    for (const MapEntry &e : p->map) {
        if (e.name == name)
            return nc_err_set(NC_ERR_ARG, "platform: two targets named '%s'", name);
        if (base < e.base + (uint64_t)e.size && e.base < base + (uint64_t)size)
            return nc_err_set(NC_ERR_ARG, "platform: target '%s' [0x%08x, +0x%x) overlaps '%s' "
                              "[0x%08x, +0x%x)", name, base, size, e.name.c_str(), e.base, e.size);
    }
    return NC_OK;
}

int nc_platform_add_sram(nc_platform_t *p, const char *name, uint32_t base, uint32_t size)
{
    int rc = add_entry(p, name, base, size);
    if (rc) return rc;
    sc_time lat = p->cfg.sram_latency_ps ? sc_time((double)p->cfg.sram_latency_ps, SC_PS) : p->period;
    Sram *s = new Sram(name, size, lat);
    p->modules.emplace_back(s);
    p->router->isock.bind(s->sock);
    p->map.push_back(MapEntry{name, base, size, (int)p->map.size(), nullptr, s});
    return NC_OK;
}

int nc_platform_add_vmodel(nc_platform_t *p, const char *name, const char *model, uint32_t base,
                           uint32_t size)
{
    int rc = add_entry(p, name, base, size);
    if (rc) return rc;
    vmodel_t *m = vmodel_open_name(model);
    if (!m) return nc_err_status() ? nc_err_status() : NC_ERR_ARG;
    VmodelTarget *t = new VmodelTarget(name, m, p->period);
    p->modules.emplace_back(t);
    p->router->isock.bind(t->sock);
    p->map.push_back(MapEntry{name, base, size, (int)p->map.size(), t, nullptr});
    return NC_OK;
}

int nc_platform_attach_pins(nc_platform_t *p, const char *name, const nc_pin_hooks_t *hooks)
{
    if (p->ran) return nc_err_set(NC_ERR_ARG, "platform: pins are attached before the run");
    for (MapEntry &e : p->map) {
        if (e.name != name || !e.vm) continue;
        if (e.vm->hooked) return nc_err_set(NC_ERR_ARG, "platform: '%s' has pin hooks already", name);
        if (!vmodel_has_gpio(e.vm->m))
            return nc_err_set(NC_ERR_ARG, "platform: '%s' (model %s) has no gpi/gpo pins", name,
                              vmodel_name(e.vm->m));
        e.vm->hooks = *hooks;
        e.vm->hooked = true;
        return NC_OK;
    }
    return nc_err_set(NC_ERR_ARG, "platform: no accelerator named '%s'", name ? name : "");
}

vmodel_t *nc_platform_vmodel(nc_platform_t *p, const char *name)
{
    for (const MapEntry &e : p->map)
        if (e.name == name && e.vm) return e.vm->m;
    return nullptr;
}

bus_t *nc_platform_bus(nc_platform_t *p, const char *name)
{
    for (auto &b : p->buses)
        if (b->target && b->target->name == name) return &b->bus;
    for (const MapEntry &e : p->map) {
        if (e.name != name) continue;
        std::unique_ptr<TlmBus> b(new TlmBus());
        b->p = p;
        b->target = &e;
        std::snprintf(b->name, sizeof b->name, "tlm:%s", name);
        b->bus = bus_t{e.vm ? &tlm_ops : &tlm_ops_noirq, b.get(), b->name, e.size};
        p->buses.push_back(std::move(b));
        return &p->buses.back()->bus;
    }
    nc_err_set(NC_ERR_ARG, "platform: no target named '%s'", name ? name : "");
    return nullptr;
}

bus_t *nc_platform_sysbus(nc_platform_t *p) { return &p->sysbus.bus; }

int nc_platform_run(nc_platform_t *p, int (*prog)(nc_platform_t *, void *), void *arg)
{
    if (p->ran) return nc_err_set(NC_ERR_ARG, "platform: run once per platform");
    p->ran = true;
    p->cpu->prog = prog;
    p->cpu->arg = arg;
    if (p->map.empty()) return nc_err_set(NC_ERR_ARG, "platform: no targets");
    try {
        sc_start(sc_time(p->cfg.max_sim_s, SC_SEC));
    } catch (const std::exception &e) {
        return nc_err_set(NC_ERR_SIM, "platform: SystemC: %s", e.what());
    }
    for (const MapEntry &e : p->map)
        if (e.vm && e.vm->hook_rc)
            return nc_err_set(e.vm->hook_rc, "%s", e.vm->hook_msg.c_str());
    if (!p->cpu->done)
        return nc_err_set(NC_ERR_TIMEOUT, "platform: the program did not finish within the "
                          "simulated-time bound of %g s", p->cfg.max_sim_s);
    return p->cpu->result;
}

uint64_t nc_platform_time_ps(const nc_platform_t *p)
{
    sc_time t = sc_time_stamp();
    if (p->cpu) t += p->cpu->qk.get_local_time();
    return (uint64_t)t.value();
}

uint64_t nc_platform_transactions(const nc_platform_t *p) { return p->cpu ? p->cpu->transactions : 0; }

int nc_platform_record(nc_platform_t *p, size_t max_changes)
{
    if (p->ran) return nc_err_set(NC_ERR_ARG, "platform: recording is set up before the run");
    p->cpu->rec_max = max_changes;
    p->cpu->rec.reserve(max_changes < 65536 ? max_changes : 65536);
    return NC_OK;
}

int nc_platform_write_waves_with(nc_platform_t *p, const char *name, const char *rtl_fst,
                                 const nc_wave_in_t *extra, size_t nextra, const char *out_fst)
{
    const MapEntry *e = nullptr;
    for (const MapEntry &m : p->map)
        if (m.name == name && m.vm) e = &m;
    if (!e) return nc_err_set(NC_ERR_ARG, "platform: no accelerator named '%s'", name ? name : "");
    if (p->cpu->rec_full)
        std::fprintf(stderr, "platform: waveform: only the first %zu TLM value changes were recorded\n",
                     p->cpu->rec_max);
    // The model's trace counts 10 time units per cycle from its creation; cycle `origin` is
    // simulated time 0 of the platform.
    std::vector<nc_wave_in_t> in;
    in.push_back(nc_wave_in_t{rtl_fst, 10 * e->vm->origin, (double)p->cfg.clk_ps / 10.0, 0, nullptr});
    for (size_t i = 0; i < nextra; i++) in.push_back(extra[i]);
    return nc_wave_merge_n(in.data(), in.size(), "tlm", kTlmVars, TV_N, p->cpu->rec.data(),
                           p->cpu->rec.size(), out_fst);
}

int nc_platform_write_waves(nc_platform_t *p, const char *name, const char *rtl_fst, const char *out_fst)
{
    return nc_platform_write_waves_with(p, name, rtl_fst, nullptr, 0, out_fst);
}

void nc_platform_destroy(nc_platform_t *p)
{
    if (!p) return;
    // The modules stay registered with the SystemC kernel until the process ends (it keeps
    // them reachable); their models' traces are closed here. Deleting a Verilated model after
    // the SystemC run deadlocks in Verilator's context mutex, so they are not deleted.
    p->buses.clear();
    for (const MapEntry &e : p->map)
        if (e.vm) vmodel_trace_close(e.vm->m);
    for (auto &mod : p->modules) (void)mod.release();
    (void)p->router.release();
    (void)p->cpu.release();
    delete p;
}

} // extern "C"
