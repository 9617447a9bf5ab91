/* cmd_regress.c - `neurocosim regress`: a list of jobs (each one neurocosim command) run by
 * N local worker processes, resumable, merged into JUnit XML, JSON, CSV and TSV (read by
 * `neurocosim report --regress DIR`). The job-list format is in docs/REGRESS.md. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "designs.h"
#include "nc_error.h"
#include "nc_util.h"
#include "report.h"

#define RG_MAX_JOBS 100000     /* jobs in one regression                              */
#define RG_MAX_ARGS 64         /* arguments of one job                                 */
#define RG_MAX_VARS 16         /* variables of a list                                  */
#define RG_MAX_VALUES 100000   /* values of one variable                               */
#define RG_LINE 4096
#define RG_NAME 96
#define RG_MAX_WORKERS 256
#define RG_TIMEOUT_DEFAULT 600 /* seconds per job                                      */
#define RG_WAVES_MB_DEFAULT 512 /* bound of the files a waveform rerun writes (MiB)       */

typedef struct rg_job {
    char name[RG_NAME];
    int argc;
    char **argv;     /* the job's command: argv[0] is the neurocosim command          */
    int waves_at;    /* index of the {waves} or {wavedir} argument (-1: none)          */
    bool wave_dir;   /* {wavedir}: the option takes a folder (spice cells, spice xor)   */
    char *cmdline;   /* the arguments joined by spaces, without the waves pair         */
    int line;
} rg_job_t;

typedef struct rg_list {
    rg_job_t *jobs;
    size_t n, cap;
} rg_list_t;

typedef struct rg_var {
    char name[32];
    char **vals;
    size_t n;
} rg_var_t;

static void list_free(rg_list_t *l)
{
    for (size_t i = 0; i < l->n; i++) {
        for (int a = 0; a < l->jobs[i].argc; a++)
            free(l->jobs[i].argv[a]);
        free(l->jobs[i].argv);
        free(l->jobs[i].cmdline);
    }
    free(l->jobs);
    memset(l, 0, sizeof *l);
}

static void vars_free(rg_var_t *v, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t k = 0; k < v[i].n; k++)
            free(v[i].vals[k]);
        free(v[i].vals);
    }
}

static int rg_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static bool name_ok(const char *s)
{
    if (!*s)
        return false;
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '_' || *s == '-' || *s == '.' || *s == '=' || *s == '+'))
            return false;
    return true;
}

