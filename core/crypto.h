/*
 * OpenSSL's libcrypto, for the two things awm needs from it: the SHA-1
 * that Backblaze B2 requires on every upload and download, and random
 * bytes for push and lock ids.  This is the only file that calls libcrypto.
 */
#ifndef AWM_CRYPTO_H
#define AWM_CRYPTO_H

#include <stddef.h>

#define AWM_SHA1_HEXSZ 40

/* The SHA-1 of `len` bytes as 40 lowercase hex digits plus a NUL. */
int awm_sha1_hex(char out[AWM_SHA1_HEXSZ + 1], const void *data, size_t len);

/* `2 * nbytes` lowercase hex digits of random bytes, plus a NUL, into `out`. */
int awm_random_hex(char *out, size_t nbytes);

#endif
