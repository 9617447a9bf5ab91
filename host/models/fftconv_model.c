/* fftconv_model.c - the bit-exact model of rtl/fftconv (spec: rtl/fftconv/README.md). */
#include "fftconv_model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

#define D_MAX ((1 << 23) - 1)
#define D_MIN (-(1 << 23))

/* Cycles the accelerator spends outside the stages of a run (start and finish). */
#define RUN_OVERHEAD 0u

typedef struct {
    int64_t re, im;
} cplx_t;

typedef struct {
    uint64_t sat;
} acc_t;

int fftconv_cfg_check(const fftconv_cfg_t *c, unsigned log2lmax)
{
    if (c->log2l < FFTCONV_LOG2L_MIN || c->log2l > log2lmax)
        return nc_err_set(NC_ERR_ARG, "fftconv: LOG2L = %u, expected %u..%u (L = 256..%u)",
                          c->log2l, FFTCONV_LOG2L_MIN, log2lmax, 1u << log2lmax);
    if (c->log2lk < FFTCONV_LOG2LK_MIN || c->log2lk > c->log2l)
        return nc_err_set(NC_ERR_ARG, "fftconv: LOG2LK = %u, expected %u..LOG2L (%u)",
                          c->log2lk, FFTCONV_LOG2LK_MIN, c->log2l);
    if (c->freq_bins > (1u << c->log2lk))
        return nc_err_set(NC_ERR_ARG, "fftconv: FREQ_BINS = %u, expected 0 (off) or 1..Lk (%u)",
                          c->freq_bins, 1u << c->log2lk);
    if (c->kexp > FFTCONV_KEXP_MAX)
        return nc_err_set(NC_ERR_ARG, "fftconv: KEXP = %u, expected 0..%u", c->kexp,
                          FFTCONV_KEXP_MAX);
    if (c->oshift > FFTCONV_OSHIFT_MAX)
        return nc_err_set(NC_ERR_ARG, "fftconv: OSHIFT = %u, expected 0..%u", c->oshift,
                          FFTCONV_OSHIFT_MAX);
    return NC_OK;
}

int fftconv_partial_block(uint64_t taps, unsigned log2l, unsigned *log2lk)
{
    if (log2l > 62 || taps < 1 || taps > ((uint64_t)1 << log2l))
        return nc_err_set(NC_ERR_ARG, "fftconv: partial kernel of %llu taps, expected 1..L (%llu)",
                          (unsigned long long)taps, log2l > 62 ? 0ull : 1ull << log2l);
    unsigned b = FFTCONV_LOG2LK_MIN;
    while (b < log2l && ((uint64_t)1 << b) < taps)
        b++;
    *log2lk = b < log2l ? b : log2l;
    return NC_OK;
}

void fftconv_twiddle(uint32_t k, int32_t *c, int32_t *s)
{
    const double scale = 131072.0, turn = (double)(1u << FFTCONV_TW_LOG2N);
    double angle = (2.0 * 3.141592653589793 * (double)k) / turn;
    double cv = floor(cos(angle) * scale + 0.5);
    double sv = floor(sin(angle) * scale + 0.5);
    *c = cv > FFTCONV_TW_ONE ? FFTCONV_TW_ONE : (int32_t)cv;
    *s = sv > FFTCONV_TW_ONE ? FFTCONV_TW_ONE : (int32_t)sv;
}

uint32_t fftconv_bitrev(uint32_t x, unsigned bits)
{
    uint32_t r = 0;
    for (unsigned b = 0; b < bits; b++)
        r |= ((x >> b) & 1u) << (bits - 1 - b);
    return r;
}

bool fftconv_need(unsigned s, uint32_t i, uint32_t freq_bins)
{
    if (freq_bins == 0)
        return true;
    int64_t r = fftconv_bitrev(i & ((1u << s) - 1u), s);
    return r < (int64_t)freq_bins || r > (int64_t)(1u << s) - (int64_t)freq_bins;
}

