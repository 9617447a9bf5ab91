/*
 * report.h - the validation report that `neurocosim run` (make run) prints, and the machine
 * readable copies of its rows (JSON, JUnit XML, TSV) that the HTML report reads.
 *
 * Each design's validate_<design>() co-simulates its defaults and adds one row per
 * configuration it checked: what was compared against which golden model, how many samples,
 * how many differed, the accuracy, the cycles. Rows print as they are added; when a sink is
 * set (nc_report_sink) each row is also written there as one TSV record (nc_row_format), so a
 * parent process can collect the rows of designs validated in child processes.
 */
#ifndef NC_REPORT_H
#define NC_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

typedef struct nc_report {
    int rows;
    int failures;
} nc_report_t;

void nc_report_header(void);

/* sqnr_db: NAN prints "-", INFINITY prints "exact". cycles: 0 prints "-". */
void nc_report_row(nc_report_t *r, const char *design, const char *config, uint64_t compared,
                   uint64_t mismatches, double sqnr_db, uint64_t cycles, bool pass,
                   const char *note);

/* One row as data. Strings longer than their fields are cut. */
typedef struct nc_row {
    char design[24];
    char config[96];
    uint64_t compared, mismatches, cycles;
    double sqnr_db; /* NAN: none, INFINITY: exact */
    bool pass;
    char note[320];
} nc_row_t;

/* Every row added from now on is also written to f as one TSV record (NULL: none). */
void nc_report_sink(FILE *f);

/* One TSV record (no newline) of a row: design, config, compared, mismatch, SQNR ("nan",
 * "inf" or a number), cycles, pass (1/0), note; tabs and line breaks inside fields become
 * spaces. Returns the length snprintf would have written. */
int nc_row_format(char *buf, size_t cap, const nc_row_t *row);
/* Parses one record; NC_ERR_PARSE with `where` (file:line) and the field in the message. */
int nc_row_parse(const char *line, const char *where, nc_row_t *row);

/* The rows as JSON ({"rows":[{...},...], "passed":N, "failed":M}), JUnit XML (one testsuite
 * per design, one testcase per row, a <failure> with the note for a failed row) and TSV;
 * each written atomically. */
int nc_rows_write_json(const char *path, const nc_row_t *rows, size_t n);
int nc_rows_write_junit(const char *path, const char *suite, const nc_row_t *rows, size_t n,
                        double seconds);
int nc_rows_write_tsv(const char *path, const nc_row_t *rows, size_t n);

/* What a row links to (a regression job): its log, its waveform (NULL or "": none) and the
 * command that reproduces it. The *_links writers take an array of n of them (NULL: none;
 * a row whose reproduce is NULL gets nothing more):
 * JSON rows get "log", "waveform" (or null) and "reproduce"; a JUnit testcase gets them in
 * its <system-out> ("log: ...", "waveform: ...", "reproduce: ..." lines). */
typedef struct nc_row_links {
    const char *log, *waveform, *reproduce;
} nc_row_links_t;
int nc_rows_write_json_links(const char *path, const nc_row_t *rows, size_t n,
                             const nc_row_links_t *links);
int nc_rows_write_junit_links(const char *path, const char *suite, const nc_row_t *rows,
                              size_t n, double seconds, const nc_row_links_t *links);
/* Reads a TSV file of at most `max` rows (more: NC_ERR_PARSE naming the file and bound). */
int nc_rows_read_tsv(const char *path, size_t max, nc_row_t **rows, size_t *n);

/* Escapes s for XML/HTML text and attributes (& < > " ') into out (cut to cap); control
 * characters other than line feeds become spaces. */
void nc_xml_escape(char *out, size_t cap, const char *s);

#endif
