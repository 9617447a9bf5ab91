/* test_spice_netlist.c - netlists are untrusted: the reader (spice_deck.h) accepts only an
 * allow-list of cards, inlines includes itself inside the circuits directory, bounds every
 * size, and validates instances before libngspice sees them. Expected decks are hand-written.
 * Tests named *_end_to_end go through nc_spice_load/nc_spice_load_text (the harness's entry
 * points, which existed before the reader) and failed before it. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "nc_test.h"
#include "spice.h"
#include "spice_deck.h"

static char dir[256];

/* A fresh circuits directory under /tmp (each Criterion test runs in its own process). */
static void tmp_dir(void)
{
    snprintf(dir, sizeof dir, "/tmp/nc_netlist_XXXXXX");
    cr_assert(mkdtemp(dir), "mkdtemp");
}

static void put(const char *rel, const char *text)
{
    char p[512];
    snprintf(p, sizeof p, "%s/%s", dir, rel);
    char *slash = strrchr(p, '/');
    *slash = '\0';
    cr_assert_eq(nc_mkdir_p(p), NC_OK, "%s", nc_err_msg());
    *slash = '/';
    FILE *f = fopen(p, "w");
    cr_assert(f, "cannot write %s", p);
    fputs(text, f);
    fclose(f);
}

static void rm_rf(void)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    cr_expect_eq(system(cmd), 0);
}

/* Reads rel_path and returns its deck as one string, cards separated by '\n' (static). */
static const char *deck_of(const char *rel, const nc_spice_param_t *p, size_t np, int *rc)
{
    static char out[1 << 16];
    nc_spice_deck_t d = {0};
    *rc = nc_spice_read_deck(dir, rel, p, np, &d);
    out[0] = '\0';
    for (size_t i = 0; i < d.n; i++)
        strncat(strncat(out, d.card[i], sizeof out - strlen(out) - 2), "\n",
                sizeof out - strlen(out) - 1);
    nc_spice_deck_free(&d);
    return out;
}

static void expect_deck(const char *rel, const char *want)
{
    int rc;
    const char *got = deck_of(rel, NULL, 0, &rc);
    cr_expect_eq(rc, NC_OK, "%s: %s", rel, nc_err_msg());
    cr_expect_str_eq(got, want, "%s: deck\n%s\nexpected\n%s", rel, got, want);
}

/* The netlist must be refused with NC_ERR_PARSE (or `status`) and a message holding every
 * needle (file:line among them). */
static void expect_refused(const char *rel, int status, const char *n1, const char *n2)
{
    int rc;
    deck_of(rel, NULL, 0, &rc);
    cr_expect_eq(rc, status, "%s: status %d (%s), expected %d: %s", rel, rc, nc_strerror(rc),
                 status, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), n1), "%s: message lacks '%s': %s", rel, n1, nc_err_msg());
    if (n2)
        cr_expect(strstr(nc_err_msg(), n2), "%s: message lacks '%s': %s", rel, n2,
                  nc_err_msg());
}

static const char *const SUB = ".subckt s a b\nR1 a b 1\n.ends\n";

/* ---- every committed netlist passes ---- */

Test(spice_netlist, committed_netlists_are_accepted)
{
    const char *dirs = nc_spice_circuits_dir();
    cr_assert(dirs, "%s", nc_err_msg());
    const char *nets[] = {"lib/tb_jj.cir", "cells/tb_chain.cir", "cells/tb_dcsfq.cir",
                          "cells/tb_dff.cir", "cells/tb_jtl.cir", "cells/tb_jtl16.cir",
                          "cells/tb_mrg.cir", "cells/tb_neuron.cir", "cells/tb_neuron1.cir",
                          "cells/tb_sfqdc.cir", "cells/tb_spl.cir", "cells/tb_syn.cir",
                          "cells/tb_syn2.cir", "cells/tb_tff.cir", "cells/tb_osc.cir",
                          "networks/xor.cir", "networks/xor_hybrid.cir"};
    for (size_t i = 0; i < NC_ARRAY_LEN(nets); i++) {
        nc_spice_deck_t d = {0};
        int rc = nc_spice_read_deck(dirs, nets[i], NULL, 0, &d);
        cr_expect_eq(rc, NC_OK, "%s: %s", nets[i], nc_err_msg());
        nc_spice_deck_free(&d);
    }
}

