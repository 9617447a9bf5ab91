/* bench_core_regress.c - the regression engines on many short jobs: speed-up of the local
 * engine over workers (1 worker against N = the processors; target >= 0.8 of ideal), and the
 * Slurm engine's overhead per job on a private single-node cluster (tests/slurm_cluster.sh),
 * against the local engine on the same N slots. Times come from regress's own summary line
 * ("N run now in T s"), so the cluster's start and stop are not counted. Figures only. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "nc_util.h"

#define JOBS 48

static char out[1 << 16];

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
    snprintf(cmd, sizeof cmd, "%s regress --list %s --out %s/w1 --jobs 1 2>&1", tool, list, dir);
    double t1 = regress_time(cmd);
    snprintf(cmd, sizeof cmd, "%s regress --list %s --out %s/wn --jobs %d 2>&1", tool, list, dir, n);
    double tn = regress_time(cmd);
    if (t1 <= 0 || tn <= 0) {
        fprintf(stderr, "bench_core_regress: a local regression failed:\n%s", out);
        return 1;
    }
    double speedup = t1 / tn;
    double load[1] = {-1};
    FILE *la = fopen("/proc/loadavg", "r");
    if (la) {
        if (fscanf(la, "%lf", &load[0]) != 1)
            load[0] = -1;
        fclose(la);
    }
    printf("load average before the Slurm runs: %.2f on %d processors (other work on the machine "
           "takes slots from the workers)\n", load[0], n);
    printf("regress local, %d jobs (fftconv L=4096, %.2f s each on 1 worker): 1 worker %.1f s, %d workers "
           "%.1f s: speed-up %.2f = %.2f of ideal (target >= 0.80)\n",
           JOBS, t1 / JOBS, t1, n, tn, speedup, speedup / n);
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
