/* snn_nir.c - NIR graphs onto the SNN core (snn_nir.h). */
#include "snn_nir.h"

#include <hdf5.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"

#define E(...) nc_err_set(NC_ERR_ARG, __VA_ARGS__)

static const struct {
    const char *type;
    snn_nir_kind_t kind;
    const char *params[7]; /* required parameters */
} KINDS[] = {
    {"Input", NIR_INPUT, {"shape"}},
    {"Output", NIR_OUTPUT, {"shape"}},
    {"Affine", NIR_AFFINE, {"weight", "bias"}},
    {"Linear", NIR_LINEAR, {"weight"}},
    {"CubaLIF", NIR_CUBALIF, {"tau_syn", "tau_mem", "r", "v_leak", "v_threshold"}},
    {"LIF", NIR_LIF, {"tau", "r", "v_leak", "v_threshold"}},
    {"Delay", NIR_DELAY, {"delay"}},
    {"Threshold", NIR_THRESHOLD, {"threshold"}},
};
#define N_KINDS (sizeof KINDS / sizeof KINDS[0])
#define SUPPORTED "Input, Output, Affine, Linear, CubaLIF, LIF, Delay, Threshold"

/* ---- HDF5 reading ---- */

/* A string dataset (scalar), fixed or variable length. */
static int read_str(hid_t loc, const char *name, char *buf, size_t cap)
{
    buf[0] = '\0';
    hid_t d = H5Dopen2(loc, name, H5P_DEFAULT);
    if (d < 0)
        return -1;
    hid_t ft = H5Dget_type(d), mt = -1;
    int rc = -1;
    if (H5Tget_class(ft) == H5T_STRING) {
        mt = H5Tcopy(H5T_C_S1);
        H5Tset_cset(mt, H5Tget_cset(ft)); /* h5py writes UTF-8 */
        if (H5Tis_variable_str(ft) > 0) {
            char *p = NULL;
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, &p) >= 0 && p) {
                snprintf(buf, cap, "%s", p);
                H5free_memory(p);
                rc = 0;
            }
        } else {
            /* read the bytes as stored (NUL-padded or not), then terminate */
            size_t sz = H5Tget_size(ft);
            char *tmp = calloc(sz + 1, 1);
            H5Tclose(mt);
            mt = H5Tcopy(ft);
            if (tmp && H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, tmp) >= 0) {
                snprintf(buf, cap, "%s", tmp);
                rc = 0;
            }
            free(tmp);
        }
    }
    if (mt >= 0)
        H5Tclose(mt);
    H5Tclose(ft);
    H5Dclose(d);
    return rc;
}

static herr_t collect_name(hid_t loc, const char *name, const H5L_info_t *info, void *ctx)
{
    (void)loc, (void)info;
    snn_nir_t *g = ctx;
    if (g->n_node >= SNN_NIR_MAX_NODES)
        return 1; /* stop: too many (reported by the caller) */
    snprintf(g->node[g->n_node++].name, sizeof g->node[0].name, "%s", name);
    return 0;
}

static int read_param(const snn_nir_t *g, hid_t grp, snn_nir_node_t *n, const char *pname)
{
    if (n->np >= SNN_NIR_MAX_PARAMS)
        return E("%s: node '%s': too many parameters", g->path, n->name);
    if (H5Lexists(grp, pname, H5P_DEFAULT) <= 0)
        return E("%s: node '%s' (%s): parameter '%s' missing", g->path, n->name, n->type, pname);
    hid_t d = H5Dopen2(grp, pname, H5P_DEFAULT);
    if (d < 0)
        return E("%s: node '%s': '%s' is not a dataset", g->path, n->name, pname);
    hid_t sp = H5Dget_space(d), ft = H5Dget_type(d);
    int rank = H5Sget_simple_extent_ndims(sp);
    hsize_t dims[8] = {0};
    int rc = NC_OK;
    H5T_class_t cls = H5Tget_class(ft);
    if (cls != H5T_FLOAT && cls != H5T_INTEGER)
        rc = E("%s: node '%s': parameter '%s' is not numeric", g->path, n->name, pname);
    else if (rank < 0 || rank > 2)
        rc = E("%s: node '%s': parameter '%s' has %d dimensions: expected a scalar, vector or matrix", g->path,
               n->name, pname, rank);
    snn_nir_param_t *p = &n->p[n->np];
    if (rc == NC_OK) {
        H5Sget_simple_extent_dims(sp, dims, NULL);
        hssize_t cnt = H5Sget_simple_extent_npoints(sp);
        if (cnt < 1 || (size_t)cnt > SNN_NIR_MAX_ELEMS)
            rc = E("%s: node '%s': parameter '%s' has %lld elements: expected 1..%u", g->path, n->name, pname,
                   (long long)cnt, SNN_NIR_MAX_ELEMS);
        else {
            snprintf(p->name, sizeof p->name, "%s", pname);
            p->n = (size_t)cnt;
            p->rows = rank >= 1 ? dims[0] : 1;
            p->cols = rank == 2 ? dims[1] : 1;
            p->v = malloc(p->n * sizeof *p->v);
            if (!p->v)
                rc = nc_err_set(NC_ERR_NOMEM, "no memory for %zu values", p->n);
            else if (H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, p->v) < 0)
                rc = E("%s: node '%s': parameter '%s' cannot be read as numbers", g->path, n->name, pname);
            for (size_t i = 0; rc == NC_OK && i < p->n; i++)
                if (!isfinite(p->v[i]))
                    rc = E("%s: node '%s': parameter '%s'[%zu] is not finite", g->path, n->name, pname, i);
            if (rc)
                free(p->v), p->v = NULL;
            else
                n->np++;
        }
    }
    H5Tclose(ft);
    H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

