/*
 * bench_fftconv.c - figures for the FFT-convolution accelerator (make bench):
 *   1. cycles per dense convolution / the bound N(log2 N + 1)/P, N = 2L, L = 1K..64K, P = 1, 2, 4
 *      (measured on the RTL; the run is also checked against the bit-exact model);
 *   2. partial and frequency-sparse cycles / dense cycles;
 *   3. co-simulation throughput: simulated cycles per second of a whole driver-level
 *      convolution (loads, bounded polls, read-back) / a bare Verilator loop stepping the same
 *      model through the same run, measured in this process; and the same for the computing
 *      part alone (START and the driver's poll loop), where both simulate identical activity;
 *   4. peak RSS of a co-simulation at L = 65536 (RTL + model + FFTW reference) / 1 GiB;
 *   5. real-input packing (MODE.PACKED): the RTL's packed cycles (checked against the packed
 *      model on every sample and against its schedule) / the unpacked schedule (which the
 *      RTL's unpacked CYCLES equals, section 1) and / the bound, with the RTL's SQNR against
 *      FFTW; partial packed cycles / packed dense;
 *   6. many channels in one job (fftconv_c2: 64 kernel slots, two U/Y banks), L = 4096, P = 2,
 *      H = 1, 8, 64: simulated cycles per channel including the host's bus traffic, of the
 *      H-channel job (each kernel and input loaded while the channel before runs) against H
 *      single-channel jobs one after another (each loads its kernel, its input, runs, reads its
 *      output); the stream with the kernels resident (overlapped, and one bank at a time)
 *      against the accelerator's own cycles per channel (CYCLES). Every channel is checked
 *      against the model (and its STALLS); all variants' outputs must be equal;
 *   7. LMAX = 2^20 (fftconv_m1, when this build has it: make bench and make verify Verilate it):
 *      a full-length packed L = 2^20 job on the RTL against the model and FFTW: cycles, / bound,
 *      STALLS, SQNR; the unpacked schedule's cycles from the model.
 *   Sections 1 and 5 also print the pipeline's STALLS (equal to the model's) and the cycles /
 *   bound of the schedule before the pipelined datapath (one drain cycle after every pass).
 * Not pass/fail on the figures; exits 1 if a run fails or the RTL disagrees with the model.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "fftconv_cosim.h"
#include "fftconv_drv.h"
#include "fftconv_model.h"
#include "fftconv_ref.h"
#include "fftconv_regs.h"
#include "fftconv_signals.h"
#include "nc_error.h"
#include "nc_util.h"
#include "vmodel.h"

static int broken;

/* CPU seconds of this thread: the throughput ratios compare work done by this process, so
 * other jobs on a shared machine do not skew them the way wall-clock time would. */
static double cpu_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One co-simulated convolution on noise with a unit-gain kernel, packed or not. */
static int cosim_mode(unsigned p, unsigned log2l, unsigned log2lk, uint32_t f, bool packed,
                      fftconv_outcome_t *o)
{
    size_t l = (size_t)1 << log2l;
    int16_t *u = malloc(l * 2), *k = calloc(l, 2);
    nc_rng_t r;
    nc_rng_seed(&r, 7 + log2l);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    fftconv_make_kernel(&r, (size_t)1 << log2lk, 1.0, k);
    fftconv_job_t job = {p, {log2l, log2lk, f, 0, 0, 0}, u, k, NULL, NULL, NULL};
    int rc = fftconv_cosim_run_mode(&job, packed, o);
    if (rc || o->mismatches || o->cycles != o->cycles_model || o->stalls != o->stalls_model) {
        fprintf(stderr, "BROKEN: P=%u L=%zu Lk=%u F=%u%s: %s (%zu mismatches, CYCLES %u, "
                "schedule %u, STALLS %u, schedule %u)\n", p, l, 1u << log2lk, f,
                packed ? " packed" : "", rc ? nc_err_msg() : "ok", rc ? 0 : o->mismatches,
                rc ? 0 : o->cycles, rc ? 0 : o->cycles_model, rc ? 0 : o->stalls,
                rc ? 0 : o->stalls_model);
        broken = 1;
        rc = rc ? rc : NC_ERR_MISMATCH;
    }
    free(u), free(k);
    return rc;
}

