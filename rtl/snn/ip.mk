# rtl/snn/ip.mk - the SNN core (SPEC.md). One Verilated build: 1024 neurons in 2 lanes, enough
# for the chained 3-layer 256-256-256 network; NACTIVE limits a run to the neurons it uses.
VMODELS_snn += snn_l2
REGMAPS += snn
snn_l2_TOP := snn_top
snn_l2_SRCS := rtl/snn/snn_top.v rtl/common/nc_fifo.v rtl/common/nc_bus_slave.v
snn_l2_PARAMS := -GN=1024 -GA=256 -GL=2 -GDMAX=32 -GSROWS=65536 -GFD=1024
snn_l2_DESC := N=1024 A=256 L=2 DMAX=32 SROWS=65536 FIFO=1024
