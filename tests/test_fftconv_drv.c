/*
 * test_fftconv_drv.c - the fftconv driver and the accelerator's error handling: illegal sizes
 * and modes, unaligned, unmapped and wrong-direction accesses (error code and sticky status
 * bit), start while busy, bounded polls, random register-write storms followed by a soft
 * reset, the interrupt, and the same driver over a memory-mapped file.
 *
 * One driver, three backends: every test that drives the accelerator runs on the Verilated
 * model's bus, on the SystemC/TLM-2.0 platform and on the memory-mapped backend with the model
 * behind a trapping mapping (tests/nc_test_bus.h): <name>_vmodel, <name>_tlm, <name>_mmio.
 */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fftconv_cosim.h"
#include "fftconv_drv.h"
#include "fftconv_model.h"
#include "fftconv_ref.h"
#include "fftconv_regs.h"
#include "fftconv_signals.h"
#include "nc_test.h"
#include "nc_test_bus.h"
#include "vmodel.h"

static void open_dev(nc_tb_t *tb, fftconv_dev_t *dev)
{
    cr_assert_eq(fftconv_open(tb->bus, dev), NC_OK, "%s: %s", nc_backend_name(tb->be), nc_err_msg());
}

static uint32_t status(nc_tb_t *tb)
{
    uint32_t st = 0;
    cr_assert_eq(bus_read32(tb->bus, FFTCONV_STATUS, &st), NC_OK, "%s", nc_err_msg());
    return st;
}

/* A refused access: an error code on the buses that have one; memory-mapped hardware answers
 * without one (the device's sticky bits tell). */
static void expect_refused(nc_tb_t *tb, int rc, const char *what)
{
    if (tb->be == NC_BE_MMIO)
        cr_assert_eq(rc, NC_OK, "%s: mmio gave %s", what, nc_strerror(rc));
    else
        cr_assert_eq(rc, NC_ERR_BUS, "%s: %s gave %s", what, nc_backend_name(tb->be), nc_strerror(rc));
}

/* A complete run through the driver, compared with the model; returns mismatching samples. */
static size_t checked_run(fftconv_dev_t *dev, unsigned log2l, uint64_t seed)
{
    size_t l = (size_t)1 << log2l;
    nc_rng_t r;
    nc_rng_seed(&r, seed);
    fftconv_cfg_t c = {log2l, log2l, 0, -4000, 0, 0};
    int16_t *u = malloc(l * 2), *k = malloc(l * 2), *yr = malloc(l * 2), *ym = malloc(l * 2);
    uint32_t *ks = malloc(2 * l * 4);
    cr_assert(u && k && yr && ym && ks);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    cr_assert_eq(fftconv_make_kernel(&r, l, 1.0, k), NC_OK);
    cr_assert_eq(fftconv_configure(dev, &c), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(fftconv_load_kernel(dev, k, l), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(fftconv_kernel_spectrum(k, l, 0, ks, &c.kexp), NC_OK);
    fftconv_result_t res;
    cr_assert_eq(fftconv_run(dev, u, yr, &res), NC_OK, "seed %llu: %s", (unsigned long long)seed,
                 nc_err_msg());
    cr_assert_eq(fftconv_model_run(&c, u, ks, ym, NULL), NC_OK);
    size_t diff = 0;
    for (size_t t = 0; t < l; t++)
        diff += yr[t] != ym[t];
    free(u), free(k), free(yr), free(ym), free(ks);
    return diff;
}

static void illegal_configuration(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    const fftconv_cfg_t bad[] = {
        {7, 7, 0, 0, 0, 0},   /* L = 128 < 256      */
        {17, 17, 0, 0, 0, 0}, /* L > LMAX           */
        {10, 4, 0, 0, 0, 0},  /* Lk = 16 < 32       */
        {10, 11, 0, 0, 0, 0}, /* Lk > L             */
        {10, 10, 1025, 0, 0, 0}, /* F > Lk          */
        {10, 10, 0, 0, 0, 9}, /* OSHIFT > 8         */
    };
    uint64_t before = nc_tb_cycles(tb);
    for (size_t i = 0; i < NC_ARRAY_LEN(bad); i++) {
        cr_assert_eq(fftconv_configure(&dev, &bad[i]), NC_ERR_ARG, "case %zu accepted", i);
        cr_assert(strlen(nc_err_msg()) > 10, "case %zu: no message", i);
    }
    cr_assert_eq(nc_tb_cycles(tb), before, "a refused configuration touched the bus");
    cr_assert_eq(fftconv_start(&dev), NC_ERR_ARG, "start without a kernel was accepted");
}
NC_TB_TESTS(fftconv_drv, illegal_configuration_is_refused_before_the_bus, "fftconv_p1",
            illegal_configuration, 30)

/* The device's own checks: illegal values written directly, then START. */
static void illegal_size_and_mode(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    const struct { uint32_t reg, val, bit; } cases[] = {
        {FFTCONV_LOG2L, 7, FFTCONV_STATUS_ERR_SIZE_MASK},
        {FFTCONV_LOG2L, 17, FFTCONV_STATUS_ERR_SIZE_MASK},
        {FFTCONV_MODE, 8, FFTCONV_STATUS_ERR_MODE_MASK},       /* bits above PACKED   */
        {FFTCONV_MODE, 0x80000004u, FFTCONV_STATUS_ERR_MODE_MASK},
        {FFTCONV_KEXP, 17, FFTCONV_STATUS_ERR_MODE_MASK},
        {FFTCONV_OSHIFT, 9, FFTCONV_STATUS_ERR_MODE_MASK},
    };
    for (size_t i = 0; i < NC_ARRAY_LEN(cases); i++) {
        cr_assert_eq(fftconv_soft_reset(&dev), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_LOG2L, 10), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_MODE, 0), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_KEXP, 15), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_OSHIFT, 0), NC_OK);
        cr_assert_eq(bus_write32(b, cases[i].reg, cases[i].val), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
        fftconv_result_t res;
        dev.kloaded[0] = 1; /* slot 0: contents do not matter for a refused START */
        cr_assert_eq(fftconv_wait(&dev, &res), NC_ERR_HW, "case %zu: wait gave %s", i,
                     nc_strerror(nc_err_status()));
        cr_assert(res.status & cases[i].bit, "case %zu: STATUS 0x%08x lacks 0x%08x", i, res.status,
                  cases[i].bit);
        cr_assert(!(res.status & FFTCONV_STATUS_BUSY_MASK), "case %zu: started anyway", i);
        cr_assert(nc_tb_irq(tb), "case %zu: no irq with an error bit", i);
        /* W1C: writing the bit clears it */
        cr_assert_eq(bus_write32(b, FFTCONV_STATUS, cases[i].bit), NC_OK);
        cr_assert_eq(status(tb) & cases[i].bit, 0, "case %zu: error bit not cleared", i);
    }
    /* partial with LOG2LK > LOG2L, sparse with F = 0 and F > Lk, packed partial with
     * LOG2LK < 5, packed sparse with F > Lk */
    const uint32_t modes[][4] = {{1, 11, 1, 10}, {2, 10, 0, 10}, {2, 10, 1025, 10}, {1, 4, 1, 10},
                                 {5, 4, 1, 10}, {7, 6, 65, 10}};
    for (size_t i = 0; i < NC_ARRAY_LEN(modes); i++) {
        cr_assert_eq(fftconv_soft_reset(&dev), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_MODE, modes[i][0]), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_LOG2LK, modes[i][1]), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_FREQ_BINS, modes[i][2]), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_LOG2L, modes[i][3]), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
        uint32_t st = status(tb);
        cr_assert(st & FFTCONV_STATUS_ERR_MODE_MASK, "mode case %zu: STATUS 0x%08x", i, st);
        cr_assert(!(st & FFTCONV_STATUS_BUSY_MASK), "mode case %zu started", i);
    }
}
NC_TB_TESTS(fftconv_drv, illegal_size_and_mode_set_status_bits, "fftconv_p2",
            illegal_size_and_mode, 30)

