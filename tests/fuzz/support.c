/* support.c - scratch files of the fuzz targets (fuzz.h). */
#include "fuzz.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define FUZZ_SLOTS 4

static char dir[256];
static char paths[FUZZ_SLOTS][300], outs[FUZZ_SLOTS][300];
static pid_t owner; /* the process that made dir removes it; forked children leave it */

static void cleanup(void)
{
    if (getpid() != owner)
        return;
    /* The slot files, and any temporary an atomic writer left when a child crashed. */
    DIR *d = opendir(dir);
    struct dirent *de;
    char p[600];
    while (d && (de = readdir(d)))
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
            snprintf(p, sizeof p, "%s/%s", dir, de->d_name) < (int)sizeof p)
            unlink(p);
    if (d)
        closedir(d);
    rmdir(dir);
}

void fuzz_scratch_init(void)
{
    if (dir[0])
        return;
    const char *base = getenv("NC_FUZZ_TMPDIR"), *tmp = getenv("TMPDIR");
    struct stat st;
    if (base && *base)
        ;
    else if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    else
        base = tmp && *tmp ? tmp : "/tmp";
    snprintf(dir, sizeof dir, "%s/nc_fuzz_XXXXXX", base);
    FUZZ_CHECK(mkdtemp(dir) != NULL, "cannot create a scratch directory under %s", base);
    for (int i = 0; i < FUZZ_SLOTS; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/in%d", dir, i);
        snprintf(outs[i], sizeof outs[i], "%s/out%d", dir, i);
    }
    owner = getpid();
    atexit(cleanup);
}

const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    fuzz_scratch_init();
    FUZZ_CHECK(slot >= 0 && slot < FUZZ_SLOTS, "slot %d", slot);
    FILE *f = fopen(paths[slot], "wb");
    FUZZ_CHECK(f != NULL, "cannot create %s", paths[slot]);
    FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size, "cannot write %s", paths[slot]);
    FUZZ_CHECK(fclose(f) == 0, "cannot write %s", paths[slot]);
    return paths[slot];
}

const char *fuzz_out_path(int slot)
{
    fuzz_scratch_init();
    FUZZ_CHECK(slot >= 0 && slot < FUZZ_SLOTS, "slot %d", slot);
    return outs[slot];
}
