/* test_system.c - the hybrid system of issue 10: the interface/encoder golden model by hand,
 * the RTL interface against hand-written expectations, the whole chain end to end (host, RTL,
 * SFQ circuits in lockstep), determinism per seed, exactness of the lockstep against a
 * SPICE-only run, and the failure paths of the analog side. */
#define _POSIX_C_SOURCE 200809L
#include <criterion/criterion.h>
#include <dirent.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "hybrid_regs.h"
#include "nc_test.h"
#include "snn_regs.h"
#include "spice.h"
#include "spice_pulse.h"
#include "spice_hybrid.h"
#include "spice_xor.h"
#include "system_cosim.h"
#include "system_drv.h"
#include "system_model.h"
#include "vmodel.h"

/* ---- the golden model against hand-computed cycles ---- */

Test(system_model, by_hand)
{
    /* edges at 1500, 2500, 3500, 4500, 5500 ps: L = 0 1 1 0 0 for e = 1..5 */
    const double tg[] = {1600, 4100};
    sysm_cfg_t c = {500, 1000, 10, 0, 2, 3};
    uint32_t cyc[8];
    snn_event_t ev[8];
    cr_assert_eq(sysm_expect(&c, tg, 2, cyc, ev, 8), 2);
    cr_expect_eq(cyc[0], 3); /* the change into L(2) is logged with cycle 3 */
    cr_expect_eq(cyc[1], 5);
    cr_expect_eq(ev[0].step, 1); /* 3 / 2 */
    cr_expect_eq(ev[1].step, 2); /* 5 / 2 */
    cr_expect_eq(ev[0].id, 3);
    c.holdoff = 4;
    cr_expect_eq(sysm_expect(&c, tg, 2, cyc, ev, 8), 1);
    cr_expect_eq(cyc[0], 5);
    c.holdoff = 0, c.window = 5; /* cycle 5 is past the window */
    cr_expect_eq(sysm_expect(&c, tg, 2, cyc, ev, 8), 1);
    const double at_edge[] = {2500}; /* a toggle at an edge's time counts at that edge */
    c.window = 10;
    cr_expect_eq(sysm_expect(&c, at_edge, 1, cyc, ev, 8), 1);
    cr_expect_eq(cyc[0], 3);
}

/* ---- the RTL interface, driven edge by edge ---- */

static void step_edges(vmodel_t *m, const int *lv, int n, bool *acked)
{
    for (int e = 1; e <= n; e++) {
        vmodel_set_gpi(m, (uint32_t)lv[e]);
        vmodel_step(m, 1);
        uint32_t rd;
        if (!*acked && vmodel_bus_ack(m, true, HYBRID_CTRL, 0, &rd) != 1) {
            *acked = true;
            vmodel_bus_drive(m, false, false, 0, 0);
        }
    }
}

