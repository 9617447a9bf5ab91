/* cmd_fftconv.c - placeholder until the fftconv design lands: the command exists and says so. */
#include <stdio.h>

#include "designs.h"

int cmd_fftconv(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "neurocosim %s: this design is not built yet\n", argv[0]);
    return 2;
}

int validate_fftconv(nc_report_t *r)
{
    nc_report_row(r, "fftconv", "(not built yet)", 0, 0, 0.0 / 0.0, 0, 1, "design pending");
    return 0;
}
