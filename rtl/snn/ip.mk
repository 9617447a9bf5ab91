# rtl/snn/ip.mk - the SNN core (SPEC.md). Two Verilated builds. snn_l2: 1024 neurons in 2 lanes, enough
# for the chained 3-layer 256-256-256 network; NACTIVE limits a run to the neurons it uses.
VMODELS_snn += snn_l2
REGMAPS += snn
snn_l2_TOP := snn_top
snn_l2_SRCS := rtl/snn/snn_top.v rtl/common/nc_fifo.v rtl/common/nc_bus_slave.v
snn_l2_PARAMS := -GN=1024 -GA=256 -GL=2 -GDMAX=32 -GSROWS=65536 -GFD=1024 -GK=4
snn_l2_DESC := N=1024 A=256 L=2 DMAX=32 SROWS=65536 FIFO=1024 K=4

# The default geometry (N=256, A=256) on one lane with the largest delay range (DMAX=64): the
# same RTL, so tests show lanes and DMAX are parameters, and the benchmark measures lanes.
VMODELS_snn += snn_l1
snn_l1_TOP := snn_top
snn_l1_SRCS := $(snn_l2_SRCS)
snn_l1_PARAMS := -GN=256 -GA=256 -GL=1 -GDMAX=64 -GSROWS=65536 -GFD=512 -GK=4
snn_l1_DESC := N=256 A=256 L=1 DMAX=64 SROWS=65536 FIFO=512 K=4

# snn_l1, l2, l4 have K = 4 memory traces per neuron; snn_l8 (the largest) has none (K = 0).
# Wider and larger (issue 14): 4 lanes at N=1024, and 8 lanes at N=4096 neurons (the largest
# neuron window: 4096 x 8 words). SROWS x L stays within the SYN window (2^20 slots).
VMODELS_snn += snn_l4
snn_l4_TOP := snn_top
snn_l4_SRCS := $(snn_l2_SRCS)
snn_l4_PARAMS := -GN=1024 -GA=256 -GL=4 -GDMAX=32 -GSROWS=65536 -GFD=1024 -GK=4
snn_l4_DESC := N=1024 A=256 L=4 DMAX=32 SROWS=65536 FIFO=1024 K=4

VMODELS_snn += snn_l8
snn_l8_TOP := snn_top
snn_l8_SRCS := $(snn_l2_SRCS)
snn_l8_PARAMS := -GN=4096 -GA=256 -GL=8 -GDMAX=32 -GSROWS=65536 -GFD=1024
snn_l8_DESC := N=4096 A=256 L=8 DMAX=32 SROWS=65536 FIFO=1024
