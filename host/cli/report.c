#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>

#define ROW_FMT "%-8s %-34s %10s %10s %9s %11s  %-4s  %s\n"

void nc_report_header(void)
{
    printf(ROW_FMT, "design", "configuration", "compared", "mismatch", "SQNR dB", "cycles",
           "ok", "notes");
    printf("%.*s\n", 110,
           "----------------------------------------------------------------------------------"
           "------------------------------------------");
    fflush(stdout);
}

void nc_report_row(nc_report_t *r, const char *design, const char *config, uint64_t compared,
                   uint64_t mismatches, double sqnr_db, uint64_t cycles, bool pass,
                   const char *note)
{
    char c[32], m[32], s[32], cy[32];
    snprintf(c, sizeof c, "%" PRIu64, compared);
    snprintf(m, sizeof m, "%" PRIu64, mismatches);
    if (isnan(sqnr_db))
        snprintf(s, sizeof s, "-");
    else if (isinf(sqnr_db))
        snprintf(s, sizeof s, "exact");
    else
        snprintf(s, sizeof s, "%.1f", sqnr_db);
    if (cycles)
        snprintf(cy, sizeof cy, "%" PRIu64, cycles);
    else
        snprintf(cy, sizeof cy, "-");
    printf(ROW_FMT, design, config, c, m, s, cy, pass ? "PASS" : "FAIL", note ? note : "");
    fflush(stdout);
    r->rows++;
    if (!pass)
        r->failures++;
}
