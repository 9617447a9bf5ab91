/* fuzz_spice_netlist.c - libFuzzer target: the netlist reader and validator (spice_deck.h)
 * on arbitrary bytes, without libngspice. The input is written as top.cir into a temporary
 * circuits directory that also holds a companion library (lib/parts.lib, with a .lib section)
 * and a file that includes top.cir back (cycle.inc), so includes, sections, cycles and the
 * path rules are reached; the same bytes also go through the text entry point. Two parameter
 * overrides (a, b) exercise the .param rewriting. Corpus: tests/fuzz/corpus/spice_netlist/.
 *
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_DEFAULT_SOURCE \
 *     -Ihost/common -Icosim -Icosim/spice tests/fuzz/fuzz_spice_netlist.c \
 *     cosim/spice/spice_deck.c host/common/nc_error.c host/common/nc_util.c -lm -o fuzz
 *   ./fuzz tests/fuzz/corpus/spice_netlist -max_total_time=60
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nc_error.h"
#include "spice_deck.h"

static char dir[64];

static void put(const char *rel, const void *data, size_t n)
{
    char p[256];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    FILE *f = fopen(p, "wb");
    if (!f)
        abort();
    if (n && fwrite(data, 1, n, f) != n)
        abort();
    fclose(f);
}

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/nc_fuzz_spice_XXXXXX");
    if (!mkdtemp(dir))
        abort();
    char lib[128];
    snprintf(lib, sizeof lib, "%s/lib", dir);
    mkdir(lib, 0755);
    const char *parts = "* companion library\n"
                        ".subckt jtl in out pol=1\nR1 in n 2\nL1 n out 2p\n.ends jtl\n"
                        ".lib fast\n.subckt f a\nR1 a 0 1\n.ends\n.endl\n"
                        ".lib slow\n.include ../cycle.inc\n.endl slow\n";
    put("lib/parts.lib", parts, strlen(parts));
    const char *cycle = ".include top.cir\n";
    put("cycle.inc", cycle, strlen(cycle));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!dir[0])
        setup();
    static const nc_spice_param_t params[] = {{"a", 1.5}, {"b", -2e-6}};
    nc_spice_deck_t deck = {0};
    put("top.cir", data, size);
    int rc = nc_spice_read_deck(dir, "top.cir", params, 2, &deck);
    if (rc == NC_OK && deck.n == 0)
        abort(); /* an accepted netlist has at least one element */
    nc_spice_deck_free(&deck);
    rc = nc_spice_read_deck(dir, "top.cir", NULL, 0, &deck);
    if (rc == NC_OK) { /* the parameter lookup over whatever the reader accepted */
        static const char *const names[] = {"a", "b", "wa1", "bias", ""};
        for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
            double v;
            size_t len;
            const char *t = nc_spice_deck_param_text(&deck, names[i], &len);
            if (nc_spice_deck_param(&deck, names[i], &v) == NC_OK && (!t || !isfinite(v)))
                abort(); /* a value must come from an assignment and be finite */
        }
    }
    nc_spice_deck_free(&deck);
    rc = nc_spice_read_deck_text(dir, "fuzz.cir", (const char *)data, size, params, 1, &deck);
    (void)rc;
    nc_spice_deck_free(&deck);
    return 0;
}
