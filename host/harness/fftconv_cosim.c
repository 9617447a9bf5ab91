/* fftconv_cosim.c - RTL + model + reference for one convolution (see fftconv_cosim.h). */
#include "fftconv_cosim.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftconv_drv.h"
#include "fftconv_ref.h"
#include "fftconv_regs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "vmodel.h"

typedef struct {
    int16_t *ym;
    uint32_t *ks;
    double *ud, *kd, *yd, *yr;
} scratch_t;

/* The spectrum's M = 2 Lk words -> its Lk packed words, in the same buffer. */
static int fftconv_kspec_pack_inplace(uint32_t *ks, unsigned log2lk)
{
    size_t lk = (size_t)1 << log2lk;
    uint32_t *kp = malloc(lk * sizeof *kp);
    if (!kp)
        return nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %zu packed words", lk);
    int rc = fftconv_kspec_pack(ks, log2lk, kp);
    if (!rc)
        memcpy(ks, kp, lk * sizeof *kp);
    free(kp);
    return rc;
}

static void scratch_free(scratch_t *s)
{
    free(s->ym), free(s->ks), free(s->ud), free(s->kd), free(s->yd), free(s->yr);
}

static int scratch_alloc(scratch_t *s, size_t l, size_t lk)
{
    memset(s, 0, sizeof *s);
    s->ym = malloc(l * sizeof *s->ym);
    s->ks = malloc(2 * lk * sizeof *s->ks);
    s->ud = malloc(l * sizeof *s->ud);
    s->kd = malloc(lk * sizeof *s->kd);
    s->yd = malloc(l * sizeof *s->yd);
    s->yr = malloc(l * sizeof *s->yr);
    if (s->ym && s->ks && s->ud && s->kd && s->yd && s->yr)
        return NC_OK;
    scratch_free(s);
    return nc_err_set(NC_ERR_NOMEM, "fftconv cosim: no memory for L = %zu", l);
}

/* Long runs show progress on stderr (nc_progress: on a terminal, or NC_PROGRESS=1): the model
 * advances in slices of 1/64 of the promised cycles, STATUS read between slices, for at most
 * twice the promised cycles; the driver's own bounded wait then sees the end. */
static void wait_with_progress(vmodel_t *m, const fftconv_dev_t *dev)
{
    const fftconv_cfg_t *cfg = &dev->cfg;
    unsigned p = dev->p;
    uint64_t expect = fftconv_dev_cycles(dev), t0 = vmodel_cycles(m);
    uint64_t slice = expect / 64 + 1;
    char what[64];
    snprintf(what, sizeof what, "fftconv L=%u P=%u: accelerator cycles", 1u << cfg->log2l, p);
    for (unsigned i = 0; i < 128; i++) {
        uint32_t st = 0;
        if (bus_read32(vmodel_bus(m), FFTCONV_STATUS, &st) || !(st & FFTCONV_STATUS_BUSY_MASK))
            break;
        uint64_t done = vmodel_cycles(m) - t0;
        nc_progress(what, (double)(done < expect ? done : expect), (double)expect);
        vmodel_step(m, slice);
    }
    nc_progress(what, (double)expect, (double)expect);
    nc_progress_end();
}

/* The RTL part: open the model (or take the job's bus), trace if asked, drive one
 * convolution. */