/* Substitutes {var} in tok with the current values; returns malloc'ed text or NULL (error set). */
static char *subst(const char *tok, const rg_var_t *vars, size_t nvars, const size_t *pick,
                   const char *where)
{
    char out[RG_LINE];
    size_t o = 0;
    for (const char *p = tok; *p;) {
        if (*p == '{') {
            const char *e = strchr(p, '}');
            if (!e || e - p - 1 <= 0 || e - p - 1 >= 32) {
                nc_err_set(NC_ERR_PARSE, "%s: '{' without a variable name and '}' in '%s'", where, tok);
                return NULL;
            }
            char name[32];
            memcpy(name, p + 1, (size_t)(e - p - 1));
            name[e - p - 1] = '\0';
            if (!strcmp(name, "waves") || !strcmp(name, "wavedir")) {
                nc_err_set(NC_ERR_PARSE, "%s: {%s} must be a whole argument (after --waves)", where, name);
                return NULL;
            }
            size_t v = 0;
            while (v < nvars && strcmp(vars[v].name, name))
                v++;
            if (v == nvars) {
                nc_err_set(NC_ERR_PARSE, "%s: unknown variable {%s}: define it first with 'set %s VALUES'",
                           where, name, name);
                return NULL;
            }
            const char *val = vars[v].vals[pick[v]];
            size_t k = strlen(val);
            if (o + k >= sizeof out) {
                nc_err_set(NC_ERR_PARSE, "%s: argument longer than %zu characters", where, sizeof out - 1);
                return NULL;
            }
            memcpy(out + o, val, k);
            o += k;
            p = e + 1;
        } else {
            if (o + 1 >= sizeof out) {
                nc_err_set(NC_ERR_PARSE, "%s: argument longer than %zu characters", where, sizeof out - 1);
                return NULL;
            }
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
    return strdup(out);
}

/* Which variables do the tokens use? */
static void uses(char **tok, int ntok, const rg_var_t *vars, size_t nvars, bool *used)
{
    for (size_t v = 0; v < nvars; v++) {
        char pat[sizeof vars[0].name + 3];
        snprintf(pat, sizeof pat, "{%.31s}", vars[v].name);
        used[v] = false;
        for (int t = 0; t < ntok; t++)
            if (strstr(tok[t], pat))
                used[v] = true;
    }
}

static int add_job(rg_list_t *l, char **tok, int ntok, const rg_var_t *vars, size_t nvars,
                   const size_t *pick, const char *where, int line)
{
    if (l->n == RG_MAX_JOBS)
        return nc_err_set(NC_ERR_PARSE, "%s: more than %d jobs", where, RG_MAX_JOBS);
    if (l->n == l->cap) {
        size_t nc = l->cap ? 2 * l->cap : 64;
        rg_job_t *p = realloc(l->jobs, nc * sizeof *p);
        if (!p)
            return nc_err_set(NC_ERR_NOMEM, "no memory for %zu jobs", nc);
        l->jobs = p;
        l->cap = nc;
    }
    rg_job_t *j = &l->jobs[l->n];
    memset(j, 0, sizeof *j);
    j->line = line;
    j->waves_at = -1;
    char *name = subst(tok[0], vars, nvars, pick, where);
    if (!name)
        return NC_ERR_PARSE;
    if (strlen(name) >= RG_NAME || !name_ok(name)) {
        int rc = nc_err_set(NC_ERR_PARSE, "%s: job name '%s': expected 1..%d characters of "
                            "A-Z a-z 0-9 _ - . = +", where, name, RG_NAME - 1);
        free(name);
        return rc;
    }
    snprintf(j->name, sizeof j->name, "%s", name);
    free(name);
    j->argc = ntok - 1;
    j->argv = calloc((size_t)j->argc + 1, sizeof *j->argv);
    if (!j->argv)
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    size_t len = 1;
    for (int a = 0; a < j->argc; a++) {
        if (!strcmp(tok[a + 1], "{waves}") || !strcmp(tok[a + 1], "{wavedir}")) {
            if (a == 0 || j->waves_at >= 0) {
                for (int b = 0; b < a; b++)
                    free(j->argv[b]);
                free(j->argv);
                return nc_err_set(NC_ERR_PARSE, "%s: %s follows the option that takes it (e.g. "
                                  "--waves {waves}), once per job", where, tok[a + 1]);
            }
            j->argv[a] = strdup(tok[a + 1]);
            j->waves_at = a;
            j->wave_dir = !strcmp(tok[a + 1], "{wavedir}");
        } else
            j->argv[a] = subst(tok[a + 1], vars, nvars, pick, where);
        if (!j->argv[a]) {
            for (int b = 0; b < a; b++)
                free(j->argv[b]);
            free(j->argv);
            return NC_ERR_PARSE;
        }
        len += strlen(j->argv[a]) + 1;
    }
    if (!strcmp(j->argv[0], "regress") || !strcmp(j->argv[0], "report") || !strcmp(j->argv[0], "help")) {
        int rc = nc_err_set(NC_ERR_PARSE, "%s: a job runs a design command (fftconv, snn, spice, "
                            "run), not '%s'", where, j->argv[0]);
        for (int a = 0; a < j->argc; a++)
            free(j->argv[a]);
        free(j->argv);
        return rc;
    }
    j->cmdline = malloc(len);
    if (!j->cmdline)
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    j->cmdline[0] = '\0';
    for (int a = 0; a < j->argc; a++) {
        if (a == j->waves_at || a + 1 == j->waves_at)
            continue;
        if (j->cmdline[0])
            strcat(j->cmdline, " ");
        strcat(j->cmdline, j->argv[a]);
    }
    l->n++;
    return NC_OK;
}

static int split(char *s, char **tok, int cap)
{
    int n = 0;
    for (char *save, *t = strtok_r(s, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save)) {
        if (n == cap)
            return -1;
        tok[n++] = t;
    }
    return n;
}

/* Reads a job list (format: docs/REGRESS.md). */
static int list_read(const char *path, rg_list_t *l)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    rg_var_t vars[RG_MAX_VARS];
    size_t nvars = 0;
    char line[RG_LINE + 2], where[PATH_MAX + 32];
    int rc = NC_OK;
    int ln = 0;
    while (!rc && fgets(line, sizeof line, f)) {
        ln++;
        snprintf(where, sizeof where, "%s:%d", path, ln);
        if (!strchr(line, '\n') && !feof(f)) {
            rc = nc_err_set(NC_ERR_PARSE, "%s: line longer than %d characters", where, RG_LINE);
            break;
        }
        char *hash = strchr(line, '#');
        if (hash)
            *hash = '\0';
        char *tok[RG_MAX_ARGS + 3];
        int n = split(line, tok, RG_MAX_ARGS + 3);
        if (n < 0) {
            rc = nc_err_set(NC_ERR_PARSE, "%s: more than %d arguments", where, RG_MAX_ARGS);
            break;
        }
        if (n == 0)
            continue;
        if (!strcmp(tok[0], "set")) {
            if (n < 3 || strlen(tok[1]) >= 32 || !name_ok(tok[1]) || !strcmp(tok[1], "waves") ||
                !strcmp(tok[1], "wavedir")) {
                rc = nc_err_set(NC_ERR_PARSE, "%s: expected 'set NAME VALUE...' (NAME: 1..31 of "
                                "A-Z a-z 0-9 _ - ., not 'waves' or 'wavedir'; VALUE: a word or a "
                                "range A..B)", where);
                break;
            }
            size_t v = 0;
            while (v < nvars && strcmp(vars[v].name, tok[1]))
                v++;
            if (v == nvars) {
                if (nvars == RG_MAX_VARS) {
                    rc = nc_err_set(NC_ERR_PARSE, "%s: more than %d variables", where, RG_MAX_VARS);
                    break;
                }
                memset(&vars[v], 0, sizeof vars[v]);
                snprintf(vars[v].name, sizeof vars[v].name, "%s", tok[1]);
                nvars++;
            } else
                vars_free(&vars[v], 1), vars[v].vals = NULL, vars[v].n = 0;
            size_t cap = 0;
            for (int t = 2; t < n && !rc; t++) {
                int64_t a = 0, b = 0;
                char *dots = strstr(tok[t], "..");
                bool range = false;
                if (dots) {
                    *dots = '\0';
                    if (nc_dec_int(tok[t], &a) || nc_dec_int(dots + 2, &b) || b < a) {
                        *dots = '.';
                        rc = nc_err_set(NC_ERR_PARSE, "%s: range '%s': expected A..B, decimal "
                                        "integers, A <= B", where, tok[t]);
                        break;
                    }
                    range = true;
                }
                int64_t cnt = range ? b - a + 1 : 1;
                if (cnt > RG_MAX_VALUES || vars[v].n + (size_t)cnt > RG_MAX_VALUES) {
                    rc = nc_err_set(NC_ERR_PARSE, "%s: variable %s: more than %d values", where,
                                    vars[v].name, RG_MAX_VALUES);
                    break;
                }
                if (vars[v].n + (size_t)cnt > cap) {
                    size_t nc = (vars[v].n + (size_t)cnt) * 2;
                    char **p = realloc(vars[v].vals, nc * sizeof *p);
                    if (!p) {
                        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
                        break;
                    }
                    vars[v].vals = p;
                    cap = nc;
                }
                for (int64_t k = 0; k < cnt; k++) {
                    char buf[32];
                    if (range)
                        snprintf(buf, sizeof buf, "%lld", (long long)(a + k));
                    vars[v].vals[vars[v].n++] = strdup(range ? buf : tok[t]);
                }
            }
            continue;
        }
        if (!strcmp(tok[0], "job")) {
            if (n < 3) {
                rc = nc_err_set(NC_ERR_PARSE, "%s: expected 'job NAME COMMAND [ARGS...]'", where);
                break;
            }
            bool used[RG_MAX_VARS];
            uses(tok + 1, n - 1, vars, nvars, used);
            size_t pick[RG_MAX_VARS] = {0};
            for (;;) {
                if ((rc = add_job(l, tok + 1, n - 1, vars, nvars, pick, where, ln)))
                    break;
                size_t v = 0;
                for (; v < nvars; v++) {
                    if (!used[v])
                        continue;
                    if (++pick[v] < vars[v].n)
                        break;
                    pick[v] = 0;
                }
                if (v == nvars)
                    break;
            }
            continue;
        }
        rc = nc_err_set(NC_ERR_PARSE, "%s: '%s': expected 'set NAME VALUE...' or 'job NAME COMMAND "
                        "[ARGS...]' (or # comment)", where, tok[0]);
    }
    fclose(f);
    vars_free(vars, nvars);
    if (!rc && l->n == 0)
        rc = nc_err_set(NC_ERR_PARSE, "%s: no job", path);
    /* names are unique: results live in a folder per name */
    if (!rc) {
        char **names = malloc(l->n * sizeof *names);
        if (!names)
            rc = nc_err_set(NC_ERR_NOMEM, "no memory");
        for (size_t i = 0; !rc && i < l->n; i++)
            names[i] = l->jobs[i].name;
        if (!rc) {
            qsort(names, l->n, sizeof *names, rg_cmp);
            for (size_t i = 1; i < l->n; i++)
                if (!strcmp(names[i], names[i - 1])) {
                    int first = 0, second = 0;
                    for (size_t k = 0; k < l->n; k++)
                        if (!strcmp(l->jobs[k].name, names[i]))
                            (first ? (second = second ? second : l->jobs[k].line) : (first = l->jobs[k].line));
                    rc = nc_err_set(NC_ERR_PARSE, "%s:%d: job name '%s' repeats (first at line %d): "
                                    "put every variable of the job in its name", path,
                                    second ? second : first, names[i], first);
                    break;
                }
        }
        free(names);
    }
    if (rc)
        list_free(l);
    return rc;
}


/* ---- results: DIR/jobs/NAME/{cmd,log,result[,NAME.fst|waves/]} ---- */

typedef struct rg_res {
    bool done;      /* a valid result exists                                    */
    bool skipped;   /* it was there before this run                             */
    int status;     /* exit status; 128+signal when killed; 124 on a timeout   */
    double seconds;
    bool waves;     /* a waveform was kept                                      */
} rg_res_t;

static void job_path(char *buf, size_t cap, const char *dir, const rg_job_t *j, const char *file)
{
    snprintf(buf, cap, "%s/jobs/%s%s%s", dir, j->name, file ? "/" : "", file ? file : "");
}

/* The argument the waveform option gets on a job's rerun: DIR/jobs/NAME/wave.fst ({waves}),
 * or the folder DIR/jobs/NAME/waves ({wavedir}: the command writes its .fst files there). */
static void wave_arg(char *buf, size_t cap, const char *dir, const rg_job_t *j)
{
    job_path(buf, cap, dir, j, j->wave_dir ? "waves" : "wave.fst");
}

/* The job's kept waveform relative to DIR: jobs/NAME/wave.fst, or the first .fst file (by
 * name) of jobs/NAME/waves; false when there is none. *bytes: the size of all of them. */
static bool wave_find(const char *dir, const rg_job_t *j, char *rel, size_t cap, long long *bytes)
{
    char p[PATH_MAX];
    struct stat sb;
    *bytes = 0;
    rel[0] = '\0';
    if (!j->wave_dir) {
        job_path(p, sizeof p, dir, j, "wave.fst");
        if (stat(p, &sb) || !S_ISREG(sb.st_mode))
            return false;
        *bytes = (long long)sb.st_size;
        snprintf(rel, cap, "jobs/%s/wave.fst", j->name);
        return true;
    }
    wave_arg(p, sizeof p, dir, j);
    DIR *d = opendir(p);
    if (!d)
        return false;
    char best[256] = "";
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        size_t k = strlen(e->d_name);
        if (k < 5 || k >= sizeof best || strcmp(e->d_name + k - 4, ".fst"))
            continue;
        char f[PATH_MAX + 256];
        snprintf(f, sizeof f, "%s/%s", p, e->d_name);
        if (stat(f, &sb) || !S_ISREG(sb.st_mode))
            continue;
        *bytes += (long long)sb.st_size;
        if (!best[0] || strcmp(e->d_name, best) < 0)
            snprintf(best, sizeof best, "%s", e->d_name);
    }
    closedir(d);
    if (best[0])
        snprintf(rel, cap, "jobs/%s/waves/%s", j->name, best);
    return best[0] != '\0';
}