/* The schedule before the pipelined datapath: every pass issued, then one drain cycle. */
static uint64_t cycles_before(const fftconv_cfg_t *c, unsigned p, bool packed)
{
    uint64_t passes = packed ? 2u * c->log2lk + 1 : 2u * (c->log2lk + 1);
    return fftconv_model_issues(c, p, packed) + (passes << (c->log2l - c->log2lk));
}

static int cosim(unsigned p, unsigned log2l, unsigned log2lk, uint32_t f, fftconv_outcome_t *o)
{
    return cosim_mode(p, log2l, log2lk, f, false, o);
}

static void bench_bound(void)
{
    printf("\n1. dense cycles / bound N(log2 N + 1)/P (N = 2L); target <= 1.10; per P: cycles, "
           "/ bound, STALLS, / bound before the pipelined datapath\n");
    printf("   %-8s %26s %26s %26s\n", "L", "P=1", "P=2", "P=4");
    const unsigned sizes[] = {10, 12, 14, 16};
    for (size_t i = 0; i < 4; i++) {
        printf("   %-8u", 1u << sizes[i]);
        for (unsigned p = 1; p <= 4; p *= 2) {
            fftconv_outcome_t o;
            fftconv_cfg_t c = {sizes[i], sizes[i], 0, 0, 0, 0};
            if (cosim(p, sizes[i], sizes[i], 0, &o) == NC_OK)
                printf(" %8u %5.3f %3u %5.3f", o.cycles, o.bound_ratio, o.stalls,
                       cycles_before(&c, p, false) / fftconv_cycle_bound(sizes[i], p));
            else
                printf(" %26s", "FAILED");
            fftconv_outcome_free(&o);
        }
        printf("\n");
    }
}

static void bench_modes(void)
{
    printf("\n2. partial and frequency-sparse cycles / dense cycles (P = 2)\n");
    const unsigned sizes[] = {12, 14};
    for (size_t i = 0; i < 2; i++) {
        unsigned lg = sizes[i];
        fftconv_outcome_t d, o;
        if (cosim(2, lg, lg, 0, &d))
            continue;
        const struct { unsigned lk; uint32_t f; } m[] = {
            {lg - 4, 0}, {lg - 2, 0}, {lg, 1u << (lg - 6)}, {lg, 1u << (lg - 3)}, {lg - 2, 16}};
        for (size_t j = 0; j < NC_ARRAY_LEN(m); j++) {
            if (cosim(2, lg, m[j].lk, m[j].f, &o) == NC_OK)
                printf("   L=%-6u Lk=%-6u F=%-5u cycles %8u  / dense %8u = %.3f   SQNR %.1f dB\n",
                       1u << lg, 1u << m[j].lk, m[j].f, o.cycles, d.cycles,
                       (double)o.cycles / d.cycles, o.sqnr_db);
            fftconv_outcome_free(&o);
        }
        fftconv_outcome_free(&d);
    }
}

/* Driver-level: a whole convolution through fftconv_run. Bare: the same model started by two
 * register writes, then vmodel_step for exactly the cycles of the run. */
static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double median(double *v, size_t n)
{
    qsort(v, n, sizeof *v, cmp_double);
    return v[n / 2];
}

/* Each repetition measures the driver and the bare loop back to back and keeps their ratio;
 * the median of the ratios is printed. */
