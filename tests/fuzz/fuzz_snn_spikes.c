/*
 * fuzz_snn_spikes.c - SNN spike files (snn_events_read, host/models/snn_net.c).
 *
 * Properties checked on every input:
 *  - a read that fails returns no events and names file:line;
 * *  - events that are read are sorted by step, their ids below the limit, their steps below 10^8;
 *  - with a smaller id limit the read succeeds exactly when every id fits, with the same events;
 *  - written with snn_events_write and read again, the events are the same.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nc_error.h"
#include "snn_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_fail(const char *p, const snn_event_t *ev, size_t n)
{
    const char *m = nc_err_msg();
    size_t len = strlen(p);
    FUZZ_CHECK(ev == NULL && n == 0, "a failed read returned %zu events", n);
    FUZZ_CHECK(strncmp(m, p, len) == 0 && m[len] == ':' && m[len + 1] >= '1' && m[len + 1] <= '9',
               "message without file:line: %s", m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_file(0, data, size);
    const uint32_t wide_limit = 65536, small_limit = 3, step_limit = 100000000;
    snn_event_t *ev = NULL;
    size_t n = 0;
    int rc = snn_events_read(p, wide_limit, step_limit, NULL, &ev, &n);
    if (rc != NC_OK) {
        check_fail(p, ev, n);
        return 0;
    }
    int fits = 1;
    for (size_t i = 0; i < n; i++) {
        FUZZ_CHECK(ev[i].id < wide_limit, "event %zu: id %u", i, ev[i].id);
        FUZZ_CHECK(ev[i].step < step_limit, "event %zu: step %u", i, ev[i].step);
        FUZZ_CHECK(i == 0 || ev[i - 1].step <= ev[i].step, "event %zu: step %u after %u", i, ev[i].step,
                   ev[i - 1].step);
        fits &= ev[i].id < small_limit;
    }

    snn_event_t *sm = NULL;
    size_t ns = 0;
    rc = snn_events_read(p, small_limit, step_limit, NULL, &sm, &ns);
    FUZZ_CHECK((rc == NC_OK) == fits, "limit %u: rc %d although the ids %s", small_limit, rc,
               fits ? "fit" : "do not fit");
    if (rc == NC_OK)
        FUZZ_CHECK(ns == n && (n == 0 || memcmp(sm, ev, n * sizeof *ev) == 0), "limit changed the events");
    else
        check_fail(p, sm, ns);
    free(sm);

    const char *o = fuzz_out_path(0);
    FUZZ_CHECK(snn_events_write(o, ev, n) == NC_OK, "write: %s", nc_err_msg());
    snn_event_t *back = NULL;
    size_t nb = 0;
    FUZZ_CHECK(snn_events_read(o, wide_limit, step_limit, NULL, &back, &nb) == NC_OK, "reread: %s", nc_err_msg());
    FUZZ_CHECK(nb == n && (n == 0 || memcmp(back, ev, n * sizeof *ev) == 0), "round trip changed the events");
    free(back);
    free(ev);
    return 0;
}
