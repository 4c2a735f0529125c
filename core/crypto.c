/*
 * SHA-1 and random bytes through libcrypto (see crypto.h).
 */
#include "core/crypto.h"
#include "core/error.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

static void to_hex(char *out, const unsigned char *bytes, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = digits[bytes[i] >> 4];
		out[2 * i + 1] = digits[bytes[i] & 15];
	}
	out[2 * n] = '\0';
}

int awm_sha1_hex(char out[AWM_SHA1_HEXSZ + 1], const void *data, size_t len)
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;

	if (!EVP_Digest(data, len, md, &mdlen, EVP_sha1(), NULL) || mdlen != 20)
		return awm_error_set(AWM_ERROR, "cannot compute a SHA-1 (libcrypto failed)");
	to_hex(out, md, 20);
	return 0;
}

int awm_random_hex(char *out, size_t nbytes)
{
	unsigned char bytes[64];

	if (nbytes > sizeof(bytes))
		return awm_error_set(AWM_EUSAGE, "at most %zu random bytes at once", sizeof(bytes));
	if (RAND_bytes(bytes, (int)nbytes) != 1)
		return awm_error_set(AWM_ERROR, "cannot get random bytes (libcrypto failed)");
	to_hex(out, bytes, nbytes);
	return 0;
}
