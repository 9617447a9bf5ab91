/*
 * fuzz_snn_net.c - the SNN network text format (snn_net_read, host/models/snn_net.c).
 *
 * Properties checked on every input:
 *  - a read that fails leaves an empty network and names the file (file:line);
 *  - a network that is read passes snn_net_check for the largest geometry the format allows
 *    (65535 neurons and axons, 64 delay slots) and indexes (snn_net_csr) consistently;
 *  - written with snn_net_write and read again, it is the same network.
 */
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "nc_error.h"
#include "snn_net.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_same(const snn_net_t *a, const snn_net_t *b)
{
    FUZZ_CHECK(a->n_neurons == b->n_neurons && a->n_axons == b->n_axons && a->wexp == b->wexp,
               "header %u %u %u -> %u %u %u", a->n_neurons, a->n_axons, a->wexp, b->n_neurons, b->n_axons, b->wexp);
    for (uint32_t i = 0; i < a->n_neurons; i++) {
        const snn_neuron_params_t *x = &a->neuron[i], *y = &b->neuron[i];
        FUZZ_CHECK(x->du == y->du && x->dv == y->dv && x->bias_mant == y->bias_mant && x->bias_exp == y->bias_exp &&
                       x->vth == y->vth && x->refr == y->refr && x->astro == y->astro && x->out == y->out,
                   "neuron %u changed in the round trip", i);
        FUZZ_CHECK(x->pred_steps == y->pred_steps && x->pred_drop == y->pred_drop, "neuron %u: pred changed", i);
        for (int k = 0; k < SNN_TRACES_MAX; k++)
            FUZZ_CHECK(x->tr_decay[k] == y->tr_decay[k] && x->tr_weight[k] == y->tr_weight[k],
                       "neuron %u: trace %d changed in the round trip", i, k);
    }
    for (int j = 0; j < SNN_ASTROS; j++)
        FUZZ_CHECK(a->astro[j].leak_shift == b->astro[j].leak_shift && a->astro[j].inc == b->astro[j].inc &&
                       a->astro[j].gain == b->astro[j].gain, "astrocyte %d changed in the round trip", j);
    FUZZ_CHECK(a->n_syn == b->n_syn, "%zu synapses -> %zu", a->n_syn, b->n_syn);
    for (size_t k = 0; k < a->n_syn; k++)
        FUZZ_CHECK(a->syn[k].src == b->syn[k].src && a->syn[k].target == b->syn[k].target &&
                       a->syn[k].weight == b->syn[k].weight && a->syn[k].delay == b->syn[k].delay,
                   "synapse %zu changed in the round trip", k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const char *p = fuzz_file(0, data, size);
    snn_net_t net;
    int rc = snn_net_read(p, &net);
    if (rc != NC_OK) {
        const char *m = nc_err_msg();
        size_t n = strlen(p);
        FUZZ_CHECK(net.neuron == NULL && net.syn == NULL && net.syn_line == NULL && net.n_syn == 0,
                   "a failed read left a network behind");
        FUZZ_CHECK(strncmp(m, p, n) == 0 && m[n] == ':' && m[n + 1] >= '1' && m[n + 1] <= '9',
                   "message without file:line: %s", m);
        return 0;
    }
    FUZZ_CHECK(snn_net_check(&net, 65535, 65535, 64) == NC_OK, "read network fails its check: %s", nc_err_msg());

    uint32_t *first = NULL, *order = NULL;
    FUZZ_CHECK(snn_net_csr(&net, &first, &order) == NC_OK, "csr: %s", nc_err_msg());
    uint32_t ns = net.n_axons + net.n_neurons;
    FUZZ_CHECK(first[0] == 0 && first[ns] == net.n_syn, "csr spans %u..%u for %zu synapses", first[0], first[ns],
               net.n_syn);
    for (uint32_t s = 0; s < ns; s++)
        for (uint32_t i = first[s]; i < first[s + 1]; i++)
            FUZZ_CHECK(net.syn[order[i]].src == s && (i == first[s] || order[i - 1] < order[i]),
                       "csr entry %u of source %u", i, s);
    free(first);
    free(order);

    /* Round trip (bounded: the writer spells out every neuron). */
    if (net.n_neurons <= 4096) {
        const char *o = fuzz_out_path(0);
        FUZZ_CHECK(snn_net_write(o, &net) == NC_OK, "write: %s", nc_err_msg());
        snn_net_t back;
        FUZZ_CHECK(snn_net_read(o, &back) == NC_OK, "reread of the written network: %s", nc_err_msg());
        check_same(&net, &back);
        snn_net_free(&back);
    }
    snn_net_free(&net);
    return 0;
}
