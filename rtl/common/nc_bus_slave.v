// nc_bus_slave.v - the accelerator bus handshake, shared by every neurocosim IP.
//
// Protocol (rtl/common/README.md): the host raises bus_req with bus_we/bus_addr/bus_wdata and
// holds them until it sees bus_ack. A request is taken at a rising edge where bus_req is high,
// bus_ack is low and no access is pending. The device answers with rsp_valid in the cycle the
// command is issued (combinational decode) or any later cycle; bus_ack is then high for exactly
// one cycle, carrying bus_rdata and bus_err. Back-to-back accesses take 2 cycles each.
`default_nettype none

module nc_bus_slave #(
    parameter integer AW = 24
) (
    input  wire          clk,
    input  wire          rst_n,
    // host side
    input  wire          bus_req,
    input  wire          bus_we,
    input  wire [AW-1:0] bus_addr,
    input  wire [31:0]   bus_wdata,
    output reg           bus_ack,
    output reg  [31:0]   bus_rdata,
    output reg           bus_err,
    // device side: cmd_valid is high for one cycle per access; cmd_* are valid with it
    output wire          cmd_valid,
    output wire          cmd_we,
    output wire [AW-1:0] cmd_addr,
    output wire [31:0]   cmd_wdata,
    input  wire          rsp_valid,
    input  wire [31:0]   rsp_rdata,
    input  wire          rsp_err
);
    reg pending;

    assign cmd_valid = bus_req && !bus_ack && !pending;
    assign cmd_we    = bus_we;
    assign cmd_addr  = bus_addr;
    assign cmd_wdata = bus_wdata;

    always @(posedge clk) begin
        if (!rst_n) begin
            pending   <= 1'b0;
            bus_ack   <= 1'b0;
            bus_rdata <= 32'd0;
            bus_err   <= 1'b0;
        end else begin
            bus_ack <= 1'b0;
            if ((cmd_valid || pending) && rsp_valid) begin
                bus_ack   <= 1'b1;
                bus_rdata <= rsp_rdata;
                bus_err   <= rsp_err;
                pending   <= 1'b0;
            end else if (cmd_valid) begin
                pending <= 1'b1;
            end
        end
    end

    // Assertions on the handshake (checked in builds Verilated with --assert; a failure stops
    // the simulation with this file and line). The device side: a response comes only for a
    // taken request (otherwise it would be lost silently), and bus_ack lasts exactly one
    // cycle. (The host may abandon a pending request after its bounded wait; a reset recovers:
    // see tests/test_core_bus.c, so the host side is not asserted.) Not synthesised.
`ifndef SYNTHESIS
    reg ack_q;
    always @(posedge clk) begin
        ack_q <= rst_n && bus_ack;
        if (rst_n) begin
            assert (!rsp_valid || cmd_valid || pending)
            else $error("nc_bus_slave: rsp_valid without a request (the response would be lost)");
            assert (!(bus_ack && ack_q))
            else $error("nc_bus_slave: bus_ack high for two cycles");
        end
    end
`endif
endmodule

`default_nettype wire
