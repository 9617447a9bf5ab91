/* snn_net.c - networks, their checks, and the network and spike text formats (snn_net.h). */
#include "snn_net.h"

#include "nc_util.h"
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

int snn_net_init(snn_net_t *net, uint32_t n_neurons, uint32_t n_axons)
{
    memset(net, 0, sizeof *net);
    if (n_neurons == 0 || n_neurons > 65535 || n_axons > 65535)
        return nc_err_set(NC_ERR_ARG, "snn_net_init: %u neurons, %u axons: expected 1..65535 neurons, 0..65535 axons",
                          n_neurons, n_axons);
    net->neuron = calloc(n_neurons, sizeof *net->neuron);
    if (!net->neuron)
        return nc_err_set(NC_ERR_NOMEM, "snn_net_init: no memory for %u neurons", n_neurons);
    for (uint32_t i = 0; i < n_neurons; i++)
        net->neuron[i].astro = -1;
    net->n_neurons = n_neurons;
    net->n_axons = n_axons;
    return NC_OK;
}

void snn_net_free(snn_net_t *net)
{
    free(net->neuron);
    free(net->syn);
    free(net->syn_line);
    memset(net, 0, sizeof *net);
}

int snn_net_add_syn(snn_net_t *net, uint32_t src, uint32_t target, int weight, unsigned delay)
{
    if (src >= net->n_axons + net->n_neurons || target >= net->n_neurons)
        return nc_err_set(NC_ERR_ARG, "synapse %zu: source %u / target %u out of range (%u axons + %u neurons)",
                          net->n_syn, src, target, net->n_axons, net->n_neurons);
    if (weight < -128 || weight > 127 || delay > 63)
        return nc_err_set(NC_ERR_ARG, "synapse %zu: weight %d / delay %u: expected -128..127 / 0..63",
                          net->n_syn, weight, delay);
    if (net->n_syn == net->cap_syn) {
        size_t cap = net->cap_syn ? 2 * net->cap_syn : 1024;
        snn_syn_t *s = realloc(net->syn, cap * sizeof *s);
        if (!s)
            return nc_err_set(NC_ERR_NOMEM, "no memory for %zu synapses", cap);
        net->syn = s;
        if (net->path[0]) {
            uint32_t *l = realloc(net->syn_line, cap * sizeof *l);
            if (!l)
                return nc_err_set(NC_ERR_NOMEM, "no memory for %zu synapses", cap);
            net->syn_line = l;
        }
        net->cap_syn = cap;
    }
    net->syn[net->n_syn++] = (snn_syn_t){src, target, (int8_t)weight, (uint8_t)delay, false};
    return NC_OK;
}

int snn_net_add_dsyn(snn_net_t *net, uint32_t src, uint32_t target, unsigned delay)
{
    int rc = snn_net_add_syn(net, src, target, 0, delay);
    if (rc == NC_OK)
        net->syn[net->n_syn - 1].dend = true;
    return rc;
}

static int check_neuron(const snn_neuron_params_t *p, uint32_t i)
{
    if (p->du > SNN_DU_MAX || p->dv > SNN_DU_MAX)
        return nc_err_set(NC_ERR_ARG, "neuron %u: du %u / dv %u: expected 0..4095", i, p->du, p->dv);
    if (p->bias_mant < SNN_BIAS_MANT_MIN || p->bias_mant > SNN_BIAS_MANT_MAX || p->bias_exp > SNN_BIAS_EXP_MAX)
        return nc_err_set(NC_ERR_ARG, "neuron %u: bias %d << %u: expected mantissa -4096..4095, exponent 0..7",
                          i, p->bias_mant, p->bias_exp);
    if (p->vth > SNN_VTH_MAX)
        return nc_err_set(NC_ERR_ARG, "neuron %u: vth %u: expected 0..131071", i, p->vth);
    if (p->refr > SNN_REFR_MAX)
        return nc_err_set(NC_ERR_ARG, "neuron %u: refractory %u: expected 0..15", i, p->refr);
    if (p->astro < -1 || p->astro >= SNN_ASTROS)
        return nc_err_set(NC_ERR_ARG, "neuron %u: astrocyte %d: expected -1..3", i, p->astro);
    if (p->pred_steps > 15 || p->pred_drop > SNN_VTH_MAX)
        return nc_err_set(NC_ERR_ARG, "neuron %u: pred %u %u: expected steps 0..15, drop 0..131071", i,
                          p->pred_steps, p->pred_drop);
    for (int k = 0; k < SNN_TRACES_MAX; k++)
        if (p->tr_decay[k] > SNN_DU_MAX)
            return nc_err_set(NC_ERR_ARG, "neuron %u: trace %d decay %u: expected 0..4095", i, k, p->tr_decay[k]);
    return NC_OK;
}

