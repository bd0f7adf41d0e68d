#ifndef CPCRE2_SHIM_H
#define CPCRE2_SHIM_H
/* PCRE2 with 8-bit code units: the pcre2_*_8 functions. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

/* Function-like and cast macros that Swift cannot import. */
static inline PCRE2_SIZE cpcre2_unset(void) { return PCRE2_UNSET; }
#endif
