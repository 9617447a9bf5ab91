/*
 * spice_wave.h - writes the vectors of the last ngspice run as real-valued signals of an FST
 * file (Verilator's bundled fstapi), so GTKWave shows SPICE phases and voltages next to RTL
 * traces. Time unit 1 fs; every sample is written (SPICE steps are not uniform). Names: the
 * ngspice vector name with '.' replaced by '_' (xdut.p2 -> xdut_p2) in scope "spice".
 */
#ifndef NC_SPICE_WAVE_H
#define NC_SPICE_WAVE_H

/* Writes every vector of the current plot (or only those in `names`, NULL-terminated). */
int nc_spice_write_fst(const char *path, const char *const *names);

#endif
