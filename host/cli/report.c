#include "report.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nc_error.h"
#include "nc_util.h"

#define ROW_FMT "%-8s %-34s %10s %10s %9s %11s  %-4s  %s\n"

static FILE *sink;

void nc_report_sink(FILE *f)
{
    sink = f;
}

void nc_report_header(void)
{
    printf(ROW_FMT, "design", "configuration", "compared", "mismatch", "SQNR dB", "cycles",
           "ok", "notes");
    printf("%.*s\n", 110,
           "----------------------------------------------------------------------------------"
           "------------------------------------------");
    fflush(stdout);
}

static void copy_field(char *dst, size_t cap, const char *s)
{
    snprintf(dst, cap, "%s", s ? s : "");
}

void nc_report_row(nc_report_t *r, const char *design, const char *config, uint64_t compared,
                   uint64_t mismatches, double sqnr_db, uint64_t cycles, bool pass,
                   const char *note)
{
    char c[32], m[32], s[32], cy[32];
    snprintf(c, sizeof c, "%" PRIu64, compared);
    snprintf(m, sizeof m, "%" PRIu64, mismatches);
    if (isnan(sqnr_db))
        snprintf(s, sizeof s, "-");
    else if (isinf(sqnr_db))
        snprintf(s, sizeof s, "exact");
    else
        snprintf(s, sizeof s, "%.1f", sqnr_db);
    if (cycles)
        snprintf(cy, sizeof cy, "%" PRIu64, cycles);
    else
        snprintf(cy, sizeof cy, "-");
    printf(ROW_FMT, design, config, c, m, s, cy, pass ? "PASS" : "FAIL", note ? note : "");
    fflush(stdout);
    r->rows++;
    if (!pass)
        r->failures++;
    if (sink) {
        nc_row_t row = {.compared = compared, .mismatches = mismatches, .cycles = cycles,
                        .sqnr_db = sqnr_db, .pass = pass};
        copy_field(row.design, sizeof row.design, design);
        copy_field(row.config, sizeof row.config, config);
        copy_field(row.note, sizeof row.note, note);
        char line[sizeof(nc_row_t) + 128];
        nc_row_format(line, sizeof line, &row);
        fprintf(sink, "%s\n", line);
        fflush(sink);
    }
}

/* Copies s with tabs and line breaks turned into spaces. */
static void flat(char *out, size_t cap, const char *s)
{
    size_t i = 0;
    for (; s[i] && i + 1 < cap; i++)
        out[i] = (s[i] == '\t' || s[i] == '\n' || s[i] == '\r') ? ' ' : s[i];
    out[i] = '\0';
}

int nc_row_format(char *buf, size_t cap, const nc_row_t *row)
{
    char d[sizeof row->design], c[sizeof row->config], n[sizeof row->note], s[40];
    flat(d, sizeof d, row->design);
    flat(c, sizeof c, row->config);
    flat(n, sizeof n, row->note);
    if (isnan(row->sqnr_db))
        snprintf(s, sizeof s, "nan");
    else if (isinf(row->sqnr_db))
        snprintf(s, sizeof s, "inf");
    else
        snprintf(s, sizeof s, "%.6g", row->sqnr_db);
    return snprintf(buf, cap, "%s\t%s\t%" PRIu64 "\t%" PRIu64 "\t%s\t%" PRIu64 "\t%d\t%s", d, c,
                    row->compared, row->mismatches, s, row->cycles, row->pass ? 1 : 0, n);
}

static int parse_u64(const char *tok, const char *where, const char *what, uint64_t *out)
{
    int64_t v;
    if (nc_dec_int(tok, &v) != 0 || v < 0)
        return nc_err_set(NC_ERR_PARSE, "%s: %s '%s' is not a decimal integer >= 0", where,
                          what, tok);
    *out = (uint64_t)v;
    return NC_OK;
}