static const snn_nir_param_t *param(const snn_nir_node_t *n, const char *name)
{
    for (int i = 0; i < n->np; i++)
        if (!strcmp(n->p[i].name, name))
            return &n->p[i];
    return NULL;
}

static int read_node(snn_nir_t *g, hid_t nodes, snn_nir_node_t *n)
{
    hid_t grp = H5Gopen2(nodes, n->name, H5P_DEFAULT);
    if (grp < 0)
        return E("%s: node '%s' is not a group", g->path, n->name);
    int rc = NC_OK;
    if (read_str(grp, "type", n->type, sizeof n->type))
        rc = E("%s: node '%s' has no 'type' string", g->path, n->name);
    size_t k = 0;
    while (rc == NC_OK && k < N_KINDS && strcmp(KINDS[k].type, n->type))
        k++;
    if (rc == NC_OK && k == N_KINDS)
        rc = E("%s: node '%s': type %s is not supported by the core (supported: " SUPPORTED ")", g->path, n->name,
               n->type);
    if (rc == NC_OK)
        n->kind = KINDS[k].kind;
    for (int i = 0; rc == NC_OK && i < 7 && KINDS[k].params[i]; i++)
        rc = read_param(g, grp, n, KINDS[k].params[i]);
    /* optional parameters */
    const char *opt[] = {"v_reset", "w_in"};
    for (size_t i = 0; rc == NC_OK && i < 2; i++)
        if ((n->kind == NIR_CUBALIF || (n->kind == NIR_LIF && i == 0)) && H5Lexists(grp, opt[i], H5P_DEFAULT) > 0)
            rc = read_param(g, grp, n, opt[i]);
    H5Gclose(grp);
    return rc;
}

static int read_edges(snn_nir_t *g, hid_t node)
{
    if (H5Lexists(node, "edges", H5P_DEFAULT) <= 0)
        return E("%s: the graph has no 'edges'", g->path);
    hid_t d = H5Dopen2(node, "edges", H5P_DEFAULT);
    hid_t sp = H5Dget_space(d), ft = H5Dget_type(d);
    hsize_t dims[2] = {0, 0};
    int rank = H5Sget_simple_extent_ndims(sp);
    int rc = NC_OK;
    if (H5Tget_class(ft) != H5T_STRING || rank != 2 || (H5Sget_simple_extent_dims(sp, dims, NULL), dims[1] != 2) ||
        dims[0] > 4096)
        rc = E("%s: 'edges' must be an array of at most 4096 (source, target) name pairs", g->path);
    size_t ne = rc ? 0 : (size_t)dims[0];
    char **names = calloc(2 * ne + 1, sizeof *names);
    char *fixed = NULL;
    hid_t mt = H5Tcopy(H5T_C_S1);
    bool vlen = H5Tis_variable_str(ft) > 0;
    if (H5Tget_class(ft) == H5T_STRING)
        H5Tset_cset(mt, H5Tget_cset(ft));
    if (rc == NC_OK && !names)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory for edges");
    if (rc == NC_OK && ne) {
        if (vlen) {
            H5Tset_size(mt, H5T_VARIABLE);
            if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, names) < 0)
                rc = E("%s: 'edges' cannot be read as strings", g->path);
        } else {
            size_t sz = H5Tget_size(ft);
            H5Tclose(mt);
            mt = H5Tcopy(ft); /* the bytes as stored; each name terminated below */
            fixed = calloc(2 * ne, sz + 1);
            char *raw = calloc(2 * ne, sz);
            if (!fixed || !raw)
                rc = nc_err_set(NC_ERR_NOMEM, "no memory for edges");
            else if (H5Dread(d, mt, H5S_ALL, H5S_ALL, H5P_DEFAULT, raw) < 0)
                rc = E("%s: 'edges' cannot be read as strings", g->path);
            for (size_t i = 0; rc == NC_OK && i < 2 * ne; i++) {
                memcpy(fixed + i * (sz + 1), raw + i * sz, sz);
                names[i] = fixed + i * (sz + 1);
            }
            free(raw);
        }
    }
    g->edge = rc ? NULL : malloc((ne ? ne : 1) * sizeof *g->edge);
    if (rc == NC_OK && !g->edge)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory for edges");
    for (size_t i = 0; rc == NC_OK && i < ne; i++) {
        for (int s = 0; s < 2 && rc == NC_OK; s++) {
            const char *nm = names[2 * i + s] ? names[2 * i + s] : "";
            size_t k = 0;
            while (k < g->n_node && strcmp(g->node[k].name, nm))
                k++;
            if (k == g->n_node)
                rc = E("%s: edge %zu (%s -> %s) names node '%s', which the graph does not have", g->path, i,
                       names[2 * i] ? names[2 * i] : "", names[2 * i + 1] ? names[2 * i + 1] : "", nm);
            else
                g->edge[i][s] = (uint32_t)k;
        }
    }
    g->n_edge = rc ? 0 : ne;
    if (vlen && names && ne && rc != NC_ERR_NOMEM)
        H5Dvlen_reclaim(mt, sp, H5P_DEFAULT, names);
    free(fixed);
    free(names);
    H5Tclose(mt);
    H5Tclose(ft);
    H5Sclose(sp);
    H5Dclose(d);
    return rc;
}

