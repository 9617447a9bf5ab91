/*
 * spice_wave.h - writes vectors of the last ngspice run as real-valued signals of an FST file
 * (Verilator's bundled fstapi), so GTKWave shows SPICE phases and voltages next to RTL traces.
 * Time unit 1 fs; every sample is written (SPICE steps are not uniform).
 *
 * What is written: by default only the probes the caller names, each under its label (its
 * role: in_a, syn_a, h1, out ...), in the order given (signal-flow order), in scope "spice".
 * Every other vector of the run only on explicit request (opts->all), up to opts->max_signals
 * (a run with more is refused with a message, never silently cut), named after the vector
 * ('.' and other characters outside [A-Za-z0-9_] become '_': xdut.p2 -> xdut_p2).
 *
 * Bounds: the file's size is bounded by opts->max_bytes (default NC_WAVE_MAX_BYTES): a run
 * whose raw samples would exceed it is refused before writing, and a written file over it is
 * removed. The FST goes to a temporary file in the same directory and is renamed into place,
 * so a failed write never leaves a half file.
 *
 * Layout: beside FILE.fst the writer puts FILE.signals, the signals' full names one per line
 * in display order; cosim/spice/sfq_waves.tcl (make waves, files named sfq_*) shows them in
 * that order as analog traces.
 */
#ifndef NC_SPICE_WAVE_H
#define NC_SPICE_WAVE_H

#include <stddef.h>
#include <stdint.h>

#define NC_WAVE_MAX_SIGNALS 256              /* default bound with opts->all */
#define NC_WAVE_MAX_BYTES (256ull << 20)     /* default size bound: 256 MiB */

typedef struct nc_wave_probe {
    const char *vec;   /* ngspice vector of the run: "xja.p2" (a phase node), "i(v.xdut.vq)" */
    const char *label; /* name in the FST: letters, digits, _ (at most 63); unique          */
} nc_wave_probe_t;

typedef struct nc_wave_opts {
    int all;             /* also every other vector of the run (explicit request)  */
    size_t max_signals;  /* bound on the signals written (0: NC_WAVE_MAX_SIGNALS)   */
    uint64_t max_bytes;  /* bound on the file's size (0: NC_WAVE_MAX_BYTES)         */
} nc_wave_opts_t;

/* Writes the probes (n of them; none only with opts->all) of the last run to path. opts may
 * be NULL (probes only, default bounds). Errors name the file, the probe or the bound. */
int nc_spice_wave_write(const char *path, const nc_wave_probe_t *probes, size_t n,
                        const nc_wave_opts_t *opts);

/* Former interface: `names` (NULL-terminated) are written labelled by their own names;
 * names == NULL asks for every vector of the run (bounded as above). */
int nc_spice_write_fst(const char *path, const char *const *names);

#endif
