#define _POSIX_C_SOURCE 200809L
#include "nc_test.h"

#include <criterion/criterion.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

uint64_t nc_test_seed(uint64_t fallback) { return nc_seed_from_env(fallback); }

const char *nc_test_tool(void)
{
    static char path[512];
    const char *b = getenv("NC_BUILD");
    snprintf(path, sizeof path, "%s/bin/neurocosim", b && *b ? b : "build/rel");
    return path;
}

int nc_test_sh(char *out, size_t cap, int bound_s, const char *fmt, ...)
{
    char cmd[8192], full[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    /* The command travels in the environment: no quoting of it can break the wrapper. */
    setenv("NC_TEST_CMD", cmd, 1);
    snprintf(full, sizeof full, "timeout -s KILL %d sh -c \"$NC_TEST_CMD\" 2>&1", bound_s);
    FILE *p = popen(full, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = cap ? fread(out, 1, cap - 1, p) : 0;
    if (cap)
        out[n] = '\0';
    char sink[4096]; /* the rest, so the command never blocks on a full pipe */
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    cr_assert(WIFEXITED(st), "%s did not exit normally (a crash, or its %d s bound):\n%s", cmd, bound_s,
              cap ? out : "");
    return WEXITSTATUS(st);
}

bool nc_test_verify(void)
{
    const char *l = getenv("NC_LEVEL");
    return l && strcmp(l, "verify") == 0;
}

void nc_test_slurp(const char *path, char *buf, size_t cap)
{
    FILE *f = fopen(path, "r");
    size_t n = f ? fread(buf, 1, cap - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
}

int nc_test_sh2(char *out, size_t ocap, char *err, size_t ecap, int bound_s, const char *fmt, ...)
{
    char cmd[8192], errp[128], full[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(cmd, sizeof cmd, fmt, ap);
    va_end(ap);
    snprintf(errp, sizeof errp, "/tmp/nc_test_%d_stderr.txt", (int)getpid());
    setenv("NC_TEST_CMD", cmd, 1);
    snprintf(full, sizeof full, "timeout -s KILL %d sh -c \"$NC_TEST_CMD\" 2>%s", bound_s, errp);
    FILE *p = popen(full, "r");
    cr_assert(p, "cannot run %s", cmd);
    size_t n = fread(out, 1, ocap - 1, p);
    out[n] = '\0';
    char sink[4096];
    while (fread(sink, 1, sizeof sink, p) > 0) {
    }
    int st = pclose(p);
    nc_test_slurp(errp, err, ecap);
    unlink(errp);
    cr_assert(WIFEXITED(st), "%s did not exit normally (a crash, or its %d s bound):\n%s%s", cmd,
              bound_s, out, err);
    return WEXITSTATUS(st);
}

const char *nc_test_tmpdir(const char *name)
{
    static char paths[4][256];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, 256, "/tmp/nc_test_%d_%s", (int)getpid(), name);
    nc_test_rm_rf(p);
    cr_assert_eq(mkdir(p, 0777), 0, "cannot create %s", p);
    return p;
}

void nc_test_rm_rf(const char *path)
{
    char cmd[600];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", path);
    cr_assert_eq(system(cmd), 0);
}

const char *nc_test_wave_dir(void)
{
    static char dir[512];
    const char *b = getenv("NC_BUILD");
    snprintf(dir, sizeof dir, "%s/waves", b && *b ? b : "build/rel");
    char tmp[512];
    snprintf(tmp, sizeof tmp, "%s", dir);
    for (char *p = tmp + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(tmp, 0777);
            *p = '/';
        }
    mkdir(tmp, 0777);
    return dir;
}

int nc_test_try_case(const char *name, uint64_t seed, nc_case_fn fn, void *arg, char *report,
                     size_t reportlen)
{
    char msg[2048] = "";
    int rc = fn(arg, NULL, msg, sizeof msg);
    if (rc == NC_OK)
        return NC_OK;
    char path[1024], msg2[2048] = "";
    snprintf(path, sizeof path, "%s/%s.fst", nc_test_wave_dir(), name);
    int rc2 = fn(arg, path, msg2, sizeof msg2);
    snprintf(report, reportlen, "%s failed (seed %llu, rerun with NC_SEED=%llu): %s\n  waveform: %s%s",
             name, (unsigned long long)seed, (unsigned long long)seed, msg, path,
             rc2 == NC_OK ? "  (note: the traced rerun passed; the failure is not reproducible)"
                          : "");
    return rc;
}

void nc_test_run_case(const char *name, uint64_t seed, nc_case_fn fn, void *arg)
{
    char report[4096];
    if (nc_test_try_case(name, seed, fn, arg, report, sizeof report) != NC_OK)
        cr_assert_fail("%s", report);
}