int snn_nir_read(const char *path, snn_nir_t *g)
{
    memset(g, 0, sizeof *g);
    snprintf(g->path, sizeof g->path, "%s", path);
    H5Eset_auto2(H5E_DEFAULT, NULL, NULL); /* errors come back as return values */
    FILE *probe = fopen(path, "rb");
    if (!probe)
        return nc_err_set(NC_ERR_IO, "%s: cannot open", path);
    fclose(probe);
    if (H5Fis_hdf5(path) <= 0)
        return E("%s: not an HDF5 file (a NIR graph is stored as HDF5)", path);
    hid_t f = H5Fopen(path, H5F_ACC_RDONLY, H5P_DEFAULT);
    if (f < 0)
        return E("%s: cannot open as HDF5", path);
    int rc = NC_OK;
    char type[32];
    hid_t node = -1, nodes = -1;
    if (H5Lexists(f, "node", H5P_DEFAULT) <= 0 || (node = H5Gopen2(f, "node", H5P_DEFAULT)) < 0)
        rc = E("%s: no group 'node': not a NIR graph", path);
    else if (read_str(node, "type", type, sizeof type) || strcmp(type, "NIRGraph"))
        rc = E("%s: 'node' is not of type NIRGraph", path);
    else if (H5Lexists(node, "nodes", H5P_DEFAULT) <= 0 || (nodes = H5Gopen2(node, "nodes", H5P_DEFAULT)) < 0)
        rc = E("%s: the graph has no group 'nodes'", path);
    if (rc == NC_OK) {
        hsize_t idx = 0;
        herr_t it = H5Literate(nodes, H5_INDEX_NAME, H5_ITER_INC, &idx, collect_name, g);
        if (it > 0)
            rc = E("%s: more than %d nodes: the importer takes at most %d", path, SNN_NIR_MAX_NODES,
                   SNN_NIR_MAX_NODES);
        else if (it < 0)
            rc = E("%s: cannot list the nodes", path);
    }
    for (size_t i = 0; rc == NC_OK && i < g->n_node; i++)
        rc = read_node(g, nodes, &g->node[i]);
    if (rc == NC_OK)
        rc = read_edges(g, node);
    if (nodes >= 0)
        H5Gclose(nodes);
    if (node >= 0)
        H5Gclose(node);
    H5Fclose(f);
    if (rc)
        snn_nir_free(g);
    return rc;
}

void snn_nir_free(snn_nir_t *g)
{
    for (size_t i = 0; i < g->n_node; i++)
        for (int k = 0; k < g->node[i].np; k++)
            free(g->node[i].p[k].v);
    free(g->edge);
    g->edge = NULL;
    g->n_node = g->n_edge = 0;
}

/* ---- mapping ---- */

static bool is_neuron(snn_nir_kind_t k) { return k == NIR_CUBALIF || k == NIR_LIF || k == NIR_THRESHOLD; }

/* The only edge leaving (dir 0) or entering (dir 1) node k, or -1 (none) / -2 (several). */
static int only_edge(const snn_nir_t *g, size_t k, int dir)
{
    int found = -1;
    for (size_t e = 0; e < g->n_edge; e++)
        if (g->edge[e][dir] == k)
            found = found == -1 ? (int)g->edge[e][1 - dir] : -2;
    return found;
}