static int run_rtl(const fftconv_job_t *job, bool packed, fftconv_cfg_t *cfg, const uint32_t *ks,
                   fftconv_outcome_t *out)
{
    char name[32];
    snprintf(name, sizeof name, "fftconv_p%u", job->p);
    vmodel_t *m = job->bus ? job->vm : vmodel_open_name(name);
    if (!m && !job->bus)
        return nc_err_status();
    bus_t *bus = job->bus ? job->bus : vmodel_bus(m);
    int rc = job->waves && m ? vmodel_trace_open(m, job->waves) : NC_OK;
    fftconv_dev_t dev;
    fftconv_result_t res = {0};
    if (!rc)
        rc = fftconv_open(bus, &dev);
    if (!rc && dev.p != job->p)
        rc = nc_err_set(NC_ERR_ARG, "fftconv: the device on %s has P = %u, the job asks for P = %u",
                        bus->name, dev.p, job->p);
    if (!rc)
        rc = fftconv_set_packed(&dev, packed);
    if (!rc)
        rc = fftconv_configure(&dev, cfg);
    if (!rc)
        rc = packed ? fftconv_load_spectrum_packed(&dev, ks, cfg->kexp)
                    : fftconv_load_spectrum(&dev, ks, cfg->kexp);
    /* On a given bus with an interrupt line (the TLM platform) the host sleeps on the
     * interrupt, bounded by four times the cycles the spec promises, then checks STATUS. */
    if (job->bus && bus_has_irq(bus)) {
        uint64_t bound = 4 * fftconv_dev_cycles(&dev) + 4096;
        if (!rc)
            rc = fftconv_load_input(&dev, job->u);
        if (!rc)
            rc = fftconv_start(&dev);
        if (!rc)
            rc = bus_wait_irq(bus, (uint32_t)(bound < UINT32_MAX ? bound : UINT32_MAX),
                              "fftconv: DONE interrupt");
        if (!rc)
            rc = fftconv_wait(&dev, &res);
        if (!rc)
            rc = fftconv_read_output(&dev, out->y);
    } else if (job->bus || cfg->log2l < FFTCONV_PROGRESS_LOG2L || !nc_progress_on()) {
        /* (progress slices step the model directly: only when this harness owns it) */
        if (!rc)
            rc = fftconv_run(&dev, job->u, out->y, &res);
    } else {
        if (!rc)
            rc = fftconv_load_input(&dev, job->u);
        if (!rc)
            rc = fftconv_start(&dev);
        if (!rc)
            wait_with_progress(m, &dev);
        if (!rc)
            rc = fftconv_wait(&dev, &res);
        if (!rc)
            rc = fftconv_read_output(&dev, out->y);
    }
    out->sat_rtl = res.sat_count;
    out->cycles = res.cycles;
    out->stalls = res.stalls;
    out->sim_cycles = m ? vmodel_cycles(m) : 0;
    if (m && job->waves)
        vmodel_trace_close(m);
    if (!job->bus)
        vmodel_close(m);
    return rc;
}

int fftconv_load_kernel(fftconv_dev_t *dev, const int16_t *k, size_t ntaps)
{
    size_t lk = (size_t)1 << dev->cfg.log2lk;
    if (ntaps == 0 || !k)
        return nc_err_set(NC_ERR_ARG, "fftconv: kernel has no taps, expected 1..Lk (%zu)", lk);
    uint32_t *ks = malloc(2 * lk * sizeof *ks);
    int16_t *kb = ntaps < lk ? calloc(lk, sizeof *kb) : NULL;
    if (!ks || (ntaps < lk && !kb)) {
        free(ks), free(kb);
        return nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for a %zu-word spectrum", 2 * lk);
    }
    if (kb) /* fewer taps than the block: the rest of the block is zero */
        memcpy(kb, k, ntaps * sizeof *kb);
    unsigned kexp = 0;
    int rc = fftconv_kernel_spectrum(kb ? kb : k, lk, dev->cfg.freq_bins, ks, &kexp);
    if (!rc && dev->packed) {
        uint32_t *kp = malloc(lk * sizeof *kp);
        rc = kp ? fftconv_kspec_pack(ks, dev->cfg.log2lk, kp)
                : nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %zu packed words", lk);
        if (!rc)
            rc = fftconv_load_spectrum_packed(dev, kp, kexp);
        free(kp);
    } else if (!rc) {
        rc = fftconv_load_spectrum(dev, ks, kexp);
    }
    free(ks), free(kb);
    return rc;
}

int fftconv_cosim_run(const fftconv_job_t *job, fftconv_outcome_t *out)
{
    return fftconv_cosim_run_mode(job, false, out);
}

