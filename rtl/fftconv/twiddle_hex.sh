#!/usr/bin/env bash
# twiddle_hex.sh LOG2LMAX - writes fftconv_tw_c.hex and fftconv_tw_s.hex (the twiddle ROM of
# fftconv_twiddle_rom.v, one 18-bit two's-complement hex word a line) into the current
# directory, for synthesis tools without real variables (rtl/common/synth.sh runs it).
# Same formula as the ROM and the C model: c = min(floor(cos(2 pi k' / 2^21) 2^17 + 0.5),
# 131071), k' = k 2^(20 - LOG2LMAX), s likewise with sin.
set -eu
lg=${1:?usage: twiddle_hex.sh LOG2LMAX (1..20)}
[[ $lg =~ ^[0-9]+$ ]] && (( lg >= 1 && lg <= 20 )) || { echo "twiddle_hex.sh: LOG2LMAX '$lg' not in 1..20" >&2; exit 2; }
awk -v lg="$lg" 'function fl(x) { return (x < 0 && int(x) != x) ? int(x) - 1 : int(x) }
function q17(v,  r) { r = fl(v * 131072.0 + 0.5); if (r > 131071) r = 131071; return r < 0 ? r + 262144 : r }
BEGIN {
    n = 2 ^ lg; sh = 2 ^ (20 - lg)
    for (i = 0; i < n; i++) {
        a = (2.0 * 3.141592653589793 * (i * sh)) / 2097152.0
        printf "%05x\n", q17(cos(a)) > "fftconv_tw_c.hex"
        printf "%05x\n", q17(sin(a)) > "fftconv_tw_s.hex"
    }
}'