int nc_row_parse(const char *line, const char *where, nc_row_t *row)
{
    const char *f[8];
    size_t len[8];
    const char *p = line;
    for (int i = 0; i < 8; i++) {
        const char *e = i < 7 ? strchr(p, '\t') : p + strcspn(p, "\r\n");
        if (!e)
            return nc_err_set(NC_ERR_PARSE, "%s: %d tab-separated fields, expected 8 (design, "
                              "config, compared, mismatch, SQNR, cycles, pass, note)", where, i + 1);
        f[i] = p;
        len[i] = (size_t)(e - p);
        p = e + 1;
    }
    char tok[6][64];
    for (int i = 2; i < 7; i++) {
        if (len[i] == 0 || len[i] >= sizeof tok[0])
            return nc_err_set(NC_ERR_PARSE, "%s: field %d is empty or longer than %zu characters",
                              where, i + 1, sizeof tok[0] - 1);
        memcpy(tok[i - 2 + 0], f[i], len[i]);
        tok[i - 2][len[i]] = '\0';
    }
    memset(row, 0, sizeof *row);
    if (len[0] == 0 || len[0] >= sizeof row->design || len[1] >= sizeof row->config)
        return nc_err_set(NC_ERR_PARSE, "%s: design must be 1..%zu characters, config at most %zu",
                          where, sizeof row->design - 1, sizeof row->config - 1);
    memcpy(row->design, f[0], len[0]);
    memcpy(row->config, f[1], len[1]);
    size_t nl = len[7] < sizeof row->note ? len[7] : sizeof row->note - 1;
    memcpy(row->note, f[7], nl);
    int rc;
    if ((rc = parse_u64(tok[0], where, "compared", &row->compared)) ||
        (rc = parse_u64(tok[1], where, "mismatch", &row->mismatches)) ||
        (rc = parse_u64(tok[3], where, "cycles", &row->cycles)))
        return rc;
    if (!strcmp(tok[2], "nan"))
        row->sqnr_db = NAN;
    else if (!strcmp(tok[2], "inf"))
        row->sqnr_db = INFINITY;
    else {
        char *end;
        row->sqnr_db = strtod(tok[2], &end);
        if (*end || end == tok[2] || !isfinite(row->sqnr_db))
            return nc_err_set(NC_ERR_PARSE, "%s: SQNR '%s' is not a number, 'nan' or 'inf'", where,
                              tok[2]);
    }
    if (strcmp(tok[4], "0") && strcmp(tok[4], "1"))
        return nc_err_set(NC_ERR_PARSE, "%s: pass '%s' must be 1 or 0", where, tok[4]);
    row->pass = tok[4][0] == '1';
    return NC_OK;
}

void nc_xml_escape(char *out, size_t cap, const char *s)
{
    size_t o = 0;
    for (; *s; s++) {
        const char *rep = NULL;
        switch (*s) {
        case '&': rep = "&amp;"; break;
        case '<': rep = "&lt;"; break;
        case '>': rep = "&gt;"; break;
        case '"': rep = "&quot;"; break;
        case '\'': rep = "&#39;"; break;
        default: break;
        }
        size_t k = rep ? strlen(rep) : 1;
        if (o + k + 1 > cap)
            break;
        if (rep)
            memcpy(out + o, rep, k);
        else
            out[o] = ((unsigned char)*s < 0x20 && *s != '\n') ? ' ' : *s;
        o += k;
    }
    if (cap)
        out[o] = '\0';
}

static void json_str(nc_out_t *o, const char *s)
{
    nc_out_printf(o, "\"");
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;
        if (ch == '"' || ch == '\\')
            nc_out_printf(o, "\\%c", ch);
        else if (ch < 0x20)
            nc_out_printf(o, "\\u%04x", ch);
        else
            nc_out_printf(o, "%c", ch);
    }
    nc_out_printf(o, "\"");
}

/* Rows are bounded by the callers (nc_rows_read_tsv, the run's designs), so are the files. */
#define ROWS_MAX_BYTES (64u << 20)

int nc_rows_write_json(const char *path, const nc_row_t *rows, size_t n)
{
    return nc_rows_write_json_links(path, rows, n, NULL);
}

int nc_rows_write_json_links(const char *path, const nc_row_t *rows, size_t n,
                             const nc_row_links_t *links)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, ROWS_MAX_BYTES, "fewer rows");
    if (rc)
        return rc;
    size_t failed = 0;
    nc_out_printf(&o, "{\"rows\": [");
    for (size_t i = 0; i < n; i++) {
        const nc_row_t *r = &rows[i];
        failed += !r->pass;
        nc_out_printf(&o, "%s\n  {\"design\": ", i ? "," : "");
        json_str(&o, r->design);
        nc_out_printf(&o, ", \"config\": ");
        json_str(&o, r->config);
        nc_out_printf(&o, ", \"compared\": %" PRIu64 ", \"mismatch\": %" PRIu64 ", \"sqnr_db\": ",
                      r->compared, r->mismatches);
        if (isnan(r->sqnr_db))
            nc_out_printf(&o, "null");
        else if (isinf(r->sqnr_db))
            nc_out_printf(&o, "\"exact\"");
        else
            nc_out_printf(&o, "%.6g", r->sqnr_db);
        nc_out_printf(&o, ", \"cycles\": %" PRIu64 ", \"pass\": %s, \"note\": ", r->cycles,
                      r->pass ? "true" : "false");
        json_str(&o, r->note);
        if (links && links[i].reproduce) {
            nc_out_printf(&o, ", \"log\": ");
            json_str(&o, links[i].log ? links[i].log : "");
            nc_out_printf(&o, ", \"waveform\": ");
            if (links[i].waveform && links[i].waveform[0])
                json_str(&o, links[i].waveform);
            else
                nc_out_printf(&o, "null");
            nc_out_printf(&o, ", \"reproduce\": ");
            json_str(&o, links[i].reproduce);
        }
        nc_out_printf(&o, "}");
    }
    nc_out_printf(&o, "\n], \"passed\": %zu, \"failed\": %zu}\n", n - failed, failed);
    return nc_out_commit(&o);
}