/* Removes the job's waveform (wave.fst, or the files of its waves folder). */
static void wave_clear(const char *dir, const rg_job_t *j)
{
    char p[PATH_MAX];
    wave_arg(p, sizeof p, dir, j);
    if (!j->wave_dir) {
        unlink(p);
        return;
    }
    DIR *d = opendir(p);
    if (!d)
        return;
    for (struct dirent *e; (e = readdir(d)) != NULL;) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char f[PATH_MAX + 256];
        snprintf(f, sizeof f, "%s/%s", p, e->d_name);
        unlink(f);
    }
    closedir(d);
}

/* A result is valid when its file parses and the job's command is still the same. */
static bool result_read(const char *dir, const rg_job_t *j, rg_res_t *r)
{
    char p[PATH_MAX], buf[RG_LINE * 2 + 64];
    job_path(p, sizeof p, dir, j, "cmd");
    FILE *f = fopen(p, "r");
    if (!f)
        return false;
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (n == 0 || buf[n - 1] != '\n')
        return false;
    buf[n - 1] = '\0';
    if (strcmp(buf, j->cmdline))
        return false;
    job_path(p, sizeof p, dir, j, "result");
    f = fopen(p, "r");
    if (!f)
        return false;
    int st, w;
    double s;
    int k = fscanf(f, "status %d seconds %lf waves %d\n", &st, &s, &w);
    fclose(f);
    if (k != 3 || st < 0 || st > 255 || !(s >= 0))
        return false;
    r->done = true;
    r->status = st;
    r->seconds = s;
    r->waves = w != 0;
    return true;
}

static int result_write(const char *dir, const rg_job_t *j, const rg_res_t *r)
{
    char p[PATH_MAX], buf[128];
    job_path(p, sizeof p, dir, j, "result");
    int n = snprintf(buf, sizeof buf, "status %d seconds %.3f waves %d\n", r->status, r->seconds, r->waves ? 1 : 0);
    return nc_write_file(p, buf, (size_t)n);
}

static const char *tool_path(void)
{
    static char p[PATH_MAX];
    if (!p[0]) {
        ssize_t n = readlink("/proc/self/exe", p, sizeof p - 1);
        if (n <= 0)
            snprintf(p, sizeof p, "neurocosim");
        else
            p[n] = '\0';
    }
    return p;
}

/* The exact command that reproduces a job (with its waveform when it has one). */
static void repro(char *buf, size_t cap, const char *dir, const rg_job_t *j, bool waves)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        snprintf(cwd, sizeof cwd, ".");
    size_t o = (size_t)snprintf(buf, cap, "cd %s && %s", cwd, tool_path());
    for (int a = 0; a < j->argc && o < cap; a++) {
        if (a == j->waves_at) {
            char w[PATH_MAX];
            wave_arg(w, sizeof w, dir, j);
            if (waves)
                o += (size_t)snprintf(buf + o, cap - o, " %s", w);
            continue;
        }
        if (a + 1 == j->waves_at && !waves)
            continue;
        o += (size_t)snprintf(buf + o, cap - o, " %s", j->argv[a]);
    }
}

/* A failed job: its status, the command that reproduces it, its log and waveform. */
static void print_failure(const char *dir, const rg_job_t *j, const rg_res_t *r)
{
    char cmd[RG_LINE * 2], lp[PATH_MAX];
    repro(cmd, sizeof cmd, dir, j, r->waves);
    job_path(lp, sizeof lp, dir, j, "log");
    printf("FAIL %s (%s %d, %.1f s)\n  reproduce: %s\n  log: %s\n", j->name,
           r->status == 124 ? "timeout, status" : "exit status", r->status, r->seconds, cmd, lp);
    char rel[PATH_MAX], wp[2 * PATH_MAX];
    long long bytes;
    if (r->waves && wave_find(dir, j, rel, sizeof rel, &bytes)) {
        snprintf(wp, sizeof wp, "%s/%s", dir, rel);
        nc_waves_print(stdout, wp);
    }
    fflush(stdout);
}

/* ---- the local engine ---- */

