#!/usr/bin/env python3
"""Writes small NIR graphs (HDF5, the layout of the NIR specification: a "version" string,
a group "node" of type NIRGraph holding a group "nodes" with one group per node -- its "type"
string and its parameter arrays -- and an "edges" array of (source, target) name pairs) for
the tests of `neurocosim snn --nir`. Usage: make_nir.py OUTDIR [SEED]

Files:
  ff_fixed.nir  the same graph with fixed-length (bytes) strings instead of variable-length UTF-8;
  ff.nir        Input(16) -> Affine(32x16) -> CubaLIF(32) -> Linear(16x32) -> Delay -> LIF(16) -> Output,
                plus a Threshold layer fed from the input: the network whose float behaviour the
                quantised core is compared with;
  conv.nir      a Conv1d node (unsupported: refused by name);
  reset.nir     a CubaLIF with a non-zero v_reset (does not fit the core);
  tau.nir       a CubaLIF whose tau_syn is shorter than the time step (does not fit).
"""
import sys

import h5py
import numpy as np


def put(group, name, value, fixed=False):
    if isinstance(value, str):
        if fixed:  # fixed-length bytes, as numpy 'S' arrays are stored
            group.create_dataset(name, data=np.bytes_(value))
        else:      # variable-length UTF-8
            group.create_dataset(name, data=value, dtype=h5py.string_dtype())
    elif isinstance(value, list) and all(isinstance(x, int) for x in value):
        group.create_dataset(name, data=np.asarray(value, dtype=np.int64))  # shapes are integers
    else:
        group.create_dataset(name, data=np.asarray(value, dtype=np.float64))


def write(path, nodes, edges, fixed=False):
    with h5py.File(path, "w") as f:
        put(f, "version", "1.0", fixed)
        g = f.create_group("node")
        put(g, "type", "NIRGraph", fixed)
        ng = g.create_group("nodes")
        for name, params in nodes.items():
            sub = ng.create_group(name)
            for k, v in params.items():
                put(sub, k, v, fixed)
        if fixed:
            g.create_dataset("edges", data=np.array([[a, b] for a, b in edges], dtype="S"))
        else:
            e = np.array([[a, b] for a, b in edges], dtype=object)
            g.create_dataset("edges", data=e, dtype=h5py.string_dtype())


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    dt = 1e-3
    n_in, n_h, n_o = 16, 32, 16
    w1 = rng.normal(0.0, 1.0, (n_h, n_in)) * 0.9 + 0.35
    b1 = np.zeros(n_h)
    w2 = rng.normal(0.0, 1.0, (n_o, n_h)) * 0.5 + 0.4
    wt = rng.normal(0.0, 1.0, (8, n_in)) * 0.5 + 0.5
    nodes = {
        "input": {"type": "Input", "shape": [n_in]},
        "fc1": {"type": "Affine", "weight": w1, "bias": b1},
        "lif1": {"type": "CubaLIF", "tau_syn": np.full(n_h, 5e-3), "tau_mem": rng.uniform(8e-3, 20e-3, n_h),
                 "r": np.full(n_h, 1.0), "v_leak": np.zeros(n_h), "v_threshold": rng.uniform(0.8, 1.2, n_h),
                 "v_reset": np.zeros(n_h), "w_in": np.ones(n_h)},
        "fc2": {"type": "Linear", "weight": w2},
        "delay2": {"type": "Delay", "delay": rng.integers(0, 4, n_o) * dt},
        "lif2": {"type": "LIF", "tau": rng.uniform(5e-3, 10e-3, n_o), "r": np.full(n_o, 2.0),
                 "v_leak": np.zeros(n_o), "v_threshold": np.full(n_o, 1.0), "v_reset": np.zeros(n_o)},
        "fct": {"type": "Linear", "weight": wt},
        "thr": {"type": "Threshold", "threshold": np.full(8, 1.5)},
        "output": {"type": "Output", "shape": [n_o]},
    }
    edges = [("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "delay2"), ("delay2", "lif2"),
             ("lif2", "output"), ("input", "fct"), ("fct", "thr")]
    write(f"{out}/ff.nir", nodes, edges)
    write(f"{out}/ff_fixed.nir", nodes, edges, fixed=True)  # the same graph with fixed-length strings

    small = {
        "input": {"type": "Input", "shape": [4]},
        "fc": {"type": "Linear", "weight": np.ones((4, 4))},
        "lif": {"type": "CubaLIF", "tau_syn": np.full(4, 5e-3), "tau_mem": np.full(4, 1e-2), "r": np.ones(4),
                "v_leak": np.zeros(4), "v_threshold": np.ones(4), "v_reset": np.zeros(4)},
        "output": {"type": "Output", "shape": [4]},
    }
    chain = [("input", "fc"), ("fc", "lif"), ("lif", "output")]
    conv = dict(small)
    conv["conv"] = {"type": "Conv1d", "weight": np.ones((4, 4, 3)), "stride": [1], "padding": [0],
                    "dilation": [1], "groups": 1, "bias": np.zeros(4)}
    write(f"{out}/conv.nir", conv, chain + [("lif", "conv")])
    reset = {k: dict(v) for k, v in small.items()}
    reset["lif"]["v_reset"] = np.full(4, 0.25)
    write(f"{out}/reset.nir", reset, chain)
    tau = {k: dict(v) for k, v in small.items()}
    tau["lif"]["tau_syn"] = np.full(4, 2e-4)
    write(f"{out}/tau.nir", tau, chain)


if __name__ == "__main__":
    main()
