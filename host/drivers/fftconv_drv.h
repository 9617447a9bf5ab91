/*
 * fftconv_drv.h - driver of the FFT-convolution accelerator (rtl/fftconv, docs/fftconv_regs.md)
 * over a bus_t. The same code runs on a Verilated model (vmodel_bus) and on a memory-mapped
 * device (bus_mmio_open).
 *
 * Flow: fftconv_open() checks the device and reads its build (P, LMAX); fftconv_configure()
 * checks a configuration against the spec and the build before writing anything;
 * fftconv_load_spectrum() loads a kernel spectrum once (computed by the layer above:
 * fftconv_load_kernel() in host/harness/fftconv_cosim.h, with FFTW); then any number of
 * fftconv_run() calls: load input, start, bounded poll, status check, read output, saturation
 * count, cycles and stalls. The driver needs nothing but the bus: no FFTW, no model. Builds
 * with LMAX > 65536 (fftconv_m1) reach their memories through the WPAGE register: the driver
 * pages every burst (README, "Sizes"), within the bank (BANK.HOST) and kernel slot (KSLOT) it
 * addresses; smaller builds only see WPAGE = 0 written by a soft reset.
 *
 * Many channels (rtl/fftconv/README.md, "Many channels in one job"): a build keeps KCH kernel spectra
 * (slots). fftconv_select_channel() picks the slot the next run uses; fftconv_load_spectrum*()
 * load the selected slot (fftconv_load_kernel too); fftconv_run_channels() streams H inputs
 * through their slots, overlapping the next input's load and the previous output's read with the
 * current run when the build has two U/Y banks.
 *
 * Errors: bad arguments give NC_ERR_ARG before any bus access; a refused start or any error
 * bit in STATUS gives NC_ERR_HW with the decoded bits; a run that does not finish within its
 * poll budget gives NC_ERR_TIMEOUT. Every wait is a bus_poll with a budget derived from the
 * cycle count the spec promises for the configuration.
 */
#ifndef FFTCONV_DRV_H
#define FFTCONV_DRV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "nc_error.h"

#include "bus.h"
#include "fftconv_model.h"

typedef struct fftconv_dev {
    bus_t *bus;
    unsigned p, log2lmax;     /* the build, from PARAMS                                      */
    unsigned kch, banks;      /* kernel slots (1..255) and U/Y banks (1 or 2), from PARAMS    */
    fftconv_cfg_t cfg;        /* the configuration written last                              */
    uint64_t kloaded[4];      /* bit s: slot s holds a spectrum for cfg's block, F and mode   */
    unsigned channel;         /* CHANNEL as written: the slot the next run uses              */
    unsigned kslot;           /* KSLOT as written: the slot K and KEXP address               */
    unsigned bank;            /* BANK as written ({HOST, RUN})                               */
    bool no_overlap;          /* fftconv_run_channels: one bank even if the build has two     */
    uint32_t idle_cycles;     /* device cycles between STATUS polls (0: derived per run)     */
    bool packed;              /* MODE.PACKED: real-input packing (fftconv_set_packed)        */
    uint32_t wpage;           /* WPAGE as written (0 unless LMAX > 65536)                   */
} fftconv_dev_t;

typedef struct fftconv_result {
    uint32_t status;          /* STATUS after the run                                        */
    uint32_t sat_count;       /* SAT_COUNT                                                   */
    uint32_t cycles;          /* CYCLES: START to DONE                                       */
    uint32_t stalls;          /* STALLS: issue cycles held back by a read-after-write hazard */
} fftconv_result_t;

/* Checks ID and PARAMS, soft-resets the device, selects channel, kernel slot and bank 0. */
NC_MUST_CHECK int fftconv_open(bus_t *bus, fftconv_dev_t *dev);

/* Validates cfg (fftconv_cfg_check against the build) and writes LOG2L, MODE, LOG2LK,
 * FREQ_BINS, SKIP_D, OSHIFT. cfg->kexp is ignored (fftconv_load_kernel sets it). A change of
 * block size or F invalidates the loaded kernel. */
NC_MUST_CHECK int fftconv_configure(fftconv_dev_t *dev, const fftconv_cfg_t *cfg);

/* Loads a ready spectrum: M = 2 Lk words in bit-reversed order, and its exponent, into the
 * selected channel's slot (dev->channel). NC_ERR_ARG in packed mode (use
 * fftconv_load_spectrum_packed). */
NC_MUST_CHECK int fftconv_load_spectrum(fftconv_dev_t *dev, const uint32_t *kspec, unsigned kexp);