static void bench_throughput(unsigned p, unsigned log2l)
{
    size_t l = (size_t)1 << log2l;
    char name[32];
    snprintf(name, sizeof name, "fftconv_p%u", p);
    vmodel_t *m = vmodel_open_name(name);
    fftconv_dev_t dev;
    int16_t *u = malloc(l * 2), *k = malloc(l * 2), *y = malloc(l * 2);
    nc_rng_t r;
    nc_rng_seed(&r, 99);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    fftconv_make_kernel(&r, l, 1.0, k);
    fftconv_cfg_t c = {log2l, log2l, 0, 0, 0, 0};
    fftconv_result_t res;
    int rc = !m ? NC_ERR_ARG : fftconv_open(vmodel_bus(m), &dev);
    if (!rc)
        rc = fftconv_configure(&dev, &c);
    if (!rc)
        rc = fftconv_load_kernel(&dev, k, l);
    enum { REPS = 7 };
    double r_drv[REPS], r_wait[REPS], bare_rate[REPS];
    for (int rep = 0; !rc && rep < REPS; rep++) {
        uint64_t c0 = vmodel_cycles(m);
        double t0 = cpu_s();
        rc = fftconv_run(&dev, u, y, &res);
        double t1 = cpu_s();
        uint64_t drv_cycles = vmodel_cycles(m) - c0;
        /* the computing part alone: START, then the driver's bounded poll loop */
        if (!rc)
            rc = fftconv_start(&dev);
        uint64_t c1 = vmodel_cycles(m);
        double tw0 = cpu_s();
        if (!rc)
            rc = fftconv_wait(&dev, &res);
        double tw1 = cpu_s();
        uint64_t wait_cycles = vmodel_cycles(m) - c1;
        /* the bare loop: the same run, started by one write, stepped without any bus access */
        if (!rc)
            rc = bus_write32(vmodel_bus(m), FFTCONV_CTRL, FFTCONV_CTRL_START_MASK);
        double t2 = cpu_s();
        vmodel_step(m, res.cycles);
        double t3 = cpu_s();
        bare_rate[rep] = res.cycles / (t3 - t2);
        r_drv[rep] = drv_cycles / (t1 - t0) / bare_rate[rep];
        r_wait[rep] = wait_cycles / (tw1 - tw0) / bare_rate[rep];
        if (rep == 0)
            printf("   %s L=%zu: driver run %llu cycles (%u computing, the rest loads, polls, "
                   "read-back)\n", name, l, (unsigned long long)drv_cycles, res.cycles);
    }
    if (rc) {
        fprintf(stderr, "BROKEN: throughput run: %s\n", nc_err_msg());
        broken = 1;
    } else {
        double bare = median(bare_rate, REPS);
        printf("   %s L=%zu: bare loop %.2f Mcycles/s; driver-level / bare %.3f (target >= 0.90); "
               "computing part (START + bounded polls) / bare %.3f\n", name, l, bare / 1e6,
               median(r_drv, REPS), median(r_wait, REPS));
    }
    vmodel_close(m);
    free(u), free(k), free(y);
}

static void bench_rss(void)
{
    fftconv_outcome_t o;
    if (cosim(4, 16, 16, 0, &o) == NC_OK)
        printf("\n4. peak RSS after an L=65536 co-simulation (RTL + model + FFTW): %.1f MiB = "
               "%.3f of 1 GiB (target < 1)\n   (SQNR %.1f dB, %u cycles)\n",
               nc_peak_rss_bytes() / 1048576.0, nc_peak_rss_bytes() / 1073741824.0, o.sqnr_db,
               o.cycles);
    fftconv_outcome_free(&o);
}

