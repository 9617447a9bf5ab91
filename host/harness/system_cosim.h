/*
 * system_cosim.h - the hybrid system of issue 10, end to end in one simulation:
 *
 *   host (C drivers over TLM) -> stimulus block (RTL: DAC codes for the two input rates, SFQ
 *   bias on) -> XOR network in ngspice (DAC-biased SFQ pulse generators, stochastic synapses
 *   with seeded 4.2 K noise) -> T flip-flop divider and SFQ/DC -> interface (RTL: synchroniser,
 *   change detector) -> AER encoder (RTL) -> SNN core (RTL: decision neuron) -> host reads the
 *   class over TLM.
 *
 * One run = one input pair, one process (one SystemC platform and one ngspice per process):
 * sys_run_all() forks a child per run. Checks of a run:
 *   - the class the SNN core reports equals XOR(a, b);
 *   - the digital part is bit-exact against the golden models fed with the analog event times
 *     the run observed: the interface's counts, event log and AER events (system_model.h), and
 *     the decision neuron's spikes (snn_model.h);
 *   - the analog rates are within the rate model's intervals (sfq_rate.h; the generators' rates
 *     as measured in the run);
 *   - every bus message is accounted for: the TLM transactions equal the driver's accesses,
 *     every level change became one AER event in the core (no drop, no late event).
 */
#ifndef SYSTEM_COSIM_H
#define SYSTEM_COSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SYS_NETLIST "networks/xor_hybrid.cir"
#define SYS_CLK_PS 1000u /* the chip's CMOS clock: 1 GHz */
#define SYS_TMAX 0.1e-12 /* ngspice's maximum step: the XOR runs' (spice_xor.c, spice_hybrid.c) */

typedef struct sys_cfg {
    int a, b;             /* inputs: 0 low (10 GHz), 1 high (40 GHz)                     */
    uint64_t seed;        /* noise seed of the synapses                                  */
    const char *waves;    /* FST of the whole run (one time axis), or NULL               */
    double wall_s;        /* wall-clock bound of the analog run (0: 600 s)               */
    double span_s;        /* analog span (0: the XOR run's, NC_XOR_TSTOP)                */
    const char *netlist;  /* NULL: SYS_NETLIST (tests use others for failure paths)      */
    double dac_scale;     /* multiplies the DAC's amps per code (0: 1; failure tests)    */
    bool noiseless;       /* no thermal noise (tests comparing against a SPICE-only run)  */
} sys_cfg_t;

typedef struct sys_result {
    int a, b;
    uint64_t seed;
    int cls_want;                /* XOR(a, b)                                             */
    int cls_rtl, cls_model;      /* the SNN core's decision, the golden model's           */
    int cls_analog;              /* the XOR output rate's class (rate > threshold)        */
    uint8_t dac_a, dac_b;        /* the codes the host wrote                              */
    uint32_t edges, events, drops, edges_model;
    uint32_t spikes_rtl, spikes_model;
    uint32_t mismatches;         /* interface log/events, spikes, counters                */
    double rate_a, rate_b, rate_out, pred_out, tol_out; /* 1/s */
    bool rates_ok, bus_ok;
    uint64_t transactions, accesses;
    double t_on_ps, t_end_s, sim_ps;
    uint32_t slips;              /* analog -> digital events (every probe)                */
    uint64_t slip_digest;        /* hash of every slip (time in fs, probe, direction)     */
    uint32_t n_iface;            /* interface toggles (the level's changes)               */
    uint32_t n_first;            /* the first slips of every probe, in time order:        */
    double first_t_ps[256];      /*   platform time (ps)                                  */
    uint8_t first_probe[256];    /*   probe: 0 interface, 1 input A, 2 input B, 3 output  */
    uint32_t drive_changes;      /* digital -> analog events                              */
    double wall_s;
    bool pass;
    char why[240];               /* first failed check, or a summary                      */
} sys_result_t;

/* The analog interface: amps per DAC code, the code the host writes for an input pulse period
 * (from the pulse generator's rate model), the phase node whose slips toggle the level. */
double sys_dac_lsb(void);
uint8_t sys_dac_code(double period_s);
const char *sys_probe_iface(void);

/* One run in this process (creates the platform and the analog engine: once per process). */
int sys_run(const sys_cfg_t *cfg, sys_result_t *r);

/* Runs n configurations, each in a child process (at most procs at once). status[i] as in
 * nc_par_run. */
int sys_run_all(const sys_cfg_t *cfgs, size_t n, int procs, sys_result_t *r, int *status);

#endif
