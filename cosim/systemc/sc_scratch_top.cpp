// sc_scratch_top.cpp - a SystemC top around a Verilated accelerator (the scratch IP), for
// users who integrate neurocosim RTL into a SystemC platform. It drives the same bus
// handshake as cosim/vmodel.h (rtl/common/README.md) from an SC_THREAD bus master and checks
// the device: ID, the scratch window, the timer with its irq, a refused access. Exit status 0
// only if every check holds. Usage: sc_scratch_top [trace.vcd]
#include <systemc.h>

#include <cstdint>
#include <cstdio>

#include "Vscratch_sc.h"

namespace {

constexpr uint32_t kId = 0x000, kStatus = 0x004, kTimer = 0x008, kScratch = 0x100;
constexpr uint32_t kIdValue = 0x5c7a7c01;  // scratch_regs.def: ID reset value
constexpr int kAckTimeout = 64;            // cycles; every wait is bounded

SC_MODULE(BusMaster) {
    sc_in<bool> clk;
    sc_out<bool> rst_n, bus_req, bus_we;
    sc_out<uint32_t> bus_addr, bus_wdata;
    sc_in<bool> bus_ack, bus_err, irq;
    sc_in<uint32_t> bus_rdata;
    int failures = 0;

    // One handshake: returns 0 ok, 1 bus_err, 2 no ack within kAckTimeout cycles.
    int access(bool we, uint32_t addr, uint32_t wdata, uint32_t *rdata) {
        bus_req.write(true);
        bus_we.write(we);
        bus_addr.write(addr);
        bus_wdata.write(wdata);
        for (int i = 0; i < kAckTimeout; i++) {
            wait(clk.posedge_event());
            wait(SC_ZERO_TIME);  // let the registered outputs settle
            if (bus_ack.read()) {
                if (rdata) *rdata = bus_rdata.read();
                bus_req.write(false);
                return bus_err.read() ? 1 : 0;
            }
        }
        bus_req.write(false);
        return 2;
    }

    void check(bool ok, const char *what) {
        std::printf("%-44s %s\n", what, ok ? "ok" : "FAIL");
        if (!ok) failures++;
    }

    void run() {
        rst_n.write(false);
        bus_req.write(false);
        for (int i = 0; i < 4; i++) wait(clk.posedge_event());
        rst_n.write(true);
        wait(clk.posedge_event());

        uint32_t v = 0;
        check(access(false, kId, 0, &v) == 0 && v == kIdValue, "ID register reads 0x5c7a7c01");
        uint32_t x = 0x12345678u, bad = 0;
        for (uint32_t i = 0; i < 16; i++) {
            x = x * 1664525u + 1013904223u;
            access(true, kScratch + 4 * i, x ^ i, nullptr);
        }
        x = 0x12345678u;
        for (uint32_t i = 0; i < 16; i++) {
            x = x * 1664525u + 1013904223u;
            if (access(false, kScratch + 4 * i, 0, &v) != 0 || v != (x ^ i)) bad++;
        }
        check(bad == 0, "16 scratch words written and read back");
        check(access(true, kId, 1, nullptr) == 1, "write to read-only ID refused (bus_err)");

        const uint32_t n = 1000;
        access(true, kTimer, n, nullptr);
        sc_time t0 = sc_time_stamp();
        int waited = 0;
        while (!irq.read() && waited < 4 * (int)n) {
            wait(clk.posedge_event());
            waited++;
        }
        double cycles = (sc_time_stamp() - t0) / sc_time(10, SC_NS);
        check(irq.read() && cycles >= n - 2 && cycles <= n + 2, "timer of 1000 cycles raises irq");
        check(access(false, kStatus, 0, &v) == 0 && (v & 2u), "STATUS.DONE set");
        std::printf("simulated %.0f ns; %d failure(s)\n", sc_time_stamp().to_seconds() * 1e9,
                    failures);
        sc_stop();
    }

    SC_CTOR(BusMaster) { SC_THREAD(run); }
};

}  // namespace

int sc_main(int argc, char **argv) {
    sc_clock clk("clk", 10, SC_NS);
    sc_signal<bool> rst_n, bus_req, bus_we, bus_ack, bus_err, irq;
    sc_signal<uint32_t> bus_addr, bus_wdata, bus_rdata;

    Vscratch_sc dut("dut");
    dut.clk(clk);
    dut.rst_n(rst_n);
    dut.bus_req(bus_req);
    dut.bus_we(bus_we);
    dut.bus_addr(bus_addr);
    dut.bus_wdata(bus_wdata);
    dut.bus_ack(bus_ack);
    dut.bus_rdata(bus_rdata);
    dut.bus_err(bus_err);
    dut.irq(irq);

    BusMaster host("host");
    host.clk(clk);
    host.rst_n(rst_n);
    host.bus_req(bus_req);
    host.bus_we(bus_we);
    host.bus_addr(bus_addr);
    host.bus_wdata(bus_wdata);
    host.bus_ack(bus_ack);
    host.bus_err(bus_err);
    host.irq(irq);
    host.bus_rdata(bus_rdata);

    sc_trace_file *tf = nullptr;
    if (argc > 1) {
        std::string name(argv[1]);
        if (name.size() > 4 && name.compare(name.size() - 4, 4, ".vcd") == 0)
            name.resize(name.size() - 4);  // sc_create_vcd_trace_file appends .vcd
        tf = sc_create_vcd_trace_file(name.c_str());
        sc_trace(tf, clk, "clk");
        sc_trace(tf, rst_n, "rst_n");
        sc_trace(tf, bus_req, "bus_req");
        sc_trace(tf, bus_we, "bus_we");
        sc_trace(tf, bus_addr, "bus_addr");
        sc_trace(tf, bus_wdata, "bus_wdata");
        sc_trace(tf, bus_ack, "bus_ack");
        sc_trace(tf, bus_rdata, "bus_rdata");
        sc_trace(tf, bus_err, "bus_err");
        sc_trace(tf, irq, "irq");
    }
    sc_start(1, SC_MS);  // bound: the master stops the simulation long before
    if (tf) sc_close_vcd_trace_file(tf);
    bool finished = sc_get_status() == SC_STOPPED;
    if (!finished) std::printf("simulation hit its 1 ms bound without finishing\n");
    dut.final();
    return (host.failures == 0 && finished) ? 0 : 1;
}
