/* main.c - the neurocosim command-line tool: dispatch to one design's subcommand, or `run`
 * every design's validation (each in its own process: libngspice allows one instance per
 * process, and a crash in one design must not hide the others' results). */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "designs.h"
#include "nc_util.h"
#include "vmodel.h"

struct design {
    const char *name;
    int (*cmd)(int, char **);
    int (*validate)(nc_report_t *);
    const char *what;
};

static const struct design designs[] = {
    {"fftconv", cmd_fftconv, validate_fftconv, "FFT long-convolution accelerator (RTL)"},
    {"snn", cmd_snn, validate_snn, "spiking LIF core with delays and astrocytes (RTL)"},
    {"spice", cmd_spice, validate_spice, "SFQ cells and the deep XOR network (ngspice)"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: neurocosim <command> [options]\n\ncommands:\n");
    fprintf(f, "  run                 co-simulate every design on its defaults; print the "
               "validation report\n");
    for (size_t i = 0; i < NC_ARRAY_LEN(designs); i++)
        fprintf(f, "  %-19s %s (neurocosim %s --help)\n", designs[i].name, designs[i].what,
                designs[i].name);
    fprintf(f, "  models              list the RTL configurations built into this binary\n");
    fprintf(f, "\nexit status: 0 on success, 1 on a failed check, 2 on bad usage or input.\n");
}

static int run_all(int argc, char **argv)
{
    const char *only = argc > 1 ? argv[1] : NULL;
    printf("neurocosim validation report: every design co-simulated on its defaults and "
           "compared with its golden model\n\n");
    nc_report_header();
    int failed = 0, ran = 0;
    double t0 = nc_now_s();
    for (size_t i = 0; i < NC_ARRAY_LEN(designs); i++) {
        if (only && strcmp(only, designs[i].name) != 0)
            continue;
        ran++;
        fflush(stdout);
        pid_t pid = fork();
        if (pid == 0) {
            nc_report_t r = {0, 0};
            int rc = designs[i].validate(&r);
            fflush(stdout);
            _exit(rc != 0 || r.failures != 0 || r.rows == 0 ? 1 : 0);
        }
        int st = 0;
        if (pid < 0 || waitpid(pid, &st, 0) < 0) {
            perror("neurocosim run: fork");
            return 1;
        }
        if (!WIFEXITED(st) || WEXITSTATUS(st) != 0) {
            failed++;
            if (WIFSIGNALED(st))
                printf("%-8s crashed with signal %d\n", designs[i].name, WTERMSIG(st));
        }
    }
    if (!ran) {
        fprintf(stderr, "neurocosim run: no design named '%s'\n", only);
        return 2;
    }
    printf("\nvalidation: %d passed, %d failed (%.1f s)\n", ran - failed, failed,
           nc_now_s() - t0);
    return failed ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
        !strcmp(argv[1], "help")) {
        usage(argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (!strcmp(argv[1], "run"))
        return run_all(argc - 1, argv + 1);
    if (!strcmp(argv[1], "models")) {
        for (const vmodel_class_t *const *c = vmodel_classes; *c; c++)
            printf("%-14s top %-16s %s\n", (*c)->name, (*c)->top, (*c)->params);
        return 0;
    }
    for (size_t i = 0; i < NC_ARRAY_LEN(designs); i++)
        if (!strcmp(argv[1], designs[i].name))
            return designs[i].cmd(argc - 1, argv + 1);
    fprintf(stderr, "neurocosim: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
