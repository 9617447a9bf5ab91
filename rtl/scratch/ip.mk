# rtl/scratch/ip.mk - the scratch IP: a minimal bus target that tests the co-simulation spine
# itself (handshake, bus errors, bounded polls, irq, waveforms) and serves as the baseline model
# of the co-simulation throughput benchmark.
VMODELS_core += scratch
REGMAPS += scratch
scratch_TOP := scratch_top
scratch_SRCS := rtl/scratch/scratch_top.v rtl/common/nc_bus_slave.v
scratch_PARAMS :=
scratch_DESC := 16 scratch words, timer