Test(system_rtl, interface_by_hand)
{
    vmodel_t *m = vmodel_open_name("hybrid");
    cr_assert(m, "%s", nc_err_msg());
    cr_assert(vmodel_has_gpio(m));
    bus_t *b = vmodel_bus(m);
    hyb_window_t w = {.dac_a = 17, .dac_b = 201, .window = 11, .holdoff = 0, .step_cycles = 3,
                      .axon = 2};
    cr_assert_eq(hyb_open(b), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(hyb_arm(b, &w), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(vmodel_gpo(m), 17u | 201u << 8, "the DAC codes appear on gpo before the bias");
    /* the CTRL write, one edge at a time: edge 0 is the one after which gpo[16] is high */
    vmodel_bus_drive(m, true, true, HYBRID_CTRL, HYBRID_CTRL_BIAS_EN_MASK | HYBRID_CTRL_ENC_EN_MASK);
    int guard = 0;
    while (!(vmodel_gpo(m) >> 16 & 1u) && guard++ < 10)
        vmodel_step(m, 1);
    cr_assert(vmodel_gpo(m) >> 16 & 1u, "BIAS_EN never reached gpo");
    bool acked = vmodel_bus_ack(m, true, HYBRID_CTRL, 0, NULL) != 1;
    if (acked)
        vmodel_bus_drive(m, false, false, 0, 0);
    /* L(e) for e = 1..14: changes into L(3), L(6), L(9), L(10) -> cycles 4, 7, 10, 11 */
    const int lv[15] = {0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0};
    step_edges(m, lv, 14, &acked);
    cr_assert(acked);
    hyb_result_t r;
    cr_assert_eq(hyb_read(b, &r), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(r.edges, 3, "cycle 11 lies past WINDOW = 11: %u", r.edges);
    cr_expect_eq(r.log[0], 4);
    cr_expect_eq(r.log[1], 7);
    cr_expect_eq(r.log[2], 10);
    cr_expect_eq(r.events, 3, "events written into the SNN core: %u", r.events);
    cr_expect_eq(r.drops, 0);
    uint32_t level = 0;
    cr_assert_eq(bus_read32(b, SNN_IN_LEVEL, &level), NC_OK, "%s", nc_err_msg());
    cr_expect_eq(level, 3, "the core's input FIFO holds the three events: %u", level);
    /* the model on toggle times that give the same levels (edge e at e * 1000 ps) */
    const double tg[] = {2500, 5500, 8500, 9500};
    sysm_cfg_t c = {0, 1000, 11, 0, 3, 2};
    uint32_t cyc[8];
    snn_event_t ev[8];
    cr_expect_eq(sysm_expect(&c, tg, 4, cyc, ev, 8), 3);
    cr_expect(cyc[0] == 4 && cyc[1] == 7 && cyc[2] == 10);
    /* the model's first event: step 4 / 3 = 1, axon 2 */
    cr_expect_eq(ev[0].step, 1);
    cr_expect_eq(ev[0].id, 2);
    vmodel_close(m);
}

Test(system_rtl, bad_register_values)
{
    vmodel_t *m = vmodel_open_name("hybrid");
    cr_assert(m);
    bus_t *b = vmodel_bus(m);
    cr_expect_eq(bus_write32(b, HYBRID_STEP_CYCLES, 0), NC_ERR_BUS, "STEP_CYCLES 0 is refused");
    cr_expect_eq(bus_write32(b, HYBRID_EDGES, 1), NC_ERR_BUS, "EDGES is read-only");
    cr_expect_eq(bus_write32(b, 0x800ffc, 1), NC_ERR_BUS, "unmapped");
    hyb_window_t w = {.window = 3, .holdoff = 3, .step_cycles = 1};
    cr_expect_eq(hyb_arm(b, &w), NC_ERR_ARG, "window <= holdoff refused by the driver");
    vmodel_close(m);
}

/* ---- end to end ---- */

static void xor_case(int a, int b)
{
    sys_cfg_t c = {.a = a, .b = b, .seed = 1};
    sys_result_t r;
    int rc = sys_run(&c, &r);
    cr_assert_eq(rc, NC_OK, "inputs %d%d: %s", a, b, nc_err_msg());
    cr_expect(r.pass, "inputs %d%d: %s", a, b, r.why);
    cr_expect_eq(r.cls_rtl, a ^ b, "class %d for inputs %d%d", r.cls_rtl, a, b);
    cr_expect_eq(r.mismatches, 0, "%s", r.why);
    cr_expect(r.bus_ok, "%llu transactions, %llu accesses", (unsigned long long)r.transactions,
              (unsigned long long)r.accesses);
    cr_expect(r.rates_ok, "%s", r.why);
    cr_expect_eq(r.events, r.edges);
    if (a ^ b) /* a divider by 4: 5-9 output pulses give 1-3 level changes */
        cr_expect(r.edges >= 1, "class 1: %u level changes", r.edges);
    else
        cr_expect(r.edges == 0, "class 0: %u level changes", r.edges);
    cr_expect(r.t_on_ps > 0 && fabs(r.t_end_s - NC_XOR_TSTOP) < 1e-15,
              "the analog span ran to its end: %g s", r.t_end_s);
    cr_expect_eq(r.drive_changes, 4, "the four DAC sources set at the bias edge");
}

Test(system, xor_00, .timeout = 600) { xor_case(0, 0); }
Test(system, xor_01, .timeout = 600) { xor_case(0, 1); }
Test(system, xor_10, .timeout = 600) { xor_case(1, 0); }
Test(system, xor_11, .timeout = 600) { xor_case(1, 1); }

/* All four inputs under more noise seeds (make verify: 12 runs, two at a time). */
Test(system, xor_over_seeds, .timeout = 3600)
{
    if (!nc_test_verify())
        cr_skip_test("the seed sweep runs under make verify");
    sys_cfg_t c[12];
    for (int i = 0; i < 12; i++)
        c[i] = (sys_cfg_t){.a = (i % 4) >> 1, .b = i & 1, .seed = 2 + (uint64_t)(i / 4)};
    sys_result_t r[12];
    int st[12];
    int rc = sys_run_all(c, 12, 2, r, st);
    cr_assert_eq(rc, NC_OK, "%s", nc_err_msg());
    for (int i = 0; i < 12; i++)
        cr_expect(r[i].pass, "inputs %d%d seed %llu: %s", c[i].a, c[i].b,
                  (unsigned long long)c[i].seed, r[i].why);
}

/* ---- determinism and exactness ---- */

/* Short runs (2.5 ns of analog time) for the properties below. */
#define SHORT_SPAN 2.5e-9

Test(system, deterministic_per_seed, .timeout = 900)
{
    sys_cfg_t c[3] = {{.a = 1, .b = 0, .seed = 5, .span_s = SHORT_SPAN},
                      {.a = 1, .b = 0, .seed = 5, .span_s = SHORT_SPAN},
                      {.a = 1, .b = 0, .seed = 6, .span_s = SHORT_SPAN}};
    sys_result_t r[3];
    int st[3];
    int rc = sys_run_all(c, 3, 2, r, st);
    cr_assert_eq(rc, NC_OK, "%s", nc_err_msg());
    cr_assert(r[0].slips > 20, "%u slips", r[0].slips);
    cr_expect_eq(r[0].slip_digest, r[1].slip_digest, "same seed, different analog events");
    cr_expect_eq(r[0].slips, r[1].slips);
    cr_expect_eq(r[0].edges, r[1].edges);
    cr_expect_neq(r[0].slip_digest, r[2].slip_digest, "another seed, the same analog events");
}

static int count_tasks_named(char *names, size_t cap)
{
    DIR *d = opendir("/proc/self/task");
    int n = 0;
    size_t used = 0;
    struct dirent *e;
    if (names && cap)
        names[0] = '\0';
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.')
            continue;
        n++;
        char p[300], comm[64] = "?";
        snprintf(p, sizeof p, "/proc/self/task/%s/comm", e->d_name);
        FILE *f = fopen(p, "r");
        if (f && fgets(comm, sizeof comm, f))
            comm[strcspn(comm, "\n")] = '\0';
        if (f)
            fclose(f);
        if (names && used + 80 < cap)
            used += (size_t)snprintf(names + used, cap - used, "%s%s", used ? ", " : "", comm);
    }
    if (d)
        closedir(d);
    return n;
}

static int count_tasks(void) { return count_tasks_named(NULL, 0); }

/* The coupled run's analog events equal a SPICE-only run of the same netlist with the DAC
 * currents constant from t = 0 (the coupler drives them from the bias edge, analog t = 0):
 * the slips of the retimed inputs, the output and the interface junction, one by one, within
 * half of ngspice's maximum step (0.05 ps): the coupled run only adds a time point at every
 * clock edge, and moving time points moves a switching time by ngspice's own truncation error
 * at that step, ~0.01 ps (docs/sfq_speed.md). The output neuron's firing junction is unbiased
 * (issue 12) and fires where its slowly rising branch current crosses Ic, which turns such a
 * difference into up to 0.029 ps (measured, 130 slips; a quarter step held before issue 12).
 * Without noise: with it, a synapse deciding right at its threshold can tip either way when a
 * time point moves (docs/mixed_signal.md); the engine's own tests show the noisy case. */
Test(system, lockstep_equals_spice_only, .timeout = 900)
{
    sys_cfg_t c = {.a = 1, .b = 0, .seed = 3, .noiseless = true, .span_s = SHORT_SPAN};
    sys_result_t r;
    int st;
    cr_assert_eq(sys_run_all(&c, 1, 1, &r, &st), NC_OK, "%s", nc_err_msg());
    cr_assert(r.n_first >= 40, "%u slips recorded", r.n_first);
    /* SPICE only, in this process */
    cr_assert_eq(nc_spice_noise(0.0, NC_SYN_RSHUNT, NC_SPICE_TMAX_REF), NC_OK);
    double amps_a = r.dac_a * sys_dac_lsb(), amps_b = r.dac_b * sys_dac_lsb();
    cr_assert_eq(nc_hybrid_set_dac(amps_a, amps_b), NC_OK, "%s", nc_err_msg());
    nc_spice_tran_t tr = {SYS_TMAX, SHORT_SPAN, SYS_TMAX, 600};
    cr_assert_eq(nc_spice_load(SYS_NETLIST, NULL, 0, &tr), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(nc_spice_run(), NC_OK, "%s", nc_err_msg());
    const char *vec[4] = {sys_probe_iface(), "xja.p2", "xjb.p2", "xjo.p2"};
    size_t compared = 0, per[4] = {0};
    double worst = 0;
    for (int p = 0; p < 4; p++) {
        nc_slips_t s;
        cr_assert_eq(nc_spice_slips(vec[p], &s), NC_OK, "%s", nc_err_msg());
        size_t k = 0;
        for (uint32_t i = 0; i < r.n_first; i++) {
            if (r.first_probe[i] != p)
                continue;
            double coupled = (r.first_t_ps[i] - r.t_on_ps) * 1e-12;
            cr_assert(k < s.n, "%s: the coupled run has more slips than SPICE only (%zu)", vec[p],
                      s.n);
            worst = fmax(worst, fabs(coupled - s.t[k]));
            cr_expect(fabs(coupled - s.t[k]) < 0.5 * SYS_TMAX, "%s slip %zu: coupled %.4f ps, "
                      "SPICE only %.4f ps", vec[p], k, coupled * 1e12, s.t[k] * 1e12);
            k++, compared++, per[p]++;
        }
        nc_slips_free(&s);
    }
    cr_expect(compared == r.n_first);
    cr_expect(per[3] > 0, "no output pulse among the slips compared");
    cr_log_info("%zu slips compared (interface %zu, A %zu, B %zu, out %zu), worst difference "
                "%.5f ps", compared, per[0], per[1], per[2], per[3], worst * 1e12);
}

/* ---- failures of the analog side ---- */

static void failure_case(sys_cfg_t *c, int want, const char *const *words, size_t nwords)
{
    int before = count_tasks();
    sys_result_t r;
    int rc = sys_run(c, &r);
    cr_expect_eq(rc, want, "status %d, expected %d: %s", rc, want, nc_err_msg());
    const char *msg = nc_err_msg();
    for (size_t i = 0; i < nwords; i++)
        cr_expect(strstr(msg, words[i]), "the message names '%s': %s", words[i], msg);
    cr_expect(!r.pass);
    char names[1024];
    int after = count_tasks_named(names, sizeof names);
    for (int i = 0; i < 100 && after > before; i++) { /* a joined thread leaves /proc shortly */
        struct timespec ts = {0, 10000000};
        nanosleep(&ts, NULL);
        after = count_tasks_named(names, sizeof names);
    }
    cr_expect_eq(after, before, "threads left behind: %d -> %d (%s)", before, after, names);
}

Test(system_fail, missing_netlist, .timeout = 120)
{
    sys_cfg_t c = {.a = 0, .b = 1, .seed = 1, .netlist = "networks/no_such_hybrid.cir"};
    const char *w[] = {"no_such_hybrid.cir", "simulated time"};
    failure_case(&c, NC_ERR_IO, w, 2);
}

Test(system_fail, wall_clock_bound, .timeout = 120)
{
    sys_cfg_t c = {.a = 0, .b = 1, .seed = 1, .wall_s = 0.3};
    const char *w[] = {"xor_hybrid.cir", "simulated time", "wall"};
    failure_case(&c, NC_ERR_TIMEOUT, w, 3);
}

Test(system_fail, ngspice_fails_mid_run, .timeout = 300)
{
    sys_cfg_t c = {.a = 1, .b = 1, .seed = 1, .netlist = "networks/xor_hybrid_fault.cir"};
    const char *w[] = {"xor_hybrid_fault.cir", "simulated time", "(analog time 200", "failed at t = 2.0"};
    failure_case(&c, NC_ERR_SIM, w, 4);
}

/* ---- the command line ---- */

Test(system_cli, usage_and_bad_input, .timeout = 120)
{
    char out[8192];
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system --help", nc_test_tool()), 0);
    cr_expect(strstr(out, "--inputs AB"), "%s", out);
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system --inputs 2x", nc_test_tool()), 2);
    cr_expect(strstr(out, "--inputs '2x'"), "%s", out);
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system --seeds 0", nc_test_tool()), 2);
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system --waves /tmp/x.fst", nc_test_tool()), 2,
                 "--waves needs one run");
    cr_expect(strstr(out, "one run only"), "%s", out);
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system --inputs 01 --waves "
                            "/nonexistent_dir/x.fst", nc_test_tool()), 2, "%s", out);
    cr_expect_eq(nc_test_sh(out, sizeof out, 60, "%s system extra", nc_test_tool()), 2);
}
