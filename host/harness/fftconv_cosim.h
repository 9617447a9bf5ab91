/*
 * fftconv_cosim.h - one convolution end to end: the Verilated accelerator driven through
 * fftconv_drv, the bit-exact model on the same words, and the FFTW double reference. Used by
 * `neurocosim fftconv`, `neurocosim run` and the benchmarks.
 */
#ifndef FFTCONV_COSIM_H
#define FFTCONV_COSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fftconv_drv.h"
#include "vmodel.h"
#include "fftconv_model.h"

typedef struct fftconv_job {
    unsigned p;              /* 1, 2 or 4: selects the model fftconv_p<P>                    */
    fftconv_cfg_t cfg;       /* kexp is computed                                              */
    const int16_t *u;        /* L samples                                                     */
    const int16_t *k;        /* at least Lk taps                                              */
    const char *waves;       /* FST file, or NULL                                             */
    bus_t *bus;              /* NULL: open the model fftconv_p<P> and drive it directly; else
                              * drive this bus (e.g. the TLM platform's, nc_platform_bus), whose
                              * device must be a P-butterfly build                           */
    vmodel_t *vm;            /* with bus: the model behind it (cycle count, waves), or NULL    */
} fftconv_job_t;

typedef struct fftconv_outcome {
    int16_t *y;              /* L samples from the RTL (malloc'ed; fftconv_outcome_free)      */
    size_t mismatches;       /* samples where RTL and bit-exact model differ                  */
    size_t first_mismatch;
    double sqnr_db;          /* RTL output vs the FFTW reference (NAN if the reference is 0)  */
    uint32_t sat_rtl;
    uint64_t sat_model;
    uint32_t cycles;         /* CYCLES register                                              */
    uint32_t cycles_model;   /* the spec's schedule (packed or not)                           */
    uint32_t stalls;         /* STALLS register: issues held back by a read-after-write hazard */
    uint32_t stalls_model;   /* the schedule's stalls (fftconv_model_stalls)                  */
    double bound_ratio;      /* cycles / (N (log2 N + 1) / P), N = 2L                         */
    unsigned kexp;
    uint64_t sim_cycles;     /* every simulated clock cycle, loads and polls included         */
} fftconv_outcome_t;

/* Runs of L >= 2^FFTCONV_PROGRESS_LOG2L show the accelerator's progress on stderr (nc_progress:
 * on a terminal, or with NC_PROGRESS=1). */
#define FFTCONV_PROGRESS_LOG2L 16

/* Computes the spectrum of the first Lk taps of k (ntaps values, Q1.15) for the configured
 * block and F, and loads it with its KEXP. ntaps < Lk: taps ntaps..Lk-1 are zero (a partial
 * kernel of any length 1..L runs in the block fftconv_partial_block() gives); ntaps > Lk: the
 * taps past Lk are not used. ntaps = 0 is NC_ERR_ARG. In packed mode (dev->packed) the
 * spectrum is packed (fftconv_kspec_pack) and loaded with fftconv_load_spectrum_packed. */
NC_MUST_CHECK int fftconv_load_kernel(fftconv_dev_t *dev, const int16_t *k, size_t ntaps);

int fftconv_cosim_run(const fftconv_job_t *job, fftconv_outcome_t *out);
/* The same with real-input packing on or off (MODE.PACKED; the bit-exact model is then
 * fftconv_model_run_packed and the schedule fftconv_model_cycles_packed). */
int fftconv_cosim_run_mode(const fftconv_job_t *job, bool packed, fftconv_outcome_t *out);
void fftconv_outcome_free(fftconv_outcome_t *out);

/* Many channels in one job (rtl/fftconv/README.md, "Many channels in one job"): h depthwise channels, each
 * with its own kernel, on one device. Kernel spectra are computed once (FFTW) and loaded into
 * slots 0..h-1 (all first, or in the stream: stream_kernels); the inputs then stream through
 * fftconv_stream_channels (overlapped with two U/Y banks); every channel is compared with the bit-exact model (its own kernel and exponent) on
 * every sample and with the FFTW reference. */
typedef struct fftconv_chjob {
    const char *model;       /* Verilated build; NULL: "fftconv_c<P>" (the many-channel build)  */
    unsigned p;              /* the build's P (checked against PARAMS)                         */
    fftconv_cfg_t cfg;       /* kexp is computed per channel                                    */
    unsigned h;              /* channels, 1..the build's KCH                                     */
    const int16_t *u;        /* h L samples, channel after channel                               */
    const int16_t *k;        /* h Lk taps, channel after channel (unused taps zero)               */
    bool packed;             /* MODE.PACKED                                                      */
    bool no_overlap;         /* stream with one bank even if the build has two                    */
    const char *waves;       /* FST file, or NULL                                                */
    bool stream_kernels;     /* load each kernel in the stream, while the channel before it runs
                              * (fftconv_stream_channels), not all before the first run           */
} fftconv_chjob_t;

typedef struct fftconv_choutcome {
    int16_t *y;              /* h L samples from the RTL (malloc'ed; fftconv_choutcome_free)     */
    size_t mismatches;       /* samples (of h L) where RTL and model differ                      */
    unsigned first_channel;  /* channel and sample of the first difference                       */
    size_t first_sample;
    double sqnr_min_db;      /* the worst channel's SQNR against FFTW                             */
    uint64_t sat_rtl, sat_model;      /* summed over the channels                                 */
    uint64_t cycles;         /* CYCLES summed over the channels                                   */
    uint64_t cycles_model;   /* h x the single-channel schedule                                   */
    uint64_t stalls;         /* STALLS summed over the channels                                   */
    uint64_t stalls_model;   /* h x the single-channel schedule's stalls (fftconv_model_stalls)   */
    uint64_t sim_load;       /* simulated cycles of loading the h spectra first (0: in the stream) */
    uint64_t sim_stream;     /* simulated cycles of streaming the h channels (runs + bus traffic) */
    unsigned kch, banks;     /* the build's slots and banks                                       */
} fftconv_choutcome_t;

int fftconv_cosim_channels(const fftconv_chjob_t *job, fftconv_choutcome_t *out);
void fftconv_choutcome_free(fftconv_choutcome_t *out);

#endif
