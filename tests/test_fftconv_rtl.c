/*
 * test_fftconv_rtl.c - the Verilated accelerator (through its driver) against the bit-exact
 * model: zero differing samples and equal saturation counts on random, impulse, full-scale
 * positive and negative, alternating and all-zero inputs, for every L from 256 to 16384
 * (65536 under make verify), P = 1, 2, 4, dense, partial and frequency-sparse modes; the cycle
 * count against the spec's schedule and the bound. The packed mode (MODE.PACKED,
 * real-input packing) likewise against fftconv_model_run_packed, dense and partial.
 */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftconv_cosim.h"
#include "fftconv_drv.h"
#include "fftconv_model.h"
#include "fftconv_ref.h"
#include "fftconv_regs.h"
#include "fftconv_signals.h"
#include "nc_test.h"
#include "vmodel.h"

/* L = 2^20 (fftconv_m1): the SQNR floor against FFTW. Measured (seeds 241, 242): packed
 * 59.2 dB, unpacked 60.7 (README, "Accuracy": 70.8 and 73.1 at 64K; the 24-bit datapath's
 * rounding noise grows against a signal that the forward transform halves at every stage, about
 * 3 dB a doubling of L). */
#define FULL_LENGTH_SQNR_DB 55.0

typedef struct {
    unsigned p;
    unsigned log2l_lo, log2l_hi;
    int mode; /* 0 dense, 1 partial (Lk = L/8), 2 freq-sparse (F = L/16 + 3; packed L/16) */
    uint64_t seed;
    bool packed;
} sweep_t;

/* The device's schedule for c: packed or not. */
static uint64_t sched(const fftconv_cfg_t *c, unsigned p, bool packed)
{
    return packed ? fftconv_model_cycles_packed(c, p) : fftconv_model_cycles(c, p);
}

/* Loads the spectrum ks (M words) of c's block: as is, or packed. */
static int load_ks(fftconv_dev_t *dev, const fftconv_cfg_t *c, uint32_t *ks)
{
    if (!dev->packed)
        return fftconv_load_spectrum(dev, ks, c->kexp);
    size_t lk = (size_t)1 << c->log2lk;
    uint32_t *kp = malloc(lk * sizeof *kp);
    int rc = kp ? fftconv_kspec_pack(ks, c->log2lk, kp) : NC_ERR_NOMEM;
    if (!rc)
        rc = fftconv_load_spectrum_packed(dev, kp, c->kexp);
    if (!rc) /* the model takes the packed words too */
        memcpy(ks, kp, lk * sizeof *kp);
    free(kp);
    return rc;
}

static int model_run(bool packed, const fftconv_cfg_t *c, const int16_t *u, const uint32_t *ks,
                     int16_t *y, uint64_t *sat)
{
    return packed ? fftconv_model_run_packed(c, u, ks, y, sat) : fftconv_model_run(c, u, ks, y, sat);
}

static void cfg_for(const sweep_t *s, unsigned log2l, fftconv_cfg_t *c)
{
    memset(c, 0, sizeof *c);
    c->log2l = log2l;
    c->log2lk = s->mode == 1 ? log2l - 3 : log2l;
    /* packed: an even F (a pair (f, Mh - f) with f < F next to a pruned one) */
    c->freq_bins = s->mode == 2 ? (1u << (log2l - 4)) + (s->packed ? 0 : 3) : 0;
    c->d = 9830; /* D = 0.3 */
}

