#!/usr/bin/env bash
# run_tests.sh BUILD_DIR TEST_BIN... - runs each Criterion binary (tests in parallel inside it),
# writes JUnit XML to BUILD_DIR/results/junit/, keeps a log per binary and prints one summary.
# A binary named fuzz_<t> is a fuzz target's replay: it runs on tests/fuzz/corpus/<t>/ and
# tests/fuzz/crashes/<t>/ and counts as one test (passed when every input passed).
set -u
build=$1; shift
jobs=$(nproc 2>/dev/null || echo 2)
mkdir -p "$build/results/junit"
total_pass=0; total_fail=0; failed_bins=()
t_all=$SECONDS
for bin in "$@"; do
  name=$(basename "$bin")
  t0=$SECONDS
  log="$build/results/$name.log"
  echo "== $name"
  if [[ $name == fuzz_* ]]; then
    # A fuzz target's replay (tests/fuzz/replay_main.c): its committed corpus and every crash
    # input ever found; one test that passes when every input does.
    t=${name#fuzz_}; dirs=()
    for d in "tests/fuzz/corpus/$t" "tests/fuzz/crashes/$t"; do [ -d "$d" ] && dirs+=("$d"); done
    if [ ${#dirs[@]} = 0 ]; then
      echo "   $name: no tests/fuzz/corpus/$t/ (every fuzz target needs a seed corpus)"; rc=2
    else
      timeout --signal=KILL 600 "$bin" "${dirs[@]}" >"$log" 2>&1; rc=$?
    fi
    grep -E 'FAIL|^fuzz replay' "$log" | tail -20
    { echo '<?xml version="1.0" encoding="UTF-8"?>'
      echo "<testsuites><testsuite name=\"$name\" tests=\"1\" failures=\"$([ "$rc" = 0 ] && echo 0 || echo 1)\">"
      echo "<testcase name=\"replay\" classname=\"$name\">$([ "$rc" = 0 ] || echo "<failure message=\"exit status $rc, see $log\"/>")</testcase>"
      echo '</testsuite></testsuites>'; } >"$build/results/junit/$name.xml"
    if [ "$rc" = 0 ]; then total_pass=$((total_pass + 1)); else
      total_fail=$((total_fail + 1)); failed_bins+=("$name"); echo "   $name exited with status $rc (see $log)"; tail -20 "$log"
    fi
    continue
  fi
  # A hard bound for the whole binary; single tests carry their own Criterion timeouts.
  timeout --signal=KILL 1500 "$bin" --jobs "$jobs" --xml="$build/results/junit/$name.xml" \
      --short-filename >"$log" 2>&1
  rc=$?
  grep -vE '^\[----\] (Criterion|Running)' "$log" | grep -E '\[(FAIL|----|====)\]|Synthesis|Warning|ERROR|Error|warning' | tail -60
  line=$(grep -E 'Synthesis: Tested' "$log" | tail -1)
  pass=$(sed -nE 's/.*Passing: ([0-9]+).*/\1/p' <<<"$line"); pass=${pass:-0}
  fail=$(sed -nE 's/.*Failing: ([0-9]+) \| Crashing: ([0-9]+).*/\1+\2/p' <<<"$line")
  fail=$(( ${fail:-0} ))
  if [ "$rc" != 0 ] && [ "$fail" = 0 ]; then
    fail=1; echo "   $name exited with status $rc (see $log)"; tail -20 "$log"
  fi
  total_pass=$((total_pass + pass)); total_fail=$((total_fail + fail))
  [ "$rc" = 0 ] && [ "$fail" = 0 ] || failed_bins+=("$name")
  echo "   $name: $pass passed, $fail failed, $((SECONDS - t0)) s"
done
echo "JUnit XML: $build/results/junit/   logs: $build/results/"
[ ${#failed_bins[@]} = 0 ] || echo "failing test binaries: ${failed_bins[*]}"
echo "tests: $total_pass passed, $total_fail failed, $((SECONDS - t_all)) s"
[ "$total_fail" = 0 ] && [ ${#failed_bins[@]} = 0 ]
