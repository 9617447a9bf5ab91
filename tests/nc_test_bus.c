/* nc_test_bus.c - see nc_test_bus.h. */
#define _GNU_SOURCE
#include "nc_test_bus.h"

#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include "nc_error.h"
#include "nc_platform.h"

#define DEV_BASE 0x40000000u
#define DEV_SIZE (1u << 24)

const char *nc_backend_name(nc_backend_t be)
{
    static const char *const names[] = {"vmodel", "tlm", "mmio"};
    return be < NC_BE_COUNT ? names[be] : "?";
}

uint64_t nc_tb_cycles(const nc_tb_t *tb) { return vmodel_cycles(tb->vm); }
bool nc_tb_irq(const nc_tb_t *tb) { return vmodel_irq(tb->vm); }

/* ---- NC_BE_TLM ---- */
struct tlm_run {
    const char *model;
    void (*body)(nc_tb_t *, void *);
    void *arg;
};

static int tlm_prog(nc_platform_t *p, void *varg)
{
    struct tlm_run *r = varg;
    nc_tb_t tb = {NC_BE_TLM, nc_platform_bus(p, "dev"), nc_platform_vmodel(p, "dev")};
    cr_assert(tb.bus && tb.vm, "%s", nc_err_msg());
    r->body(&tb, r->arg);
    return NC_OK;
}

/* ---- NC_BE_MMIO: a trapping mapping in front of the model ---- */
static struct {
    unsigned char *base;
    size_t size;
    vmodel_t *vm;
    bus_t *inner; /* the real bus_mmio backend */
    bus_t outer;  /* what the driver gets: the backend, plus device time and the irq line */
    uint64_t traps;
} mm;

/* x86-64 register numbers (ModRM order) -> ucontext registers */
static const int greg_of[16] = {REG_RAX, REG_RCX, REG_RDX, REG_RBX, REG_RSP, REG_RBP,
                                REG_RSI, REG_RDI, REG_R8,  REG_R9,  REG_R10, REG_R11,
                                REG_R12, REG_R13, REG_R14, REG_R15};

static void mm_die(const char *why, const unsigned char *ip)
{
    /* Not an access this emulation knows: say so and stop (never guess). */
    char msg[160];
    int n = snprintf(msg, sizeof msg, "nc_test_bus mmio: %s at rip %p (bytes %02x %02x %02x %02x)\n",
                     why, (const void *)ip, ip[0], ip[1], ip[2], ip[3]);
    if (write(2, msg, (size_t)n) < 0) {
    }
    abort();
}

static void mm_segv(int sig, siginfo_t *si, void *uctx)
{
    unsigned char *a = si->si_addr;
    if (!mm.base || a < mm.base || a >= mm.base + mm.size) { /* a real crash: default action */
        signal(sig, SIG_DFL);
        return;
    }
    ucontext_t *uc = uctx;
    greg_t *g = uc->uc_mcontext.gregs;
    const unsigned char *ip = (const unsigned char *)g[REG_RIP];
    size_t i = 0;
    unsigned rex = 0;
    if ((ip[i] & 0xf0) == 0x40)
        rex = ip[i++];
    unsigned op = ip[i++];
    if ((op != 0x8b && op != 0x89) || (rex & 8))
        mm_die("not a 32-bit mov", ip);
    unsigned modrm = ip[i++], mod = modrm >> 6, rm = modrm & 7;
    unsigned reg = ((modrm >> 3) & 7) | ((rex & 4) ? 8 : 0);
    if (mod == 3)
        mm_die("register operand", ip);
    if (rm == 4) { /* SIB */
        unsigned sib = ip[i++];
        if (mod == 0 && (sib & 7) == 5)
            i += 4;
    }
    if (mod == 0 && rm == 5)
        i += 4;
    else if (mod == 1)
        i += 1;
    else if (mod == 2)
        i += 4;
    uint32_t off = (uint32_t)(a - mm.base);
    mm.traps++;
    if (op == 0x8b) {
        uint32_t v = 0;
        if (vmodel_read32(mm.vm, off, &v) != NC_OK)
            v = 0xffffffffu; /* what a refused read gives on a real bus */
        g[greg_of[reg]] = (greg_t)(uint64_t)v; /* a 32-bit load zero-extends */
    } else {
        (void)!vmodel_write32(mm.vm, off, (uint32_t)g[greg_of[reg]]);
    }
    g[REG_RIP] += (greg_t)i;
}