/* One size: every input family through the RTL and the model. */
static int run_size(vmodel_t *m, fftconv_dev_t *dev, const sweep_t *s, unsigned log2l,
                    nc_rng_t *r, char *msg, size_t len)
{
    size_t l = (size_t)1 << log2l;
    fftconv_cfg_t c;
    cfg_for(s, log2l, &c);
    int16_t *u = malloc(l * 2), *k = malloc(l * 2), *yr = malloc(l * 2), *ym = malloc(l * 2);
    uint32_t *ks = malloc(4 * l * sizeof *ks);
    int rc = (!u || !k || !yr || !ym || !ks) ? NC_ERR_NOMEM : NC_OK;
    if (!rc)
        rc = fftconv_make_kernel(r, (size_t)1 << c.log2lk, 1.0, k);
    if (!rc)
        rc = fftconv_set_packed(dev, s->packed);
    if (!rc)
        rc = fftconv_configure(dev, &c);
    if (!rc)
        rc = fftconv_kernel_spectrum(k, (size_t)1 << c.log2lk, c.freq_bins, ks, &c.kexp);
    if (!rc)
        rc = load_ks(dev, &c, ks);
    if (rc)
        snprintf(msg, len, "L=%zu setup: %s", l, nc_err_msg());
    for (int sig = 0; !rc && sig < FFTCONV_SIG_COUNT; sig++) {
        fftconv_make_input((enum fftconv_sig)sig, r, u, l);
        fftconv_result_t res;
        uint64_t sat = 0;
        if ((rc = fftconv_run(dev, u, yr, &res))) {
            snprintf(msg, len, "L=%zu %s: %s", l, fftconv_sig_name(sig), nc_err_msg());
            break;
        }
        if ((rc = model_run(s->packed, &c, u, ks, ym, &sat))) {
            snprintf(msg, len, "model: %s", nc_err_msg());
            break;
        }
        size_t diff = 0, first = 0;
        for (size_t t = l; t-- > 0;)
            if (yr[t] != ym[t])
                diff++, first = t;
        if (diff) {
            snprintf(msg, len, "P=%u L=%zu Lk=%u F=%u%s %s: %zu of %zu samples differ; first "
                     "y[%zu] RTL %d model %d", s->p, l, 1u << c.log2lk, c.freq_bins,
                     s->packed ? " packed" : "",
                     fftconv_sig_name(sig), diff, l, first, yr[first], ym[first]);
            rc = NC_ERR_MISMATCH;
        } else if (res.sat_count != (sat > 0xffffffffu ? 0xffffffffu : sat)) {
            snprintf(msg, len, "P=%u L=%zu %s: SAT_COUNT %u, model %llu", s->p, l,
                     fftconv_sig_name(sig), res.sat_count, (unsigned long long)sat);
            rc = NC_ERR_MISMATCH;
        } else if (res.cycles != sched(&c, s->p, s->packed)) {
            snprintf(msg, len, "P=%u L=%zu Lk=%u F=%u%s: CYCLES %u, the schedule says %llu", s->p,
                     l, 1u << c.log2lk, c.freq_bins, s->packed ? " packed" : "", res.cycles,
                     (unsigned long long)sched(&c, s->p, s->packed));
            rc = NC_ERR_MISMATCH;
        } else if (res.stalls != fftconv_model_stalls(&c, s->p, s->packed)) {
            snprintf(msg, len, "P=%u L=%zu Lk=%u F=%u%s: STALLS %u, the schedule says %llu", s->p,
                     l, 1u << c.log2lk, c.freq_bins, s->packed ? " packed" : "", res.stalls,
                     (unsigned long long)fftconv_model_stalls(&c, s->p, s->packed));
            rc = NC_ERR_MISMATCH;
        }
    }
    (void)m;
    free(u), free(k), free(yr), free(ym), free(ks);
    return rc;
}

static int sweep_case(void *arg, const char *wave, char *msg, size_t len)
{
    const sweep_t *s = arg;
    char name[32];
    snprintf(name, sizeof name, "fftconv_p%u", s->p);
    vmodel_t *m = vmodel_open_name(name);
    if (!m) {
        snprintf(msg, len, "%s", nc_err_msg());
        return NC_ERR_ARG;
    }
    int rc = wave ? vmodel_trace_open(m, wave) : NC_OK;
    fftconv_dev_t dev;
    if (!rc)
        rc = fftconv_open(vmodel_bus(m), &dev);
    if (rc)
        snprintf(msg, len, "%s", nc_err_msg());
    nc_rng_t r;
    nc_rng_seed(&r, s->seed);
    for (unsigned lg = s->log2l_lo; !rc && lg <= s->log2l_hi; lg++)
        rc = run_size(m, &dev, s, lg, &r, msg, len);
    vmodel_close(m);
    return rc;
}

static void sweep_mode(unsigned p, int mode, bool packed, uint64_t seed_default)
{
    sweep_t s = {p, 8, nc_test_verify() ? 16 : 14, mode, nc_test_seed(seed_default), packed};
    static const char *const modes[] = {"dense", "partial", "sparse"};
    char name[64];
    snprintf(name, sizeof name, "fftconv_p%u_%s%s", p, packed ? "packed_" : "", modes[mode]);
    nc_test_run_case(name, s.seed, sweep_case, &s);
}

static void sweep(unsigned p, int mode, uint64_t seed_default) { sweep_mode(p, mode, false, seed_default); }

