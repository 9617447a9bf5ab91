// fftconv_round.vh - the one rounding mode of the design (rtl/fftconv/README.md, "Rounding and
// saturation"), included inside the datapath modules.

    // round(x / 2^sh), half to even; x / 2^sh by arithmetic shift is a floor.
    function automatic signed [63:0] rnd(input signed [63:0] x, input [5:0] sh);
        reg signed [63:0] q, rem, half;
        begin
            if (sh == 6'd0) begin
                rnd = x;
            end else begin
                q = x >>> sh;
                rem = x - (q <<< sh);
                half = 64'sd1 <<< (sh - 6'd1);
                if (rem > half || (rem == half && q[0])) q = q + 64'sd1;
                rnd = q;
            end
        end
    endfunction

    // {saturated, value}: round, then clip to 24 bits.
    function automatic [24:0] rs24(input signed [63:0] x, input [5:0] sh);
        reg signed [63:0] q;
        begin
            q = rnd(x, sh);
            if (q > 64'sd8388607) rs24 = {1'b1, 24'h7fffff};
            else if (q < -64'sd8388608) rs24 = {1'b1, 24'h800000};
            else rs24 = {1'b0, q[23:0]};
        end
    endfunction
