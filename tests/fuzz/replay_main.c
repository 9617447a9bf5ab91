/*
 * replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs, without
 * libFuzzer: the regression replay of `make test` (docs/DEVELOPING.md, "Fuzzing").
 *
 *   fuzz_<design>_<what> [--no-fork] [--timeout S] FILE|DIR...
 *
 * Every FILE, and every regular file in each DIR (not recursive, in name order), is one input.
 * All inputs run in one child process (fast: a sanitized process starts once); when that child
 * fails (a crash, a sanitizer report, a failed check, a leak, an input running longer than the
 * timeout), each input runs again in a child of its own, so the failing ones are named and the
 * others still pass. Prints a line per failed input and a summary:
 *   fuzz replay <name>: N passed, M failed
 * Exit status: 0 all passed, 1 an input failed, 2 bad usage or an unreadable input.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuzz.h"
#include "nc_error.h"
#include "nc_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (16u << 20) /* larger inputs are refused: the committed ones are small */

static int no_fork;
static unsigned timeout_s = 30;

/* Reads a whole file (at most REPLAY_MAX_INPUT bytes). */
static uint8_t *slurp(const char *path, size_t *size)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "fuzz replay: %s: cannot open: %s\n", path, strerror(errno));
        return NULL;
    }
    uint8_t *buf = malloc(REPLAY_MAX_INPUT + 1);
    size_t n = buf ? fread(buf, 1, REPLAY_MAX_INPUT + 1, f) : 0;
    int bad = !buf || ferror(f) || n > REPLAY_MAX_INPUT;
    fclose(f);
    if (bad) {
        fprintf(stderr, "fuzz replay: %s: cannot read it, or larger than %u bytes\n", path, REPLAY_MAX_INPUT);
        free(buf);
        return NULL;
    }
    *size = n;
    return buf;
}

/* Runs one input in this process (the caller is a child, or --no-fork). */
static int run_here(const char *path)
{
    size_t size = 0;
    uint8_t *data = slurp(path, &size);
    if (!data)
        return 2;
    alarm(timeout_s); /* SIGALRM kills the process: a hang fails the input */
    LLVMFuzzerTestOneInput(data, size);
    alarm(0);
    free(data);
    return 0;
}

/* Runs inputs [0, n) in one child process; returns 0 when the child ended cleanly. */
static int run_child(char **list, size_t n)
{
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "fuzz replay: fork: %s\n", strerror(errno));
        return 2;
    }
    if (pid == 0) {
        int rc = 0;
        for (size_t i = 0; i < n; i++)
            if (run_here(list[i]))
                rc = 2;
        exit(rc); /* exit, not _exit: runs the leak check of a sanitized build */
    }
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "fuzz replay: waitpid: %s\n", strerror(errno));
            return 2;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (n == 1) {
        if (WIFSIGNALED(st))
            fprintf(stderr, "fuzz replay: FAIL %s: %s%s\n", list[0], strsignal(WTERMSIG(st)),
                    WTERMSIG(st) == SIGALRM ? " (timed out)" : "");
        else if (WEXITSTATUS(st) != 2)
            fprintf(stderr, "fuzz replay: FAIL %s: exit status %d\n", list[0], WEXITSTATUS(st));
        return WIFEXITED(st) && WEXITSTATUS(st) == 2 ? 2 : 1;
    }
    return 1;
}

static char **paths;
static size_t n_paths, cap_paths;

static int add_path(const char *p)
{
    if (n_paths == cap_paths) {
        size_t cap = cap_paths ? 2 * cap_paths : 64;
        char **np = realloc(paths, cap * sizeof *np);
        if (!np)
            return 2;
        paths = np;
        cap_paths = cap;
    }
    if (!(paths[n_paths] = strdup(p)))
        return 2;
    n_paths++;
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds every regular file of `dir` in name order; returns 2 when the directory is unreadable. */
static int add_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz replay: %s: cannot open: %s\n", dir, strerror(errno));
        return 2;
    }
    size_t first = n_paths;
    int rc = 0;
    struct dirent *de;
    while (rc == 0 && (de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files such as .gitkeep */
        char path[4096];
        struct stat st;
        if (snprintf(path, sizeof path, "%s/%s", dir, de->d_name) >= (int)sizeof path || stat(path, &st) != 0 ||
            !S_ISREG(st.st_mode))
            continue;
        rc = add_path(path);
    }
    closedir(d);
    if (n_paths > first)
        qsort(paths + first, n_paths - first, sizeof *paths, by_name);
    return rc;
}

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--no-fork] [--timeout S] FILE|DIR...\n"
            "Runs this fuzz target on saved inputs (each file, and each file of each DIR) in a child\n"
            "process (one per input once one fails); prints a line per failed input and\n"
            "'fuzz replay NAME: N passed, M failed'.\n"
            "  --no-fork      run the inputs in this process (for a debugger; stops at the first crash)\n"
            "  --timeout S    kill an input after S seconds, 1..3600 (default 30)\n"
            "  --help         this text\n"
            "Exit status: 0 all passed, 1 an input failed, 2 bad usage or an unreadable input.\n",
            prog);
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {{"no-fork", no_argument, 0, 'n'},
                                         {"timeout", required_argument, 0, 't'},
                                         {"help", no_argument, 0, 'h'},
                                         {0, 0, 0, 0}};
    int c;
    int64_t t;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            no_fork = 1;
            break;
        case 't':
            if (nc_parse_int(optarg, 1, 3600, "--timeout", &t) != 0) {
                fprintf(stderr, "%s\n", nc_err_msg());
                return 2;
            }
            timeout_s = (unsigned)t;
            break;
        case 'h':
            usage(stdout, argv[0]);
            return 0;
        default:
            usage(stderr, argv[0]);
            return 2;
        }
    }
    if (optind == argc) {
        usage(stderr, argv[0]);
        return 2;
    }
    int rc = 0;
    for (int i = optind; i < argc; i++) {
        struct stat st;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz replay: %s: %s\n", argv[i], strerror(errno));
            rc = 2;
        } else if (S_ISDIR(st.st_mode) ? add_dir(argv[i]) : add_path(argv[i])) {
            rc = 2;
        }
    }
    unsigned long passed = 0, failed = 0;
    fuzz_scratch_init(); /* owned by this process: removed even when a child crashes */
    if (n_paths == 0) {
        fprintf(stderr, "fuzz replay: no inputs found (every target needs a seed corpus)\n");
        rc = 2;
    } else if (no_fork) {
        for (size_t i = 0; i < n_paths; i++)
            if (run_here(paths[i]))
                rc = 2;
            else
                passed++;
    } else if (n_paths && run_child(paths, n_paths) == 0) {
        passed = n_paths;
    } else {
        /* Something failed: one child per input names the failing ones. */
        for (size_t i = 0; i < n_paths; i++) {
            int r = run_child(&paths[i], 1);
            passed += r == 0;
            failed += r == 1;
            if (r == 2)
                rc = 2;
        }
    }
    for (size_t i = 0; i < n_paths; i++)
        free(paths[i]);
    free(paths);
    const char *name = strrchr(argv[0], '/');
    printf("fuzz replay %s: %lu passed, %lu failed\n", name ? name + 1 : argv[0], passed, failed);
    return rc ? rc : failed ? 1 : 0;
}
