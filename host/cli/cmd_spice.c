/* cmd_spice.c - placeholder until the spice design lands: the command exists and says so. */
#include <stdio.h>

#include "designs.h"

int cmd_spice(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "neurocosim %s: this design is not built yet\n", argv[0]);
    return 2;
}

int validate_spice(nc_report_t *r)
{
    nc_report_row(r, "spice", "(not built yet)", 0, 0, 0.0 / 0.0, 0, 1, "design pending");
    return 0;
}
