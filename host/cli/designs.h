/*
 * designs.h - the subcommands of the neurocosim tool, one pair per design:
 *   cmd_<design>(argc, argv)  the `neurocosim <design> ...` subcommand (argv[0] is its name);
 *                             returns the process exit status.
 *   validate_<design>(report) co-simulates the design on its defaults for `neurocosim run`;
 *                             returns 0 if every row passed.
 */
#ifndef NC_DESIGNS_H
#define NC_DESIGNS_H

#include "report.h"

int cmd_fftconv(int argc, char **argv);
int validate_fftconv(nc_report_t *r);

int cmd_snn(int argc, char **argv);
int validate_snn(nc_report_t *r);

int cmd_spice(int argc, char **argv);
int validate_spice(nc_report_t *r);

int cmd_platform(int argc, char **argv);
int validate_platform(nc_report_t *r);

int cmd_system(int argc, char **argv);
int validate_system(nc_report_t *r);

/* neurocosim report: the HTML page of rows and plots (cmd_report.c). */
int cmd_report(int argc, char **argv);

/* neurocosim regress: a job list on N local workers (cmd_regress.c). */
int cmd_regress(int argc, char **argv);

#endif