static void bad_accesses(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    uint32_t v = 0;
    /* checked on the host side before the bus */
    cr_assert_eq(bus_read32(b, FFTCONV_STATUS + 2, &v), NC_ERR_ALIGN);
    cr_assert_eq(bus_write32(b, 1u << 24, 0), NC_ERR_RANGE);
    cr_assert_eq(status(tb) & FFTCONV_STATUS_ERR_ACCESS_MASK, 0, "host-side refusals reached the device");
    /* refused by the device: error code and sticky bit, counted */
    const struct { bool we; uint32_t addr; } bad[] = {
        {false, FFTCONV_STATUS + 1},      /* unaligned (device side)   */
        {true, 0x000400},                 /* unmapped register         */
        {false, 0x3f0000},                /* past the Y window         */
        {true, FFTCONV_ID},               /* read-only register        */
        {false, FFTCONV_CTRL},            /* write-only register       */
        {false, FFTCONV_WIN_U_BASE},      /* U is write-only           */
        {true, FFTCONV_WIN_Y_BASE + 8},   /* Y is read-only            */
        {false, FFTCONV_WIN_K_BASE},      /* K is write-only           */
    };
    size_t sent = 0;
    for (size_t i = 0; i < NC_ARRAY_LEN(bad); i++) {
        if (bad[i].addr & 3u) { /* the bus layer refuses it before any backend: device only */
            if (tb->be != NC_BE_VMODEL)
                continue;
            int rc = vmodel_read32(tb->vm, bad[i].addr, &v);
            cr_assert_eq(rc, NC_ERR_BUS, "unaligned device access: %s", nc_strerror(rc));
            sent++;
            continue;
        }
        cr_assert_eq(bus_write32(b, FFTCONV_STATUS, FFTCONV_STATUS_ERR_ACCESS_MASK), NC_OK);
        int rc = bad[i].we ? bus_write32(b, bad[i].addr, 5) : bus_read32(b, bad[i].addr, &v);
        sent++;
        char what[64];
        snprintf(what, sizeof what, "case %zu (0x%06x)", i, bad[i].addr);
        expect_refused(tb, rc, what);
        if (tb->be != NC_BE_MMIO)
            cr_assert(strstr(nc_err_msg(), "0x"), "case %zu: message names no address: %s", i, nc_err_msg());
        cr_assert(status(tb) & FFTCONV_STATUS_ERR_ACCESS_MASK, "case %zu: ERR_ACCESS not set", i);
    }
    cr_assert_eq(bus_read32(b, FFTCONV_BUS_ERRORS, &v), NC_OK);
    cr_assert_eq(v, sent, "BUS_ERRORS = %u, expected %zu", v, sent);
}
NC_TB_TESTS(fftconv_drv, bad_accesses_give_error_codes_and_a_sticky_bit, "fftconv_p4", bad_accesses, 30)

/* WPAGE (README, "Sizes"): the windows show memory words from WPAGE x 65536 on; an access past
 * the memory (U and Y: LMAX = 65536 words here, K: 131072) is refused. STALLS is read-only. */
static void window_pages(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    uint32_t v = 1;
    cr_assert_eq(bus_read32(b, FFTCONV_WPAGE, &v), NC_OK);
    cr_assert_eq(v, 0u, "WPAGE after reset: %u", v);
    cr_assert_eq(bus_write32(b, FFTCONV_WPAGE, 1), NC_OK);
    const struct { bool we; uint32_t addr; bool ok; } acc[] = {
        {true, FFTCONV_WIN_U_BASE, false},            /* u[65536]: past LMAX          */
        {false, FFTCONV_WIN_Y_BASE + 4, false},       /* y[65537]                     */
        {true, FFTCONV_WIN_K_BASE, true},             /* K word 65536 < 2 LMAX        */
        {true, FFTCONV_WIN_K_BASE + 0x3fffc, true},   /* K word 131071: the last one  */
        {true, FFTCONV_WIN_K_BASE + 0x40000, false},  /* K word 131072                */
        {true, FFTCONV_STALLS, false},                /* read-only                    */
    };
    for (size_t i = 0; i < NC_ARRAY_LEN(acc); i++) {
        cr_assert_eq(bus_write32(b, FFTCONV_STATUS, FFTCONV_STATUS_ERR_ACCESS_MASK), NC_OK);
        int rc = acc[i].we ? bus_write32(b, acc[i].addr, 5) : bus_read32(b, acc[i].addr, &v);
        char what[64];
        snprintf(what, sizeof what, "WPAGE 1, case %zu (0x%06x)", i, acc[i].addr);
        if (acc[i].ok)
            cr_assert_eq(rc, NC_OK, "%s refused: %s", what, nc_err_msg());
        else
            expect_refused(tb, rc, what);
        cr_assert_eq(!!(status(tb) & FFTCONV_STATUS_ERR_ACCESS_MASK), !acc[i].ok, "%s: ERR_ACCESS", what);
    }
    cr_assert_eq(bus_write32(b, FFTCONV_WPAGE, 0), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_STATUS, FFTCONV_STATUS_ERR_ACCESS_MASK), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_WIN_U_BASE, 5), NC_OK, "u[0] with WPAGE 0: %s", nc_err_msg());
    cr_assert_eq(bus_read32(b, FFTCONV_WIN_Y_BASE + 0x3fffc, &v), NC_OK, "y[65535]: %s", nc_err_msg());
}
NC_TB_TESTS(fftconv_drv, window_pages_refuse_words_past_the_memory, "fftconv_p4", window_pages, 30)

