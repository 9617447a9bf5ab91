/*
 * fuzz_spice_ratemodel.c - the fitted XOR rate-model file (sfq_xor_model_read,
 * host/models/sfq_rate.c; circuits/networks/xor_model.txt).
 *
 * Properties checked on every input:
 *  - a read that fails names the file (and the line, unless the whole file is incomplete);
 *  - a model that is read holds finite numbers with syn.sigma > 0, so the model predicts
 *    finite rates (sfq_probit_p divides by sigma);
 *  - a file is read only when it is text in the documented shape: no NUL byte, no line longer
 *    than 255 characters, and every line that is not blank or a '#' comment holds exactly two
 *    fields (key, value), with no key twice;
 *  - written with sfq_xor_model_write (6 significant digits) and read back twice, the second
 *    and third reads agree exactly.
 */
#include <math.h>
#include <string.h>

#include "fuzz.h"
#include "nc_error.h"
#include "sfq_rate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N_VALUES (sizeof(sfq_xor_model_t) / sizeof(double))

static void check_finite(const sfq_xor_model_t *m)
{
    const double *v = (const double *)m;
    for (size_t i = 0; i < N_VALUES; i++)
        FUZZ_CHECK(isfinite(v[i]), "value %zu of the model is %g", i, v[i]);
    FUZZ_CHECK(m->syn.sigma > 0, "syn.sigma %g", m->syn.sigma);
}

/* The shape of the text, checked independently of the parser: 1 when the file may be read. */
static int well_formed(const uint8_t *data, size_t size)
{
    if (memchr(data, 0, size))
        return 0;
    char keys[32][64];
    int nkeys = 0;
    for (size_t i = 0; i < size;) {
        size_t e = i;
        while (e < size && data[e] != '\n')
            e++;
        if (e - i > 255)
            return 0;
        char line[256], *tok[3], *save = NULL;
        memcpy(line, data + i, e - i);
        line[e - i] = '\0';
        i = e + 1;
        if (line[0] == '#')
            continue;
        int n = 0;
        for (char *t = strtok_r(line, " \t\r\v\f", &save); t && n < 3; t = strtok_r(NULL, " \t\r\v\f", &save))
            tok[n++] = t;
        if (n == 0)
            continue;
        if (n != 2 || strlen(tok[0]) >= 64)
            return 0;
        for (int k = 0; k < nkeys; k++)
            if (!strcmp(keys[k], tok[0]))
                return 0;
        if (nkeys == 32)
            return 0; /* more lines than keys: some key is unknown or repeated */
        strcpy(keys[nkeys++], tok[0]);
    }
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_file(0, data, size);
    sfq_xor_model_t m;
    int rc = sfq_xor_model_read(p, &m);
    if (rc != NC_OK) {
        const char *msg = nc_err_msg();
        size_t n = strlen(p);
        FUZZ_CHECK(strncmp(msg, p, n) == 0 && msg[n] == ':', "message without the file: %s", msg);
        return 0;
    }
    check_finite(&m);
    FUZZ_CHECK(well_formed(data, size), "a file that is not 'key value' lines (or repeats a key) was read");

    const char *o1 = fuzz_out_path(0), *o2 = fuzz_out_path(1);
    sfq_xor_model_t a, b;
    FUZZ_CHECK(sfq_xor_model_write(o1, &m, "fuzz") == NC_OK, "write: %s", nc_err_msg());
    FUZZ_CHECK(sfq_xor_model_read(o1, &a) == NC_OK, "reread: %s", nc_err_msg());
    FUZZ_CHECK(sfq_xor_model_write(o2, &a, "fuzz") == NC_OK, "write: %s", nc_err_msg());
    FUZZ_CHECK(sfq_xor_model_read(o2, &b) == NC_OK, "reread: %s", nc_err_msg());
    FUZZ_CHECK(memcmp(&a, &b, sizeof a) == 0, "the model changed between two round trips");
    return 0;
}
