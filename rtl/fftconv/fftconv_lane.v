// fftconv_lane.v - one butterfly lane of the FFT-convolution datapath, three pipeline stages.
//
// Number formats and rounding: rtl/fftconv/README.md. Data words are 24-bit complex (Q1.23),
// twiddles Q1.17, kernel words 16-bit complex with exponent KEXP. Every rounding is
// floor-shift with round-half-to-even, then saturation to the target width; every saturation
// is reported in nsat (the top masks it for lanes whose butterfly is not needed).
//   forward (fwd=1):  o0 = (a+b)/2,           o1 = (a-b)*(c - j s)/2
//   inverse (fwd=0):  a,b optionally times K (mulk=1), then o0 = a + b*(c + j s), o1 = a - b*(c + j s)
//   last inverse stage (last=1): y = sat16(round((o1.re*2^7 + d*u) * 2^oshift / 2^15)); packed
//   mode (pk=1) also y2 from o1.im and u2 (the odd sample of the pair), both counted in nsat
// Pipeline (README, "Pipeline"): the inputs (memory read data) enter stage 1, which does the
// kernel multiply; stage 2 the twiddle multiply and the butterfly; stage 3 the output stage.
// Registers sit between the stages; the outputs are valid in stage 3 (two cycles after the
// inputs). kexp, oshift and d are constant during a run.
`default_nettype none

module fftconv_lane (
    input  wire               clk,
    input  wire               fwd,
    input  wire               mulk,
    input  wire               last,
    input  wire               pk,
    input  wire signed [23:0] a_re, a_im, b_re, b_im,
    input  wire        [31:0] ka, kb,
    input  wire signed [17:0] tw_c, tw_s,
    input  wire        [4:0]  kexp,
    input  wire        [3:0]  oshift,
    input  wire signed [15:0] d,
    input  wire signed [15:0] u,
    input  wire signed [15:0] u2,
    output reg  signed [23:0] o0_re, o0_im, o1_re, o1_im,
    output reg  signed [15:0] y,
    output reg  signed [15:0] y2,
    output reg         [3:0]  nsat
);
`include "fftconv_round.vh"

    // ---- stage 1: kernel multiply
    reg signed [63:0] ar, ai, br, bi, kr, ki;
    reg [24:0] m0, m1, m2, m3;
    reg [5:0] ksh;
    reg [2:0] s1_nsat;
    always @(*) begin
        ar = 64'(a_re); ai = 64'(a_im); br = 64'(b_re); bi = 64'(b_im);
        ksh = 6'd16 - {1'b0, kexp};
        m0 = {1'b0, a_re}; m1 = {1'b0, a_im}; m2 = {1'b0, b_re}; m3 = {1'b0, b_im};
        if (!fwd && mulk) begin
            kr = 64'($signed(ka[15:0])); ki = 64'($signed(ka[31:16]));
            m0 = rs24(2 * (ar * kr - ai * ki), ksh);
            m1 = rs24(2 * (ar * ki + ai * kr), ksh);
            kr = 64'($signed(kb[15:0])); ki = 64'($signed(kb[31:16]));
            m2 = rs24(2 * (br * kr - bi * ki), ksh);
            m3 = rs24(2 * (br * ki + bi * kr), ksh);
        end else begin
            kr = 64'sd0; ki = 64'sd0;
        end
        s1_nsat = {2'd0, m0[24]} + {2'd0, m1[24]} + {2'd0, m2[24]} + {2'd0, m3[24]};
    end

    reg signed [23:0] q_ar, q_ai, q_br, q_bi;
    reg signed [17:0] q_c, q_s;
    reg [15:0] q_u, q_u2, r_u, r_u2;
    reg q_fwd, q_last, q_pk, r_last, r_pk;
    reg [2:0] q_nsat;
    reg [3:0] r_nsat;
    always @(posedge clk) begin
        q_ar <= m0[23:0]; q_ai <= m1[23:0]; q_br <= m2[23:0]; q_bi <= m3[23:0];
        q_c <= tw_c; q_s <= tw_s; q_u <= u; q_u2 <= u2;
        q_fwd <= fwd; q_last <= last; q_pk <= pk; q_nsat <= s1_nsat;
    end

    // ---- stage 2: twiddle multiply and butterfly
    reg signed [63:0] xr, xi, yr, yi, c, s, t_re, t_im;
    reg [24:0] r0, r1, r2, r3;
    always @(*) begin
        xr = 64'(q_ar); xi = 64'(q_ai); yr = 64'(q_br); yi = 64'(q_bi);
        c = 64'(q_c); s = 64'(q_s);
        if (q_fwd) begin
            t_re = xr - yr;
            t_im = xi - yi;
            r0 = rs24(xr + yr, 6'd1);
            r1 = rs24(xi + yi, 6'd1);
            r2 = rs24(t_re * c + t_im * s, 6'd18);
            r3 = rs24(t_im * c - t_re * s, 6'd18);
        end else begin
            t_re = yr * c - yi * s;
            t_im = yi * c + yr * s;
            r0 = rs24(xr * 131072 + t_re, 6'd17);
            r1 = rs24(xi * 131072 + t_im, 6'd17);
            r2 = rs24(xr * 131072 - t_re, 6'd17);
            r3 = rs24(xi * 131072 - t_im, 6'd17);
        end
    end
    always @(posedge clk) begin
        o0_re <= r0[23:0]; o0_im <= r1[23:0]; o1_re <= r2[23:0]; o1_im <= r3[23:0];
        r_u <= q_u; r_u2 <= q_u2; r_last <= q_last; r_pk <= q_pk;
        r_nsat <= {1'b0, q_nsat} + {3'd0, r0[24]} + {3'd0, r1[24]} + {3'd0, r2[24]} + {3'd0, r3[24]};
    end

    // ---- stage 3: output stage (last inverse stage)
    reg signed [63:0] acc, q;
    reg ysat, ysat2;
    always @(*) begin
        acc = 64'(o1_re) * 128 + 64'(d) * 64'($signed(r_u));
        q = rnd(acc, 6'd15 - {2'b0, oshift});
        ysat = 1'b0;
        if (q > 64'sd32767) begin y = 16'sh7fff; ysat = 1'b1; end
        else if (q < -64'sd32768) begin y = -16'sh8000; ysat = 1'b1; end
        else y = q[15:0];
        acc = 64'(o1_im) * 128 + 64'(d) * 64'($signed(r_u2));
        q = rnd(acc, 6'd15 - {2'b0, oshift});
        ysat2 = 1'b0;
        if (q > 64'sd32767) begin y2 = 16'sh7fff; ysat2 = 1'b1; end
        else if (q < -64'sd32768) begin y2 = -16'sh8000; ysat2 = 1'b1; end
        else y2 = q[15:0];
        nsat = r_nsat + {3'd0, r_last & ysat} + {3'd0, r_last & r_pk & ysat2};
    end
endmodule

`default_nettype wire