/* The packed K window's order (rtl/fftconv/README.md, "Real-input packing"), by hand for
 * Lk = 32 (Mh = 32, H = Mh/(2P), bins f + q 2H in a row of bit-reversed positions): window word
 * 2P c + 2j + h is lane j's bin f (h = 0) or its partner 32 - f (h = 1) in fused cycle c. */
Test(fftconv_drv, packed_kernel_order)
{
    static const struct { unsigned p; uint32_t w, bin; } hand[] = {
        /* P = 1, H = 16: cycle 0 = bin 16 with itself, then the bin-0 word; cycle c = (c, 32-c) */
        {1, 0, 16}, {1, 1, 0}, {1, 2, 1}, {1, 3, 31}, {1, 30, 15}, {1, 31, 17},
        /* P = 2, H = 8: cycle 0 lane 0 = (8, 24), lane 1 = 16 and the bin-0 word; cycle 1 lane 0
         * = (1, 31), lane 1 = (1 + 16, 15); cycle 7 = (7, 25), (23, 9) */
        {2, 0, 8}, {2, 1, 24}, {2, 2, 16}, {2, 3, 0}, {2, 4, 1}, {2, 5, 31}, {2, 6, 17},
        {2, 7, 15}, {2, 28, 7}, {2, 29, 25}, {2, 30, 23}, {2, 31, 9},
        /* P = 4, H = 4: cycle 0 lanes (4, 28), (20, 12), (8, 24), 16 and the bin-0 word; cycle 1
         * lanes (1, 31), (17, 15), (9, 23), (25, 7) */
        {4, 0, 4}, {4, 1, 28}, {4, 2, 20}, {4, 3, 12}, {4, 4, 8}, {4, 5, 24}, {4, 6, 16},
        {4, 7, 0}, {4, 8, 1}, {4, 9, 31}, {4, 10, 17}, {4, 11, 15}, {4, 12, 9}, {4, 13, 23},
        {4, 14, 25}, {4, 15, 7},
    };
    for (size_t i = 0; i < NC_ARRAY_LEN(hand); i++)
        cr_expect_eq(fftconv_packed_kword(hand[i].w, 5, hand[i].p), hand[i].bin,
                     "P=%u word %u: bin %u, expected %u", hand[i].p, hand[i].w,
                     fftconv_packed_kword(hand[i].w, 5, hand[i].p), hand[i].bin);
    /* every size and P: a permutation of the Lk packed words */
    static unsigned char seen[1u << 16];
    for (unsigned p = 1; p <= 4; p *= 2)
        for (unsigned lg = 5; lg <= 16; lg++) {
            memset(seen, 0, sizeof seen);
            for (uint32_t w = 0; w < (1u << lg); w++) {
                uint32_t b = fftconv_packed_kword(w, lg, p);
                cr_assert(b < (1u << lg) && !seen[b], "P=%u Lk=2^%u word %u: bin %u twice or out "
                          "of range", p, lg, w, b);
                seen[b] = 1;
            }
        }
}

static void busy_refuses(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    cr_assert_eq(checked_run(&dev, 12, nc_test_seed(301)), 0);
    cr_assert_eq(fftconv_start(&dev), NC_OK);
    cr_assert(status(tb) & FFTCONV_STATUS_BUSY_MASK);
    uint32_t v;
    expect_refused(tb, bus_write32(b, FFTCONV_WIN_U_BASE, 1), "U written while busy");
    expect_refused(tb, bus_read32(b, FFTCONV_WIN_Y_BASE, &v), "Y read while busy");
    expect_refused(tb, bus_write32(b, FFTCONV_LOG2L, 9), "LOG2L written while busy");
    cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    fftconv_result_t res;
    cr_assert_eq(fftconv_wait(&dev, &res), NC_ERR_HW);
    cr_assert(res.status & FFTCONV_STATUS_ERR_START_MASK, "STATUS 0x%08x", res.status);
    cr_assert(res.status & FFTCONV_STATUS_DONE_MASK, "the first run did not finish: 0x%08x", res.status);
}
NC_TB_TESTS(fftconv_drv, busy_refuses_memory_config_and_restart, "fftconv_p1", busy_refuses, 60)

