/*
 * replay_main.c - runs a fuzz target's LLVMFuzzerTestOneInput on saved inputs, without
 * libFuzzer: the regression replay of `make test` (docs/DEVELOPING.md, "Fuzzing").
 *
 *   fuzz_<design>_<what> [--no-fork] [--timeout S] FILE|DIR...
 *
 * Every FILE, and every regular file in each DIR (not recursive, in name order), is one input.
 * Each runs in a child process, so a crash, a sanitizer report, a failed check (abort) or a
 * leak fails that input alone and the others still run; an input running longer than the
 * timeout (default 30 s) is killed and fails. Prints a line per failed input and a summary:
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

#include "nc_error.h"
#include "nc_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define REPLAY_MAX_INPUT (16u << 20) /* larger inputs are refused: the committed ones are small */

static int no_fork;
static unsigned timeout_s = 30;
static unsigned long passed, failed;

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

/* Runs one input; returns 0 when it passed. */
static int run_one(const char *path)
{
    size_t size = 0;
    uint8_t *data = slurp(path, &size);
    if (!data)
        return 2;
    if (no_fork) {
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        return 0;
    }
    fflush(NULL);
    pid_t pid = fork();
    if (pid < 0) {
        fprintf(stderr, "fuzz replay: fork: %s\n", strerror(errno));
        free(data);
        return 2;
    }
    if (pid == 0) {
        alarm(timeout_s); /* SIGALRM kills the child: a hang fails the input */
        LLVMFuzzerTestOneInput(data, size);
        free(data);
        exit(0); /* runs the leak check of a sanitized build */
    }
    free(data);
    int st = 0;
    while (waitpid(pid, &st, 0) < 0)
        if (errno != EINTR) {
            fprintf(stderr, "fuzz replay: waitpid: %s\n", strerror(errno));
            return 2;
        }
    if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
        return 0;
    if (WIFSIGNALED(st))
        fprintf(stderr, "fuzz replay: FAIL %s: %s%s\n", path, strsignal(WTERMSIG(st)),
                WTERMSIG(st) == SIGALRM ? " (timed out)" : "");
    else
        fprintf(stderr, "fuzz replay: FAIL %s: exit status %d\n", path, WEXITSTATUS(st));
    return 1;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of `dir` in name order; returns 2 when the directory is unreadable. */
static int run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "fuzz replay: %s: cannot open: %s\n", dir, strerror(errno));
        return 2;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    int rc = 0;
    struct dirent *de;
    while ((de = readdir(d))) {
        if (de->d_name[0] == '.')
            continue; /* ., .., and hidden files such as .gitkeep */
        size_t len = strlen(dir) + strlen(de->d_name) + 2;
        char *path = malloc(len);
        if (!path) {
            rc = 2;
            break;
        }
        snprintf(path, len, "%s/%s", dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (n == cap) {
            char **nn = realloc(names, (cap = cap ? 2 * cap : 64) * sizeof *nn);
            if (!nn) {
                free(path);
                rc = 2;
                break;
            }
            names = nn;
        }
        names[n++] = path;
    }
    closedir(d);
    if (n)
        qsort(names, n, sizeof *names, by_name);
    for (size_t i = 0; i < n; i++) {
        int r = rc == 2 ? 2 : run_one(names[i]);
        if (r == 0)
            passed++;
        else if (r == 1)
            failed++;
        else
            rc = 2;
        free(names[i]);
    }
    free(names);
    return rc;
}

static void usage(FILE *f, const char *prog)
{
    fprintf(f,
            "usage: %s [--no-fork] [--timeout S] FILE|DIR...\n"
            "Runs this fuzz target on saved inputs (each file, and each file of each DIR), each in a\n"
            "child process; prints a line per failed input and 'fuzz replay NAME: N passed, M failed'.\n"
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
        int r;
        if (stat(argv[i], &st) != 0) {
            fprintf(stderr, "fuzz replay: %s: %s\n", argv[i], strerror(errno));
            r = 2;
        } else if (S_ISDIR(st.st_mode)) {
            r = run_dir(argv[i]);
        } else {
            r = run_one(argv[i]);
            passed += r == 0;
            failed += r == 1;
        }
        if (r == 2)
            rc = 2;
    }
    const char *name = strrchr(argv[0], '/');
    printf("fuzz replay %s: %lu passed, %lu failed\n", name ? name + 1 : argv[0], passed, failed);
    return rc ? rc : failed ? 1 : 0;
}