/* A neuron node's parameter j (a scalar parameter applies to every neuron). */
static double pv(const snn_nir_node_t *n, const char *name, uint32_t j, double dflt)
{
    const snn_nir_param_t *p = param(n, name);
    if (!p)
        return dflt;
    return p->n == 1 ? p->v[0] : p->v[j];
}

/* A connection: weight node c from node src into neuron node dst, through Delay node dl (-1). */
typedef struct conn {
    int c, src, dst, dl;
} conn_t;

static int neuron_sizes(snn_nir_t *g, uint32_t *n_total, uint32_t *n_axons)
{
    uint32_t first = 0;
    int inputs = 0;
    for (size_t i = 0; i < g->n_node; i++) {
        snn_nir_node_t *n = &g->node[i];
        if (n->kind == NIR_INPUT || n->kind == NIR_OUTPUT) {
            const snn_nir_param_t *s = param(n, "shape");
            double sz = 1;
            for (size_t k = 0; k < s->n; k++)
                sz *= s->v[k];
            if (sz < 1 || sz > 65535 || sz != floor(sz))
                return E("%s: node '%s': shape of %.0f elements: expected 1..65535", g->path, n->name, sz);
            n->size = (uint32_t)sz;
            if (n->kind == NIR_INPUT) {
                inputs++;
                *n_axons = n->size;
            }
        } else if (is_neuron(n->kind)) {
            const snn_nir_param_t *t = param(n, n->kind == NIR_THRESHOLD ? "threshold" : "v_threshold");
            n->size = (uint32_t)t->n;
            n->first = first;
            for (int k = 0; k < n->np; k++)
                if (n->p[k].n != 1 && n->p[k].n != n->size)
                    return E("%s: node '%s': parameter '%s' has %zu values for %u neurons", g->path, n->name,
                             n->p[k].name, n->p[k].n, n->size);
            if ((uint64_t)first + n->size > 65535)
                return E("%s: node '%s': more than 65535 neurons in all", g->path, n->name);
            first += n->size;
        } else if (n->kind == NIR_DELAY) {
            n->size = (uint32_t)param(n, "delay")->n;
        }
    }
    if (inputs != 1)
        return E("%s: %d Input nodes: the core takes exactly one (its axons)", g->path, inputs);
    if (first == 0)
        return E("%s: no neuron node (CubaLIF, LIF or Threshold)", g->path);
    *n_total = first;
    return NC_OK;
}

/* Finds every weight node's source, target and delay; refuses other shapes of graph. */
static int connections(const snn_nir_t *g, conn_t *cs, size_t *nc)
{
    *nc = 0;
    for (size_t e = 0; e < g->n_edge; e++) {
        const snn_nir_node_t *a = &g->node[g->edge[e][0]], *b = &g->node[g->edge[e][1]];
        bool ok = false;
        if (b->kind == NIR_INPUT)
            return E("%s: edge %s -> %s: nothing may feed the Input node", g->path, a->name, b->name);
        if (a->kind == NIR_OUTPUT)
            return E("%s: edge %s -> %s: an Output node feeds nothing", g->path, a->name, b->name);
        if (a->kind == NIR_INPUT || is_neuron(a->kind))
            ok = b->kind == NIR_AFFINE || b->kind == NIR_LINEAR || (b->kind == NIR_OUTPUT && is_neuron(a->kind));
        else if (a->kind == NIR_AFFINE || a->kind == NIR_LINEAR)
            ok = b->kind == NIR_DELAY || is_neuron(b->kind);
        else if (a->kind == NIR_DELAY)
            ok = is_neuron(b->kind);
        if (!ok)
            return E("%s: edge %s (%s) -> %s (%s): the core maps Input or neurons -> Affine/Linear [-> Delay] -> "
                     "neurons, and neurons -> Output",
                     g->path, a->name, a->type, b->name, b->type);
    }
    for (size_t i = 0; i < g->n_node; i++) {
        const snn_nir_node_t *n = &g->node[i];
        if (n->kind == NIR_OUTPUT) {
            int s = only_edge(g, i, 1);
            if (s < 0)
                return E("%s: node '%s' (Output): expected exactly one incoming edge", g->path, n->name);
            if (g->node[s].size != n->size)
                return E("%s: node '%s' (Output): shape %u, its source '%s' has %u neurons", g->path, n->name,
                         n->size, g->node[s].name, g->node[s].size);
        }
        if (n->kind != NIR_AFFINE && n->kind != NIR_LINEAR)
            continue;
        int src = only_edge(g, i, 1), dst = only_edge(g, i, 0), dl = -1;
        if (src < 0 || dst < 0)
            return E("%s: node '%s' (%s): expected exactly one incoming and one outgoing edge", g->path, n->name,
                     n->type);
        if (g->node[dst].kind == NIR_DELAY) {
            dl = dst;
            dst = only_edge(g, (size_t)dl, 0);
            if (dst < 0 || only_edge(g, (size_t)dl, 1) != (int)i)
                return E("%s: node '%s' (Delay): expected one edge in (from '%s') and one out", g->path,
                         g->node[dl].name, n->name);
            if (g->node[dl].size != g->node[dst].size)
                return E("%s: node '%s' (Delay): %u delays for the %u neurons of '%s'", g->path, g->node[dl].name,
                         g->node[dl].size, g->node[dst].size, g->node[dst].name);
        }
        const snn_nir_param_t *w = param(n, "weight");
        if (w->rows != g->node[dst].size || w->cols != g->node[src].size)
            return E("%s: node '%s' (%s): weight is %zux%zu: expected %ux%u (targets '%s' x sources '%s')", g->path,
                     n->name, n->type, w->rows, w->cols, g->node[dst].size, g->node[src].size, g->node[dst].name,
                     g->node[src].name);
        if (n->kind == NIR_AFFINE) {
            const snn_nir_param_t *b = param(n, "bias");
            bool nonzero = false;
            for (size_t k = 0; k < b->n; k++)
                nonzero |= b->v[k] != 0;
            if (b->n != 1 && b->n != g->node[dst].size)
                return E("%s: node '%s' (Affine): %zu biases for %u targets", g->path, n->name, b->n,
                         g->node[dst].size);
            if (nonzero && g->node[dst].kind != NIR_LIF)
                return E("%s: node '%s' (Affine): a non-zero bias into '%s' (%s) does not fit the core (its bias "
                         "adds to v; only a LIF target, whose current has no memory, takes it)",
                         g->path, n->name, g->node[dst].name, g->node[dst].type);
        }
        cs[(*nc)++] = (conn_t){(int)i, src, dst, dl};
    }
    return NC_OK;
}

