/* spice_hybrid.c - the generators and the hybrid XOR netlist in ngspice (see spice_hybrid.h). */
#include "spice_hybrid.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "nc_util.h"
#include "spice.h"
#include "spice_par.h"
#include "spice_pulse.h"

#define OSC_TMAX NC_SPICE_TMAX
#define OSC_WALL_S 60.0

/* Slips of `vec` in direction dir (+1/-1): count over the run, count against it, and the
 * times in [t0, end) in that direction (rate from the mean period). */
static int slips_dir(const char *vec, int dir, double t0, size_t *n, size_t *wrong, double *rate)
{
    nc_slips_t s;
    int rc = nc_spice_slips(vec, &s);
    if (rc)
        return rc;
    size_t k = 0, w = 0, nw = 0;
    double first = NAN, last = NAN;
    for (size_t i = 0; i < s.n; i++) {
        if (s.dir[i] != dir) {
            w++;
            continue;
        }
        k++;
        if (s.t[i] >= t0) {
            if (!nw++)
                first = s.t[i];
            last = s.t[i];
        }
    }
    *n = k, *wrong = w;
    if (rate)
        *rate = nw >= 2 ? (double)(nw - 1) / (last - first) : 0;
    nc_slips_free(&s);
    return NC_OK;
}

int nc_osc_measure(double ilo, double ihi, double ineg, double bias, nc_osc_meas_t m[3])
{
    if (!(ilo >= 0 && ilo <= 1e-3 && ihi >= 0 && ihi <= 1e-3 && ineg <= 0 && ineg >= -1e-3))
        return nc_err_set(NC_ERR_ARG, "tb_osc: currents %.1f / %.1f / %.1f uA: expected 0..1000 "
                          "uA for the two plain generators, -1000..0 uA for the mirrored one",
                          ilo * 1e6, ihi * 1e6, ineg * 1e6);
    if (!(bias > 0.1 && bias < 3.0))
        return nc_err_set(NC_ERR_ARG, "tb_osc: bias scale %g outside (0.1, 3)", bias);
    nc_spice_param_t p[] = {{"ilo", ilo}, {"ihi", ihi}, {"ineg", ineg}, {"bias", bias}};
    nc_spice_tran_t tr = {OSC_TMAX, NC_OSC_TSTOP, OSC_TMAX, OSC_WALL_S};
    int rc = nc_spice_noise(0, 1, OSC_TMAX);
    if (!rc)
        rc = nc_spice_load("cells/tb_osc.cir", p, NC_ARRAY_LEN(p), &tr);
    if (!rc)
        rc = nc_spice_run();
    return rc ? rc : nc_osc_analyse(m);
}

int nc_osc_analyse(nc_osc_meas_t m[3])
{
    int rc = NC_OK;
    static const char *const inst[3] = {"xlo", "xdut", "xneg"}, *const load[3] = {"xllo", "xld",
                                                                                 "xlneg"};
    for (int g = 0; g < 3 && !rc; g++) {
        int dir = g == 2 ? -1 : 1;
        char v[32];
        size_t w1 = 0, w2 = 0, w3 = 0;
        m[g] = (nc_osc_meas_t){0};
        snprintf(v, sizeof v, "%s.p1", inst[g]);
        rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].gen, &w1, NULL);
        snprintf(v, sizeof v, "%s.p3", inst[g]);
        if (!rc)
            rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].buf, &w2, &m[g].rate);
        snprintf(v, sizeof v, "%s.p2", load[g]);
        if (!rc)
            rc = slips_dir(v, dir, NC_OSC_TFROM, &m[g].load, &w3, NULL);
        m[g].wrong = w1 + w2 + w3;
    }
    return rc;
}
