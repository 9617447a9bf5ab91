/* test_core_bus.c - the spine: bus_t over mapped memory and over a Verilated model (scratch IP). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bus.h"
#include "nc_test.h"
#include "scratch_regs.h"
#include "vmodel.h"

/* ---------- mmio backend against an ordinary mapped file ---------- */

static char *make_file(size_t bytes)
{
    static char path[] = "/tmp/nc_mmio_XXXXXX";
    char *p = strdup(path);
    int fd = mkstemp(p);
    cr_assert(fd >= 0);
    cr_assert(ftruncate(fd, (off_t)bytes) == 0);
    close(fd);
    return p;
}

Test(core_mmio, write_read_lands_in_the_file, .timeout = 10)
{
    char *path = make_file(8192);
    bus_t *b;
    cr_assert_eq(bus_mmio_open(path, 4096, 4096, &b), NC_OK, "%s", nc_err_msg());
    nc_rng_t r;
    nc_rng_seed(&r, nc_test_seed(1));
    uint32_t want[1024];
    for (uint32_t i = 0; i < 1024; i++) {
        want[i] = (uint32_t)nc_rng_u64(&r);
        cr_assert_eq(bus_write32(b, 4 * i, want[i]), NC_OK);
    }
    for (uint32_t i = 0; i < 1024; i++) {
        uint32_t v;
        cr_assert_eq(bus_read32(b, 4 * i, &v), NC_OK);
        cr_assert_eq(v, want[i], "word %u", i);
    }
    bus_close(b);
    /* The words are in the file at the window's offset, in host order. */
    FILE *f = fopen(path, "rb");
    uint32_t got[1024];
    cr_assert(fseek(f, 4096, SEEK_SET) == 0);
    cr_assert_eq(fread(got, 4, 1024, f), 1024u);
    fclose(f);
    cr_assert(memcmp(got, want, sizeof want) == 0);
    unlink(path);
    free(path);
}

Test(core_mmio, checks_alignment_range_and_file, .timeout = 10)
{
    char *path = make_file(4096);
    bus_t *b;
    uint32_t v;
    cr_assert_eq(bus_mmio_open(path, 0, 4096, &b), NC_OK);
    cr_assert_eq(bus_read32(b, 2, &v), NC_ERR_ALIGN);
    cr_assert(strstr(nc_err_msg(), "0x00000002"), "%s", nc_err_msg());
    cr_assert_eq(bus_write32(b, 4096, 1), NC_ERR_RANGE);
    cr_assert_eq(bus_write32(b, 4092, 1), NC_OK);
    uint32_t words[4] = {1, 2, 3, 4};
    cr_assert_eq(bus_write_burst(b, 4084, words, 4), NC_ERR_RANGE); /* last word past the end */
    bus_close(b);
    cr_assert_eq(bus_mmio_open(path, 0, 8192, &b), NC_ERR_RANGE, "file too small");
    cr_assert_eq(bus_mmio_open(path, 100, 64, &b), NC_ERR_ALIGN, "offset not page-aligned");
    cr_assert_eq(bus_mmio_open(path, 0, 6, &b), NC_ERR_ARG);
    cr_assert_eq(bus_mmio_open("/nonexistent/uio0", 0, 64, &b), NC_ERR_IO);
    cr_assert(strstr(nc_err_msg(), "/nonexistent/uio0"), "%s", nc_err_msg());
    unlink(path);
    free(path);
}

Test(core_mmio, poll_is_bounded, .timeout = 10)
{
    char *path = make_file(4096);
    bus_t *b;
    uint32_t last = 0;
    cr_assert_eq(bus_mmio_open(path, 0, 4096, &b), NC_OK);
    cr_assert_eq(bus_write32(b, 8, 0x5), NC_OK);
    cr_assert_eq(bus_poll(b, 8, 0x1, 0x0, 50, 10, "wait for idle", &last), NC_ERR_TIMEOUT);
    cr_assert_eq(last, 0x5u);
    cr_assert(strstr(nc_err_msg(), "wait for idle") && strstr(nc_err_msg(), "0x00000005"),
              "%s", nc_err_msg());
    cr_assert_eq(bus_poll(b, 8, 0x4, 0x4, 1, 10, "bit 2", NULL), NC_OK);
    bus_close(b);
    unlink(path);
    free(path);
}

/* ---------- Verilated scratch IP through the C API ---------- */

static vmodel_t *open_scratch(void)
{
    vmodel_t *m = vmodel_open_name("scratch");
    cr_assert(m, "%s", nc_err_msg());
    return m;
}

