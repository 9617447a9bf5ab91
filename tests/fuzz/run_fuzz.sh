#!/usr/bin/env bash
# run_fuzz.sh run|merge BUILD_DIR TARGET... - drives the libFuzzer builds of the fuzz targets
# (made by `make fuzz` / `make fuzz-merge`; docs/DEVELOPING.md, "Fuzzing").
#
#   run    fuzzes each target in turn, one process (-jobs 1), for FUZZ_SECONDS, reading the
#          committed corpus tests/fuzz/corpus/<t>/ and growing BUILD_DIR/corpus/<t>/; a crash,
#          leak, timeout or out-of-memory input is saved to tests/fuzz/crashes/<t>/ (commit it:
#          `make test` replays it). Prints per target: executions, exec/s, corpus, findings.
#          Exit status 1 when any target found something.
#   merge  adds to tests/fuzz/corpus/<t>/ only the inputs of BUILD_DIR/corpus/<t>/ that add
#          coverage (libFuzzer -merge=1), at most FUZZ_MERGE_MAX_LEN bytes each.
# Bounds (environment): FUZZ_SECONDS (60) per target, FUZZ_MAX_LEN (8192) bytes per input,
# FUZZ_RSS_MB (2048), FUZZ_TIMEOUT (10) seconds per input.
set -u
mode=${1:-}; build=${2:-}
if [ $# -lt 3 ] || { [ "$mode" != run ] && [ "$mode" != merge ]; }; then
  echo "usage: $0 run|merge BUILD_DIR TARGET..." >&2; exit 2
fi
shift 2
secs=${FUZZ_SECONDS:-60}; max_len=${FUZZ_MAX_LEN:-8192}; merge_len=${FUZZ_MERGE_MAX_LEN:-2048}
rss=${FUZZ_RSS_MB:-2048}; per_input=${FUZZ_TIMEOUT:-10}
for v in secs max_len merge_len rss per_input; do
  [[ ${!v} =~ ^[1-9][0-9]{0,6}$ ]] || { echo "run_fuzz.sh: $v='${!v}': expected an integer 1..9999999" >&2; exit 2; }
done
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
mkdir -p "$build/logs"
# Scratch files of the targets (tests/fuzz/fuzz.h): removed here, since a crash exit skips that.
NC_FUZZ_TMPDIR=$(mktemp -d /dev/shm/nc_fuzz_run.XXXXXX 2>/dev/null || mktemp -d) || exit 2
export NC_FUZZ_TMPDIR
trap 'rm -rf "$NC_FUZZ_TMPDIR"' EXIT
count() { find "$1" -maxdepth 1 -type f ! -name '.*' 2>/dev/null | wc -l; }

found=0
for t in "$@"; do
  bin=$build/fuzz/fuzz_$t; seeds=tests/fuzz/corpus/$t; crashes=tests/fuzz/crashes/$t; grown=$build/corpus/$t
  log=$build/logs/$t.$mode.log
  [ -x "$bin" ] || { echo "run_fuzz.sh: $bin is missing (make fuzz builds it)" >&2; exit 2; }
  [ -d "$seeds" ] || { echo "run_fuzz.sh: $seeds is missing: every target needs a seed corpus" >&2; exit 2; }
  mkdir -p "$grown"
  if [ "$mode" = merge ]; then
    before=$(count "$seeds")
    timeout --signal=KILL 3600 "$bin" -merge=1 -max_len="$merge_len" -rss_limit_mb="$rss" -timeout="$per_input" \
        "$seeds" "$grown" >"$log" 2>&1 || { echo "fuzz-merge $t failed (see $log)"; tail -20 "$log"; found=1; continue; }
    printf 'fuzz-merge %-18s committed corpus %d -> %d inputs (%s bytes)\n' "$t" "$before" "$(count "$seeds")" \
        "$(du -sb "$seeds" | cut -f1)"
    continue
  fi
  mkdir -p "$crashes"
  before=$(ls -A "$crashes" | sort)
  dict=(); [ -f "tests/fuzz/dict/$t.dict" ] && dict=(-dict="tests/fuzz/dict/$t.dict")
  # The run is bounded by -max_total_time; the outer timeout only guards against a stuck process.
  timeout --signal=KILL $((secs + 4 * per_input + 120)) "$bin" -max_total_time="$secs" -max_len="$max_len" \
      -rss_limit_mb="$rss" -timeout="$per_input" -print_final_stats=1 -artifact_prefix="$crashes/" \
      "${dict[@]}" "$grown" "$seeds" >"$log" 2>&1
  rc=$?
  execs=$(sed -nE 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  eps=$(sed -nE 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  new=$(comm -13 <(echo "$before") <(ls -A "$crashes" | sort) | grep -c .)
  printf 'fuzz %-18s %10s executions %7s exec/s  corpus %5d (+%d committed)  findings %d\n' "$t" "${execs:-?}" \
      "${eps:-?}" "$(count "$grown")" "$(count "$seeds")" "$new"
  if [ "$new" != 0 ] || [ "$rc" != 0 ]; then
    found=1
    comm -13 <(echo "$before") <(ls -A "$crashes" | sort) | sed "s|^|   new input: $crashes/|"
    { grep -E 'ERROR|fuzz check failed|SUMMARY|runtime error' "$log" | head -6
      grep -E '#[0-9]+ 0x[0-9a-f]+ in .* [^ ]*(host|cosim|tests)/' "$log" | head -4; } | cut -c1-200 | sed 's/^/   /'
    echo "   exit status $rc; log $log; reproduce: $bin FILE, or make build/rel/fuzz/fuzz_$t && build/rel/fuzz/fuzz_$t FILE"
  fi
done
[ "$mode" = run ] && echo "fuzz logs: $build/logs/   grown corpus: $build/corpus/ (make fuzz-merge keeps what adds coverage)"
exit $found
