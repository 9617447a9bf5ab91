/* support.c - scratch files of the fuzz targets (fuzz.h). */
#include "fuzz.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define FUZZ_SLOTS 4

static char dir[256];
static char paths[FUZZ_SLOTS][300], outs[FUZZ_SLOTS][300];

static void cleanup(void)
{
    for (int i = 0; i < FUZZ_SLOTS; i++) {
        unlink(paths[i]);
        unlink(outs[i]);
    }
    /* Outputs written atomically leave nothing else; remove any stray temporary anyway. */
    rmdir(dir);
}

static void setup(void)
{
    if (dir[0])
        return;
    const char *base = getenv("TMPDIR");
    struct stat st;
    if (stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) && access("/dev/shm", W_OK) == 0)
        base = "/dev/shm";
    else if (!base || !*base)
        base = "/tmp";
    snprintf(dir, sizeof dir, "%s/nc_fuzz_XXXXXX", base);
    FUZZ_CHECK(mkdtemp(dir) != NULL, "cannot create a scratch directory under %s", base);
    for (int i = 0; i < FUZZ_SLOTS; i++) {
        snprintf(paths[i], sizeof paths[i], "%s/in%d", dir, i);
        snprintf(outs[i], sizeof outs[i], "%s/out%d", dir, i);
    }
    atexit(cleanup);
}

const char *fuzz_file(int slot, const uint8_t *data, size_t size)
{
    setup();
    FUZZ_CHECK(slot >= 0 && slot < FUZZ_SLOTS, "slot %d", slot);
    FILE *f = fopen(paths[slot], "wb");
    FUZZ_CHECK(f != NULL, "cannot create %s", paths[slot]);
    FUZZ_CHECK(size == 0 || fwrite(data, 1, size, f) == size, "cannot write %s", paths[slot]);
    FUZZ_CHECK(fclose(f) == 0, "cannot write %s", paths[slot]);
    return paths[slot];
}

const char *fuzz_out_path(int slot)
{
    setup();
    FUZZ_CHECK(slot >= 0 && slot < FUZZ_SLOTS, "slot %d", slot);
    return outs[slot];
}