uint32_t snn_net_traces(const snn_net_t *net)
{
    uint32_t k_used = 0;
    for (uint32_t i = 0; i < net->n_neurons; i++)
        for (uint32_t k = 0; k < SNN_TRACES_MAX; k++)
            if ((net->neuron[i].tr_decay[k] || net->neuron[i].tr_weight[k]) && k + 1 > k_used)
                k_used = k + 1;
    return k_used;
}

/* "file:line: " of synapse k when the network came from a file, else "". */
static const char *syn_where(const snn_net_t *net, size_t k, char *buf, size_t len)
{
    buf[0] = '\0';
    if (net->syn_line)
        snprintf(buf, len, "%s:%u: ", net->path, net->syn_line[k]);
    return buf;
}

int snn_net_check(const snn_net_t *net, uint32_t nmax, uint32_t amax, uint32_t dmax)
{
    char w[300];
    if (net->n_neurons > nmax)
        return nc_err_set(NC_ERR_ARG, "network has %u neurons: the core has %u", net->n_neurons, nmax);
    if (net->n_axons > amax)
        return nc_err_set(NC_ERR_ARG, "network has %u axons: the core has %u", net->n_axons, amax);
    if (net->wexp > SNN_WEXP_MAX)
        return nc_err_set(NC_ERR_ARG, "wexp %u: expected 0..7", net->wexp);
    for (uint32_t i = 0; i < net->n_neurons; i++) {
        int rc = check_neuron(&net->neuron[i], i);
        if (rc)
            return rc;
    }
    for (size_t k = 0; k < net->n_syn; k++) {
        const snn_syn_t *s = &net->syn[k];
        if (s->src >= net->n_axons + net->n_neurons)
            return nc_err_set(NC_ERR_ARG, "%ssynapse %zu: source %u: expected < %u (axons + neurons)",
                              syn_where(net, k, w, sizeof w), k, s->src, net->n_axons + net->n_neurons);
        if (s->target >= net->n_neurons)
            return nc_err_set(NC_ERR_ARG, "%ssynapse %zu: target neuron %u: expected < %u",
                              syn_where(net, k, w, sizeof w), k, s->target, net->n_neurons);
        if (s->delay >= dmax)
            return nc_err_set(NC_ERR_ARG, "%ssynapse %zu: delay %u: expected 0..%u (DMAX-1 of the core)",
                              syn_where(net, k, w, sizeof w), k, s->delay, dmax - 1);
    }
    return NC_OK;
}

int snn_net_csr(const snn_net_t *net, uint32_t **first, uint32_t **order)
{
    uint32_t ns = net->n_axons + net->n_neurons;
    uint32_t *f = calloc(ns + 1, sizeof *f);
    uint32_t *o = malloc((net->n_syn ? net->n_syn : 1) * sizeof *o);
    if (!f || !o) {
        free(f);
        free(o);
        return nc_err_set(NC_ERR_NOMEM, "no memory for the synapse index");
    }
    for (size_t k = 0; k < net->n_syn; k++)
        f[net->syn[k].src + 1]++;
    for (uint32_t s = 0; s < ns; s++)
        f[s + 1] += f[s];
    uint32_t *fill = malloc((ns ? ns : 1) * sizeof *fill);
    if (!fill) {
        free(f);
        free(o);
        return nc_err_set(NC_ERR_NOMEM, "no memory for the synapse index");
    }
    memcpy(fill, f, ns * sizeof *fill);
    for (size_t k = 0; k < net->n_syn; k++)
        o[fill[net->syn[k].src]++] = (uint32_t)k;
    free(fill);
    *first = f;
    *order = o;
    return NC_OK;
}

/* ---- text formats ---- */

typedef struct reader {
    const char *path;
    FILE *f;
    unsigned line;
    char buf[4096];
    char *tok[64];
    int ntok;
} reader_t;

