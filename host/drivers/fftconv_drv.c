/* fftconv_drv.c - the fftconv driver over bus_t (contract in fftconv_drv.h). */
#include "fftconv_drv.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fftconv_regs.h"
#include "nc_error.h"

#define ERR_BITS (FFTCONV_STATUS_ERR_SIZE_MASK | FFTCONV_STATUS_ERR_MODE_MASK | \
                  FFTCONV_STATUS_ERR_ACCESS_MASK | FFTCONV_STATUS_ERR_START_MASK | \
                  FFTCONV_STATUS_ERR_CHANNEL_MASK)
#define CHUNK 1024u /* words per burst */
#define PAGE_LOG2 16 /* WPAGE: a window shows memory words from WPAGE * 2^16 on */

const char *fftconv_status_str(uint32_t st, char *buf, size_t len)
{
    static const struct { uint32_t mask; const char *name; } bits[] = {
        {FFTCONV_STATUS_BUSY_MASK, "busy"},
        {FFTCONV_STATUS_DONE_MASK, "done"},
        {FFTCONV_STATUS_ERR_SIZE_MASK, "err_size"},
        {FFTCONV_STATUS_ERR_MODE_MASK, "err_mode"},
        {FFTCONV_STATUS_ERR_ACCESS_MASK, "err_access"},
        {FFTCONV_STATUS_ERR_START_MASK, "err_start"},
        {FFTCONV_STATUS_ERR_CHANNEL_MASK, "err_channel"},
    };
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < sizeof bits / sizeof bits[0]; i++)
        if ((st & bits[i].mask) && used < len)
            used += (size_t)snprintf(buf + used, len - used, "%s%s", used ? " " : "", bits[i].name);
    if (!used)
        snprintf(buf, len, "idle");
    return buf;
}

static int hw_error(fftconv_dev_t *dev, uint32_t st, const char *when)
{
    char s[128];
    return nc_err_set(NC_ERR_HW, "%s: fftconv %s: STATUS = 0x%08x (%s)", dev->bus->name, when,
                      st, fftconv_status_str(st, s, sizeof s));
}

int fftconv_open(bus_t *bus, fftconv_dev_t *dev)
{
    memset(dev, 0, sizeof *dev);
    dev->bus = bus;
    uint32_t id = 0, params = 0;
    int rc = bus_read32(bus, FFTCONV_ID, &id);
    if (rc)
        return rc;
    if (id != FFTCONV_ID_RESET)
        return nc_err_set(NC_ERR_HW, "%s: register ID (0x%03x) reads 0x%08x, expected 0x%08x "
                          "(no fftconv accelerator here)", bus->name, FFTCONV_ID, id,
                          FFTCONV_ID_RESET);
    if ((rc = bus_read32(bus, FFTCONV_PARAMS, &params)))
        return rc;
    dev->p = (params & FFTCONV_PARAMS_P_MASK) >> FFTCONV_PARAMS_P_LSB;
    dev->log2lmax = (params & FFTCONV_PARAMS_LOG2LMAX_MASK) >> FFTCONV_PARAMS_LOG2LMAX_LSB;
    dev->kch = (params & FFTCONV_PARAMS_KCH_MASK) >> FFTCONV_PARAMS_KCH_LSB;
    dev->banks = (params & FFTCONV_PARAMS_BANKS_MASK) >> FFTCONV_PARAMS_BANKS_LSB;
    if ((dev->p != 1 && dev->p != 2 && dev->p != 4) || dev->log2lmax < FFTCONV_LOG2L_MIN ||
        dev->log2lmax > FFTCONV_LOG2L_MAX_SPEC || dev->kch < 1 || dev->banks < 1 || dev->banks > 2)
        return nc_err_set(NC_ERR_HW, "%s: PARAMS = 0x%08x: P = %u, log2 LMAX = %u, KCH = %u, "
                          "BANKS = %u; expected P in {1,2,4}, log2 LMAX in %u..%u, KCH in 1..255 "
                          "and BANKS 1 or 2", bus->name, params, dev->p, dev->log2lmax, dev->kch,
                          dev->banks, FFTCONV_LOG2L_MIN, FFTCONV_LOG2L_MAX_SPEC);
    return fftconv_soft_reset(dev); /* (channel, kslot, bank and wpage are 0 here) */
}

bool fftconv_slot_loaded(const fftconv_dev_t *dev, unsigned slot)
{
    return slot < dev->kch && slot < 256 && (dev->kloaded[slot / 64] >> (slot % 64) & 1u);
}

static void slots_invalidate(fftconv_dev_t *dev)
{
    memset(dev->kloaded, 0, sizeof dev->kloaded);
}