Test(fftconv_rtl, p1_dense, .timeout = 300) { sweep(1, 0, 201); }
Test(fftconv_rtl, p2_dense, .timeout = 300) { sweep(2, 0, 202); }
Test(fftconv_rtl, p4_dense, .timeout = 300) { sweep(4, 0, 203); }
Test(fftconv_rtl, p1_partial, .timeout = 300) { sweep(1, 1, 204); }
Test(fftconv_rtl, p2_partial, .timeout = 300) { sweep(2, 1, 205); }
Test(fftconv_rtl, p4_partial, .timeout = 300) { sweep(4, 1, 206); }
Test(fftconv_rtl, p1_sparse, .timeout = 300) { sweep(1, 2, 207); }
Test(fftconv_rtl, p2_sparse, .timeout = 300) { sweep(2, 2, 208); }
Test(fftconv_rtl, p4_sparse, .timeout = 300) { sweep(4, 2, 209); }
Test(fftconv_rtl, p1_packed_dense, .timeout = 300) { sweep_mode(1, 0, true, 231); }
Test(fftconv_rtl, p2_packed_dense, .timeout = 300) { sweep_mode(2, 0, true, 232); }
Test(fftconv_rtl, p4_packed_dense, .timeout = 300) { sweep_mode(4, 0, true, 233); }
Test(fftconv_rtl, p1_packed_partial, .timeout = 300) { sweep_mode(1, 1, true, 234); }
Test(fftconv_rtl, p2_packed_partial, .timeout = 300) { sweep_mode(2, 1, true, 235); }
Test(fftconv_rtl, p4_packed_partial, .timeout = 300) { sweep_mode(4, 1, true, 236); }
Test(fftconv_rtl, p1_packed_sparse, .timeout = 300) { sweep_mode(1, 2, true, 237); }
Test(fftconv_rtl, p2_packed_sparse, .timeout = 300) { sweep_mode(2, 2, true, 238); }
Test(fftconv_rtl, p4_packed_sparse, .timeout = 300) { sweep_mode(4, 2, true, 239); }

/* Corner configurations: the smallest block, partial + sparse together, F = 1 and F = Lk,
 * extreme D, output gain, kernels whose spectrum needs a large exponent. */
typedef struct {
    unsigned p;
    uint64_t seed;
    bool packed; /* packed mode */
} corner_t;

static int corner_case(void *arg, const char *wave, char *msg, size_t len)
{
    const corner_t *cs = arg;
    static const struct { unsigned log2l, log2lk; uint32_t f; int16_t d; unsigned oshift; double gain; } cfgs[] = {
        {10, 5, 0, 0, 0, 1.0},       {10, 5, 1, 0, 0, 1.0},    {10, 5, 32, -32768, 0, 1.0},
        {11, 7, 9, 32767, 2, 1.0},   {9, 9, 1, 0, 8, 1.0},     {9, 9, 512, 100, 0, 1.0},
        {10, 8, 0, 0, 0, 200.0},     {10, 10, 0, -5, 0, 3000.0}, {8, 6, 3, 0, 4, 0.25},
        {12, 12, 64, 0, 0, 1.0},     {10, 8, 6, 77, 1, 1.0},
    };
    char name[32];
    snprintf(name, sizeof name, "fftconv_p%u", cs->p);
    vmodel_t *m = vmodel_open_name(name);
    if (!m)
        return snprintf(msg, len, "%s", nc_err_msg()), NC_ERR_ARG;
    fftconv_dev_t dev;
    int rc = wave ? vmodel_trace_open(m, wave) : NC_OK;
    if (!rc && ((rc = fftconv_open(vmodel_bus(m), &dev)) || (rc = fftconv_set_packed(&dev, cs->packed))))
        snprintf(msg, len, "%s", nc_err_msg());
    nc_rng_t r;
    nc_rng_seed(&r, cs->seed);
    for (size_t i = 0; !rc && i < NC_ARRAY_LEN(cfgs); i++) {
        fftconv_cfg_t c = {cfgs[i].log2l, cfgs[i].log2lk, cfgs[i].f, cfgs[i].d, 0, cfgs[i].oshift};
        size_t l = (size_t)1 << c.log2l, lk = (size_t)1 << c.log2lk;
        int16_t *u = malloc(l * 2), *k = malloc(lk * 2), *yr = malloc(l * 2), *ym = malloc(l * 2);
        uint32_t *ks = malloc(2 * lk * 4);
        uint32_t *kp = malloc(2 * lk * 4); /* the model's kernel words: ks, or ks packed */
        fftconv_make_kernel(&r, lk, cfgs[i].gain, k);
        if ((rc = fftconv_configure(&dev, &c)) || (rc = fftconv_load_kernel(&dev, k, lk)) ||
            (rc = fftconv_kernel_spectrum(k, lk, c.freq_bins, ks, &c.kexp)))
            snprintf(msg, len, "config %zu: %s", i, nc_err_msg());
        else if (!cs->packed)
            memcpy(kp, ks, 2 * lk * 4);
        else if ((rc = fftconv_kspec_pack(ks, c.log2lk, kp)))
            snprintf(msg, len, "config %zu: %s", i, nc_err_msg());
        for (int sig = 0; !rc && sig < FFTCONV_SIG_COUNT; sig++) {
            fftconv_make_input((enum fftconv_sig)sig, &r, u, l);
            fftconv_result_t res;
            uint64_t sat;
            if ((rc = fftconv_run(&dev, u, yr, &res))) {
                snprintf(msg, len, "config %zu %s: %s", i, fftconv_sig_name(sig), nc_err_msg());
                break;
            }
            model_run(cs->packed, &c, u, kp, ym, &sat);
            size_t diff = 0, first = 0;
            for (size_t t = l; t-- > 0;)
                if (yr[t] != ym[t])
                    diff++, first = t;
            if (diff || res.sat_count != sat || res.cycles != sched(&c, cs->p, cs->packed) ||
                res.stalls != fftconv_model_stalls(&c, cs->p, cs->packed)) {
                snprintf(msg, len, "P=%u%s config %zu (L=%zu Lk=%zu F=%u D=%d OSHIFT=%u KEXP=%u) %s: "
                         "%zu samples differ (first y[%zu] RTL %d model %d), SAT %u vs %llu, "
                         "CYCLES %u vs %llu, STALLS %u vs %llu", cs->p, cs->packed ? " packed" : "", i, l, lk,
                         c.freq_bins, c.d, c.oshift, c.kexp,
                         fftconv_sig_name(sig), diff, first, yr[first], ym[first], res.sat_count,
                         (unsigned long long)sat, res.cycles,
                         (unsigned long long)sched(&c, cs->p, cs->packed), res.stalls,
                         (unsigned long long)fftconv_model_stalls(&c, cs->p, cs->packed));
                rc = NC_ERR_MISMATCH;
            }
        }
        free(u), free(k), free(yr), free(ym), free(ks), free(kp);
    }
    vmodel_close(m);
    return rc;
}

