/* test_spice_errors.c - the harness turns bad input into clear errors, never a hang or crash. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "nc_test.h"
#include "spice.h"

static const nc_spice_tran_t tr = {0.1e-12, 100e-12, 0.1e-12, 30.0};

static void expect_msg(int rc, int want, const char *what, const char *needle)
{
    cr_expect_eq(rc, want, "%s: status %d (%s), expected %d: %s", what, rc, nc_strerror(rc), want,
                 nc_err_msg());
    cr_expect(strstr(nc_err_msg(), needle) != NULL, "%s: message lacks '%s': %s", what, needle,
              nc_err_msg());
}

Test(spice_errors, missing_netlist_names_the_file, .timeout = 30)
{
    expect_msg(nc_spice_load("cells/no_such_cell.cir", NULL, 0, &tr), NC_ERR_IO, "missing file",
               "no_such_cell.cir");
}

Test(spice_errors, malformed_netlist_names_netlist_and_cause, .timeout = 30)
{
    const char *text = "* broken\nI1 0 a dc 1u\nR1 a 0 1k\nfoo bar baz\n";
    int rc = nc_spice_load_text("broken.cir", text, &tr);
    if (rc == NC_OK)
        rc = nc_spice_run();
    cr_expect(rc == NC_ERR_PARSE || rc == NC_ERR_SIM, "status %d: %s", rc, nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "broken.cir") != NULL, "%s", nc_err_msg());
    cr_log_info("message: %s", nc_err_msg());
}

Test(spice_errors, missing_subcircuit_is_a_parse_error, .timeout = 30)
{
    const char *text = "* no model\nI1 0 a dc 1u\nX1 a 0 p nosuchjj ic=100u\n";
    int rc = nc_spice_load_text("nomodel.cir", text, &tr);
    if (rc == NC_OK)
        rc = nc_spice_run();
    expect_msg(rc, NC_ERR_PARSE, "missing subckt", "nomodel.cir");
    cr_expect(strstr(nc_err_msg(), "nosuchjj") != NULL, "%s", nc_err_msg());
}

Test(spice_errors, unknown_parameter_is_named, .timeout = 30)
{
    nc_spice_param_t p[] = {{"nosuchparam", 1.0}};
    expect_msg(nc_spice_load("lib/tb_jj.cir", p, 1, &tr), NC_ERR_PARSE, "unknown param",
               "nosuchparam");
}

/* A current source ramps to 2 mA into an element that can carry at most 1 mA (tanh): no
 * solution exists past 1 mA, the time step collapses. The harness must report
 * non-convergence naming the netlist and ngspice's cause. */
Test(spice_errors, non_convergence_is_reported, .timeout = 60)
{
    const char *text = "* diverges\nI1 0 a pwl(0 0 10p 2m)\nB1 a 0 I=1e-3*tanh(V(a))\n";
    int rc = nc_spice_load_text("diverges.cir", text, &tr);
    if (rc == NC_OK)
        rc = nc_spice_run();
    cr_expect(rc == NC_ERR_SIM, "status %d (%s), expected sim error: %s", rc, nc_strerror(rc),
              nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "diverges.cir") != NULL, "%s", nc_err_msg());
    cr_expect(strstr(nc_err_msg(), "Timestep too small") != NULL, "%s", nc_err_msg());
    cr_log_info("message: %s", nc_err_msg());
}

/* A run longer than its wall-clock bound is halted and reported, not waited for. */
Test(spice_errors, wall_clock_bound_halts_the_run, .timeout = 60)
{
    nc_spice_tran_t slow = {0.01e-12, 1e-6, 0.01e-12, 0.5};
    cr_assert_eq(nc_spice_load("lib/tb_jj.cir", NULL, 0, &slow), NC_OK, "%s", nc_err_msg());
    expect_msg(nc_spice_run(), NC_ERR_TIMEOUT, "long run", "wall-clock bound");
    cr_expect(nc_spice_last_wall_s() < 12.0, "halting took %.1f s", nc_spice_last_wall_s());
}

Test(spice_errors, bad_transient_settings_are_rejected, .timeout = 30)
{
    nc_spice_tran_t bad = {0.1e-12, 100e-12, 0, 10};
    expect_msg(nc_spice_load("lib/tb_jj.cir", NULL, 0, &bad), NC_ERR_ARG, "tmax 0", "tb_jj.cir");
}
