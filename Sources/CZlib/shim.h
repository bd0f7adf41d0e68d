#ifndef CZLIB_SHIM_H
#define CZLIB_SHIM_H
#include <zlib.h>

/* inflateInit2 is a macro; Swift cannot import it. windowBits 15 + 32: zlib or gzip, detected. */
static inline int czlib_inflate_init_auto(z_stream *strm) {
    return inflateInit2(strm, 15 + 32);
}
#endif
