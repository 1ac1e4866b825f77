#ifndef LOGWARDEN_CZLIB_SHIM_H
#define LOGWARDEN_CZLIB_SHIM_H
#include <zlib.h>

// inflateInit2 is a macro (it passes the version and struct size); Swift needs a function.
static inline int lw_inflate_init_gzip(z_stream *strm) {
    return inflateInit2(strm, 15 + 16);
}
#endif