static void polls_bounded(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    cr_assert_eq(checked_run(&dev, 12, nc_test_seed(302)), 0);
    dev.idle_cycles = 1; /* budget: 2 * expected / 1 + 64 polls of about 4 cycles: ~8x expected */
    cr_assert_eq(fftconv_start(&dev), NC_OK);
    fftconv_result_t res;
    cr_assert_eq(fftconv_wait(&dev, &res), NC_OK, "%s", nc_err_msg());
    /* now a budget too small: a 1-cycle idle and a run 50x longer than the budget */
    fftconv_cfg_t c = {16, 16, 0, 0, 0, 0};
    cr_assert_eq(fftconv_configure(&dev, &c), NC_OK);
    dev.kloaded[0] = 1; /* slot 0: contents do not matter for timing */
    dev.cfg.log2lk = 8;       /* the driver now expects a much shorter run */
    dev.cfg.log2l = 8;
    cr_assert_eq(bus_write32(tb->bus, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    uint64_t t0 = nc_tb_cycles(tb);
    int rc = fftconv_wait(&dev, &res);
    cr_assert_eq(rc, NC_ERR_TIMEOUT, "wait gave %s", nc_strerror(rc));
    cr_assert(strstr(nc_err_msg(), "polls"), "message: %s", nc_err_msg());
    uint64_t waited = nc_tb_cycles(tb) - t0;
    cr_assert(waited < 100000, "the bounded wait took %llu cycles", (unsigned long long)waited);
    cr_assert_eq(fftconv_soft_reset(&dev), NC_OK);
    cr_assert_eq(status(tb) & FFTCONV_STATUS_BUSY_MASK, 0, "soft reset did not stop the run");
}
NC_TB_TESTS(fftconv_drv, polls_are_bounded, "fftconv_p1", polls_bounded, 60)

/* Random writes anywhere in the register file and windows, random values, including START and
 * soft reset: every access is answered, and after a soft reset a run is exact again. */
static int storm_accesses(bus_t *b, nc_rng_t *r, char *msg, size_t len)
{
    for (int i = 0; i < 3000; i++) {
        uint32_t addr;
        switch (nc_rng_below(r, 4)) {
        case 0: /* ID .. BANK (0x058), and WPAGE */
            addr = nc_rng_below(r, 24);
            addr = addr < 23 ? 4u * addr : FFTCONV_WPAGE;
            break;
        case 1: addr = FFTCONV_CTRL; break;
        case 2: addr = FFTCONV_WIN_U_BASE + 4u * nc_rng_below(r, 0x30000); break;
        default: addr = nc_rng_below(r, 1u << 24) & ~(uint32_t)3; break;
        }
        uint32_t val = (uint32_t)nc_rng_u64(r), v;
        if (addr == FFTCONV_LOG2L && (val & 31) >= 13)
            val = 8 + (val & 3); /* keep storm-started runs short */
        int rc = nc_rng_below(r, 3) ? bus_write32(b, addr, val) : bus_read32(b, addr, &v);
        if (rc != NC_OK && rc != NC_ERR_BUS)
            return snprintf(msg, len, "access %d at 0x%06x: %s", i, addr, nc_err_msg()), rc;
        if (nc_rng_below(r, 8) == 0)
            bus_idle(b, nc_rng_below(r, 2000));
    }
    return NC_OK;
}

static int storm_on(nc_tb_t *tb, uint64_t seed, char *msg, size_t len)
{
    fftconv_dev_t dev;
    int rc = fftconv_open(tb->bus, &dev);
    if (rc)
        snprintf(msg, len, "%s", nc_err_msg());
    nc_rng_t r;
    nc_rng_seed(&r, seed);
    for (int round = 0; !rc && round < 4; round++) {
        if ((rc = storm_accesses(tb->bus, &r, msg, len)))
            break;
        uint32_t st = 0;
        if ((rc = fftconv_soft_reset(&dev)) || (rc = bus_read32(tb->bus, FFTCONV_STATUS, &st))) {
            snprintf(msg, len, "round %d: soft reset: %s", round, nc_err_msg());
            break;
        }
        if (st != 0) {
            snprintf(msg, len, "round %d: STATUS 0x%08x after soft reset", round, st);
            rc = NC_ERR_HW;
            break;
        }
        size_t diff = checked_run(&dev, 8 + (unsigned)round, seed + (unsigned)round);
        if (diff) {
            snprintf(msg, len, "round %d: %zu samples differ after the storm", round, diff);
            rc = NC_ERR_MISMATCH;
        }
    }
    return rc;
}

/* On the Verilated model's bus: every build, and a waveform of a failing storm
 * (nc_test_run_case reruns it traced). */
typedef struct {
    const char *model;
    uint64_t seed;
} storm_t;

static int storm_case(void *arg, const char *wave, char *msg, size_t len)
{
    const storm_t *s = arg;
    vmodel_t *m = vmodel_open_name(s->model);
    if (!m)
        return snprintf(msg, len, "%s", nc_err_msg()), NC_ERR_ARG;
    int rc = wave ? vmodel_trace_open(m, wave) : NC_OK;
    nc_tb_t tb = {NC_BE_VMODEL, vmodel_bus(m), m};
    if (!rc)
        rc = storm_on(&tb, s->seed, msg, len);
    vmodel_close(m);
    return rc;
}

Test(fftconv_drv, register_storms_never_deadlock_vmodel, .timeout = 120)
{
    uint64_t seed = nc_test_seed(303);
    const char *names[] = {"fftconv_p1", "fftconv_p2", "fftconv_p4", "fftconv_c2"};
    for (size_t n = 0; n < NC_ARRAY_LEN(names); n++) {
        storm_t s = {names[n], seed + 100 * n};
        char name[48];
        snprintf(name, sizeof name, "%s_storm", names[n]);
        nc_test_run_case(name, s.seed, storm_case, &s);
    }
}

/* On the platform and on the memory-mapped backend: one build each. */
static void storm_body(nc_tb_t *tb, void *arg)
{
    (void)arg;
    char msg[512] = "";
    uint64_t seed = nc_test_seed(304);
    int rc = storm_on(tb, seed, msg, sizeof msg);
    cr_assert_eq(rc, NC_OK, "%s storm, seed %llu (rerun with NC_SEED=%llu): %s",
                 nc_backend_name(tb->be), (unsigned long long)seed, (unsigned long long)seed, msg);
}

Test(fftconv_drv, register_storms_never_deadlock_tlm, .timeout = 120)
{
    nc_tb_run(NC_BE_TLM, "fftconv_p2", storm_body, NULL);
}

Test(fftconv_drv, register_storms_never_deadlock_mmio, .timeout = 120)
{
    nc_tb_run(NC_BE_MMIO, "fftconv_p2", storm_body, NULL);
}

static void irq_follows_done(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    cr_assert(!nc_tb_irq(tb), "irq after reset");
    cr_assert_eq(checked_run(&dev, 9, nc_test_seed(305)), 0);
    cr_assert(nc_tb_irq(tb), "no irq after DONE");
    cr_assert_eq(bus_write32(tb->bus, FFTCONV_STATUS, FFTCONV_STATUS_DONE_MASK), NC_OK);
    cr_assert(!nc_tb_irq(tb), "irq still high after clearing DONE");
    /* The host may sleep on the line instead of polling, always with a bound. */
    cr_assert_eq(fftconv_start(&dev), NC_OK);
    cr_assert_eq(bus_wait_irq(tb->bus, 100000, "DONE"), NC_OK, "%s", nc_err_msg());
    cr_assert(status(tb) & FFTCONV_STATUS_DONE_MASK, "irq without DONE");
    cr_assert_eq(bus_write32(tb->bus, FFTCONV_STATUS, FFTCONV_STATUS_DONE_MASK), NC_OK);
    cr_assert_eq(bus_wait_irq(tb->bus, 50, "no run"), NC_ERR_TIMEOUT, "an idle device interrupted");
}
NC_TB_TESTS(fftconv_drv, irq_follows_done, "fftconv_p2", irq_follows_done, 30)

/* The same driver over a memory-mapped file: the words land where the register map says. */
Test(fftconv_drv, same_driver_over_mmio, .timeout = 30)
{
    char path[] = "/tmp/nc_fftconv_mmio_XXXXXX";
    int fd = mkstemp(path);
    cr_assert(fd >= 0);
    const uint32_t size = 0x400000;
    cr_assert_eq(ftruncate(fd, size), 0);
    uint32_t hdr[2] = {FFTCONV_ID_RESET, (1u << 24) | (1u << 16) | (12u << 8) | 2u}; /* 1 bank, KCH 1 */
    cr_assert_eq(pwrite(fd, hdr, sizeof hdr, 0), (ssize_t)sizeof hdr);
    bus_t *b;
    cr_assert_eq(bus_mmio_open(path, 0, size, &b), NC_OK, "%s", nc_err_msg());
    fftconv_dev_t dev;
    cr_assert_eq(fftconv_open(b, &dev), NC_OK, "%s", nc_err_msg());
    cr_assert(dev.p == 2 && dev.log2lmax == 12);
    fftconv_cfg_t c = {9, 7, 5, -2, 0, 3};
    cr_assert_eq(fftconv_configure(&dev, &c), NC_OK, "%s", nc_err_msg());
    int16_t u[512];
    for (int i = 0; i < 512; i++)
        u[i] = (int16_t)(i * 37 - 9000);
    cr_assert_eq(fftconv_load_input(&dev, u), NC_OK);
    int16_t k[128] = {16384, -8192, 4096};
    cr_assert_eq(fftconv_load_kernel(&dev, k, 128), NC_OK, "%s", nc_err_msg());
    uint32_t *w = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, 0);
    cr_assert(w != MAP_FAILED);
    cr_assert_eq(w[FFTCONV_LOG2L / 4], 9);
    cr_assert_eq(w[FFTCONV_MODE / 4], FFTCONV_MODE_PARTIAL_MASK | FFTCONV_MODE_FREQ_SPARSE_MASK);
    cr_assert_eq(w[FFTCONV_LOG2LK / 4], 7);
    cr_assert_eq(w[FFTCONV_FREQ_BINS / 4], 5);
    cr_assert_eq(w[FFTCONV_SKIP_D / 4], 0xfffe);
    cr_assert_eq(w[FFTCONV_OSHIFT / 4], 3);
    cr_assert_eq(w[FFTCONV_CTRL / 4], FFTCONV_CTRL_SOFT_RESET_MASK);
    for (int i = 0; i < 512; i++)
        cr_assert_eq(w[FFTCONV_WIN_U_BASE / 4 + i], (uint16_t)u[i], "U word %d", i);
    /* kernel spectrum: bin 0 (position 0) is the DC gain 0.5 - 0.25 + 0.125 = 0.375 */
    uint32_t kexp = w[FFTCONV_KEXP / 4];
    double dc = (int16_t)(w[FFTCONV_WIN_K_BASE / 4] & 0xffff) * (kexp >= 15 ? 1 << (kexp - 15) : 1.0 / (1 << (15 - kexp)));
    cr_assert(dc > 0.374 && dc < 0.376, "K[0] = %g (KEXP %u)", dc, kexp);
    /* a plain file never finishes a run: the wait is bounded and says so */
    fftconv_result_t res;
    cr_assert_eq(fftconv_start(&dev), NC_OK);
    cr_assert_eq(w[FFTCONV_CTRL / 4], FFTCONV_CTRL_START_MASK);
    /* (the STATUS clear wrote all ones, which a file keeps: BUSY reads as set) */
    cr_assert_eq(fftconv_wait(&dev, &res), NC_ERR_TIMEOUT, "%s", nc_err_msg());
    cr_assert(strstr(nc_err_msg(), "polls"), "message: %s", nc_err_msg());
    munmap(w, size);
    bus_close(b);
    close(fd);
    unlink(path);
}

/* ---- Many channels (rtl/fftconv/README.md, "Many channels in one job"): kernel slots, per-slot KEXP,
 * CHANNEL out of range, U/Y banks and what the host may touch while a run is busy. Expected
 * values are the spec's, by hand. */

/* Starts a short run (L = 256 dense, KEXP of the slot legal) in slot `slot`, bank `run`. */
static void start_short(nc_tb_t *tb, uint32_t slot, uint32_t bank)
{
    bus_t *b = tb->bus;
    cr_assert_eq(bus_write32(b, FFTCONV_LOG2L, 8), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_MODE, 0), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CHANNEL, slot), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_BANK, bank), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_STATUS, 0xffffffffu), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    cr_assert(status(tb) & FFTCONV_STATUS_BUSY_MASK, "slot %u bank 0x%x: not started (STATUS "
              "0x%08x)", slot, bank, status(tb));
}