Test(core_vmodel, unknown_model_names_the_known_ones, .timeout = 10)
{
    cr_assert_null(vmodel_open_name("nope"));
    cr_assert(strstr(nc_err_msg(), "nope") && strstr(nc_err_msg(), "scratch"), "%s", nc_err_msg());
}

Test(core_vmodel, registers_and_window, .timeout = 30)
{
    vmodel_t *m = open_scratch();
    bus_t *b = vmodel_bus(m);
    uint32_t v;
    cr_assert_eq(bus_read32(b, SCRATCH_ID, &v), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(v, SCRATCH_ID_RESET);
    nc_rng_t r;
    uint64_t seed = nc_test_seed(7);
    nc_rng_seed(&r, seed);
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)nc_rng_u64(&r);
    cr_assert_eq(bus_write_burst(b, SCRATCH_WIN_SCRATCH_BASE, w, 16), NC_OK);
    uint32_t got[16];
    cr_assert_eq(bus_read_burst(b, SCRATCH_WIN_SCRATCH_BASE, got, 16), NC_OK);
    cr_assert(memcmp(w, got, sizeof w) == 0, "seed %llu", (unsigned long long)seed);
    vmodel_close(m);
}

Test(core_vmodel, handshake_cycles_follow_the_protocol, .timeout = 30)
{
    /* rtl/common/README.md: a request is taken at an edge where bus_ack is low, and the device
     * answers in the command cycle, so an access from idle takes 1 cycle and each back-to-back
     * access 2 (one edge to drop bus_ack, one to take the request). */
    vmodel_t *m = open_scratch();
    uint64_t c0 = vmodel_cycles(m);
    uint32_t v;
    for (int i = 0; i < 100; i++)
        cr_assert_eq(vmodel_read32(m, SCRATCH_CYCLES, &v), NC_OK);
    cr_assert_eq(vmodel_cycles(m) - c0, 1u + 2u * 99u);
    /* The device's own cycle counter agrees with the model's (reset cycles excluded). */
    cr_assert_eq(vmodel_read32(m, SCRATCH_CYCLES, &v), NC_OK);
    uint64_t now = vmodel_cycles(m);
    cr_assert(v > 0 && v <= now && now - v <= 8, "device %u model %llu", v, (unsigned long long)now);
    vmodel_close(m);
}

Test(core_vmodel, refused_accesses_give_errors_and_are_counted, .timeout = 30)
{
    vmodel_t *m = open_scratch();
    bus_t *b = vmodel_bus(m);
    uint32_t v;
    cr_assert_eq(bus_write32(b, SCRATCH_ID, 1), NC_ERR_BUS, "read-only register");
    cr_assert(strstr(nc_err_msg(), "0x000000"), "%s", nc_err_msg());
    cr_assert_eq(bus_read32(b, 0x2000, &v), NC_ERR_BUS, "unmapped");
    cr_assert_eq(bus_read32(b, SCRATCH_TIMER + 1, &v), NC_ERR_ALIGN, "caught before the bus");
    cr_assert_eq(bus_read32(b, 1u << 24, &v), NC_ERR_RANGE);
    /* The device direct: a misaligned address reaches the RTL and is refused there. */
    cr_assert_eq(vmodel_read32(m, SCRATCH_TIMER + 2, &v), NC_ERR_BUS);
    cr_assert_eq(bus_read32(b, SCRATCH_ERRORS, &v), NC_OK);
    cr_assert_eq(v, 3u, "refused accesses counted: %u", v);
    vmodel_close(m);
}

Test(core_vmodel, bounded_poll_timer_irq_and_reset, .timeout = 30)
{
    vmodel_t *m = open_scratch();
    bus_t *b = vmodel_bus(m);
    uint32_t st;
    cr_assert_eq(bus_write32(b, SCRATCH_TIMER, 5000), NC_OK);
    cr_assert_not(vmodel_irq(m));
    /* Too short a wait times out with a message, and does not hang. */
    cr_assert_eq(bus_poll(b, SCRATCH_STATUS, SCRATCH_STATUS_DONE_MASK, SCRATCH_STATUS_DONE_MASK,
                          10, 16, "timer", &st), NC_ERR_TIMEOUT);
    cr_assert(st & SCRATCH_STATUS_BUSY_MASK);
    uint64_t c0 = vmodel_cycles(m);
    cr_assert_eq(bus_poll(b, SCRATCH_STATUS, SCRATCH_STATUS_DONE_MASK, SCRATCH_STATUS_DONE_MASK,
                          100, 256, "timer", &st), NC_OK, "%s", nc_err_msg());
    cr_assert(vmodel_irq(m));
    cr_assert(vmodel_cycles(m) - c0 < 5000 + 512, "polling overshoots by at most one idle step");
    vmodel_reset(m, 2);
    cr_assert_not(vmodel_irq(m));
    cr_assert_eq(bus_read32(b, SCRATCH_STATUS, &st), NC_OK);
    cr_assert_eq(st, 0u);
    vmodel_close(m);
}

