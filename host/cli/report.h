/*
 * report.h - the validation report that `neurocosim run` (make run) prints.
 *
 * Each design's validate_<design>() co-simulates its defaults and adds one row per
 * configuration it checked: what was compared against which golden model, how many samples,
 * how many differed, the accuracy, the cycles. Rows print as they are added.
 */
#ifndef NC_REPORT_H
#define NC_REPORT_H

#include <stdbool.h>
#include <stdint.h>

typedef struct nc_report {
    int rows;
    int failures;
} nc_report_t;

void nc_report_header(void);

/* sqnr_db: NAN prints "-", INFINITY prints "exact". cycles: 0 prints "-". */
void nc_report_row(nc_report_t *r, const char *design, const char *config, uint64_t compared,
                   uint64_t mismatches, double sqnr_db, uint64_t cycles, bool pass,
                   const char *note);

#endif