static int mm_read(void *ctx, uint32_t addr, uint32_t *val)
{
    (void)ctx;
    return bus_read32(mm.inner, addr, val);
}
static int mm_write(void *ctx, uint32_t addr, uint32_t val)
{
    (void)ctx;
    return bus_write32(mm.inner, addr, val);
}
static void mm_idle(void *ctx, uint32_t cycles)
{
    /* Device time passes while the host waits (the backend's own idle would only sleep in
     * wall-clock time, which an emulated device does not follow). */
    (void)ctx;
    vmodel_step(mm.vm, cycles ? cycles : 1);
}
static int mm_wait_irq(void *ctx, uint32_t max_cycles)
{
    (void)ctx;
    return vmodel_wait_irq(mm.vm, max_cycles) ? 1 : 0;
}
static const struct bus_ops mm_ops = {mm_read, mm_write, mm_idle, NULL, NULL, NULL, mm_wait_irq};

static bus_t *mm_open(vmodel_t *vm)
{
    int fd = memfd_create("nc_mmio_dev", 0);
    cr_assert(fd >= 0 && ftruncate(fd, DEV_SIZE) == 0, "memfd");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    cr_assert_eq(bus_mmio_open(path, 0, DEV_SIZE, &mm.inner), NC_OK, "%s", nc_err_msg());
    close(fd);
    /* Find the backend's mapping and make every access to it trap. */
    FILE *f = fopen("/proc/self/maps", "r");
    cr_assert(f);
    char line[512];
    unsigned long lo = 0, hi = 0;
    while (fgets(line, sizeof line, f))
        if (strstr(line, "memfd:nc_mmio_dev") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
            break;
    fclose(f);
    cr_assert(hi - lo == DEV_SIZE, "the mmio mapping was not found");
    mm.base = (unsigned char *)lo;
    mm.size = DEV_SIZE;
    mm.vm = vm;
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = mm_segv;
    sa.sa_flags = SA_SIGINFO;
    sigemptyset(&sa.sa_mask);
    cr_assert_eq(sigaction(SIGSEGV, &sa, NULL), 0);
    cr_assert_eq(mprotect(mm.base, mm.size, PROT_NONE), 0);
    mm.outer = (bus_t){&mm_ops, NULL, "mmio(trapped):dev", DEV_SIZE};
    return &mm.outer;
}

static void mm_close(void)
{
    mprotect(mm.base, mm.size, PROT_READ | PROT_WRITE);
    signal(SIGSEGV, SIG_DFL);
    mm.base = NULL;
    bus_close(mm.inner);
}

void nc_tb_run(nc_backend_t be, const char *model, void (*body)(nc_tb_t *, void *), void *arg)
{
    if (be == NC_BE_TLM) {
        nc_platform_t *p = nc_platform_create(NULL);
        cr_assert(p, "%s", nc_err_msg());
        cr_assert_eq(nc_platform_add_sram(p, "sram", 0, 1u << 16), NC_OK, "%s", nc_err_msg());
        cr_assert_eq(nc_platform_add_vmodel(p, "dev", model, DEV_BASE, DEV_SIZE), NC_OK, "%s",
                     nc_err_msg());
        struct tlm_run r = {model, body, arg};
        int rc = nc_platform_run(p, tlm_prog, &r);
        cr_assert_eq(rc, NC_OK, "platform: %s", nc_err_msg());
        nc_platform_destroy(p);
        return;
    }
    vmodel_t *vm = vmodel_open_name(model);
    cr_assert(vm, "%s", nc_err_msg());
    nc_tb_t tb = {be, be == NC_BE_MMIO ? mm_open(vm) : vmodel_bus(vm), vm};
    body(&tb, arg);
    if (be == NC_BE_MMIO)
        mm_close();
    vmodel_close(vm);
}