/* Reads the next non-empty line and splits it into tokens; returns 1, 0 at end, <0 on error. */
static int next_line(reader_t *r)
{
    while (fgets(r->buf, sizeof r->buf, r->f)) {
        r->line++;
        if (!strchr(r->buf, '\n') && !feof(r->f))
            return nc_err_set(NC_ERR_PARSE, "%s:%u: line longer than %zu characters", r->path, r->line,
                              sizeof r->buf - 2);
        char *hash = strchr(r->buf, '#');
        if (hash)
            *hash = '\0';
        r->ntok = 0;
        for (char *t = strtok(r->buf, " \t\r\n"); t; t = strtok(NULL, " \t\r\n")) {
            if (r->ntok == (int)NC_ARRAY_LEN(r->tok))
                return nc_err_set(NC_ERR_PARSE, "%s:%u: more than %zu fields", r->path, r->line,
                                  NC_ARRAY_LEN(r->tok));
            r->tok[r->ntok++] = t;
        }
        if (r->ntok)
            return 1;
    }
    if (ferror(r->f))
        return nc_err_set(NC_ERR_IO, "%s:%u: read error", r->path, r->line);
    return 0;
}

/* Field i as a decimal integer in lo..hi (nc_dec_int: no octal 010, no hex 0x64). */
static int tok_int(reader_t *r, int i, long lo, long hi, const char *what, long *out)
{
    if (i >= r->ntok)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: missing %s (expected an integer in %ld..%ld)", r->path, r->line,
                          what, lo, hi);
    int64_t v;
    if (nc_dec_int(r->tok[i], &v) != 0 || v < lo || v > hi)
        return nc_err_set(NC_ERR_PARSE, "%s:%u: %s '%s': expected a decimal integer in %ld..%ld", r->path, r->line,
                          what, r->tok[i], lo, hi);
    *out = (long)v;
    return NC_OK;
}

/* "neuron FIRST COUNT key value ...": the keys given set those fields of every neuron
 * FIRST..FIRST+COUNT-1; the fields not given keep each neuron's own values. */
enum { K_DU = 1, K_DV = 2, K_BIAS = 4, K_VTH = 8, K_REFR = 16, K_ASTRO = 32, K_OUT = 64, K_PRED = 128, K_TRACE0 = 256 };