/* floor(x / 2^sh) without relying on >> of negative numbers, then round half to even. */
int64_t fftconv_round(int64_t x, unsigned sh)
{
    if (sh == 0)
        return x;
    int64_t q = x >= 0 ? x / ((int64_t)1 << sh) : -((-x - 1) / ((int64_t)1 << sh)) - 1;
    int64_t rem = x - q * ((int64_t)1 << sh);
    int64_t half = (int64_t)1 << (sh - 1);
    if (rem > half || (rem == half && (q & 1)))
        q++;
    return q;
}

static int64_t sat(acc_t *a, int64_t v, int64_t lo, int64_t hi)
{
    if (v < lo || v > hi) {
        a->sat++;
        return v < lo ? lo : hi;
    }
    return v;
}

static int64_t rnd24(acc_t *a, int64_t x, unsigned sh) { return sat(a, fftconv_round(x, sh), D_MIN, D_MAX); }

/* Forward twiddle of butterfly i at stage s of an M = 2^n point transform. */
static void stage_twiddle(unsigned n, unsigned s, uint32_t i, int64_t *c, int64_t *sn)
{
    uint32_t e = (i >> s) << s;
    int32_t ci, si;
    fftconv_twiddle(e << (FFTCONV_TW_LOG2N - n), &ci, &si);
    *c = ci;
    *sn = si;
}

/* DIF butterfly: (a+b)/2 and (a-b)*conj-rotation W = c - j s, /2. */
static void dif(acc_t *ac, cplx_t a, cplx_t b, int64_t c, int64_t s, cplx_t *o0, cplx_t *o1)
{
    int64_t dr = a.re - b.re, di = a.im - b.im;
    o0->re = rnd24(ac, a.re + b.re, 1);
    o0->im = rnd24(ac, a.im + b.im, 1);
    o1->re = rnd24(ac, dr * c + di * s, 18);
    o1->im = rnd24(ac, di * c - dr * s, 18);
}

/* DIT butterfly of the inverse: a + b*W' and a - b*W', W' = c + j s, unscaled. */
static void dit(acc_t *ac, cplx_t a, cplx_t b, int64_t c, int64_t s, cplx_t *o0, cplx_t *o1)
{
    int64_t br = b.re * c - b.im * s, bi = b.im * c + b.re * s;
    o0->re = rnd24(ac, a.re * 131072 + br, 17);
    o0->im = rnd24(ac, a.im * 131072 + bi, 17);
    o1->re = rnd24(ac, a.re * 131072 - br, 17);
    o1->im = rnd24(ac, a.im * 131072 - bi, 17);
}

static cplx_t mul_k(acc_t *ac, cplx_t a, uint32_t kw, unsigned kexp)
{
    int64_t kr = (int16_t)(kw & 0xffffu), ki = (int16_t)(kw >> 16);
    cplx_t z;
    z.re = rnd24(ac, 2 * (a.re * kr - a.im * ki), 16 - kexp);
    z.im = rnd24(ac, 2 * (a.re * ki + a.im * kr), 16 - kexp);
    return z;
}

static cplx_t from_u(int16_t v)
{
    cplx_t z = {(int64_t)v * 256, 0};
    return z;
}

