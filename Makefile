# neurocosim - one C-driven flow from RTL and SFQ circuits to golden models.
#
#   make run      co-simulate every design on its defaults and print the validation report
#   make test     the whole test suite (lint, generated-file checks, Criterion tests)
#   make help     everything else
#
# Options: SAN=1 (AddressSanitizer + UBSan, separate build dir), V=1 (show commands).
# FUZZ=1 is internal: `make fuzz` builds the fuzz targets with it (clang + libFuzzer, build/fuzz).

SHELL := /bin/bash
.DEFAULT_GOAL := all
.SUFFIXES:
.DELETE_ON_ERROR:

SAN ?=
FUZZ ?=
# COV=1: models Verilated with line and toggle coverage (make coverage, tree build/cov);
# XINIT=1: with --x-initial unique, randomised by NC_RAND_RESET (make verify, tree build/xinit).
COV ?=
XINIT ?=
B ?= build/$(if $(FUZZ),fuzz,$(if $(SAN),san,$(if $(COV),cov,$(if $(XINIT),xinit,rel))))
Q := $(if $(V),,@)

CC := $(if $(FUZZ),clang,gcc)
CXX := $(if $(FUZZ),clang++,g++)
VERILATOR := verilator
VERILATOR_INC := /usr/share/verilator/include
NPROC := $(shell nproc 2>/dev/null || echo 2)

comma := ,
SANFLAGS := $(if $(FUZZ),-fsanitize=fuzzer-no-link$(comma)address$(comma)undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined,$(if $(SAN),-fsanitize=address$(comma)undefined -fno-omit-frame-pointer \
              -fno-sanitize-recover=undefined))
WARN := -Wall -Wextra -Werror
OPT := $(if $(SAN)$(FUZZ),-O1,-O2) -g
INCS := -Ihost/common -Ihost/drivers -Ihost/models -Ihost/harness -Ihost/cli -Icosim -Icosim/spice -Icosim/systemc -Itests -I$(B)/gen
HDF5_INC := /usr/include/hdf5/serial
HDF5_LIB := -L/usr/lib/$(shell $(CC) -print-multiarch 2>/dev/null)/hdf5/serial -lhdf5
CFLAGS := -std=c11 -D_DEFAULT_SOURCE $(OPT) $(WARN) $(SANFLAGS) $(INCS) -isystem $(VERILATOR_INC) -isystem $(HDF5_INC) -MMD -MP
CXXFLAGS := -std=c++17 $(OPT) $(WARN) $(SANFLAGS) $(INCS) -isystem $(VERILATOR_INC) \
            -isystem $(VERILATOR_INC)/vltstd -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=$(if $(COV),1,0) -DVM_SC=0 -MMD -MP
LDLIBS = $(HDF5_LIB) -lfftw3 -lngspice -lsystemc -lz -latomic -pthread -lm
LDFLAGS := $(SANFLAGS) -Wl,-u,sc_main

# ---------------------------------------------------------------------------------------------
# Debian packages. Installed when make runs as root, otherwise named in one error line. This
# happens while the Makefile is read, before any rule is planned: rules whose prerequisites
# live in these packages (the Verilator runtime under /usr/share/verilator) then see them on
# the very first run. Goals that need no package (help, clean) skip the check.
DEB_PKGS := build-essential pkg-config verilator libsystemc-dev ngspice libngspice0-dev gtkwave \
            libcriterion-dev libfftw3-dev zlib1g-dev libhdf5-dev python3-h5py gnuplot-nox
# `make fuzz` also needs clang and its libFuzzer runtime.
FUZZ_PKGS := clang libclang-rt-14-dev
$(if $(FUZZ)$(filter fuzz fuzz-merge fuzz-bins,$(MAKECMDGOALS)),$(eval DEB_PKGS += $(FUZZ_PKGS)))
NODEPS_GOALS := help clean
define deps_install_sh
missing=""; \
for p in $(1); do \
  dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || missing="$$missing $$p"; \
done; \
[ -z "$$missing" ] && exit 0; \
if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
  echo "neurocosim: installing missing Debian packages:$$missing" >&2; \
  export DEBIAN_FRONTEND=noninteractive; \
  { apt-get -o DPkg::Lock::Timeout=600 update -qq && apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends$$missing; } >/tmp/neurocosim-apt.$$$$.log 2>&1 \
    && { rm -f /tmp/neurocosim-apt.$$$$.log; exit 0; }; \
  tail -5 /tmp/neurocosim-apt.$$$$.log >&2; echo "neurocosim: apt-get install$$missing failed" >&2; exit 1; \