static void corners_mode(unsigned p, bool packed, uint64_t seed)
{
    corner_t c = {p, nc_test_seed(seed), packed};
    char name[48];
    snprintf(name, sizeof name, "fftconv_p%u_%scorners", p, packed ? "packed_" : "");
    nc_test_run_case(name, c.seed, corner_case, &c);
}

static void corners(unsigned p, uint64_t seed) { corners_mode(p, false, seed); }

Test(fftconv_rtl, p1_corners, .timeout = 300) { corners(1, 211); }
Test(fftconv_rtl, p2_corners, .timeout = 300) { corners(2, 212); }
Test(fftconv_rtl, p4_corners, .timeout = 300) { corners(4, 213); }
Test(fftconv_rtl, p1_packed_corners, .timeout = 300) { corners_mode(1, true, 214); }
Test(fftconv_rtl, p2_packed_corners, .timeout = 300) { corners_mode(2, true, 215); }
Test(fftconv_rtl, p4_packed_corners, .timeout = 300) { corners_mode(4, true, 216); }

/* Partial kernels of any length 1..L: the block from fftconv_partial_block(), the kernel loaded
 * through the driver with ntaps = LK (the buffer holds non-zero junk past LK, which must be
 * ignored), every input family; the RTL must equal the bit-exact model run on the spectrum of
 * the LK taps zero-padded to the block: 0 differing samples, equal saturations and cycles. */
typedef struct {
    unsigned p;
    uint64_t seed;
    bool packed;
} partial_t;

