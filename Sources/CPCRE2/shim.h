#ifndef LOGWARDEN_CPCRE2_SHIM_H
#define LOGWARDEN_CPCRE2_SHIM_H
#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

// Macros and wide constants Swift cannot import directly.
static inline PCRE2_SIZE lw_pcre2_zero_terminated(void) { return PCRE2_ZERO_TERMINATED; }
static inline PCRE2_SIZE lw_pcre2_unset(void) { return PCRE2_UNSET; }
#endif
