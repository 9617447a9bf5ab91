# rtl/fftconv/ip.mk - the FFT-convolution accelerator: one Verilated build per P, LMAX = 65536,
# one kernel slot and one U/Y bank; fftconv_c2, the many-channel build (README, "Many
# channels"): P = 2, LMAX = 4096, 64 kernel slots (64 full-length spectra: 2 MB of K), two U/Y
# banks; and, for make verify and make bench only, fftconv_m1 (P = 4, LMAX = 2^20) and
# fftconv_cw (P = 4, LMAX = 2^17, two slots, two banks).
VMODELS_fftconv += fftconv_p1 fftconv_p2 fftconv_p4 fftconv_c2
REGMAPS += fftconv
fftconv_SRCS := $(sort $(wildcard rtl/fftconv/*.v)) rtl/common/nc_bus_slave.v
fftconv_p1_TOP := fftconv_top
fftconv_p1_SRCS := $(fftconv_SRCS)
fftconv_p1_PARAMS := -GP=1 -GLOG2LMAX=16
fftconv_p1_DESC := P=1 LMAX=65536
fftconv_p2_TOP := fftconv_top
fftconv_p2_SRCS := $(fftconv_SRCS)
fftconv_p2_PARAMS := -GP=2 -GLOG2LMAX=16
fftconv_p2_DESC := P=2 LMAX=65536
fftconv_p4_TOP := fftconv_top
fftconv_p4_SRCS := $(fftconv_SRCS)
fftconv_p4_PARAMS := -GP=4 -GLOG2LMAX=16
fftconv_p4_DESC := P=4 LMAX=65536
fftconv_c2_TOP := fftconv_top
fftconv_c2_SRCS := $(fftconv_SRCS)
fftconv_c2_PARAMS := -GP=2 -GLOG2LMAX=12 -GKCH=64 -GNBUF=2
fftconv_c2_DESC := P=2 LMAX=4096 KCH=64 two U/Y banks
# LMAX = 2^20 (P = 4): Verilated for make verify and make bench only (a full-length job against
# the model and FFTW; its Verilation is not in make test's budget). Its memories are reached
# through the WPAGE register (README, "Memory organisation"). FFTCONV_M1=1 links it into any
# build (e.g. make FFTCONV_M1=1 build/rel/tests/test_fftconv_rtl; fftconv_cw comes with it).
# fftconv_cw (P = 4, LMAX = 2^17, two kernel slots, two U/Y banks), also for make verify only:
# the windows paged (WPAGE) within the host's bank and slot while a channel stream runs.
ifneq ($(filter verify bench,$(MAKECMDGOALS))$(FFTCONV_M1),)
VMODELS_fftconv += fftconv_m1 fftconv_cw
endif
fftconv_m1_TOP := fftconv_top
fftconv_m1_SRCS := $(fftconv_SRCS)
fftconv_m1_PARAMS := -GP=4 -GLOG2LMAX=20
fftconv_m1_DESC := P=4 LMAX=1048576
fftconv_cw_TOP := fftconv_top
fftconv_cw_SRCS := $(fftconv_SRCS)
fftconv_cw_PARAMS := -GP=4 -GLOG2LMAX=17 -GKCH=2 -GNBUF=2
fftconv_cw_DESC := P=4 LMAX=131072 KCH=2 two U/Y banks

# Synthesis (make synth, rtl/common/synth.sh): the twiddle ROM's contents come from files
# (Yosys has no real variables) for the configuration's LOG2LMAX. make test synthesises the
# smallest configuration, fftconv_s1 (synthesis only, not Verilated).
SYNTH_CI += fftconv_s1
fftconv_s1_TOP := fftconv_top
fftconv_s1_SRCS := $(fftconv_SRCS)
fftconv_s1_PARAMS := -GP=1 -GLOG2LMAX=8
fftconv_lg = $(patsubst -GLOG2LMAX=%,%,$(filter -GLOG2LMAX=%,$($(1)_PARAMS)))
$(foreach m,$(VMODELS_fftconv) fftconv_s1,$(eval $(m)_SYNTH_PRE := $(CURDIR)/rtl/fftconv/twiddle_hex.sh $(call fftconv_lg,$(m))))
# Yosys's SAT-based share pass does not finish in reasonable time on P = 4 (> 11 CPU minutes).
# (On fftconv_s1, pipelined, it costs nothing measurable: same figures, same time.)
fftconv_p4_SYNTH_OPTS := --noshare