int nc_rows_write_junit(const char *path, const char *suite, const nc_row_t *rows, size_t n,
                        double seconds)
{
    return nc_rows_write_junit_links(path, suite, rows, n, seconds, NULL);
}

int nc_rows_write_junit_links(const char *path, const char *suite, const nc_row_t *rows,
                              size_t n, double seconds, const nc_row_links_t *links)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, ROWS_MAX_BYTES, "fewer rows");
    if (rc)
        return rc;
    size_t failed = 0;
    for (size_t i = 0; i < n; i++)
        failed += !rows[i].pass;
    char a[1024], b[1024], c[3 * 4096];
    nc_xml_escape(a, sizeof a, suite);
    nc_out_printf(&o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                      "<testsuites name=\"%s\" tests=\"%zu\" failures=\"%zu\" time=\"%.3f\">\n",
                  a, n, failed, seconds);
    for (size_t i = 0; i < n;) {
        size_t j = i, f = 0;
        while (j < n && !strcmp(rows[j].design, rows[i].design))
            f += !rows[j++].pass;
        nc_xml_escape(a, sizeof a, rows[i].design);
        nc_out_printf(&o, "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%zu\">\n", a, j - i, f);
        for (; i < j; i++) {
            nc_xml_escape(b, sizeof b, rows[i].config);
            nc_out_printf(&o, "    <testcase classname=\"%s\" name=\"%s\"", a, b);
            nc_xml_escape(b, sizeof b, rows[i].note);
            c[0] = '\0';
            if (links && links[i].reproduce) {
                char t[sizeof c];
                snprintf(t, sizeof t, "log: %s\n%s%s%sreproduce: %s", links[i].log ? links[i].log : "",
                         links[i].waveform && links[i].waveform[0] ? "waveform: " : "",
                         links[i].waveform && links[i].waveform[0] ? links[i].waveform : "",
                         links[i].waveform && links[i].waveform[0] ? "\n" : "",
                         links[i].reproduce);
                nc_xml_escape(c, sizeof c, t);
            }
            if (rows[i].pass)
                nc_out_printf(&o, "><system-out>%s%s%s</system-out></testcase>\n", b, c[0] ? "\n" : "", c);
            else
                nc_out_printf(&o, "><failure message=\"%s\">%s</failure>%s%s%s</testcase>\n", b, b,
                              c[0] ? "<system-out>" : "", c, c[0] ? "</system-out>" : "");
        }
        nc_out_printf(&o, "  </testsuite>\n");
    }
    nc_out_printf(&o, "</testsuites>\n");
    return nc_out_commit(&o);
}

int nc_rows_write_tsv(const char *path, const nc_row_t *rows, size_t n)
{
    nc_out_t o;
    int rc = nc_out_open(&o, path, ROWS_MAX_BYTES, "fewer rows");
    if (rc)
        return rc;
    char line[sizeof(nc_row_t) + 128];
    for (size_t i = 0; i < n; i++) {
        nc_row_format(line, sizeof line, &rows[i]);
        nc_out_printf(&o, "%s\n", line);
    }
    return nc_out_commit(&o);
}

int nc_rows_read_tsv(const char *path, size_t max, nc_row_t **rows, size_t *n)
{
    *rows = NULL;
    *n = 0;
    FILE *f = fopen(path, "r");
    if (!f)
        return nc_err_set(NC_ERR_IO, "%s: cannot open", path);
    size_t cap = 0;
    char line[sizeof(nc_row_t) + 256], where[512];
    int rc = NC_OK;
    for (size_t ln = 1; fgets(line, sizeof line, f); ln++) {
        snprintf(where, sizeof where, "%s:%zu", path, ln);
        if (!strchr(line, '\n') && !feof(f)) {
            rc = nc_err_set(NC_ERR_PARSE, "%s: line longer than %zu characters", where,
                            sizeof line - 2);
            break;
        }
        if (line[0] == '\n' || line[0] == '#')
            continue;
        if (*n == max) {
            rc = nc_err_set(NC_ERR_PARSE, "%s: more than %zu rows", where, max);
            break;
        }
        if (*n == cap) {
            size_t nc = cap ? 2 * cap : 64;
            nc_row_t *p = realloc(*rows, nc * sizeof *p);
            if (!p) {
                rc = nc_err_set(NC_ERR_NOMEM, "no memory for %zu rows", nc);
                break;
            }
            *rows = p;
            cap = nc;
        }
        if ((rc = nc_row_parse(line, where, &(*rows)[*n])) != NC_OK)
            break;
        (*n)++;
    }
    fclose(f);
    if (rc) {
        free(*rows);
        *rows = NULL;
        *n = 0;
    }
    return rc;
}
