// scratch_top.v - a minimal accelerator-shaped bus target used to test the co-simulation
// spine (cosim/vmodel.h, host/drivers/bus.h). Register map: scratch_regs.def.
`default_nettype none

module scratch_top (
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
`include "scratch_regs.vh"

    wire        cmd_valid, cmd_we;
    wire [23:0] cmd_addr;
    wire [31:0] cmd_wdata;
    reg  [31:0] rsp_rdata;
    reg         rsp_err;

    nc_bus_slave #(.AW(24)) u_bus (
        .clk(clk), .rst_n(rst_n),
        .bus_req(bus_req), .bus_we(bus_we), .bus_addr(bus_addr), .bus_wdata(bus_wdata),
        .bus_ack(bus_ack), .bus_rdata(bus_rdata), .bus_err(bus_err),
        .cmd_valid(cmd_valid), .cmd_we(cmd_we), .cmd_addr(cmd_addr), .cmd_wdata(cmd_wdata),
        .rsp_valid(cmd_valid && cmd_addr != SCRATCH_HANG), .rsp_rdata(rsp_rdata), .rsp_err(rsp_err)
    );

    reg [31:0] scratch [0:15];
    reg [31:0] timer, cycles, errors;
    reg        done;

    localparam [23:0] WIN_END = SCRATCH_WIN_SCRATCH_BASE + SCRATCH_WIN_SCRATCH_BYTES;
    wire in_win = cmd_addr >= SCRATCH_WIN_SCRATCH_BASE && cmd_addr < WIN_END;
    wire [3:0] widx = cmd_addr[5:2];

    // Decode: combinational answer in the command cycle.
    always @(*) begin
        rsp_rdata = 32'd0;
        rsp_err   = 1'b0;
        if (cmd_addr[1:0] != 2'b00) begin
            rsp_err = 1'b1;
        end else if (in_win) begin
            rsp_rdata = scratch[widx];
        end else begin
            case (cmd_addr)
                SCRATCH_ID:     begin rsp_rdata = SCRATCH_ID_RESET; rsp_err = cmd_we; end
                SCRATCH_STATUS: begin rsp_rdata = {30'd0, done, timer != 0}; rsp_err = cmd_we; end
                SCRATCH_TIMER:  rsp_rdata = timer;
                SCRATCH_CYCLES: begin rsp_rdata = cycles; rsp_err = cmd_we; end
                SCRATCH_ERRORS: begin rsp_rdata = errors; rsp_err = cmd_we; end
                default:        rsp_err = 1'b1;
            endcase
        end
    end

    integer i;
    always @(posedge clk) begin
        if (!rst_n) begin
            timer  <= 32'd0;
            cycles <= 32'd0;
            errors <= 32'd0;
            done   <= 1'b0;
            for (i = 0; i < 16; i = i + 1) scratch[i] <= 32'd0;
        end else begin
            cycles <= cycles + 32'd1;
            if (timer != 0) begin
                timer <= timer - 32'd1;
                if (timer == 32'd1) done <= 1'b1;
            end
            if (cmd_valid && rsp_err) errors <= errors + 32'd1;
            if (cmd_valid && cmd_we && !rsp_err) begin
                if (in_win) scratch[widx] <= cmd_wdata;
                else if (cmd_addr == SCRATCH_TIMER) begin
                    timer <= cmd_wdata;
                    done  <= 1'b0;
                end
            end
        end
    end

    assign irq = done;
endmodule

`default_nettype wire
