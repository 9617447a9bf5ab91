# rtl/hybrid/ip.mk - the digital side of the hybrid SFQ/CMOS chip (issue 10): the stimulus and
# interface block with its AER encoder, and a small SNN core, in one Verilated model whose gpi/gpo
# pins the SystemC platform connects to the SFQ circuit in ngspice (cosim/systemc/nc_platform.h).
VMODELS_system += hybrid
REGMAPS += hybrid
hybrid_TOP := hybrid_top
hybrid_SRCS := rtl/hybrid/hybrid_top.v rtl/snn/snn_top.v rtl/common/nc_fifo.v rtl/common/nc_bus_slave.v
hybrid_PARAMS := -GN=16 -GA=4 -GL=1 -GDMAX=4 -GSROWS=64 -GFD=64 -GQD=16
hybrid_DESC := SNN N=16 A=4 L=1 DMAX=4 SROWS=64 FIFO=64, encoder queue 16
