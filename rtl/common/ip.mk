# rtl/common/ip.mk - a test-only model: nc_assert_probe breaks the bus handshake on request, so
# tests/test_core_assert.c can check that an assertion of rtl/common fails a test with its
# file:line (rtl/common/README.md, "Assertions").
VMODELS_core += assert_probe
assert_probe_TOP := nc_assert_probe
assert_probe_SRCS := rtl/common/nc_assert_probe.v rtl/common/nc_bus_slave.v
assert_probe_PARAMS :=
assert_probe_DESC := test only: FAULT=1 breaks the handshake
