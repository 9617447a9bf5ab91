// fftconv_lane.v - one butterfly lane of the FFT-convolution datapath (combinational).
//
// Number formats and rounding: rtl/fftconv/README.md. Data words are 24-bit complex (Q1.23),
// twiddles Q1.17, kernel words 16-bit complex with exponent KEXP. Every rounding is
// floor-shift with round-half-to-even, then saturation to the target width; every saturation
// is reported in nsat (the top masks it for lanes whose butterfly is not needed).
//   forward (fwd=1):  o0 = (a+b)/2,           o1 = (a-b)*(c - j s)/2
//   inverse (fwd=0):  a,b optionally times K (mulk=1), then o0 = a + b*(c + j s), o1 = a - b*(c + j s)
//   last inverse stage (last=1): y = sat16(round((o1.re*2^7 + d*u) * 2^oshift / 2^15)); packed
//   mode (pk=1) also y2 from o1.im and u2 (the odd sample of the pair), both counted in nsat
`default_nettype none

module fftconv_lane (
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

    reg signed [63:0] ar, ai, br, bi, kr, ki, c, s, t_re, t_im, acc;
    reg [24:0] r0, r1, r2, r3, m0, m1, m2, m3;
    reg [5:0] ksh;
    reg signed [63:0] q;
    reg ysat, ysat2;

    always @(*) begin
        ar = 64'(a_re); ai = 64'(a_im); br = 64'(b_re); bi = 64'(b_im);
        c = 64'(tw_c); s = 64'(tw_s);
        ksh = 6'd16 - {1'b0, kexp};
        m0 = 25'd0; m1 = 25'd0; m2 = 25'd0; m3 = 25'd0;
        if (!fwd && mulk) begin
            kr = 64'($signed(ka[15:0])); ki = 64'($signed(ka[31:16]));
            m0 = rs24(2 * (ar * kr - ai * ki), ksh);
            m1 = rs24(2 * (ar * ki + ai * kr), ksh);
            kr = 64'($signed(kb[15:0])); ki = 64'($signed(kb[31:16]));
            m2 = rs24(2 * (br * kr - bi * ki), ksh);
            m3 = rs24(2 * (br * ki + bi * kr), ksh);
            ar = 64'($signed(m0[23:0])); ai = 64'($signed(m1[23:0]));
            br = 64'($signed(m2[23:0])); bi = 64'($signed(m3[23:0]));
        end else begin
            kr = 64'sd0; ki = 64'sd0;
        end
        if (fwd) begin
            t_re = ar - br;
            t_im = ai - bi;
            r0 = rs24(ar + br, 6'd1);
            r1 = rs24(ai + bi, 6'd1);
            r2 = rs24(t_re * c + t_im * s, 6'd18);
            r3 = rs24(t_im * c - t_re * s, 6'd18);
        end else begin
            t_re = br * c - bi * s;
            t_im = bi * c + br * s;
            r0 = rs24(ar * 131072 + t_re, 6'd17);
            r1 = rs24(ai * 131072 + t_im, 6'd17);
            r2 = rs24(ar * 131072 - t_re, 6'd17);
            r3 = rs24(ai * 131072 - t_im, 6'd17);
        end
        o0_re = r0[23:0]; o0_im = r1[23:0]; o1_re = r2[23:0]; o1_im = r3[23:0];
        acc = 64'(o1_re) * 128 + 64'(d) * 64'(u);
        q = rnd(acc, 6'd15 - {2'b0, oshift});
        ysat = 1'b0;
        if (q > 64'sd32767) begin y = 16'sh7fff; ysat = 1'b1; end
        else if (q < -64'sd32768) begin y = -16'sh8000; ysat = 1'b1; end
        else y = q[15:0];
        acc = 64'(o1_im) * 128 + 64'(d) * 64'(u2);
        q = rnd(acc, 6'd15 - {2'b0, oshift});
        ysat2 = 1'b0;
        if (q > 64'sd32767) begin y2 = 16'sh7fff; ysat2 = 1'b1; end
        else if (q < -64'sd32768) begin y2 = -16'sh8000; ysat2 = 1'b1; end
        else y2 = q[15:0];
        nsat = {3'd0, r0[24]} + {3'd0, r1[24]} + {3'd0, r2[24]} + {3'd0, r3[24]}
             + {3'd0, m0[24]} + {3'd0, m1[24]} + {3'd0, m2[24]} + {3'd0, m3[24]}
             + {3'd0, last & ysat} + {3'd0, last & pk & ysat2};
    end
endmodule

`default_nettype wire