/* The graph's neuron counts (first neurons assigned) and its connections: what the mapping
 * and the floating-point reference both start from. */
static int layout(snn_nir_t *g, uint32_t *n_total, uint32_t *n_axons, conn_t *cs, size_t *nc)
{
    int rc = neuron_sizes(g, n_total, n_axons);
    return rc ? rc : connections(g, cs, nc);
}

/* dt/tau_mem * r * w_in of neuron j of node n: what one unit of weighted input adds to v. */
static double gain(const snn_nir_node_t *n, uint32_t j, double dt)
{
    if (n->kind == NIR_THRESHOLD)
        return 1.0;
    double tau = pv(n, n->kind == NIR_LIF ? "tau" : "tau_mem", j, 1);
    return dt / tau * pv(n, "r", j, 1) * (n->kind == NIR_CUBALIF ? pv(n, "w_in", j, 1) : 1.0);
}

static int delay_steps(const snn_nir_t *g, int dl, uint32_t j, double dt, unsigned *d)
{
    *d = 0;
    if (dl < 0)
        return NC_OK;
    const snn_nir_node_t *n = &g->node[dl];
    double x = param(n, "delay")->v[j] / dt;
    if (x < -1e-6 || fabs(x - floor(x + 0.5)) > 1e-3 || x > 63.5)
        return E("%s: node '%s' (Delay): delay[%u] = %g s is %g steps of dt = %g s: expected a whole number 0..63",
                 g->path, n->name, j, param(n, "delay")->v[j], x, dt);
    *d = (unsigned)floor(x + 0.5);
    return NC_OK;
}

