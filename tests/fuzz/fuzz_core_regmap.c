/*
 * fuzz_core_regmap.c - the register-map description parser of the build tool
 * (host/common/regmap_gen.c: regmap_parse) and its three emitters.
 *
 * Properties checked on every input:
 *  - a parse that fails leaves no entries and names <file>:<line>;
 *  - a parse that succeeds gives entries inside the documented ranges (offsets and windows in
 *    the 24-bit bus space, fields inside 32 bits, accesses RW/RO/W1C/WO, descriptions that
 *    cannot end a C comment), and every emitter runs on it (UBSan watches the mask shifts);
 *  - the file reader (regmap_read) gives the same result as the buffer parser.
 */
#define NC_REGMAP_NO_MAIN
#include "regmap_gen.c"

#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_maps(const struct regmap *a, const struct regmap *b)
{
    return a->n == b->n && (a->n == 0 || memcmp(a->ents, b->ents, a->n * sizeof *a->ents) == 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char name[] = "fuzz.def";
    struct regmap m;
    int rc = regmap_parse((const char *)data, size, name, &m);
    if (rc) {
        const char *msg = nc_err_msg();
        FUZZ_CHECK(m.n == 0 && m.ents == NULL, "failed parse kept %zu entries", m.n);
        FUZZ_CHECK(strncmp(msg, "fuzz.def:", 9) == 0 && msg[9] >= '1' && msg[9] <= '9',
                   "message without file:line: %s", msg);
        return 0;
    }
    for (size_t i = 0; i < m.n; i++) {
        const struct ent *e = &m.ents[i];
        FUZZ_CHECK(strlen(e->name) >= 1 && strlen(e->name) <= RM_NAME_MAX, "name '%s'", e->name);
        FUZZ_CHECK(!strstr(e->desc, "*/") && !strchr(e->desc, '"') && !strchr(e->desc, '\\'), "desc '%s'",
                   e->desc);
        switch (e->kind) {
        case REG:
            FUZZ_CHECK(e->value < 0x1000000 && e->value % 4 == 0 && e->reset <= 0xffffffffu, "reg %s", e->name);
            FUZZ_CHECK(!strcmp(e->access, "RW") || !strcmp(e->access, "RO") || !strcmp(e->access, "W1C") ||
                           !strcmp(e->access, "WO"), "access '%s'", e->access);
            break;
        case FIELD:
            FUZZ_CHECK(e->size >= 1 && e->value + e->size <= 32, "field %s lsb %lu width %lu", e->name, e->value,
                       e->size);
            break;
        case WINDOW:
            FUZZ_CHECK(e->size >= 4 && e->value + e->size <= 0x1000000, "window %s", e->name);
            break;
        case PARAM:
            FUZZ_CHECK(e->value <= 0xffffffffu, "param %s", e->name);
            break;
        }
    }
    FILE *sink = fopen("/dev/null", "w");
    FUZZ_CHECK(sink != NULL, "cannot open /dev/null");
    char ip[64];
    ip_upper(ip, sizeof ip, "fuzz");
    emit_c(sink, &m, ip, name);
    emit_vh(sink, &m, ip, name);
    emit_md(sink, &m, ip, name);
    fclose(sink);

    /* The file reader must agree with the buffer parser. */
    struct regmap f;
    const char *p = fuzz_file(0, data, size);
    FUZZ_CHECK(regmap_read(p, &f) == NC_OK, "regmap_read failed where regmap_parse succeeded: %s", nc_err_msg());
    FUZZ_CHECK(same_maps(&m, &f), "regmap_read and regmap_parse differ");
    regmap_free(&f);
    regmap_free(&m);
    return 0;
}