int fftconv_cosim_run_mode(const fftconv_job_t *job, bool packed, fftconv_outcome_t *out)
{
    memset(out, 0, sizeof *out);
    fftconv_cfg_t cfg = job->cfg;
    int rc = fftconv_cfg_check(&cfg, FFTCONV_LOG2L_MAX_SPEC);
    if (rc)
        return rc;
    size_t l = (size_t)1 << cfg.log2l, lk = (size_t)1 << cfg.log2lk;
    scratch_t s;
    if ((rc = scratch_alloc(&s, l, lk)))
        return rc;
    out->y = malloc(l * sizeof *out->y);
    if (!out->y)
        rc = nc_err_set(NC_ERR_NOMEM, "fftconv cosim: no memory for L = %zu", l);
    if (!rc)
        rc = fftconv_kernel_spectrum(job->k, lk, cfg.freq_bins, s.ks, &cfg.kexp);
    if (!rc && packed) /* the Lk packed words replace the spectrum (2 Lk words allocated) */
        rc = fftconv_kspec_pack_inplace(s.ks, cfg.log2lk);
    if (!rc)
        rc = run_rtl(job, packed, &cfg, s.ks, out);
    if (!rc)
        rc = packed ? fftconv_model_run_packed(&cfg, job->u, s.ks, s.ym, &out->sat_model)
                    : fftconv_model_run(&cfg, job->u, s.ks, s.ym, &out->sat_model);
    if (!rc) {
        out->kexp = cfg.kexp;
        for (size_t t = l; t-- > 0;)
            if (out->y[t] != s.ym[t])
                out->mismatches++, out->first_mismatch = t;
        fftconv_q15_to_double(job->u, l, s.ud);
        fftconv_q15_to_double(job->k, lk, s.kd);
        fftconv_q15_to_double(out->y, l, s.yr);
        rc = fftconv_ref_fftw(s.ud, l, s.kd, lk, cfg.freq_bins, cfg.d / 32768.0, s.yd);
        double gain = ldexp(1.0, (int)cfg.oshift);
        for (size_t t = 0; t < l; t++)
            s.yd[t] *= gain;
        out->sqnr_db = nc_sqnr_db(s.yd, s.yr, l);
        out->cycles_model = (uint32_t)(packed ? fftconv_model_cycles_packed(&cfg, job->p)
                                              : fftconv_model_cycles(&cfg, job->p));
        out->stalls_model = (uint32_t)fftconv_model_stalls(&cfg, job->p, packed);
        out->bound_ratio = out->cycles / fftconv_cycle_bound(cfg.log2l, job->p);
    }
    scratch_free(&s);
    return rc;
}

void fftconv_outcome_free(fftconv_outcome_t *out)
{
    free(out->y);
    out->y = NULL;
}

void fftconv_choutcome_free(fftconv_choutcome_t *out)
{
    free(out->y);
    out->y = NULL;
}

/* Spectra of the h kernels (M words each, packed in place to Lk words) and their exponents. */
static int channel_spectra(const fftconv_chjob_t *job, uint32_t *ks, unsigned *kexp)
{
    const size_t lk = (size_t)1 << job->cfg.log2lk, m = 2 * lk;
    int rc = NC_OK;
    for (unsigned ch = 0; !rc && ch < job->h; ch++) {
        rc = fftconv_kernel_spectrum(job->k + ch * lk, lk, job->cfg.freq_bins, ks + ch * m,
                                     &kexp[ch]);
        if (!rc && job->packed)
            rc = fftconv_kspec_pack_inplace(ks + ch * m, job->cfg.log2lk);
    }
    return rc;
}

/* The RTL part: spectra into slots 0..h-1, then the h inputs streamed. */
static int channels_rtl(const fftconv_chjob_t *job, const uint32_t *ks, const unsigned *kexp,
                        fftconv_choutcome_t *out)
{
    char name[32];
    snprintf(name, sizeof name, "fftconv_c%u", job->p);
    vmodel_t *m = vmodel_open_name(job->model ? job->model : name);
    if (!m)
        return nc_err_status();
    const size_t mw = (size_t)2 << job->cfg.log2lk;
    int rc = job->waves ? vmodel_trace_open(m, job->waves) : NC_OK;
    fftconv_dev_t dev;
    fftconv_result_t *res = calloc(job->h, sizeof *res);
    if (!res)
        rc = nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %u results", job->h);
    if (!rc)
        rc = fftconv_open(vmodel_bus(m), &dev);
    if (!rc && dev.p != job->p)
        rc = nc_err_set(NC_ERR_ARG, "fftconv: %s has P = %u, the job asks for P = %u",
                        vmodel_bus(m)->name, dev.p, job->p);
    if (!rc && job->h > dev.kch)
        rc = nc_err_set(NC_ERR_ARG, "fftconv: %u channels, but %s keeps %u kernel slots (KCH)",
                        job->h, vmodel_bus(m)->name, dev.kch);
    if (!rc) {
        out->kch = dev.kch;
        out->banks = dev.banks;
        dev.no_overlap = job->no_overlap;
        rc = fftconv_set_packed(&dev, job->packed);
    }
    fftconv_cfg_t cfg = job->cfg;
    if (!rc)
        rc = fftconv_configure(&dev, &cfg);
    uint64_t t0 = vmodel_cycles(m);
    for (unsigned ch = 0; !rc && !job->stream_kernels && ch < job->h; ch++) {
        rc = fftconv_select_channel(&dev, ch);
        if (!rc)
            rc = job->packed ? fftconv_load_spectrum_packed(&dev, ks + ch * mw, kexp[ch])
                             : fftconv_load_spectrum(&dev, ks + ch * mw, kexp[ch]);
    }
    uint64_t t1 = vmodel_cycles(m);
    const uint32_t **kw = job->stream_kernels ? calloc(job->h, sizeof *kw) : NULL;
    if (!rc && job->stream_kernels && !kw)
        rc = nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %u kernel pointers", job->h);
    for (unsigned ch = 0; !rc && kw && ch < job->h; ch++)
        kw[ch] = ks + ch * mw;
    if (!rc)
        rc = fftconv_stream_channels(&dev, job->h, NULL, kw, kexp, job->u, out->y, res);
    free(kw);
    out->sim_load = t1 - t0;
    out->sim_stream = vmodel_cycles(m) - t1;
    for (unsigned ch = 0; !rc && ch < job->h; ch++) {
        out->cycles += res[ch].cycles;
        out->stalls += res[ch].stalls;
        out->sat_rtl += res[ch].sat_count;
    }
    if (job->waves)
        vmodel_trace_close(m);
    vmodel_close(m);
    free(res);
    return rc;
}