static int map_neuron(const snn_nir_t *g, const snn_nir_node_t *n, uint32_t j, double dt, double S,
                      const double *bias_in, snn_neuron_params_t *p, snn_nir_report_t *rep)
{
    *p = (snn_neuron_params_t){.astro = -1};
    if (n->kind == NIR_THRESHOLD) {
        p->du = 4095, p->dv = 4095;
    } else {
        if (pv(n, "v_reset", j, 0) != 0)
            return E("%s: node '%s' (%s): v_reset[%u] = %g: the core resets v to 0", g->path, n->name, n->type, j,
                     pv(n, "v_reset", j, 0));
        double tm = pv(n, n->kind == NIR_LIF ? "tau" : "tau_mem", j, 1);
        double dv = 4096.0 * dt / tm;
        if (!(tm > 0) || dv > 4095.5 || dv < 0.5)
            return E("%s: node '%s' (%s): %s[%u] = %g s with dt = %g s: the core's voltage decay dv = 4096 dt/tau "
                     "must round to 1..4095 (tau from %.3g to %.3g s)",
                     g->path, n->name, n->type, n->kind == NIR_LIF ? "tau" : "tau_mem", j, tm, dt,
                     dt * 4096 / 4095.5, dt * 4096 / 0.5);
        p->dv = (uint16_t)lround(dv);
        if (fabs(p->dv / 4096.0 - dt / tm) > rep->dv_err_max)
            rep->dv_err_max = fabs(p->dv / 4096.0 - dt / tm);
        if (n->kind == NIR_LIF) {
            p->du = 4095; /* the current has no memory: u = 64 a */
        } else {
            double ts = pv(n, "tau_syn", j, 1), du1 = 4096.0 * dt / ts;
            if (!(ts > 0) || du1 > 4096.5 || du1 < 0.5)
                return E("%s: node '%s' (CubaLIF): tau_syn[%u] = %g s with dt = %g s: the core's current decay "
                         "(du + 1)/4096 = dt/tau_syn must round to 1..4096 (tau_syn from %.3g to %.3g s)",
                         g->path, n->name, j, ts, dt, dt * 4096 / 4096.5, dt * 4096 / 0.5);
            p->du = (uint16_t)(lround(du1) - 1);
            if (fabs((p->du + 1) / 4096.0 - dt / ts) > rep->du_err_max)
                rep->du_err_max = fabs((p->du + 1) / 4096.0 - dt / ts);
        }
    }
    double vt = pv(n, n->kind == NIR_THRESHOLD ? "threshold" : "v_threshold", j, 0);
    if (vt < 0)
        return E("%s: node '%s' (%s): threshold[%u] = %g: the core's threshold is not negative", g->path, n->name,
                 n->type, j, vt);
    double vq = S * vt / 64.0;
    p->vth = (uint32_t)lround(vq);
    if (vt > 0 && fabs(p->vth * 64.0 / S - vt) / vt > rep->vth_err_max)
        rep->vth_err_max = fabs(p->vth * 64.0 / S - vt) / vt;
    /* bias: S (dt/tau) (v_leak + r * Affine bias) */
    double b = 0;
    if (n->kind != NIR_THRESHOLD)
        b = S * dt / pv(n, n->kind == NIR_LIF ? "tau" : "tau_mem", j, 1) *
            (pv(n, "v_leak", j, 0) + pv(n, "r", j, 1) * bias_in[j]);
    unsigned e = 0;
    while (e < 7 && fabs(b) / (double)(1u << e) > 4095)
        e++;
    long m = lround(b / (double)(1u << e));
    if (m > 4095 || m < -4096)
        return E("%s: node '%s' (%s): neuron %u's leak/bias %g core units exceeds 4095 x 2^7", g->path, n->name,
                 n->type, j, b);
    p->bias_mant = (int16_t)m, p->bias_exp = (uint8_t)e;
    return NC_OK;
}

