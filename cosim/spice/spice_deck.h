/*
 * spice_deck.h - reads and validates a netlist into the deck handed to ngspice, without
 * starting ngspice (so tests and the fuzz target can exercise it alone).
 *
 * Netlists are untrusted input: the reader accepts only an allow-list of cards, inlines every
 * include itself (ngspice never opens a file), keeps every file under the circuits directory,
 * and bounds lines, files and the deck's size (circuits/README.md documents the rules):
 *  - elements, by first letter: R C L K V I B E F G H T D X, each with its required nodes;
 *    X must name a subcircuit defined in the deck with as many nodes as it has ports, and
 *    only parameters that the .subckt declares;
 *  - dot-cards: .param .subckt .ends .model (type d) .global .include .inc .lib FILE SECTION
 *    (and .lib NAME / .endl inside a library file read for a section), .end (stops the file);
 *    everything else (.control .endc .tran .options .func .ic ...) is refused with file:line;
 *  - comments: lines whose first non-blank character is '*'; ';' anywhere, and '$' or '//'
 *    at the start or after a blank, end a line. '+' continues the previous card.
 * The deck holds the cards only, comment-free, one per line, continuations joined: exactly
 * what was validated. The caller adds the title, the analysis and .end.
 */
#ifndef NC_SPICE_DECK_H
#define NC_SPICE_DECK_H

#include <stddef.h>

#include "spice.h"

#define NC_DECK_MAX_LINE 4000      /* characters of a line, and of a card once joined  */
#define NC_DECK_MAX_LINES 50000    /* lines read, over every file of a netlist        */
#define NC_DECK_MAX_BYTES (2u << 20) /* bytes read, over every file (2 MiB)            */
#define NC_DECK_MAX_FILES 64       /* files read (the netlist and its includes)        */
#define NC_DECK_MAX_DEPTH 8        /* include nesting                                   */
#define NC_DECK_MAX_NAME 63        /* characters of a name (element, node, subckt, param) */
#define NC_DECK_MAX_PORTS 64       /* ports of a subcircuit, nodes of an X line         */
#define NC_DECK_MAX_SUBCKTS 1024   /* subcircuit definitions                            */
#define NC_DECK_MAX_ELEMENTS 100000 /* elements once every X is expanded                */
#define NC_DECK_MAX_NEST 32        /* nesting of ( { ' " within a card                  */

typedef struct nc_spice_deck {
    char **card; /* the validated cards, in order */
    size_t n, cap;
    size_t expanded; /* elements once every subcircuit instance is expanded */
} nc_spice_deck_t;

void nc_spice_deck_free(nc_spice_deck_t *d);

/* Reads circuits_dir/rel_path and its includes into *deck, overriding the top-level
 * `.param NAME=VALUE` assignments named in params (only that assignment of its line; a name
 * that no top-level .param assigns is an error). Returns NC_OK or a negative nc_status:
 * NC_ERR_IO (missing file), NC_ERR_PARSE (a refused card, a bound, a path outside
 * circuits_dir), NC_ERR_ARG, with nc_err_set() naming file:line. *deck is emptied first and
 * left empty on error. */
int nc_spice_read_deck(const char *circuits_dir, const char *rel_path,
                       const nc_spice_param_t *params, size_t nparams, nc_spice_deck_t *deck);

/* The same for a netlist given as text (`len` bytes), named `name` in messages; its includes
 * are resolved relative to circuits_dir (which may be NULL when it has none). */
int nc_spice_read_deck_text(const char *circuits_dir, const char *name, const char *text,
                            size_t len, const nc_spice_param_t *params, size_t nparams,
                            nc_spice_deck_t *deck);

/* The value text of the last top-level `.param NAME=VALUE` assignment of `name` in the deck
 * (case-insensitive; not inside a .subckt), its length in *len; NULL if none assigns it. */
const char *nc_spice_deck_param_text(const nc_spice_deck_t *d, const char *name, size_t *len);

/* The value of the top-level parameter `name` as a number: a literal with an optional SPICE
 * scale suffix (f p n u m k meg g t, case-insensitive; e.g. 51.1u). NC_ERR_PARSE naming the
 * parameter when no top-level .param assigns it or its value is not such a literal (an
 * expression in braces, trailing text). */
int nc_spice_deck_param(const nc_spice_deck_t *d, const char *name, double *value);

#endif
