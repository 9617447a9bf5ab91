// nc_fifo.v - a synchronous first-in first-out queue with a combinational head.
//
// Contract: push with full high is ignored (the caller counts the drop); pop with empty high
// is ignored. Push and pop may happen in the same cycle. dout is the head entry whenever
// empty is low. clr empties the queue in one cycle. DEPTH is a power of two.
`default_nettype none

module nc_fifo #(
    parameter integer W = 32,
    parameter integer DEPTH = 512
) (
    input  wire                     clk,
    input  wire                     rst_n,
    input  wire                     clr,
    input  wire                     push,
    input  wire [W-1:0]             din,
    output wire                     full,
    input  wire                     pop,
    output wire [W-1:0]             dout,
    output wire                     empty,
    output wire [$clog2(DEPTH):0]   level
);
    localparam integer AW = $clog2(DEPTH);
    localparam [AW:0] DEPTH_W = DEPTH[AW:0];

    reg [W-1:0] mem [0:DEPTH-1];
    reg [AW:0]  wp, rp;

    assign level = wp - rp;
    assign full  = level == DEPTH_W;
    assign empty = wp == rp;
    assign dout  = mem[rp[AW-1:0]];

    always @(posedge clk) begin
        if (!rst_n || clr) begin
            wp <= {(AW + 1){1'b0}};
            rp <= {(AW + 1){1'b0}};
        end else begin
            if (push && !full) begin
                mem[wp[AW-1:0]] <= din;
                wp <= wp + 1'b1;
            end
            if (pop && !empty) rp <= rp + 1'b1;
        end
    end

    // Assertions (checked in builds Verilated with --assert; a failure stops the simulation
    // with this file and line). The pointers never drift apart by more than DEPTH entries, and
    // never move past each other: an overflow or underflow cannot corrupt the queue silently.
    // Not synthesised.
`ifndef SYNTHESIS
    always @(posedge clk) begin
        if (rst_n && !clr) begin
            assert (level <= DEPTH_W)
            else $error("nc_fifo: level %0d exceeds DEPTH %0d (pointers corrupt)", level, DEPTH);
            assert (!(full && empty))
            else $error("nc_fifo: full and empty at once");
        end
    end
`endif
endmodule

`default_nettype wire
