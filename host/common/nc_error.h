/*
 * nc_error.h - result codes and the last-error message shared by every neurocosim module.
 *
 * Contract: a function that can fail returns an int: NC_OK (0) on success, a negative
 * nc_status on failure. Before returning a failure it records a human-readable message with
 * nc_err_set() that names the place (file:line, register, value) and what was expected.
 * Callers print nc_err_msg(); they never have to guess. The message is per thread.
 */
#ifndef NC_ERROR_H
#define NC_ERROR_H

#include <stdarg.h>

enum nc_status {
    NC_OK = 0,
    NC_ERR_ARG = -1,     /* a bad argument (out of range, inconsistent)            */
    NC_ERR_ALIGN = -2,   /* an unaligned bus address                               */
    NC_ERR_RANGE = -3,   /* an address or index outside its window                  */
    NC_ERR_BUS = -4,     /* the device answered a bus access with an error          */
    NC_ERR_TIMEOUT = -5, /* a bounded wait ran out                                  */
    NC_ERR_HW = -6,      /* the device reported an error bit in its status          */
    NC_ERR_IO = -7,      /* a file or OS call failed                                */
    NC_ERR_PARSE = -8,   /* malformed input text                                    */
    NC_ERR_NOMEM = -9,   /* allocation failed                                       */
    NC_ERR_SIM = -10,    /* a simulator failed (non-convergence, bad netlist, ...)  */
    NC_ERR_MISMATCH = -11 /* a design disagreed with its golden model               */
};

/* On functions whose nc_status result must be checked (drivers, bus): the compiler warns
 * (an error with -Werror) where a call drops it. */
#define NC_MUST_CHECK __attribute__((warn_unused_result))

/* Returns from the calling function with the status of x when it is an error (negative). */
#define NC_TRY(x)                                                                                \
    do {                                                                                         \
        int nc_try_rc_ = (x);                                                                    \
        if (nc_try_rc_ < 0)                                                                      \
            return nc_try_rc_;                                                                   \
    } while (0)

/* Short name of a status, e.g. "timeout". */
const char *nc_strerror(int status);

/* Records the message for the current thread and returns status (for `return nc_err_set(...)`). */
int nc_err_set(int status, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int nc_err_vset(int status, const char *fmt, va_list ap);

/* The last message recorded on this thread ("" if none). */
const char *nc_err_msg(void);

/* The status that went with the last message (NC_OK if none). */
int nc_err_status(void);

void nc_err_clear(void);

#endif
