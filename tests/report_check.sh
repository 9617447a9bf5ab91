#!/usr/bin/env bash
# report_check.sh REPORT_DIR [SCREENSHOT.png]
# Renders REPORT_DIR/index.html in headless Chromium (Debian's chromium) through a wrapper page
# that loads it in a frame, waits for every image, and writes one line:
#   images N loaded M broken [ids] errors [messages]
# Browser console errors (a resource that failed, a script error) are listed after it.
# Keeps a screenshot (default REPORT_DIR/screenshot.png). Exit 0 when N > 0, M = N and there
# is no error; 1 otherwise; 2 on bad usage or no chromium. Bounded: chromium gets 120 s.
set -u
dir=${1:-}
[ -n "$dir" ] && [ -f "$dir/index.html" ] || { echo "usage: report_check.sh REPORT_DIR [SCREENSHOT.png] (REPORT_DIR/index.html must exist)" >&2; exit 2; }
command -v chromium >/dev/null || { echo "report_check: chromium not found (Debian package chromium)" >&2; exit 2; }
dir=$(cd "$dir" && pwd)
shot=${2:-$dir/screenshot.png}
work=$(mktemp -d "${TMPDIR:-/tmp}/nc-report-check.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
cat > "$work/check.html" <<HTML
<!DOCTYPE html><html><head><meta charset="utf-8"><style>body{margin:0}#result{font:11px monospace;margin:0;height:14px;overflow:hidden}</style></head><body>
<pre id="result">pending</pre>
<iframe id="f" src="file://$dir/index.html" style="border:0;width:1280px;height:3000px"></iframe>
<script>
const errs = [];
window.addEventListener('error', e => errs.push(String(e.message)));
document.getElementById('f').addEventListener('load', () => {
  const out = document.getElementById('result');
  let d;
  try { d = document.getElementById('f').contentDocument; } catch (e) { out.textContent = 'cannot read the page: ' + e; return; }
  if (!d || !d.body) { out.textContent = 'the page did not load'; return; }
  const imgs = Array.from(d.images);
  Promise.all(imgs.map(i => i.complete ? Promise.resolve() : new Promise(r => { i.onload = r; i.onerror = r; }))).then(() => {
    const bad = imgs.filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.id || i.alt || 'unnamed');
    out.textContent = 'images ' + imgs.length + ' loaded ' + (imgs.length - bad.length) + ' broken [' + bad.join(' ') + '] errors [' + errs.join(' | ') + ']';
  });
});
</script></body></html>
HTML
# --no-sandbox: chromium refuses to run as root with its sandbox (CI runs as root).
timeout -k 5 120 chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$work/profile" \
    --allow-file-access-from-files --enable-logging=stderr --v=0 --hide-scrollbars --window-size=1280,3000 \
    --virtual-time-budget=5000 --screenshot="$shot" --dump-dom "file://$work/check.html" \
    > "$work/dom.html" 2> "$work/chromium.log"
st=$?
line=$(grep -o '<pre id="result">[^<]*' "$work/dom.html" | sed 's/<pre id="result">//')
console=$(grep -E 'CONSOLE|Not allowed to load|Failed to load' "$work/chromium.log" | grep -v -i 'dbus' | head -20)
echo "${line:-no result (chromium status $st)}"
[ -n "$console" ] && printf 'console: %s\n' "$console"
[ -s "$shot" ] && echo "screenshot: $shot"
case "$line" in
  "images 0 "*) exit 1 ;;
  images*" broken [] errors []") [ -z "$console" ] && [ -s "$shot" ] && exit 0 ;;
esac
exit 1
