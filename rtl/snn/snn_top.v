// snn_top.v - an event-driven, time-multiplexed core of current-based LIF neurons with
// per-synapse delays, sparse synapse lists, AER input/output FIFOs, on-chip chaining of layers
// (neuron spikes are events like input axons) and astrocyte modulation of thresholds.
//
// The arithmetic, the memory layouts and the order of work in a time step are specified in
// rtl/snn/SPEC.md; the register map is snn_regs.def (docs/snn_regs.md). A time step runs
//   A  input events of this step: each walks its synapse rows (one row of L slots per cycle)
//      and adds weight << WEXP into the ring slot (t + delay) mod DMAX of its target;
//   B  neurons 0..NACTIVE-1, L per cycle (bank = n mod L): read and clear ring slot t, update
//      u, v and the refractory counter, record spikes in a per-lane spike list;
//   C  each spike: an output AER event (if enabled), a count for its astrocyte, and a walk of
//      the neuron's synapse rows into ring slots (t + 1 + delay) mod DMAX;
//   D  astrocytes leak and integrate their spike counts; t advances.
// Multi-timescale memory neurons (build parameter K): each neuron's K leaky traces integrate its
// input a with their own decays in its phase B cycle, and the soma adds sum floor(c_k m_k / 64).
// For waveforms, four probes (registers PROBE0..3) copy u, v and the spike of chosen neurons
// into named signals probe0_u .. probe3_spike as phase B writes them (SPEC.md, "Waveforms").
`default_nettype none

module snn_top #(
    parameter integer N = 256,          // neurons (power of two)
    parameter integer A = 256,          // input axons
    parameter integer L = 1,            // lanes (power of two, N/L >= 2)
    parameter integer DMAX = 32,        // ring slots (power of two): delays 0..DMAX-1
    parameter integer SROWS = 65536,    // synapse rows (power of two)
    parameter integer FD = 512,         // entries of each AER FIFO (power of two)
    parameter integer K = 0             // leaky traces per neuron (0..4): memory neurons
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
    output wire        irq
);
`include "snn_regs.vh"

    localparam integer NR  = N / L;                 // neurons per bank
    localparam integer RIW = $clog2(DMAX * N);      // ring index width
    localparam integer SIW = $clog2(SROWS * L);     // synapse slot index width
    localparam integer NW  = $clog2(N);
    localparam integer PW  = $clog2(A + N);         // source index width
    localparam integer LW  = (L > 1) ? $clog2(L) : 1;
    localparam integer FW  = $clog2(FD);
    localparam integer KM  = (K > 0) ? K : 1;         // trace memory rows per neuron (1 unused if K = 0)
    localparam integer TIW = $clog2(N * KM);          // trace memory index width
    localparam [31:0] N32 = N, A32 = A, L32 = L, D32 = DMAX, S32 = SROWS, F32 = FD, NR32 = NR;
    localparam [31:0] K32 = K, KM32 = KM;

    localparam [3:0] S_IDLE = 4'd0, S_CLEAR = 4'd1, S_AHEAD = 4'd2, S_WALK = 4'd3,
                     S_BDRAIN = 4'd4, S_B = 4'd5, S_CHEAD = 4'd6, S_D = 4'd7;

    // ---- index helpers: exact widths from 32-bit arithmetic (the high bits are zero by
    // construction, so their being unused is intended) ----
    /* verilator lint_off UNUSEDSIGNAL */
    function automatic [RIW-1:0] ring_idx(input [31:0] lane, input [31:0] slot, input [31:0] row);
        reg [31:0] x;
        begin
            x = (lane * D32 + slot) * NR32 + row;
            ring_idx = x[RIW-1:0];
        end
    endfunction
    function automatic [NW-1:0] nidx(input [31:0] x);
        nidx = x[NW-1:0];
    endfunction
    function automatic [PW-1:0] pidx(input [31:0] x);
        pidx = x[PW-1:0];
    endfunction
    function automatic [SIW-1:0] sidx(input [31:0] x);
        sidx = x[SIW-1:0];
    endfunction
    function automatic [TIW-1:0] tidx(input [31:0] x);
        tidx = x[TIW-1:0];
    endfunction
    function automatic [LW-1:0] lidx(input [31:0] x);
        lidx = x[LW-1:0];
    endfunction
    // Truncating division by 4096 (toward zero): sign(x) * (|x| >> 12).
    function automatic signed [39:0] tdiv4096(input signed [39:0] x);
        reg signed [39:0] m;
        begin
            m = (x < 0) ? -x : x;
            m = m >>> 12;
            tdiv4096 = (x < 0) ? -m : m;
        end
    endfunction
    /* verilator lint_on UNUSEDSIGNAL */

    // ---- bus handshake ----
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
        .rsp_valid(cmd_valid), .rsp_rdata(rsp_rdata), .rsp_err(rsp_err)
    );

    // ---- memories ----
    reg [31:0] np0  [0:N-1];                // du, dv, refractory, astrocyte, enables
    reg [15:0] np1  [0:N-1];                // bias mantissa and exponent
    reg [16:0] nvth [0:N-1];
    reg [23:0] nu   [0:N-1];
    reg [23:0] nv   [0:N-1];
    reg [3:0]  nref [0:N-1];
    reg [20:0] np3  [0:N-1];                // active dendrites: [3:0] pred steps, [20:4] threshold drop
    reg [3:0]  npred [0:N-1];               // predictive steps left
    // memory traces, (neuron, k) at neuron * KM + k; with K = 0 a build keeps one unused row
    /* verilator lint_off UNUSEDSIGNAL */
    /* verilator lint_off UNDRIVEN */
    reg [19:0] ntp  [0:N*KM-1];             // [11:0] decay, [19:12] weight (signed)
    reg [23:0] ntm  [0:N*KM-1];             // trace state
    /* verilator lint_on UNDRIVEN */
    /* verilator lint_on UNUSEDSIGNAL */
    reg [31:0] ptr  [0:A+N-1];              // per source: [15:0] first row, [31:16] rows
    reg [31:0] syn  [0:SROWS*L-1];          // (row, lane) slots
    reg [31:0] ring [0:DMAX*N-1];           // (lane, slot, row): exact sums of weights
    reg        dring [0:DMAX*N-1];          // (lane, slot, row): a dendritic event arrived
    reg [31:0] splist [0:N-1];              // (lane, j): bank row of the j-th spike

    // ---- control and status ----
    reg [3:0]  state;
    reg [31:0] t, steps, steps_left, nactive, clr_idx;
    reg [2:0]  wexp;
    reg        done;
    reg [2:0]  err;
    reg [31:0] in_drops, out_drops, late_drops, sat_count, run_cycles, synops, slots;
    reg [23:0] astro_cfg [0:3];
    reg [15:0] astro_c   [0:3];
    reg [15:0] scount    [0:3];
    // walker
    reg [31:0] w_row, w_left;
    reg [31:0] w_base;
    reg        w_ret_c;
    // stage 2 of the walker (one row of L slots)
    reg        s2_v;
    reg [31:0] s2_base;
    reg [31:0] s2_syn [0:L-1];
    // phases B and C
    reg [31:0] brow;
    reg [31:0] cnt [0:L-1];
    reg [31:0] ck, cj;
    // probes (registers PROBE*): u, v and spike of four selected neurons as the step
    // sequencer writes them in phase B, for waveforms (probe0_u ...) and for the bus
    reg [15:0] psel [0:3];
    reg [23:0] pu [0:3];
    reg [23:0] pv [0:3];
    reg [3:0]  pspk;

    wire busy = state != S_IDLE;
    wire [31:0] nact  = (nactive > N32) ? N32 : nactive;
    wire [31:0] nrows = (nact + L32 - 1) / L32;
    wire [31:0] tslot = t % D32;

    // ---- FIFOs ----
    reg         in_push, in_pop, out_push, fifo_clr;
    reg  [31:0] out_din;
    wire        in_full, in_empty, out_full, out_empty;
    wire [31:0] in_dout, out_dout;
    wire [FW:0] in_fifo_level, out_fifo_level;  // entries waiting in the input / output AER FIFO
    wire        out_pop = cmd_valid && !cmd_we && cmd_addr == SNN_OUT_FIFO && !out_empty;

    nc_fifo #(.W(32), .DEPTH(FD)) u_in (
        .clk(clk), .rst_n(rst_n), .clr(fifo_clr), .push(in_push), .din(cmd_wdata),
        .full(in_full), .pop(in_pop), .dout(in_dout), .empty(in_empty), .level(in_fifo_level));
    nc_fifo #(.W(32), .DEPTH(FD)) u_out (
        .clk(clk), .rst_n(rst_n), .clr(fifo_clr), .push(out_push), .din(out_din),
        .full(out_full), .pop(out_pop), .dout(out_dout), .empty(out_empty), .level(out_fifo_level));

    // ---- probes as named signals (waveforms only: the bus reads the arrays) ----
    /* verilator lint_off UNUSEDSIGNAL */
    wire [15:0] probe0_neuron = psel[0], probe1_neuron = psel[1], probe2_neuron = psel[2], probe3_neuron = psel[3];
    wire signed [23:0] probe0_u = pu[0], probe1_u = pu[1], probe2_u = pu[2], probe3_u = pu[3];
    wire signed [23:0] probe0_v = pv[0], probe1_v = pv[1], probe2_v = pv[2], probe3_v = pv[3];
    wire probe0_spike = pspk[0], probe1_spike = pspk[1], probe2_spike = pspk[2], probe3_spike = pspk[3];
    /* verilator lint_on UNUSEDSIGNAL */

    // ---- phase B datapath: one neuron per lane ----
    wire [23:0] b_u [0:L-1];
    wire [23:0] b_v [0:L-1];
    wire [3:0]  b_r [0:L-1];
    wire [3:0]  b_p [0:L-1];
    wire        b_spk [0:L-1];
    wire        b_act [0:L-1];
    wire        b_sat [0:L-1];
    wire [31:0] b_n [0:L-1];
    wire [RIW-1:0] b_ri [0:L-1];
    wire [23:0] b_m [0:L*KM-1];             // the new trace values of lane k at k * KM + trace

    genvar gk, gt;
    // Words are sliced into fields; the fields a phase does not need are intentionally unused.
    /* verilator lint_off UNUSEDSIGNAL */
    generate
        for (gk = 0; gk < L; gk = gk + 1) begin : lane
            wire [31:0] n = brow * L32 + gk;
            wire [NW-1:0] ni = nidx(n);
            wire [31:0] p0 = np0[ni];
            wire [15:0] p1 = np1[ni];
            wire [11:0] du = p0[11:0];
            wire [11:0] dv = p0[23:12];
            wire [3:0]  refr = p0[27:24];
            wire [1:0]  aid = p0[29:28];
            wire        aen = p0[30];
            wire [RIW-1:0] ri = ring_idx(gk, tslot, brow);
            wire signed [31:0] acc = ring[ri];
            // active dendrites: a dendritic event (re)starts the predictive window; while
            // predictive the threshold is vth - drop (at least 0)
            wire [20:0] p3 = np3[ni];
            wire [3:0]  p_now = dring[ri] ? p3[3:0] : npred[ni];
            wire        pr = p_now != 4'd0;
            wire [16:0] vth_eff = !pr ? nvth[ni] : (nvth[ni] > p3[20:4]) ? nvth[ni] - p3[20:4] : 17'd0;
            wire        sat_hi = acc > 32'sd32767;
            wire        sat_lo = acc < -32'sd32768;
            wire signed [15:0] ain = sat_hi ? 16'sh7fff : sat_lo ? 16'sh8000 : acc[15:0];
            // u: decay by (4095 - du)/4096 truncated toward zero, add a_in << 6, wrap to 24 bits
            wire signed [39:0] u40 = {{16{nu[ni][23]}}, nu[ni]};
            wire signed [39:0] fu  = {28'd0, ~du};
            wire signed [39:0] ain40 = {{24{ain[15]}}, ain};
            wire signed [39:0] up = tdiv4096(u40 * fu) + (ain40 <<< 6);
            wire [23:0] u_new = up[23:0];
            wire signed [39:0] un40 = {{16{u_new[23]}}, u_new};
            // v: decay by (4096 - dv)/4096 truncated toward zero, add u and bias, clip
            wire signed [39:0] v40 = {{16{nv[ni][23]}}, nv[ni]};
            wire [12:0] fv13 = 13'h1000 - {1'b0, dv};
            wire signed [39:0] fv  = {27'd0, fv13};
            wire signed [39:0] bm  = {{27{p1[12]}}, p1[12:0]};
            wire signed [39:0] bias = bm <<< p1[15:13];
            // memory traces: m' = clip(trunc(m (4096 - d)) + a << 6), term floor(c m' / 64)
            wire signed [39:0] tterm [0:3];     // K <= 4
            for (gt = 0; gt < K; gt = gt + 1) begin : tr
                wire [TIW-1:0] ti = tidx({20'd0, ni} * K32 + gt);
                wire [19:0] tp = ntp[ti];
                // multipliers of their natural widths: 24 x 14 and 8 x 24 bits (signed)
                wire signed [23:0] mo = ntm[ti];
                wire [12:0] fd13 = 13'h1000 - {1'b0, tp[11:0]};
                wire signed [13:0] fds = {1'b0, fd13};
                wire signed [37:0] mp = mo * fds;
                wire signed [39:0] mx = tdiv4096({{2{mp[37]}}, mp}) + (ain40 <<< 6);
                wire signed [39:0] mc = (mx > 40'sd8388607) ? 40'sd8388607 :
                                        (mx < -40'sd8388607) ? -40'sd8388607 : mx;
                wire signed [23:0] m24 = mc[23:0];
                wire signed [7:0]  cw = tp[19:12];
                wire signed [31:0] prod = cw * m24;
                assign tterm[gt] = $signed({{8{prod[31]}}, prod}) >>> 6;
                assign b_m[gk * KM + gt] = m24;
            end
            for (gt = K; gt < 4; gt = gt + 1) begin : notr
                assign tterm[gt] = 40'sd0;
            end
            if (K == 0) begin : nom
                assign b_m[gk] = 24'd0;
            end
            wire signed [39:0] tsum = tterm[0] + tterm[1] + tterm[2] + tterm[3];
            wire signed [39:0] v1 = tdiv4096(v40 * fv) + un40 + bias + tsum;
            wire signed [39:0] vmax = 40'sd8388607;
            wire signed [39:0] vc = (v1 > vmax) ? vmax : (v1 < -vmax) ? -vmax : v1;
            // threshold: (vth << 6) plus the astrocyte term (gain * c) >>> 4
            wire [15:0] ac = astro_c[aid];
            wire [7:0]  ag = astro_cfg[aid][23:16];
            wire signed [39:0] ag40 = {{32{ag[7]}}, ag};
            wire signed [39:0] ac40 = {24'd0, ac};
            wire signed [39:0] m = aen ? ((ag40 * ac40) >>> 4) : 40'sd0;
            wire signed [39:0] thr = {17'd0, vth_eff, 6'd0} + m;
            wire in_ref = nref[ni] != 4'd0;
            wire spk = !in_ref && (vc > thr);
            assign b_act[gk] = n < nact;
            assign b_u[gk] = u_new;
            assign b_v[gk] = (in_ref || spk) ? 24'd0 : vc[23:0];
            assign b_r[gk] = in_ref ? nref[ni] - 4'd1 : spk ? refr : 4'd0;
            assign b_p[gk] = pr ? p_now - 4'd1 : 4'd0;
            assign b_spk[gk] = spk;
            assign b_sat[gk] = sat_hi || sat_lo;
            assign b_n[gk] = n;
            assign b_ri[gk] = ri;
        end
    endgenerate

    // ---- walker stage 2: one ring add per valid slot ----
    wire [RIW-1:0] s2_ri [0:L-1];
    wire [31:0]    s2_w  [0:L-1];
    wire           s2_ok [0:L-1];
    wire           s2_dend [0:L-1];
    generate
        for (gk = 0; gk < L; gk = gk + 1) begin : slot
            wire [31:0] sw = s2_syn[gk];
            wire [31:0] tgt = {16'd0, sw[15:0]};
            wire [31:0] d = {26'd0, sw[29:24]};
            wire [31:0] w8 = {{24{sw[23]}}, sw[23:16]};
            assign s2_ri[gk] = ring_idx(gk, (s2_base + d) % D32, tgt / L32);
            assign s2_w[gk] = w8 << wexp;
            assign s2_ok[gk] = s2_v && sw[31];
            assign s2_dend[gk] = sw[30];
        end
    endgenerate
    /* verilator lint_on UNUSEDSIGNAL */
    reg [31:0] s2_count, b_satn;
    integer k;
    always @(*) begin
        s2_count = 32'd0;
        b_satn = 32'd0;
        for (k = 0; k < L; k = k + 1) begin
            s2_count = s2_count + {31'd0, s2_ok[k]};
            b_satn = b_satn + {31'd0, b_act[k] && b_sat[k]};
        end
    end

    // ---- bus decode (combinational, answered in the command cycle) ----
    wire in_regs = cmd_addr < 24'h000100;
    wire in_neur = cmd_addr >= SNN_WIN_NEURON_BASE && cmd_addr < SNN_WIN_NEURON_BASE + SNN_WIN_NEURON_BYTES;
    wire in_ptr  = cmd_addr >= SNN_WIN_PTR_BASE && cmd_addr < SNN_WIN_PTR_BASE + SNN_WIN_PTR_BYTES;
    wire in_syn  = cmd_addr >= SNN_WIN_SYN_BASE && cmd_addr < SNN_WIN_SYN_BASE + SNN_WIN_SYN_BYTES;
    wire in_trw  = cmd_addr >= SNN_WIN_TRACE_BASE && cmd_addr < SNN_WIN_TRACE_BASE + SNN_WIN_TRACE_BYTES;
    // offsets into the windows (a window need not be aligned to its size: NEURON is not);
    // the bits above a window's size are outside it (in_neur ... decide), so unused here
    /* verilator lint_off UNUSEDSIGNAL */
    wire [23:0] o_n = cmd_addr - SNN_WIN_NEURON_BASE;
    wire [23:0] o_p = cmd_addr - SNN_WIN_PTR_BASE;
    wire [23:0] o_s = cmd_addr - SNN_WIN_SYN_BASE;
    wire [23:0] o_t = cmd_addr - SNN_WIN_TRACE_BASE;
    wire [31:0] a_tn = {20'd0, o_t[16:5]};
    wire [2:0]  a_tw = o_t[4:2];
    wire [31:0] a_tk = {30'd0, a_tw[1:0]};
    wire [31:0] a_n = {20'd0, o_n[16:5]};
    wire [2:0]  a_w = o_n[4:2];
    wire [31:0] a_p = {19'd0, o_p[14:2]};
    wire [31:0] a_s = {12'd0, o_s[21:2]};
    /* verilator lint_on UNUSEDSIGNAL */
    wire [NW-1:0]  a_ni = nidx(a_n);
    wire [PW-1:0]  a_pi = pidx(a_p);
    wire [SIW-1:0] a_si = sidx(a_s);
    wire [TIW-1:0] a_ti = tidx(a_tn * KM32 + a_tk);
    wire a_tk_ok;                                   // the trace word names a trace k < K
    generate
        if (K == 0) begin : tk0
            assign a_tk_ok = 1'b0;
        end else begin : tkk
            assign a_tk_ok = a_tk < K32;
        end
    endgenerate
    wire [31:0] wd = cmd_wdata;
    wire ptr_ok = {16'd0, wd[15:0]} + {16'd0, wd[31:16]} <= S32;
    wire syn_ok = !wd[31] || ({26'd0, wd[29:24]} < D32 && {16'd0, wd[15:0]} < N32 &&
                               {16'd0, wd[15:0]} % L32 == a_s % L32);
    wire [1:0] a_ai = cmd_addr[3:2];

    always @(*) begin
        rsp_rdata = 32'd0;
        rsp_err   = 1'b0;
        if (cmd_addr[1:0] != 2'b00) begin
            rsp_err = 1'b1;
        end else if (in_neur) begin
            if (a_n >= N32 || (cmd_we && busy)) rsp_err = 1'b1;
            else case (a_w)
                3'd0: rsp_rdata = np0[a_ni];
                3'd1: rsp_rdata = {16'd0, np1[a_ni]};
                3'd2: rsp_rdata = {15'd0, nvth[a_ni]};
                3'd3: rsp_rdata = {11'd0, np3[a_ni]};
                3'd4: rsp_rdata = {{8{nu[a_ni][23]}}, nu[a_ni]};
                3'd5: rsp_rdata = {{8{nv[a_ni][23]}}, nv[a_ni]};
                3'd6: rsp_rdata = {28'd0, nref[a_ni]};
                3'd7: rsp_rdata = {28'd0, npred[a_ni]};
                default: rsp_rdata = 32'd0;
            endcase
        end else if (in_trw) begin
            if (a_tn >= N32 || !a_tk_ok || (cmd_we && (busy || a_tw[2]))) rsp_err = 1'b1;
            else if (a_tw[2]) rsp_rdata = {{8{ntm[a_ti][23]}}, ntm[a_ti]};
            else rsp_rdata = {12'd0, ntp[a_ti]};
        end else if (in_ptr) begin
            if (a_p >= A32 + N32 || (cmd_we && (busy || !ptr_ok))) rsp_err = 1'b1;
            else rsp_rdata = ptr[a_pi];
        end else if (in_syn) begin
            if (a_s >= S32 * L32 || (cmd_we && (busy || !syn_ok))) rsp_err = 1'b1;
            else rsp_rdata = syn[a_si];
        end else if (in_regs) begin
            case (cmd_addr)
                SNN_ID:         begin rsp_rdata = SNN_ID_RESET; rsp_err = cmd_we; end
                SNN_NMAX:       begin rsp_rdata = N32; rsp_err = cmd_we; end
                SNN_AMAX:       begin rsp_rdata = A32; rsp_err = cmd_we; end
                SNN_LANES:      begin rsp_rdata = L32; rsp_err = cmd_we; end
                SNN_DMAX:       begin rsp_rdata = D32; rsp_err = cmd_we; end
                SNN_SROWS:      begin rsp_rdata = S32; rsp_err = cmd_we; end
                SNN_FIFO_DEPTH: begin rsp_rdata = F32; rsp_err = cmd_we; end
                SNN_CTRL:       rsp_err = !cmd_we || busy;
                SNN_STEPS:      begin rsp_rdata = steps; rsp_err = cmd_we && busy; end
                SNN_NACTIVE:    begin rsp_rdata = nactive; rsp_err = cmd_we && (busy || wd > N32); end
                SNN_WEXP:       begin rsp_rdata = {29'd0, wexp}; rsp_err = cmd_we && (busy || wd > 32'd7); end
                SNN_STATUS:     begin rsp_rdata = {28'd0, out_empty, in_empty, done, busy}; rsp_err = cmd_we; end
                SNN_ERR:        rsp_rdata = {29'd0, err};
                SNN_IN_DROPS:   begin rsp_rdata = in_drops; rsp_err = cmd_we; end
                SNN_OUT_DROPS:  begin rsp_rdata = out_drops; rsp_err = cmd_we; end
                SNN_LATE_DROPS: begin rsp_rdata = late_drops; rsp_err = cmd_we; end
                SNN_SAT_COUNT:  begin rsp_rdata = sat_count; rsp_err = cmd_we; end
                SNN_TSTEP:      begin rsp_rdata = t; rsp_err = cmd_we; end
                SNN_RUN_CYCLES: begin rsp_rdata = run_cycles; rsp_err = cmd_we; end
                SNN_SYNOPS:     begin rsp_rdata = synops; rsp_err = cmd_we; end
                SNN_SLOTS:      begin rsp_rdata = slots; rsp_err = cmd_we; end
                SNN_IN_FIFO:    rsp_err = !cmd_we || {16'd0, wd[15:0]} >= A32;
                SNN_IN_LEVEL:   begin rsp_rdata = {{(31 - FW){1'b0}}, in_fifo_level}; rsp_err = cmd_we; end
                SNN_OUT_FIFO:   begin rsp_rdata = out_dout; rsp_err = cmd_we || out_empty; end
                SNN_OUT_LEVEL:  begin rsp_rdata = {{(31 - FW){1'b0}}, out_fifo_level}; rsp_err = cmd_we; end
                SNN_ASTRO_CFG0, SNN_ASTRO_CFG1, SNN_ASTRO_CFG2, SNN_ASTRO_CFG3:
                    begin rsp_rdata = {8'd0, astro_cfg[a_ai]}; rsp_err = cmd_we && busy; end
                SNN_ASTRO0, SNN_ASTRO1, SNN_ASTRO2, SNN_ASTRO3:
                    begin rsp_rdata = {16'd0, astro_c[a_ai]}; rsp_err = cmd_we; end
                SNN_PROBE0, SNN_PROBE1, SNN_PROBE2, SNN_PROBE3:
                    begin rsp_rdata = {16'd0, psel[a_ai]}; rsp_err = cmd_we && wd >= N32; end
                SNN_PROBE_U0, SNN_PROBE_U1, SNN_PROBE_U2, SNN_PROBE_U3:
                    begin rsp_rdata = {{8{pu[a_ai][23]}}, pu[a_ai]}; rsp_err = cmd_we; end
                SNN_PROBE_V0, SNN_PROBE_V1, SNN_PROBE_V2, SNN_PROBE_V3:
                    begin rsp_rdata = {{8{pv[a_ai][23]}}, pv[a_ai]}; rsp_err = cmd_we; end
                SNN_PROBE_SPIKE: begin rsp_rdata = {28'd0, pspk}; rsp_err = cmd_we; end
                SNN_TRACES:     begin rsp_rdata = K32; rsp_err = cmd_we; end
                default:        rsp_err = 1'b1;
            endcase
        end else begin
            rsp_err = 1'b1;
        end
    end

    wire wr = cmd_valid && cmd_we && !rsp_err;

    // ---- phase C: the spike at (ck, cj) ----
    /* verilator lint_off UNUSEDSIGNAL */
    wire [LW-1:0] c_l = lidx(ck);
    wire [31:0] c_row = splist[nidx(ck * (NR32) + cj)];
    wire [31:0] c_n = c_row * L32 + ck;
    wire [31:0] c_p0 = np0[nidx(c_n)];
    wire [31:0] c_ptr = ptr[pidx(A32 + c_n)];
    // ---- phase A: the input FIFO head ----
    wire [15:0] a_dt = in_dout[31:16] - t[15:0];
    wire [31:0] a_ptr = ptr[pidx({16'd0, in_dout[15:0]})];
    /* verilator lint_on UNUSEDSIGNAL */

    // ---- phase D: astrocytes leak and integrate this step's spike counts ----
    reg [15:0] astro_next [0:3];
    reg [31:0] ac32;
    integer ai;
    always @(*) begin
        for (ai = 0; ai < 4; ai = ai + 1) begin
            ac32 = {16'd0, astro_c[ai]} - ({16'd0, astro_c[ai]} >> astro_cfg[ai][3:0])
                 + {16'd0, astro_cfg[ai][15:8]} * {16'd0, scount[ai]};
            astro_next[ai] = (ac32 > 32'd65535) ? 16'hffff : ac32[15:0];
        end
    end

    // FIFO strobes
    always @(*) begin
        in_push  = cmd_valid && cmd_we && cmd_addr == SNN_IN_FIFO && !rsp_err;
        in_pop   = state == S_AHEAD && !in_empty && (a_dt == 16'd0 || a_dt[15]);
        out_push = state == S_CHEAD && ck < L32 && cj < cnt[c_l] && c_p0[31];
        out_din  = {t[15:0], c_n[15:0]};
        fifo_clr = wr && cmd_addr == SNN_CTRL && cmd_wdata[1];
    end

    integer j, pk, tk;
    always @(posedge clk) begin
        if (!rst_n) begin
            state <= S_IDLE;
            t <= 32'd0; steps <= 32'd0; steps_left <= 32'd0; nactive <= N32; clr_idx <= 32'd0;
            wexp <= 3'd0; done <= 1'b0; err <= 3'd0;
            in_drops <= 32'd0; out_drops <= 32'd0; late_drops <= 32'd0; sat_count <= 32'd0;
            run_cycles <= 32'd0; synops <= 32'd0; slots <= 32'd0;
            s2_v <= 1'b0; s2_base <= 32'd0;
            w_row <= 32'd0; w_left <= 32'd0; w_base <= 32'd0; w_ret_c <= 1'b0;
            brow <= 32'd0; ck <= 32'd0; cj <= 32'd0;
            for (j = 0; j < 4; j = j + 1) begin
                astro_cfg[j] <= 24'd0; astro_c[j] <= 16'd0; scount[j] <= 16'd0;
                psel[j] <= j[15:0]; pu[j] <= 24'd0; pv[j] <= 24'd0;
            end
            pspk <= 4'd0;
            for (j = 0; j < L; j = j + 1) begin
                cnt[j] <= 32'd0; s2_syn[j] <= 32'd0;
            end
        end else begin
            // -- bus writes --
            if (wr && in_neur) begin
                case (a_w)
                    3'd0: np0[a_ni] <= wd;
                    3'd1: np1[a_ni] <= wd[15:0];
                    3'd2: nvth[a_ni] <= wd[16:0];
                    3'd3: np3[a_ni] <= wd[20:0];
                    3'd4: nu[a_ni] <= wd[23:0];
                    3'd5: nv[a_ni] <= wd[23:0];
                    3'd6: nref[a_ni] <= wd[3:0];
                    default: ;
                endcase
            end
            if (wr && in_ptr) ptr[a_pi] <= wd;
            if (wr && in_trw) ntp[a_ti] <= wd[19:0];
            if (wr && in_syn) syn[a_si] <= wd;
            if (wr && in_regs) begin
                case (cmd_addr)
                    SNN_STEPS:   steps <= wd;
                    SNN_NACTIVE: nactive <= wd;
                    SNN_WEXP:    wexp <= wd[2:0];
                    SNN_ERR:     err <= err & ~wd[2:0];
                    SNN_ASTRO_CFG0, SNN_ASTRO_CFG1, SNN_ASTRO_CFG2, SNN_ASTRO_CFG3:
                        astro_cfg[a_ai] <= wd[23:0];
                    SNN_PROBE0, SNN_PROBE1, SNN_PROBE2, SNN_PROBE3:
                        psel[a_ai] <= wd[15:0];
                    default: ;
                endcase
            end
            if (in_push && in_full) begin
                in_drops <= in_drops + 32'd1;
                err[0] <= 1'b1;
            end
            if (out_push && out_full) begin
                out_drops <= out_drops + 32'd1;
                err[1] <= 1'b1;
            end

            // -- walker stage 2 --
            for (j = 0; j < L; j = j + 1)
                if (s2_ok[j]) begin
                    if (s2_dend[j]) dring[s2_ri[j]] <= 1'b1;
                    else ring[s2_ri[j]] <= ring[s2_ri[j]] + s2_w[j];
                end
            if (s2_v) begin
                synops <= synops + s2_count;
                slots <= slots + L32;
            end
            s2_v <= 1'b0;
            if (state != S_IDLE && state != S_CLEAR) run_cycles <= run_cycles + 32'd1;

            // -- the step sequencer --
            case (state)
                S_IDLE: begin
                    if (wr && cmd_addr == SNN_CTRL && wd[1]) begin
                        state <= S_CLEAR;
                        clr_idx <= 32'd0;
                        t <= 32'd0; done <= 1'b0; err <= 3'd0;
                        in_drops <= 32'd0; out_drops <= 32'd0; late_drops <= 32'd0;
                        sat_count <= 32'd0; run_cycles <= 32'd0; synops <= 32'd0; slots <= 32'd0;
                        for (j = 0; j < 4; j = j + 1) begin
                            astro_c[j] <= 16'd0; scount[j] <= 16'd0; pu[j] <= 24'd0; pv[j] <= 24'd0;
                        end
                        pspk <= 4'd0;
                    end else if (wr && cmd_addr == SNN_CTRL && wd[0]) begin
                        done <= steps == 32'd0;
                        steps_left <= steps;
                        if (steps != 32'd0) state <= S_AHEAD;
                    end
                end
                S_CLEAR: begin
                    for (j = 0; j < L; j = j + 1) begin
                        ring[ring_idx(j, 32'd0, 32'd0) + clr_idx[RIW-1:0]] <= 32'd0;
                        dring[ring_idx(j, 32'd0, 32'd0) + clr_idx[RIW-1:0]] <= 1'b0;
                        if (clr_idx < NR32) begin
                            nu[nidx(clr_idx * L32 + j)] <= 24'd0;
                            nv[nidx(clr_idx * L32 + j)] <= 24'd0;
                            nref[nidx(clr_idx * L32 + j)] <= 4'd0;
                            npred[nidx(clr_idx * L32 + j)] <= 4'd0;
                            for (tk = 0; tk < KM; tk = tk + 1)
                                ntm[tidx((clr_idx * L32 + j) * KM32 + tk)] <= 24'd0;
                        end
                    end
                    clr_idx <= clr_idx + 32'd1;
                    if (clr_idx == D32 * (NR32) - 32'd1) state <= S_IDLE;
                end
                S_AHEAD: begin
                    if (in_empty || !(a_dt == 16'd0 || a_dt[15])) begin
                        state <= S_BDRAIN;
                    end else if (a_dt[15]) begin
                        late_drops <= late_drops + 32'd1;
                        err[2] <= 1'b1;
                    end else if (a_ptr[31:16] != 16'd0) begin
                        w_row <= {16'd0, a_ptr[15:0]};
                        w_left <= {16'd0, a_ptr[31:16]};
                        w_base <= tslot;
                        w_ret_c <= 1'b0;
                        state <= S_WALK;
                    end
                end
                S_WALK: begin
                    for (j = 0; j < L; j = j + 1) s2_syn[j] <= syn[sidx(w_row * L32 + j)];
                    s2_base <= w_base;
                    s2_v <= 1'b1;
                    w_row <= w_row + 32'd1;
                    w_left <= w_left - 32'd1;
                    if (w_left == 32'd1) state <= w_ret_c ? S_CHEAD : S_AHEAD;
                end
                S_BDRAIN: begin
                    for (j = 0; j < L; j = j + 1) cnt[j] <= 32'd0;
                    brow <= 32'd0;
                    ck <= 32'd0;
                    cj <= 32'd0;
                    state <= (nrows == 32'd0) ? S_CHEAD : S_B;
                end
                S_B: begin
                    for (j = 0; j < L; j = j + 1) begin
                        if (b_act[j]) begin
                            nu[nidx(b_n[j])] <= b_u[j];
                            nv[nidx(b_n[j])] <= b_v[j];
                            nref[nidx(b_n[j])] <= b_r[j];
                            npred[nidx(b_n[j])] <= b_p[j];
                            for (tk = 0; tk < KM; tk = tk + 1)
                                ntm[tidx(b_n[j] * KM32 + tk)] <= b_m[j * KM + tk];
                            ring[b_ri[j]] <= 32'd0;
                            dring[b_ri[j]] <= 1'b0;
                            if (b_spk[j]) begin
                                splist[nidx(j * (NR32) + cnt[j])] <= brow;
                                cnt[j] <= cnt[j] + 32'd1;
                            end
                            for (pk = 0; pk < 4; pk = pk + 1)
                                if ({16'd0, psel[pk]} == b_n[j]) begin
                                    pu[pk] <= b_u[j];
                                    pv[pk] <= b_v[j];
                                    pspk[pk] <= b_spk[j];
                                end
                        end
                    end
                    sat_count <= sat_count + b_satn;
                    brow <= brow + 32'd1;
                    if (brow == nrows - 32'd1) state <= S_CHEAD;
                end
                S_CHEAD: begin
                    if (ck == L32) begin
                        state <= S_D;
                    end else if (cj == cnt[c_l]) begin
                        ck <= ck + 32'd1;
                        cj <= 32'd0;
                    end else begin
                        cj <= cj + 32'd1;
                        if (c_p0[30]) scount[c_p0[29:28]] <= scount[c_p0[29:28]] + 16'd1;
                        if (c_ptr[31:16] != 16'd0) begin
                            w_row <= {16'd0, c_ptr[15:0]};
                            w_left <= {16'd0, c_ptr[31:16]};
                            w_base <= (t + 32'd1) % D32;
                            w_ret_c <= 1'b1;
                            state <= S_WALK;
                        end
                    end
                end
                S_D: begin
                    for (j = 0; j < 4; j = j + 1) begin
                        astro_c[j] <= astro_next[j];
                        scount[j] <= 16'd0;
                    end
                    t <= t + 32'd1;
                    steps_left <= steps_left - 32'd1;
                    if (steps_left == 32'd1) begin
                        state <= S_IDLE;
                        done <= 1'b1;
                    end else begin
                        state <= S_AHEAD;
                    end
                end
                default: state <= S_IDLE;
            endcase
        end
    end

    assign irq = done || err != 3'd0;
endmodule

`default_nettype wire
