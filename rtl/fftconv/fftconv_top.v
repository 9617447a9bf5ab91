// fftconv_top.v - FFT-convolution accelerator: causal convolution of L samples with a kernel
// whose spectrum the host loads, plus the skip term D*u. Spec: rtl/fftconv/README.md;
// registers: fftconv_regs.def (generated into fftconv_regs.vh).
//
// Structure: bus decode and registers; memories U (input, two copies for two read ports,
// 2P words per row), K (kernel spectrum, 2P words per row), Y (output, 2P words per row), two
// ping-pong work buffers of two banks each (P words per row, bank = row[0] ^ upper-half,
// conflict-free for the DIF, the DIT and the packed mode's (f, Mh-f) access patterns); a
// sequencer issuing one row pair per cycle; P butterfly lanes and, for the packed mode
// (MODE.PACKED), P fused split/multiply/merge lanes and the bin-0 unit.
// Every memory has a synchronous read (registered read data); the lanes are pipelined: a
// butterfly issued in cycle t reads its operands in t+1 and writes at the end of t+3. Stages
// overlap; an issue whose rows are still in flight waits (STALLS; README, "Pipeline").
// Many channels in one job: K keeps KCH kernel spectra (slots), U and Y have NBUF banks
// (README, "Many channels in one job").
`default_nettype none

module fftconv_top #(
    parameter integer P = 2,          // butterflies per cycle: 1, 2 or 4
    parameter integer LOG2LMAX = 16,  // largest L = 2^LOG2LMAX (8..20)
    parameter integer KCH = 1,        // kernel slots: full-length spectra the K memory keeps (1..255)
    parameter integer NBUF = 1        // U and Y banks: 1, or 2 (the host uses one while a run uses the other)
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
`include "fftconv_regs.vh"

    localparam integer LOGP = (P == 4) ? 2 : (P == 2) ? 1 : 0;
    localparam integer RAW = LOG2LMAX - LOGP;        // row address width of every memory
    localparam integer KAW = LOG2LMAX - LOGP;        // K rows: 2^(LOG2LMAX+1) / (2P)
    localparam integer IW = LOG2LMAX;                // butterfly index width (i < M/2 <= LMAX)
    localparam integer LW = LOGP + 1;                // index width of the 2P words of a U/Y row
    localparam integer UAW = LOG2LMAX - LOGP - 1;    // U and Y rows: 2P words each
    localparam integer XW = LOG2LMAX + 2;            // sequencer counts and row numbers (< 2 M)
    localparam integer WLG = LOG2LMAX < 16 ? LOG2LMAX : 16;  // log2 words of the U and Y windows
    localparam integer SW = (KCH > 1) ? $clog2(KCH) : 1;   // kernel slot index width
    localparam integer KMW = KAW + ((KCH > 1) ? SW : 0);    // K memory rows: KCH slots
    localparam integer UMW = UAW + ((NBUF == 2) ? 1 : 0);   // U and Y memory rows: NBUF banks

    // ------------------------------------------------------------------ bus and registers
    wire        cmd_valid, cmd_we;
    wire [23:0] cmd_addr;
    wire [31:0] cmd_wdata;
    reg         rsp_valid_q, rsp_err_q, rsp_y_q;
    reg  [31:0] rsp_reg_q;
    reg  [LW-1:0] rsp_lane_q;
    wire [31:0] rsp_rdata;

    nc_bus_slave #(.AW(24)) u_bus (
        .clk(clk), .rst_n(rst_n),
        .bus_req(bus_req), .bus_we(bus_we), .bus_addr(bus_addr), .bus_wdata(bus_wdata),
        .bus_ack(bus_ack), .bus_rdata(bus_rdata), .bus_err(bus_err),
        .cmd_valid(cmd_valid), .cmd_we(cmd_we), .cmd_addr(cmd_addr), .cmd_wdata(cmd_wdata),
        .rsp_valid(rsp_valid_q), .rsp_rdata(rsp_rdata), .rsp_err(rsp_err_q)
    );

    reg [31:0] r_log2l, r_mode, r_log2lk, r_fbins, r_oshift, r_wpage;
    reg [15:0] r_skip;
    reg [31:0] sat_count, cycles, bus_errors, stalls;
    reg        busy, done, err_size, err_mode, err_access, err_start, err_chan;

    wire [31:0] status = {19'd0, err_chan, err_start, err_access, err_mode, err_size, 6'd0, done, busy};
    wire [31:0] params = {6'd0, 2'(NBUF), 8'(KCH), 8'(LOG2LMAX), 8'(P)};

    // Channels (README, "Many channels in one job"): CHANNEL selects the kernel slot of the next run, KSLOT
    // the slot the K window and KEXP address; each slot keeps its own exponent. BANK selects the
    // U/Y bank of the next run (RUN) and of the host's windows (HOST) in two-bank builds.
    reg [31:0]   r_chan, r_kslot;
    reg [1:0]    r_bank;                  // {HOST, RUN}
    reg [5*(1<<SW)-1:0] kx;               // KEXP of every slot, 5 bits each (above 31 kept as 31;
                                          // flip-flops, not a memory: reset and read anywhere)
    reg [SW-1:0] run_slot;                // slot of the running (or last) run
    reg          run_bank;
    wire [SW-1:0] chan_i = SW'(r_chan), kslot_i = SW'(r_kslot);
    wire         chan_ok = r_chan < KCH, kslot_ok = r_kslot < KCH;
    // the host may touch U/Y while busy only in the bank the run does not use, K and KEXP only
    // in a slot the run does not read
    wire         uy_free = !busy || (NBUF == 2 && r_bank[1] != run_bank);
    wire         k_free = kslot_ok && (!busy || kslot_i != run_slot);

    // Windows: U and K write-only, Y read-only; while busy only the other U/Y bank (two-bank
    // builds) and the other kernel slots are open. A window shows memory words from
    // WPAGE * 65536 on (U, Y: 2^WLG words; K: twice that) of the host's bank (BANK.HOST) or
    // slot (KSLOT); words past the memory of one bank or slot (U, Y: LMAX; K: 2 LMAX) are
    // refused.
    localparam [23:0] U_END = FFTCONV_WIN_U_BASE + (24'd4 << WLG);
    localparam [23:0] K_END = FFTCONV_WIN_K_BASE + (24'd8 << WLG);
    localparam [23:0] Y_END = FFTCONV_WIN_Y_BASE + (24'd4 << WLG);
    wire in_u = cmd_addr >= FFTCONV_WIN_U_BASE && cmd_addr < U_END;
    wire in_k = cmd_addr >= FFTCONV_WIN_K_BASE && cmd_addr < K_END;
    wire in_y = cmd_addr >= FFTCONV_WIN_Y_BASE && cmd_addr < Y_END;
    wire [47:0] widx48 = {r_wpage, 16'd0} + 48'(cmd_addr[WLG+2:2]);
    wire        w_past = in_k ? widx48 >= (48'd2 << LOG2LMAX) : widx48 >= (48'd1 << LOG2LMAX);
    wire [LOG2LMAX:0] widx = widx48[LOG2LMAX:0];      // memory word index of a window access

    reg        dec_err;
    reg [31:0] dec_rdata;
    always @(*) begin
        dec_err = 1'b0;
        dec_rdata = 32'd0;
        if (cmd_addr[1:0] != 2'b00) dec_err = 1'b1;
        else if (in_u) dec_err = !cmd_we || !uy_free || w_past;
        else if (in_k) dec_err = !cmd_we || !k_free || w_past;
        else if (in_y) dec_err = cmd_we || !uy_free || w_past;
        else begin
            case (cmd_addr)
                FFTCONV_ID:         begin dec_rdata = FFTCONV_ID_RESET; dec_err = cmd_we; end
                FFTCONV_PARAMS:     begin dec_rdata = params; dec_err = cmd_we; end
                FFTCONV_CTRL:       dec_err = !cmd_we;
                FFTCONV_STATUS:     dec_rdata = status;
                FFTCONV_LOG2L:      begin dec_rdata = r_log2l; dec_err = cmd_we && busy; end
                FFTCONV_MODE:       begin dec_rdata = r_mode; dec_err = cmd_we && busy; end
                FFTCONV_LOG2LK:     begin dec_rdata = r_log2lk; dec_err = cmd_we && busy; end
                FFTCONV_FREQ_BINS:  begin dec_rdata = r_fbins; dec_err = cmd_we && busy; end
                FFTCONV_SKIP_D:     begin dec_rdata = {{16{r_skip[15]}}, r_skip}; dec_err = cmd_we && busy; end
                FFTCONV_KEXP:       begin dec_rdata = {27'd0, kx[5*kslot_i +: 5]}; dec_err = cmd_we ? !k_free : !kslot_ok; end
                FFTCONV_OSHIFT:     begin dec_rdata = r_oshift; dec_err = cmd_we && busy; end
                FFTCONV_SAT_COUNT:  begin dec_rdata = sat_count; dec_err = cmd_we; end
                FFTCONV_CYCLES:     begin dec_rdata = cycles; dec_err = cmd_we; end
                FFTCONV_BUS_ERRORS: begin dec_rdata = bus_errors; dec_err = cmd_we; end
                FFTCONV_STALLS:     begin dec_rdata = stalls; dec_err = cmd_we; end
                FFTCONV_CHANNEL:    dec_rdata = r_chan;
                FFTCONV_KSLOT:      dec_rdata = r_kslot;
                FFTCONV_BANK:       dec_rdata = {30'd0, r_bank};
                FFTCONV_WPAGE:      dec_rdata = r_wpage;   // host addressing: writable while busy
                default:            dec_err = 1'b1;
            endcase
        end
    end
    wire acc_ok = cmd_valid && !dec_err;
    wire wr_ok  = acc_ok && cmd_we;

    // ------------------------------------------------------------------ configuration check
    wire [31:0] eff_log2lk = r_mode[0] ? r_log2lk : r_log2l;
    wire size_ok = r_log2l >= 32'd8 && r_log2l <= LOG2LMAX;
    wire mode_ok = r_mode[31:3] == 29'd0
                && (!r_mode[0] || (r_log2lk >= 32'd5 && r_log2lk <= r_log2l))
                && (!r_mode[1] || (r_fbins >= 32'd1 && eff_log2lk <= 32'(LOG2LMAX)
                                   && r_fbins <= (32'd1 << eff_log2lk[4:0])))
                && (!chan_ok || kx[5*chan_i +: 5] <= 5'd16) && r_oshift <= 32'd8;
    wire start_cmd = wr_ok && cmd_addr == FFTCONV_CTRL && cmd_wdata[0];
    wire soft_rst  = wr_ok && cmd_addr == FFTCONV_CTRL && cmd_wdata[1];
    wire go = start_cmd && !soft_rst && !busy && size_ok && mode_ok && chan_ok;

    // ------------------------------------------------------------------ run configuration
    reg [4:0]  n;          // log2 of the transform size: M = 2 Lk, packed Mh = Lk
    reg        pk;         // packed mode: n forward stages, the fused pass, n inverse stages
    reg [4:0]  lgk;        // log2 Lk
    reg [16:0] nblk_m1;    // blocks - 1
    reg [XW-1:0] fb;         // F, 0 = dense
    reg signed [15:0] dq;
    reg [4:0]  kexp;
    reg [3:0]  oshift;

    // ------------------------------------------------------------------ sequencer state
    reg [16:0] blk;
    reg [5:0]  g;          // global stage: 0..n-1 forward, n..2n-1 inverse
    reg [XW-1:0] cnt;
    reg        drain;      // the last issue is done: the pipeline drains (3 cycles)
    reg [1:0]  dcnt;

    function automatic [IW-1:0] brev(input [IW-1:0] x);
        integer k;
        begin
            for (k = 0; k < IW; k = k + 1) brev[k] = x[IW-1-k];
        end
    endfunction

    // need(s, i): butterfly i of stage s feeds or reads a kept bin (README, "Pruning").
    function automatic need(input [4:0] s, input [IW-1:0] i, input [XW-1:0] f);
        reg [IW-1:0] r;
        begin
            r = brev(i) >> (5'(IW) - s);
            need = f == XW'(0) || 32'(r) < 32'(f) || 32'(r) + 32'(f) > (32'd1 << s);
        end
    endfunction

    wire        fwd = g < {1'b0, n};
    wire        fused = pk && g == {1'b0, n};
    wire [5:0]  g_last = 6'd2 * {1'b0, n} - 6'd1 + {5'd0, pk};
    wire [4:0]  s_cur = fwd ? g[4:0] : 5'(g_last - g);
    wire [4:0]  lgh = n - 5'd1 - 5'(LOGP);                  // log2 H, H = cycles of a full stage
    wire        sparse = fb != XW'(0) && !fused && s_cur > 5'(LOGP)
                      && (XW'(2) * fb - XW'(1)) < (XW'(1) << (s_cur - 5'(LOGP)));
    wire [4:0]  lgt = n - 5'd1 - s_cur;                      // log2 of cycles per residue
    wire [XW-1:0] live = XW'(2) * fb - XW'(1);
    // fused pass, frequency-sparse: cycle c holds a bin below F iff c < F (bins c + q 2H and
    // their partners 2H - c + q' 2H), so only cycles 0..F-1 are issued
    wire        fprune = fused && fb != XW'(0) && fb < hrows;
    wire [XW-1:0] total = sparse ? (live << lgt) : fprune ? fb : (XW'(1) << lgh);
    wire [XW-1:0] kres = cnt >> lgt;
    wire [XW-1:0] ttim = cnt & ((XW'(1) << lgt) - XW'(1));
    wire [4:0]  lgr = s_cur - 5'(LOGP);
    /* verilator lint_off UNUSEDSIGNAL */ // r0 < 2^IW: its top bits are always zero
    wire [XW-1:0] r0 = kres < fb ? kres : kres + (XW'(1) << lgr) - XW'(2) * fb + XW'(1);
    /* verilator lint_on UNUSEDSIGNAL */
    wire [IW-1:0] r0rev = brev(r0[IW-1:0]) >> (5'(IW) - lgr);
    wire [XW-1:0] c_sp = (ttim << lgr) | {{(XW-IW){1'b0}}, r0rev};
    wire [XW-1:0] c = sparse ? c_sp : cnt;                     // row-pair index of this cycle
    wire        hazard;                                     // a read row is still in flight
    wire        issue = busy && !drain && !hazard;
    wire        last_cnt = cnt == total - XW'(1);
    wire [XW-1:0] hrows = XW'(1) << lgh;                        // H
    wire [4:0]  lgu = lgk - 5'(LOGP) - 5'd1;                 // log2 of U/Y rows per block
    wire [XW-1:0] blk_urows = XW'(blk) << lgu;                 // block start row in U and Y

    // Fused pass (packed): cycle c handles the rows of bins f0 = c and 2H - c (cycle 0: the
    // rows of f0 = 0 and f0 = H); row of f0 = bitrev over log2(2H) bits.
    wire [4:0]  lgw = lgh + 5'd1;
    wire [IW-1:0] f0b = IW'(c == XW'(0) ? hrows : (hrows << 1) - c);
    wire [XW-1:0] frow_a = XW'(brev(c[IW-1:0])) >> (5'(IW) - lgw);
    wire [XW-1:0] frow_b = XW'(brev(f0b)) >> (5'(IW) - lgw);

    // Read rows: forward reads rows c and c+H, inverse rows 2c and 2c+1.
    wire [XW-1:0] row_a = fused ? frow_a : fwd ? c : (c << 1);
    wire [XW-1:0] row_b = fused ? frow_b : fwd ? c + hrows : (c << 1) + XW'(1);
    wire        bank_a = row_a[0] ^ (row_a >= hrows);

    // ------------------------------------------------------------------ pipeline stage 1
    reg          p_valid, p_fwd, p_first, p_mulk, p_last, p_bank_a, p_blk0;
    reg [XW-1:0]   p_c, p_blk_urows, p_ra, p_rb;
    reg          p_pk, p_fused, p_spec;
    reg [P-1:0]  p_fneed;     // fused pass: the lane's pair has a bin below F (or F = 0)
    reg          p_wbuf;      // work buffer written (g & 1); the other one is read
    reg [P-1:0]  p_need, p_mask_a, p_mask_b;

    // Write rows: forward writes rows 2c and 2c+1, inverse rows c and c+H.
    wire [XW-1:0] w_row_x = p_fused ? p_ra : p_fwd ? (p_c << 1) : p_c;
    wire [XW-1:0] w_row_y = p_fused ? p_rb : p_fwd ? (p_c << 1) + XW'(1) : p_c + hrows;

    // Pipeline stages 2 and 3 carry the write side of an issue: stage 3 (d_*) writes.
    localparam integer CW = 1 + 1 + 1 + XW + XW + UAW + 1 + 1 + 1 + 1 + 1 + P + P;
    wire [CW-1:0] ctl1 = {p_valid, p_last, p_wbuf, w_row_x, w_row_y,
                          UAW'(p_blk_urows + (p_pk ? p_c : p_c >> 1)),
                          p_pk, p_c[0], p_fwd, p_fused, p_spec, p_need, p_fneed};
    reg  [CW-1:0] ctl2, ctl3;
    wire          e_valid = ctl2[CW-1], e_last = ctl2[CW-2], e_wbuf = ctl2[CW-3];
    wire [XW-1:0]   e_wx = ctl2[CW-4 -: XW], e_wy = ctl2[CW-4-XW -: XW];
    wire          d_valid, d_last, d_wbuf, d_pk, d_c0, d_fwd, d_fused, d_spec;
    wire [XW-1:0]   d_wx, d_wy;
    wire [UAW-1:0] d_yrow;
    wire [P-1:0]  d_need, d_fneed;
    assign {d_valid, d_last, d_wbuf, d_wx, d_wy, d_yrow, d_pk, d_c0, d_fwd, d_fused, d_spec,
            d_need, d_fneed} = ctl3;
    wire        w_bank_x = d_wx[0] ^ (d_wx >= hrows);

    // Read-after-write hazard: an issue reading a row of the buffer an in-flight issue (stage
    // 1, 2 or 3) writes waits; the first stage reads U only.
    function automatic hit(input v, input b, input [XW-1:0] x, y, ra, rb, input rbuf);
        hit = v && b == rbuf && (x == ra || x == rb || y == ra || y == rb);
    endfunction
    assign hazard = g != 6'd0
        && (hit(p_valid && !p_last, p_wbuf, w_row_x, w_row_y, row_a, row_b, !g[0])
         || hit(e_valid && !e_last, e_wbuf, e_wx, e_wy, row_a, row_b, !g[0])
         || hit(d_valid && !d_last, d_wbuf, d_wx, d_wy, row_a, row_b, !g[0]));

    // ------------------------------------------------------------------ memories
    localparam integer DW = 48;
    wire [DW-1:0] wk_rd [0:1][0:1][0:P-1];   // [buffer][bank][lane]
    reg  [DW-1:0] wk_wd [0:1][0:P-1];        // [bank][lane]
    reg  [RAW-1:0] wk_ra [0:1];              // [bank]
    reg  [RAW-1:0] wk_wa [0:1];
    wire [15:0] u_rd [0:1][0:2*P-1];         // [copy][word of the row]
    wire [31:0] k_rd [0:2*P-1];
    wire [15:0] y_rd [0:2*P-1];
    reg  [15:0] y_wd [0:2*P-1];
    reg  [2*P-1:0] y_lane_we;
    wire [17:0] tw_c [0:P-1];
    wire [17:0] tw_s [0:P-1];
    wire [17:0] tw_c2 [0:P-1];
    wire [17:0] tw_s2 [0:P-1];
    reg  [IW-1:0] tw_idx [0:P-1];
    reg  [IW-1:0] tw_idx2 [0:P-1];

    always @(*) begin
        wk_ra[0] = RAW'((bank_a ? row_b : row_a) >> 1);
        wk_ra[1] = RAW'((bank_a ? row_a : row_b) >> 1);
        wk_wa[0] = RAW'((w_bank_x ? d_wy : d_wx) >> 1);
        wk_wa[1] = RAW'((w_bank_x ? d_wx : d_wy) >> 1);
    end

    // U and Y rows hold 2P positions: a packed stage uses a whole row (P pairs), an unpacked
    // one half a row (P positions), selected by c[0].
    wire [XW-1:0]    ucol = pk ? c : c >> 1;
    wire [UAW-1:0] u_ra0 = UAW'(blk_urows - (XW'(1) << lgu) + ucol);  // previous block
    wire [UAW-1:0] u_ra1 = UAW'(blk_urows + ucol);
    wire [UAW-1:0] host_row = UAW'(widx >> (LOGP + 1));
    wire [UMW-1:0] uy_host = UMW'({r_bank[1], host_row});   // the host's bank (one bank: dropped)
    wire [KAW-1:0] k_host_row = KAW'(widx >> (LOGP + 1));
    wire [31:0]    host_lane = 32'(widx) & (2 * P - 1);
    wire [31:0]    k_host_lane = 32'(widx) & (2 * P - 1);
    wire           wk_we = d_valid && !d_last;
    wire           y_we = d_valid && d_last;

    genvar q, bf, bk;
    generate
        for (q = 0; q < P; q = q + 1) begin : g_lane_mem
            for (bf = 0; bf < 2; bf = bf + 1) begin : g_buf
                for (bk = 0; bk < 2; bk = bk + 1) begin : g_bank
                    fftconv_ram #(.W(DW), .AW(RAW)) u_wk (
                        .clk(clk), .we(wk_we && d_wbuf == bf[0]), .wa(wk_wa[bk]), .wd(wk_wd[bk][q]),
                        .ra(wk_ra[bk]), .rd(wk_rd[bf][bk][q]));
                end
            end
            fftconv_twiddle_rom #(.LOG2LMAX(LOG2LMAX)) u_tw (
                .clk(clk), .k(tw_idx[q]), .c(tw_c[q]), .s(tw_s[q]),
                .k2(tw_idx2[q]), .c2(tw_c2[q]), .s2(tw_s2[q]));
        end
        for (q = 0; q < 2 * P; q = q + 1) begin : g_uy_mem
            for (bf = 0; bf < 2; bf = bf + 1) begin : g_ucopy
                fftconv_ram #(.W(16), .AW(UMW)) u_u (
                    .clk(clk), .we(wr_ok && in_u && host_lane == q),
                    .wa(uy_host), .wd(cmd_wdata[15:0]),
                    .ra(UMW'({run_bank, bf == 0 ? u_ra0 : u_ra1})), .rd(u_rd[bf][q]));
            end
            fftconv_ram #(.W(16), .AW(UMW)) u_y (
                .clk(clk), .we(y_we && y_lane_we[q]),
                .wa(UMW'({run_bank, d_yrow})), .wd(y_wd[q]),
                .ra(uy_host), .rd(y_rd[q]));
        end
        for (q = 0; q < 2 * P; q = q + 1) begin : g_kmem
            fftconv_ram #(.W(32), .AW(KMW)) u_k (
                .clk(clk), .we(wr_ok && in_k && k_host_lane == q),
                .wa(KMW'({kslot_i, k_host_row})), .wd(cmd_wdata),
                .ra(KMW'({run_slot, KAW'(c)})), .rd(k_rd[q]));
        end
    endgenerate

    // ------------------------------------------------------------------ lanes
    reg  [DW-1:0] row_x [0:P-1], row_y [0:P-1];   // data of read rows a and b
    reg  signed [23:0] la_re [0:P-1], la_im [0:P-1], lb_re [0:P-1], lb_im [0:P-1];
    wire signed [23:0] o0_re [0:P-1], o0_im [0:P-1], o1_re [0:P-1], o1_im [0:P-1];
    wire signed [15:0] ly [0:P-1], ly2 [0:P-1];
    wire [3:0] lsat [0:P-1];
    reg  [31:0] la_k [0:P-1], lb_k [0:P-1];
    reg  [15:0] lu [0:P-1], lu2 [0:P-1], ua [0:P-1], ua2 [0:P-1];
    reg  [2*P*DW-1:0] rflat;
    integer j, w;

    // bit reversal over log2 P bits (elaboration-time lane arithmetic)
    function automatic integer brevp(input integer x);
        integer b;
        begin
            brevp = 0;
            for (b = 0; b < LOGP; b = b + 1)
                if (((x >> b) & 1) != 0) brevp = brevp | (1 << (LOGP - 1 - b));
        end
    endfunction

    always @(*) begin
        for (j = 0; j < P; j = j + 1) begin
            row_x[j] = p_bank_a ? wk_rd[!p_wbuf][1][j] : wk_rd[!p_wbuf][0][j];
            row_y[j] = p_bank_a ? wk_rd[!p_wbuf][0][j] : wk_rd[!p_wbuf][1][j];
        end
        for (j = 0; j < P; j = j + 1) begin
            rflat[DW*j +: DW] = row_x[j];
            rflat[DW*(P+j) +: DW] = row_y[j];
        end
        for (j = 0; j < P; j = j + 1) begin
            // u of this lane: packed, the pair of words 2j, 2j+1 of the row; unpacked, word j of
            // the half row that c[0] selects
            if (p_pk) begin
                ua[j] = u_rd[0][2 * j]; ua2[j] = u_rd[0][2 * j + 1];
                lu[j] = u_rd[1][2 * j]; lu2[j] = u_rd[1][2 * j + 1];
            end else begin
                ua[j] = p_c[0] ? u_rd[0][P + j] : u_rd[0][j]; ua2[j] = 16'd0;
                lu[j] = p_c[0] ? u_rd[1][P + j] : u_rd[1][j]; lu2[j] = 16'd0;
            end
            if (p_first) begin
                la_re[j] = p_blk0 ? 24'sd0 : {ua[j], 8'd0};
                la_im[j] = p_blk0 ? 24'sd0 : {ua2[j], 8'd0};
                lb_re[j] = {lu[j], 8'd0};
                lb_im[j] = {lu2[j], 8'd0};
            end else if (p_fwd) begin
                la_re[j] = row_x[j][47:24]; la_im[j] = row_x[j][23:0];
                lb_re[j] = row_y[j][47:24]; lb_im[j] = row_y[j][23:0];
            end else begin
                // positions 2i and 2i+1 of lane j are words 2j and 2j+1 of rows (a, b)
                la_re[j] = p_mask_a[j] ? rflat[DW*(2*j)+24 +: 24] : 24'sd0;
                la_im[j] = p_mask_a[j] ? rflat[DW*(2*j) +: 24] : 24'sd0;
                lb_re[j] = p_mask_b[j] ? rflat[DW*(2*j+1)+24 +: 24] : 24'sd0;
                lb_im[j] = p_mask_b[j] ? rflat[DW*(2*j+1) +: 24] : 24'sd0;
            end
            la_k[j] = k_rd[2 * j];
            lb_k[j] = k_rd[2 * j + 1];
        end
    end

    generate
        for (q = 0; q < P; q = q + 1) begin : g_lane
            fftconv_lane u_lane (
                .clk(clk), .fwd(p_fwd), .mulk(p_mulk), .last(p_last), .pk(p_pk),
                .a_re(la_re[q]), .a_im(la_im[q]), .b_re(lb_re[q]), .b_im(lb_im[q]),
                .ka(la_k[q]), .kb(lb_k[q]), .tw_c(tw_c[q]), .tw_s(tw_s[q]),
                .kexp(kexp), .oshift(oshift), .d(dq), .u(lu[q]), .u2(lu2[q]),
                .o0_re(o0_re[q]), .o0_im(o0_im[q]), .o1_re(o1_re[q]), .o1_im(o1_im[q]),
                .y(ly[q]), .y2(ly2[q]), .nsat(lsat[q]));
        end
    endgenerate

    // Fused pass lanes (packed). Normal cycle: lane j pairs word j of row a (bin f) with word
    // P-1-j of row b (bin Mh - f). Cycle 0 (p_spec), rows of f0 = 0 (a) and f0 = H (b): lanes
    // j < P/2 pair words j and P-1-j of row b; lanes j >= P/2 pair words bitrev(q) and
    // bitrev(P-q) of row a, q = j - P/2 + 1 (lane P-1: bin Mh/2 with itself; P = 1: word 0 of
    // row b with itself); word 0 of row a (bins 0 and Mh) goes to the bin-0 unit.
    reg  signed [23:0] fa_re [0:P-1], fa_im [0:P-1], fb_re [0:P-1], fb_im [0:P-1];
    reg  [31:0] fk_m [0:P-1];
    wire signed [23:0] uf_re [0:P-1], uf_im [0:P-1], um_re [0:P-1], um_im [0:P-1];
    reg  signed [23:0] vf_re [0:P-1], vf_im [0:P-1], vm_re [0:P-1], vm_im [0:P-1];
    wire signed [23:0] v0_re, v0_im;
    wire [2:0] fsat_f [0:P-1], fsat_m [0:P-1];
    wire [2:0] fsat_0;
    integer ia, ib;
    always @(*) begin
        for (j = 0; j < P; j = j + 1) begin
            if (!p_spec) begin
                ia = j; ib = P + P - 1 - j;
            end else if (P == 1) begin
                ia = 1; ib = 1;
            end else if (j < P / 2) begin
                ia = P + j; ib = P + P - 1 - j;
            end else begin
                ia = brevp(j - P / 2 + 1); ib = brevp(P - (j - P / 2 + 1));
            end
            fa_re[j] = rflat[DW*ia+24 +: 24]; fa_im[j] = rflat[DW*ia +: 24];
            fb_re[j] = rflat[DW*ib+24 +: 24]; fb_im[j] = rflat[DW*ib +: 24];
            // the self-paired bin (lane P-1 of cycle 0) uses its own kernel word twice; the
            // slot of its partner holds the bin-0 word K[0] | K[Mh] << 16
            fk_m[j] = (p_spec && j == P - 1) ? k_rd[2 * j] : k_rd[2 * j + 1];
            // frequency-sparse: a pair with neither bin below F is zero
            vf_re[j] = d_fneed[j] ? uf_re[j] : 24'sd0; vf_im[j] = d_fneed[j] ? uf_im[j] : 24'sd0;
            vm_re[j] = d_fneed[j] ? um_re[j] : 24'sd0; vm_im[j] = d_fneed[j] ? um_im[j] : 24'sd0;
        end
    end

    generate
        for (q = 0; q < P; q = q + 1) begin : g_fused
            if (q == 0) begin : g_bin0
                fftconv_fused u_fused (
                    .clk(clk),
                    .a_re(fa_re[q]), .a_im(fa_im[q]), .b_re(fb_re[q]), .b_im(fb_im[q]),
                    .c(tw_c[q]), .s(tw_s[q]), .c2(tw_c2[q]), .s2(tw_s2[q]),
                    .kf(k_rd[2 * q]), .km(fk_m[q]), .kexp(kexp),
                    .z0_re(rflat[24 +: 24]), .z0_im(rflat[0 +: 24]), .k0(k_rd[2 * P - 1]),
                    .vf_re(uf_re[q]), .vf_im(uf_im[q]), .vm_re(um_re[q]), .vm_im(um_im[q]),
                    .v0_re(v0_re), .v0_im(v0_im),
                    .nsat_f(fsat_f[q]), .nsat_m(fsat_m[q]), .nsat_0(fsat_0));
            end else begin : g_pair
                /* verilator lint_off PINCONNECTEMPTY */
                fftconv_fused u_fused (
                    .clk(clk),
                    .a_re(fa_re[q]), .a_im(fa_im[q]), .b_re(fb_re[q]), .b_im(fb_im[q]),
                    .c(tw_c[q]), .s(tw_s[q]), .c2(tw_c2[q]), .s2(tw_s2[q]),
                    .kf(k_rd[2 * q]), .km(fk_m[q]), .kexp(kexp),
                    .z0_re(24'sd0), .z0_im(24'sd0), .k0(32'd0),
                    .vf_re(uf_re[q]), .vf_im(uf_im[q]), .vm_re(um_re[q]), .vm_im(um_im[q]),
                    .v0_re(), .v0_im(), .nsat_f(fsat_f[q]), .nsat_m(fsat_m[q]), .nsat_0());
                /* verilator lint_on PINCONNECTEMPTY */
            end
        end
    endgenerate

    // Fused pass write words: word w of rows (a, b) = {row a words 0..P-1, row b words 0..P-1}
    reg [DW*2*P-1:0] fflat;
    always @(*) begin
        fflat = {DW*2*P{1'b0}};
        for (w = 0; w < 2 * P; w = w + 1) begin
            if (!d_spec) begin
                if (w < P) fflat[DW*w +: DW] = {vf_re[w], vf_im[w]};
                else fflat[DW*w +: DW] = {vm_re[P - 1 - (w - P)], vm_im[P - 1 - (w - P)]};
            end else if (w == 0) begin
                fflat[DW*w +: DW] = {v0_re, v0_im};
            end else if (P == 1) begin
                fflat[DW*w +: DW] = {vf_re[0], vf_im[0]};
            end else if (w >= P) begin
                if (w - P < P / 2) fflat[DW*w +: DW] = {vf_re[w - P], vf_im[w - P]};
                else fflat[DW*w +: DW] = {vm_re[P - 1 - (w - P)], vm_im[P - 1 - (w - P)]};
            end else begin
                // word w holds q = bitrev(w): lane q + P/2 - 1 (V[f]) for q <= P/2, else the
                // lane of its partner P - q (V[m])
                if (brevp(w) <= P / 2)
                    fflat[DW*w +: DW] = {vf_re[(brevp(w) + P / 2 - 1) % P],
                                         vf_im[(brevp(w) + P / 2 - 1) % P]};
                else
                    fflat[DW*w +: DW] = {vm_re[(P - brevp(w) + P / 2 - 1) % P],
                                         vm_im[(P - brevp(w) + P / 2 - 1) % P]};
            end
        end
    end

    // Write data: forward words 2j, 2j+1 of the row pair (x, y) = (o0, o1) of lane j;
    // inverse row x = o0 of every lane, row y = o1; fused pass: fflat. Lanes not needed write
    // zeros.
    reg [DW-1:0] w0 [0:P-1], w1 [0:P-1];
    reg [DW*2*P-1:0] wflat;
    reg [DW-1:0] wx, wy;
    reg [7:0] sat_add;
    always @(*) begin
        sat_add = 8'd0;
        for (j = 0; j < P; j = j + 1) begin
            w0[j] = d_need[j] ? {o0_re[j], o0_im[j]} : {DW{1'b0}};
            w1[j] = d_need[j] ? {o1_re[j], o1_im[j]} : {DW{1'b0}};
            if (d_fused) begin
                if (d_fneed[j]) sat_add = sat_add + {5'd0, fsat_f[j]};
                if (d_fneed[j] && !(d_spec && j == P - 1)) sat_add = sat_add + {5'd0, fsat_m[j]};
            end else if (d_need[j]) begin
                sat_add = sat_add + {4'd0, lsat[j]};
            end
        end
        if (d_fused && d_spec) sat_add = sat_add + {5'd0, fsat_0};
        // Y: packed, words 2j, 2j+1 = y, y2 of lane j; unpacked, lane j writes word j of the
        // half row that c[0] selects
        for (w = 0; w < 2 * P; w = w + 1) begin
            if (d_pk) begin
                y_wd[w] = (w % 2 == 0) ? ly[w / 2] : ly2[w / 2];
                y_lane_we[w] = 1'b1;
            end else begin
                y_wd[w] = ly[w % P];
                y_lane_we[w] = (w / P == 1) == d_c0;
            end
        end
        wflat = {DW*2*P{1'b0}};
        for (j = 0; j < P; j = j + 1) begin
            wflat[DW*(2*j) +: DW] = w0[j];
            wflat[DW*(2*j+1) +: DW] = w1[j];
        end
        // Row x goes to bank w_bank_x, row y to the other: both banks assigned on every path
        // (a write through a computed bank index would synthesise to latches).
        for (j = 0; j < P; j = j + 1) begin
            wx = d_fused ? fflat[DW*j +: DW] : d_fwd ? wflat[DW*j +: DW] : w0[j];
            wy = d_fused ? fflat[DW*(P+j) +: DW] : d_fwd ? wflat[DW*(P+j) +: DW] : w1[j];
            wk_wd[0][j] = w_bank_x ? wy : wx;
            wk_wd[1][j] = w_bank_x ? wx : wy;
        end
    end

    // ------------------------------------------------------------------ control
    reg [P-1:0] need_v, mask_a_v, mask_b_v, fneed_v;
    reg [IW-1:0] li, src;
    reg [XW-1:0] fa;
    wire [XW-1:0] two_h = hrows << 1;
    always @(*) begin
        for (j = 0; j < P; j = j + 1) begin
            li = IW'(c * P + j);
            // twiddle exponent e = (i >> s) << s of an M-point transform, scaled to NMAX
            tw_idx[j] = ((li >> s_cur) << s_cur) << (5'(LOG2LMAX) + 5'd1 - n);
            // fused pass: W_M^f and W_M^(Mh-f), M = 2 Mh, for the bin f of lane j's word a
            if (c != XW'(0)) fa = c + XW'(brevp(j)) * two_h;
            else if (P == 1) fa = hrows;
            else if (j < P / 2) fa = hrows + XW'(brevp(j)) * two_h;
            else fa = XW'(j - P / 2 + 1) * two_h;
            tw_idx2[j] = IW'(((XW'(1) << n) - fa) << (5'(LOG2LMAX) - n));
            if (fused) tw_idx[j] = IW'(fa << (5'(LOG2LMAX) - n));
            fneed_v[j] = fb == XW'(0) || fa < fb || ((XW'(1) << n) - fa) < fb;
            need_v[j] = need(s_cur, li, fb);
            // inverse stage after the first: sources are butterflies (2i+e) mod M/2 of stage s+1
            src = IW'((li << 1) & ((IW'(1) << (n - 5'd1)) - IW'(1)));
            mask_a_v[j] = fwd || g == {1'b0, n} || need(s_cur + 5'd1, src, fb);
            src = IW'(((li << 1) + IW'(1)) & ((IW'(1) << (n - 5'd1)) - IW'(1)));
            mask_b_v[j] = fwd || g == {1'b0, n} || need(s_cur + 5'd1, src, fb);
            // packed, first inverse stage: positions 2i, 2i+1 hold bins bitrev(2i), bitrev(2i+1)
            // of V, zero (and not written by a pruned fused cycle) unless below F
            if (pk && g == {1'b0, n} + 6'd1) begin
                mask_a_v[j] = need(n, IW'(li << 1), fb);
                mask_b_v[j] = need(n, IW'((li << 1) + IW'(1)), fb);
            end
        end
    end

    wire run_end = g == g_last && blk == nblk_m1;   // the run's last stage

    always @(posedge clk) begin
        if (!rst_n) begin
            r_log2l <= FFTCONV_LOG2L_RESET; r_mode <= FFTCONV_MODE_RESET;
            r_log2lk <= FFTCONV_LOG2LK_RESET; r_fbins <= FFTCONV_FREQ_BINS_RESET;
            r_skip <= FFTCONV_SKIP_D_RESET[15:0];
            kx <= {(1 << SW){5'(FFTCONV_KEXP_RESET)}};
            r_oshift <= FFTCONV_OSHIFT_RESET; r_wpage <= FFTCONV_WPAGE_RESET;
            sat_count <= 32'd0; cycles <= 32'd0; bus_errors <= 32'd0; stalls <= 32'd0;
            busy <= 1'b0; done <= 1'b0;
            err_size <= 1'b0; err_mode <= 1'b0; err_access <= 1'b0; err_start <= 1'b0;
            err_chan <= 1'b0; r_chan <= 32'd0; r_kslot <= 32'd0; r_bank <= 2'd0;
            run_slot <= {SW{1'b0}}; run_bank <= 1'b0;
            n <= 5'd9; pk <= 1'b0; lgk <= 5'd8; nblk_m1 <= 17'd0; fb <= XW'(0); dq <= 16'sd0;
            kexp <= 5'd0; oshift <= 4'd0;
            blk <= 17'd0; g <= 6'd0; cnt <= XW'(0); drain <= 1'b0; dcnt <= 2'd0;
            p_valid <= 1'b0; ctl2 <= {CW{1'b0}}; ctl3 <= {CW{1'b0}};
            rsp_valid_q <= 1'b0; rsp_err_q <= 1'b0; rsp_y_q <= 1'b0; rsp_reg_q <= 32'd0;
            rsp_lane_q <= {LW{1'b0}};
        end else begin
            // bus response, one cycle after the command
            rsp_valid_q <= cmd_valid;
            rsp_err_q <= dec_err;
            rsp_y_q <= in_y;
            rsp_reg_q <= dec_rdata;
            rsp_lane_q <= LW'(host_lane);
            if (cmd_valid && dec_err) begin
                bus_errors <= bus_errors + 32'd1;
                err_access <= 1'b1;
            end
            if (wr_ok) begin
                case (cmd_addr)
                    FFTCONV_LOG2L:     r_log2l <= cmd_wdata;
                    FFTCONV_MODE:      r_mode <= cmd_wdata;
                    FFTCONV_LOG2LK:    r_log2lk <= cmd_wdata;
                    FFTCONV_FREQ_BINS: r_fbins <= cmd_wdata;
                    FFTCONV_SKIP_D:    r_skip <= cmd_wdata[15:0];
                    FFTCONV_KEXP:      kx[5*kslot_i +: 5] <= cmd_wdata > 32'd31 ? 5'd31 : cmd_wdata[4:0];
                    FFTCONV_CHANNEL:   r_chan <= cmd_wdata;
                    FFTCONV_KSLOT:     r_kslot <= cmd_wdata;
                    FFTCONV_BANK:      if (NBUF == 2) r_bank <= cmd_wdata[1:0];
                    FFTCONV_OSHIFT:    r_oshift <= cmd_wdata;
                    FFTCONV_WPAGE:     r_wpage <= cmd_wdata;
                    FFTCONV_STATUS: begin
                        if (cmd_wdata[1]) done <= 1'b0;
                        if (cmd_wdata[8]) err_size <= 1'b0;
                        if (cmd_wdata[9]) err_mode <= 1'b0;
                        if (cmd_wdata[10]) err_access <= 1'b0;
                        if (cmd_wdata[11]) err_start <= 1'b0;
                        if (cmd_wdata[12]) err_chan <= 1'b0;
                    end
                    default: ;
                endcase
            end
            if (start_cmd && !soft_rst) begin
                if (busy) err_start <= 1'b1;
                else if (!size_ok) err_size <= 1'b1;
                else if (!mode_ok) err_mode <= 1'b1;
                else if (!chan_ok) err_chan <= 1'b1;
            end

            // pipeline stage 1 registers
            p_valid <= issue;
            p_fwd <= fwd;
            p_first <= g == 6'd0;
            p_mulk <= !pk && g == {1'b0, n};
            p_last <= g == g_last;
            p_pk <= pk;
            p_fused <= fused;
            p_spec <= fused && cnt == XW'(0);
            p_fneed <= fneed_v;
            p_ra <= row_a;
            p_rb <= row_b;
            p_bank_a <= bank_a;
            p_blk0 <= blk == 17'd0;
            p_c <= c;
            p_blk_urows <= blk_urows;
            p_wbuf <= g[0];
            p_need <= need_v;
            p_mask_a <= mask_a_v;
            p_mask_b <= mask_b_v;
            ctl2 <= ctl1;
            ctl3 <= ctl2;
            if (d_valid && busy) sat_count <= (sat_count + {24'd0, sat_add} < sat_count)
                                             ? 32'hffffffff : sat_count + {24'd0, sat_add};

            if (busy) begin
                cycles <= cycles + 32'd1;
                if (drain) begin
                    // the last issue writes at the end of its third cycle after the issue
                    if (dcnt == 2'd2) begin
                        busy <= 1'b0;
                        done <= 1'b1;
                    end
                    dcnt <= dcnt + 2'd1;
                end else if (hazard) begin
                    stalls <= stalls + 32'd1;
                end else if (last_cnt) begin
                    cnt <= XW'(0);
                    if (run_end) drain <= 1'b1;
                    else if (g == g_last) begin
                        g <= 6'd0;
                        blk <= blk + 17'd1;
                    end else begin
                        g <= g + 6'd1;
                    end
                end else begin
                    cnt <= cnt + XW'(1);
                end
            end
            if (go) begin
                busy <= 1'b1;
                done <= 1'b0;
                sat_count <= 32'd0;
                cycles <= 32'd0;
                stalls <= 32'd0;
                n <= 5'(eff_log2lk) + {4'd0, !r_mode[2]};
                pk <= r_mode[2];
                lgk <= 5'(eff_log2lk);
                nblk_m1 <= 17'((32'd1 << (r_log2l[4:0] - eff_log2lk[4:0])) - 32'd1);
                fb <= r_mode[1] ? XW'(r_fbins) : XW'(0);
                dq <= r_skip;
                kexp <= kx[5*chan_i +: 5];
                run_slot <= chan_i;
                run_bank <= r_bank[0];
                oshift <= r_oshift[3:0];
                blk <= 17'd0; g <= 6'd0; cnt <= XW'(0); drain <= 1'b0; dcnt <= 2'd0;
            end
            if (soft_rst) begin
                busy <= 1'b0; done <= 1'b0; drain <= 1'b0;
                err_size <= 1'b0; err_mode <= 1'b0; err_access <= 1'b0; err_start <= 1'b0;
                err_chan <= 1'b0;
                sat_count <= 32'd0; cycles <= 32'd0; stalls <= 32'd0;
                p_valid <= 1'b0; ctl2 <= {CW{1'b0}}; ctl3 <= {CW{1'b0}};
            end
        end
    end

    wire [15:0] y_host = y_rd[32'(rsp_lane_q) & (2 * P - 1)];
    assign rsp_rdata = rsp_y_q ? {{16{y_host[15]}}, y_host} : rsp_reg_q;
    assign irq = done || err_size || err_mode || err_access || err_start || err_chan;
endmodule

`default_nettype wire