static int slot_check(const fftconv_dev_t *dev, unsigned slot, const char *what)
{
    if (slot >= dev->kch)
        return nc_err_set(NC_ERR_ARG, "fftconv: %s: kernel slot %u, this build (%s) has slots "
                          "0..%u (KCH = %u)", what, slot, dev->bus->name, dev->kch - 1, dev->kch);
    return NC_OK;
}

int fftconv_select_channel(fftconv_dev_t *dev, unsigned slot)
{
    int rc = slot_check(dev, slot, "CHANNEL");
    if (!rc && slot != dev->channel) {
        rc = bus_write32(dev->bus, FFTCONV_CHANNEL, slot);
        if (!rc)
            dev->channel = slot;
    }
    return rc;
}

/* Points the K window and KEXP at slot. */
static int kslot_set(fftconv_dev_t *dev, unsigned slot)
{
    int rc = NC_OK;
    if (dev->kslot != slot && !(rc = bus_write32(dev->bus, FFTCONV_KSLOT, slot)))
        dev->kslot = slot;
    return rc;
}

/* A burst of k words (k <= CHUNK, not crossing a 2^16-word page) at memory word i of a window,
 * written from src or read into dst: sets WPAGE first when the page changes (only builds with
 * LMAX > 65536 have more than one page). */
static int win_burst(fftconv_dev_t *dev, uint32_t base, size_t i, const uint32_t *src, uint32_t *dst,
                     size_t k)
{
    uint32_t page = (uint32_t)(i >> PAGE_LOG2);
    int rc;
    if (page != dev->wpage) {
        if ((rc = bus_write32(dev->bus, FFTCONV_WPAGE, page)))
            return rc;
        dev->wpage = page;
    }
    uint32_t addr = base + 4u * (uint32_t)(i & ((1u << PAGE_LOG2) - 1u));
    return src ? bus_write_burst(dev->bus, addr, src, k) : bus_read_burst(dev->bus, addr, dst, k);
}

int fftconv_soft_reset(fftconv_dev_t *dev)
{
    /* A soft reset keeps the configuration registers: CHANNEL, KSLOT, BANK and WPAGE are
     * written again so that the device holds what the driver believes (whatever wrote them
     * meanwhile: a WPAGE other than 0 would shut every window of a build with LMAX <= 65536). */
    int rc = bus_write32(dev->bus, FFTCONV_CTRL, FFTCONV_CTRL_SOFT_RESET_MASK);
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_CHANNEL, dev->channel);
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_KSLOT, dev->kslot);
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_BANK, dev->bank);
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_WPAGE, dev->wpage);
    return rc;
}

int fftconv_configure(fftconv_dev_t *dev, const fftconv_cfg_t *cfg)
{
    fftconv_cfg_t c = *cfg;
    c.kexp = dev->cfg.kexp;
    int rc = fftconv_cfg_check(&c, dev->log2lmax);
    if (rc)
        return rc;
    uint32_t mode = (c.log2lk < c.log2l ? FFTCONV_MODE_PARTIAL_MASK : 0) |
                    (c.freq_bins ? FFTCONV_MODE_FREQ_SPARSE_MASK : 0) |
                    (dev->packed ? FFTCONV_MODE_PACKED_MASK : 0);
    const struct { uint32_t reg, val; } w[] = {
        {FFTCONV_LOG2L, c.log2l},
        {FFTCONV_MODE, mode},
        {FFTCONV_LOG2LK, c.log2lk},
        {FFTCONV_FREQ_BINS, c.freq_bins ? c.freq_bins : 1},
        {FFTCONV_SKIP_D, (uint16_t)c.d},
        {FFTCONV_OSHIFT, c.oshift},
    };
    for (size_t i = 0; i < sizeof w / sizeof w[0]; i++)
        if ((rc = bus_write32(dev->bus, w[i].reg, w[i].val)))
            return rc;
    if (c.log2lk != dev->cfg.log2lk || c.freq_bins != dev->cfg.freq_bins)
        slots_invalidate(dev);
    dev->cfg = c;
    return NC_OK;
}

static int write_words(fftconv_dev_t *dev, uint32_t base, const uint32_t *w, size_t n)
{
    for (size_t i = 0; i < n; i += CHUNK) {
        size_t k = n - i < CHUNK ? n - i : CHUNK;
        int rc = win_burst(dev, base, i, w + i, NULL, k);
        if (rc)
            return rc;
    }
    return NC_OK;
}

/* A spectrum into a slot: M words (unpacked) or the Lk packed words in natural order,
 * reordered to the fused pass's order (packed), then the slot's KEXP. */