static volatile sig_atomic_t stop_sig;
static void on_stop(int sig)
{
    stop_sig = sig;
}

typedef struct rg_slot {
    pid_t pid;
    size_t job;
    bool waves_run;
    double t0, first_seconds;
    int first_status;
} rg_slot_t;

/* Gives this process's autogroup (its session's, when the kernel has autogroup scheduling)
 * the process's own niceness; nothing when there is none. */
static void autogroup_nice(void)
{
    errno = 0;
    int nice_now = getpriority(PRIO_PROCESS, 0);
    if (errno || nice_now <= 0)
        return;
    FILE *f = fopen("/proc/self/autogroup", "w");
    if (f) {
        fprintf(f, "%d\n", nice_now);
        fclose(f);
    }
}

/* The design commands a job may run inside a fork of this process (designs.h); others (run)
 * are exec'ed. */
static int (*inproc_command(const char *name))(int, char **)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } cmds[] = {{"fftconv", cmd_fftconv}, {"snn", cmd_snn}, {"spice", cmd_spice}, {"platform", cmd_platform}};
    for (size_t i = 0; i < NC_ARRAY_LEN(cmds); i++)
        if (!strcmp(name, cmds[i].name))
            return cmds[i].fn;
    return NULL;
}

/* Starts job j (with its waveform when waves, every file it writes bounded by wave_bytes) in
 * its own process group; output to its log. */
static pid_t start_job(const char *dir, const rg_job_t *j, bool waves, long long wave_bytes)
{
    char jd[PATH_MAX], logp[PATH_MAX], cmdp[PATH_MAX], wave[PATH_MAX];
    job_path(jd, sizeof jd, dir, j, NULL);
    if (nc_mkdir_p(jd))
        return -1;
    job_path(cmdp, sizeof cmdp, dir, j, "cmd");
    job_path(logp, sizeof logp, dir, j, waves ? "log-waves" : "log");
    wave_arg(wave, sizeof wave, dir, j);
    if (waves) {
        wave_clear(dir, j);
        if (j->wave_dir && nc_mkdir_p(wave))
            return -1;
    } else {
        char rp[PATH_MAX];
        job_path(rp, sizeof rp, dir, j, "result");
        unlink(rp); /* no stale result while the job runs again */
    }
    char *argv[RG_MAX_ARGS + 2];
    int k = 0;
    argv[k++] = (char *)tool_path();
    for (int a = 0; a < j->argc; a++) {
        if (a == j->waves_at) {
            if (waves)
                argv[k++] = wave;
            continue;
        }
        if (a + 1 == j->waves_at && !waves)
            continue;
        argv[k++] = j->argv[a];
    }
    argv[k] = NULL;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        /* Each job is a session of its own (and so its own process group, killed as one). With
         * the kernel's autogroup scheduling (sched_autogroup_enabled), CPU time is shared between
         * sessions: N jobs in the regression's session would share one session's CPU on a busy
         * machine, whatever N. The job's session gets the niceness the regression runs with
         * (nice -n 10 make regress stays nice to the other sessions). */
        if (setsid() < 0)
            setpgid(0, 0);
        else
            autogroup_nice();
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, NULL);
        signal(SIGINT, SIG_DFL);
        signal(SIGTERM, SIG_DFL);
        int fd = open(logp, O_WRONLY | O_CREAT | O_TRUNC, 0644);
        int in = open("/dev/null", O_RDONLY), nul = open("/dev/null", O_WRONLY);
        if (fd < 0 || in < 0 || nul < 0)
            _exit(127);
        /* forget the parent's progress line (this process may run the command itself) */
        dup2(nul, 2);
        nc_progress_end();
        dup2(in, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        for (int k2 = 0; k2 < 3; k2++) {
            int c = k2 == 0 ? fd : k2 == 1 ? in : nul;
            if (c > 2)
                close(c);
        }
        if (waves) {
            /* a write past the bound ends the rerun with SIGXFSZ; its waveform is dropped */
            struct rlimit rl = {(rlim_t)wave_bytes, (rlim_t)wave_bytes};
            setrlimit(RLIMIT_FSIZE, &rl);
        } else {
            /* the job's command, written here (in parallel with the other workers) before it
             * runs; its result is written by the parent when it ends */
            char tmp[RG_LINE + 2];
            int n = snprintf(tmp, sizeof tmp, "%s\n", j->cmdline);
            if (nc_write_file(cmdp, tmp, (size_t)n)) {
                fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
                _exit(127);
            }
        }
        setenv("NC_PROGRESS", "0", 1);
        /* A design command runs in this fork of the tool, which has every library loaded and
         * relocated already: no exec, no dynamic loading per job (the parent has started no
         * thread, no simulator and no SystemC kernel). The result is the same as
         * `neurocosim ARGS...` (the reproduce command): main() only dispatches to it. */
        int (*fn)(int, char **) = inproc_command(argv[1]);
        if (fn) {
            optind = 1;
            int st = fn(k - 1, argv + 1);
            fflush(NULL);
            exit(st & 0xff);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid; /* (its session and group are made by the job: a group made here first would
                 * keep it from starting a session) */
}

/* Kills a job's process group; before the job has made its session, the job itself. */
static void kill_job(pid_t pid)
{
    if (kill(-pid, SIGKILL) != 0)
        kill(pid, SIGKILL);
}

typedef struct rg_opts {
    const char *list, *out;
    int workers;
    int waves_mb;   /* bound of a waveform rerun's files                                */
    double timeout_s;
    bool retry_failed, quiet;
    bool slurm, slurm_task;
    const char *partition, *time_limit;
    int per_task;
} rg_opts_t;

static int run_local(const rg_opts_t *o, const rg_list_t *l, rg_res_t *res, size_t *ran, size_t *failed_now)
{
    size_t todo = 0;
    size_t *queue = malloc(l->n * sizeof *queue);
    rg_slot_t *slots = calloc((size_t)o->workers, sizeof *slots);
    if (!queue || !slots) {
        free(queue), free(slots);
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    }
    for (size_t i = 0; i < l->n; i++)
        if (!res[i].done)
            queue[todo++] = i;
    sigset_t set, old;
    sigemptyset(&set);
    sigaddset(&set, SIGCHLD);
    sigprocmask(SIG_BLOCK, &set, &old);
    struct sigaction sa = {0}, oint, oterm;
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, &oint);
    sigaction(SIGTERM, &sa, &oterm);
    size_t next = 0, finished = 0, failed = 0;
    int running = 0, rc = NC_OK;
    double t0 = nc_now_s();
    /* rerun queue: failed jobs with a {waves} argument run again with their waveform */
    size_t *wq = malloc(l->n * sizeof *wq);
    size_t nwq = 0, wqi = 0;
    if (!wq)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
    /* finished jobs of one pass: reaped first, their slots refilled, then their results written
     * (the workers never wait for the parent's files) */
    typedef struct rg_fin {
        rg_slot_t slot;
        int st;
        double end;
    } rg_fin_t;
    rg_fin_t *fin = malloc((size_t)o->workers * sizeof *fin);
    if (!fin && !rc)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory");
    while (!rc && !stop_sig && (next < todo || running > 0 || wqi < nwq)) {
        /* reap */
        int st;
        pid_t pid;
        size_t nfin = 0;
        while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
            int s = 0;
            while (s < o->workers && slots[s].pid != pid)
                s++;
            if (s == o->workers)
                continue;
            fin[nfin++] = (rg_fin_t){slots[s], st, nc_now_s()};
            running--;
            slots[s].pid = 0;
        }
        /* start jobs in the free slots */
        for (int s = 0; s < o->workers && !stop_sig; s++) {
            if (slots[s].pid)
                continue;
            bool w = wqi < nwq;
            if (!w && next >= todo)
                break;
            size_t ji = w ? wq[wqi] : queue[next];
            pid_t pid = start_job(o->out, &l->jobs[ji], w, (long long)o->waves_mb << 20);
            if (pid < 0) {
                rc = nc_err_set(NC_ERR_IO, "job %s: cannot start: %s", l->jobs[ji].name, nc_err_msg());
                break;
            }
            if (w) {
                slots[s].first_status = res[ji].status;
                slots[s].first_seconds = res[ji].seconds;
                wqi++;
            } else
                next++;
            slots[s].pid = pid;
            slots[s].job = ji;
            slots[s].waves_run = w;
            slots[s].t0 = nc_now_s();
            running++;
        }
        if (rc)
            break;
        /* the results of the finished ones */
        for (size_t f = 0; f < nfin && !rc; f++) {
            const rg_slot_t *sl = &fin[f].slot;
            st = fin[f].st;
            const rg_job_t *j = &l->jobs[sl->job];
            rg_res_t *r = &res[sl->job];
            int status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
            if (sl->waves_run) {
                char wp[PATH_MAX];
                long long bytes;
                r->waves = wave_find(o->out, j, wp, sizeof wp, &bytes);
                if ((WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ) || bytes > (long long)o->waves_mb << 20) {
                    wave_clear(o->out, j);
                    r->waves = false;
                    nc_progress_end();
                    printf("%s: its waveform rerun wrote more than %d MiB (--max-waves-mb): no "
                           "waveform kept\n", j->name, o->waves_mb);
                }
                r->status = sl->first_status;
                r->seconds = sl->first_seconds;
            } else {
                r->status = r->seconds < 0 ? 124 : status;
                r->seconds = fin[f].end - sl->t0;
                if (r->status != 0 && j->waves_at >= 0 && r->status < 124) {
                    wq[nwq++] = sl->job; /* result written after the waveform run */
                    continue;
                }
            }
            if (result_write(o->out, j, r)) {
                rc = NC_ERR_IO;
                break;
            }
            r->done = true;
            finished++;
            (*ran)++;
            if (r->status) {
                failed++;
                nc_progress_end();
                print_failure(o->out, j, r);
            }
            char what[96];
            snprintf(what, sizeof what, "regress: %d workers, %zu failed; jobs done", o->workers, failed);
            nc_progress(what, (double)finished, (double)todo);
        }
        if (rc)
            break;
        /* timeouts: kill the job's process group; its status becomes 124 */
        double now = nc_now_s();
        for (int s = 0; s < o->workers; s++)
            if (slots[s].pid && o->timeout_s > 0 && now - slots[s].t0 > o->timeout_s &&
                res[slots[s].job].seconds >= 0) {
                kill_job(slots[s].pid);
                res[slots[s].job].seconds = -1; /* marks the timeout for the reaper */
            }
        if (!nfin && running > 0) {
            struct timespec ts = {0, 100 * 1000 * 1000};
            sigtimedwait(&set, NULL, &ts);
        }
    }
    if (stop_sig || rc) {
        for (int s = 0; s < o->workers; s++)
            if (slots[s].pid) {
                kill_job(slots[s].pid);
                waitpid(slots[s].pid, NULL, 0);
            }
    }
    nc_progress_end();
    (void)t0;
    sigaction(SIGINT, &oint, NULL);
    sigaction(SIGTERM, &oterm, NULL);
    sigprocmask(SIG_SETMASK, &old, NULL);
    *failed_now = failed;
    free(queue), free(slots), free(wq), free(fin);
    if (!rc && stop_sig)
        rc = nc_err_set(NC_ERR_IO, "stopped by signal %d: %zu jobs finished and kept; run the same "
                        "command again to go on", (int)stop_sig, finished);
    return rc;
}