/* One refused access: refused (error code where the bus has one), ERR_ACCESS set, then cleared. */
static void refused(nc_tb_t *tb, bool we, uint32_t addr, const char *what)
{
    uint32_t v = 0;
    int rc = we ? bus_write32(tb->bus, addr, 1) : bus_read32(tb->bus, addr, &v);
    expect_refused(tb, rc, what);
    cr_assert(status(tb) & FFTCONV_STATUS_ERR_ACCESS_MASK, "%s: ERR_ACCESS not set", what);
    cr_assert_eq(bus_write32(tb->bus, FFTCONV_STATUS, FFTCONV_STATUS_ERR_ACCESS_MASK), NC_OK);
}

static void accepted(nc_tb_t *tb, bool we, uint32_t addr, uint32_t val, const char *what)
{
    uint32_t v = 0;
    int rc = we ? bus_write32(tb->bus, addr, val) : bus_read32(tb->bus, addr, &v);
    cr_assert_eq(rc, NC_OK, "%s: %s", what, nc_err_msg());
    cr_assert_eq(status(tb) & FFTCONV_STATUS_ERR_ACCESS_MASK, 0, "%s: ERR_ACCESS set", what);
}

static void channel_registers(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    uint32_t v = 0;
    /* fftconv_c2: P = 2, LMAX = 4096, 64 slots, 2 banks */
    cr_assert_eq(bus_read32(b, FFTCONV_PARAMS, &v), NC_OK);
    cr_assert_eq(v, 0x02400c02u, "PARAMS 0x%08x", v);
    cr_assert(dev.kch == 64 && dev.banks == 2, "driver read KCH %u BANKS %u", dev.kch, dev.banks);
    /* every slot keeps its own exponent; above 31 reads 31 */
    const uint32_t kx[][2] = {{0, 3}, {1, 16}, {63, 9}, {5, 17}, {6, 1000}};
    for (size_t i = 0; i < NC_ARRAY_LEN(kx); i++) {
        cr_assert_eq(bus_write32(b, FFTCONV_KSLOT, kx[i][0]), NC_OK);
        cr_assert_eq(bus_write32(b, FFTCONV_KEXP, kx[i][1]), NC_OK);
    }
    const uint32_t want[][2] = {{0, 3}, {1, 16}, {63, 9}, {5, 17}, {6, 31}, {2, 15}};
    for (size_t i = 0; i < NC_ARRAY_LEN(want); i++) {
        cr_assert_eq(bus_write32(b, FFTCONV_KSLOT, want[i][0]), NC_OK);
        cr_assert_eq(bus_read32(b, FFTCONV_KEXP, &v), NC_OK);
        cr_assert_eq(v, want[i][1], "slot %u: KEXP %u, expected %u", want[i][0], v, want[i][1]);
    }
    /* slot 64 does not exist: K and KEXP refused through it, START refused with ERR_CHANNEL */
    cr_assert_eq(bus_write32(b, FFTCONV_KSLOT, 64), NC_OK);
    refused(tb, true, FFTCONV_WIN_K_BASE, "K write with KSLOT = 64");
    refused(tb, true, FFTCONV_KEXP, "KEXP write with KSLOT = 64");
    refused(tb, false, FFTCONV_KEXP, "KEXP read with KSLOT = 64");
    cr_assert_eq(bus_write32(b, FFTCONV_LOG2L, 8), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CHANNEL, 64), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    v = status(tb);
    cr_assert_eq(v & (FFTCONV_STATUS_ERR_CHANNEL_MASK | FFTCONV_STATUS_BUSY_MASK),
                 FFTCONV_STATUS_ERR_CHANNEL_MASK, "CHANNEL 64: STATUS 0x%08x", v);
    cr_assert(nc_tb_irq(tb), "no irq with ERR_CHANNEL");
    cr_assert_eq(bus_write32(b, FFTCONV_STATUS, FFTCONV_STATUS_ERR_CHANNEL_MASK), NC_OK);
    cr_assert_eq(status(tb), 0, "ERR_CHANNEL not cleared");
    /* slot 5's exponent 17 is illegal: ERR_MODE; the other slots' exponents do not matter */
    cr_assert_eq(bus_write32(b, FFTCONV_CHANNEL, 5), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    cr_assert_eq(status(tb), FFTCONV_STATUS_ERR_MODE_MASK, "slot 5 (KEXP 17): STATUS 0x%08x", status(tb));
    cr_assert_eq(bus_write32(b, FFTCONV_STATUS, 0xffffffffu), NC_OK);
    /* the driver refuses slot 64 before the bus */
    uint64_t before = nc_tb_cycles(tb);
    cr_assert_eq(fftconv_select_channel(&dev, 64), NC_ERR_ARG);
    cr_assert(strstr(nc_err_msg(), "0..63"), "message: %s", nc_err_msg());
    cr_assert_eq(nc_tb_cycles(tb), before, "a refused slot touched the bus");

    /* a run in slot 2, bank 0 (RUN = 0), the host in bank 1 (HOST = 1) */
    start_short(tb, 2, FFTCONV_BANK_HOST_MASK);
    accepted(tb, true, FFTCONV_WIN_U_BASE + 4, 7, "U write to the free bank while busy");
    accepted(tb, false, FFTCONV_WIN_Y_BASE + 8, 0, "Y read of the free bank while busy");
    cr_assert_eq(bus_write32(b, FFTCONV_KSLOT, 3), NC_OK);
    accepted(tb, true, FFTCONV_WIN_K_BASE, 0x12345678u, "K write to another slot while busy");
    accepted(tb, true, FFTCONV_KEXP, 12, "KEXP of another slot while busy");
    accepted(tb, true, FFTCONV_CHANNEL, 3, "CHANNEL while busy");
    /* WPAGE (README, "Sizes") pages the host's bank and slot: writable while busy; page 1 starts
     * at word 65536, past this build's 4096 (U, Y) and 8192 (K) words of a bank or slot */
    accepted(tb, true, FFTCONV_WPAGE, 1, "WPAGE while busy");
    refused(tb, true, FFTCONV_WIN_U_BASE + 4, "U write to the free bank, page 1");
    refused(tb, true, FFTCONV_WIN_K_BASE, "K write to another slot, page 1");
    accepted(tb, true, FFTCONV_WPAGE, 0, "WPAGE back to 0 while busy");
    accepted(tb, true, FFTCONV_WIN_U_BASE + 4, 7, "U write to the free bank, page 0 again");
    cr_assert_eq(bus_write32(b, FFTCONV_KSLOT, 2), NC_OK);
    refused(tb, true, FFTCONV_WIN_K_BASE, "K write to the running slot");
    refused(tb, true, FFTCONV_KEXP, "KEXP write of the running slot");
    accepted(tb, false, FFTCONV_KEXP, 0, "KEXP read of the running slot");
    cr_assert_eq(bus_write32(b, FFTCONV_BANK, 0), NC_OK); /* HOST = RUN = 0 */
    refused(tb, true, FFTCONV_WIN_U_BASE, "U write to the running bank");
    refused(tb, false, FFTCONV_WIN_Y_BASE, "Y read of the running bank");
    refused(tb, true, FFTCONV_LOG2L, "LOG2L while busy");
    cr_assert_eq(bus_read32(b, FFTCONV_CHANNEL, &v), NC_OK);
    cr_assert_eq(v, 3, "CHANNEL reads %u", v);
    fftconv_result_t res;
    dev.kloaded[0] = 1;
    dev.cfg.log2l = dev.cfg.log2lk = 8; /* the wait's budget: an L = 256 run */
    cr_assert_eq(fftconv_wait(&dev, &res), NC_OK, "%s", nc_err_msg());
    /* idle: both banks and every slot are free again */
    accepted(tb, true, FFTCONV_WIN_U_BASE, 1, "U write to bank 0 when idle");
    accepted(tb, true, FFTCONV_WIN_K_BASE, 1, "K write to slot 2 when idle");
}
NC_TB_TESTS(fftconv_drv, channel_slots_banks_and_busy_rules, "fftconv_c2", channel_registers, 60)

/* A single-bank, single-slot build: BANK reads 0 and ignores writes; U stays refused while busy
 * whatever BANK says; CHANNEL 1 is refused with ERR_CHANNEL. */
static void single_bank(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    uint32_t v = 0;
    cr_assert_eq(bus_read32(b, FFTCONV_PARAMS, &v), NC_OK);
    cr_assert_eq(v, 0x01011001u, "PARAMS 0x%08x", v);
    cr_assert_eq(bus_write32(b, FFTCONV_BANK, 3), NC_OK);
    cr_assert_eq(bus_read32(b, FFTCONV_BANK, &v), NC_OK);
    cr_assert_eq(v, 0, "BANK reads 0x%x in a one-bank build", v);
    cr_assert_eq(bus_write32(b, FFTCONV_LOG2L, 8), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CHANNEL, 1), NC_OK);
    cr_assert_eq(bus_write32(b, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK), NC_OK);
    cr_assert_eq(status(tb), FFTCONV_STATUS_ERR_CHANNEL_MASK, "STATUS 0x%08x", status(tb));
    cr_assert_eq(bus_write32(b, FFTCONV_STATUS, 0xffffffffu), NC_OK);
    start_short(tb, 0, FFTCONV_BANK_HOST_MASK);
    refused(tb, true, FFTCONV_WIN_U_BASE, "U while busy, one bank");
    refused(tb, false, FFTCONV_WIN_Y_BASE, "Y while busy, one bank");
    refused(tb, true, FFTCONV_WIN_K_BASE, "K while busy, one slot");
    cr_assert_eq(fftconv_soft_reset(&dev), NC_OK);
}
NC_TB_TESTS(fftconv_drv, single_bank_build_refuses_while_busy, "fftconv_p1", single_bank, 30)

