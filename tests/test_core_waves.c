/* test_core_waves.c - make waves opens a waveform with the layout that fits its content, not
 * its name (cosim/waves.sh): an RTL trace under any file name gets its IP's saved layout;
 * a file that is not an FST, or no file, is refused with exit 2. And nc_wave_merge_n keeps
 * every change of every input on one time axis. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "gtkwave/fstapi.h"
#include "nc_test.h"
#include "nc_wave_merge.h"
#include "vmodel.h"

static char out[8192];

static int waves_print(const char *path)
{
    return nc_test_sh(out, sizeof out, 60, "cosim/waves.sh --print %s", path);
}

Test(core_waves, layout_is_chosen_by_content, .timeout = 60)
{
    char path[512];
    snprintf(path, sizeof path, "%s/zz_renamed_%d.fst", nc_test_wave_dir(), (int)getpid());
    vmodel_t *m = vmodel_open_name("scratch");
    cr_assert(m, "%s", nc_err_msg());
    cr_assert_eq(vmodel_trace_open(m, path), NC_OK, "%s", nc_err_msg());
    uint32_t v = 0;
    cr_assert_eq(vmodel_write32(m, 0x100, 0x1234), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(vmodel_read32(m, 0x100, &v), NC_OK, "%s", nc_err_msg());
    vmodel_step(m, 8);
    vmodel_trace_close(m);
    vmodel_close(m);
    cr_assert_eq(waves_print(path), 0, "%s", out);
    cr_assert(strstr(out, "rtl/scratch/scratch.gtkw") && strstr(out, path), "%s", out);
    unlink(path);
}

Test(core_waves, missing_or_foreign_files_are_refused, .timeout = 30)
{
    cr_assert_eq(waves_print("/nonexistent/dir/w.fst"), 2, "%s", out);
    cr_assert(strstr(out, "no such file"), "%s", out);
    char path[64];
    snprintf(path, sizeof path, "/tmp/nc_notfst_%d.fst", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("this is not a waveform\n", f);
    fclose(f);
    cr_assert_eq(waves_print(path), 2, "%s", out);
    cr_assert(strstr(out, "not an FST"), "%s", out);
    unlink(path);
}

/* nc_wave_merge_n: two FSTs (one streamed: the larger; the other held in memory) and extra
 * signals become one waveform on one picosecond axis, every change of every input kept, times
 * mapped as given. Expected values written by hand. */
typedef struct seen {
    char name[8][16];
    fstHandle h[8];
    size_t nvar;
    uint64_t t[8][256];
    uint64_t v[8][256];
    size_t n[8];
} seen_t;

static void write_fst(const char *path, const char *var, unsigned width, const uint64_t *t,
                      const uint64_t *v, size_t n)
{
    void *w = fstWriterCreate(path, 1);
    cr_assert(w, "cannot create %s", path);
    fstWriterSetTimescale(w, -9); /* ns */
    fstWriterSetScope(w, FST_ST_VCD_MODULE, "top", NULL);
    fstHandle h = fstWriterCreateVar(w, FST_VT_VCD_REG, FST_VD_IMPLICIT, width, var, 0);
    fstWriterSetUpscope(w);
    for (size_t i = 0; i < n; i++) {
        char bits[65];
        for (unsigned b = 0; b < width; b++)
            bits[b] = (char)('0' + ((v[i] >> (width - 1 - b)) & 1u));
        bits[width] = '\0';
        fstWriterEmitTimeChange(w, t[i]);
        fstWriterEmitValueChange(w, h, bits);
    }
    fstWriterClose(w);
}

static void on_seen(void *user, uint64_t time, fstHandle fac, const unsigned char *value)
{
    seen_t *s = user;
    for (size_t k = 0; k < s->nvar; k++)
        if (s->h[k] == fac && s->n[k] < 256) {
            uint64_t v = 0;
            for (const unsigned char *p = value; *p == '0' || *p == '1'; p++)
                v = 2 * v + (uint64_t)(*p - '0');
            s->t[k][s->n[k]] = time, s->v[k][s->n[k]++] = v;
        }
}