int snn_nir_map(snn_nir_t *g, double dt, snn_net_t *net, snn_nir_report_t *rep)
{
    memset(rep, 0, sizeof *rep);
    memset(net, 0, sizeof *net);
    rep->dt = dt;
    if (!(dt > 0) || dt > 1)
        return E("--dt %g: expected a time step in (0, 1] seconds", dt);
    uint32_t n_total = 0, n_axons = 0;
    conn_t cs[SNN_NIR_MAX_NODES];
    size_t nc = 0;
    int rc = layout(g, &n_total, &n_axons, cs, &nc);
    if (rc)
        return rc;
    /* M: the largest |W| x gain of its target; A: the largest sum of them into one neuron (all
     * its sources firing at once); tmax: the longest tau_syn in steps. */
    double M = 0, vmax = 0, tmax = 1;
    double *sum = calloc(n_total, sizeof *sum);
    if (!sum)
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    for (size_t c = 0; c < nc; c++) {
        const snn_nir_node_t *wn = &g->node[cs[c].c], *dn = &g->node[cs[c].dst];
        const snn_nir_param_t *w = param(wn, "weight");
        for (size_t r = 0; r < w->rows; r++)
            for (size_t k = 0; k < w->cols; k++) {
                double x = fabs(w->v[r * w->cols + k] * gain(dn, (uint32_t)r, dt));
                M = fmax(M, x);
                sum[dn->first + r] += x;
            }
    }
    double A = 0;
    for (uint32_t j = 0; j < n_total; j++)
        A = fmax(A, sum[j]);
    free(sum);
    for (size_t i = 0; i < g->n_node; i++) {
        const snn_nir_node_t *n = &g->node[i];
        for (uint32_t j = 0; is_neuron(n->kind) && j < n->size; j++) {
            vmax = fmax(vmax, pv(n, n->kind == NIR_THRESHOLD ? "threshold" : "v_threshold", j, 0));
            if (n->kind == NIR_CUBALIF)
                tmax = fmax(tmax, pv(n, "tau_syn", j, 1) / dt);
        }
    }
    if (!(M > 0))
        return E("%s: every weight is zero", g->path);
    if (!(vmax > 0))
        vmax = 1;
    /* v_scale S (core v units per NIR volt): the largest threshold at most 2^22 (half of v's
     * range); all inputs of a neuron at once within the ring's int16 clamp (A S / 64 <= 32767);
     * the current they build up within 2^22 (A S tmax <= 2^22: u never wraps). The weight
     * exponent is then the smallest that keeps every weight within 8 bits. */
    double S = fmin(4194304.0 / vmax, fmin(32767.0 * 64.0 / A, 4194304.0 / (A * tmax)));
    int wexp = 0;
    while (wexp < 7 && M * S / (64.0 * (double)(1u << wexp)) > 127.0)
        wexp++;
    if (M * S / (64.0 * (double)(1u << wexp)) > 127.0)
        S = 127.0 * 64.0 * 128.0 / M;
    rep->v_scale = S;
    rep->wexp = (unsigned)wexp;
    rep->w_lsb = 64.0 * (double)(1u << wexp) / S;
    if ((rc = snn_net_init(net, n_total, n_axons)))
        return rc;
    net->wexp = (uint32_t)wexp;
    double *bias_in = calloc(n_total, sizeof *bias_in);
    if (!bias_in) {
        snn_net_free(net);
        return nc_err_set(NC_ERR_NOMEM, "no memory");
    }
    for (size_t c = 0; c < nc; c++) {
        const snn_nir_node_t *wn = &g->node[cs[c].c];
        if (wn->kind == NIR_AFFINE) {
            const snn_nir_param_t *b = param(wn, "bias");
            for (uint32_t j = 0; j < g->node[cs[c].dst].size; j++)
                bias_in[g->node[cs[c].dst].first + j] += b->n == 1 ? b->v[0] : b->v[j];
        }
    }
    for (size_t i = 0; i < g->n_node && rc == NC_OK; i++) {
        const snn_nir_node_t *n = &g->node[i];
        if (!is_neuron(n->kind))
            continue;
        for (uint32_t j = 0; j < n->size && rc == NC_OK; j++)
            rc = map_neuron(g, n, j, dt, S, bias_in + n->first, &net->neuron[n->first + j], rep);
    }
    for (size_t i = 0; i < g->n_node && rc == NC_OK; i++)
        if (g->node[i].kind == NIR_OUTPUT) {
            const snn_nir_node_t *s = &g->node[only_edge(g, i, 1)];
            for (uint32_t j = 0; j < s->size; j++)
                net->neuron[s->first + j].out = true;
        }
    for (size_t c = 0; c < nc && rc == NC_OK; c++) {
        const snn_nir_node_t *wn = &g->node[cs[c].c], *sn = &g->node[cs[c].src], *dn = &g->node[cs[c].dst];
        const snn_nir_param_t *w = param(wn, "weight");
        uint32_t src0 = sn->kind == NIR_INPUT ? 0 : n_axons + sn->first;
        for (uint32_t k = 0; k < w->cols && rc == NC_OK; k++)
            for (uint32_t r = 0; r < w->rows && rc == NC_OK; r++) {
                double x = w->v[(size_t)r * w->cols + k] * gain(dn, r, dt) / rep->w_lsb;
                long q = lround(x);
                q = q > 127 ? 127 : q < -128 ? -128 : q;
                double err = fabs((double)q - x) * rep->w_lsb / M;
                rep->w_err_max = fmax(rep->w_err_max, err);
                unsigned d;
                rc = delay_steps(g, cs[c].dl, r, dt, &d);
                if (rc == NC_OK && q == 0) {
                    rep->syn_zero++;
                    continue;
                }
                if (rc == NC_OK)
                    rc = snn_net_add_syn(net, src0 + k, dn->first + r, (int)q, d);
                rep->syn++;
            }
    }
    free(bias_in);
    if (rc)
        snn_net_free(net);
    return rc;
}

/* ---- floating-point reference ---- */

