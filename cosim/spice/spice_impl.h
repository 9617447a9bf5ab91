/*
 * spice_impl.h - private to cosim/spice: the hooks through which the lockstep engine
 * (spice_sync.c) shares spice.c's single libngspice instance and its one set of callbacks.
 *
 * spice.c installs every ngspice callback once (ngSpice_Init, ngSpice_Init_Sync) and forwards
 * the synchronisation ones to the hooks set here; with no hooks set (every SPICE-only run) they
 * cost a pointer test per time point. All hooks run in ngspice's background thread.
 */
#ifndef NC_SPICE_IMPL_H
#define NC_SPICE_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include <ngspice/sharedspice.h>

typedef struct nc_spice_hooks {
    /* GetSyncData: t = ckt time, *delta = the next step (may only be shortened), loc 0 before
     * a step (t accepted), loc 1 after one (redo: t already moved back to the last accepted
     * point). Returns 0 (1 would ask ngspice to redo the step). */
    int (*sync)(double t, double *delta, double olddelta, int redo, int loc);
    /* GetISRCData for a source: true when the hook supplies *value, false: noise/set value. */
    bool (*isrc)(const char *name, double t, double *value);
    /* SendInitData / SendData: the vectors of a new plot, the values of an accepted point. */
    void (*init)(pvecinfoall info);
    void (*data)(pvecvaluesall vals, int count);
    /* The background thread has ended. */
    void (*bg_end)(void);
} nc_spice_hooks_t;

/* Sets (or clears, NULL) the hooks. Only while no transient runs. */
void nc_spice_impl_hooks(const nc_spice_hooks_t *h);

/* Starts the loaded transient in the background thread (bg_run) without waiting. */
int nc_spice_impl_bg_start(void);

/* True once the background thread has ended (or ngspice has quit). */
bool nc_spice_impl_bg_done(void);

/* Halts a running transient and joins ngspice's thread (bg_halt), waiting at most limit_s;
 * false if the thread did not end. Harmless when no thread runs. */
bool nc_spice_impl_bg_halt(double limit_s);

/* ngspice's lines explaining a failure since the run started (empty if none). */
const char *nc_spice_impl_problems(char *buf, size_t cap);

/* The cards of the loaded deck (NULL-terminated), for checks before a run. */
char *const *nc_spice_impl_deck(size_t *n);

#endif
