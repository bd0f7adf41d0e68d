#ifndef CMALLOC_SHIM_H
#define CMALLOC_SHIM_H
/* glibc's mallopt (malloc.h is not part of Swift's Glibc module). Elsewhere: a no-op. */
#if defined(__GLIBC__) || defined(__linux__)
#include <malloc.h>
/* Blocks of `bytes` and more get mappings of their own (returned to the system when freed, and
   the threshold no longer rises as large blocks are freed); the heap top is trimmed past `bytes`. */
static inline void flux_malloc_return_freed(int bytes) {
    mallopt(M_MMAP_THRESHOLD, bytes);
    mallopt(M_TRIM_THRESHOLD, bytes);
    mallopt(M_TOP_PAD, 0);
}
#else
static inline void flux_malloc_return_freed(int bytes) { (void)bytes; }
#endif
#endif