fi; \
echo "neurocosim: missing Debian packages:$$missing -- install them with: sudo apt-get install -y$$missing" >&2; \
exit 1
endef
# deps_ensure(packages): install or fail, while the Makefile is read.
deps_ensure = $(if $(filter 0,$(shell if command -v dpkg-query >/dev/null; then ( $(call deps_install_sh,$(1)) ) >&2; echo $$?; else echo 0; fi)),,$(error neurocosim: required Debian packages are missing (see the line above)))
ifneq ($(filter-out $(NODEPS_GOALS),$(or $(MAKECMDGOALS),all)),)
$(call deps_ensure,$(DEB_PKGS))
endif
.PHONY: deps
deps:

# ---------------------------------------------------------------------------------------------
# Designs. The project is cut into units that build and link on their own, so one design's
# tests never wait for (or break on) another's:
#   core     host/common, host/drivers/bus*, cosim/vmodel*: the spine; RTL model: scratch
#   fftconv  files named fftconv* in host/models, host/drivers, host/harness
#   snn      files named snn* in host/models, host/drivers, host/harness
#   spice    cosim/spice/*, files named sfq* in host/models, sfq* and spice* in host/harness
#   system   files named system* in host/models, host/drivers, host/harness: the hybrid chip
#            (issue 10); it builds on snn and spice (DEPS_system) and links their libraries
# A test tests/test_<design>*.c (benchmark tests/bench/bench_<design>*.c) links the core, its
# design's C files and its design's RTL models. The neurocosim tool links everything.
#
# Each rtl/<ip>/ip.mk (and circuits/circuits.mk, included at the end) may add targets.
# Each rtl/<ip>/ip.mk appends to VMODELS_<design> (one Verilated build per configuration) and
# REGMAPS, and sets <model>_TOP, <model>_SRCS, <model>_PARAMS (verilator -G...), <model>_DESC.
DESIGNS := core fftconv snn spice system
DEPS_system := snn spice
$(foreach d,$(DESIGNS),$(eval VMODELS_$(d) :=))
REGMAPS :=
include $(sort $(wildcard rtl/*/ip.mk))
VMODELS := $(foreach d,$(DESIGNS),$(VMODELS_$(d)))
SRCPAT_fftconv := host/models/fftconv% host/drivers/fftconv% host/harness/fftconv%
SRCPAT_snn := host/models/snn% host/drivers/snn% host/harness/snn%
SRCPAT_spice := cosim/spice/% host/models/sfq% host/harness/sfq% host/harness/spice%
SRCPAT_system := host/models/system% host/drivers/system% host/harness/system%
reverse = $(if $(1),$(call reverse,$(wordlist 2,$(words $(1)),$(1))) $(firstword $(1)))
# A design's libraries: its own, those it builds on, then the core's.
dlibs = $(call lib,$(1)) $(foreach x,$(DEPS_$(1)),$(call lib,$(x))) $(call lib,core)

VFLAGS := --cc --build -j $(NPROC) -O3 --assert --trace-fst \
          $(if $(XINIT),--x-assign unique --x-initial unique,--x-assign fast --x-initial fast) \
          $(if $(COV),--coverage-line --coverage-toggle) \
          --timescale 1ns/1ns -Wno-fatal -MAKEFLAGS "OPT_FAST=-O2 OPT_SLOW=-O1 OPT_GLOBAL=-O1" \
          $(if $(SAN),-CFLAGS "$(SANFLAGS) -fno-sanitize=alignment" -LDFLAGS "$(SANFLAGS)")
# (-fno-sanitize=alignment: Verilator's inlined trace code compares 64-bit signals through
# deliberately unaligned loads, which UBSan would stop on in any --waves run of a SAN build.)

vm_dir = $(B)/vm/$(1)
vm_lib = $(B)/vm/$(1)/V$(1)__ALL.a
vm_shim = $(B)/vm/$(1)/$(1)_shim.o
vm_incs = $(addprefix -I,$(sort $(dir $($(1)_SRCS))))

define vmodel_rules
$(call vm_lib,$(1)): $($(1)_SRCS) $(wildcard $(dir $(firstword $($(1)_SRCS)))ip.mk) | deps
	@echo "  VERILATE $(1)  ($($(1)_TOP) $($(1)_DESC))"
	$(Q)mkdir -p $(call vm_dir,$(1))
	$(Q)$(VERILATOR) $(VFLAGS) --prefix V$(1) --top-module $($(1)_TOP) -Mdir $(call vm_dir,$(1)) \
	    $(call vm_incs,$(1)) $($(1)_PARAMS) $($(1)_SRCS) > $(call vm_dir,$(1)).log 2>&1 || \
	    { tail -40 $(call vm_dir,$(1)).log; exit 1; }
	$(Q)touch $$@
$(call vm_shim,$(1)): $(call vm_lib,$(1)) cosim/verilator/vmodel_impl.hpp
	$(Q)printf '#include "V%s.h"\n#include "vmodel_impl.hpp"\nNC_VMODEL_DEFINE(%s, V%s, "%s", "%s")\n' \
	    $(1) $(1) $(1) "$($(1)_TOP)" "$($(1)_DESC)" > $(call vm_dir,$(1))/$(1)_shim.cpp
	$(Q)$(CXX) $(CXXFLAGS) -Icosim/verilator -I$(call vm_dir,$(1)) -c -o $$@ $(call vm_dir,$(1))/$(1)_shim.cpp
endef
$(foreach m,$(VMODELS),$(eval $(call vmodel_rules,$(m))))

# The Verilator runtime, compiled once for all models. Third-party code: AddressSanitizer
# only (its bundled FST writer does deliberate unaligned stores that UBSan would stop on).
VRT_OBJS := $(B)/vm/runtime/verilated.o $(B)/vm/runtime/verilated_threads.o $(B)/vm/runtime/verilated_fst_c.o \
            $(if $(COV),$(B)/vm/runtime/verilated_cov.o)
$(B)/vm/runtime/%.o: $(VERILATOR_INC)/%.cpp | deps
	@mkdir -p $(@D)
	$(Q)$(CXX) -std=c++17 -O2 $(if $(SAN),-fsanitize=address) -isystem $(VERILATOR_INC) -isystem $(VERILATOR_INC)/vltstd \
	    -DVM_TRACE=1 -DVM_TRACE_FST=1 -DVM_COVERAGE=$(if $(COV),1,0) -DVM_SC=0 -DVL_THREADED=1 -faligned-new \
	    -w -c -o $@ $<

# Registries of linked models (vmodel_classes[]): one per design and one of all, each
# rewritten only when its list changes.
registry = $(B)/gen/vmodels_$(1).c
define registry_rules
$(call registry,$(1)): FORCE
	@mkdir -p $$(@D)
	$(Q){ echo '/* Generated by the Makefile from VMODELS. */'; echo '#include "vmodel.h"'; \
	  for m in $(2); do echo "extern const vmodel_class_t vmodel_class_$$$$m;"; done; \
	  echo 'const vmodel_class_t *const vmodel_classes[] = {'; \
	  for m in $(2); do echo "    &vmodel_class_$$$$m,"; done; \
	  echo '    0};'; } > $$@.tmp
	$(Q)cmp -s $$@.tmp $$@ && rm $$@.tmp || mv $$@.tmp $$@
endef
$(foreach d,$(DESIGNS),$(eval $(call registry_rules,$(d),$(VMODELS_$(d)))))
$(eval $(call registry_rules,all,$(VMODELS)))
FORCE:

# Everything a binary of design d needs from Verilator: its models, the shim, the runtime.
vm_objs = $(foreach m,$(VMODELS_$(1)),$(call vm_shim,$(m))) $(B)/obj/cosim/verilator/vmodel.o \
          $(B)/obj/gen/vmodels_$(1).o $(VRT_OBJS) $(foreach m,$(VMODELS_$(1)),$(call vm_lib,$(m)))
VM_OBJS_ALL := $(foreach m,$(VMODELS),$(call vm_shim,$(m))) $(B)/obj/cosim/verilator/vmodel.o \
          $(B)/obj/gen/vmodels_all.o $(VRT_OBJS) $(foreach m,$(VMODELS),$(call vm_lib,$(m)))

# The SystemC top (cosim/systemc/): the scratch IP Verilated with --sc inside a SystemC
# platform with a bus-master thread. Its own program (SystemC brings its own main and
# runtime configuration), checked by tests/test_core_systemc.c.
SC_TOP := $(B)/bin/sc_scratch_top
$(SC_TOP): cosim/systemc/sc_scratch_top.cpp $(scratch_SRCS) | deps
	@echo "  VERILATE scratch --sc  (SystemC top)"
	$(Q)mkdir -p $(B)/vm/scratch_sc $(@D)
	$(Q)$(VERILATOR) --sc --exe --build -j $(NPROC) -O3 --x-assign fast --x-initial fast \
	    --prefix Vscratch_sc --top-module $(scratch_TOP) -Mdir $(B)/vm/scratch_sc $(call vm_incs,scratch) \
	    -CFLAGS "$(WARN) $(SANFLAGS)" $(if $(SAN),-LDFLAGS "$(SANFLAGS)") $(scratch_SRCS) $(CURDIR)/$< \
	    -o $(CURDIR)/$@ > $(B)/vm/scratch_sc.log 2>&1 || { tail -40 $(B)/vm/scratch_sc.log; exit 1; }

# ---------------------------------------------------------------------------------------------
# Register maps: rtl/<ip>/<ip>_regs.def -> C header (build), Verilog header and docs table (committed).
regmap_tool = $(B)/tools/regmap_$(1)
define regmap_rules
$(call regmap_tool,$(1)): host/common/regmap_gen.c host/common/nc_error.c host/common/nc_error.h | deps
	@mkdir -p $$(@D)
	$(Q)$(CC) -std=c11 -O1 $(WARN) -Ihost/common -DNC_REGMAP_DEF='"../../rtl/$(1)/$(1)_regs.def"' \
	    -DNC_REGMAP_IP=$(1) -o $$@ $$< host/common/nc_error.c
$(B)/gen/$(1)_regs.h: $(call regmap_tool,$(1)) rtl/$(1)/$(1)_regs.def
	@mkdir -p $$(@D)
	$(Q)$$< c rtl/$(1)/$(1)_regs.def > $$@
endef
$(foreach r,$(REGMAPS),$(eval $(call regmap_rules,$(r))))
GEN_HDRS := $(foreach r,$(REGMAPS),$(B)/gen/$(r)_regs.h)

.PHONY: regs check-regs
regs: $(foreach r,$(REGMAPS),$(call regmap_tool,$(r)))  ## regenerate committed .vh and docs tables
	$(Q)for r in $(REGMAPS); do \
	  $(B)/tools/regmap_$$r vh rtl/$$r/$${r}_regs.def > rtl/$$r/$${r}_regs.vh.tmp && \
	  $(B)/tools/regmap_$$r md rtl/$$r/$${r}_regs.def > docs/$${r}_regs.md.tmp || \
	  { rm -f rtl/$$r/$${r}_regs.vh.tmp docs/$${r}_regs.md.tmp; exit 2; }; \
	  mv rtl/$$r/$${r}_regs.vh.tmp rtl/$$r/$${r}_regs.vh; mv docs/$${r}_regs.md.tmp docs/$${r}_regs.md; \
	  echo "  REGS rtl/$$r/$${r}_regs.vh docs/$${r}_regs.md"; done
check-regs: $(foreach r,$(REGMAPS),$(call regmap_tool,$(r)))
	$(Q)ok=1; for r in $(REGMAPS); do \
	  $(B)/tools/regmap_$$r vh rtl/$$r/$${r}_regs.def | cmp -s - rtl/$$r/$${r}_regs.vh || { echo "stale: rtl/$$r/$${r}_regs.vh (run make regs)"; ok=0; }; \
	  $(B)/tools/regmap_$$r md rtl/$$r/$${r}_regs.def | cmp -s - docs/$${r}_regs.md || { echo "stale: docs/$${r}_regs.md (run make regs)"; ok=0; }; \
	done; [ $$ok = 1 ] && echo "  CHECK register maps: generated files up to date"

# ---------------------------------------------------------------------------------------------
# C and C++ objects, one static library per design.
ALL_SRCS := $(filter-out host/common/regmap_gen.c,$(wildcard host/common/*.c host/drivers/*.c \
              host/models/*.c host/harness/*.c cosim/*.c cosim/spice/*.c)) cosim/systemc/nc_platform.cpp cosim/systemc/nc_sc_main.cpp
$(foreach d,$(filter-out core,$(DESIGNS)),$(eval SRCS_$(d) := $(filter $(SRCPAT_$(d)),$(ALL_SRCS))))
SRCS_core := $(filter-out $(foreach d,$(filter-out core,$(DESIGNS)),$(SRCS_$(d))),$(ALL_SRCS))
lib = $(B)/lib/libnc_$(1).a
define lib_rules
$(call lib,$(1)): $(patsubst %.cpp,$(B)/obj/%.o,$(patsubst %.c,$(B)/obj/%.o,$(SRCS_$(1))))
	@mkdir -p $$(@D)
	$(Q)rm -f $$@ && ar rcs $$@ $$^ $(if $(SRCS_$(1)),,$(B)/obj/empty.o)
endef
$(foreach d,$(DESIGNS),$(eval $(call lib_rules,$(d))))
$(B)/obj/empty.o:
	@mkdir -p $(@D)
	$(Q)echo 'typedef int nc_empty_unit;' | $(CC) -x c -c -o $@ -
$(foreach d,$(DESIGNS),$(if $(SRCS_$(d)),,$(eval $(call lib,$(d)): $(B)/obj/empty.o)))

$(B)/obj/%.o: %.c | deps $(GEN_HDRS)
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<
$(B)/obj/gen/%.o: $(B)/gen/%.c
	@mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c -o $@ $<
$(B)/obj/%.o: %.cpp | deps
	@mkdir -p $(@D)
	$(Q)$(CXX) $(CXXFLAGS) -Icosim/verilator -c -o $@ $<

# The version: host/cli/nc_version.h, with the git description of this checkout.
$(B)/obj/host/cli/main.o: CFLAGS += -DNC_GIT_DESCRIBE='"$(shell git describe --always --dirty 2>/dev/null)"'
$(B)/obj/host/cli/main.o: $(if $(wildcard .git),$(wildcard .git/HEAD .git/index))

# Link line of a binary of design d (objects first, then design lib, core lib, models).
# $(3): libraries that must come before the others (-lcriterion: its main, not libsystemc's).
link = $(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(call dlibs,$(2)) \
       $(filter %.a,$(1)) $(3) $(LDLIBS)

# The command-line tool: every design.
CLI_SRCS := $(wildcard host/cli/*.c)
CLI := $(B)/bin/neurocosim
$(CLI): $(CLI_SRCS:%.c=$(B)/obj/%.o) $(foreach d,$(DESIGNS),$(call lib,$(d))) $(VM_OBJS_ALL)
	@mkdir -p $(@D)
	@echo "  LINK $@"
	$(Q)$(CXX) $(LDFLAGS) -o $@ $(filter %.o,$^) $(foreach d,$(call reverse,$(filter-out core,$(DESIGNS))),$(call lib,$(d))) \
	    $(call lib,core) $(filter %.a,$(VM_OBJS_ALL)) $(LDLIBS)

# Tests (Criterion): tests/test_<design>*.c, one binary each, plus tests/nc_test.c.
design_of = $(firstword $(foreach d,$(DESIGNS),$(if $(filter $(2)_$(d)%,$(1)),$(d))))
TEST_SRCS := $(wildcard tests/test_*.c)
TEST_BINS := $(TEST_SRCS:tests/%.c=$(B)/tests/%)
TEST_SUPPORT := $(B)/obj/tests/nc_test.o $(B)/obj/tests/nc_test_bus.o
define test_rules
$(B)/tests/$(1): $(B)/obj/tests/$(1).o $(TEST_SUPPORT) $(call dlibs,$(2)) $(call vm_objs,$(2))
	@mkdir -p $$(@D)
	@echo "  LINK $$@"
	$(Q)$$(call link,$(call vm_objs,$(2)),$(2),-lcriterion)
endef
$(foreach t,$(TEST_SRCS:tests/%.c=%),$(eval $(call test_rules,$(t),$(or $(call design_of,$(t),test),core))))

# Benchmarks: tests/bench/bench_<design>*.c, one binary each.
BENCH_SRCS := $(wildcard tests/bench/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:tests/bench/%.c=$(B)/bench/%)
define bench_rules
$(B)/bench/$(1): $(B)/obj/tests/bench/$(1).o $(call dlibs,$(2)) $(call vm_objs,$(2))
	@mkdir -p $$(@D)
	@echo "  LINK $$@"
	$(Q)$$(call link,$(call vm_objs,$(2)),$(2))
endef
$(foreach t,$(BENCH_SRCS:tests/bench/%.c=%),$(eval $(call bench_rules,$(t),$(or $(call design_of,$(t),bench),core))))

# Fuzz targets: tests/fuzz/fuzz_<design>_<what>.c, each defining LLVMFuzzerTestOneInput(), link
# the core, their design's library and tests/fuzz/support.c (like tests). Built two ways:
#   normal build   $(B)/fuzz/fuzz_<design>_<what> with tests/fuzz/replay_main.c: `make test`
#                  replays tests/fuzz/corpus/<design>_<what>/ and tests/fuzz/crashes/<design>_<what>/
#   FUZZ=1         build/fuzz/fuzz/fuzz_<design>_<what> with clang's libFuzzer main: `make fuzz`
FUZZ_SRCS := $(sort $(wildcard tests/fuzz/fuzz_*.c))
FUZZ_NAMES := $(FUZZ_SRCS:tests/fuzz/fuzz_%.c=%)
FUZZ_BINS := $(FUZZ_NAMES:%=$(B)/fuzz/fuzz_%)
FUZZ_MAIN := $(if $(FUZZ),,$(B)/obj/tests/fuzz/replay_main.o)
define fuzz_rules
$(B)/fuzz/fuzz_$(1): $(B)/obj/tests/fuzz/fuzz_$(1).o $(B)/obj/tests/fuzz/support.o $(FUZZ_MAIN) \
                     $(call lib,$(2)) $(call lib,core)
	@mkdir -p $$(@D)
	@echo "  LINK $$@"
	$(Q)$$(call link,,$(2)) $(if $(FUZZ),-fsanitize=fuzzer)
endef
$(foreach t,$(FUZZ_NAMES),$(eval $(call fuzz_rules,$(t),$(or $(call design_of,fuzz_$(t),fuzz),core))))

-include $(shell find $(B) -name '*.d' 2>/dev/null)

# ---------------------------------------------------------------------------------------------
# User targets.
.PHONY: all run report regress coverage test verify bench lint waves clean help fuzz fuzz-merge fuzz-bins fuzz-libfuzzer-bins
all: $(CLI)  ## build the neurocosim tool (build/rel/bin/neurocosim)

# make run also writes the rows (results/run.json, run.xml: JUnit, run.tsv) and the HTML
# report (report/index.html); its exit status is the validation's.
run: $(CLI)  ## co-simulate every design on its defaults; print the validation report, write the HTML report
	$(Q)$(CLI) run --out $(B)/results; st=$$?; \
	$(CLI) report --out $(B)/report --run $(B)/results/run.tsv --synth $(B)/results/synth.txt >/dev/null 2>$(B)/report.log \
	  && echo "HTML report: $(B)/report/index.html" \
	  || { cat $(B)/report.log >&2; echo "HTML report: failed (above); the rows are in $(B)/results" >&2; }; exit $$st

# The HTML report of the latest rows (make run), checked in headless Chromium: every image
# loads, no error; a screenshot is kept next to it.
ifneq ($(filter report test verify,$(MAKECMDGOALS)),)
$(call deps_ensure,chromium)
endif
# The Slurm engine's test brings up a private single-node cluster (tests/slurm_cluster.sh).
ifneq ($(filter test verify bench,$(MAKECMDGOALS)),)
$(call deps_ensure,munge slurmctld slurmd slurm-client)
endif
report: $(CLI)  ## the HTML report (build/<tree>/report/index.html) of the latest make run, checked in a browser
	$(Q)$(CLI) report --out $(B)/report --run $(B)/results/run.tsv --synth $(B)/results/synth.txt $(if $(wildcard $(B)/regress/jobs.tsv),--regress $(B)/regress) \
	    $(if $(wildcard build/cov/coverage/summary.txt),--coverage build/cov/coverage)
	$(Q)tests/report_check.sh $(B)/report $(B)/report/screenshot.png

# The environment the tests run in: sanitizer options, and the level (test or verify).
TEST_ENV = ASAN_OPTIONS=abort_on_error=0:detect_leaks=1 LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
           UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 NC_BUILD=$(B)

test: lint check-regs $(if $(SAN),,synth-ci) $(TEST_BINS) $(CLI) $(SC_TOP) $(FUZZ_BINS)  ## the whole suite: lint, generated files, synthesis of the smallest RTL configurations, Criterion tests, fuzz replays
	$(Q)$(TEST_ENV) NC_LEVEL=test tests/run_tests.sh $(B) $(TEST_BINS) $(FUZZ_BINS)

verify: lint check-regs $(TEST_BINS) $(CLI) $(SC_TOP)  ## the long sweeps (larger sizes, 10^7 neuron updates); RTL tests again with --x-initial unique
	$(Q)$(TEST_ENV) NC_LEVEL=verify tests/run_tests.sh $(B) $(TEST_BINS)
	$(Q)$(MAKE) --no-print-directory XINIT=1 B=build/xinit $(XINIT_TESTS)
	@echo "== RTL tests on models with --x-initial unique (state the RTL does not reset starts random, seed $${NC_SEED:-1})"
	$(Q)$(TEST_ENV) NC_BUILD=build/xinit NC_RAND_RESET=$${NC_SEED:-1} NC_LEVEL=test tests/run_tests.sh build/xinit $(XINIT_TESTS)

# make verify also runs the RTL tests on models Verilated with --x-initial unique, so that a
# register without a reset cannot hide behind zero-initialised state (build/xinit).
XINIT_TESTS := $(filter %_rtl %/test_core_bus %/test_fftconv_drv,$(TEST_SRCS:tests/%.c=build/xinit/tests/%))

bench: $(BENCH_BINS)  ## benchmarks: figures as ratios against bounds or same-run baselines
	$(Q)mkdir -p $(B)/results; : > $(B)/results/bench.txt; \
	for b in $(BENCH_BINS); do echo "== $$b" | tee -a $(B)/results/bench.txt; \
	  NC_BUILD=$(B) $$b 2>&1 | tee -a $(B)/results/bench.txt; \
	  [ $${PIPESTATUS[0]} = 0 ] || exit 1; done; echo "figures saved in $(B)/results/bench.txt"

lint: | deps  ## verilator --lint-only -Wall on every RTL configuration
	$(Q)$(foreach m,$(VMODELS),$(VERILATOR) --lint-only -Wall --top-module $($(m)_TOP) \
	    $(call vm_incs,$(m)) $($(m)_PARAMS) $($(m)_SRCS) || exit 1;) echo "  LINT $(words $(VMODELS)) RTL configurations clean (verilator -Wall)"

# Synthesis (rtl/common/synth.sh, Yosys): every Verilated configuration of the accelerators,
# and in synth-ci (part of make test) the smallest configurations, which fail the suite on a
# synthesis error or a latch. An ip.mk may add synthesis-only configurations to SYNTH_CI and a
# command <model>_SYNTH_PRE run in the work directory first (ROM files).
SYNTH_MODELS := $(VMODELS_fftconv) $(VMODELS_snn)
SYNTH_CI += snn_l1        # the smallest snn build (rtl/snn/ip.mk); fftconv adds fftconv_s1
ifneq ($(filter synth synth-ci test,$(or $(MAKECMDGOALS),all)),)
$(call deps_ensure,yosys)
endif
synth_row = rtl/common/synth.sh --dir $(B)/synth/$(1) $(if $($(1)_SYNTH_PRE),--pre "$($(1)_SYNTH_PRE)") \
            $($(1)_SYNTH_OPTS) $(1) $($(1)_TOP) "$($(1)_PARAMS)" $($(1)_SRCS) | tee -a $(B)/results/synth.txt || exit 1;
.PHONY: synth synth-ci
synth:  ## Yosys: cells, flip-flops, memory bits, logic levels of every RTL configuration
	$(Q)set -o pipefail; mkdir -p $(B)/results; rtl/common/synth.sh --header | tee $(B)/results/synth.txt; \
	$(foreach m,$(SYNTH_MODELS),$(call synth_row,$(m))) echo "figures saved in $(B)/results/synth.txt"
synth-ci:  ## synthesis of the smallest configurations: fails on a synthesis error or a latch
	$(Q)set -o pipefail; mkdir -p $(B)/results; rtl/common/synth.sh --header | tee $(B)/results/synth.txt; \
	$(foreach m,$(SYNTH_CI),$(call synth_row,$(m)))

# Regressions: a job list (docs/REGRESS.md) on JOBS local workers; results in build/<tree>/regress
# (resumable: finished jobs are kept), then the report with its pass/fail matrix.
LIST ?= tests/regress/smoke.jobs
JOBS ?= $(NPROC)
regress: $(CLI)  ## run the job list LIST (default tests/regress/smoke.jobs) on JOBS workers; results in build/<tree>/regress
	$(Q)$(CLI) regress --list $(LIST) --out $(B)/regress --jobs $(JOBS); st=$$?; \
	$(CLI) report --out $(B)/report --run $(B)/results/run.tsv --regress $(B)/regress >/dev/null 2>$(B)/report.log \
	  && echo "HTML report: $(B)/report/index.html" \
	  || { cat $(B)/report.log >&2; echo "HTML report: failed (above)" >&2; }; exit $$st

# Coverage: the RTL tests (every test binary that links Verilated models) run on models built
# with --coverage-line --coverage-toggle (tree build/cov); each model writes its counters when
# closed; verilator_coverage merges them, genhtml (Debian lcov) makes the HTML view, and
# tests/coverage_summary.sh prints line and toggle coverage per module.
COV_DIR := build/cov/coverage
COV_TESTS := $(filter-out build/cov/tests/test_spice%,$(TEST_SRCS:tests/%.c=build/cov/tests/%))
ifneq ($(filter coverage,$(MAKECMDGOALS)),)
$(call deps_ensure,lcov)
endif
coverage:  ## line and toggle coverage of the RTL by the tests (build/cov/coverage/html/index.html)
	$(Q)$(MAKE) --no-print-directory COV=1 B=build/cov $(COV_TESTS) build/cov/bin/neurocosim
	$(Q)rm -rf $(COV_DIR) && mkdir -p $(COV_DIR)/raw
	$(Q)NC_COVERAGE_DIR=$(CURDIR)/$(COV_DIR)/raw ASAN_OPTIONS=detect_leaks=0 NC_BUILD=build/cov NC_LEVEL=test \
	    tests/run_tests.sh build/cov $(COV_TESTS) || echo "coverage: some tests failed (above); figures of the tests that ran" >&2
	$(Q)ls $(COV_DIR)/raw/*.dat >/dev/null 2>&1 || { echo "coverage: no coverage data written" >&2; exit 1; }
	$(Q)verilator_coverage --write $(COV_DIR)/merged.dat $(COV_DIR)/raw/*.dat
	$(Q)verilator_coverage --write-info $(COV_DIR)/merged.info $(COV_DIR)/merged.dat
	$(Q)genhtml --quiet --output-directory $(COV_DIR)/html $(COV_DIR)/merged.info >$(COV_DIR)/genhtml.log 2>&1 \
	    || { tail -5 $(COV_DIR)/genhtml.log; exit 1; }
	$(Q)tests/coverage_summary.sh $(COV_DIR)/merged.dat | tee $(COV_DIR)/summary.txt
	@echo "coverage: $(COV_DIR)/html/index.html (merged from $$(ls $(COV_DIR)/raw | wc -l) model runs)"

WAVE ?= $(shell ls -t build/*/waves/*.fst 2>/dev/null | head -1)
ifneq ($(filter waves,$(MAKECMDGOALS)),)
$(call deps_ensure,gtkwave)
endif
waves:  ## open WAVE=file.fst (default: the newest under build/) in GTKWave, layout chosen by its content
	$(Q)[ -n "$(WAVE)" ] || { echo "no waveform yet: run a test, or 'neurocosim fftconv ... --waves F'" >&2; exit 1; }
	$(Q)cosim/waves.sh "$(WAVE)"

# Fuzzing (tests/fuzz/run_fuzz.sh; docs/DEVELOPING.md, "Fuzzing").
FUZZ_SECONDS ?= 60
FUZZ_MAX_LEN ?= 8192
FUZZ_MERGE_MAX_LEN ?= 2048
FUZZ_RSS_MB ?= 2048
FUZZ_TIMEOUT ?= 10
FUZZ_TARGETS ?= $(FUZZ_NAMES)
FUZZ_B := build/fuzz
FUZZ_RUN = FUZZ_SECONDS=$(FUZZ_SECONDS) FUZZ_MAX_LEN=$(FUZZ_MAX_LEN) FUZZ_MERGE_MAX_LEN=$(FUZZ_MERGE_MAX_LEN) \
           FUZZ_RSS_MB=$(FUZZ_RSS_MB) FUZZ_TIMEOUT=$(FUZZ_TIMEOUT) tests/fuzz/run_fuzz.sh
fuzz-bins:
	$(Q)$(if $(filter-out $(FUZZ_NAMES),$(FUZZ_TARGETS)),echo "no fuzz target: $(filter-out $(FUZZ_NAMES),$(FUZZ_TARGETS)) (targets: $(FUZZ_NAMES))" >&2; exit 2)
	$(Q)$(MAKE) --no-print-directory FUZZ=1 B=$(FUZZ_B) fuzz-libfuzzer-bins
fuzz-libfuzzer-bins: $(FUZZ_TARGETS:%=$(B)/fuzz/fuzz_%)
	@:
fuzz: fuzz-bins  ## fuzz each parser FUZZ_SECONDS (60) with libFuzzer; crashes -> tests/fuzz/crashes/
	$(Q)$(FUZZ_RUN) run $(FUZZ_B) $(FUZZ_TARGETS)
fuzz-merge: fuzz-bins  ## merge the inputs that add coverage from build/fuzz/corpus into tests/fuzz/corpus
	$(Q)$(FUZZ_RUN) merge $(FUZZ_B) $(FUZZ_TARGETS)

clean:  ## remove build/
	rm -rf build

help:  ## this list
	@echo "neurocosim make targets:"; \
	grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/^([a-z-]+):.*## (.*)/  \1\t\2/' | expand -t 14
	@echo "options: SAN=1 (ASan+UBSan build in build/san), V=1 (verbose), WAVE=file.fst, NC_SEED=n, LIST=file.jobs JOBS=n (regress)"
	@echo "fuzzing: FUZZ_SECONDS=60 FUZZ_TARGETS='core_ints snn_net ...' FUZZ_MAX_LEN=8192 FUZZ_RSS_MB=2048 FUZZ_TIMEOUT=10"

# Design-specific targets that use the tool (make cells, sfq-fit, sfq-xor).
include $(wildcard circuits/circuits.mk)
