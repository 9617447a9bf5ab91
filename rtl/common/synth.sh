#!/usr/bin/env bash
# synth.sh - synthesise one RTL configuration with Yosys to Yosys's generic gate library and
# print one row of figures (the table and its reading: rtl/fftconv/README.md, "Synthesis").
#
#   synth.sh --header
#   synth.sh [--pre CMD] [--dir DIR] [--noshare] NAME TOP "PARAMS" SRC...
#
# --noshare leaves out Yosys's SAT-based resource sharing pass (share), which does not finish
# in reasonable time on the largest configurations (fftconv_p4: > 11 CPU minutes in share
# alone); the figures are then those without shared arithmetic.
#
# PARAMS are the Verilator overrides of the configuration (-GP=2 -GLOG2LMAX=16). CMD runs in
# DIR (the work directory, default build/synth/NAME) before Yosys, e.g. to write ROM files.
# Memories are kept as memories (SRAM macros in silicon), not mapped to flip-flops; a memory's
# registered read data counts as memory. Columns:
#   cells   generic gates after ABC (AND, OR, XOR, MUX, NOT, ...), flip-flops not included
#   ffs     flip-flop bits outside memories
#   mems    memory instances; mem_bits their total bits (words x width)
#   levels  the longest combinational path, in gates (ltp -noff: from a flip-flop, memory
#           port or input to a flip-flop, memory port or output)
# Exit status: 0 ok, 1 a synthesis error, a latch or a failed structural check (the log's
# path is printed), 2 bad usage.
set -u
fmt='%-12s %-44s %9s %7s %5s %10s %7s %6s\n'
if [ "${1:-}" = --header ]; then
  printf "$fmt" config params cells ffs mems mem_bits levels sec
  exit 0
fi
pre=""; dir=""; share=share
while [ $# -gt 0 ]; do
  case $1 in
    --pre) pre=${2:?--pre needs a command}; shift 2 ;;
    --dir) dir=${2:?--dir needs a directory}; shift 2 ;;
    --noshare) share="# share left out (--noshare)"; shift ;;
    -h|--help) sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) break ;;
  esac
done
if [ $# -lt 4 ]; then
  echo "usage: synth.sh [--pre CMD] [--dir DIR] [--noshare] NAME TOP \"PARAMS\" SRC... (or --header, --help)" >&2
  exit 2
fi
name=$1 top=$2 params=$3; shift 3
command -v yosys >/dev/null || { echo "synth.sh: yosys not found (Debian package yosys)" >&2; exit 2; }
root=$PWD
dir=${dir:-build/synth/$name}
mkdir -p "$dir" || exit 2

# Verilator -G overrides -> chparam; include directories of the sources.
chp=""
for p in $params; do
  [[ $p =~ ^-G([A-Za-z_][A-Za-z0-9_]*)=(-?[0-9]+)$ ]] || { echo "synth.sh: $name: parameter '$p' is not -GNAME=integer" >&2; exit 2; }
  chp+=" -set ${BASH_REMATCH[1]} ${BASH_REMATCH[2]}"
done
srcs=""; incs=""
for s in "$@"; do
  [ -f "$s" ] || { echo "synth.sh: $name: source $s not found" >&2; exit 2; }
  srcs+=" $root/$s"
  d=$(dirname "$s"); case " $incs " in *" -I$root/$d "*) ;; *) incs+=" -I$root/$d" ;; esac
done

cat > "$dir/synth.ys" <<EOF
read_verilog -sv$incs$srcs
${chp:+chparam$chp $top}
hierarchy -check -top $top
proc
tee -q -o latches.txt select -list t:\$dlatch t:\$adlatch t:\$dlatchsr t:\$sr
flatten
opt_expr
opt_clean
check -assert
opt -nodffe -nosdff
fsm
opt
wreduce
peepopt
opt_clean
alumacc
$share
opt
memory -nomap
opt_clean
opt -fast -full
techmap
opt -fast
abc -fast
opt -fast
check -assert
tee -q -o stat.txt stat
tee -q -o mems.txt dump t:\$mem_v2
tee -q -o ltp.txt ltp -noff t:\$mem_v2 %n
EOF

t0=$(date +%s)
( cd "$dir" && { [ -z "$pre" ] || eval "$pre"; } && yosys -q -l synth.log synth.ys >/dev/null 2>&1 )
rc=$?
sec=$(( $(date +%s) - t0 ))
if [ $rc != 0 ]; then
  echo "synth.sh: $name: synthesis failed (yosys exit $rc); log: $dir/synth.log" >&2
  grep -E 'ERROR|Error' "$dir/synth.log" 2>/dev/null | head -5 >&2
  exit 1
fi
if [ -s "$dir/latches.txt" ]; then
  echo "synth.sh: $name: latches inferred (a combinational block leaves them unassigned on some path):" >&2
  grep -E 'Latch inferred' "$dir/synth.log" | sed -E 's/.*signal `[^.]*\.\\?([^'"'"']*)'"'"' from process `[^$]*\$proc\$([^$]*)\$.*/  \1 (\2)/' | sed "s#$root/##" >&2
  exit 1
fi
cells=$(awk '/Number of cells:/ { n = $4 } END { print n + 0 }' "$dir/stat.txt")
ffs=$(awk '$1 ~ /^\$_(S?DFF|DFFE|SDFFC?E|DFFSRE?|ALDFFE?)_/ { n += $2 } END { print n + 0 }' "$dir/stat.txt")
mems=$(awk '$1 ~ /^\$mem/ { n += $2 } END { print n + 0 }' "$dir/stat.txt")
membits=$(awk '/^ *cell \$mem/ { w = 0; s = 0 } /parameter \\WIDTH / { w = $3 } /parameter \\SIZE / { s = $3 }
               /^ *end$/ && w { b += w * s; w = 0 } END { printf "%d\n", b }' "$dir/mems.txt")
levels=$(sed -nE 's/.*\(length=([0-9]+)\).*/\1/p' "$dir/ltp.txt" | head -1)
printf "$fmt" "$name" "${params//-G/}" $((cells - ffs - mems)) "$ffs" "$mems" "$membits" "${levels:-?}" "$sec"