/* A stray WPAGE write shuts every window of a build with LMAX <= 65536 (page 3 starts at word
 * 196608); the driver's soft reset writes back the page it uses (0), and a run is exact again. */
static void soft_reset_wpage(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    bus_t *b = tb->bus;
    uint32_t v = 0;
    cr_assert_eq(bus_write32(b, FFTCONV_WPAGE, 3), NC_OK);
    refused(tb, true, FFTCONV_WIN_U_BASE, "U write with WPAGE 3");
    cr_assert_eq(fftconv_soft_reset(&dev), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(bus_read32(b, FFTCONV_WPAGE, &v), NC_OK);
    cr_assert_eq(v, 0, "WPAGE after the driver's soft reset: %u", v);
    cr_assert_eq(checked_run(&dev, 8, nc_test_seed(305)), 0, "run after the soft reset");
}
NC_TB_TESTS(fftconv_drv, soft_reset_restores_the_window_page, "fftconv_p2", soft_reset_wpage, 30)

/* The driver's channel stream: H = 6 channels of L = 256 with different kernels through
 * fftconv_run_channels, each equal to the model with its own kernel; a kernel slot swapped
 * between two channels is caught (those channels differ from the model); a slot without a
 * kernel is refused before the bus. */
static void stream_channels(nc_tb_t *tb, void *arg)
{
    const bool overlap = arg == NULL; /* NC_TB_TESTS passes NULL: overlapped */
    enum { H = 6, LOG2L = 8, L = 1 << LOG2L };
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    dev.no_overlap = !overlap;
    static int16_t u[H * L], k[L], y[H * L], ym[L];
    static uint32_t ks[H][2 * L];
    unsigned kexp[H];
    nc_rng_t r;
    nc_rng_seed(&r, nc_test_seed(1302));
    fftconv_cfg_t c = {LOG2L, LOG2L, 0, 1234, 0, 0};
    cr_assert_eq(fftconv_configure(&dev, &c), NC_OK, "%s", nc_err_msg());
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, H * L);
    for (unsigned ch = 0; ch < H; ch++) {
        cr_assert_eq(fftconv_make_kernel(&r, L, 1.0, k), NC_OK);
        cr_assert_eq(fftconv_kernel_spectrum(k, L, 0, ks[ch], &kexp[ch]), NC_OK);
        cr_assert_eq(fftconv_select_channel(&dev, ch), NC_OK);
        cr_assert_eq(fftconv_load_spectrum(&dev, ks[ch], kexp[ch]), NC_OK, "%s", nc_err_msg());
    }
    uint64_t before = nc_tb_cycles(tb);
    const unsigned unloaded[H] = {0, 1, 2, 3, 4, 40};
    cr_assert_eq(fftconv_run_channels(&dev, H, unloaded, u, y, NULL), NC_ERR_ARG);
    cr_assert(strstr(nc_err_msg(), "channel 5: slot 40"), "message: %s", nc_err_msg());
    cr_assert_eq(nc_tb_cycles(tb), before, "a refused stream touched the bus");
    const unsigned swapped[H] = {0, 1, 3, 2, 4, 5};
    for (int pass = 0; pass < 2; pass++) {
        fftconv_result_t res[H];
        cr_assert_eq(fftconv_run_channels(&dev, H, pass ? swapped : NULL, u, y, res), NC_OK,
                     "%s", nc_err_msg());
        for (unsigned ch = 0; ch < H; ch++) {
            fftconv_cfg_t cc = c;
            cc.kexp = kexp[ch];
            cr_assert_eq(fftconv_model_run(&cc, u + ch * L, ks[ch], ym, NULL), NC_OK);
            size_t diff = 0;
            for (unsigned t = 0; t < L; t++)
                diff += y[ch * L + t] != ym[t];
            bool wrong = pass && (ch == 2 || ch == 3);
            if (wrong)
                cr_assert(diff > L / 2, "channel %u ran with slot %u, yet only %zu samples differ "
                          "from its own kernel's model", ch, swapped[ch], diff);
            else
                cr_assert_eq(diff, 0, "%s pass %d channel %u: %zu of %u samples differ",
                             nc_backend_name(tb->be), pass, ch, diff, L);
            cr_assert_eq(res[ch].cycles, fftconv_model_cycles(&c, 2), "channel %u: CYCLES %u",
                         ch, res[ch].cycles);
        }
    }
}
NC_TB_TESTS(fftconv_drv, channel_stream_overlapped, "fftconv_c2", stream_channels, 60)

