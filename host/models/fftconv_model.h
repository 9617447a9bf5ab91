/*
 * fftconv_model.h - the bit-exact C model of the FFT-convolution accelerator, and the cycle
 * count its schedule promises. Written from the spec in rtl/fftconv/README.md (number formats,
 * rounding, saturation, pruning), not from the RTL.
 *
 * What is computed: for each block b of Lk = 2^log2lk input samples (one block of L samples in
 * dense mode), an overlap-save step of size M = 2*Lk:
 *   x      = [u[(b-1)Lk .. bLk-1] (zeros for b = 0), u[bLk .. (b+1)Lk-1]]
 *   X      = DIF FFT of x, scaled by 1/2 per stage (so X = DFT(x)/M), in bit-reversed order
 *   Z      = X * K  (K: the loaded kernel spectrum words, K_word * 2^(KEXP-15))
 *   z      = DIT inverse FFT of Z, unscaled
 *   y[bLk+i] = sat16(round((z[Lk+i] * 2^7 + D * u[bLk+i]) * 2^OSHIFT / 2^15))
 * Every internal value is a 24-bit complex word (Q1.23); every rounding is round-half-to-even
 * followed by saturation to 24 bits, and every saturation is counted.
 *
 * Frequency-sparse mode (freq_bins = F > 0) treats every bin f with F <= f <= M-F as zero and
 * skips the butterflies that only feed or only read such bins.
 */
#ifndef FFTCONV_MODEL_H
#define FFTCONV_MODEL_H

#include <stdbool.h>
#include <stdint.h>

#define FFTCONV_LOG2L_MIN 8
#define FFTCONV_LOG2LK_MIN 5
#define FFTCONV_LOG2L_MAX_SPEC 20 /* the largest L the spec (and twiddle table) covers */
#define FFTCONV_TW_LOG2N 21       /* the canonical twiddle table: W_(2^21)^k            */
#define FFTCONV_TW_ONE 131071     /* Q1.17 twiddles saturate +1.0 to this               */
#define FFTCONV_KEXP_MAX 16
#define FFTCONV_OSHIFT_MAX 8

typedef struct fftconv_cfg {
    unsigned log2l;     /* L = 2^log2l, FFTCONV_LOG2L_MIN..log2 LMAX                       */
    unsigned log2lk;    /* block size Lk = 2^log2lk; = log2l in dense mode                  */
    uint32_t freq_bins; /* F: 0 = every bin; else 1..Lk (frequency-sparse)                  */
    int16_t d;          /* skip weight D, Q1.15                                             */
    unsigned kexp;      /* kernel spectrum exponent, 0..16: K = K_word * 2^(kexp-15)         */
    unsigned oshift;    /* output gain 2^oshift, 0..8                                        */
} fftconv_cfg_t;

/* Checks a configuration against the spec and a build's log2 LMAX. NC_ERR_ARG with a message
 * naming the field, its value and the legal range. */
int fftconv_cfg_check(const fftconv_cfg_t *c, unsigned log2lmax);

/* The block a partial convolution of `taps` taps runs in: the smallest power of two Lk >= taps
 * that the hardware supports (Lk >= 2^FFTCONV_LOG2LK_MIN = 32), so that y uses exactly the
 * first `taps` taps when taps taps..Lk-1 of the kernel are zero. taps = L gives Lk = L (dense).
 * NC_ERR_ARG, naming the value and the range 1..L, when taps is outside 1..L = 2^log2l. */
int fftconv_partial_block(uint64_t taps, unsigned log2l, unsigned *log2lk);

/* Block size M = 2*Lk of the transforms. */
static inline uint32_t fftconv_m(const fftconv_cfg_t *c) { return 2u << c->log2lk; }

/* The twiddle generator shared by spec, model and RTL: W_(2^21)^k = c - j*s, with
 * c = min(floor(cos(2*pi*k/2^21) * 2^17 + 0.5), 131071), s likewise with sin (Q1.17). For
 * k = 16 k' these are the values of the W_131072^k' table of builds up to LMAX = 65536. */
void fftconv_twiddle(uint32_t k, int32_t *c, int32_t *s);

/* Whether butterfly i of (forward) stage s of an M-point transform is needed when only bins
 * |f| < F are kept: r = bitrev_s(i mod 2^s); needed iff r < F or r > 2^s - F (or F == 0). */