static int spectrum_to_slot(fftconv_dev_t *dev, unsigned slot, const uint32_t *words,
                            unsigned kexp)
{
    if (kexp > FFTCONV_KEXP_MAX)
        return nc_err_set(NC_ERR_ARG, "fftconv: KEXP = %u, expected 0..%u", kexp, FFTCONV_KEXP_MAX);
    int rc = slot_check(dev, slot, "kernel spectrum");
    if (rc)
        return rc;
    uint32_t *w = NULL;
    size_t n = fftconv_m(&dev->cfg);
    if (dev->packed) {
        n = (size_t)1 << dev->cfg.log2lk;
        if (!(w = malloc(n * sizeof *w)))
            return nc_err_set(NC_ERR_NOMEM, "fftconv: no memory for %zu kernel words", n);
        for (uint32_t i = 0; i < n; i++)
            w[i] = words[fftconv_packed_kword(i, dev->cfg.log2lk, dev->p)];
    }
    rc = kslot_set(dev, slot);
    if (!rc)
        rc = write_words(dev, FFTCONV_WIN_K_BASE, w ? w : words, n);
    free(w);
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_KEXP, kexp);
    if (rc)
        return rc;
    dev->cfg.kexp = kexp;
    dev->kloaded[slot / 64] |= 1ull << (slot % 64);
    return NC_OK;
}

int fftconv_load_spectrum(fftconv_dev_t *dev, const uint32_t *kspec, unsigned kexp)
{
    if (dev->packed)
        return nc_err_set(NC_ERR_ARG, "fftconv: packed mode takes the Lk packed kernel words "
                          "(fftconv_load_spectrum_packed), not the M-word spectrum");
    return spectrum_to_slot(dev, dev->channel, kspec, kexp);
}

int fftconv_set_packed(fftconv_dev_t *dev, bool on)
{
    if (on == dev->packed)
        return NC_OK;
    dev->packed = on;
    slots_invalidate(dev);
    if (dev->cfg.log2l == 0) /* not configured yet: fftconv_configure writes MODE */
        return NC_OK;
    fftconv_cfg_t c = dev->cfg;
    return fftconv_configure(dev, &c);
}

static unsigned bitrev_bits(unsigned x, unsigned bits)
{
    unsigned r = 0;
    for (unsigned b = 0; b < bits; b++)
        r |= ((x >> b) & 1u) << (bits - 1 - b);
    return r;
}

uint32_t fftconv_packed_kword(uint32_t w, unsigned log2lk, unsigned p)
{
    const unsigned logp = p == 4 ? 2 : p == 2 ? 1 : 0;
    const uint32_t mh = 1u << log2lk, h = mh / (2 * p), two_h = 2 * h;
    const uint32_t c = w / (2 * p), j = (w / 2) % p, side = w % 2;
    uint32_t f;
    if (c != 0)
        f = c + bitrev_bits(j, logp) * two_h;                 /* rows of f0 = c and 2H - c */
    else if (p == 1)
        return side ? 0 : h;                                  /* bin Mh/2; bins 0 and Mh   */
    else if (j < p / 2)
        f = h + bitrev_bits(j, logp) * two_h;                 /* row of f0 = H             */
    else if (j == p - 1)
        return side ? 0 : mh / 2;                             /* bin Mh/2; bins 0 and Mh   */
    else
        f = (j - p / 2 + 1) * two_h;                          /* row of f0 = 0             */
    return side ? mh - f : f;
}

int fftconv_load_spectrum_packed(fftconv_dev_t *dev, const uint32_t *kpacked, unsigned kexp)
{
    if (!dev->packed)
        return nc_err_set(NC_ERR_ARG, "fftconv: packed kernel words without packed mode "
                          "(fftconv_set_packed)");
    return spectrum_to_slot(dev, dev->channel, kpacked, kexp);
}

uint64_t fftconv_dev_cycles(const fftconv_dev_t *dev)
{
    return dev->packed ? fftconv_model_cycles_packed(&dev->cfg, dev->p)
                       : fftconv_model_cycles(&dev->cfg, dev->p);
}

int fftconv_load_input(fftconv_dev_t *dev, const int16_t *u)
{
    size_t l = (size_t)1 << dev->cfg.log2l;
    uint32_t w[CHUNK];
    for (size_t i = 0; i < l; i += CHUNK) {
        size_t k = l - i < CHUNK ? l - i : CHUNK;
        for (size_t j = 0; j < k; j++)
            w[j] = (uint16_t)u[i + j];
        int rc = win_burst(dev, FFTCONV_WIN_U_BASE, i, w, NULL, k);
        if (rc)
            return rc;
    }
    return NC_OK;
}

