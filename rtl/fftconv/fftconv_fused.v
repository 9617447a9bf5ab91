// fftconv_fused.v - one lane of the packed mode's fused pass (three pipeline stages): split, kernel
// multiply and merge of the bin pair (f, m = Mh - f) of an Mh-point spectrum Zs of packed real
// pairs (rtl/fftconv/README.md, "Real-input packing"). a = Zs[f], b = Zs[m], W_M^f = c - j s,
// W_M^m = c2 - j s2 (from the table; M = 2 Mh), kernel words kf = K[f], km = K[m]:
//   X[f] = round((A 2^17 + (-s - j c) B) / 2^19),  A = a + conj b, B = a - conj b
//   Y[f] = X[f] K[f]  (KEXP, rounded by 16 - KEXP)
//   V[f] = round((S 2^17 + (-s + j c) D) / 2^17),   S = Y[f] + conj Y[m], D = Y[f] - conj Y[m]
// and the same for m with the roles of (a, kf, c, s) and (b, km, c2, s2) swapped. A bin paired
// with itself (f = m = Mh/2) gets a = b, kf = km and uses only V[f] and nsat_f.
// The bin-0 unit (z0 = Zs[0], k0 = K[0].re | K[Mh].re << 16) gives V[0] from the two real bins:
//   X0 = round((z0.re + z0.im)/2), XN = round((z0.re - z0.im)/2), Y0 = X0 K[0], YN = XN K[Mh],
//   V[0] = (Y0 + YN, round(131071 (Y0 - YN) / 2^17))   (W_M^0 = 131071 - j 0 from the table)
// Pipeline (README, "Pipeline"): stage 1 (the inputs: memory read data) splits, stage 2
// multiplies by the kernel, stage 3 merges; registers sit between the stages and the outputs
// are valid in stage 3 (two cycles after the inputs). kexp is constant during a run.
`default_nettype none

module fftconv_fused (
    input  wire               clk,
    input  wire signed [23:0] a_re, a_im, b_re, b_im,
    input  wire signed [17:0] c, s, c2, s2,
    input  wire        [31:0] kf, km,
    input  wire        [4:0]  kexp,
    input  wire signed [23:0] z0_re, z0_im,
    input  wire        [31:0] k0,
    output reg  signed [23:0] vf_re, vf_im, vm_re, vm_im, v0_re, v0_im,
    output reg         [2:0]  nsat_f, nsat_m,
    output reg         [2:0]  nsat_0
);
`include "fftconv_round.vh"

    // split of (p, q) with twiddle (tc, ts): {sat_re, re, sat_im, im}
    function automatic [49:0] split(input signed [63:0] pr, pi, qr, qi, tc, ts);
        reg signed [63:0] ar, ai, br, bi;
        reg [24:0] xr, xi;
        begin
            ar = pr + qr; ai = pi - qi; br = pr - qr; bi = pi + qi;
            xr = rs24(ar * 131072 + tc * bi - ts * br, 6'd19);
            xi = rs24(ai * 131072 - tc * br - ts * bi, 6'd19);
            split = {xr, xi};
        end
    endfunction

    function automatic [49:0] mulk(input signed [63:0] xr, xi, input [31:0] kw, input [5:0] sh);
        reg signed [63:0] kr, ki;
        begin
            kr = 64'($signed(kw[15:0])); ki = 64'($signed(kw[31:16]));
            mulk = {rs24(2 * (xr * kr - xi * ki), sh), rs24(2 * (xr * ki + xi * kr), sh)};
        end
    endfunction

    function automatic [49:0] merge(input signed [63:0] pr, pi, qr, qi, tc, ts);
        reg signed [63:0] sr, si, dr, di;
        begin
            sr = pr + qr; si = pi - qi; dr = pr - qr; di = pi + qi;
            merge = {rs24(sr * 131072 - ts * dr - tc * di, 6'd17),
                     rs24(si * 131072 + tc * dr - ts * di, 6'd17)};
        end
    endfunction

    function automatic [1:0] nsat2(input sat_re, input sat_im);
        nsat2 = {1'b0, sat_re} + {1'b0, sat_im};
    endfunction

    reg [49:0] xf, xm, yf, ym, wf, wm;
    reg [24:0] x0, xn, y0, yn, w0r, w0i;
    reg [5:0]  ksh;
    reg signed [63:0] y0v, ynv;

    // ---- stage 1: split (and bin 0's halves)
    always @(*) begin
        xf = split(64'(a_re), 64'(a_im), 64'(b_re), 64'(b_im), 64'(c), 64'(s));
        xm = split(64'(b_re), 64'(b_im), 64'(a_re), 64'(a_im), 64'(c2), 64'(s2));
        x0 = rs24(64'(z0_re) + 64'(z0_im), 6'd1);
        xn = rs24(64'(z0_re) - 64'(z0_im), 6'd1);
    end
    reg [49:0] q_xf, q_xm;
    reg [24:0] q_x0, q_xn;
    reg [31:0] q_kf, q_km, q_k0;
    reg signed [17:0] q_c, q_s, q_c2, q_s2, r_c, r_s, r_c2, r_s2;
    always @(posedge clk) begin
        q_xf <= xf; q_xm <= xm; q_x0 <= x0; q_xn <= xn;
        q_kf <= kf; q_km <= km; q_k0 <= k0;
        q_c <= c; q_s <= s; q_c2 <= c2; q_s2 <= s2;
    end

    // ---- stage 2: kernel multiply
    always @(*) begin
        ksh = 6'd16 - {1'b0, kexp};
        yf = mulk(64'($signed(q_xf[48:25])), 64'($signed(q_xf[23:0])), q_kf, ksh);
        ym = mulk(64'($signed(q_xm[48:25])), 64'($signed(q_xm[23:0])), q_km, ksh);
        y0 = rs24(2 * 64'($signed(q_x0[23:0])) * 64'($signed(q_k0[15:0])), ksh);
        yn = rs24(2 * 64'($signed(q_xn[23:0])) * 64'($signed(q_k0[31:16])), ksh);
    end
    reg [47:0] r_yf, r_ym;        // the values; their saturation flags go to r_nf, r_nm, r_n0
    reg [23:0] r_y0, r_yn;
    reg [2:0] r_nf, r_nm, r_n0;
    always @(posedge clk) begin
        r_yf <= {yf[48:25], yf[23:0]}; r_ym <= {ym[48:25], ym[23:0]}; r_y0 <= y0[23:0]; r_yn <= yn[23:0];
        r_c <= q_c; r_s <= q_s; r_c2 <= q_c2; r_s2 <= q_s2;
        r_nf <= {1'b0, nsat2(q_xf[49], q_xf[24])} + {1'b0, nsat2(yf[49], yf[24])};
        r_nm <= {1'b0, nsat2(q_xm[49], q_xm[24])} + {1'b0, nsat2(ym[49], ym[24])};
        r_n0 <= {2'd0, q_x0[24]} + {2'd0, q_xn[24]} + {2'd0, y0[24]} + {2'd0, yn[24]};
    end

    // ---- stage 3: merge
    always @(*) begin
        wf = merge(64'($signed(r_yf[47:24])), 64'($signed(r_yf[23:0])),
                   64'($signed(r_ym[47:24])), 64'($signed(r_ym[23:0])), 64'(r_c), 64'(r_s));
        wm = merge(64'($signed(r_ym[47:24])), 64'($signed(r_ym[23:0])),
                   64'($signed(r_yf[47:24])), 64'($signed(r_yf[23:0])), 64'(r_c2), 64'(r_s2));
        vf_re = wf[48:25]; vf_im = wf[23:0];
        vm_re = wm[48:25]; vm_im = wm[23:0];
        nsat_f = r_nf + {1'b0, nsat2(wf[49], wf[24])};
        nsat_m = r_nm + {1'b0, nsat2(wm[49], wm[24])};
        y0v = 64'($signed(r_y0));
        ynv = 64'($signed(r_yn));
        w0r = rs24((y0v + ynv) * 131072, 6'd17);
        w0i = rs24(131071 * (y0v - ynv), 6'd17);
        v0_re = w0r[23:0]; v0_im = w0i[23:0];
        nsat_0 = r_n0 + {2'd0, w0r[24]} + {2'd0, w0i[24]};
    end
endmodule

`default_nettype wire
