/* bench_core_regress.c - the regression engines on many short jobs: speed-up of the local
 * engine over workers (1 worker against N = the processors; target >= 0.8 of ideal), and the
 * Slurm engine's overhead per job on a private single-node cluster (tests/slurm_cluster.sh),
 * against the local engine on the same N slots. Times come from regress's own summary line
 * ("N run now in T s"), so the cluster's start and stop are not counted. Also the CPU time per
 * job of the local engine (its processes and theirs), which other work on the machine does not
 * change: a job runs in a fork of the regress process (no exec, no dynamic loading). The load
 * average is printed with the figures: on a shared machine the speed-up is what the other work
 * leaves. Figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "nc_util.h"

#define JOBS 48
#define ROUNDS 3

static char out[1 << 16];

static double child_cpu_s(void)
{
    struct rusage ru;
    getrusage(RUSAGE_CHILDREN, &ru);
    return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
           ru.ru_stime.tv_usec * 1e-6;
}

static double loadavg(void)
{
    double l = -1;
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &l) != 1)
            l = -1;
        fclose(la);
    }
    return l;
}

/* Runs a shell command; returns regress's "run now in T s" (or -1). */
static double regress_time(const char *cmd)
{
    FILE *p = popen(cmd, "r");
    if (!p)
        return -1;
    size_t n = fread(out, 1, sizeof out - 1, p);
    out[n] = '\0';
    pclose(p);
    const char *s = strstr(out, " run now in ");
    double t;
    unsigned ran;
    if (!s)
        return -1;
    while (s > out && s[-1] != '(')
        s--;
    if (sscanf(s, "%u run now in %lf s", &ran, &t) != 2 || ran != JOBS)
        return -1;
    return t;
}

int main(void)
{
    const char *b = getenv("NC_BUILD");
    char tool[1024], dir[256], list[300], cmd[4096];
    snprintf(tool, sizeof tool, "%s/bin/neurocosim", b && *b ? b : "build/rel");
    snprintf(dir, sizeof dir, "/tmp/nc_bench_regress_%d", (int)getpid());
    snprintf(list, sizeof list, "%s/b.jobs", dir);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    if (system(cmd) != 0)
        return 1;
    FILE *f = fopen(list, "w");
    if (!f)
        return 1;
    fprintf(f, "set seed 1..%d\njob j-s{seed} fftconv --length 4096 --seed {seed}\n", JOBS);
    fclose(f);
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    int n = np > 1 ? (int)np : 2;
    /* 1 worker and N workers alternately, ROUNDS times (fresh results each time): the load of
     * the machine drifts, and alternating spreads the drift over both */
    double load0 = loadavg(), t1 = 0, tn = 0, cpu1 = 0;
    for (int r = 0; r < ROUNDS; r++) {
        double cpu0 = child_cpu_s();
        snprintf(cmd, sizeof cmd, "rm -rf %s/w1 %s/wn; %s regress --list %s --out %s/w1 --jobs 1 2>&1", dir, dir,
                 tool, list, dir);
        double a = regress_time(cmd);
        cpu1 += child_cpu_s() - cpu0;
        snprintf(cmd, sizeof cmd, "%s regress --list %s --out %s/wn --jobs %d 2>&1", tool, list, dir, n);
        double c = regress_time(cmd);
        if (a <= 0 || c <= 0) {
            fprintf(stderr, "bench_core_regress: a local regression failed:\n%s", out);
            return 1;
        }
        printf("round %d: 1 worker %.1f s, %d workers %.1f s: %.2f of ideal\n", r + 1, a, n, c, a / c / n);
        t1 += a;
        tn += c;
    }
    double speedup = t1 / tn;
    printf("load average %.2f before and %.2f after the local runs, on %d processors (other work on "
           "the machine takes slots from the workers)\n", load0, loadavg(), n);
    printf("regress local, %d jobs x %d rounds (fftconv L=4096, %.2f s each on 1 worker, %.3f s of CPU "
           "per job with the engine's share): 1 worker %.1f s, %d workers %.1f s: speed-up %.2f = %.2f of "
           "ideal (target >= 0.80)\n",
           JOBS, ROUNDS, t1 / JOBS / ROUNDS, cpu1 / JOBS / ROUNDS, t1, n, tn, speedup, speedup / n);
    tn /= ROUNDS; /* one N-worker run, the Slurm runs' baseline */
    snprintf(cmd, sizeof cmd, "tests/slurm_cluster.sh %s regress --engine slurm --per-task 1 --list %s --out %s/s1 2>&1",
             tool, list, dir);
    double ts1 = regress_time(cmd);
    snprintf(cmd, sizeof cmd, "tests/slurm_cluster.sh %s regress --engine slurm --per-task 8 --list %s --out %s/s8 2>&1",
             tool, list, dir);
    double ts8 = regress_time(cmd);
    if (ts1 <= 0 || ts8 <= 0)
        printf("regress Slurm: not measured (the single-node cluster did not run it):\n%s", out);
    else
        printf("regress Slurm (single node, %d CPUs), %d jobs: 1 job per array task %.1f s, 8 per task %.1f s; "
               "overhead per job over the local engine on %d workers: %.2f s (1 per task), %.2f s (8 per task) "
               "of slot time\n",
               n, JOBS, ts1, ts8, n, (ts1 - tn) * n / JOBS, (ts8 - tn) * n / JOBS);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : 1;
}