static int partial_case(void *arg, const char *wave, char *msg, size_t len)
{
    const partial_t *ps = arg;
    const unsigned log2l = 12;
    const size_t l = (size_t)1 << log2l;
    const size_t lks[] = {1, 3, 300, 1000, l - 1, l};
    char name[32];
    snprintf(name, sizeof name, "fftconv_p%u", ps->p);
    vmodel_t *m = vmodel_open_name(name);
    if (!m)
        return snprintf(msg, len, "%s", nc_err_msg()), NC_ERR_ARG;
    fftconv_dev_t dev;
    int rc = wave ? vmodel_trace_open(m, wave) : NC_OK;
    if (!rc && ((rc = fftconv_open(vmodel_bus(m), &dev)) || (rc = fftconv_set_packed(&dev, ps->packed))))
        snprintf(msg, len, "%s", nc_err_msg());
    nc_rng_t r;
    nc_rng_seed(&r, ps->seed);
    int16_t *u = malloc(l * 2), *k = malloc(l * 2), *kz = malloc(l * 2), *yr = malloc(l * 2);
    int16_t *ym = malloc(l * 2);
    uint32_t *ks = malloc(2 * l * sizeof *ks);
    if (!rc && (!u || !k || !kz || !yr || !ym || !ks))
        rc = NC_ERR_NOMEM, snprintf(msg, len, "no memory");
    for (size_t i = 0; !rc && i < NC_ARRAY_LEN(lks); i++) {
        size_t lk = lks[i];
        fftconv_cfg_t c = {log2l, 0, 0, 9830, 0, 0};
        if ((rc = fftconv_partial_block(lk, log2l, &c.log2lk))) {
            snprintf(msg, len, "LK=%zu: %s", lk, nc_err_msg());
            break;
        }
        size_t blk = (size_t)1 << c.log2lk;
        fftconv_make_kernel(&r, lk, 1.0, k);
        for (size_t j = lk; j < l; j++) /* junk the driver must not use */
            k[j] = (int16_t)nc_rng_range(&r, -32768, 32767);
        memset(kz, 0, l * 2);
        memcpy(kz, k, lk * 2);
        if ((rc = fftconv_configure(&dev, &c)) || (rc = fftconv_load_kernel(&dev, k, lk)) ||
            (rc = fftconv_kernel_spectrum(kz, blk, 0, ks, &c.kexp))) {
            snprintf(msg, len, "P=%u LK=%zu (block %zu): %s", ps->p, lk, blk, nc_err_msg());
            break;
        }
        if (!rc && ps->packed) { /* the packed model takes the Lk packed words */
            uint32_t *kp = malloc(blk * sizeof *kp);
            if (!kp || (rc = fftconv_kspec_pack(ks, c.log2lk, kp)))
                snprintf(msg, len, "packing: %s", kp ? nc_err_msg() : "no memory");
            else
                memcpy(ks, kp, blk * sizeof *kp);
            free(kp);
            rc = kp ? rc : NC_ERR_NOMEM;
        }
        if (!rc && c.kexp != dev.cfg.kexp) {
            snprintf(msg, len, "P=%u LK=%zu: driver loaded KEXP %u, the LK taps need %u", ps->p,
                     lk, dev.cfg.kexp, c.kexp);
            rc = NC_ERR_MISMATCH;
        }
        for (int sig = 0; !rc && sig < FFTCONV_SIG_COUNT; sig++) {
            fftconv_make_input((enum fftconv_sig)sig, &r, u, l);
            fftconv_result_t res;
            uint64_t sat = 0;
            if ((rc = fftconv_run(&dev, u, yr, &res))) {
                snprintf(msg, len, "P=%u LK=%zu %s: %s", ps->p, lk, fftconv_sig_name(sig),
                         nc_err_msg());
                break;
            }
            model_run(ps->packed, &c, u, ks, ym, &sat);
            size_t diff = 0, first = 0;
            for (size_t t = l; t-- > 0;)
                if (yr[t] != ym[t])
                    diff++, first = t;
            if (diff || res.sat_count != sat || res.cycles != sched(&c, ps->p, ps->packed) ||
                res.stalls != fftconv_model_stalls(&c, ps->p, ps->packed)) {
                snprintf(msg, len, "P=%u%s L=%zu partial LK=%zu (block %zu) %s: %zu samples differ "
                         "(first y[%zu] RTL %d model %d), SAT %u vs %llu, CYCLES %u vs %llu, "
                         "STALLS %u vs %llu",
                         ps->p, ps->packed ? " packed" : "", l, lk, blk, fftconv_sig_name(sig),
                         diff, first, yr[first], ym[first], res.sat_count, (unsigned long long)sat,
                         res.cycles, (unsigned long long)sched(&c, ps->p, ps->packed), res.stalls,
                         (unsigned long long)fftconv_model_stalls(&c, ps->p, ps->packed));
                rc = NC_ERR_MISMATCH;
            }
        }
    }
    if (!rc && fftconv_load_kernel(&dev, k, 0) != NC_ERR_ARG) {
        snprintf(msg, len, "a kernel of 0 taps was accepted");
        rc = NC_ERR_MISMATCH;
    }
    free(u), free(k), free(kz), free(yr), free(ym), free(ks);
    vmodel_close(m);
    return rc;
}

