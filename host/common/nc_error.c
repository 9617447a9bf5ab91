#include "nc_error.h"

#include <stdio.h>
#include <string.h>

static _Thread_local char err_msg[1024];
static _Thread_local int err_status;

const char *nc_strerror(int status)
{
    switch (status) {
    case NC_OK: return "ok";
    case NC_ERR_ARG: return "bad argument";
    case NC_ERR_ALIGN: return "unaligned access";
    case NC_ERR_RANGE: return "out of range";
    case NC_ERR_BUS: return "bus error";
    case NC_ERR_TIMEOUT: return "timeout";
    case NC_ERR_HW: return "device error";
    case NC_ERR_IO: return "i/o error";
    case NC_ERR_PARSE: return "parse error";
    case NC_ERR_NOMEM: return "out of memory";
    case NC_ERR_SIM: return "simulator error";
    case NC_ERR_MISMATCH: return "mismatch";
    default: return "unknown error";
    }
}

int nc_err_vset(int status, const char *fmt, va_list ap)
{
    /* through a copy: callers may pass nc_err_msg() itself as an argument (adding context to
     * the message of a call that failed), which vsnprintf must not write over while reading */
    char msg[sizeof err_msg];
    vsnprintf(msg, sizeof msg, fmt, ap);
    memcpy(err_msg, msg, sizeof msg);
    err_status = status;
    return status;
}

int nc_err_set(int status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    nc_err_vset(status, fmt, ap);
    va_end(ap);
    return status;
}

const char *nc_err_msg(void) { return err_msg; }
int nc_err_status(void) { return err_status; }

void nc_err_clear(void)
{
    err_msg[0] = '\0';
    err_status = NC_OK;
}
