// fftconv_ram.v - a simple dual-port RAM: one synchronous read port, one write port.
// A read returns the word stored before a write to the same address in the same cycle.
`default_nettype none

module fftconv_ram #(
    parameter integer W = 48,
    parameter integer AW = 14
) (
    input  wire          clk,
    input  wire          we,
    input  wire [AW-1:0] wa,
    input  wire [W-1:0]  wd,
    input  wire [AW-1:0] ra,
    output reg  [W-1:0]  rd
);
    reg [W-1:0] mem [0:(1<<AW)-1];

    always @(posedge clk) begin
        if (we) mem[wa] <= wd;
        rd <= mem[ra];
    end
endmodule

`default_nettype wire