static void read_fst(const char *path, seen_t *s)
{
    memset(s, 0, sizeof *s);
    void *r = fstReaderOpen(path);
    cr_assert(r, "cannot read %s", path);
    cr_expect_eq(fstReaderGetTimescale(r), -12, "timescale");
    struct fstHier *h;
    while ((h = fstReaderIterateHier(r)))
        if (h->htyp == FST_HT_VAR && !h->u.var.is_alias && s->nvar < 8) {
            snprintf(s->name[s->nvar], sizeof s->name[0], "%s", h->u.var.name);
            s->h[s->nvar++] = h->u.var.handle;
        }
    fstReaderSetFacProcessMaskAll(r);
    cr_assert(fstReaderIterBlocks(r, on_seen, s, NULL));
    fstReaderClose(r);
}

static size_t var_of(const seen_t *s, const char *name)
{
    for (size_t k = 0; k < s->nvar; k++)
        if (!strcmp(s->name[k], name))
            return k;
    cr_assert_fail("no variable %s in the merged waveform", name);
    return 0;
}

static void merge_case(size_t many_a, size_t many_b)
{
    char pa[512], pb[512], po[512];
    int pid = (int)getpid();
    snprintf(pa, sizeof pa, "%s/zz_merge_a_%d.fst", nc_test_wave_dir(), pid);
    snprintf(pb, sizeof pb, "%s/zz_merge_b_%d.fst", nc_test_wave_dir(), pid);
    snprintf(po, sizeof po, "%s/zz_merge_out_%d.fst", nc_test_wave_dir(), pid);
    /* a: a counter changing every ns from 0 ns (many_a changes); b: every 2 ns from 0 */
    uint64_t ta[200], va[200], tb[200], vb[200];
    for (size_t i = 0; i < many_a; i++)
        ta[i] = i, va[i] = i & 0xff;
    for (size_t i = 0; i < many_b; i++)
        tb[i] = 2 * i, vb[i] = (i * 7) & 0xff;
    write_fst(pa, "ca", 8, ta, va, many_a);
    write_fst(pb, "cb", 8, tb, vb, many_b);
    /* a at output time t_ps = (t - 0) * 1000; b from its 4 ns on, at 500 ps + (t - 4) * 1000 */
    nc_wave_in_t in[2] = {{pa, 0, 1000.0, 0, "ina"}, {pb, 4, 1000.0, 500, "inb"}};
    nc_wave_var_t vars[1] = {{"ev", 4}};
    /* the last one after both inputs' ends */
    nc_wave_ev_t ev[4] = {{0, 0, 1}, {3000, 0, 5}, {3500, 0, 9}, {1000000, 0, 3}};
    cr_assert_eq(nc_wave_merge_n(in, 2, "extra", vars, 1, ev, 4, po), NC_OK, "%s", nc_err_msg());
    seen_t s;
    read_fst(po, &s);
    size_t ka = var_of(&s, "ca"), kb = var_of(&s, "cb"), ke = var_of(&s, "ev");
    cr_expect_eq(s.n[ka], many_a, "ca: %zu changes, %zu written", s.n[ka], many_a);
    for (size_t i = 0; i < s.n[ka] && i < many_a; i++)
        cr_expect(s.t[ka][i] == 1000 * i && s.v[ka][i] == (i & 0xff), "ca change %zu: %llu ps "
                  "= %llu", i, (unsigned long long)s.t[ka][i], (unsigned long long)s.v[ka][i]);
    /* b's changes before 4 ns (at 0 and 2 ns) are dropped */
    cr_expect_eq(s.n[kb], many_b - 2, "cb: %zu changes", s.n[kb]);
    for (size_t i = 0; i < s.n[kb] && i + 2 < many_b; i++)
        cr_expect(s.t[kb][i] == 500 + 2000 * i && s.v[kb][i] == (((i + 2) * 7) & 0xff),
                  "cb change %zu: %llu ps = %llu", i, (unsigned long long)s.t[kb][i],
                  (unsigned long long)s.v[kb][i]);
    cr_expect_eq(s.n[ke], 4, "ev: %zu changes", s.n[ke]);
    cr_expect(s.t[ke][0] == 0 && s.v[ke][0] == 1 && s.t[ke][1] == 3000 && s.v[ke][1] == 5 &&
              s.t[ke][2] == 3500 && s.v[ke][2] == 9 && s.t[ke][3] == 1000000 && s.v[ke][3] == 3,
              "ev changes");
    unlink(pa), unlink(pb), unlink(po);
}

Test(core_waves, merge_keeps_every_change_b_streamed, .timeout = 30) { merge_case(20, 150); }
Test(core_waves, merge_keeps_every_change_a_streamed, .timeout = 30) { merge_case(180, 12); }
