// hybrid_top.v - the digital side of the hybrid SFQ/CMOS chip (issue 10, rtl/hybrid/README.md):
// the stimulus block (two DAC codes and the SFQ bias enable, on gpo), the SFQ -> CMOS interface
// (the SFQ/DC level on gpi[0], two-flop synchroniser, change detector, event log), the AER
// encoder that writes each detected level change as an input event into the SNN core, and the
// SNN core itself (rtl/snn/snn_top.v) behind the same bus.
//
// Bus map: 0x800000.. the block's registers (hybrid_regs.def); below 0x800000 the SNN core's
// map. The host and the encoder share the core's bus port: an arbiter grants one access at a
// time (the host first when both wait); the host's accesses to the core take one more cycle.
`default_nettype none

module hybrid_top #(
    parameter integer N = 16,      // SNN core: neurons
    parameter integer A = 4,       //   input axons
    parameter integer L = 1,       //   lanes
    parameter integer DMAX = 4,    //   delay slots
    parameter integer SROWS = 64,  //   synapse rows
    parameter integer FD = 64,     //   AER FIFO entries
    parameter integer QD = 16      // encoder queue entries (power of two)
) (
    input  wire        clk,
    input  wire        rst_n,
    input  wire        bus_req,
    input  wire        bus_we,
    input  wire [23:0] bus_addr,
    input  wire [31:0] bus_wdata,
    output wire        bus_ack,
    output wire [31:0] bus_rdata,
    output wire        bus_err,
    output wire        irq,
    input  wire [31:0] gpi,        // [0]: the SFQ/DC output level (asynchronous to clk)
    output wire [31:0] gpo         // [7:0] DAC A, [15:8] DAC B, [16] SFQ bias enable
);
`include "hybrid_regs.vh"

    // ---- the block's own registers (addresses with bit 23 set) ----
    wire        r_req = bus_req && bus_addr[23];
    wire        r_ack, r_err;
    wire [31:0] r_rdata;
    wire        cmd_valid, cmd_we;
    wire [23:0] cmd_addr;
    wire [31:0] cmd_wdata;
    reg  [31:0] rsp_rdata;
    reg         rsp_err;

    nc_bus_slave #(.AW(24)) u_bus (
        .clk(clk), .rst_n(rst_n),
        .bus_req(r_req), .bus_we(bus_we), .bus_addr(bus_addr), .bus_wdata(bus_wdata),
        .bus_ack(r_ack), .bus_rdata(r_rdata), .bus_err(r_err),
        .cmd_valid(cmd_valid), .cmd_we(cmd_we), .cmd_addr(cmd_addr), .cmd_wdata(cmd_wdata),
        .rsp_valid(cmd_valid), .rsp_rdata(rsp_rdata), .rsp_err(rsp_err)
    );

    reg        bias_en, enc_en, irq_en, done;
    reg [7:0]  dac_a, dac_b;
    reg [31:0] window, holdoff, cyc, edges, events, drops;
    reg [15:0] step_cycles, axon, sub, step;
    reg [31:0] evlog [0:15];
    reg        s1, s2, s3;           // synchroniser (s1, s2) and the previous level (s3)

    localparam [23:0] LOG_END = HYBRID_WIN_EVLOG_BASE + HYBRID_WIN_EVLOG_BYTES;
    wire in_log = cmd_addr >= HYBRID_WIN_EVLOG_BASE && cmd_addr < LOG_END;

    // the encoder queue
    wire        q_full, q_empty;
    wire [31:0] q_dout;
    wire [$clog2(QD):0] q_level;
    wire        chg = s2 ^ s3;
    wire        active = bias_en && cyc >= holdoff && cyc < window;
    wire        q_push = chg && active && enc_en && !q_full;

    always @(*) begin
        rsp_rdata = 32'd0;
        rsp_err   = 1'b0;
        if (cmd_addr[1:0] != 2'b00) begin
            rsp_err = 1'b1;
        end else if (in_log) begin
            rsp_rdata = evlog[cmd_addr[5:2]];
            rsp_err   = cmd_we;
        end else begin
            case (cmd_addr)
                HYBRID_ID:          begin rsp_rdata = HYBRID_ID_RESET; rsp_err = cmd_we; end
                HYBRID_CTRL:        rsp_rdata = {29'd0, irq_en, enc_en, bias_en};
                HYBRID_DAC_A:       rsp_rdata = {24'd0, dac_a};
                HYBRID_DAC_B:       rsp_rdata = {24'd0, dac_b};
                HYBRID_WINDOW:      rsp_rdata = window;
                HYBRID_STATUS:      begin rsp_rdata = {29'd0, !q_empty, s2, done}; rsp_err = cmd_we; end
                HYBRID_EDGES:       begin rsp_rdata = edges; rsp_err = cmd_we; end
                HYBRID_EVENTS:      begin rsp_rdata = events; rsp_err = cmd_we; end
                HYBRID_STEP_CYCLES: begin
                    rsp_rdata = {16'd0, step_cycles};
                    rsp_err = cmd_we && cmd_wdata[15:0] == 16'd0;
                end
                HYBRID_AXON:        rsp_rdata = {16'd0, axon};
                HYBRID_DROPS:       begin rsp_rdata = drops; rsp_err = cmd_we; end
                HYBRID_CYCLE:       begin rsp_rdata = cyc; rsp_err = cmd_we; end
                HYBRID_HOLDOFF:     rsp_rdata = holdoff;
                default:            rsp_err = 1'b1;
            endcase
        end
    end

    // ---- the SNN core's bus port: host or encoder ----
    localparam [1:0] G_NONE = 2'd0, G_HOST = 2'd1, G_ENC = 2'd2;
    reg  [1:0]  gnt;
    wire        host_snn = bus_req && !bus_addr[23];
    wire        s_ack, s_err, s_irq;
    wire [31:0] s_rdata;
    wire        s_req   = gnt == G_HOST ? host_snn : gnt == G_ENC;
    wire        s_we    = gnt == G_HOST ? bus_we : 1'b1;
    wire [23:0] s_addr  = gnt == G_HOST ? bus_addr : 24'h000058; // the core's IN_FIFO
    wire [31:0] s_wdata = gnt == G_HOST ? bus_wdata : q_dout;
    wire        q_pop   = gnt == G_ENC && s_ack;

    snn_top #(.N(N), .A(A), .L(L), .DMAX(DMAX), .SROWS(SROWS), .FD(FD)) u_snn (
        .clk(clk), .rst_n(rst_n),
        .bus_req(s_req), .bus_we(s_we), .bus_addr(s_addr), .bus_wdata(s_wdata),
        .bus_ack(s_ack), .bus_rdata(s_rdata), .bus_err(s_err), .irq(s_irq)
    );

    nc_fifo #(.W(32), .DEPTH(QD)) u_q (
        .clk(clk), .rst_n(rst_n), .clr(1'b0),
        .push(q_push), .din({step, axon}), .full(q_full),
        .pop(q_pop), .dout(q_dout), .empty(q_empty), .level(q_level)
    );

    always @(posedge clk) begin
        if (!rst_n) begin
            gnt <= G_NONE;
        end else begin
            case (gnt)
                G_NONE:  if (host_snn) gnt <= G_HOST; else if (!q_empty) gnt <= G_ENC;
                default: if (s_ack) gnt <= G_NONE;
            endcase
        end
    end

    // ---- registers, synchroniser, encoder ----
    integer i;
    always @(posedge clk) begin
        if (!rst_n) begin
            bias_en <= 1'b0; enc_en <= 1'b0; irq_en <= 1'b0; done <= 1'b0;
            dac_a <= 8'd0; dac_b <= 8'd0; window <= 32'd0; holdoff <= 32'd0; cyc <= 32'd0;
            edges <= 32'd0; events <= 32'd0; drops <= 32'd0;
            step_cycles <= 16'd1; axon <= 16'd0; sub <= 16'd0; step <= 16'd0;
            s1 <= 1'b0; s2 <= 1'b0; s3 <= 1'b0;
            for (i = 0; i < 16; i = i + 1) evlog[i] <= 32'd0;
        end else begin
            s1 <= gpi[0];
            s2 <= s1;
            s3 <= s2;
            if (bias_en) begin
                cyc <= cyc + 32'd1;
                if (sub == step_cycles - 16'd1) begin
                    sub <= 16'd0;
                    step <= step + 16'd1;
                end else begin
                    sub <= sub + 16'd1;
                end
                if (cyc + 32'd1 == window) done <= 1'b1;
            end
            if (chg && active) begin
                edges <= edges + 32'd1;
                if (edges < 32'd16) evlog[edges[3:0]] <= cyc;
                if (enc_en && q_full) drops <= drops + 32'd1;
            end
            if (q_pop) events <= events + 32'd1;
            if (cmd_valid && cmd_we && !rsp_err) begin
                case (cmd_addr)
                    HYBRID_CTRL: begin
                        if (cmd_wdata[0] && !bias_en) begin // the window starts at this edge
                            cyc <= 32'd0; sub <= 16'd0; step <= 16'd0;
                            edges <= 32'd0; events <= 32'd0; drops <= 32'd0;
                        end
                        bias_en <= cmd_wdata[0];
                        enc_en  <= cmd_wdata[1];
                        irq_en  <= cmd_wdata[2];
                        done    <= 1'b0;
                    end
                    HYBRID_DAC_A:       dac_a <= cmd_wdata[7:0];
                    HYBRID_DAC_B:       dac_b <= cmd_wdata[7:0];
                    HYBRID_WINDOW:      window <= cmd_wdata;
                    HYBRID_HOLDOFF:     holdoff <= cmd_wdata;
                    HYBRID_STEP_CYCLES: step_cycles <= cmd_wdata[15:0];
                    HYBRID_AXON:        axon <= cmd_wdata[15:0];
                    default: ;
                endcase
            end
        end
    end

    assign gpo = {15'd0, bias_en, dac_b, dac_a};
    assign irq = s_irq || (irq_en && done);
    assign bus_ack   = r_ack || (gnt == G_HOST && s_ack);
    assign bus_rdata = r_ack ? r_rdata : s_rdata;
    assign bus_err   = r_ack ? r_err : s_err;

    wire unused = &{1'b0, gpi[31:1], q_level, cmd_wdata[31:16]};
endmodule