Test(fftconv_drv, channel_stream_one_bank_at_a_time, .timeout = 60)
{
    static int one_bank;
    nc_tb_run(NC_BE_VMODEL, "fftconv_c2", stream_channels, &one_bank);
}

/* Kernels loaded in the stream (fftconv_stream_channels): channel ch's kernel goes into its slot
 * while channel ch-1 runs, or after that run when both share a slot (the running slot is never
 * written: any ERR_ACCESS would fail the run). Slots {5, 5, 9, 5, 9}: channels 1 and 3 reload a
 * slot the channel before them used or uses; every channel must equal the model with its own
 * kernel. */
static void stream_kernels(nc_tb_t *tb, void *arg)
{
    (void)arg;
    enum { H = 5, LOG2L = 8, L = 1 << LOG2L };
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    static int16_t u[H * L], k[L], y[H * L], ym[L];
    static uint32_t ks[H][2 * L], kp[H][L];
    const uint32_t *kw[H];
    unsigned kexp[H];
    const unsigned slots[H] = {5, 5, 9, 5, 9};
    nc_rng_t r;
    nc_rng_seed(&r, nc_test_seed(1303));
    fftconv_cfg_t c = {LOG2L, LOG2L, 0, 0, 0, 0};
    cr_assert_eq(fftconv_set_packed(&dev, true), NC_OK);
    cr_assert_eq(fftconv_configure(&dev, &c), NC_OK, "%s", nc_err_msg());
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, H * L);
    for (unsigned ch = 0; ch < H; ch++) {
        cr_assert_eq(fftconv_make_kernel(&r, L, 1.0, k), NC_OK);
        cr_assert_eq(fftconv_kernel_spectrum(k, L, 0, ks[ch], &kexp[ch]), NC_OK);
        cr_assert_eq(fftconv_kspec_pack(ks[ch], LOG2L, kp[ch]), NC_OK);
        kw[ch] = kp[ch];
    }
    /* slot 9 has no kernel yet, but channel 2 brings one: accepted; without kernels refused */
    cr_assert_eq(fftconv_run_channels(&dev, H, slots, u, y, NULL), NC_ERR_ARG);
    fftconv_result_t res[H];
    cr_assert_eq(fftconv_stream_channels(&dev, H, slots, kw, kexp, u, y, res), NC_OK, "%s: %s",
                 nc_backend_name(tb->be), nc_err_msg());
    for (unsigned ch = 0; ch < H; ch++) {
        fftconv_cfg_t cc = c;
        cc.kexp = kexp[ch];
        cr_assert_eq(fftconv_model_run_packed(&cc, u + ch * L, kp[ch], ym, NULL), NC_OK);
        size_t diff = 0;
        for (unsigned t = 0; t < L; t++)
            diff += y[ch * L + t] != ym[t];
        cr_assert_eq(diff, 0, "%s channel %u (slot %u): %zu of %u samples differ",
                     nc_backend_name(tb->be), ch, slots[ch], diff, L);
    }
    /* the slots keep the last kernels: slot 9 channel 4's, slot 5 channel 3's */
    const unsigned again[2] = {9, 5}, kof[2] = {4, 3};
    cr_assert_eq(fftconv_run_channels(&dev, 2, again, u, y, NULL), NC_OK, "%s", nc_err_msg());
    for (unsigned ch = 0; ch < 2; ch++) {
        fftconv_cfg_t cc = c;
        cc.kexp = kexp[kof[ch]];
        cr_assert_eq(fftconv_model_run_packed(&cc, u + ch * L, kp[kof[ch]], ym, NULL), NC_OK);
        cr_assert_eq(memcmp(y + ch * L, ym, sizeof ym), 0, "slot %u does not hold channel %u's "
                     "kernel", again[ch], kof[ch]);
    }
}
NC_TB_TESTS(fftconv_drv, channel_stream_loads_kernels, "fftconv_c2", stream_kernels, 60)