/* ---- the Slurm engine: one job array through sbatch; each array task runs its slice of the
 * jobs to do (DIR/slurm/todo) with the local engine on one worker (`regress --slurm-task`),
 * writing the same per-job result files; progress by polling squeue. ---- */

/* Runs argv with stdout captured into out (cut to cap); returns the exit status or -1. */
static int run_capture(char *const argv[], char *out, size_t cap)
{
    int fd[2];
    if (pipe(fd))
        return -1;
    fflush(NULL);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fd[1], 1);
        close(fd[0]);
        close(fd[1]);
        execvp(argv[0], argv);
        _exit(127);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t k;
    while ((k = read(fd[0], out + n, cap - 1 - n)) > 0 && n + 1 < cap)
        n += (size_t)k;
    out[n] = '\0';
    char sink[256];
    while (read(fd[0], sink, sizeof sink) > 0) {
    }
    close(fd[0]);
    int st;
    if (pid < 0 || waitpid(pid, &st, 0) < 0)
        return -1;
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void sh_quote(nc_out_t *o, const char *s)
{
    nc_out_printf(o, "'");
    for (; *s; s++)
        if (*s == '\'')
            nc_out_printf(o, "'\\''");
        else
            nc_out_printf(o, "%c", *s);
    nc_out_printf(o, "'");
}

