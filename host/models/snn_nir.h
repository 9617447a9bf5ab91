/*
 * snn_nir.h - networks from NIR graphs (Neuromorphic Intermediate Representation, HDF5):
 * reading a graph, mapping it onto the SNN core (quantising weights, decays and thresholds to
 * the core's integers with the scales reported), and a floating-point reference that runs the
 * graph itself, unquantised, with the same discrete time (rtl/snn/SPEC.md, "Networks from NIR").
 *
 * Supported nodes: Input, Output, Affine, Linear, CubaLIF, LIF, Delay, Threshold. Anything
 * else, and parameters that do not fit the core, are refused with the node's name and the
 * reason (nc_err_set; exit 2 from the CLI).
 */
#ifndef SNN_NIR_H
#define SNN_NIR_H

#include <stddef.h>
#include <stdint.h>

#include "snn_net.h"

#define SNN_NIR_MAX_NODES 64
#define SNN_NIR_MAX_PARAMS 8
#define SNN_NIR_MAX_ELEMS (1u << 22) /* elements of one parameter array */

typedef enum snn_nir_kind {
    NIR_INPUT, NIR_OUTPUT, NIR_AFFINE, NIR_LINEAR, NIR_CUBALIF, NIR_LIF, NIR_DELAY, NIR_THRESHOLD
} snn_nir_kind_t;

typedef struct snn_nir_param {
    char name[32];
    double *v;
    size_t n, rows, cols; /* rows x cols (a vector: rows = n, cols = 1) */
} snn_nir_param_t;

typedef struct snn_nir_node {
    char name[64], type[32];
    snn_nir_kind_t kind;
    snn_nir_param_t p[SNN_NIR_MAX_PARAMS];
    int np;
    uint32_t size;  /* neurons of a neuron node, elements of Input/Output/Delay */
    uint32_t first; /* neuron nodes: first core neuron                           */
} snn_nir_node_t;

typedef struct snn_nir {
    char path[256];
    snn_nir_node_t node[SNN_NIR_MAX_NODES];
    size_t n_node;
    uint32_t (*edge)[2]; /* (source, target) node indices */
    size_t n_edge;
} snn_nir_t;

/* What the mapping did to the numbers (all scales in the core's units). */
typedef struct snn_nir_report {
    double dt;           /* seconds per step                                          */
    double v_scale;      /* core v units per NIR voltage unit                          */
    unsigned wexp;       /* the core's weight exponent                                 */
    double w_lsb;        /* one weight step, in NIR units of (dt/tau_mem) r w_in W     */
    double w_err_max;    /* largest |quantised - exact| weight, relative to the largest */
    size_t syn, syn_zero;/* synapses mapped; weights that rounded to 0 (left out)       */
    double du_err_max, dv_err_max; /* largest |core decay - dt/tau| per step           */
    double vth_err_max;  /* largest relative threshold error                           */
} snn_nir_report_t;

/* Reads a NIR graph (HDF5). Refuses other files, unknown node types (by name), missing or
 * mis-shaped parameters. */
int snn_nir_read(const char *path, snn_nir_t *g);
void snn_nir_free(snn_nir_t *g);

/* Maps the graph onto the core's network with time step dt (seconds): neuron nodes become
 * ranges of neurons in the file's node order, Input the axons, Affine/Linear (through an
 * optional Delay) the synapses, Output the output enables. */
int snn_nir_map(snn_nir_t *g, double dt, snn_net_t *net, snn_nir_report_t *rep);

/* The floating-point reference: the graph's own equations (forward Euler with step dt, the
 * current updated before the voltage, reset to 0, spike when v > v_threshold), one step per
 * hop between neuron nodes plus the Delay, on the input events in[] (sorted by step). Returns
 * the output spikes of every neuron node as core neuron numbers (after snn_nir_map), sorted. */
int snn_nir_fsim(snn_nir_t *g, double dt, const snn_event_t *in, size_t n_in, uint32_t steps, snn_event_t **out,
                 size_t *n_out);

/* Spike agreement: spikes of each neuron matched one to one within +-tol steps; returns the
 * matches (a and b sorted by (step, id)). */
size_t snn_spike_matches(const snn_event_t *a, size_t na, const snn_event_t *b, size_t nb, uint32_t tol);

#endif