/* A stream that stops half-way leaves BANK.HOST != BANK.RUN (channel c running in one bank, the
 * host in the other). The next single-channel run (and a one-bank stream) must load, run and
 * read in one bank, not fill one and run the other. */
static void banks_apart(nc_tb_t *tb, void *arg)
{
    (void)arg;
    fftconv_dev_t dev;
    open_dev(tb, &dev);
    cr_assert_eq(checked_run(&dev, 8, nc_test_seed(1304)), 0, "first run");
    cr_assert_eq(bus_write32(tb->bus, FFTCONV_BANK, FFTCONV_BANK_HOST_MASK), NC_OK);
    dev.bank = FFTCONV_BANK_HOST_MASK; /* what the driver wrote before stopping */
    cr_assert_eq(checked_run(&dev, 8, nc_test_seed(1305)), 0, "a run after the banks were left apart");
    uint32_t v = 0;
    cr_assert_eq(bus_read32(tb->bus, FFTCONV_BANK, &v), NC_OK);
    cr_assert_eq(v & FFTCONV_BANK_HOST_MASK ? 1u : 0u, v & FFTCONV_BANK_RUN_MASK, "BANK 0x%x", v);
}
NC_TB_TESTS(fftconv_drv, a_run_after_a_broken_stream_uses_one_bank, "fftconv_c2", banks_apart, 30)