static void bench_packed(void)
{
    printf("\n5. real-input packing on the RTL (MODE.PACKED, equal to the packed model on every "
           "sample): dense cycles, packed / unpacked, packed / bound (goal <= 0.55), STALLS, "
           "packed / bound before the pipelined datapath, SQNR vs FFTW\n");
    printf("   %-7s %-3s %10s %10s %9s %9s %7s %9s %9s\n", "L", "P", "unpacked", "packed", "/unpack",
           "/bound", "stalls", "before", "SQNR dB");
    for (unsigned lg = 10; lg <= 16; lg += 2)
        for (unsigned p = 1; p <= 4; p *= 2) {
            fftconv_cfg_t c = {lg, lg, 0, 0, 0, 0};
            uint64_t un = fftconv_model_cycles(&c, p);
            fftconv_outcome_t o;
            if (cosim_mode(p, lg, lg, 0, true, &o) == NC_OK)
                printf("   %-7u %-3u %10llu %10u %9.3f %9.3f %7u %9.3f %9.1f\n", 1u << lg, p,
                       (unsigned long long)un, o.cycles, (double)o.cycles / un, o.bound_ratio,
                       o.stalls, cycles_before(&c, p, true) / fftconv_cycle_bound(lg, p), o.sqnr_db);
            else
                printf("   %-7u %-3u FAILED\n", 1u << lg, p);
            fftconv_outcome_free(&o);
        }
    fftconv_outcome_t op = {0}, od = {0};
    if (cosim_mode(2, 12, 8, 0, true, &op) == NC_OK && cosim_mode(2, 12, 12, 0, true, &od) == NC_OK) {
        fftconv_cfg_t pc = {12, 8, 0, 0, 0, 0}, dc = {12, 12, 0, 0, 0, 0};
        printf("   partial L=4096 Lk=256, P=2: packed %u / packed dense %u = %.3f (unpacked %.3f); "
               "SQNR %.1f dB\n", op.cycles, od.cycles, (double)op.cycles / od.cycles,
               (double)fftconv_model_cycles(&pc, 2) / fftconv_model_cycles(&dc, 2), op.sqnr_db);
    }
    fftconv_outcome_free(&op);
    fftconv_outcome_free(&od);
    /* frequency-sparse packed: the forward and inverse passes pruned, the fused pass in full */
    static const struct { unsigned log2l, log2lk; uint32_t f; } sp[] = {{12, 12, 64}, {12, 12, 512},
                                                                        {14, 12, 16}};
    for (size_t i = 0; i < sizeof sp / sizeof sp[0]; i++) {
        fftconv_outcome_t os;
        fftconv_cfg_t dc = {sp[i].log2l, sp[i].log2l, 0, 0, 0, 0};
        fftconv_cfg_t uc = {sp[i].log2l, sp[i].log2lk, sp[i].f, 0, 0, 0};
        if (cosim_mode(2, sp[i].log2l, sp[i].log2lk, sp[i].f, true, &os) == NC_OK)
            printf("   sparse L=%u Lk=%u F=%u, P=2: packed %u / packed dense %llu = %.3f (unpacked "
                   "%.3f); SQNR %.1f dB\n", 1u << sp[i].log2l, 1u << sp[i].log2lk, sp[i].f,
                   os.cycles, (unsigned long long)fftconv_model_cycles_packed(&dc, 2),
                   (double)os.cycles / fftconv_model_cycles_packed(&dc, 2),
                   (double)fftconv_model_cycles(&uc, 2) / fftconv_model_cycles(&dc, 2), os.sqnr_db);
        fftconv_outcome_free(&os);
    }
}

static void bench_m1(void)
{
    vmodel_t *m = vmodel_open_name("fftconv_m1");
    if (!m) {
        printf("\n7. LMAX = 2^20: fftconv_m1 is not in this build (make bench and make verify build it)\n");
        return;
    }
    const size_t l = (size_t)1 << 20;
    int16_t *u = malloc(l * 2), *k = malloc(l * 2);
    nc_rng_t r;
    nc_rng_seed(&r, 7 + 20);
    fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, l);
    fftconv_make_kernel(&r, l, 1.0, k);
    fftconv_job_t job = {4, {20, 20, 0, 0, 0, 0}, u, k, NULL, vmodel_bus(m), m};
    fftconv_outcome_t o;
    double t0 = nc_now_s();
    int rc = fftconv_cosim_run_mode(&job, true, &o);
    fftconv_cfg_t c = {20, 20, 0, 0, 0, 0};
    if (rc || o.mismatches || o.cycles != o.cycles_model || o.stalls != o.stalls_model) {
        fprintf(stderr, "BROKEN: fftconv_m1 L=2^20 packed: %s (%zu mismatches, CYCLES %u, schedule %u)\n",
                rc ? nc_err_msg() : "ok", rc ? 0 : o.mismatches, rc ? 0 : o.cycles,
                rc ? 0 : o.cycles_model);
        broken = 1;
    } else {
        printf("\n7. LMAX = 2^20 (fftconv_m1, P = 4), L = 1048576 dense, equal to the model on every "
               "sample: packed %u cycles = %.3f of the bound, %u stalls, SQNR %.1f dB vs FFTW "
               "(%.0f s); unpacked schedule %llu cycles = %.3f of the bound\n", o.cycles,
               o.bound_ratio, o.stalls, o.sqnr_db, nc_now_s() - t0,
               (unsigned long long)fftconv_model_cycles(&c, 4),
               fftconv_model_cycles(&c, 4) / fftconv_cycle_bound(20, 4));
    }
    fftconv_outcome_free(&o);
    vmodel_close(m);
    free(u), free(k);
}