int fftconv_start(fftconv_dev_t *dev)
{
    if (!fftconv_slot_loaded(dev, dev->channel))
        return nc_err_set(NC_ERR_ARG, "fftconv: start without a kernel spectrum in slot %u "
                          "(CHANNEL) for the configured block (Lk = %u) and F = %u", dev->channel,
                          1u << dev->cfg.log2lk, dev->cfg.freq_bins);
    int rc = bus_write32(dev->bus, FFTCONV_STATUS, 0xffffffffu); /* clear DONE and errors */
    if (!rc)
        rc = bus_write32(dev->bus, FFTCONV_CTRL, FFTCONV_CTRL_START_MASK);
    return rc;
}

int fftconv_wait(fftconv_dev_t *dev, fftconv_result_t *res)
{
    uint64_t expect = fftconv_dev_cycles(dev);
    if (expect < 4096)
        expect = 4096; /* an unconfigured device still gets a bounded, non-trivial budget */
    uint32_t idle = dev->idle_cycles ? dev->idle_cycles : (uint32_t)(expect / 16 + 64);
    uint32_t polls = (uint32_t)(2 * expect / idle + 64);
    memset(res, 0, sizeof *res);
    /* A refused START never sets BUSY, so this returns at once and the error bits tell. */
    int rc = bus_poll(dev->bus, FFTCONV_STATUS, FFTCONV_STATUS_BUSY_MASK, 0, polls, idle,
                      "fftconv run (waiting for BUSY to clear)", &res->status);
    if (rc)
        return rc;
    if (res->status & ERR_BITS)
        return hw_error(dev, res->status, "run");
    if (!(res->status & FFTCONV_STATUS_DONE_MASK))
        return hw_error(dev, res->status, "run ended without DONE");
    if ((rc = bus_read32(dev->bus, FFTCONV_SAT_COUNT, &res->sat_count)))
        return rc;
    if ((rc = bus_read32(dev->bus, FFTCONV_CYCLES, &res->cycles)))
        return rc;
    return bus_read32(dev->bus, FFTCONV_STALLS, &res->stalls);
}

int fftconv_read_output(fftconv_dev_t *dev, int16_t *y)
{
    size_t l = (size_t)1 << dev->cfg.log2l;
    uint32_t w[CHUNK];
    for (size_t i = 0; i < l; i += CHUNK) {
        size_t k = l - i < CHUNK ? l - i : CHUNK;
        int rc = win_burst(dev, FFTCONV_WIN_Y_BASE, i, NULL, w, k);
        if (rc)
            return rc;
        for (size_t j = 0; j < k; j++)
            y[i + j] = (int16_t)(uint16_t)w[j];
    }
    return NC_OK;
}

static int set_bank(fftconv_dev_t *dev, unsigned host, unsigned run);

/* One bank for load, run and read: HOST = RUN (a stream that failed half-way may have left them
 * apart). */
static int same_bank(fftconv_dev_t *dev)
{
    unsigned run = (dev->bank & FFTCONV_BANK_RUN_MASK) >> FFTCONV_BANK_RUN_LSB;
    return set_bank(dev, run, run);
}

int fftconv_run(fftconv_dev_t *dev, const int16_t *u, int16_t *y, fftconv_result_t *res)
{
    int rc = same_bank(dev);
    if (!rc)
        rc = fftconv_load_input(dev, u);
    if (!rc)
        rc = fftconv_start(dev);
    if (!rc)
        rc = fftconv_wait(dev, res);
    if (!rc)
        rc = fftconv_read_output(dev, y);
    return rc;
}

static int set_bank(fftconv_dev_t *dev, unsigned host, unsigned run)
{
    unsigned v = (host << FFTCONV_BANK_HOST_LSB) | (run << FFTCONV_BANK_RUN_LSB);
    int rc = NC_OK;
    if (v != dev->bank && !(rc = bus_write32(dev->bus, FFTCONV_BANK, v)))
        dev->bank = v;
    return rc;
}

/* The end of a run: on the interrupt where the bus has one (bounded), then STATUS. */
static int wait_run(fftconv_dev_t *dev, fftconv_result_t *res)
{
    if (bus_has_irq(dev->bus)) {
        uint64_t bound = 4 * fftconv_dev_cycles(dev) + 4096;
        int rc = bus_wait_irq(dev->bus, (uint32_t)(bound < UINT32_MAX ? bound : UINT32_MAX),
                              "fftconv: DONE interrupt of a channel");
        if (rc)
            return rc;
    }
    return fftconv_wait(dev, res);
}