int fftconv_cosim_channels(const fftconv_chjob_t *job, fftconv_choutcome_t *out)
{
    memset(out, 0, sizeof *out);
    fftconv_cfg_t cfg = job->cfg;
    int rc = fftconv_cfg_check(&cfg, FFTCONV_LOG2L_MAX_SPEC);
    if (rc)
        return rc;
    if (job->h == 0 || !job->u || !job->k)
        return nc_err_set(NC_ERR_ARG, "fftconv: %u channels, expected at least 1 with inputs and "
                          "kernels", job->h);
    const size_t l = (size_t)1 << cfg.log2l, lk = (size_t)1 << cfg.log2lk, h = job->h;
    uint32_t *ks = malloc(h * 2 * lk * sizeof *ks);
    unsigned *kexp = calloc(h, sizeof *kexp);
    const uint32_t **kw = calloc(h, sizeof *kw);
    int16_t *ym = malloc(h * l * sizeof *ym);
    uint64_t *sat = calloc(h, sizeof *sat);
    double *ud = malloc(l * sizeof *ud), *kd = malloc(lk * sizeof *kd);
    double *yd = malloc(l * sizeof *yd), *yr = malloc(l * sizeof *yr);
    out->y = malloc(h * l * sizeof *out->y);
    if (!ks || !kexp || !kw || !ym || !sat || !ud || !kd || !yd || !yr || !out->y)
        rc = nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %zu channels of L = %zu", h, l);
    if (!rc)
        rc = channel_spectra(job, ks, kexp);
    if (!rc)
        rc = channels_rtl(job, ks, kexp, out);
    for (size_t ch = 0; !rc && ch < h; ch++)
        kw[ch] = ks + ch * 2 * lk;
    if (!rc)
        rc = fftconv_model_run_channels(&cfg, job->packed, job->h, job->u, kw, kexp, ym, sat);
    if (!rc) {
        out->sqnr_min_db = INFINITY;
        for (size_t t = h * l; t-- > 0;)
            if (out->y[t] != ym[t])
                out->mismatches++, out->first_channel = (unsigned)(t / l), out->first_sample = t % l;
        double gain = ldexp(1.0, (int)cfg.oshift);
        for (size_t ch = 0; !rc && ch < h; ch++) {
            out->sat_model += sat[ch];
            fftconv_q15_to_double(job->u + ch * l, l, ud);
            fftconv_q15_to_double(job->k + ch * lk, lk, kd);
            fftconv_q15_to_double(out->y + ch * l, l, yr);
            rc = fftconv_ref_fftw(ud, l, kd, lk, cfg.freq_bins, cfg.d / 32768.0, yd);
            for (size_t t = 0; t < l; t++)
                yd[t] *= gain;
            double q = nc_sqnr_db(yd, yr, l);
            if (!(q >= out->sqnr_min_db))
                out->sqnr_min_db = q;
        }
        out->cycles_model = fftconv_model_cycles_channels(&cfg, job->packed, job->p, job->h);
        out->stalls_model = job->h * fftconv_model_stalls(&cfg, job->p, job->packed);
    }
    free(ks), free(kexp), free(kw), free(ym), free(sat), free(ud), free(kd), free(yd), free(yr);
    return rc;
}