Test(core_vmodel, stalled_device_times_out, .timeout = 30)
{
    vmodel_t *m = open_scratch();
    vmodel_set_bus_timeout(m, 64);
    uint32_t v;
    uint64_t c0 = vmodel_cycles(m);
    cr_assert_eq(vmodel_read32(m, SCRATCH_HANG, &v), NC_ERR_TIMEOUT);
    cr_assert_eq(vmodel_cycles(m) - c0, 64u, "the wait is bounded by the timeout");
    cr_assert(strstr(nc_err_msg(), "no bus_ack") && strstr(nc_err_msg(), "0x000014"), "%s",
              nc_err_msg());
    /* The device is stuck with the access pending; a reset brings it back. */
    cr_assert_eq(vmodel_read32(m, SCRATCH_ID, &v), NC_ERR_TIMEOUT);
    vmodel_reset(m, 2);
    cr_assert_eq(vmodel_read32(m, SCRATCH_ID, &v), NC_OK);
    vmodel_close(m);
}

Test(core_vmodel, waveform_file_is_written, .timeout = 30)
{
    char path[512];
    snprintf(path, sizeof path, "%s/scratch_trace_test.fst", nc_test_wave_dir());
    unlink(path);
    vmodel_t *m = open_scratch();
    cr_assert_eq(vmodel_trace_open(m, path), NC_OK, "%s", nc_err_msg());
    cr_assert(vmodel_tracing(m));
    uint32_t v;
    cr_assert_eq(vmodel_write32(m, SCRATCH_TIMER, 20), NC_OK);
    vmodel_step(m, 100);
    cr_assert_eq(vmodel_read32(m, SCRATCH_STATUS, &v), NC_OK);
    vmodel_trace_close(m);
    cr_assert_not(vmodel_tracing(m));
    struct stat st;
    cr_assert_eq(stat(path, &st), 0);
    cr_assert(st.st_size > 100, "FST file has %lld bytes", (long long)st.st_size);
    cr_assert_eq(vmodel_trace_open(m, "/nonexistent/dir/x.fst"), NC_ERR_IO);
    vmodel_close(m);
}

/* ---------- the test harness itself: a failing RTL case leaves a waveform ---------- */

struct planted {
    uint32_t wrong_id; /* the case "expects" this ID: a planted error */
};

static int planted_case(void *arg, const char *wave, char *msg, size_t len)
{
    struct planted *p = arg;
    vmodel_t *m = vmodel_open_name("scratch");
    if (!m)
        return nc_err_status();
    if (wave && vmodel_trace_open(m, wave) != NC_OK) {
        vmodel_close(m);
        return NC_ERR_IO;
    }
    uint32_t id = 0;
    int rc = vmodel_read32(m, SCRATCH_ID, &id);
    vmodel_step(m, 10);
    vmodel_close(m);
    if (rc == NC_OK && id != p->wrong_id) {
        snprintf(msg, len, "ID 0x%08x, expected 0x%08x", id, p->wrong_id);
        return NC_ERR_MISMATCH;
    }
    return rc;
}

Test(core_harness, failing_case_reports_seed_and_leaves_waveform, .timeout = 30)
{
    char path[600], report[4096];
    snprintf(path, sizeof path, "%s/scratch_planted.fst", nc_test_wave_dir());
    unlink(path);
    struct planted p = {0xdeadbeef};
    cr_assert_eq(nc_test_try_case("scratch_planted", 1234, planted_case, &p, report, sizeof report),
                 NC_ERR_MISMATCH);
    cr_assert(strstr(report, "NC_SEED=1234") && strstr(report, path) &&
              strstr(report, "expected 0xdeadbeef"), "%s", report);
    struct stat st;
    cr_assert_eq(stat(path, &st), 0, "no waveform at %s", path);
    cr_assert(st.st_size > 100);
    p.wrong_id = SCRATCH_ID_RESET; /* now right: passes, no report */
    cr_assert_eq(nc_test_try_case("scratch_planted_ok", 1, planted_case, &p, report, sizeof report),
                 NC_OK);
}
