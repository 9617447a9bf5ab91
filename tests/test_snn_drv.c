/*
 * test_snn_drv.c - the SNN driver on three backends (tests/nc_test_bus.h): the Verilated
 * model's bus, the SystemC/TLM-2.0 platform and the memory-mapped backend with the model
 * behind a trapping mapping. Each test runs as <name>_vmodel, <name>_tlm and <name>_mmio:
 * a network against the bit-exact model (spikes and every neuron's state every step),
 * configurations refused before the bus, the input FIFO's overflow (sticky bit, drop count,
 * interrupt), a refused pop, bounded waits, and register storms followed by CLEAR.
 */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nc_test.h"
#include "nc_test_bus.h"
#include "snn_cosim.h"
#include "snn_drv.h"
#include "snn_gen.h"
#include "snn_regs.h"

#define MODEL "snn_l1" /* N=256, 1 lane, FIFO 512 */

static void open_dev(nc_tb_t *tb, snn_dev_t *d)
{
    cr_assert_eq(snn_dev_open(tb->bus, d), NC_OK, "%s: %s", nc_backend_name(tb->be), nc_err_msg());
}

/* A small recurrent network with astrocytes, run against the model with every state compared. */
static void check_network(nc_tb_t *tb, snn_dev_t *d, uint64_t seed, uint32_t steps)
{
    nc_rng_t rng;
    nc_rng_seed(&rng, seed);
    snn_gen_opts_t g = {.n_axons = 32, .layer = {64, 32}, .n_layers = 2, .p_ff = 0.2, .p_rec = 0.05,
                        .w_lo = -60, .w_hi = 100, .dmax = 16, .wexp = 3, .astro = true, .wild = true,
                        .vth_lo = 2000, .vth_hi = 30000};
    snn_net_t net;
    snn_event_t *in = NULL;
    size_t n_in = 0;
    snn_cosim_result_t res = {0};
    cr_assert_eq(snn_gen_layered(&net, &g, &rng), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(snn_gen_poisson(32, steps, 0.1, &rng, &in, &n_in), NC_OK);
    cr_assert_eq(snn_dev_load(d, &net), NC_OK, "%s", nc_err_msg());
    snn_cosim_opts_t o = {.check_state = true};
    cr_assert_eq(snn_cosim_run(d, &net, in, n_in, steps, &o, &res), NC_OK, "%s: %s",
                 nc_backend_name(tb->be), nc_err_msg());
    cr_assert_eq(res.spike_mismatches + res.state_mismatches, 0, "%s, seed %llu: %s",
                 nc_backend_name(tb->be), (unsigned long long)seed, res.first_mismatch);
    cr_assert_gt(res.n_out, 0, "the network never spiked: the check saw nothing");
    cr_assert_eq(res.states_compared, (uint64_t)steps * 96);
    snn_cosim_result_free(&res);
    free(in);
    snn_net_free(&net);
}

static void network_matches_model(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    cr_assert_eq(d.nmax, 256);
    cr_assert_eq(d.lanes, 1);
    check_network(tb, &d, nc_test_seed(41), 60);
}
NC_TB_TESTS(snn_drv, network_matches_model, MODEL, network_matches_model, 60)

static void refused_before_the_bus(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    nc_rng_t rng;
    nc_rng_seed(&rng, 5);
    snn_gen_opts_t g = {.n_axons = 8, .layer = {300}, .n_layers = 1, .p_ff = 0.1, .w_lo = 1,
                        .w_hi = 9, .dmax = 4, .vth_lo = 100, .vth_hi = 200};
    snn_net_t net;
    cr_assert_eq(snn_gen_layered(&net, &g, &rng), NC_OK, "%s", nc_err_msg());
    uint64_t c0 = nc_tb_cycles(tb);
    cr_assert_eq(snn_dev_load(&d, &net), NC_ERR_ARG, "300 neurons on a 256-neuron build");
    cr_assert(strstr(nc_err_msg(), "300") && strstr(nc_err_msg(), "256"), "%s", nc_err_msg());
    cr_assert_eq(nc_tb_cycles(tb), c0, "a refused network touched the bus");
    snn_net_free(&net);
    d.n_axons = 8;
    cr_assert_eq(snn_dev_push(&d, 0, 8), NC_ERR_ARG, "an axon the network does not have");
    cr_assert_eq(nc_tb_cycles(tb), c0, "a refused event touched the bus");
}
NC_TB_TESTS(snn_drv, configurations_are_refused_before_the_bus, MODEL, refused_before_the_bus, 30)

static void input_overflow(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    cr_assert_eq(snn_dev_clear(&d), NC_OK, "%s", nc_err_msg());
    d.n_axons = d.amax;
    cr_assert(!nc_tb_irq(tb), "irq after CLEAR");
    for (uint32_t i = 0; i < d.fifo_depth + 3; i++)
        cr_assert_eq(snn_dev_push(&d, 5, i % 7), NC_OK, "%s", nc_err_msg());
    snn_counters_t c;
    cr_assert_eq(snn_dev_counters(&d, &c), NC_OK, "%s", nc_err_msg());
    cr_assert(c.err & SNN_ERR_IN_OVF_MASK, "ERR 0x%x lacks IN_OVF", c.err);
    cr_assert_eq(c.in_drops, 3, "IN_DROPS %u, expected 3 (FIFO of %u, %u pushed)", c.in_drops,
                 d.fifo_depth, d.fifo_depth + 3);
    uint32_t level = 0;
    cr_assert_eq(bus_read32(tb->bus, SNN_IN_LEVEL, &level), NC_OK);
    cr_assert_eq(level, d.fifo_depth);
    cr_assert(nc_tb_irq(tb), "no irq with an error bit");
    cr_assert_eq(snn_dev_clear_errors(&d, SNN_ERR_IN_OVF_MASK), NC_OK);
    cr_assert_eq(snn_dev_counters(&d, &c), NC_OK);
    cr_assert_eq(c.err & SNN_ERR_IN_OVF_MASK, 0, "IN_OVF not cleared by W1C");
}
NC_TB_TESTS(snn_drv, input_overflow_is_sticky_counted_and_interrupts, MODEL, input_overflow, 30)

static void refused_pop(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    cr_assert_eq(snn_dev_clear(&d), NC_OK, "%s", nc_err_msg());
    uint32_t v = 0;
    int rc = bus_read32(tb->bus, SNN_OUT_FIFO, &v); /* empty: refused by the device */
    if (tb->be == NC_BE_MMIO) /* memory-mapped hardware answers without an error code */
        cr_assert(rc == NC_OK && v == 0xffffffffu, "mmio pop of an empty FIFO: %d 0x%x", rc, v);
    else
        cr_assert_eq(rc, NC_ERR_BUS, "%s: pop of an empty FIFO gave %s", nc_backend_name(tb->be),
                     nc_strerror(rc));
    rc = bus_write32(tb->bus, SNN_NMAX, 1); /* read-only */
    cr_assert_eq(rc, tb->be == NC_BE_MMIO ? NC_OK : NC_ERR_BUS, "write to NMAX: %s", nc_strerror(rc));
    cr_assert_eq(bus_read32(tb->bus, SNN_NMAX, &v), NC_OK);
    cr_assert_eq(v, 256, "NMAX changed by a write: %u", v);
}
NC_TB_TESTS(snn_drv, refused_accesses, MODEL, refused_pop, 30)

static void bounded_waits(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    check_network(tb, &d, nc_test_seed(42), 5);
    d.poll_limit = 3; /* 3 polls of 64 idle cycles cannot see 20000 steps end */
    uint64_t c0 = nc_tb_cycles(tb);
    int rc = snn_dev_run(&d, 20000);
    cr_assert_eq(rc, NC_ERR_TIMEOUT, "gave %s", nc_strerror(rc));
    cr_assert(strstr(nc_err_msg(), "SNN RUN") && strstr(nc_err_msg(), "3 polls"), "%s", nc_err_msg());
    cr_assert(nc_tb_cycles(tb) - c0 < 2000, "the bounded wait took %llu cycles",
              (unsigned long long)(nc_tb_cycles(tb) - c0));
    /* The device is still busy: the host may sleep on the interrupt, with a bound. */
    cr_assert_eq(bus_wait_irq(tb->bus, 100, "RUN"), NC_ERR_TIMEOUT);
    cr_assert_eq(bus_wait_irq(tb->bus, 200u * 1000u * 1000u, "RUN"), NC_OK, "%s", nc_err_msg());
    uint32_t st = 0, err = 0; /* irq = DONE or any error bit (the output FIFO may overflow) */
    cr_assert_eq(bus_read32(tb->bus, SNN_STATUS, &st), NC_OK);
    cr_assert_eq(bus_read32(tb->bus, SNN_ERR, &err), NC_OK);
    cr_assert((st & SNN_STATUS_DONE_MASK) || err, "STATUS 0x%x ERR 0x%x after the interrupt", st, err);
    cr_assert_eq(bus_poll(tb->bus, SNN_STATUS, SNN_STATUS_BUSY_MASK, 0, 1000000, 64, "RUN end", NULL),
                 NC_OK, "%s", nc_err_msg());
}
NC_TB_TESTS(snn_drv, waits_are_bounded, MODEL, bounded_waits, 60)

/* Random writes to every register and window (runs kept short), then CLEAR and a reload: the
 * core matches the model exactly again. */
static void storm(nc_tb_t *tb, void *arg)
{
    (void)arg;
    snn_dev_t d;
    open_dev(tb, &d);
    uint64_t seed = nc_test_seed(43);
    nc_rng_t r;
    nc_rng_seed(&r, seed);
    for (int i = 0; i < 3000; i++) {
        uint32_t addr = nc_rng_below(&r, 2) ? 4u * nc_rng_below(&r, 48)
                                            : nc_rng_below(&r, 1u << 24) & ~3u;
        uint32_t val = (uint32_t)nc_rng_u64(&r), v;
        if (addr == SNN_STEPS)
            val &= 15; /* storm-started runs stay short */
        int rc = nc_rng_below(&r, 3) ? bus_write32(tb->bus, addr, val) : bus_read32(tb->bus, addr, &v);
        cr_assert(rc == NC_OK || rc == NC_ERR_BUS, "%s, seed %llu, access %d at 0x%06x: %s",
                  nc_backend_name(tb->be), (unsigned long long)seed, i, addr, nc_err_msg());
        if (nc_rng_below(&r, 8) == 0)
            bus_idle(tb->bus, nc_rng_below(&r, 500));
    }
    /* Let any storm-started run end (bounded), then the network is exact again. */
    cr_assert_eq(bus_poll(tb->bus, SNN_STATUS, SNN_STATUS_BUSY_MASK, 0, 100000, 64, "storm end", NULL),
                 NC_OK, "%s", nc_err_msg());
    check_network(tb, &d, seed + 1, 40);
}
NC_TB_TESTS(snn_drv, register_storms_then_exact_again, MODEL, storm, 120)