static int parse_neuron(reader_t *r, snn_net_t *net)
{
    long first, count, v, e;
    NC_TRY(tok_int(r, 1, 0, (long)net->n_neurons - 1, "first neuron", &first));
    NC_TRY(tok_int(r, 2, 1, (long)net->n_neurons - first, "neuron count", &count));
    snn_neuron_params_t p = {0};
    unsigned given = 0;
    for (int i = 3; i < r->ntok; i += 2) {
        const char *k = r->tok[i];
        if (!strcmp(k, "du")) {
            NC_TRY(tok_int(r, i + 1, 0, SNN_DU_MAX, "du", &v));
            p.du = (uint16_t)v;
            given |= K_DU;
        } else if (!strcmp(k, "dv")) {
            NC_TRY(tok_int(r, i + 1, 0, SNN_DU_MAX, "dv", &v));
            p.dv = (uint16_t)v;
            given |= K_DV;
        } else if (!strcmp(k, "bias")) {
            NC_TRY(tok_int(r, i + 1, SNN_BIAS_MANT_MIN, SNN_BIAS_MANT_MAX, "bias mantissa", &v));
            NC_TRY(tok_int(r, i + 2, 0, SNN_BIAS_EXP_MAX, "bias exponent", &e));
            p.bias_mant = (int16_t)v;
            p.bias_exp = (uint8_t)e;
            given |= K_BIAS;
            i++;
        } else if (!strcmp(k, "vth")) {
            NC_TRY(tok_int(r, i + 1, 0, SNN_VTH_MAX, "vth", &v));
            p.vth = (uint32_t)v;
            given |= K_VTH;
        } else if (!strcmp(k, "refr")) {
            NC_TRY(tok_int(r, i + 1, 0, SNN_REFR_MAX, "refr", &v));
            p.refr = (uint8_t)v;
            given |= K_REFR;
        } else if (!strcmp(k, "astro")) {
            NC_TRY(tok_int(r, i + 1, -1, SNN_ASTROS - 1, "astro", &v));
            p.astro = (int8_t)v;
            given |= K_ASTRO;
        } else if (!strcmp(k, "out")) {
            NC_TRY(tok_int(r, i + 1, 0, 1, "out", &v));
            p.out = v != 0;
            given |= K_OUT;
        } else if (!strcmp(k, "pred")) {
            NC_TRY(tok_int(r, i + 1, 0, SNN_REFR_MAX, "pred steps", &v));
            NC_TRY(tok_int(r, i + 2, 0, SNN_VTH_MAX, "pred drop", &e));
            p.pred_steps = (uint8_t)v;
            p.pred_drop = (uint32_t)e;
            given |= K_PRED;
            i++;
        } else if (!strcmp(k, "trace")) {
            long d;
            NC_TRY(tok_int(r, i + 1, 0, SNN_TRACES_MAX - 1, "trace index", &v));
            NC_TRY(tok_int(r, i + 2, 0, SNN_DU_MAX, "trace decay", &d));
            NC_TRY(tok_int(r, i + 3, -128, 127, "trace weight", &e));
            p.tr_decay[v] = (uint16_t)d;
            p.tr_weight[v] = (int8_t)e;
            given |= (unsigned)K_TRACE0 << v;
            i += 2;
        } else {
            return nc_err_set(NC_ERR_PARSE,
                              "%s:%u: unknown neuron key '%s' (expected du dv bias vth refr astro out pred trace)",
                              r->path, r->line, k);
        }
    }
    for (long n = first; n < first + count; n++) {
        snn_neuron_params_t *q = &net->neuron[n];
        if (given & K_DU)
            q->du = p.du;
        if (given & K_DV)
            q->dv = p.dv;
        if (given & K_BIAS) {
            q->bias_mant = p.bias_mant;
            q->bias_exp = p.bias_exp;
        }
        if (given & K_VTH)
            q->vth = p.vth;
        if (given & K_REFR)
            q->refr = p.refr;
        if (given & K_ASTRO)
            q->astro = p.astro;
        if (given & K_OUT)
            q->out = p.out;
        if (given & K_PRED) {
            q->pred_steps = p.pred_steps;
            q->pred_drop = p.pred_drop;
        }
        for (int k = 0; k < SNN_TRACES_MAX; k++)
            if (given & ((unsigned)K_TRACE0 << k)) {
                q->tr_decay[k] = p.tr_decay[k];
                q->tr_weight[k] = p.tr_weight[k];
            }
    }
    return NC_OK;
}

/* "aK" (axon K) or "nK" (neuron K) */
static int parse_source(reader_t *r, int i, const snn_net_t *net, uint32_t *src)
{
    if (i >= r->ntok || (r->tok[i][0] != 'a' && r->tok[i][0] != 'n'))
        return nc_err_set(NC_ERR_PARSE, "%s:%u: source '%s': expected aK (axon) or nK (neuron)", r->path, r->line,
                          i < r->ntok ? r->tok[i] : "");
    bool axon = r->tok[i][0] == 'a';
    long lim = axon ? (long)net->n_axons - 1 : (long)net->n_neurons - 1;
    long v;
    r->tok[i]++;
    int rc = tok_int(r, i, 0, lim, axon ? "source axon" : "source neuron", &v);
    r->tok[i]--;
    NC_TRY(rc);
    *src = axon ? (uint32_t)v : net->n_axons + (uint32_t)v;
    return NC_OK;
}

