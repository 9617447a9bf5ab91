/* cmd_snn.c - placeholder until the snn design lands: the command exists and says so. */
#include <stdio.h>

#include "designs.h"

int cmd_snn(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "neurocosim %s: this design is not built yet\n", argv[0]);
    return 2;
}

int validate_snn(nc_report_t *r)
{
    nc_report_row(r, "snn", "(not built yet)", 0, 0, 0.0 / 0.0, 0, 1, "design pending");
    return 0;
}
