// nc_sc_main.cpp - libsystemc calls sc_main from its own main(); neurocosim programs have
// their own main() and start SystemC themselves (nc_platform.h), so this one is never run.
// Linked into every program (-Wl,-u,sc_main) because libsystemc.so refers to it.
extern "C" int sc_main(int, char **);
extern "C" int sc_main(int, char **) { return 2; }