int snn_nir_fsim(snn_nir_t *g, double dt, const snn_event_t *in, size_t n_in, uint32_t steps, snn_event_t **out,
                 size_t *n_out)
{
    *out = NULL;
    *n_out = 0;
    uint32_t n_total = 0, n_axons = 0;
    conn_t cs[SNN_NIR_MAX_NODES];
    size_t nc = 0;
    int rc = layout(g, &n_total, &n_axons, cs, &nc);
    if (rc)
        return rc;
    enum { RING = 64 };
    double *I = calloc(n_total, sizeof *I), *v = calloc(n_total, sizeof *v);
    double *ring = calloc((size_t)RING * n_total, sizeof *ring), *bias = calloc(n_total, sizeof *bias);
    uint8_t *spk = calloc(n_total, 1), *ax = calloc(n_axons, 1);
    size_t cap = 1024, n = 0, ii = 0;
    snn_event_t *ev = malloc(cap * sizeof *ev);
    if (!I || !v || !ring || !bias || !spk || !ax || !ev)
        rc = nc_err_set(NC_ERR_NOMEM, "no memory for the float reference");
    for (size_t c = 0; c < nc && rc == NC_OK; c++)
        if (g->node[cs[c].c].kind == NIR_AFFINE) {
            const snn_nir_param_t *b = param(&g->node[cs[c].c], "bias");
            for (uint32_t j = 0; j < g->node[cs[c].dst].size; j++)
                bias[g->node[cs[c].dst].first + j] += b->n == 1 ? b->v[0] : b->v[j];
        }
    for (uint32_t t = 0; t < steps && rc == NC_OK; t++) {
        memset(ax, 0, n_axons);
        for (; ii < n_in && in[ii].step == t; ii++)
            if (in[ii].id < n_axons)
                ax[in[ii].id] = 1;
        /* inputs of step t, and spikes of step t-1 (one step per hop), land at t + delay */
        for (size_t c = 0; c < nc && rc == NC_OK; c++) {
            const snn_nir_node_t *sn = &g->node[cs[c].src], *dn = &g->node[cs[c].dst];
            const snn_nir_param_t *w = param(&g->node[cs[c].c], "weight");
            const uint8_t *s = sn->kind == NIR_INPUT ? ax : spk + sn->first;
            for (uint32_t k = 0; k < w->cols; k++) {
                if (!s[k])
                    continue;
                for (uint32_t r = 0; r < w->rows && rc == NC_OK; r++) {
                    unsigned d;
                    rc = delay_steps(g, cs[c].dl, r, dt, &d);
                    ring[(size_t)((t + d) % RING) * n_total + dn->first + r] += w->v[(size_t)r * w->cols + k];
                }
            }
        }
        for (size_t i = 0; i < g->n_node && rc == NC_OK; i++) {
            const snn_nir_node_t *nd = &g->node[i];
            if (!is_neuron(nd->kind))
                continue;
            for (uint32_t j = 0; j < nd->size; j++) {
                uint32_t q = nd->first + j;
                double *cell = &ring[(size_t)(t % RING) * n_total + q], x = *cell;
                *cell = 0;
                bool fire;
                if (nd->kind == NIR_THRESHOLD) {
                    fire = x > pv(nd, "threshold", j, 0);
                } else {
                    double tm = pv(nd, nd->kind == NIR_LIF ? "tau" : "tau_mem", j, 1), r = pv(nd, "r", j, 1);
                    if (nd->kind == NIR_CUBALIF)
                        I[q] = I[q] * (1 - dt / pv(nd, "tau_syn", j, 1)) + pv(nd, "w_in", j, 1) * x;
                    else
                        I[q] = x + bias[q];
                    v[q] = v[q] * (1 - dt / tm) + dt / tm * (pv(nd, "v_leak", j, 0) + r * I[q]);
                    fire = v[q] > pv(nd, "v_threshold", j, 0);
                    if (fire)
                        v[q] = 0;
                }
                spk[q] = fire;
                if (fire) {
                    if (n == cap) {
                        snn_event_t *e2 = realloc(ev, 2 * cap * sizeof *ev);
                        if (!e2) {
                            rc = nc_err_set(NC_ERR_NOMEM, "no memory for spikes");
                            break;
                        }
                        ev = e2, cap *= 2;
                    }
                    ev[n++] = (snn_event_t){t, q};
                }
            }
        }
    }
    free(I), free(v), free(ring), free(bias), free(spk), free(ax);
    if (rc) {
        free(ev);
        return rc;
    }
    snn_events_sort(ev, n);
    *out = ev;
    *n_out = n;
    return NC_OK;
}

static int by_id_step(const void *x, const void *y)
{
    const snn_event_t *a = x, *b = y;
    if (a->id != b->id)
        return a->id < b->id ? -1 : 1;
    return a->step < b->step ? -1 : a->step > b->step;
}

size_t snn_spike_matches(const snn_event_t *a, size_t na, const snn_event_t *b, size_t nb, uint32_t tol)
{
    /* per neuron, a greedy one-to-one matching of the two time-sorted spike trains */
    snn_event_t *x = malloc((na + 1) * sizeof *x), *y = malloc((nb + 1) * sizeof *y);
    size_t m = 0, i = 0, j = 0;
    if (!x || !y) {
        free(x), free(y);
        return 0;
    }
    if (na)
        memcpy(x, a, na * sizeof *x);
    if (nb)
        memcpy(y, b, nb * sizeof *y);
    qsort(x, na, sizeof *x, by_id_step);
    qsort(y, nb, sizeof *y, by_id_step);
    while (i < na && j < nb) {
        if (x[i].id != y[j].id)
            x[i].id < y[j].id ? i++ : j++;
        else if (x[i].step + tol < y[j].step)
            i++;
        else if (y[j].step + tol < x[i].step)
            j++;
        else
            i++, j++, m++;
    }
    free(x), free(y);
    return m;
}
