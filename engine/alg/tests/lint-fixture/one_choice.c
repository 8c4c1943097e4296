/* One SA chosen for a purpose, and a comment naming several algorithms
 * (AES-GCM-128, AES-CBC-128, HMAC-SHA1-96): not a set (alg_lint passes it). */
#include "ipoc/ndis.h"

unsigned pick(void);
unsigned pick(void)
{
	return IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128;
}
