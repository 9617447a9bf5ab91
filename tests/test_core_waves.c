/* test_core_waves.c - make waves opens a waveform with the layout that fits its content, not
 * its name (cosim/waves.sh): an RTL trace under any file name gets its IP's saved layout;
 * a file that is not an FST, or no file, is refused with exit 2. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "nc_test.h"
#include "vmodel.h"

static char out[8192];

static int waves_print(const char *path)
{
    return nc_test_sh(out, sizeof out, 60, "cosim/waves.sh --print %s", path);
}

Test(core_waves, layout_is_chosen_by_content, .timeout = 60)
{
    char path[512];
    snprintf(path, sizeof path, "%s/zz_renamed_%d.fst", nc_test_wave_dir(), (int)getpid());
    vmodel_t *m = vmodel_open_name("scratch");
    cr_assert(m, "%s", nc_err_msg());
    cr_assert_eq(vmodel_trace_open(m, path), NC_OK, "%s", nc_err_msg());
    uint32_t v = 0;
    cr_assert_eq(vmodel_write32(m, 0x100, 0x1234), NC_OK, "%s", nc_err_msg());
    cr_assert_eq(vmodel_read32(m, 0x100, &v), NC_OK, "%s", nc_err_msg());
    vmodel_step(m, 8);
    vmodel_trace_close(m);
    vmodel_close(m);
    cr_assert_eq(waves_print(path), 0, "%s", out);
    cr_assert(strstr(out, "rtl/scratch/scratch.gtkw") && strstr(out, path), "%s", out);
    unlink(path);
}

Test(core_waves, missing_or_foreign_files_are_refused, .timeout = 30)
{
    cr_assert_eq(waves_print("/nonexistent/dir/w.fst"), 2, "%s", out);
    cr_assert(strstr(out, "no such file"), "%s", out);
    char path[64];
    snprintf(path, sizeof path, "/tmp/nc_notfst_%d.fst", (int)getpid());
    FILE *f = fopen(path, "w");
    cr_assert(f);
    fputs("this is not a waveform\n", f);
    fclose(f);
    cr_assert_eq(waves_print(path), 2, "%s", out);
    cr_assert(strstr(out, "not an FST"), "%s", out);
    unlink(path);
}