/* Real-input packing (rtl/fftconv/README.md, "Real-input packing"): on, the following runs use
 * MODE.PACKED (fftconv_model_run_packed's arithmetic, fftconv_model_cycles_packed's schedule).
 * Writes MODE again when a configuration is loaded; a change invalidates the loaded kernel.
 * Combines with partial and frequency-sparse modes. */
NC_MUST_CHECK int fftconv_set_packed(fftconv_dev_t *dev, bool on);

/* Packed mode: loads into the selected channel's slot the Lk packed kernel words (natural order, fftconv_kspec_pack's layout:
 * word f = K[f], word 0 = K[0].re | K[Lk].re << 16) in the order of the fused pass, and KEXP.
 * NC_ERR_ARG when packed mode is off. */
NC_MUST_CHECK int fftconv_load_spectrum_packed(fftconv_dev_t *dev, const uint32_t *kpacked,
                                               unsigned kexp);

/* The packed K window's layout for a P-butterfly build: window word w (< Lk) holds packed word
 * fftconv_packed_kword(w, log2lk, p). Word w = 2P c + 2j + h is what lane j of fused cycle c
 * multiplies: h = 0 its bin f, h = 1 the partner Lk - f (README, "Real-input packing"). */
uint32_t fftconv_packed_kword(uint32_t w, unsigned log2lk, unsigned p);

/* The schedule of the configured mode (fftconv_model_cycles or fftconv_model_cycles_packed). */
uint64_t fftconv_dev_cycles(const fftconv_dev_t *dev);

/* Selects the kernel slot (0..KCH-1) the next run uses and the next spectrum loads: writes
 * CHANNEL. NC_ERR_ARG (naming the slot and the range) before any bus access when the build has
 * no such slot. */
NC_MUST_CHECK int fftconv_select_channel(fftconv_dev_t *dev, unsigned slot);

/* Whether slot holds a spectrum for the configured block, F and mode. */
bool fftconv_slot_loaded(const fftconv_dev_t *dev, unsigned slot);

/* H channels, each with its kernel already in its slot: channel ch reads u[ch L .. ch L + L-1]
 * and writes y[ch L ..], with slot slots[ch] (slots NULL: slot ch). With two U/Y banks (and
 * !dev->no_overlap) channel ch+1's input is written and channel ch-1's output read while channel
 * ch runs (BANK.RUN = ch mod 2, BANK.HOST the other bank); with one bank, load, run and read
 * follow each other. Every run waits on the interrupt where the bus has one (bounded by four
 * times the schedule), else on the bounded poll. res (may be NULL) gets h results. NC_ERR_ARG
 * before any bus access for h = 0, a slot out of range or without a kernel (naming the
 * channel). */
NC_MUST_CHECK int fftconv_run_channels(fftconv_dev_t *dev, unsigned h, const unsigned *slots,
                                       const int16_t *u, int16_t *y, fftconv_result_t *res);

/* The same, loading kernels as the stream goes: kwords[ch] (NULL, or kwords NULL: the slot's
 * kernel is resident) is channel ch's spectrum (M words; packed mode: the Lk packed words in
 * natural order) with exponent kexp[ch], written into slot slots[ch] before channel ch runs:
 * with two banks while channel ch-1 runs, unless both use the same slot (then after that run
 * ends: the running slot is never written). */
NC_MUST_CHECK int fftconv_stream_channels(fftconv_dev_t *dev, unsigned h, const unsigned *slots,
                                          const uint32_t *const *kwords, const unsigned *kexp,
                                          const int16_t *u, int16_t *y, fftconv_result_t *res);

NC_MUST_CHECK int fftconv_load_input(fftconv_dev_t *dev, const int16_t *u);
NC_MUST_CHECK int fftconv_start(fftconv_dev_t *dev);
/* Bounded wait for DONE; NC_ERR_HW if an error bit is set, NC_ERR_TIMEOUT if the budget runs out. */
NC_MUST_CHECK int fftconv_wait(fftconv_dev_t *dev, fftconv_result_t *res);
NC_MUST_CHECK int fftconv_read_output(fftconv_dev_t *dev, int16_t *y);

/* load input, start, wait, read output; res gets status, saturations, cycles and stalls. */
NC_MUST_CHECK int fftconv_run(fftconv_dev_t *dev, const int16_t *u, int16_t *y, fftconv_result_t *res);

/* Aborts a run and clears STATUS (keeps registers and memories); writes CHANNEL, KSLOT and BANK
 * again as the driver last set them (the device keeps configuration across a soft reset, so a
 * stray write to them would otherwise outlive it). */
NC_MUST_CHECK int fftconv_soft_reset(fftconv_dev_t *dev);

/* STATUS bits as text, e.g. "busy done err_mode". */
const char *fftconv_status_str(uint32_t status, char *buf, size_t len);

#endif