static int parse_body(reader_t *r, snn_net_t *net)
{
    int rc;
    while ((rc = next_line(r)) > 0) {
        const char *k = r->tok[0];
        long v, w, d, t;
        if (!strcmp(k, "wexp")) {
            NC_TRY(tok_int(r, 1, 0, SNN_WEXP_MAX, "wexp", &v));
            net->wexp = (uint32_t)v;
        } else if (!strcmp(k, "astro")) {
            long id, lk, inc, g;
            NC_TRY(tok_int(r, 1, 0, SNN_ASTROS - 1, "astrocyte", &id));
            if (r->ntok != 8 || strcmp(r->tok[2], "leak") || strcmp(r->tok[4], "inc") || strcmp(r->tok[6], "gain"))
                return nc_err_set(NC_ERR_PARSE, "%s:%u: expected 'astro ID leak K inc I gain G'", r->path, r->line);
            NC_TRY(tok_int(r, 3, 0, 15, "leak shift", &lk));
            NC_TRY(tok_int(r, 5, 0, 255, "increment", &inc));
            NC_TRY(tok_int(r, 7, -128, 127, "gain", &g));
            net->astro[id] = (snn_astro_params_t){(uint8_t)lk, (uint8_t)inc, (int8_t)g};
        } else if (!strcmp(k, "neuron")) {
            NC_TRY(parse_neuron(r, net));
        } else if (!strcmp(k, "syn")) {
            uint32_t src = 0;
            if (r->ntok != 5)
                return nc_err_set(NC_ERR_PARSE, "%s:%u: expected 'syn SRC TARGET WEIGHT DELAY'", r->path, r->line);
            NC_TRY(parse_source(r, 1, net, &src));
            NC_TRY(tok_int(r, 2, 0, (long)net->n_neurons - 1, "target neuron", &t));
            NC_TRY(tok_int(r, 3, -128, 127, "weight", &w));
            NC_TRY(tok_int(r, 4, 0, 63, "delay", &d));
            NC_TRY(snn_net_add_syn(net, src, (uint32_t)t, (int)w, (unsigned)d));
            net->syn_line[net->n_syn - 1] = r->line;
        } else if (!strcmp(k, "dsyn")) {
            uint32_t src = 0;
            if (r->ntok != 4)
                return nc_err_set(NC_ERR_PARSE, "%s:%u: expected 'dsyn SRC TARGET DELAY'", r->path, r->line);
            NC_TRY(parse_source(r, 1, net, &src));
            NC_TRY(tok_int(r, 2, 0, (long)net->n_neurons - 1, "target neuron", &t));
            NC_TRY(tok_int(r, 3, 0, 63, "delay", &d));
            NC_TRY(snn_net_add_dsyn(net, src, (uint32_t)t, (unsigned)d));
            net->syn_line[net->n_syn - 1] = r->line;
        } else {
            return nc_err_set(NC_ERR_PARSE, "%s:%u: unknown keyword '%s' (expected wexp astro neuron syn dsyn)", r->path,
                              r->line, k);
        }
    }
    return rc;
}

int snn_net_read(const char *path, snn_net_t *net)
{
    reader_t r = {.path = path};
    memset(net, 0, sizeof *net);
    r.f = fopen(path, "r");
    if (!r.f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    long n = 0, a = 0;
    int rc = next_line(&r);
    if (rc == 0)
        rc = nc_err_set(NC_ERR_PARSE, "%s:%u: empty file: expected 'snn NEURONS AXONS'", path, r.line + (r.line == 0));
    if (rc > 0 && (r.ntok != 3 || strcmp(r.tok[0], "snn")))
        rc = nc_err_set(NC_ERR_PARSE, "%s:%u: expected the header 'snn NEURONS AXONS'", path, r.line);
    if (rc > 0)
        rc = tok_int(&r, 1, 1, 65535, "neurons", &n);
    if (rc >= 0)
        rc = tok_int(&r, 2, 0, 65535, "axons", &a);
    if (rc >= 0)
        rc = snn_net_init(net, (uint32_t)n, (uint32_t)a);
    if (rc >= 0)
        snprintf(net->path, sizeof net->path, "%s", path);
    if (rc >= 0)
        rc = parse_body(&r, net);
    fclose(r.f);
    if (rc < 0)
        snn_net_free(net);
    return rc < 0 ? rc : NC_OK;
}

int snn_net_write(const char *path, const snn_net_t *net)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, 0, NULL);
    if (rc)
        return rc;
    rc = nc_out_printf(&o, "snn %u %u\nwexp %u\n", net->n_neurons, net->n_axons, net->wexp);
    for (int j = 0; j < SNN_ASTROS && rc == NC_OK; j++)
        rc = nc_out_printf(&o, "astro %d leak %u inc %u gain %d\n", j, net->astro[j].leak_shift, net->astro[j].inc,
                           net->astro[j].gain);
    for (uint32_t i = 0; i < net->n_neurons && rc == NC_OK; i++) {
        const snn_neuron_params_t *p = &net->neuron[i];
        rc = nc_out_printf(&o, "neuron %u 1 du %u dv %u bias %d %u vth %u refr %u astro %d out %d", i, p->du,
                           p->dv, p->bias_mant, p->bias_exp, p->vth, p->refr, p->astro, p->out ? 1 : 0);
        if (rc == NC_OK && (p->pred_steps || p->pred_drop))
            rc = nc_out_printf(&o, " pred %u %u", p->pred_steps, p->pred_drop);
        for (int k = 0; k < SNN_TRACES_MAX && rc == NC_OK; k++)
            if (p->tr_decay[k] || p->tr_weight[k])
                rc = nc_out_printf(&o, " trace %d %u %d", k, p->tr_decay[k], p->tr_weight[k]);
        if (rc == NC_OK)
            rc = nc_out_printf(&o, "\n");
    }
    for (size_t k = 0; k < net->n_syn && rc == NC_OK; k++) {
        const snn_syn_t *s = &net->syn[k];
        bool axon = s->src < net->n_axons;
        if (s->dend)
            rc = nc_out_printf(&o, "dsyn %c%u %u %u\n", axon ? 'a' : 'n', axon ? s->src : s->src - net->n_axons,
                               s->target, s->delay);
        else
            rc = nc_out_printf(&o, "syn %c%u %u %d %u\n", axon ? 'a' : 'n', axon ? s->src : s->src - net->n_axons,
                               s->target, s->weight, s->delay);
    }
    if (rc) {
        nc_out_abort(&o);
        return rc;
    }
    return nc_out_commit(&o);
}