bool fftconv_need(unsigned s, uint32_t i, uint32_t freq_bins);

/* Runs the arithmetic. u: L samples; kspec: M words (bits 15:0 re, 31:16 im, bit-reversed
 * order); y: L samples out. *sat gets the number of saturations (may be NULL). */
int fftconv_model_run(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kspec,
                      int16_t *y, uint64_t *sat);

/* Real-input packing (README, "Real-input packing"): the same convolution from Lk-point
 * complex transforms of the packed pairs (x[2n], x[2n+1]) and one fused split / multiply /
 * merge pass. kpacked: Lk words in natural order, word f = K[f] for f = 1..Lk-1 and word 0 =
 * K[0].re (bits 15:0) | K[Lk].re (bits 31:16) (both bins are real for a real kernel), with the
 * same KEXP (fftconv_kspec_pack). Dense, partial and frequency-sparse modes (F > 0: the
 * Mh-point transforms are pruned with the same F, and a fused-pass pair with neither bin
 * below F is zero). */
int fftconv_model_run_packed(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kpacked,
                             int16_t *y, uint64_t *sat);

/* Many channels in one job (README, "Many channels in one job"): h channels, channel ch the single-channel
 * convolution (fftconv_model_run, or fftconv_model_run_packed when packed) of its own input with
 * its own kernel. u and y hold h L samples channel after channel (channel ch: samples
 * ch L .. ch L + L-1); kwords[ch] is its kernel (M spectrum words, or the Lk packed words) and
 * kexp[ch] its exponent (c->kexp is not used). sat (may be NULL) gets h saturation counts.
 * NC_ERR_ARG for h = 0 or a NULL kernel, naming the channel. */
int fftconv_model_run_channels(const fftconv_cfg_t *c, bool packed, unsigned h, const int16_t *u,
                               const uint32_t *const *kwords, const unsigned *kexp, int16_t *y,
                               uint64_t *sat);

/* Accelerator cycles of an h-channel job: h runs of the single-channel schedule (the kernel
 * slot changes nothing in the schedule); 0 for an illegal configuration or h = 0. */
uint64_t fftconv_model_cycles_channels(const fftconv_cfg_t *c, bool packed, unsigned p, unsigned h);

/* kspec (M = 2 Lk words, bit-reversed, fftconv_kernel_spectrum) -> the Lk packed words. */
int fftconv_kspec_pack(const uint32_t *kspec, unsigned log2lk, uint32_t *packed);

/* The pipeline (README, "Pipeline"): an issue in cycle t reads its operands (registered
 * memory read data) in t+1 and writes at the end of cycle t + FFTCONV_PIPE_DEPTH. */
#define FFTCONV_PIPE_DEPTH 3

/* Cycles from START to DONE that the schedule of rtl/fftconv/README.md ("Cycle counts",
 * "Pipeline") takes with p butterflies per cycle: issues + read-after-write stalls +
 * FFTCONV_PIPE_DEPTH (the last issue's drain); 0 for an illegal configuration. The packed
 * schedule: (2 log2 Lk + 1) passes of Lk/(2p) issues per block (frequency-sparse: the forward
 * and inverse passes pruned as unpacked, the fused pass min(F, Lk/(2p)) issues). */
uint64_t fftconv_model_cycles(const fftconv_cfg_t *c, unsigned p);
uint64_t fftconv_model_cycles_packed(const fftconv_cfg_t *c, unsigned p);

/* The issued cycles of a run (the closed form of "Cycle counts": every stage's issues). */
uint64_t fftconv_model_issues(const fftconv_cfg_t *c, unsigned p, bool packed);

/* The STALLS register after a run: issue cycles held back by a read-after-write hazard. */
uint64_t fftconv_model_stalls(const fftconv_cfg_t *c, unsigned p, bool packed);

/* The issue's bound for a dense convolution: N*(log2 N + 1)/P with N = 2L. */
double fftconv_cycle_bound(unsigned log2l, unsigned p);

/* Floor shift with round-half-to-even (the one rounding mode of the design); sh <= 62. */
int64_t fftconv_round(int64_t x, unsigned sh);

uint32_t fftconv_bitrev(uint32_t x, unsigned bits);

#endif