/* H single-channel jobs one after another on the same build (slot 0, one bank at a time, the
 * same DONE wait as the channel stream): simulated cycles, outputs into y. */
static int single_jobs(unsigned h, unsigned log2l, bool packed, const int16_t *u, const int16_t *k,
                       int16_t *y, uint64_t *sim)
{
    const size_t l = (size_t)1 << log2l;
    vmodel_t *m = vmodel_open_name("fftconv_c2");
    if (!m)
        return nc_err_status();
    fftconv_dev_t dev;
    fftconv_cfg_t c = {log2l, log2l, 0, 0, 0, 0};
    int rc = fftconv_open(vmodel_bus(m), &dev);
    if (!rc)
        rc = fftconv_set_packed(&dev, packed);
    if (!rc)
        rc = fftconv_configure(&dev, &c);
    const unsigned slot0 = 0;
    uint64_t t0 = vmodel_cycles(m);
    for (unsigned ch = 0; !rc && ch < h; ch++) {
        rc = fftconv_load_kernel(&dev, k + ch * l, l); /* (the host's FFTW time is not simulated) */
        if (!rc)
            rc = fftconv_run_channels(&dev, 1, &slot0, u + ch * l, y + ch * l, NULL);
    }
    *sim = vmodel_cycles(m) - t0;
    vmodel_close(m);
    return rc;
}