static void partial_any_mode(unsigned p, bool packed, uint64_t seed)
{
    partial_t ps = {p, nc_test_seed(seed), packed};
    char name[48];
    snprintf(name, sizeof name, "fftconv_p%u_%spartial_any", p, packed ? "packed_" : "");
    nc_test_run_case(name, ps.seed, partial_case, &ps);
}

static void partial_any(unsigned p, uint64_t seed) { partial_any_mode(p, false, seed); }

Test(fftconv_rtl, p1_partial_any_length, .timeout = 300) { partial_any(1, 221); }
Test(fftconv_rtl, p2_partial_any_length, .timeout = 300) { partial_any(2, 222); }
Test(fftconv_rtl, p4_partial_any_length, .timeout = 300) { partial_any(4, 223); }
Test(fftconv_rtl, p1_packed_partial_any_length, .timeout = 300) { partial_any_mode(1, true, 224); }
Test(fftconv_rtl, p2_packed_partial_any_length, .timeout = 300) { partial_any_mode(2, true, 225); }
Test(fftconv_rtl, p4_packed_partial_any_length, .timeout = 300) { partial_any_mode(4, true, 226); }

/* Packed mode is switched by the driver; the M-word spectrum and the packed words are each
 * refused in the other mode. */
Test(fftconv_rtl, packed_kernel_words_belong_to_packed_mode, .timeout = 60)
{
    vmodel_t *m = vmodel_open_name("fftconv_p2");
    cr_assert(m, "%s", nc_err_msg());
    fftconv_dev_t dev;
    cr_assert_eq(fftconv_open(vmodel_bus(m), &dev), NC_OK, "%s", nc_err_msg());
    fftconv_cfg_t c = {10, 10, 5, 0, 0, 0};
    cr_assert_eq(fftconv_configure(&dev, &c), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(fftconv_set_packed(&dev, true), NC_OK, "%s", nc_err_msg());
    uint32_t ks[2048] = {0}, mode = 0;
    cr_assert_eq(bus_read32(vmodel_bus(m), FFTCONV_MODE, &mode), NC_OK);
    cr_expect_eq(mode, FFTCONV_MODE_PACKED_MASK | FFTCONV_MODE_FREQ_SPARSE_MASK, "MODE 0x%x", mode);
    cr_expect_eq(fftconv_load_spectrum(&dev, ks, 0), NC_ERR_ARG, "M-word spectrum in packed mode");
    cr_assert_eq(fftconv_set_packed(&dev, false), NC_OK);
    cr_assert_eq(bus_read32(vmodel_bus(m), FFTCONV_MODE, &mode), NC_OK);
    cr_expect_eq(mode, FFTCONV_MODE_FREQ_SPARSE_MASK, "MODE 0x%x", mode);
    cr_expect_eq(fftconv_load_spectrum_packed(&dev, ks, 0), NC_ERR_ARG, "packed words unpacked");
    vmodel_close(m);
}

/* Many channels in one job (README, "Many channels in one job"): fftconv_c2 (64 kernel slots, two U/Y
 * banks), every channel with its own random kernel, the inputs streamed through
 * fftconv_run_channels; every channel equals the bit-exact model with its own kernel on every
 * sample (a wrong slot would show: the kernels differ), SAT_COUNT and CYCLES too. */
typedef struct {
    unsigned h, log2l, log2lk;
    uint32_t f;
    bool packed, no_overlap;
    uint64_t seed;
    double min_sqnr;
    bool stream_kernels; /* kernels loaded in the stream, not all first */
} chcase_t;

typedef struct {
    chcase_t c;
    const char *model;   /* the Verilated build */
    unsigned p;          /* its P */
} chrun_t;

static int channels_case(void *arg, const char *wave, char *msg, size_t len)
{
    const chrun_t *run = arg;
    const chcase_t *cc = &run->c;
    const size_t l = (size_t)1 << cc->log2l, lk = (size_t)1 << cc->log2lk;
    int16_t *u = malloc(cc->h * l * 2), *k = calloc(cc->h * lk, 2);
    if (!u || !k)
        return snprintf(msg, len, "no memory"), NC_ERR_NOMEM;
    nc_rng_t r;
    nc_rng_seed(&r, cc->seed);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, cc->h * l);
    int rc = NC_OK;
    for (unsigned ch = 0; !rc && ch < cc->h; ch++)
        rc = fftconv_make_kernel(&r, lk, 1.0, k + ch * lk);
    fftconv_chjob_t job = {run->model, run->p, {cc->log2l, cc->log2lk, cc->f, -3000, 0, 0}, cc->h, u, k,
                           cc->packed, cc->no_overlap, wave, cc->stream_kernels};
    fftconv_choutcome_t o = {0};
    if (!rc)
        rc = fftconv_cosim_channels(&job, &o);
    const char *what = cc->packed ? " packed" : "";
    /* STALLS by hand for dense jobs (README, "Pipeline"; H = L/(2P) row pairs a pass, packed):
     * unpacked, none (every stage's first issues read rows its predecessor wrote at least 4
     * issues before); packed, 2 per channel: fused cycle 1 reads row bitrev(2H - 1) = 2H - 1,
     * which the last forward issue writes (2c + 1, c = H - 1) three cycles too early; the other
     * rows of the fused pass and of the inverse passes' first issues were written long before. */
    long long hand_stalls = cc->log2lk == cc->log2l && cc->f == 0 ? (cc->packed ? 2LL * cc->h : 0LL) : -1LL;
    if (rc)
        snprintf(msg, len, "H=%u L=%zu%s: %s", cc->h, l, what, nc_err_msg());
    else if (o.mismatches)
        rc = NC_ERR_MISMATCH, snprintf(msg, len, "H=%u L=%zu Lk=%zu F=%u%s: %zu samples differ, "
                                       "first channel %u y[%zu]", cc->h, l, lk, cc->f, what,
                                       o.mismatches, o.first_channel, o.first_sample);
    else if (o.cycles != o.cycles_model || o.sat_rtl != o.sat_model)
        rc = NC_ERR_MISMATCH, snprintf(msg, len, "H=%u%s: CYCLES %llu (schedule %llu), SAT %llu "
                                       "(model %llu)", cc->h, what, (unsigned long long)o.cycles,
                                       (unsigned long long)o.cycles_model,
                                       (unsigned long long)o.sat_rtl, (unsigned long long)o.sat_model);
    else if (o.stalls != o.stalls_model || (hand_stalls >= 0 && o.stalls != (uint64_t)hand_stalls))
        rc = NC_ERR_MISMATCH, snprintf(msg, len, "H=%u%s: STALLS %llu, model %llu, by hand %lld",
                                       cc->h, what, (unsigned long long)o.stalls,
                                       (unsigned long long)o.stalls_model, hand_stalls);
    else if (!(o.sqnr_min_db >= cc->min_sqnr))
        rc = NC_ERR_MISMATCH, snprintf(msg, len, "H=%u%s: worst channel SQNR %.1f dB < %.0f", cc->h,
                                       what, o.sqnr_min_db, cc->min_sqnr);
    fftconv_choutcome_free(&o);
    free(u), free(k);
    return rc;
}

