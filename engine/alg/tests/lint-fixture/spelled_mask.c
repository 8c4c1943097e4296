/* A file that spells the GCM bits out as a mask (alg_lint must refuse it). */
#include "ipoc/ndis.h"

#define GCM_ENC (IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128 | \
		 IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192)

int is_gcm(unsigned id);
int is_gcm(unsigned id)
{
	return (id & GCM_ENC) != 0;
}
