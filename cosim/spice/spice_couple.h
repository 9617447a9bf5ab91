/*
 * spice_couple.h - a circuit in ngspice coupled to the general-purpose pins (gpi/gpo) of a
 * Verilated target of the SystemC platform, edge by edge: the mixed-signal interface of a
 * hybrid chip. Nothing design-specific: the netlist, the pins and the scaling are the caller's.
 *
 *   gpo (digital -> analog)  a field of gpo sets an `external` current source of the netlist:
 *                            I = offset + amps_per_lsb * field, from the clock edge at which the
 *                            field changed (exactly: ngspice lands a time point there).
 *                            One gpo bit starts the transient (the SFQ bias turning on): analog
 *                            time 0 is the clock edge at which it rose; clearing it ends the
 *                            transient early. The transient lasts span_s at most.
 *   gpi (analog -> digital)  every 2*pi slip of a watched phase node toggles a gpi bit (the
 *                            level of an SFQ/DC stage's output), at the slip's interpolated time;
 *                            the model samples the level at each rising edge. Before each edge the
 *                            analog side is advanced to the edge's time, never further, so the
 *                            digital side never runs ahead of an analog time point that could
 *                            still produce an earlier event (cosim/spice/spice_sync.h).
 *
 * Failures of ngspice (non-convergence, the wall-clock bound, a refused netlist) stop the SystemC
 * simulation with a message naming the netlist, the simulated time and the cause
 * (nc_platform_run returns it); nc_couple_finish() must follow every run: it stops the
 * transient and joins ngspice's thread. Strings and arrays of the configuration must outlive
 * the coupler.
 */
#ifndef NC_SPICE_COUPLE_H
#define NC_SPICE_COUPLE_H

#include <stddef.h>
#include <stdint.h>

#include "nc_platform.h"
#include "spice.h"

typedef struct nc_couple_drive {
    const char *source;  /* `external` current source ("Idac_a")             */
    unsigned lsb, width; /* its gpo field: bits lsb .. lsb + width - 1        */
    double amps_per_lsb; /* I = offset + amps_per_lsb * field (A)             */
    double offset;
} nc_couple_drive_t;

typedef struct nc_couple_probe {
    const char *node;    /* phase node watched for 2*pi slips ("xsd.p2")      */
    unsigned gpi_bit;    /* the gpi bit that toggles at each slip, or NC_COUPLE_NO_PIN:
                          * slips only recorded (for checks and reports)     */
} nc_couple_probe_t;
#define NC_COUPLE_NO_PIN 255u
#define NC_COUPLE_MAX_PROBES 64

typedef struct nc_couple_cfg {
    const char *netlist;
    const nc_spice_param_t *params;
    size_t nparams;
    double span_s;       /* analog time after the start edge                        */
    double tmax_s;       /* ngspice's maximum step (0: NC_SPICE_TMAX)               */
    double wall_s;       /* wall-clock bound of the analog run                      */
    unsigned start_bit;  /* gpo bit whose rising edge starts the transient          */
    const nc_couple_drive_t *drives;
    size_t ndrives;
    const nc_couple_probe_t *probes;
    size_t nprobes;
    size_t max_slips;    /* slips kept for the caller (0: 1,000,000); more fails    */
} nc_couple_cfg_t;

/* One analog -> digital event, on the platform's time axis. */
typedef struct nc_couple_slip {
    double t_ps;         /* platform time (ps): start edge + analog time             */
    uint32_t probe;
    int32_t dir;
} nc_couple_slip_t;

/* One digital -> analog change. */
typedef struct nc_couple_drv_ev {
    double t_ps;
    uint32_t drive;
    double amps;
} nc_couple_drv_ev_t;

typedef struct nc_couple nc_couple_t;

/* Checks the configuration and attaches the coupler to target `target` of the platform. */
nc_couple_t *nc_couple_attach(nc_platform_t *p, const char *target, const nc_couple_cfg_t *cfg);

/* After the run: ends a transient still running and joins ngspice's thread (idempotent). */
int nc_couple_finish(nc_couple_t *c);

double nc_couple_t_on_ps(const nc_couple_t *c);     /* start edge (ps), -1 if never started */
double nc_couple_t_end_s(const nc_couple_t *c);     /* analog time reached (s)              */
const nc_couple_slip_t *nc_couple_slips(const nc_couple_t *c, size_t *n);
const nc_couple_drv_ev_t *nc_couple_drives(const nc_couple_t *c, size_t *n);

void nc_couple_free(nc_couple_t *c);

#endif