static void channels_on(const char *name, chcase_t c, const char *model, unsigned p)
{
    chrun_t run = {c, model, p};
    run.c.seed = nc_test_seed(c.seed);
    nc_test_run_case(name, run.c.seed, channels_case, &run);
}

static void channels(const char *name, chcase_t c) { channels_on(name, c, "fftconv_c2", 2); }

Test(fftconv_rtl, channels_dense_h8, .timeout = 120)
{
    channels("fftconv_c2_ch8_dense", (chcase_t){8, 8, 8, 0, false, false, 1310, 70.0, false});
    channels("fftconv_c2_ch8_dense_streamed", (chcase_t){8, 8, 8, 0, false, false, 1315, 70.0, true});
}
Test(fftconv_rtl, channels_packed_h5, .timeout = 120)
{
    channels("fftconv_c2_ch5_packed", (chcase_t){5, 9, 9, 0, true, false, 1311, 70.0, true});
}
/* partial and frequency-sparse together, packed; and one bank at a time */
Test(fftconv_rtl, channels_partial_sparse_h4, .timeout = 120)
{
    channels("fftconv_c2_ch4_partial_sparse", (chcase_t){4, 10, 7, 24, true, false, 1312, 55.0, false});
    channels("fftconv_c2_ch4_one_bank", (chcase_t){4, 10, 10, 0, false, true, 1313, 70.0, true});
}
/* the size: 64 channels at L = 4096, packed (a few seconds); make verify adds them
 * unpacked, with the kernels loaded first, and partial + frequency-sparse unpacked */
Test(fftconv_rtl, channels_64_at_4096, .timeout = 600)
{
    channels("fftconv_c2_ch64_4096", (chcase_t){64, 12, 12, 0, true, false, 1314, 72.0, true});
    if (nc_test_verify()) {
        channels("fftconv_c2_ch64_4096_unpacked",
                 (chcase_t){64, 12, 12, 0, false, false, 1316, 70.0, false});
        channels("fftconv_c2_ch64_4096_partial_sparse",
                 (chcase_t){64, 12, 9, 100, false, false, 1317, 55.0, true});
    }
}