static int run_slurm(const rg_opts_t *o, const rg_list_t *l, rg_res_t *res, size_t *ran, size_t *failed_now)
{
    char sdir[PATH_MAX], p[PATH_MAX + 16], cwd[PATH_MAX], list_abs[PATH_MAX], out_abs[PATH_MAX];
    snprintf(sdir, sizeof sdir, "%s/slurm", o->out);
    if (nc_mkdir_p(sdir))
        return NC_ERR_IO;
    if (!getcwd(cwd, sizeof cwd) || !realpath(o->list, list_abs) || !realpath(o->out, out_abs))
        return nc_err_set(NC_ERR_IO, "cannot resolve the folder, the list or --out: %s", strerror(errno));
    size_t todo = 0;
    nc_out_t t;
    snprintf(p, sizeof p, "%s/todo", sdir);
    int rc = nc_out_open(&t, p, 64u << 20, "fewer jobs");
    for (size_t i = 0; !rc && i < l->n; i++)
        if (!res[i].done) {
            nc_out_printf(&t, "%s\n", l->jobs[i].name);
            todo++;
        }
    if (rc || (rc = nc_out_commit(&t)))
        return rc;
    *ran = 0;
    *failed_now = 0;
    if (!todo)
        return NC_OK;
    size_t ntasks = (todo + (size_t)o->per_task - 1) / (size_t)o->per_task;
    snprintf(p, sizeof p, "%s/task.sh", sdir);
    if ((rc = nc_out_open(&t, p, 1u << 20, "a shorter path")))
        return rc;
    nc_out_printf(&t, "#!/bin/sh\n# one array task of a neurocosim regression (neurocosim regress --engine slurm)\ncd ");
    sh_quote(&t, cwd);
    nc_out_printf(&t, " || exit 1\nexec ");
    sh_quote(&t, tool_path());
    nc_out_printf(&t, " regress --slurm-task --per-task %d --timeout %.0f --max-waves-mb %d --list ",
                  o->per_task, o->timeout_s, o->waves_mb);
    sh_quote(&t, list_abs);
    nc_out_printf(&t, " --out ");
    sh_quote(&t, out_abs);
    nc_out_printf(&t, "\n");
    if ((rc = nc_out_commit(&t)))
        return rc;
    chmod(p, 0755);
    char arr[64], outp[PATH_MAX + 32], part[256], tl[128];
    snprintf(arr, sizeof arr, "--array=0-%zu", ntasks - 1);
    snprintf(outp, sizeof outp, "--output=%s/slurm/task-%%a.log", out_abs);
    char *argv[12];
    int k = 0;
    argv[k++] = "sbatch";
    argv[k++] = "--parsable";
    argv[k++] = "--job-name=nc-regress";
    argv[k++] = arr;
    argv[k++] = outp;
    if (o->partition) {
        snprintf(part, sizeof part, "--partition=%s", o->partition);
        argv[k++] = part;
    }
    if (o->time_limit) {
        snprintf(tl, sizeof tl, "--time=%s", o->time_limit);
        argv[k++] = tl;
    }
    argv[k++] = p;
    argv[k] = NULL;
    char buf[4096];
    int st = run_capture(argv, buf, sizeof buf);
    long long jobid = -1;
    if (st != 0 || sscanf(buf, "%lld", &jobid) != 1 || jobid <= 0)
        return nc_err_set(NC_ERR_IO, "sbatch failed (status %d%s%.200s): is Slurm reachable (SLURM_CONF)?",
                          st, buf[0] ? ", output: " : "", buf);
    printf("regress: Slurm job array %lld: %zu tasks of at most %d jobs (%s)\n", jobid, ntasks, o->per_task, p);
    fflush(stdout);
    char jid[32];
    snprintf(jid, sizeof jid, "%lld", jobid);
    char *sq[] = {"squeue", "-h", "-j", jid, "-o", "%i", NULL};
    char *sc[] = {"scancel", jid, NULL};
    struct sigaction sa = {0}, oint, oterm;
    sa.sa_handler = on_stop;
    sigaction(SIGINT, &sa, &oint);
    sigaction(SIGTERM, &sa, &oterm);
    double t0 = nc_now_s(), deadline = t0 + o->timeout_s * (double)o->per_task * (double)ntasks + 300;
    size_t done = 0, failed = 0, gone = 0;
    while (!stop_sig) {
        int q = run_capture(sq, buf, sizeof buf);
        /* squeue forgets a finished array after MinJobAge; an error then is "gone" too */
        bool empty = q != 0 || buf[strspn(buf, " \n")] == '\0';
        done = failed = 0;
        for (size_t i = 0; i < l->n; i++)
            if (!res[i].done) {
                rg_res_t r = {0};
                if (result_read(o->out, &l->jobs[i], &r)) {
                    done++;
                    failed += r.status != 0;
                }
            }
        char what[96];
        snprintf(what, sizeof what, "regress (Slurm %lld): %zu failed; jobs done", jobid, failed);
        nc_progress(what, (double)done, (double)todo);
        if (done == todo || (empty && ++gone >= 2))
            break;
        if (nc_now_s() > deadline) {
            run_capture(sc, buf, sizeof buf);
            nc_progress_end();
            return nc_err_set(NC_ERR_TIMEOUT, "Slurm job %lld still running after %.0f s: cancelled", jobid,
                              deadline - t0);
        }
        struct timespec ts = {0, 500 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
    nc_progress_end();
    sigaction(SIGINT, &oint, NULL);
    sigaction(SIGTERM, &oterm, NULL);
    if (stop_sig) {
        run_capture(sc, buf, sizeof buf);
        return nc_err_set(NC_ERR_IO, "stopped by signal %d: Slurm job %lld cancelled; finished jobs are kept",
                          (int)stop_sig, jobid);
    }
    for (size_t i = 0; i < l->n; i++) {
        if (res[i].done || !result_read(o->out, &l->jobs[i], &res[i]))
            continue;
        (*ran)++;
        if (res[i].status) {
            (*failed_now)++;
            print_failure(o->out, &l->jobs[i], &res[i]);
        }
    }
    return NC_OK;
}

/* One array task: the jobs of lines [id*K, id*K+K) of DIR/slurm/todo, one at a time. */
static int slurm_task(rg_opts_t *o, const rg_list_t *l, rg_res_t *res)
{
    const char *ids = getenv("SLURM_ARRAY_TASK_ID");
    int64_t id;
    if (!ids || nc_parse_int(ids, 0, RG_MAX_JOBS, "SLURM_ARRAY_TASK_ID", &id))
        return nc_err_set(NC_ERR_ARG, "--slurm-task runs inside a Slurm array task (SLURM_ARRAY_TASK_ID)");
    char p[PATH_MAX], line[RG_NAME + 8];
    snprintf(p, sizeof p, "%s/slurm/todo", o->out);
    FILE *f = fopen(p, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open", p);
    for (size_t i = 0; i < l->n; i++)
        res[i].done = true;
    size_t first = (size_t)id * (size_t)o->per_task, n = 0;
    for (size_t ln = 0; fgets(line, sizeof line, f); ln++) {
        if (ln < first || ln >= first + (size_t)o->per_task)
            continue;
        line[strcspn(line, "\n")] = '\0';
        for (size_t i = 0; i < l->n; i++)
            if (!strcmp(l->jobs[i].name, line)) {
                memset(&res[i], 0, sizeof res[i]);
                n++;
            }
    }
    fclose(f);
    o->workers = 1;
    size_t ran = 0, failed = 0;
    printf("task %lld: %zu jobs\n", (long long)id, n);
    return run_local(o, l, res, &ran, &failed);
}

/* ---- merged results ---- */

static int write_merged(const rg_opts_t *o, const rg_list_t *l, const rg_res_t *res, double secs)
{
    char p[PATH_MAX], absdir[PATH_MAX];
    if (!realpath(o->out, absdir))
        snprintf(absdir, sizeof absdir, "%s", o->out);
    nc_row_t *rows = calloc(l->n, sizeof *rows);
    nc_row_links_t *links = calloc(l->n, sizeof *links);
    char **strs = calloc(l->n, sizeof *strs); /* one block per failed job: log, waveform, reproduce */
    if (!rows || !links || !strs) {
        free(rows), free(links), free(strs);
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    }
    int rc = NC_OK;
    size_t n = 0;
    for (size_t i = 0; i < l->n; i++) {
        if (!res[i].done)
            continue;
        nc_row_t *r = &rows[n++];
        const rg_job_t *j = &l->jobs[i];
        snprintf(r->design, sizeof r->design, "%s", j->argv[0]);
        snprintf(r->config, sizeof r->config, "%s", j->name);
        r->sqnr_db = 0.0 / 0.0;
        r->compared = 1;
        r->mismatches = res[i].status ? 1 : 0;
        r->pass = res[i].status == 0;
        char cmd[RG_LINE * 2];
        repro(cmd, sizeof cmd, o->out, j, res[i].waves);
        if (r->pass) {
            snprintf(r->note, sizeof r->note, "%.2f s; %s", res[i].seconds, j->cmdline);
            continue;
        }
        snprintf(r->note, sizeof r->note, "exit status %d after %.2f s; reproduce: %.250s",
                 res[i].status, res[i].seconds, cmd);
        /* a failed job links to its log and waveform (absolute paths) and its reproduce command */
        char rel[PATH_MAX];
        long long bytes;
        bool w = res[i].waves && wave_find(o->out, j, rel, sizeof rel, &bytes);
        size_t cap = 2 * strlen(absdir) + strlen(j->name) + strlen(rel) + strlen(cmd) + 64;
        char *b = strs[n - 1] = malloc(cap);
        if (!b) {
            rc = nc_err_set(NC_ERR_NOMEM, "no memory");
            break;
        }
        int k1 = snprintf(b, cap, "%s/jobs/%s/log", absdir, j->name) + 1;
        int k2 = w ? snprintf(b + k1, cap - (size_t)k1, "%s/%s", absdir, rel) + 1
                   : (b[k1] = '\0', 1);
        snprintf(b + k1 + k2, cap - (size_t)(k1 + k2), "%s", cmd);
        links[n - 1] = (nc_row_links_t){b, b + k1, b + k1 + k2};
    }
    snprintf(p, sizeof p, "%s/results.xml", o->out);
    if (!rc)
        rc = nc_rows_write_junit_links(p, "neurocosim regress", rows, n, secs, links);
    snprintf(p, sizeof p, "%s/results.json", o->out);
    if (!rc)
        rc = nc_rows_write_json_links(p, rows, n, links);
    for (size_t i = 0; i < n; i++)
        free(strs[i]);
    free(rows), free(links), free(strs);
    /* CSV and the report's table: one line per job with its files */
    nc_out_t csv, tsv;
    snprintf(p, sizeof p, "%s/results.csv", o->out);
    if (!rc && !(rc = nc_out_open(&csv, p, 256u << 20, "fewer jobs"))) {
        char tp[PATH_MAX];
        snprintf(tp, sizeof tp, "%s/jobs.tsv", o->out);
        if ((rc = nc_out_open(&tsv, tp, 256u << 20, "fewer jobs"))) {
            nc_out_abort(&csv);
            return rc;
        }
        nc_out_printf(&csv, "job,command,status,seconds,pass,log,waveform,reproduce\n");
        for (size_t i = 0; i < l->n; i++) {
            const rg_job_t *j = &l->jobs[i];
            char cmd[RG_LINE * 2], lp[PATH_MAX], wp[PATH_MAX];
            long long bytes;
            repro(cmd, sizeof cmd, o->out, j, res[i].waves);
            snprintf(lp, sizeof lp, "jobs/%s/log", j->name);
            if (!res[i].waves || !wave_find(o->out, j, wp, sizeof wp, &bytes))
                wp[0] = '\0';
            if (!res[i].done) {
                nc_out_printf(&csv, "%s,\"%s\",,,not run,,,\"%s\"\n", j->name, j->cmdline, cmd);
                nc_out_printf(&tsv, "%s\t%s\t-1\t0\t\t\t%s\n", j->name, j->argv[0], cmd);
                continue;
            }
            nc_out_printf(&csv, "%s,\"%s\",%d,%.3f,%s,%s,%s,\"%s\"\n", j->name, j->cmdline,
                          res[i].status, res[i].seconds, res[i].status ? "FAIL" : "PASS", lp, wp, cmd);
            nc_out_printf(&tsv, "%s\t%s\t%d\t%.3f\t%s\t%s\t%s\n", j->name, j->argv[0], res[i].status,
                          res[i].seconds, lp, wp, cmd);
        }
        rc = nc_out_commit(&csv);
        int rc2 = nc_out_commit(&tsv);
        rc = rc ? rc : rc2;
    }
    return rc;
}

static void regress_usage(FILE *f)
{
    fprintf(f,
            "usage: neurocosim regress --list FILE --out DIR [--jobs N] [--timeout S]\n"
            "                          [--retry-failed] [--dry-run] [--engine local|slurm]\n"
            "                          [--partition P] [--time-limit T] [--per-task K]\n"
            "                          [--max-waves-mb M]\n"
            "Runs every job of a job list (format: docs/REGRESS.md: 'set VAR VALUES...' and\n"
            "'job NAME COMMAND ARGS...', {VAR} expanding to every value) as its own process (a\n"
            "session of its own; a design command runs in a fork of this process, the same as\n"
            "`neurocosim ARGS...`), N at a time, in this folder, and merges the results.\n"
            "  --list FILE       the job list (e.g. tests/regress/smoke.jobs)\n"
            "  --out DIR         results: DIR/jobs/NAME/{cmd,log,result,wave.fst|waves/}, merged into\n"
            "                    DIR/results.xml (JUnit, one testcase per job), results.json,\n"
            "                    results.csv and jobs.tsv (read by neurocosim report --regress DIR)\n"
            "  --jobs N          worker processes, 1..%d (default: the number of processors)\n"
            "  --timeout S       wall-clock bound of one job in seconds, 1..86400 (default %d);\n"
            "                    a job past it is killed and fails with status 124\n"
            "  --retry-failed    also rerun jobs whose result is a failure\n"
            "  --max-waves-mb M  bound of the files a failed job's waveform rerun writes, 1..65536\n"
            "                    MiB (default %d): past it the rerun stops and keeps no waveform\n"
            "  --dry-run         print the expanded jobs (name and command) and stop\n"
            "  --engine E        local (default): N worker processes here; slurm: one job array\n"
            "                    through sbatch (the standard Slurm environment, SLURM_CONF,\n"
            "                    SBATCH_* variables, passes through), K jobs per array task, each\n"
            "                    task running its jobs here one at a time into the same result\n"
            "                    files; progress by polling squeue; DIR must be on a file system\n"
            "                    the nodes share\n"
            "  --partition P     sbatch --partition (slurm)\n"
            "  --time-limit T    sbatch --time, e.g. 30 or 2:00:00 (slurm)\n"
            "  --per-task K      jobs per array task, 1..10000 (slurm; default 4)\n"
            "  -h, --help        this text\n"
            "Resumable: a job whose result exists for the same command is not run again (a\n"
            "killed regression loses no finished job). A failed job prints the exact command\n"
            "that reproduces it and keeps its log; a job with '--waves {waves}' (an option that\n"
            "takes a file: DIR/jobs/NAME/wave.fst) or '--waves {wavedir}' (a folder:\n"
            "DIR/jobs/NAME/waves/, e.g. spice cells) in its command runs without it first and,\n"
            "when it fails, again with its waveform kept in its folder; the JUnit, JSON, CSV\n"
            "and the report link the failed job's log and waveform.\n"
            "A progress line (done/total, failed, ETA) goes to stderr on a terminal (NC_PROGRESS=1\n"
            "forces it).\n"
            "Exit status: 0 every job passed, 1 a job failed (or the run was stopped), 2 bad usage\n"
            "or a bad job list (file:line).\n",
            RG_MAX_WORKERS, RG_TIMEOUT_DEFAULT, RG_WAVES_MB_DEFAULT);
}

int cmd_regress(int argc, char **argv)
{
    static const struct option opts[] = {{"help", no_argument, 0, 'h'},
                                         {"list", required_argument, 0, 'l'},
                                         {"out", required_argument, 0, 'o'},
                                         {"jobs", required_argument, 0, 'j'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"retry-failed", no_argument, 0, 'R'},
                                         {"dry-run", no_argument, 0, 'n'},
                                         {"engine", required_argument, 0, 'e'},
                                         {"partition", required_argument, 0, 'P'},
                                         {"time-limit", required_argument, 0, 'T'},
                                         {"per-task", required_argument, 0, 'K'},
                                         {"slurm-task", no_argument, 0, 'S'},
                                         {"max-waves-mb", required_argument, 0, 'W'},
                                         {0, 0, 0, 0}};
    long np = sysconf(_SC_NPROCESSORS_ONLN);
    rg_opts_t o = {.workers = np > 0 && np <= RG_MAX_WORKERS ? (int)np : 2, .timeout_s = RG_TIMEOUT_DEFAULT,
                   .per_task = 4, .waves_mb = RG_WAVES_MB_DEFAULT};
    bool dry = false;
    int64_t v;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, "hl:o:j:t:Rn", opts, NULL)) != -1) {
        switch (c) {
        case 'h': regress_usage(stdout); return 0;
        case 'l': o.list = optarg; break;
        case 'o': o.out = optarg; break;
        case 'j':
            if (nc_parse_int(optarg, 1, RG_MAX_WORKERS, "--jobs", &v)) {
                fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
                return 2;
            }
            o.workers = (int)v;
            break;
        case 't':
            if (nc_parse_int(optarg, 1, 86400, "--timeout", &v)) {
                fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
                return 2;
            }
            o.timeout_s = (double)v;
            break;
        case 'R': o.retry_failed = true; break;
        case 'n': dry = true; break;
        case 'e':
            if (strcmp(optarg, "local") && strcmp(optarg, "slurm")) {
                fprintf(stderr, "neurocosim regress: --engine '%s': expected local or slurm\n", optarg);
                return 2;
            }
            o.slurm = !strcmp(optarg, "slurm");
            break;
        case 'P': o.partition = optarg; break;
        case 'T': o.time_limit = optarg; break;
        case 'K':
            if (nc_parse_int(optarg, 1, 10000, "--per-task", &v)) {
                fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
                return 2;
            }
            o.per_task = (int)v;
            break;
        case 'S': o.slurm_task = true; break;
        case 'W':
            if (nc_parse_int(optarg, 1, 65536, "--max-waves-mb", &v)) {
                fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
                return 2;
            }
            o.waves_mb = (int)v;
            break;
        default: fprintf(stderr, "neurocosim regress: see neurocosim regress --help\n"); return 2;
        }
    }
    if (optind < argc || !o.list || (!o.out && !dry)) {
        fprintf(stderr, "neurocosim regress: %s (see neurocosim regress --help)\n",
                optind < argc ? "unexpected argument" : "--list FILE and --out DIR are required");
        return 2;
    }
    rg_list_t l = {0};
    if (list_read(o.list, &l)) {
        fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
        return 2;
    }
    if (dry) {
        for (size_t i = 0; i < l.n; i++)
            printf("%s\t%s\n", l.jobs[i].name, l.jobs[i].cmdline);
        printf("%zu jobs\n", l.n);
        list_free(&l);
        return 0;
    }
    char probe[PATH_MAX];
    snprintf(probe, sizeof probe, "%s/results.xml", o.out);
    if (strlen(o.out) > PATH_MAX / 2 || nc_mkdir_p(o.out) || nc_out_check(probe)) {
        fprintf(stderr, "neurocosim regress: --out %s: %s\n", o.out, nc_err_msg());
        list_free(&l);
        return 2;
    }
    rg_res_t *res = calloc(l.n, sizeof *res);
    if (!res) {
        list_free(&l);
        return 1;
    }
    if (o.slurm_task) {
        int trc = slurm_task(&o, &l, res);
        if (trc)
            fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
        free(res);
        list_free(&l);
        return trc ? 1 : 0;
    }
    size_t skipped = 0;
    for (size_t i = 0; i < l.n; i++)
        if (result_read(o.out, &l.jobs[i], &res[i])) {
            if (o.retry_failed && res[i].status) {
                memset(&res[i], 0, sizeof res[i]);
                continue;
            }
            res[i].skipped = true;
            skipped++;
        }
    if (o.slurm)
        printf("regress: %zu jobs from %s, %zu already done (kept), %zu to run on Slurm\n", l.n,
               o.list, skipped, l.n - skipped);
    else
        printf("regress: %zu jobs from %s, %zu already done (kept), %zu to run on %d workers\n", l.n,
               o.list, skipped, l.n - skipped, o.workers);
    fflush(stdout);
    double t0 = nc_now_s();
    size_t ran = 0, failed_now = 0;
    int rc = o.slurm ? run_slurm(&o, &l, res, &ran, &failed_now) : run_local(&o, &l, res, &ran, &failed_now);
    double secs = nc_now_s() - t0;
    if (rc)
        fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
    size_t passed = 0, failed = 0, missing = 0;
    for (size_t i = 0; i < l.n; i++) {
        if (!res[i].done)
            missing++;
        else if (res[i].status)
            failed++;
        else
            passed++;
    }
    int wrc = write_merged(&o, &l, res, secs);
    if (wrc)
        fprintf(stderr, "neurocosim regress: %s\n", nc_err_msg());
    printf("regress: %zu jobs: %zu passed, %zu failed%s%.0zu%s (%zu run now in %.1f s, %zu kept from before)\n",
           l.n, passed, failed, missing ? ", " : "", missing, missing ? " not run" : "", ran, secs, skipped);
    printf("results: %s/results.xml, results.json, results.csv\n", o.out);
    free(res);
    list_free(&l);
    return rc || wrc || failed || missing ? 1 : 0;
}