static void bench_channels(void)
{
    enum { LOG2L = 12 };
    const size_t l = (size_t)1 << LOG2L;
    printf("\n6. many channels in one job (fftconv_c2: P=2 LMAX=4096, 64 kernel slots, two U/Y "
           "banks), L = %zu, simulated cycles per channel including host bus traffic\n", l);
    printf("   %-8s %3s %8s %7s %9s %9s %7s %9s %8s %9s\n", "mode", "H", "CYCLES", "STALLS",
           "H jobs", "job", "job/", "resident", "resid./", "1 bank");
    printf("   %-8s %3s %8s %7s %9s %9s %7s %9s %8s %9s\n", "", "", "/ch", "/ch", "/ch", "/ch",
           "H jobs", "/ch", "CYCLES", "/ch");
    static const unsigned hs[] = {1, 8, 64};
    for (int packed = 1; packed >= 0; packed--)
        for (size_t i = 0; i < NC_ARRAY_LEN(hs); i++) {
            const unsigned h = hs[i];
            int16_t *u = malloc(h * l * 2), *k = calloc(h * l, 2), *y = malloc(h * l * 2);
            nc_rng_t r;
            nc_rng_seed(&r, 600 + h);
            fftconv_make_input(FFTCONV_SIG_NOISE, &r, u, h * l);
            int rc = NC_OK;
            for (unsigned ch = 0; !rc && ch < h; ch++)
                rc = fftconv_make_kernel(&r, l, 1.0, k + ch * l);
            fftconv_chjob_t job = {NULL, 2, {LOG2L, LOG2L, 0, 0, 0, 0}, h, u, k, packed, false,
                                   NULL, true};
            fftconv_choutcome_t os = {0}, ov = {0}, ob = {0};
            uint64_t single = 0;
            if (!rc) /* kernels in the stream, overlapped */
                rc = fftconv_cosim_channels(&job, &os);
            job.stream_kernels = false; /* kernels first: the stream alone, kernels resident */
            if (!rc)
                rc = fftconv_cosim_channels(&job, &ov);
            job.no_overlap = true;
            if (!rc)
                rc = fftconv_cosim_channels(&job, &ob);
            if (!rc)
                rc = single_jobs(h, LOG2L, packed, u, k, y, &single);
            bool ok = !rc && !os.mismatches && !ov.mismatches && !ob.mismatches &&
                      os.cycles == os.cycles_model && os.stalls == os.stalls_model && !memcmp(y, os.y, h * l * 2) &&
                      !memcmp(ov.y, os.y, h * l * 2) && !memcmp(ob.y, os.y, h * l * 2);
            if (!ok) {
                fprintf(stderr, "BROKEN: channels H=%u%s: %s (mismatches %zu, %zu, %zu; CYCLES "
                        "%llu, schedule %llu; STALLS %llu, model %llu)\n", h,
                        packed ? " packed" : "", rc ? nc_err_msg() : "ok", os.mismatches,
                        ov.mismatches, ob.mismatches, (unsigned long long)os.cycles,
                        (unsigned long long)os.cycles_model, (unsigned long long)os.stalls,
                        (unsigned long long)os.stalls_model);
                broken = 1;
                printf("   %-8s %3u FAILED\n", packed ? "packed" : "unpacked", h);
            } else {
                double run = (double)os.cycles / h, jobs = (double)single / h;
                double job1 = (double)os.sim_stream / h, res1 = (double)ov.sim_stream / h;
                printf("   %-8s %3u %8.0f %7.1f %9.0f %9.0f %7.3f %9.0f %8.3f %9.0f\n",
                       packed ? "packed" : "unpacked", h, run, (double)os.stalls / h, jobs, job1,
                       job1 / jobs, res1, res1 / run, (double)ob.sim_stream / h);
            }
            fftconv_choutcome_free(&os);
            fftconv_choutcome_free(&ov);
            fftconv_choutcome_free(&ob);
            free(u), free(k), free(y);
        }
    printf("   CYCLES: the accelerator's own cycles per channel (STALLS: of them, issues held "
           "back by the pipeline); H jobs: H single-channel jobs one "
           "after another, each\n   loading its kernel and input, running and reading its output; "
           "job: the H-channel job, each kernel and\n   input loaded while the channel before it "
           "runs (second U/Y bank, another kernel slot); resident: the\n   stream alone with "
           "every kernel already in its slot (a second batch); 1 bank: the same, one bank at a "
           "time\n");
}

/* bench_fftconv [SECTION...]: all sections (make bench), or only the numbered ones. */
static bool want(int argc, char **argv, int sec)
{
    if (argc < 2)
        return true;
    for (int i = 1; i < argc; i++)
        if (atoi(argv[i]) == sec)
            return true;
    return false;
}

int main(int argc, char **argv)
{
    double t0 = nc_now_s();
    printf("bench_fftconv: FFT-convolution accelerator (RTL via Verilator, checked against the "
           "bit-exact model)\n");
    if (want(argc, argv, 4))
        bench_rss(); /* first, so the figure is this run's own peak and not the others' */
    if (want(argc, argv, 1))
        bench_bound();
    if (want(argc, argv, 2))
        bench_modes();
    if (want(argc, argv, 3)) {
        printf("\n3. co-simulation throughput (cycles per CPU-second of this thread), median of 7 paired ratios\n");
        bench_throughput(2, 14);
        bench_throughput(1, 16);
    }
    if (want(argc, argv, 5))
        bench_packed();
    if (want(argc, argv, 6))
        bench_channels();
    if (want(argc, argv, 7))
        bench_m1();
    printf("\nbench_fftconv: %.1f s%s\n", nc_now_s() - t0, broken ? ", SOMETHING BROKE" : "");
    return broken;
}