int fftconv_run_channels(fftconv_dev_t *dev, unsigned h, const unsigned *slots, const int16_t *u,
                         int16_t *y, fftconv_result_t *res)
{
    return fftconv_stream_channels(dev, h, slots, NULL, NULL, u, y, res);
}

int fftconv_stream_channels(fftconv_dev_t *dev, unsigned h, const unsigned *slots,
                            const uint32_t *const *kwords, const unsigned *kexp, const int16_t *u,
                            int16_t *y, fftconv_result_t *res)
{
    if (h == 0 || !u || !y || (kwords && !kexp))
        return nc_err_set(NC_ERR_ARG, "fftconv: %u channels, expected at least 1 with input and "
                          "output (and exponents with kernels)", h);
#define SLOT(ch) (slots ? slots[(ch)] : (ch))
#define KW(ch) (kwords ? kwords[(ch)] : NULL)
    for (unsigned ch = 0; ch < h; ch++) {
        char what[48];
        snprintf(what, sizeof what, "channel %u", ch);
        int rc = slot_check(dev, SLOT(ch), what);
        if (rc)
            return rc;
        bool given = false; /* a kernel loaded by this stream before channel ch runs */
        for (unsigned e = 0; e <= ch && !given; e++)
            given = KW(e) && SLOT(e) == SLOT(ch);
        if (!given && !fftconv_slot_loaded(dev, SLOT(ch)))
            return nc_err_set(NC_ERR_ARG, "fftconv: channel %u: slot %u holds no kernel spectrum "
                              "for the configured block (Lk = %u), F = %u and mode", ch, SLOT(ch),
                              1u << dev->cfg.log2lk, dev->cfg.freq_bins);
        if (KW(ch) && kexp[ch] > FFTCONV_KEXP_MAX)
            return nc_err_set(NC_ERR_ARG, "fftconv: channel %u: KEXP = %u, expected 0..%u", ch,
                              kexp[ch], FFTCONV_KEXP_MAX);
    }
    const size_t l = (size_t)1 << dev->cfg.log2l;
    fftconv_result_t tmp;
    int rc = NC_OK;
    if (dev->banks < 2 || dev->no_overlap) {
        rc = same_bank(dev);
        for (unsigned ch = 0; !rc && ch < h; ch++) {
            rc = KW(ch) ? spectrum_to_slot(dev, SLOT(ch), KW(ch), kexp[ch]) : NC_OK;
            if (!rc)
                rc = fftconv_select_channel(dev, SLOT(ch));
            if (!rc)
                rc = fftconv_load_input(dev, u + ch * l);
            if (!rc)
                rc = fftconv_start(dev);
            if (!rc)
                rc = wait_run(dev, res ? &res[ch] : &tmp);
            if (!rc)
                rc = fftconv_read_output(dev, y + ch * l);
        }
        return rc;
    }
    /* two banks: channel ch runs in bank ch mod 2 while the host fills the other bank with
     * channel ch+1's input (and its kernel, when it goes to another slot than the running one)
     * and empties channel ch-1's output from it */
    rc = set_bank(dev, 0, 0);
    if (!rc && KW(0))
        rc = spectrum_to_slot(dev, SLOT(0), KW(0), kexp[0]);
    if (!rc)
        rc = fftconv_load_input(dev, u);
    for (unsigned ch = 0; !rc && ch < h; ch++) {
        unsigned b = ch & 1u;
        /* the next kernel goes to the running slot: it waits for the end of this run */
        bool late = ch + 1 < h && KW(ch + 1) && SLOT(ch + 1) == SLOT(ch);
        rc = fftconv_select_channel(dev, SLOT(ch));
        if (!rc)
            rc = set_bank(dev, !b, b);
        if (!rc)
            rc = fftconv_start(dev);
        if (!rc && ch + 1 < h && KW(ch + 1) && !late)
            rc = spectrum_to_slot(dev, SLOT(ch + 1), KW(ch + 1), kexp[ch + 1]);
        if (!rc && ch + 1 < h)
            rc = fftconv_load_input(dev, u + (ch + 1) * l);
        if (!rc && ch > 0)
            rc = fftconv_read_output(dev, y + (ch - 1) * l);
        if (!rc)
            rc = wait_run(dev, res ? &res[ch] : &tmp);
        if (!rc && late)
            rc = spectrum_to_slot(dev, SLOT(ch + 1), KW(ch + 1), kexp[ch + 1]);
    }
    if (!rc)
        rc = set_bank(dev, (h - 1) & 1u, (h - 1) & 1u);
    if (!rc)
        rc = fftconv_read_output(dev, y + (h - 1) * l);
    return rc;
#undef SLOT
#undef KW
}
