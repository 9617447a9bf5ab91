/* bus_mmio.c - bus_t over a memory-mapped region (UIO device, /dev/mem, or a plain file). */
#define _POSIX_C_SOURCE 200809L
#include "bus.h"
#include "nc_error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct mmio {
    bus_t bus;
    volatile uint32_t *base;
    size_t len;
    int fd;
    char name[256];
};

static int mmio_read32(void *ctx, uint32_t addr, uint32_t *val)
{
    struct mmio *m = ctx;
    *val = m->base[addr / 4u];
    return NC_OK;
}

static int mmio_write32(void *ctx, uint32_t addr, uint32_t val)
{
    struct mmio *m = ctx;
    m->base[addr / 4u] = val;
    return NC_OK;
}

static void mmio_idle(void *ctx, uint32_t cycles)
{
    (void)ctx;
    /* Hardware runs on its own; yield the CPU for roughly `cycles` at 100 MHz, at least 1 us. */
    struct timespec ts = {0, (long)(cycles < 100 ? 1000 : cycles * 10L)};
    nanosleep(&ts, NULL);
}

static void mmio_close(void *ctx)
{
    struct mmio *m = ctx;
    munmap((void *)m->base, m->len);
    close(m->fd);
    free(m);
}

static const struct bus_ops mmio_ops = {
    .read32 = mmio_read32,
    .write32 = mmio_write32,
    .idle = mmio_idle,
    .close = mmio_close,
};

int bus_mmio_open(const char *path, uint64_t offset, uint32_t size, bus_t **out)
{
    *out = NULL;
    long page = sysconf(_SC_PAGESIZE);
    if (size == 0 || (size & 3u))
        return nc_err_set(NC_ERR_ARG, "mmio:%s: size %u must be a non-zero multiple of 4", path,
                          size);
    if (offset % (uint64_t)page)
        return nc_err_set(NC_ERR_ALIGN, "mmio:%s: offset 0x%llx is not page-aligned (%ld)", path,
                          (unsigned long long)offset, page);
    int fd = open(path, O_RDWR | O_SYNC);
    if (fd < 0)
        return nc_err_set(NC_ERR_IO, "mmio:%s: cannot open: %s", path, strerror(errno));
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
        (uint64_t)st.st_size < offset + size) {
        close(fd);
        return nc_err_set(NC_ERR_RANGE, "mmio:%s: file has %lld bytes, window needs %llu", path,
                          (long long)st.st_size, (unsigned long long)(offset + size));
    }
    void *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)offset);
    if (p == MAP_FAILED) {
        int e = errno;
        close(fd);
        return nc_err_set(NC_ERR_IO, "mmio:%s: mmap of %u bytes at 0x%llx failed: %s", path, size,
                          (unsigned long long)offset, strerror(e));
    }
    struct mmio *m = calloc(1, sizeof *m);
    if (!m) {
        munmap(p, size);
        close(fd);
        return nc_err_set(NC_ERR_NOMEM, "mmio:%s: out of memory", path);
    }
    m->base = p;
    m->len = size;
    m->fd = fd;
    snprintf(m->name, sizeof m->name, "mmio:%s", path);
    m->bus = (bus_t){.ops = &mmio_ops, .ctx = m, .name = m->name, .size = size};
    *out = &m->bus;
    return NC_OK;
}
