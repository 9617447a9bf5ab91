#!/usr/bin/env bash
# coverage_summary.sh MERGED.dat
# Per-module summary of a merged Verilator coverage file (verilator_coverage --write): for each
# module, the line and toggle points hit at least once / all points, and the totals.
set -u
f=${1:-}
[ -f "$f" ] || { echo "usage: coverage_summary.sh MERGED.dat" >&2; exit 2; }
# Each point: C '<key>\001<value>...' count; the key 'page' holds v_line/<module> or v_toggle/<module>.
LC_ALL=C awk '
/^C / {
  n = $NF; page = "";
  k = split($0, f, "\001");
  for (i = 1; i <= k; i++) if (substr(f[i], 1, 5) == "page\002") page = substr(f[i], 6);
  if (page == "") next;
  split(page, pm, "/"); type = pm[1]; sub(/^v_/, "", type); mod = pm[2];
  if (type != "line" && type != "toggle" && type != "branch" && type != "expr" && type != "user") type = "other";
  tot[mod, type]++; if (n + 0 > 0) hit[mod, type]++;
  mods[mod] = 1; types[type] = 1; T[type]++; if (n + 0 > 0) H[type]++;
}
END {
  printf "%-18s %22s %22s\n", "module", "line (hit/points)", "toggle (hit/points)";
  m = 0; for (x in mods) list[++m] = x;
  for (i = 1; i <= m; i++) for (j = i + 1; j <= m; j++) if (list[j] < list[i]) { t = list[i]; list[i] = list[j]; list[j] = t; }
  for (i = 1; i <= m; i++) {
    x = list[i]; out = sprintf("%-18s", x);
    split("line toggle", ts, " ");
    for (j = 1; j <= 2; j++) {
      ty = ts[j]; a = hit[x, ty] + 0; b = tot[x, ty] + 0;
      out = out sprintf(" %8s %13s", b ? sprintf("%.1f%%", 100 * a / b) : "-", b ? sprintf("%d/%d", a, b) : "");
    }
    print out;
  }
  out = sprintf("%-18s", "all");
  for (j = 1; j <= 2; j++) { ty = ts[j]; a = H[ty] + 0; b = T[ty] + 0;
    out = out sprintf(" %8s %13s", b ? sprintf("%.1f%%", 100 * a / b) : "-", b ? sprintf("%d/%d", a, b) : ""); }
  print out;
}' "$f"
