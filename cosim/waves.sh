#!/usr/bin/env bash
# waves.sh FILE.fst - opens a waveform in GTKWave with the layout that fits what is in it
# (make waves). The layout is chosen by the file's content, not its name:
#  - an RTL trace (Verilator FST: scopes top.<module>) gets the saved layout rtl/<ip>/*.gtkw
#    that names top.<module>, then the view zooms to the whole run (or as the layout says);
#  - a trace whose top module has a layout script rtl/<ip>/<module without _top>_waves.tcl
#    (the hybrid system: top.hybrid_top -> rtl/hybrid/hybrid_waves.tcl) gets that script;
#  - a SPICE trace (scope "spice", written by neurocosim spice ... --waves) gets
#    cosim/spice/sfq_waves.tcl, which shows the probed signals as analog traces.
# Prints the command it runs. Exit 2 when the file is missing or not an FST.
# --print: print the command, do not start GTKWave (for tests and scripts).
set -u
print=
[ "${1:-}" = --print ] && { print=1; shift; }
wave=${1:-}
case "$wave" in /*) ;; ?*) wave="$PWD/$wave" ;; esac
cd "$(dirname "$0")/.."
[ -n "$wave" ] || { echo "waves.sh: no waveform given" >&2; exit 2; }
[ -f "$wave" ] || { echo "make waves: $wave: no such file" >&2; exit 2; }
# The first scopes of the file (fst2vcd writes the header first; head ends it early).
scopes=$(fst2vcd -f "$wave" 2>/dev/null | head -c 1000000 | sed -n 's/^\$scope module \([^ ]*\) \$end$/\1/p' | head -2)
[ -n "$scopes" ] || { echo "make waves: $wave: not an FST waveform (no scopes found)" >&2; exit 2; }
first=$(sed -n 1p <<<"$scopes"); second=$(sed -n 2p <<<"$scopes")
tcl=cosim/gtkwave_zoom_full.tcl; sav=
if [ "$first" = spice ]; then
  tcl=cosim/spice/sfq_waves.tcl
elif [ "$first" = top ] && [ -n "$second" ] && ls rtl/*/"${second%_top}_waves.tcl" >/dev/null 2>&1; then
  tcl=$(ls rtl/*/"${second%_top}_waves.tcl" | head -1)
elif [ "$first" = top ] && [ -n "$second" ]; then
  sav=$(grep -l -F "top.$second." rtl/*/*.gtkw 2>/dev/null | head -1)
  [ -n "$sav" ] || echo "make waves: no saved layout names top.$second; opening without one" >&2
fi
echo "gtkwave -S $tcl $wave $sav"
[ -n "$print" ] && exit 0
exec gtkwave -S "$tcl" "$wave" $sav
