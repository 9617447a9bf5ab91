// fftconv_twiddle_rom.v - the twiddle table W_NMAX^k = c - j s (Q1.17), k < NMAX/2, two
// synchronous read ports (k; k2 for the bin partner of the packed mode's fused pass). Filled at time zero by the generator of the spec (README,
// "Twiddles"): c = min(floor(cos(2 pi k' / 2^21) * 2^17 + 0.5), 131071) with
// k' = k * 2^(20 - LOG2LMAX), s likewise with sin (LOG2LMAX <= 20). The C model uses the same formula; under
// SYNTHESIS the table comes from hex files of the same values (rtl/fftconv/twiddle_hex.sh).
`default_nettype none

module fftconv_twiddle_rom #(
    parameter integer LOG2LMAX = 16
) (
    input  wire                clk,
    input  wire [LOG2LMAX-1:0] k,
    output reg  [17:0]         c,
    output reg  [17:0]         s,
    input  wire [LOG2LMAX-1:0] k2,
    output reg  [17:0]         c2,
    output reg  [17:0]         s2
);
    reg [17:0] tc [0:(1<<LOG2LMAX)-1];
    reg [17:0] ts [0:(1<<LOG2LMAX)-1];

`ifdef SYNTHESIS
    // Synthesis tools without real variables (Yosys) read the same table from the files that
    // rtl/fftconv/twiddle_hex.sh writes into the synthesis directory (one 18-bit word a line).
    initial begin
        $readmemh("fftconv_tw_c.hex", tc);
        $readmemh("fftconv_tw_s.hex", ts);
    end
`else
    function automatic [17:0] q17(input real v);
        real r;
        begin
            r = $floor(v * 131072.0 + 0.5);
            if (r > 131071.0) r = 131071.0;
            q17 = 18'($rtoi(r));
        end
    endfunction

    integer i;
    real angle;
    initial begin
        for (i = 0; i < (1 << LOG2LMAX); i = i + 1) begin
            angle = (2.0 * 3.141592653589793 * $itor(i << (20 - LOG2LMAX))) / 2097152.0;
            tc[i] = q17($cos(angle));
            ts[i] = q17($sin(angle));
        end
    end
`endif

    always @(posedge clk) begin
        c <= tc[k];
        s <= ts[k];
        c2 <= tc[k2];
        s2 <= ts[k2];
    end
endmodule

`default_nettype wire
