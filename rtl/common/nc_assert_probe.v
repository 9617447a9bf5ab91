// nc_assert_probe.v - a test-only bus target that breaks the device side of the handshake on
// request, so that tests/test_core_assert.c can prove that an RTL assertion of rtl/common
// stops the simulation and fails the test with its file and line. Not an IP: no register map.
//
// Registers (32-bit, byte addresses):
//   0x000 ID     RO  0x5a55e700
//   0x004 FAULT  WO  writing 1 makes the device raise rsp_valid once more, two cycles after the
//                    write was acknowledged, with no request pending: the response would be
//                    lost, which nc_bus_slave.v asserts against.
// Any other access is answered with bus_err.
`default_nettype none

module nc_assert_probe (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        bus_req,
    input  wire        bus_we,
    input  wire [23:0] bus_addr,
    input  wire [31:0] bus_wdata,
    output wire        bus_ack,
    output wire [31:0] bus_rdata,
    output wire        bus_err,
    output wire        irq
);
    wire        cmd_valid, cmd_we;
    wire [23:0] cmd_addr;
    wire [31:0] cmd_wdata;
    reg  [1:0]  fault_cnt;   // cycles until the spurious response; 0 = none scheduled

    wire is_id    = cmd_addr == 24'h000 && !cmd_we;
    wire is_fault = cmd_addr == 24'h004 && cmd_we;

    nc_bus_slave #(.AW(24)) u_bus (
        .clk(clk), .rst_n(rst_n),
        .bus_req(bus_req), .bus_we(bus_we), .bus_addr(bus_addr), .bus_wdata(bus_wdata),
        .bus_ack(bus_ack), .bus_rdata(bus_rdata), .bus_err(bus_err),
        .cmd_valid(cmd_valid), .cmd_we(cmd_we), .cmd_addr(cmd_addr), .cmd_wdata(cmd_wdata),
        .rsp_valid(cmd_valid || fault_cnt == 2'd1),
        .rsp_rdata(is_id ? 32'h5a55e700 : 32'd0),
        .rsp_err(!(is_id || is_fault))
    );

    always @(posedge clk) begin
        if (!rst_n)
            fault_cnt <= 2'd0;
        else if (cmd_valid && is_fault && cmd_wdata[0])
            fault_cnt <= 2'd3;
        else if (fault_cnt != 2'd0)
            fault_cnt <= fault_cnt - 2'd1;
    end

    assign irq = 1'b0;
    wire unused_wdata = ^cmd_wdata[31:1];   // only bit 0 of FAULT is a register bit
endmodule

`default_nettype wire