/* One overlap-save block: x from u, forward, multiply, inverse, Lk outputs into y. */
static void run_block(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kspec,
                      int16_t *y, uint32_t b, cplx_t *cur, cplx_t *nxt, acc_t *ac)
{
    unsigned n = c->log2lk + 1;
    uint32_t half = 1u << c->log2lk, lk = half;
    const uint32_t f = c->freq_bins;
    for (unsigned s = 0; s < n; s++) {
        for (uint32_t i = 0; i < half; i++) {
            if (!fftconv_need(s, i, f))
                continue;
            cplx_t a, bb;
            if (s == 0) {
                cplx_t z = {0, 0};
                a = b == 0 ? z : from_u(u[(b - 1) * lk + i]);
                bb = from_u(u[b * lk + i]);
            } else {
                a = cur[i];
                bb = cur[i + half];
            }
            int64_t tc, ts;
            stage_twiddle(n, s, i, &tc, &ts);
            dif(ac, a, bb, tc, ts, &nxt[2 * i], &nxt[2 * i + 1]);
        }
        cplx_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    for (unsigned t = 0; t < n; t++) {
        unsigned s = n - 1 - t;
        for (uint32_t i = 0; i < half; i++) {
            cplx_t o0 = {0, 0}, o1 = {0, 0};
            if (fftconv_need(s, i, f)) {
                cplx_t a = cur[2 * i], bb = cur[2 * i + 1];
                if (t == 0) {
                    a = mul_k(ac, a, kspec[2 * i], c->kexp);
                    bb = mul_k(ac, bb, kspec[2 * i + 1], c->kexp);
                }
                int64_t tc, ts;
                stage_twiddle(n, s, i, &tc, &ts);
                dit(ac, a, bb, tc, ts, &o0, &o1);
            }
            nxt[i] = o0;
            nxt[i + half] = o1;
            if (t == n - 1) {
                int64_t uu = u[b * lk + i];
                int64_t acc = o1.re * 128 + (int64_t)c->d * uu;
                y[b * lk + i] = (int16_t)sat(ac, fftconv_round(acc, 15 - c->oshift), -32768, 32767);
            }
        }
        cplx_t *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
}

int fftconv_model_run(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kspec,
                      int16_t *y, uint64_t *sat_out)
{
    int rc = fftconv_cfg_check(c, FFTCONV_LOG2L_MAX_SPEC);
    if (rc)
        return rc;
    uint32_t m = fftconv_m(c);
    cplx_t *buf = calloc(2 * (size_t)m, sizeof *buf);
    if (!buf)
        return nc_err_set(NC_ERR_NOMEM, "fftconv model: no memory for 2 x %u words", m);
    acc_t ac = {0};
    uint32_t blocks = 1u << (c->log2l - c->log2lk);
    for (uint32_t b = 0; b < blocks; b++)
        run_block(c, u, kspec, y, b, buf, buf + m, &ac);
    free(buf);
    if (sat_out)
        *sat_out = ac.sat;
    return NC_OK;
}

/* ---- Real-input packing (README, "Real-input packing"). The M = 2 Lk real points x form
 * Mh = Lk complex points z[n] = x[2n] + j x[2n+1]; an Mh-point DIF transform gives
 * Zs = DFT(z)/Mh (bit-reversed); one fused pass splits Zs into the real spectrum X = DFT(x)/M,
 * multiplies by K and merges Y back into V' (an Mh-point spectrum); an unscaled Mh-point DIT
 * inverse gives v[n] = y[2n] + j y[2n+1]. */

/* Twiddle W_M^k = c - j s of the M = 2^(nh+1) point real transform, k < M/2. */
static void real_twiddle(unsigned nh, uint32_t k, int64_t *c, int64_t *s)
{
    int32_t ci, si;
    fftconv_twiddle(k << (FFTCONV_TW_LOG2N - (nh + 1)), &ci, &si);
    *c = ci;
    *s = si;
}

/* Split: X[k] = (A - j W_M^k B) / 4 with A = Zs[k] + conj Zs[m], B = Zs[k] - conj Zs[m]
 * (m = Mh - k); (-j)(c - j s) = -s - j c; one rounding by 2^19. */
static cplx_t split_x(acc_t *ac, cplx_t a, cplx_t b, int64_t c, int64_t s)
{
    int64_t ar = a.re + b.re, ai = a.im - b.im, br = a.re - b.re, bi = a.im + b.im;
    cplx_t x;
    x.re = rnd24(ac, ar * 131072 + c * bi - s * br, 19);
    x.im = rnd24(ac, ai * 131072 - c * br - s * bi, 19);
    return x;
}

/* Merge: V'[k] = (Y[k] + conj Y[m]) + j W_M^-k (Y[k] - conj Y[m]); j (c + j s) = -s + j c;
 * one rounding by 2^17. */
static cplx_t merge_v(acc_t *ac, cplx_t ya, cplx_t yb, int64_t c, int64_t s)
{
    int64_t sr = ya.re + yb.re, si = ya.im - yb.im, dr = ya.re - yb.re, di = ya.im + yb.im;
    cplx_t v;
    v.re = rnd24(ac, sr * 131072 - s * dr - c * di, 17);
    v.im = rnd24(ac, si * 131072 + c * dr - s * di, 17);
    return v;
}

static cplx_t mul_kr(acc_t *ac, cplx_t a, uint32_t kw16, unsigned kexp)
{
    return mul_k(ac, a, kw16 & 0xffffu, kexp); /* a real kernel bin: imaginary part 0 */
}

static cplx_t from_u2(int16_t re, int16_t im)
{
    cplx_t z = {(int64_t)re * 256, (int64_t)im * 256};
    return z;
}

static void run_block_packed(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kp,
                             int16_t *y, uint32_t b, cplx_t *cur, cplx_t *nxt, acc_t *ac)
{
    const unsigned nh = c->log2lk;      /* stages of the Mh-point transforms */
    const uint32_t mh = 1u << nh, qh = mh / 2, lk = mh, f = c->freq_bins;
    for (unsigned s = 0; s < nh; s++) {
        for (uint32_t i = 0; i < qh; i++) {
            if (!fftconv_need(s, i, f))
                continue;
            cplx_t a, bb;
            if (s == 0) {
                cplx_t z = {0, 0};
                a = b == 0 ? z : from_u2(u[(b - 1) * lk + 2 * i], u[(b - 1) * lk + 2 * i + 1]);
                bb = from_u2(u[b * lk + 2 * i], u[b * lk + 2 * i + 1]);
            } else {
                a = cur[i];
                bb = cur[i + qh];
            }
            int64_t tc, ts;
            stage_twiddle(nh, s, i, &tc, &ts);
            dif(ac, a, bb, tc, ts, &nxt[2 * i], &nxt[2 * i + 1]);
        }
        cplx_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    /* The fused pass: slot 0 handles bins 0, Mh (both real) and Mh/2; slot j the pair j, Mh-j.
     * Frequency-sparse: a pair with neither bin below F is zero (skipped, counts nothing). */
    const cplx_t zero = {0, 0};
    for (uint32_t j = 0; j < qh; j++) {
        int64_t tc, ts, mc, ms;
        if (j == 0) {
            cplx_t z0 = cur[0], x0 = {0, 0}, xn = {0, 0};
            x0.re = rnd24(ac, z0.re + z0.im, 1);
            xn.re = rnd24(ac, z0.re - z0.im, 1);
            cplx_t y0 = mul_kr(ac, x0, kp[0], c->kexp), yn = mul_kr(ac, xn, kp[0] >> 16, c->kexp);
            real_twiddle(nh, 0, &tc, &ts);
            nxt[0] = merge_v(ac, y0, yn, tc, ts);
            uint32_t pq = fftconv_bitrev(qh, nh);
            if (f && qh >= f) {
                nxt[pq] = zero;
                continue;
            }
            real_twiddle(nh, qh, &tc, &ts);
            cplx_t xq = split_x(ac, cur[pq], cur[pq], tc, ts);
            cplx_t yq = mul_k(ac, xq, kp[qh], c->kexp);
            nxt[pq] = merge_v(ac, yq, yq, tc, ts);
        } else {
            uint32_t k = j, m = mh - j, pk = fftconv_bitrev(k, nh), pm = fftconv_bitrev(m, nh);
            if (f && k >= f && m >= f) {
                nxt[pk] = nxt[pm] = zero;
                continue;
            }
            real_twiddle(nh, k, &tc, &ts);
            real_twiddle(nh, m, &mc, &ms);
            cplx_t xk = split_x(ac, cur[pk], cur[pm], tc, ts);
            cplx_t xm = split_x(ac, cur[pm], cur[pk], mc, ms);
            cplx_t yk = mul_k(ac, xk, kp[k], c->kexp), ym = mul_k(ac, xm, kp[m], c->kexp);
            nxt[pk] = merge_v(ac, yk, ym, tc, ts);
            nxt[pm] = merge_v(ac, ym, yk, mc, ms);
        }
    }
    {
        cplx_t *t = cur;
        cur = nxt;
        nxt = t;
    }
    for (unsigned t = 0; t < nh; t++) {
        unsigned s = nh - 1 - t;
        for (uint32_t i = 0; i < qh; i++) {
            cplx_t o0 = zero, o1 = zero;
            int64_t tc, ts;
            if (fftconv_need(s, i, f)) {
                stage_twiddle(nh, s, i, &tc, &ts);
                dit(ac, cur[2 * i], cur[2 * i + 1], tc, ts, &o0, &o1);
            }
            nxt[i] = o0;
            nxt[i + qh] = o1;
            if (t == nh - 1) {
                for (unsigned h = 0; h < 2; h++) {
                    uint32_t o = b * lk + 2 * i + h;
                    int64_t acc = (h ? o1.im : o1.re) * 128 + (int64_t)c->d * u[o];
                    y[o] = (int16_t)sat(ac, fftconv_round(acc, 15 - c->oshift), -32768, 32767);
                }
            }
        }
        cplx_t *tmp = cur;
        cur = nxt;
        nxt = tmp;
    }
}

int fftconv_kspec_pack(const uint32_t *kspec, unsigned log2lk, uint32_t *packed)
{
    if (log2lk < FFTCONV_LOG2LK_MIN || log2lk > FFTCONV_LOG2L_MAX_SPEC)
        return nc_err_set(NC_ERR_ARG, "fftconv_kspec_pack: LOG2LK = %u, expected %u..%u", log2lk,
                          FFTCONV_LOG2LK_MIN, FFTCONV_LOG2L_MAX_SPEC);
    const unsigned n = log2lk + 1;
    const uint32_t mh = 1u << log2lk;
    packed[0] = (kspec[0] & 0xffffu) | (kspec[fftconv_bitrev(mh, n)] << 16);
    for (uint32_t k = 1; k < mh; k++)
        packed[k] = kspec[fftconv_bitrev(k, n)];
    return NC_OK;
}

int fftconv_model_run_packed(const fftconv_cfg_t *c, const int16_t *u, const uint32_t *kpacked,
                             int16_t *y, uint64_t *sat_out)
{
    int rc = fftconv_cfg_check(c, FFTCONV_LOG2L_MAX_SPEC);
    if (rc)
        return rc;
    uint32_t mh = 1u << c->log2lk;
    cplx_t *buf = calloc(2 * (size_t)mh, sizeof *buf);
    if (!buf)
        return nc_err_set(NC_ERR_NOMEM, "fftconv model: no memory for 2 x %u words", mh);
    acc_t ac = {0};
    uint32_t blocks = 1u << (c->log2l - c->log2lk);
    for (uint32_t b = 0; b < blocks; b++)
        run_block_packed(c, u, kpacked, y, b, buf, buf + mh, &ac);
    free(buf);
    if (sat_out)
        *sat_out = ac.sat;
    return NC_OK;
}

/* Cycles of one stage with p lanes: the cycles in which at least one lane is needed. The
 * lanes of a cycle hold residues r0 + q*2^(s-log2 p); see the README for the derivation. */
static uint64_t stage_cycles(unsigned n, unsigned s, uint32_t f, unsigned log2p)
{
    uint64_t h = (uint64_t)1 << (n - 1 - log2p); /* cycles of a full stage */
    if (f == 0 || s <= log2p)
        return h;
    uint64_t rr = (uint64_t)1 << (s - log2p); /* residue values per lane */
    uint64_t live = 2 * (uint64_t)f - 1 < rr ? 2 * (uint64_t)f - 1 : rr;
    return (h / rr) * live;
}

/* Issues of one block: every stage's issued cycles (the fused pass: min(F, H) frequency-sparse). */
static uint64_t block_issues(const fftconv_cfg_t *c, unsigned log2p, bool packed)
{
    const unsigned n = packed ? c->log2lk : c->log2lk + 1;
    uint64_t h = (uint64_t)1 << (n - 1 - log2p), per_block = 0;
    if (packed)
        per_block = c->freq_bins && c->freq_bins < h ? c->freq_bins : h;
    for (unsigned s = 0; s < n; s++)
        per_block += 2 * stage_cycles(n, s, c->freq_bins, log2p);
    return per_block;
}

/* One issue of the sequencer: the rows it reads and writes (README, "Pipeline"). */
typedef struct {
    uint64_t t;        /* issue cycle                                   */
    uint32_t wx, wy;   /* rows written (work buffer wbuf), if wr        */
    unsigned wbuf;
    bool wr;
} issue_t;

/* Replays the issue order of README "Pipeline" (stages in order, each stage's cycles in the
 * order given there) and holds an issue back until every row it reads that one of the last
 * FFTCONV_PIPE_DEPTH issues writes (same work buffer) is written: an issue in cycle t writes
 * at the end of cycle t + FFTCONV_PIPE_DEPTH, which a read issued in cycle t + DEPTH + 1 sees.
 * Returns the stall cycles; *issues gets the number of issues. */
static uint64_t sched_stalls(const fftconv_cfg_t *c, unsigned log2p, bool packed, uint64_t *issues)
{
    const unsigned n = packed ? c->log2lk : c->log2lk + 1;
    const unsigned lgh = n - 1 - log2p, g_last = 2 * n - 1 + (packed ? 1 : 0);
    const uint32_t h = 1u << lgh, f = c->freq_bins;
    const uint64_t blocks = (uint64_t)1 << (c->log2l - c->log2lk);
    issue_t last[FFTCONV_PIPE_DEPTH] = {{0}};
    unsigned nlast = 0, head = 0;
    uint64_t t = 0, stalls = 0, count = 0;
    for (uint64_t b = 0; b < blocks; b++) {
        for (unsigned g = 0; g <= g_last; g++) {
            bool fwd = g < n, fused = packed && g == n;
            unsigned s = fwd ? g : g_last - g;
            bool sparse = f && !fused && s > log2p && 2 * (uint64_t)f - 1 < ((uint64_t)1 << (s - log2p));
            unsigned lgt = n - 1 - s, lgr = s - log2p;
            uint64_t total = sparse ? (2 * (uint64_t)f - 1) << lgt : fused && f && f < h ? f : h;
            for (uint64_t k = 0; k < total; k++) {
                uint32_t cc = (uint32_t)k;
                if (sparse) { /* residue-major: residue index k >> lgt, then k mod 2^lgt */
                    uint64_t kres = k >> lgt, tt = k & (((uint64_t)1 << lgt) - 1);
                    uint64_t r0 = kres < f ? kres : kres + ((uint64_t)1 << lgr) - 2 * (uint64_t)f + 1;
                    cc = (uint32_t)((tt << lgr) | fftconv_bitrev((uint32_t)r0, lgr));
                }
                uint32_t ra, rb, wx, wy;
                if (fused) {
                    ra = wx = fftconv_bitrev(cc, lgh + 1);
                    rb = wy = fftconv_bitrev(cc == 0 ? h : 2 * h - cc, lgh + 1);
                } else if (fwd) {
                    ra = cc; rb = cc + h; wx = 2 * cc; wy = 2 * cc + 1;
                } else {
                    ra = 2 * cc; rb = 2 * cc + 1; wx = cc; wy = cc + h;
                }
                uint64_t ti = t;
                if (g != 0) /* stage 0 reads U only; stage g reads buffer (g - 1) mod 2 */
                    for (unsigned j = 0; j < nlast; j++) {
                        const issue_t *o = &last[j];
                        if (o->wr && o->wbuf == ((g + 1) & 1u) &&
                            (o->wx == ra || o->wx == rb || o->wy == ra || o->wy == rb) &&
                            o->t + FFTCONV_PIPE_DEPTH + 1 > ti)
                            ti = o->t + FFTCONV_PIPE_DEPTH + 1;
                    }
                stalls += ti - t;
                last[head] = (issue_t){.t = ti, .wx = wx, .wy = wy, .wbuf = g & 1u, .wr = g != g_last};
                head = (head + 1) % FFTCONV_PIPE_DEPTH;
                if (nlast < FFTCONV_PIPE_DEPTH)
                    nlast++;
                t = ti + 1;
                count++;
            }
        }
    }
    *issues = count;
    return stalls;
}

static uint64_t sched_cycles(const fftconv_cfg_t *c, unsigned p, bool packed, uint64_t *stalls)
{
    fftconv_cfg_t chk = *c;
    chk.kexp = 0;
    chk.oshift = 0;
    if (stalls)
        *stalls = 0;
    if (fftconv_cfg_check(&chk, FFTCONV_LOG2L_MAX_SPEC) != NC_OK || (p != 1 && p != 2 && p != 4))
        return 0; /* no schedule for an illegal configuration */
    unsigned log2p = p == 4 ? 2 : p == 2 ? 1 : 0;
    uint64_t issues = 0, st = sched_stalls(c, log2p, packed, &issues);
    if (stalls)
        *stalls = st;
    return RUN_OVERHEAD + issues + st + FFTCONV_PIPE_DEPTH;
}

uint64_t fftconv_model_issues(const fftconv_cfg_t *c, unsigned p, bool packed)
{
    unsigned log2p = p == 4 ? 2 : p == 2 ? 1 : 0;
    return block_issues(c, log2p, packed) << (c->log2l - c->log2lk);
}

uint64_t fftconv_model_stalls(const fftconv_cfg_t *c, unsigned p, bool packed)
{
    uint64_t st = 0;
    sched_cycles(c, p, packed, &st);
    return st;
}

uint64_t fftconv_model_cycles_packed(const fftconv_cfg_t *c, unsigned p)
{
    return sched_cycles(c, p, true, NULL);
}

uint64_t fftconv_model_cycles(const fftconv_cfg_t *c, unsigned p)
{
    return sched_cycles(c, p, false, NULL);
}

double fftconv_cycle_bound(unsigned log2l, unsigned p)
{
    double n = (double)(2u << log2l);
    return n * (log2l + 2) / p;
}

int fftconv_model_run_channels(const fftconv_cfg_t *c, bool packed, unsigned h, const int16_t *u,
                               const uint32_t *const *kwords, const unsigned *kexp, int16_t *y,
                               uint64_t *sat)
{
    if (h == 0 || !kwords || !kexp)
        return nc_err_set(NC_ERR_ARG, "fftconv model: %u channels, expected at least 1 with a "
                          "kernel and an exponent each", h);
    size_t l = (size_t)1 << c->log2l;
    for (unsigned ch = 0; ch < h; ch++) {
        if (!kwords[ch])
            return nc_err_set(NC_ERR_ARG, "fftconv model: channel %u has no kernel", ch);
        fftconv_cfg_t cc = *c;
        cc.kexp = kexp[ch];
        uint64_t s = 0;
        int rc = packed ? fftconv_model_run_packed(&cc, u + ch * l, kwords[ch], y + ch * l, &s)
                        : fftconv_model_run(&cc, u + ch * l, kwords[ch], y + ch * l, &s);
        if (rc)
            return rc;
        if (sat)
            sat[ch] = s;
    }
    return NC_OK;
}

uint64_t fftconv_model_cycles_channels(const fftconv_cfg_t *c, bool packed, unsigned p, unsigned h)
{
    return h * (packed ? fftconv_model_cycles_packed(c, p) : fftconv_model_cycles(c, p));
}
