/* bench_system.c - the cost of the coupling (issue 10): the hybrid system's whole run (host
 * program, RTL at 1 GHz and the SFQ circuit in lockstep, edge by edge) against the SPICE-only
 * run of the same netlist over the same analog span with the same DAC currents, measured in
 * this run, alternating, each in a process of its own. Goal: coupled / SPICE-only <= 1.25.
 * Exit status 1 when the ratio is above the bound or a run fails. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_par.h"
#include "spice_hybrid.h"
#include "spice_xor.h"
#include "system_cosim.h"

#define REPS 2
#define BOUND 1.25

typedef struct res {
    double wall, cpu; /* cpu: this process, every thread (ngspice's included) */
    sys_result_t sys;
} res_t;

static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* even jobs: coupled; odd: SPICE only */
static int job(size_t i, void *arg, void *out)
{
    (void)arg;
    res_t *r = out;
    if (i % 2 == 0) {
        sys_cfg_t c = {.a = 0, .b = 1, .seed = 1};
        double t0 = nc_now_s();
        int rc = sys_run(&c, &r->sys);
        r->wall = nc_now_s() - t0;
        r->cpu = cpu_s();
        return rc;
    }
    double amps_a = sys_dac_code(NC_XOR_PER_LOW) * sys_dac_lsb();
    double amps_b = sys_dac_code(NC_XOR_PER_HIGH) * sys_dac_lsb();
    double t0 = nc_now_s();
    int rc = nc_spice_noise(NC_SYN_TNOISE, NC_SYN_RSHUNT, NC_SPICE_TMAX_REF);
    if (!rc)
        rc = nc_spice_seed(1);
    if (!rc)
        rc = nc_hybrid_set_dac(amps_a, amps_b);
    nc_spice_tran_t tr = {SYS_TMAX, NC_XOR_TSTOP, SYS_TMAX, 600};
    if (!rc)
        rc = nc_spice_load(SYS_NETLIST, NULL, 0, &tr);
    if (!rc)
        rc = nc_spice_run();
    r->wall = nc_now_s() - t0;
    r->cpu = cpu_s();
    return rc;
}

int main(void)
{
    res_t r[2 * REPS];
    int st[2 * REPS];
    nc_par_cfg_t pc = {1, 900, "bench_system: runs (coupled, SPICE only)", NULL};
    if (nc_par_run_cfg(&pc, 2 * REPS, job, NULL, r, sizeof *r, st)) {
        fprintf(stderr, "bench_system: %s\n", nc_err_msg());
        return 1;
    }
    double coupled = INFINITY, alone = INFINITY, ccpu = INFINITY, acpu = INFINITY;
    for (int i = 0; i < 2 * REPS; i++)
        if (i % 2 == 0)
            coupled = fmin(coupled, r[i].wall), ccpu = fmin(ccpu, r[i].cpu);
        else
            alone = fmin(alone, r[i].wall), acpu = fmin(acpu, r[i].cpu);
    double ratio = coupled / alone;
    printf("system coupling cost (%s, %.2f ns analog, inputs 01, best of %d each, one process at "
           "a time):\n", SYS_NETLIST, NC_XOR_TSTOP * 1e9, REPS);
    printf("                                       wall s    cpu s\n");
    printf("  SPICE only                          %7.2f  %7.2f\n", alone, acpu);
    printf("  coupled (host + RTL 1 GHz + SPICE)  %7.2f  %7.2f   %u clock edges in lockstep, %u "
           "slips, %llu TLM transactions\n", coupled, ccpu, (unsigned)(r[0].sys.sim_ps / SYS_CLK_PS),
           r[0].sys.slips, (unsigned long long)r[0].sys.transactions);
    printf("  ratio coupled / SPICE only          %7.3f  %7.3f   (bound %.2f on wall time)\n", ratio,
           ccpu / acpu, BOUND);
    return ratio <= BOUND ? 0 : 1;
}