int snn_events_read(const char *path, uint32_t id_limit, uint32_t step_limit, const char *limit_what, snn_event_t **ev,
                    size_t *n)
{
    reader_t r = {.path = path};
    *ev = NULL;
    *n = 0;
    r.f = fopen(path, "r");
    if (!r.f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open: %s", path, strerror(errno));
    size_t cap = 0;
    int rc;
    int64_t step, last = 0;
    long id;
    while ((rc = next_line(&r)) > 0) {
        if (r.ntok != 2) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: expected 'STEP ID' (2 fields, found %d)", path, r.line, r.ntok);
            break;
        }
        int dr = nc_dec_int(r.tok[0], &step);
        if (dr == -1 || r.tok[0][0] == '-') {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: step '%s': expected a decimal integer >= 0", path, r.line,
                            r.tok[0]);
            break;
        }
        if (dr == -2 || step >= (int64_t)step_limit) {
            char lim[64];
            if (!limit_what)
                snprintf(lim, sizeof lim, "the step limit %u", step_limit);
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: event at step %s is at or past %s (steps run 0..%u)", path, r.line,
                            r.tok[0], limit_what ? limit_what : lim, step_limit ? step_limit - 1 : 0);
            break;
        }
        if (step < last) {
            rc = nc_err_set(NC_ERR_PARSE, "%s:%u: step %s: expected steps sorted, not before the previous line's %lld",
                            path, r.line, r.tok[0], (long long)last);
            break;
        }
        if ((rc = tok_int(&r, 1, 0, (long)id_limit - 1, "id", &id)) < 0)
            break;
        last = step;
        if (*n == cap) {
            cap = cap ? 2 * cap : 256;
            snn_event_t *e = realloc(*ev, cap * sizeof *e);
            if (!e) {
                rc = nc_err_set(NC_ERR_NOMEM, "%s:%u: no memory", path, r.line);
                break;
            }
            *ev = e;
        }
        (*ev)[(*n)++] = (snn_event_t){(uint32_t)step, (uint32_t)id};
    }
    fclose(r.f);
    if (rc < 0) {
        free(*ev);
        *ev = NULL;
        *n = 0;
        return rc;
    }
    return NC_OK;
}

int snn_events_print(nc_out_t *o, const snn_event_t *ev, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        int rc = nc_out_printf(o, "%u %u\n", ev[i].step, ev[i].id);
        if (rc)
            return rc;
    }
    return NC_OK;
}

int snn_events_write(const char *path, const snn_event_t *ev, size_t n)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, 0, NULL);
    if (rc)
        return rc;
    if ((rc = snn_events_print(&o, ev, n))) {
        nc_out_abort(&o);
        return rc;
    }
    return nc_out_commit(&o);
}

static int cmp_event(const void *a, const void *b)
{
    const snn_event_t *x = a, *y = b;
    if (x->step != y->step)
        return x->step < y->step ? -1 : 1;
    return (x->id > y->id) - (x->id < y->id);
}

void snn_events_sort(snn_event_t *ev, size_t n)
{
    if (n > 1)
        qsort(ev, n, sizeof *ev, cmp_event);
}