/* ---- item 1: control blocks, includes, the allow-list ---- */

/* Before the reader, an indented .control ran its shell command (exit 0), and a control block
 * in a file pulled in with '.inc' (passed through to ngspice, which opened it) did too. */
Test(spice_netlist, control_blocks_never_run_end_to_end, .timeout = 30)
{
    tmp_dir();
    char marker[300], text[800];
    snprintf(marker, sizeof marker, "%s/PWNED", dir);
    snprintf(text, sizeof text, "* t\nR1 a 0 1\nI1 0 a dc 1u\n  .control\n  shell touch %s\n"
             "  .endc\n", marker);
    put("indented.cir", text);
    snprintf(text, sizeof text, ".control\nshell touch %s\n.endc\n", marker);
    put("evil.inc", text);
    put("viainc.cir", "* t\nR1 a 0 1\nI1 0 a dc 1u\n.inc evil.inc\n");
    cr_assert_eq(setenv("NC_CIRCUITS", dir, 1), 0);
    nc_spice_tran_t tr = {0.1e-12, 10e-12, 0.1e-12, 20};
    int rc = nc_spice_load("indented.cir", NULL, 0, &tr);
    cr_expect_eq(rc, NC_ERR_PARSE, "indented .control: status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "indented.cir:4"), "%s", nc_err_msg());
    rc = nc_spice_load("viainc.cir", NULL, 0, &tr);
    cr_expect_eq(rc, NC_ERR_PARSE, ".inc with .control: status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "evil.inc:1"), "%s", nc_err_msg());
    cr_expect(access(marker, F_OK) != 0, "a netlist ran a shell command");
    rm_rf();
}

Test(spice_netlist, refused_cards_name_file_and_line)
{
    tmp_dir();
    const char *bad[] = {".control", "  .endc", ".tran 1p 10p", ".options noinit", ".func f(x) {x}",
                         ".ic v(a)=1", ".exec", ".shell ls", "shell ls", ".save all", ".measure tran x",
                         "S1 a 0 b 0 sw", "M1 d g s b nmos", "Q1 c b e npn", "A1 a b m", "#x",
                         ".temp 4", ".csparam x=1", ".option x"};
    for (size_t i = 0; i < NC_ARRAY_LEN(bad); i++) {
        char text[256];
        snprintf(text, sizeof text, "* refused\nR1 a 0 1\n%s\n", bad[i]);
        put("bad.cir", text);
        expect_refused("bad.cir", NC_ERR_PARSE, "bad.cir:3", "refused");
    }
    rm_rf();
}

Test(spice_netlist, accepted_elements_and_cards)
{
    tmp_dir();
    put("ok.cir", "* every accepted card\n"
                  ".param a=1 b={a*2}\n"
                  ".global gg\n"
                  ".model dm d(is=1e-14)\n"
                  ".subckt s x y p=1\nR1 x y {p}\n.ends s\n"
                  "R1 n1 0 1k\nC1 n1 0 1p\nL1 n1 n2 1p\nL2 n2 0 1p\nK1 L1 L2 0.5\n"
                  "V1 n3 0 dc 0\nI1 0 n1 pwl(0 0 1p 1u)\nB1 n4 0 I={V(n1)*1e-3}\n"
                  "E1 n5 0 n1 0 2\nG1 n6 0 value={V(n1)}\nF1 n7 0 V1 1\nH1 n8 0 V1 1\n"
                  "T1 n1 0 n9 0 z0=50 td=1p\nD1 n1 0 dm\nX1 n1 n2 s p=2\n");
    expect_deck("ok.cir", ".param a=1 b={a*2}\n.global gg\n.model dm d(is=1e-14)\n"
                          ".subckt s x y p=1\nR1 x y {p}\n.ends s\n"
                          "R1 n1 0 1k\nC1 n1 0 1p\nL1 n1 n2 1p\nL2 n2 0 1p\nK1 L1 L2 0.5\n"
                          "V1 n3 0 dc 0\nI1 0 n1 pwl(0 0 1p 1u)\nB1 n4 0 I={V(n1)*1e-3}\n"
                          "E1 n5 0 n1 0 2\nG1 n6 0 value={V(n1)}\nF1 n7 0 V1 1\nH1 n8 0 V1 1\n"
                          "T1 n1 0 n9 0 z0=50 td=1p\nD1 n1 0 dm\nX1 n1 n2 s p=2\n");
    rm_rf();
}

Test(spice_netlist, comments_and_continuations)
{
    tmp_dir();
    put("c.cir", "* title comment\n"
                 "R1 a 0 ; the load\n"
                 "* a comment between a card and its continuation\n"
                 "  + 1k $ ohms\n"
                 "\n"
                 "I1 0 a // drive\n"
                 "+ pwl(0 0\n"
                 "+ 1p 1u)\n"
                 "   ; only a comment\n");
    expect_deck("c.cir", "R1 a 0 1k\nI1 0 a pwl(0 0 1p 1u)\n");
    put("lone.cir", "* x\n+ R1 a 0 1\n");
    expect_refused("lone.cir", NC_ERR_PARSE, "lone.cir:2", "continuation");
    rm_rf();
}

Test(spice_netlist, includes_are_inlined_relative_to_the_including_file)
{
    tmp_dir();
    put("lib/parts.lib", "* parts\n.subckt r2 a b\nR1 a b 2\n.ends\n");
    put("lib/sec.lib", "* sections\n.lib fast\n.subckt f a\nR1 a 0 1\n.ends\n.endl\n"
                       ".lib slow\n.subckt sl a\nR1 a 0 9\n.ends\n.endl fast\n");
    put("cells/top.cir", "* top\n.include ../lib/parts.lib\n.inc \"../lib/parts2.lib\"\n"
                         ".lib ../lib/sec.lib slow\nX1 a 0 r2\nX2 a sl\nX3 a q\n");
    put("lib/parts2.lib", ".subckt q a\nR1 a 0 3\n.ends q\n");
    expect_deck("cells/top.cir", ".subckt r2 a b\nR1 a b 2\n.ends\n.subckt q a\nR1 a 0 3\n"
                                 ".ends q\n.subckt sl a\nR1 a 0 9\n.ends\nX1 a 0 r2\nX2 a sl\n"
                                 "X3 a q\n");
    put("cells/nosec.cir", "* x\n.lib ../lib/sec.lib typical\nR1 a 0 1\n");
    expect_refused("cells/nosec.cir", NC_ERR_PARSE, "sec.lib", "'typical' not found");
    put("cells/missing.cir", "* x\nR1 a 0 1\n.include nothere.lib\n");
    expect_refused("cells/missing.cir", NC_ERR_IO, "missing.cir:3", "nothere.lib");
    rm_rf();
}

Test(spice_netlist, include_cycles_and_depth_are_bounded)
{
    tmp_dir();
    put("a.inc", "R1 a 0 1\n.include b.inc\n");
    put("b.inc", "R2 a 0 1\n.include a.inc\n");
    put("cyc.cir", "* x\n.include a.inc\n");
    expect_refused("cyc.cir", NC_ERR_PARSE, "b.inc:2", "includes itself");
    put("self.cir", "* x\nR1 a 0 1\n.include self.cir\n");
    expect_refused("self.cir", NC_ERR_PARSE, "self.cir:3", "includes itself");
    for (int i = 0; i < 12; i++) {
        char name[32], text[64];
        snprintf(name, sizeof name, "d%d.inc", i);
        snprintf(text, sizeof text, "R%d a 0 1\n.include d%d.inc\n", i, i + 1);
        put(name, text);
    }
    put("d12.inc", "R99 a 0 1\n");
    put("deep.cir", "* x\n.include d0.inc\n");
    expect_refused("deep.cir", NC_ERR_PARSE, "d7.inc:2", "deeper than 8");
    rm_rf();
}

/* ---- item 2: long lines, instance validation, bounds ---- */

/* Before the reader, lines over 4095 characters were split silently. */
Test(spice_netlist, long_lines_are_refused_end_to_end, .timeout = 30)
{
    size_t n = 5000;
    char *text = malloc(n + 64);
    int k = snprintf(text, n + 64, "* long\nI1 0 a dc 1u\nR1 a 0 1 ");
    memset(text + k, 'x', n - (size_t)k);
    strcpy(text + n, "\n");
    nc_spice_tran_t tr = {0.1e-12, 10e-12, 0.1e-12, 20};
    int rc = nc_spice_load_text("long.cir", text, &tr);
    cr_expect_eq(rc, NC_ERR_PARSE, "status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "long.cir:3"), "%s", nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "at most 4000"), "%s", nc_err_msg());
    free(text);
}

Test(spice_netlist, joined_continuations_are_bounded)
{
    tmp_dir();
    char *text = malloc(16000), *p = text;
    p += sprintf(p, "* x\nI1 0 a pwl(0 0");
    for (int i = 0; i < 600; i++)
        p += sprintf(p, "\n+ %dp 1u", i + 1);
    sprintf(p, ")\nR1 a 0 1\n");
    put("join.cir", text);
    expect_refused("join.cir", NC_ERR_PARSE, "join.cir:2", "once its continuation");
    free(text);
    rm_rf();
}

/* Text through the reader only (never handed to libngspice): the message and the status. */
static void expect_text_refused(const char *text, const char *n1, const char *n2)
{
    nc_spice_deck_t d = {0};
    int rc = nc_spice_read_deck_text(NULL, "t.cir", text, strlen(text), NULL, 0, &d);
    cr_expect_eq(rc, NC_ERR_PARSE, "'%s': status %d: %s", text, rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), n1), "'%s': message lacks '%s': %s", text, n1, nc_err_msg());
    if (n2)
        cr_expect(strstr(nc_err_msg(), n2), "'%s': message lacks '%s': %s", text, n2,
                  nc_err_msg());
    cr_expect_eq(d.n, 0);
    nc_spice_deck_free(&d);
}

/* Lines that crash or kill libngspice 39, or that it accepts while dropping something. Found by
 * handing them to ngSpice_Circ under ASan: 'B1 a 0' and 'X1 a 0 p jj ic=' and '{1+' make
 * ngspice exit (the process's ngspice is then unusable), an undeclared instance parameter is
 * silently ignored, X lines with the wrong node count or no subcircuit are accepted by
 * ngSpice_Circ. */
Test(spice_netlist, known_crashers_never_reach_ngspice)
{
    char t[512];
    expect_text_refused("* x\nxfoo\nR1 a 0 1\n", "t.cir:2", "at least one node");
    expect_text_refused("* x\nX1 a b\nR1 a 0 1\n", "t.cir:2", "'b' is not defined");
    snprintf(t, sizeof t, "* x\n%sX1 a s\nR1 a 0 1\n", SUB);
    expect_text_refused(t, "t.cir:5", "1 node, but subcircuit 's'");
    snprintf(t, sizeof t, "* x\n%sX1 a b c s\nR1 a 0 1\n", SUB);
    expect_text_refused(t, "t.cir:5", "has 2 ports");
    snprintf(t, sizeof t, "* x\n%sX1 a b s foo=1\nR1 a 0 1\n", SUB);
    expect_text_refused(t, "t.cir:5", "'foo' is not declared");
    snprintf(t, sizeof t, "* x\n%sX1 a b s ic=\nR1 a 0 1\n", SUB);
    expect_text_refused(t, "t.cir:5", "blanks around '='");
    expect_text_refused("* x\nB1 a 0\n", "t.cir:2", "I={EXPR}");
    expect_text_refused("* x\nR1 a 0 {1+\n", "t.cir:2", "never closed");
    expect_text_refused("* x\nR1\n", "t.cir:2", "N1 N2 VALUE");
    expect_text_refused("* x\nR1 a\n", "t.cir:2", "N1 N2 VALUE");
    expect_text_refused("* x\nE1 a 0\n", "t.cir:2", "E1");
    expect_text_refused("* x\nK1 L1\n", "t.cir:2", "K1");
    expect_text_refused("* x\nT1 a 0\n", "t.cir:2", "T1");
    expect_text_refused("* x\nD1 a 0 nomodel\n", "t.cir:2", "'nomodel' is not defined");
    expect_text_refused("* x\n=1u\n", "t.cir:2", NULL);
    expect_text_refused("* x\n}\n", "t.cir:2", NULL);
    expect_text_refused("* x\n1u)\n", "t.cir:2", NULL);
    expect_text_refused("* x\nR1 a 0 1 )\n", "t.cir:2", "without its '('");
    expect_text_refused("* x\nR1 a$b 0 1\n", "t.cir:2", "node 'a$b'");
    expect_text_refused("* x\nR1 a 0 1\nR2 a\xc3\xa9 0 1\n", "t.cir:3", "0xc3");
    expect_text_refused("* x\n.subckt s a\nX1 a s\n.ends\nX1 n s\n", "t.cir:2", "itself");
    expect_text_refused("* x\n.subckt s a\nR1 a 0 1\n", "t.cir:2", "no .ends");
    expect_text_refused("* x\n.subckt s a\n.subckt t b\n.ends\n.ends\n", "t.cir:3", "nested");
    expect_text_refused("* x\n.ends\n", "t.cir:2", "without a .subckt");
    expect_text_refused("* x\n.subckt s a\n.ends\n.subckt S b\n.ends\nX1 a s\n", "t.cir:4",
                        "already defined at t.cir:2");
    expect_text_refused("* x\n.subckt s a\nR1 a 0 1\n.ends\n", "t.cir", "no element");
    expect_text_refused("* x\n.param a 1\nR1 a 0 1\n", "t.cir:2", "NAME=VALUE");
    expect_text_refused("* x\n.param a=1 b = 2\nR1 a 0 1\n", "t.cir:2", "blanks around");
    nc_spice_deck_t d = {0};
    const char *inc = "* x\n.include x.lib\nR1 a 0 1\n";
    cr_expect_eq(nc_spice_read_deck_text(NULL, "t.cir", inc, strlen(inc), NULL, 0, &d), NC_ERR_IO);
    cr_expect(strstr(nc_err_msg(), "t.cir:2"), "%s", nc_err_msg());
}

Test(spice_netlist, names_are_bounded)
{
    char t[512], name[100];
    memset(name, 'n', 64);
    name[64] = '\0';
    snprintf(t, sizeof t, "* x\nR1 %s 0 1\n", name);
    expect_text_refused(t, "t.cir:2", "up to 63");
    snprintf(t, sizeof t, "* x\nR%s 0 a 1\n", name);
    expect_text_refused(t, "t.cir:2", "at most 63");
    name[63] = '\0';
    snprintf(t, sizeof t, "* x\nR1 %s 0 1\n", name); /* 63 characters: fine */
    nc_spice_deck_t d = {0};
    cr_expect_eq(nc_spice_read_deck_text(NULL, "t.cir", t, strlen(t), NULL, 0, &d), NC_OK, "%s",
                 nc_err_msg());
    nc_spice_deck_free(&d);
}

Test(spice_netlist, deck_size_is_bounded)
{
    /* lines */
    size_t n = 50001;
    char *text = malloc(n * 4 + 16), *p = text;
    for (size_t i = 0; i < n; i++)
        p += sprintf(p, "*c\n");
    expect_text_refused(text, "t.cir:50001", "more than 50000 lines");
    free(text);
    /* bytes */
    size_t big = NC_DECK_MAX_BYTES + 10;
    text = malloc(big + 1);
    memset(text, '\n', big);
    text[big] = '\0';
    expect_text_refused(text, "t.cir", "at most 2097152");
    free(text);
    /* elements once expanded: 6 levels of 10 instances = 10^6 resistors */
    char t[2048];
    p = t + sprintf(t, "* x\n.subckt s0 a\nR1 a 0 1\n.ends\n");
    for (int lvl = 1; lvl <= 6; lvl++) {
        p += sprintf(p, ".subckt s%d a\n", lvl);
        for (int k = 0; k < 10; k++)
            p += sprintf(p, "X%d a s%d\n", k, lvl - 1);
        p += sprintf(p, ".ends\n");
    }
    sprintf(p, "Xtop n s6\n");
    expect_text_refused(t, "t.cir", "more than 100000 elements");
}

Test(spice_netlist, file_count_is_bounded)
{
    tmp_dir();
    char text[4096], *p = text;
    p += sprintf(p, "* x\nR0 a 0 1\n");
    for (int i = 0; i < 70; i++) {
        char name[32], body[32];
        snprintf(name, sizeof name, "f%d.inc", i);
        snprintf(body, sizeof body, "R%d a 0 1\n", i + 1);
        put(name, body);
        p += sprintf(p, ".include f%d.inc\n", i);
    }
    put("many.cir", text);
    expect_refused("many.cir", NC_ERR_PARSE, "many.cir:66", "more than 64 files");
    rm_rf();
}

/* ---- item 3: paths stay inside the circuits directory ---- */

Test(spice_netlist, paths_outside_the_circuits_dir_are_refused)
{
    tmp_dir();
    char outside[300], link[300], text[400];
    snprintf(outside, sizeof outside, "%s_outside.inc", dir);
    FILE *f = fopen(outside, "w");
    cr_assert(f);
    fputs("R9 a 0 1\n", f);
    fclose(f);
    put("sub/x.cir", "* x\nR1 a 0 1\n");
    put("up.cir", "* x\nR1 a 0 1\n.include ../../etc/passwd\n");
    expect_refused("up.cir", NC_ERR_PARSE, "up.cir:3", "outside the circuits directory");
    snprintf(text, sizeof text, "* x\nR1 a 0 1\n.include %s\n", outside);
    put("abs.cir", text);
    expect_refused("abs.cir", NC_ERR_PARSE, "abs.cir:3", "absolute paths are refused");
    snprintf(text, sizeof text, "* x\nR1 a 0 1\n.include ../%s\n", strrchr(outside, '/') + 1);
    put("sib.cir", text); /* a sibling whose name starts like the directory's */
    expect_refused("sib.cir", NC_ERR_PARSE, "sib.cir:3", "outside the circuits directory");
    snprintf(link, sizeof link, "%s/link.inc", dir);
    cr_assert_eq(symlink(outside, link), 0);
    put("sym.cir", "* x\nR1 a 0 1\n.include link.inc\n");
    expect_refused("sym.cir", NC_ERR_PARSE, "sym.cir:3", "outside the circuits directory");
    snprintf(link, sizeof link, "%s/inside.inc", dir);
    cr_assert_eq(symlink("sub/x.cir", link), 0); /* a symlink that stays inside is fine */
    put("symok.cir", "* x\n.include inside.inc\n");
    expect_deck("symok.cir", "R1 a 0 1\n");
    /* the top netlist too */
    expect_refused("../../etc/passwd", NC_ERR_PARSE, "outside the circuits directory", NULL);
    expect_refused("/etc/passwd", NC_ERR_PARSE, "absolute paths are refused", NULL);
    expect_refused("link.inc", NC_ERR_PARSE, "outside the circuits directory", NULL);
    expect_refused("sub", NC_ERR_PARSE, "not a regular file", NULL);
    unlink(outside);
    rm_rf();
}

/* Before: nc_spice_load opened "../<anything>" relative to circuits/. */
Test(spice_netlist, top_netlist_outside_is_refused_end_to_end, .timeout = 30)
{
    tmp_dir();
    char outside[300];
    snprintf(outside, sizeof outside, "%s_out.cir", dir);
    FILE *f = fopen(outside, "w");
    cr_assert(f);
    fputs("* outside\nR1 a 0 1\nI1 0 a dc 1u\n", f);
    fclose(f);
    cr_assert_eq(setenv("NC_CIRCUITS", dir, 1), 0);
    nc_spice_tran_t tr = {0.1e-12, 10e-12, 0.1e-12, 20};
    char rel[300];
    snprintf(rel, sizeof rel, "../%s", strrchr(outside, '/') + 1);
    int rc = nc_spice_load(rel, NULL, 0, &tr);
    cr_expect_eq(rc, NC_ERR_PARSE, "status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "outside the circuits directory"), "%s", nc_err_msg());
    unlink(outside);
    rm_rf();
}

/* ---- item 4: --param changes only the assignment it names ---- */

Test(spice_netlist, param_override_changes_one_assignment)
{
    tmp_dir();
    put("p.cir", "* x\n.param a=1 b={a+1} c=3\n.subckt s n p=1\n.param b=7\nR1 n 0 {p}\n.ends\n"
                 "R1 n 0 {b}\n");
    nc_spice_param_t p[] = {{"b", 5.5}};
    int rc;
    const char *got = deck_of("p.cir", p, 1, &rc);
    cr_expect_eq(rc, NC_OK, "%s", nc_err_msg());
    /* only the top-level b changes; the .param inside the subcircuit is its own */
    cr_expect_str_eq(got, ".param a=1 b=5.5 c=3\n.subckt s n p=1\n.param b=7\nR1 n 0 {p}\n"
                          ".ends\nR1 n 0 {b}\n");
    nc_spice_param_t q[] = {{"p", 2}};
    deck_of("p.cir", q, 1, &rc);
    cr_expect_eq(rc, NC_ERR_PARSE, "a name assigned only inside a .subckt: %s", nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "'p'"), "%s", nc_err_msg());
    rm_rf();
}

/* Simulated: I = a uA into R = b || c. With b overridden to 5: 1 uA * (5*3/8) = 1.875 uV. The
 * old harness replaced the whole line with '.param b=5', leaving a and c undefined. */
Test(spice_netlist, param_override_end_to_end, .timeout = 60)
{
    tmp_dir();
    put("p.cir", "* x\n.param a=1 b=2 c=3\nI1 0 n dc {a*1u}\nR1 n 0 {b}\nR2 n 0 {c}\n");
    cr_assert_eq(setenv("NC_CIRCUITS", dir, 1), 0);
    nc_spice_tran_t tr = {1e-12, 10e-12, 1e-12, 20};
    nc_spice_param_t p[] = {{"b", 5}};
    cr_assert_eq(nc_spice_load("p.cir", p, 1, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    double *v;
    size_t n;
    cr_assert_eq(nc_spice_vec("n", &v, &n), NC_OK, "%s", nc_err_msg());
    cr_expect(fabs(v[n - 1] - 1.875e-6) < 1e-12, "v(n) = %g V, expected 1.875e-6", v[n - 1]);
    free(v);
    rm_rf();
}

/* A top-level parameter's value, read from the deck (the rate model's weights come from the
 * network netlist this way): SPICE scale suffixes, the last assignment, nothing inside a
 * .subckt, and an expression refused. Expected values written by hand. */
Test(spice_netlist, top_level_param_values)
{
    const char *t = ".param a=51.1u b=2meg\n.param c=-3.5e-3 d={a*2}\n.param e=1.5x f=7\n"
                    ".subckt s n g=4\n.param f=9\nR1 n 0 1\n.ends\n.param a=52u\nR1 n 0 1\n";
    nc_spice_deck_t d = {0};
    cr_assert_eq(nc_spice_read_deck_text(NULL, "p.cir", t, strlen(t), NULL, 0, &d), NC_OK, "%s",
                 nc_err_msg());
    double v = 0;
    cr_expect_eq(nc_spice_deck_param(&d, "A", &v), NC_OK, "%s", nc_err_msg());
    cr_expect(fabs(v - 52e-6) < 1e-18, "a: %g, expected its last assignment 52e-6", v);
    cr_expect_eq(nc_spice_deck_param(&d, "b", &v), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(v, 2e6);
    cr_expect_eq(nc_spice_deck_param(&d, "c", &v), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(v, -3.5e-3);
    cr_expect_eq(nc_spice_deck_param(&d, "f", &v), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(v, 7, "f: %g, expected the top-level 7 (not the subcircuit's 9)", v);
    cr_expect_eq(nc_spice_deck_param(&d, "d", &v), NC_ERR_PARSE, "an expression");
    cr_expect(strstr(nc_err_msg(), "'d'") && strstr(nc_err_msg(), "expression"), "%s",
              nc_err_msg());
    cr_expect_eq(nc_spice_deck_param(&d, "e", &v), NC_ERR_PARSE, "an unknown suffix");
    cr_expect(strstr(nc_err_msg(), "1.5x"), "%s", nc_err_msg());
    cr_expect_eq(nc_spice_deck_param(&d, "g", &v), NC_ERR_PARSE, "a subcircuit's parameter");
    cr_expect_eq(nc_spice_deck_param(&d, "zz", &v), NC_ERR_PARSE, "no such parameter");
    nc_spice_deck_free(&d);
}
