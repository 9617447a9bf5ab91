// vmodel_impl.hpp - the one generic C++ wrapper around a Verilated accelerator top.
//
// Included only by the per-model shim that the Makefile generates (build/.../<name>_shim.cpp):
//     #include "V<name>.h"
//     #include "vmodel_impl.hpp"
//     NC_VMODEL_DEFINE(<name>, V<name>, "<top>", "<params>")
// which defines the C symbol `vmodel_class_<name>`. Everything else in cosim/ is C.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <type_traits>
#include <utility>
#include <unistd.h>

#include "verilated.h"
#include "verilated_fst_c.h"
#if VM_COVERAGE
#include "verilated_cov.h"
#endif

// A fresh context, one thread. NC_RAND_RESET=<seed>: state the RTL does not reset starts random (only in
// models Verilated with --x-initial unique: make verify's build/xinit tree); else zero.
inline VerilatedContext *nc_new_context()
{
    VerilatedContext *c = new VerilatedContext;
    // The models are Verilated single-threaded: no worker pool (Verilator 5 would start one
    // worker per further CPU, idle, and a thread no run needs).
    c->threads(1);
    if (const char *s = std::getenv("NC_RAND_RESET")) {
        c->randReset(2);
        c->randSeed(std::atoi(s));
    }
    return c;
}

extern "C" {
#include "vmodel.h"
}

// Tops may have general-purpose pins besides the bus (rtl/common/README.md): gpi[31:0] in,
// gpo[31:0] out, for side-band connections such as a mixed-signal interface.
template <class U, class = void> struct nc_has_gpio : std::false_type {};
template <class U>
struct nc_has_gpio<U, std::void_t<decltype(std::declval<U &>().gpi), decltype(std::declval<U &>().gpo)>>
    : std::true_type {};

// The interface vmodel.cpp sees; one implementation per Verilated class.
struct VModelIface {
    virtual ~VModelIface() = default;
    virtual void set_rst_n(bool v) = 0;
    virtual void tick() = 0;                // one full clock cycle
    virtual void step(uint64_t n) = 0;      // n cycles, as tight as possible
    // One bus handshake. Returns 0 (ok), 1 (bus_err on ack), 2 (no ack within timeout).
    virtual int access(bool we, uint32_t addr, uint32_t wdata, uint32_t *rdata,
                       uint32_t timeout) = 0;
    virtual void bus_drive(bool req, bool we, uint32_t addr, uint32_t wdata) = 0;
    virtual bool bus_ack(uint32_t *rdata, bool *err) const = 0;
    virtual bool irq() const = 0;
    virtual bool has_gpio() const = 0;
    virtual void set_gpi(uint32_t v) = 0; // takes effect at the next clock edge
    virtual uint32_t gpo() const = 0;
    virtual uint64_t cycles() const = 0;
    virtual bool trace_open(const char *path) = 0;
    virtual void trace_close() = 0;
    virtual bool tracing() const = 0;
};

template <class T> class VModelImpl final : public VModelIface {
  public:
    VModelImpl() : ctx_(nc_new_context()), top_(new T(ctx_.get(), "top"))
    {
        ctx_->traceEverOn(true);
        top_->clk = 0;
        top_->rst_n = 0;
        top_->bus_req = 0;
        top_->bus_we = 0;
        top_->bus_addr = 0;
        top_->bus_wdata = 0;
        if constexpr (nc_has_gpio<T>::value) top_->gpi = 0;
        top_->eval();
    }
    ~VModelImpl() override
    {
        trace_close();
        top_->final();
#if VM_COVERAGE
        // make coverage: every model writes its counters when closed (merged afterwards).
        if (const char *d = std::getenv("NC_COVERAGE_DIR")) {
            static std::atomic<unsigned> seq{0};
            char path[4096];
            std::snprintf(path, sizeof path, "%s/cov_%d_%u.dat", d, (int)getpid(), seq++);
            ctx_->coveragep()->write(path);
        }
#endif
    }
    void set_rst_n(bool v) override { top_->rst_n = v; }

    void tick() override
    {
        top_->clk = 0;
        top_->eval();
        if (on_) tfp_->dump(time_);
        time_ += 5;
        top_->clk = 1;
        top_->eval();
        if (on_) tfp_->dump(time_);
        time_ += 5;
        cycles_++;
    }
    void step(uint64_t n) override
    {
        if (on_) {
            for (uint64_t i = 0; i < n; i++) tick();
            return;
        }
        T *t = top_.get();
        for (uint64_t i = 0; i < n; i++) {
            t->clk = 0;
            t->eval();
            t->clk = 1;
            t->eval();
        }
        cycles_ += n;
        time_ += 10 * n;
    }
    int access(bool we, uint32_t addr, uint32_t wdata, uint32_t *rdata,
               uint32_t timeout) override
    {
        top_->bus_req = 1;
        top_->bus_we = we;
        top_->bus_addr = addr;
        top_->bus_wdata = wdata;
        for (uint32_t i = 0; i < timeout; i++) {
            tick();
            if (top_->bus_ack) {
                if (rdata) *rdata = top_->bus_rdata;
                int err = top_->bus_err ? 1 : 0;
                top_->bus_req = 0;
                top_->bus_we = 0;
                return err;
            }
        }
        top_->bus_req = 0;
        top_->bus_we = 0;
        return 2;
    }
    void bus_drive(bool req, bool we, uint32_t addr, uint32_t wdata) override
    {
        top_->bus_req = req;
        top_->bus_we = we;
        top_->bus_addr = addr;
        top_->bus_wdata = wdata;
    }
    bool bus_ack(uint32_t *rdata, bool *err) const override
    {
        if (!top_->bus_ack) return false;
        if (rdata) *rdata = top_->bus_rdata;
        if (err) *err = top_->bus_err;
        return true;
    }
    bool irq() const override { return top_->irq; }
    bool has_gpio() const override { return nc_has_gpio<T>::value; }
    void set_gpi(uint32_t v) override
    {
        if constexpr (nc_has_gpio<T>::value) top_->gpi = v;
        else (void)v;
    }
    uint32_t gpo() const override
    {
        if constexpr (nc_has_gpio<T>::value) return top_->gpo;
        else return 0;
    }
    uint64_t cycles() const override { return cycles_; }
    bool trace_open(const char *path) override
    {
        trace_close();
        if (!tfp_) { // Verilator allows one tracer per model: create it once, reopen it later.
            tfp_.reset(new VerilatedFstC);
            top_->trace(tfp_.get(), 99);
        }
        tfp_->open(path);
        if (!tfp_->isOpen()) return false;
        on_ = true;
        return true;
    }
    void trace_close() override
    {
        if (on_) {
            tfp_->close();
            on_ = false;
        }
    }
    bool tracing() const override { return on_; }

  private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<T> top_;
    std::unique_ptr<VerilatedFstC> tfp_;
    bool on_ = false;
    uint64_t cycles_ = 0;
    uint64_t time_ = 0;
};

#define NC_VMODEL_DEFINE(name, cls, top, params)                                               \
    static void *nc_create_##name() { return static_cast<VModelIface *>(new VModelImpl<cls>); } \
    extern "C" const vmodel_class_t vmodel_class_##name = {#name, top, params, nc_create_##name};