/* Paged windows within the banks and slots (fftconv_cw: P = 4, LMAX = 2^17, two slots, two
 * banks; Verilated for make verify only): two channels of L = 2^17, packed, each kernel loaded in
 * the stream. Every burst of 2^17 words crosses a page (WPAGE 0 and 1), and channel 1's kernel
 * and input go to slot 1 and bank 1 while channel 0 runs, so WPAGE is written while busy
 * (README, "Sizes"); then channel 0's output is read from bank 0 while channel 1 runs. Both
 * channels equal the model on every sample, in SAT_COUNT, CYCLES and STALLS (2 per channel by
 * hand, as for every dense packed job). */
Test(fftconv_rtl, cw_channels_through_paged_windows, .timeout = 900)
{
    if (!nc_test_verify())
        return; /* make test does not build fftconv_cw */
    channels_on("fftconv_cw_ch2_paged", (chcase_t){2, 17, 17, 0, true, false, 1318, 60.0, true},
                "fftconv_cw", 4);
}

/* LMAX = 2^20 (fftconv_m1, P = 4; built for make verify and make bench only): a full-length
 * L = 2^20 job, packed and unpacked, against the bit-exact model (every sample, SAT_COUNT) and
 * FFTW (SQNR), through the WPAGE-paged windows. Cycles by hand (README, "Pipeline"): packed,
 * Lk = 2^20, H = 2^20 / 8 = 2^17 issues a pass, 41 passes: 5373952 issues, the fused pass's 2
 * stalls, + 3 = 5373957; unpacked, M = 2^21, H = 2^18, 42 stages: 11010048 issues, no stall,
 * + 3 = 11010051. */
static void full_length(bool packed, uint64_t seed)
{
    if (!nc_test_verify())
        return; /* make test does not build fftconv_m1 */
    vmodel_t *m = vmodel_open_name("fftconv_m1");
    cr_assert(m, "make verify builds fftconv_m1 (rtl/fftconv/ip.mk): %s", nc_err_msg());
    const size_t l = (size_t)1 << 20;
    int16_t *u = malloc(l * 2), *k = malloc(l * 2);
    cr_assert(u && k);
    nc_rng_t r;
    nc_rng_seed(&r, nc_test_seed(seed));
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    fftconv_make_kernel(&r, l, 1.0, k);
    fftconv_job_t job = {4, {20, 20, 0, 0, 0, 0}, u, k, NULL, vmodel_bus(m), m};
    fftconv_outcome_t o;
    int rc = fftconv_cosim_run_mode(&job, packed, &o);
    cr_assert_eq(rc, NC_OK, "L = 2^20%s: %s", packed ? " packed" : "", nc_err_msg());
    cr_log_info("fftconv_m1 L=1048576 P=4%s: SQNR %.1f dB vs FFTW, %u cycles (%.3f of the bound), "
                "%u stalls, %zu mismatches, sat %u", packed ? " packed" : "", o.sqnr_db, o.cycles,
                o.bound_ratio, o.stalls, o.mismatches, o.sat_rtl);
    cr_expect_eq(o.mismatches, 0, "%zu of %zu samples differ from the model (first y[%zu])",
                 o.mismatches, l, o.first_mismatch);
    cr_expect_eq(o.sat_rtl, o.sat_model, "SAT_COUNT %u, model %llu", o.sat_rtl,
                 (unsigned long long)o.sat_model);
    cr_expect_eq(o.cycles, packed ? 5373957u : 11010051u, "CYCLES %u", o.cycles);
    cr_expect_eq(o.stalls, packed ? 2u : 0u, "STALLS %u", o.stalls);
    cr_expect_eq(o.cycles, o.cycles_model, "CYCLES %u, the model's schedule %u", o.cycles, o.cycles_model);
    cr_expect(o.sqnr_db >= FULL_LENGTH_SQNR_DB, "SQNR %.1f dB, expected >= %.0f", o.sqnr_db,
              FULL_LENGTH_SQNR_DB);
    fftconv_outcome_free(&o);
    vmodel_close(m);
    free(u), free(k);
}

Test(fftconv_rtl, m1_full_length_packed, .timeout = 900) { full_length(true, 241); }
Test(fftconv_rtl, m1_full_length_unpacked, .timeout = 900) { full_length(false, 242); }
