/* SPDX-License-Identifier: MIT */
/*
 * test_ndis_layout.c - pins the layout facts of the NDIS IPsec offload spec
 * digest (/work/shared/reference/ndis-ipsec-offload-spec.md, sections 1-5
 * and the masks of section 9) against the C model in ipoc/ndis.h.
 *
 * Every expected value below is copied from the digest text (the x64 column
 * where the digest gives x64 / x86), never from ndis.h: the point is an
 * independent check, so a disagreement between ndis.h and the digest fails
 * here. A few values the digest does not print directly are derived from its
 * declarations and tables by plain arithmetic; those carry a "derived:"
 * comment saying how.
 *
 * Bit-field positions are checked by setting each field through the struct
 * (memset 0, field = its maximum value) and reading the bytes back as a
 * little-endian 32-bit word, which is how the digest states them ("bit n"
 * means (word >> n) & 1 of the little-endian storage unit, MSVC layout),
 * and the other way round (memset 0xFF, field = 0, see which bits cleared).
 *
 * Pointer-size dependent facts (the x64 column) are checked only when
 * pointers are 64 bits; elsewhere they are reported as not applicable, and
 * only the pointer-size independent facts (bit positions, constants, layouts
 * made of fixed-width members, and offsets whose x64 and x86 columns agree)
 * are checked.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ipoc/ndis.h"
#include "ipoc_test.h"

#define MEMBER_SIZE(type, member) sizeof(((type *)0)->member)

/* The 32-bit little-endian word at byte offset off of an object. */
static uint32_t le32_at(const void *obj, size_t off)
{
	const unsigned char *b = (const unsigned char *)obj + off;

	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

/* 1 if every byte of obj outside [off, off + len) is zero. */
static int zero_outside(const void *obj, size_t size, size_t off, size_t len)
{
	const unsigned char *b = obj;
	size_t i;

	for (i = 0; i < size; i++)
		if ((i < off || i >= off + len) && b[i] != 0)
			return 0;
	return 1;
}

/* 1 if every byte of obj outside [off, off + len) is 0xFF. */
static int ones_outside(const void *obj, size_t size, size_t off, size_t len)
{
	const unsigned char *b = obj;
	size_t i;

	for (i = 0; i < size; i++)
		if ((i < off || i >= off + len) && b[i] != 0xFF)
			return 0;
	return 1;
}

/*
 * Set one bit-field of a zeroed `type` to `val`: the little-endian 32-bit
 * word at byte `off` must read `want` and no other byte may change.
 */
#define CHECK_BF_SET(type, off, field, val, want) \
	do { \
		type bf_; \
		uint32_t bfw_; \
		memset(&bf_, 0, sizeof bf_); \
		bf_.field = (val); \
		bfw_ = le32_at(&bf_, (off)); \
		if (bfw_ != (uint32_t)(want)) \
			fprintf(stderr, "  set %s.%s = %s\n", #type, #field, #val); \
		IPOC_CHECK_EQ(bfw_, (want)); \
		IPOC_CHECK(zero_outside(&bf_, sizeof bf_, (off), 4)); \
	} while (0)

/*
 * Pin one bit-field of `type` to the mask `mask` of the little-endian
 * 32-bit word at byte `off`, both ways round:
 *  - in a zeroed object, field = max (its maximum value) must set exactly
 *    `mask`;
 *  - in an all-ones object, field = 0 must clear exactly `mask` (this
 *    catches a field wider than documented even when max is 1).
 * No byte outside the word may change either way.
 */
#define CHECK_BF(type, off, field, max, mask) \
	do { \
		type bfc_; \
		uint32_t bfcw_; \
		CHECK_BF_SET(type, off, field, max, mask); \
		memset(&bfc_, 0xFF, sizeof bfc_); \
		bfc_.field = 0; \
		bfcw_ = ~le32_at(&bfc_, (off)); \
		if (bfcw_ != (uint32_t)(mask)) \
			fprintf(stderr, "  clear %s.%s (bits cleared shown)\n", #type, #field); \
		IPOC_CHECK_EQ(bfcw_, (mask)); \
		IPOC_CHECK(ones_outside(&bfc_, sizeof bfc_, (off), 4)); \
	} while (0)

#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
#define IPOC_HOST_X64_COLUMN 1
#else
#define IPOC_HOST_X64_COLUMN 0
#endif

/* ---------------------------------------------------------------------------
 * Section 0, conventions: Windows LLP64 base types; typedef PVOID NDIS_HANDLE;
 * typedef int NDIS_STATUS.
 * ------------------------------------------------------------------------ */
static void check_base_types(void)
{
	IPOC_CHECK_EQ(sizeof(ULONG), 4);
	IPOC_CHECK_EQ(sizeof(LONG), 4);
	IPOC_CHECK_EQ(sizeof(USHORT), 2);
	IPOC_CHECK_EQ(sizeof(SHORT), 2);
	IPOC_CHECK_EQ(sizeof(CSHORT), 2);
	IPOC_CHECK_EQ(sizeof(UCHAR), 1);
	IPOC_CHECK_EQ(sizeof(BOOLEAN), 1);
	IPOC_CHECK_EQ(sizeof(PVOID), sizeof(void *));
	IPOC_CHECK_EQ(sizeof(NDIS_HANDLE), sizeof(void *));
	IPOC_CHECK_EQ(sizeof(HANDLE), sizeof(void *));
	IPOC_CHECK_EQ(sizeof(NDIS_STATUS), sizeof(int));
	IPOC_CHECK((NDIS_STATUS)-1 < 0);   /* int, i.e. signed */
	/* 4.1/4.2: typedef ULONG IPAddr, IPMask, SPI types. */
	IPOC_CHECK_EQ(sizeof(IPAddr), 4);
	IPOC_CHECK_EQ(sizeof(IPMask), 4);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_SPI_TYPE), 4);
	IPOC_CHECK_EQ(sizeof(SPI_TYPE), 4);
	/* 4.1: NDIS_SWITCH_PORT_ID is a UINT32. */
	IPOC_CHECK_EQ(sizeof(NDIS_SWITCH_PORT_ID), 4);
}

#if IPOC_HOST_X64_COLUMN
/* ---------------------------------------------------------------------------
 * Section 1.1: NET_BUFFER, NET_BUFFER_LIST, MDL offsets and sizes (x64
 * column); MEMORY_ALLOCATION_ALIGNMENT = 16 and SLIST_HEADER 16 bytes,
 * 16-aligned on x64.
 * ------------------------------------------------------------------------ */
static void check_containers_x64(void)
{
	IPOC_CHECK_EQ(sizeof(SLIST_HEADER), 16);
	IPOC_CHECK_EQ(_Alignof(SLIST_HEADER), 16);
	IPOC_CHECK_EQ(IPOC_MEMORY_ALLOCATION_ALIGNMENT, 16);

	/* NET_BUFFER table. */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, Next), 0x00);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, Link), 0x00);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, CurrentMdl), 0x08);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, CurrentMdlOffset), 0x10);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, DataLength), 0x18);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, stDataLength), 0x18);
	IPOC_CHECK_EQ(MEMBER_SIZE(NET_BUFFER, DataLength), 4);     /* ULONG */
	IPOC_CHECK_EQ(MEMBER_SIZE(NET_BUFFER, stDataLength), 8);   /* SIZE_T */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, MdlChain), 0x20);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, DataOffset), 0x28);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, ChecksumBias), 0x30);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, Reserved), 0x32);        /* derived: USHORT after 0x30 */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, NdisPoolHandle), 0x38);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, NdisReserved), 0x40);    /* derived: 0x38 + 8, 16-aligned */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, ProtocolReserved), 0x50);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, MiniportReserved), 0x80);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, DataPhysicalAddress), 0xa0);
	IPOC_CHECK_EQ(MEMBER_SIZE(NET_BUFFER, DataPhysicalAddress), 8);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, SharedMemoryInfo), 0xa8);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, ScatterGatherList), 0xa8);
	IPOC_CHECK_EQ(sizeof(NET_BUFFER), 0xb0);

	/* NET_BUFFER_LIST table. */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Next), 0x00);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Link), 0x00);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, FirstNetBuffer), 0x08);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Context), 0x10);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, ParentNetBufferList), 0x18);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, NdisPoolHandle), 0x20);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, NdisReserved), 0x30);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, ProtocolReserved), 0x40);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, MiniportReserved), 0x60);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Scratch), 0x70);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, SourceHandle), 0x78);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, NblFlags), 0x80);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, ChildRefCount), 0x84);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Flags), 0x88);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Status), 0x8c);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, NdisReserved2), 0x8c);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, NetBufferListInfo), 0x90);
	/* Each OOB slot is one PVOID (1.3); MaxNetBufferListInfo slots (1.4). */
	IPOC_CHECK_EQ(MEMBER_SIZE(NET_BUFFER_LIST, NetBufferListInfo[0]), 8);
	IPOC_CHECK_EQ(MEMBER_SIZE(NET_BUFFER_LIST, NetBufferListInfo), 27 * 8);
	/* derived: 0x90 + 27 slots * 8 = 0x168, rounded up to the struct's
	 * 16-byte alignment (SLIST_HEADER, DECLSPEC_ALIGN(16)) = 0x170 */
	IPOC_CHECK_EQ(_Alignof(NET_BUFFER_LIST), 16);
	IPOC_CHECK_EQ(sizeof(NET_BUFFER_LIST), 0x170);
	IPOC_CHECK_EQ(_Alignof(NET_BUFFER), 16);

	/* NET_BUFFER_LIST_CONTEXT: derived, Next 0, Size 8, Offset 10,
	 * ContextData DECLSPEC_ALIGN(16) -> 16. */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST_CONTEXT, Next), 0);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST_CONTEXT, Size), 8);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST_CONTEXT, Offset), 10);
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST_CONTEXT, ContextData), 16);

	/* MDL. */
	IPOC_CHECK_EQ(offsetof(MDL, Next), 0x00);
	IPOC_CHECK_EQ(offsetof(MDL, Size), 0x08);
	IPOC_CHECK_EQ(offsetof(MDL, MdlFlags), 0x0a);
	IPOC_CHECK_EQ(offsetof(MDL, Process), 0x10);
	IPOC_CHECK_EQ(offsetof(MDL, MappedSystemVa), 0x18);
	IPOC_CHECK_EQ(offsetof(MDL, StartVa), 0x20);
	IPOC_CHECK_EQ(offsetof(MDL, ByteCount), 0x28);
	IPOC_CHECK_EQ(offsetof(MDL, ByteOffset), 0x2c);
	IPOC_CHECK_EQ(sizeof(MDL), 0x30);
}

/* Section 1.4, the x64-only slot indices (x86 numbers them differently). */
static void check_nbl_info_indices_x64(void)
{
	IPOC_CHECK_EQ(SwitchForwardingReserved, 18);
	IPOC_CHECK_EQ(SwitchForwardingDetail, 19);
	IPOC_CHECK_EQ(VirtualSubnetInfo, 20);
	IPOC_CHECK_EQ(IMReserved, 21);
	IPOC_CHECK_EQ(TcpRecvSegCoalesceInfo, 22);
	IPOC_CHECK_EQ(UdpSegmentationOffloadInfo, 22);
	IPOC_CHECK_EQ(RscTcpTimestampDelta, 23);
	IPOC_CHECK_EQ(TcpSendOffloadsSupplementalNetBufferListInfo, 23);
	IPOC_CHECK_EQ(GftOffloadInformation, 24);
	IPOC_CHECK_EQ(GftFlowEntryId, 25);
	IPOC_CHECK_EQ(NetBufferListInfoReserved3, 26);
}

/* Sections 1.3 and 9: the slot byte offsets inside NET_BUFFER_LIST on x64
 * (derived: 0x90 + 8 * index). */
static void check_slot_offsets_x64(void)
{
	static NET_BUFFER_LIST nbl;
	const char *base = (const char *)&nbl;

	IPOC_CHECK_EQ((const char *)&NET_BUFFER_LIST_INFO(&nbl, TcpIpChecksumNetBufferListInfo) - base, 0x90);
	IPOC_CHECK_EQ((const char *)&NET_BUFFER_LIST_INFO(&nbl, IPsecOffloadV2NetBufferListInfo) - base, 0x98);
	IPOC_CHECK_EQ((const char *)&NET_BUFFER_LIST_INFO(&nbl, TcpLargeSendNetBufferListInfo) - base, 0xa0);
	IPOC_CHECK_EQ((const char *)&NET_BUFFER_LIST_INFO(&nbl, IPsecOffloadV2TunnelNetBufferListInfo) - base, 0xe8);
	IPOC_CHECK_EQ((const char *)&NET_BUFFER_LIST_INFO(&nbl, IPsecOffloadV2HeaderNetBufferListInfo) - base, 0xf0);
}

/* Sections 2.1-2.3: the slot structs are one PVOID (8 bytes on x64);
 * 2.5: LSO and checksum slot structs are pointer-sized. */
static void check_slot_sizes_x64(void)
{
	IPOC_CHECK_EQ(sizeof(NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO), 8);
	IPOC_CHECK_EQ(sizeof(NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO), 8);
	IPOC_CHECK_EQ(sizeof(NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO), 8);
	IPOC_CHECK_EQ(sizeof(NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO), 8);
	IPOC_CHECK_EQ(sizeof(NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO), 8);
	IPOC_CHECK_EQ(offsetof(NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO, Transmit.OffloadHandle), 0);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO, Transmit.OffloadHandle), 8);
	IPOC_CHECK_EQ(offsetof(NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO, Transmit.OffloadHandle), 0);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO, Transmit.OffloadHandle), 8);
	IPOC_CHECK_EQ(offsetof(NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO, Transmit.TunnelHandle), 0);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO, Transmit.TunnelHandle), 8);
	IPOC_CHECK_EQ(offsetof(NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO, Value), 0);
	IPOC_CHECK_EQ(offsetof(NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO, Value), 0);
}

/* ---------------------------------------------------------------------------
 * Section 4.1, IPsecOV2 SA-management structures, x64 column.
 * ------------------------------------------------------------------------ */
static void check_v2_sa_x64(void)
{
	/* IPSEC_OFFLOAD_V2_ADD_SA */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Next), 0x08);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, NumExtHdrs), 0x10);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Flags), 0x14);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv4Endpoints), 0x18);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv4Endpoints.SrcAddr), 0x18);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv4Endpoints.DestAddr), 0x1c); /* derived */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv6Endpoints), 0x18);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv6Endpoints.SrcAddr), 0x18);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, IPv6Endpoints.DestAddr), 0x28);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, OffloadHandle), 0x38);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, UdpEspEncapsulation), 0x40);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, SecAssoc), 0x44);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, SecAssoc[1]), 0x44 + 48); /* derived */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyLength), 0xa4);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, KeyData), 0xa8);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_ADD_SA), 0xb0);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_ADD_SA), 176);
	IPOC_CHECK_EQ(NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1, 169);

	/* IPSEC_OFFLOAD_V2_ADD_SA_EX */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, IPv6Endpoints.DestAddr), 0x1c); /* derived */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, OffloadHandle), 0x30);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, UdpEspEncapsulation), 0x38);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, SecAssoc), 0x3c);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, KeyLength), 0x9c);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, KeyOffset), 0xa0);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, SourceSwitchPortId), 0xa4);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, VlanId), 0xa8);
	IPOC_CHECK_EQ(MEMBER_SIZE(IPSEC_OFFLOAD_V2_ADD_SA_EX, VlanId), 2);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_ADD_SA_EX), 0xb0);
	IPOC_CHECK_EQ(NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1, 170);

	/* IPSEC_OFFLOAD_V2_DELETE_SA */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Next), 0x08);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, OffloadHandle), 0x10);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_DELETE_SA), 24);
	IPOC_CHECK_EQ(NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1, 24);

	/* IPSEC_OFFLOAD_V2_UPDATE_SA (no Next member) */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, OffloadHandle), 0x08);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, Operation), 0x10);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, Spi), 0x14);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, SequenceNumberHighOrder), 0x18);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_UPDATE_SA), 32);
	IPOC_CHECK_EQ(NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1, 28);
}

/* Section 4.2, IPsecOV1 OFFLOAD_IPSEC_* structures, x64 column. */
static void check_v1_sa_x64(void)
{
	IPOC_CHECK_EQ(MEMBER_SIZE(OFFLOAD_IPSEC_ADD_SA, OffloadHandle), 8);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, KeyLen), 176);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, KeyMat), 180);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_IPSEC_ADD_SA), 184);

	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, EncapTypeEntry), 176);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, EncapTypeEntryOffldHandle), 184);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, KeyLen), 192);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, KeyMat), 196);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_IPSEC_ADD_UDPESP_SA), 200);

	/* derived: one / two HANDLEs */
	IPOC_CHECK_EQ(sizeof(OFFLOAD_IPSEC_DELETE_SA), 8);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_DELETE_UDPESP_SA, EncapTypeEntryOffldHandle), 8);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_IPSEC_DELETE_UDPESP_SA), 16);
}
#endif /* IPOC_HOST_X64_COLUMN */

/* ---------------------------------------------------------------------------
 * Section 1.1 (MDL flags, MmGetMdl* macros) and 1.3 (NblFlags, private
 * Flags masks, accessors).
 * ------------------------------------------------------------------------ */
static void check_flags_and_accessors(void)
{
	static NET_BUFFER_LIST nbl;
	static NET_BUFFER nb;
	static MDL mdl;
	static unsigned char buf[64];

	IPOC_CHECK_EQ(MDL_MAPPED_TO_SYSTEM_VA, 0x0001);
	IPOC_CHECK_EQ(MDL_PAGES_LOCKED, 0x0002);
	IPOC_CHECK_EQ(MDL_SOURCE_IS_NONPAGED_POOL, 0x0004);
	IPOC_CHECK_EQ(MDL_ALLOCATED_FIXED_SIZE, 0x0008);
	IPOC_CHECK_EQ(MDL_PARTIAL, 0x0010);
	IPOC_CHECK_EQ(MDL_PARTIAL_HAS_BEEN_MAPPED, 0x0020);

	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_SEND_READ_ONLY, 0x1);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_RECV_READ_ONLY, 0x2);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_HD_SPLIT, 0x100);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_IS_IPV4, 0x200);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_IS_IPV6, 0x400);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_IS_TCP, 0x800);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_IS_UDP, 0x1000);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_HEADER, 0x2000);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_PAYLOAD, 0x4000);
	IPOC_CHECK_EQ(NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET, 0x8000);

	IPOC_CHECK_EQ(NBL_FLAGS_PROTOCOL_RESERVED, 0xFFF00003u);
	IPOC_CHECK_EQ(NBL_FLAGS_MINIPORT_RESERVED, 0x0000F000u);
	IPOC_CHECK_EQ(NBL_FLAGS_SCRATCH, 0x000F0000u);
	IPOC_CHECK_EQ(NBL_FLAGS_NDIS_RESERVED, 0x00000FFCu);
	/* derived: the four private masks partition the 32-bit word */
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_PROTOCOL_RESERVED | NBL_FLAGS_MINIPORT_RESERVED |
		      NBL_FLAGS_SCRATCH | NBL_FLAGS_NDIS_RESERVED, 0xFFFFFFFFu);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_PROTOCOL_RESERVED & NBL_FLAGS_MINIPORT_RESERVED, 0);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_PROTOCOL_RESERVED & NBL_FLAGS_SCRATCH, 0);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_PROTOCOL_RESERVED & NBL_FLAGS_NDIS_RESERVED, 0);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_MINIPORT_RESERVED & NBL_FLAGS_SCRATCH, 0);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_MINIPORT_RESERVED & NBL_FLAGS_NDIS_RESERVED, 0);
	IPOC_CHECK_EQ((uint32_t)NBL_FLAGS_SCRATCH & NBL_FLAGS_NDIS_RESERVED, 0);

	/* 1.3 accessors name the documented fields. */
	IPOC_CHECK(&NET_BUFFER_LIST_INFO(&nbl, IPsecOffloadV2HeaderNetBufferListInfo) ==
		   &nbl.NetBufferListInfo[12]);
	IPOC_CHECK(&NET_BUFFER_FIRST_MDL(&nb) == &nb.MdlChain);
	IPOC_CHECK(&NET_BUFFER_DATA_OFFSET(&nb) == &nb.DataOffset);
	IPOC_CHECK(&NET_BUFFER_DATA_LENGTH(&nb) == &nb.DataLength);
	IPOC_CHECK(&NET_BUFFER_CURRENT_MDL(&nb) == &nb.CurrentMdl);
	IPOC_CHECK(&NET_BUFFER_CURRENT_MDL_OFFSET(&nb) == &nb.CurrentMdlOffset);
	IPOC_CHECK(&NET_BUFFER_LIST_FIRST_NB(&nbl) == &nbl.FirstNetBuffer);
	IPOC_CHECK(&NET_BUFFER_LIST_NEXT_NBL(&nbl) == &nbl.Next);
	IPOC_CHECK(&NET_BUFFER_LIST_STATUS(&nbl) == &nbl.Status);
	/* The Status / NdisReserved2 union and DataLength / stDataLength union. */
	IPOC_CHECK_EQ(offsetof(NET_BUFFER_LIST, Status), offsetof(NET_BUFFER_LIST, NdisReserved2));
	IPOC_CHECK_EQ(offsetof(NET_BUFFER, DataLength), offsetof(NET_BUFFER, stDataLength));

	/* 1.1 wdm.h macros. */
	mdl.StartVa = buf;
	mdl.ByteOffset = 5;
	mdl.ByteCount = 17;
	IPOC_CHECK(MmGetMdlVirtualAddress(&mdl) == (PVOID)(buf + 5));
	IPOC_CHECK_EQ(MmGetMdlByteCount(&mdl), 17);
	IPOC_CHECK_EQ(MmGetMdlByteOffset(&mdl), 5);
}

/* ---------------------------------------------------------------------------
 * Section 1.4: NDIS_NET_BUFFER_LIST_INFO indices common to x64 and x86, and
 * the section 9 summary (checksum 0, IPsec V1/V2 1, LSO 2, tunnel 11,
 * header 12).
 * ------------------------------------------------------------------------ */
static void check_nbl_info_indices(void)
{
	IPOC_CHECK_EQ(TcpIpChecksumNetBufferListInfo, 0);
	IPOC_CHECK_EQ(TcpOffloadBytesTransferred, 0);
	IPOC_CHECK_EQ(IPsecOffloadV1NetBufferListInfo, 1);
	IPOC_CHECK_EQ(IPsecOffloadV2NetBufferListInfo, 1);
	IPOC_CHECK_EQ(TcpLargeSendNetBufferListInfo, 2);
	IPOC_CHECK_EQ(TcpReceiveNoPush, 2);
	IPOC_CHECK_EQ(ClassificationHandleNetBufferListInfo, 3);
	IPOC_CHECK_EQ(Ieee8021QNetBufferListInfo, 4);
	IPOC_CHECK_EQ(NetBufferListCancelId, 5);
	IPOC_CHECK_EQ(MediaSpecificInformation, 6);
	IPOC_CHECK_EQ(NetBufferListFrameType, 7);
	IPOC_CHECK_EQ(NetBufferListProtocolId, 7);
	IPOC_CHECK_EQ(NetBufferListHashValue, 8);
	IPOC_CHECK_EQ(NetBufferListHashInfo, 9);
	IPOC_CHECK_EQ(WfpNetBufferListInfo, 10);
	IPOC_CHECK_EQ(IPsecOffloadV2TunnelNetBufferListInfo, 11);
	IPOC_CHECK_EQ(IPsecOffloadV2HeaderNetBufferListInfo, 12);
	IPOC_CHECK_EQ(NetBufferListCorrelationId, 13);
	IPOC_CHECK_EQ(NetBufferListFilteringInfo, 14);
	IPOC_CHECK_EQ(MediaSpecificInformationEx, 15);
	IPOC_CHECK_EQ(NblOriginalInterfaceIfIndex, 16);
	IPOC_CHECK_EQ(NblReAuthWfpFlowContext, 16);
	IPOC_CHECK_EQ(TcpReceiveBytesTransferred, 17);
	IPOC_CHECK_EQ(NrtNameResolutionId, 17);
	IPOC_CHECK_EQ(UdpRecvSegCoalesceOffloadInfo, 17);
	IPOC_CHECK_EQ(MaxNetBufferListInfo, 27);   /* "27 on both" */
}

/* ---------------------------------------------------------------------------
 * Section 2.1: NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO.Receive, USHORT
 * bit-fields at bits 0..15 then a USHORT CryptoStatus at byte offset 2
 * (bits 16..31 of the LE word).
 * ------------------------------------------------------------------------ */
static void check_ipsec_v1_nbl_info(void)
{
	typedef NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO V1;

	IPOC_CHECK_EQ(offsetof(V1, Receive), 0);
	IPOC_CHECK_EQ(offsetof(V1, Receive.CryptoStatus), 2);
	IPOC_CHECK_EQ(MEMBER_SIZE(V1, Receive.CryptoStatus), 2);
	IPOC_CHECK_EQ(MEMBER_SIZE(V1, Receive), 4);
	CHECK_BF(V1, 0, Receive.SaDeleteReq, 1, 0x00000001u);
	CHECK_BF(V1, 0, Receive.CryptoDone, 1, 0x00000002u);
	CHECK_BF(V1, 0, Receive.NextCryptoDone, 1, 0x00000004u);
	CHECK_BF(V1, 0, Receive.Pad, 0x1FFF, 0x0000FFF8u);   /* bits 3..15 */
	CHECK_BF(V1, 0, Receive.CryptoStatus, 0xFFFF, 0xFFFF0000u);
	CHECK_BF_SET(V1, 0, Receive.CryptoStatus, CRYPTO_INVALID_PROTOCOL, 0x00070000u);
}

/* ---------------------------------------------------------------------------
 * Section 2.2 (and 9): NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO.Receive,
 * ULONG bit-fields; and the IPSEC_RX_* masks ndis.h defines beside it.
 * ------------------------------------------------------------------------ */
static void check_ipsec_v2_nbl_info(void)
{
	typedef NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO V2;
	V2 v;
	uint32_t w;

	IPOC_CHECK_EQ(offsetof(V2, Receive), 0);
	IPOC_CHECK_EQ(MEMBER_SIZE(V2, Receive), 4);
	CHECK_BF(V2, 0, Receive.SaDeleteReq, 1, 0x00000001u);
	CHECK_BF(V2, 0, Receive.CryptoDone, 1, 0x00000002u);
	CHECK_BF(V2, 0, Receive.NextCryptoDone, 1, 0x00000004u);
	CHECK_BF(V2, 0, Receive.Reserved, 0x1FFF, 0x0000FFF8u);   /* bits 3..15 */
	CHECK_BF(V2, 0, Receive.CryptoStatus, 0xFFFF, 0xFFFF0000u);
	CHECK_BF_SET(V2, 0, Receive.CryptoStatus, CRYPTO_TUNNEL_ESP_AUTH_FAILED, 0x00050000u);

	/* Section 9 masks, and the ndis.h extras derived from 2.2. */
	IPOC_CHECK_EQ(IPSEC_RX_SA_DELETE_REQ, 0x00000001u);
	IPOC_CHECK_EQ(IPSEC_RX_CRYPTO_DONE, 0x00000002u);
	IPOC_CHECK_EQ(IPSEC_RX_NEXT_CRYPTO_DONE, 0x00000004u);
	IPOC_CHECK_EQ(IPSEC_RX_CRYPTO_STATUS_SHIFT, 16);
	IPOC_CHECK_EQ(IPSEC_RX_CRYPTO_STATUS_MASK, 0xFFFF0000u);
	IPOC_CHECK_EQ(IPSEC_RX_RESERVED_MASK, 0x0000FFF8u);

	/* IPSEC_RX_CRYPTO_STATUS() reads the field the struct wrote. */
	memset(&v, 0, sizeof v);
	v.Receive.CryptoDone = 1;
	v.Receive.CryptoStatus = CRYPTO_INVALID_PACKET_SYNTAX;
	w = le32_at(&v, 0);
	IPOC_CHECK_EQ(w, 0x00060002u);
	IPOC_CHECK_EQ(IPSEC_RX_CRYPTO_STATUS(w), 6);
	IPOC_CHECK_EQ(w & IPSEC_RX_CRYPTO_DONE, IPSEC_RX_CRYPTO_DONE);
	IPOC_CHECK_EQ(w & (IPSEC_RX_SA_DELETE_REQ | IPSEC_RX_NEXT_CRYPTO_DONE), 0);
}

/* Section 2.2 note: V1 and V2 Receive encodings are bit-identical in the
 * low 32 bits. */
static void check_v1_v2_receive_agree(void)
{
	static const uint16_t statuses[] = { CRYPTO_SUCCESS, CRYPTO_GENERIC_ERROR,
					     CRYPTO_TRANSPORT_ESP_AUTH_FAILED,
					     CRYPTO_INVALID_PROTOCOL, 0xFFFF };
	unsigned flags, si;

	for (flags = 0; flags < 8; flags++) {
		for (si = 0; si < sizeof statuses / sizeof statuses[0]; si++) {
			NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO v1;
			NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO v2;
			uint32_t want = flags | (uint32_t)statuses[si] << 16;

			memset(&v1, 0, sizeof v1);
			memset(&v2, 0, sizeof v2);
			v1.Receive.SaDeleteReq = flags & 1;
			v1.Receive.CryptoDone = (flags >> 1) & 1;
			v1.Receive.NextCryptoDone = (flags >> 2) & 1;
			v1.Receive.CryptoStatus = statuses[si];
			v2.Receive.SaDeleteReq = flags & 1;
			v2.Receive.CryptoDone = (flags >> 1) & 1;
			v2.Receive.NextCryptoDone = (flags >> 2) & 1;
			v2.Receive.CryptoStatus = statuses[si];
			IPOC_CHECK_MEM(&v1, &v2, 4);
			IPOC_CHECK_EQ(le32_at(&v1, 0), want);
			IPOC_CHECK_EQ(le32_at(&v2, 0), want);
		}
	}
}

/* ---------------------------------------------------------------------------
 * Section 2.4 (and 9): NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO,
 * 4 bytes on x64 and x86; the IPSEC_HDR_* masks and helper macros.
 * ------------------------------------------------------------------------ */
static void check_ipsec_v2_header_info(void)
{
	typedef NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO H;
	H h;
	uint32_t w;

	IPOC_CHECK_EQ(sizeof(H), 4);
	IPOC_CHECK_EQ(MEMBER_SIZE(H, Transmit), 4);
	IPOC_CHECK_EQ(MEMBER_SIZE(H, Receive), 4);

	CHECK_BF(H, 0, Transmit.NextHeader, 0xFF, 0x000000FFu);
	CHECK_BF(H, 0, Transmit.PadLength, 0xFF, 0x0000FF00u);
	CHECK_BF(H, 0, Transmit.AhHeaderOffset, 0xFF, 0x00FF0000u);
	CHECK_BF(H, 0, Transmit.EspHeaderOffset, 0xFF, 0xFF000000u);
	CHECK_BF(H, 0, Receive.NextHeader, 0xFF, 0x000000FFu);
	CHECK_BF(H, 0, Receive.PadLength, 0xFF, 0x0000FF00u);
	CHECK_BF(H, 0, Receive.HeaderInfoSet, 1, 0x00010000u);

	/* Section 9 and the ndis.h masks beside the struct. */
	IPOC_CHECK_EQ(IPSEC_HDR_RX_HEADER_INFO_SET, 0x00010000u);
	IPOC_CHECK_EQ(IPSEC_HDR_NEXT_HEADER_MASK, 0x000000FFu);
	IPOC_CHECK_EQ(IPSEC_HDR_NEXT_HEADER_SHIFT, 0);
	IPOC_CHECK_EQ(IPSEC_HDR_PAD_LENGTH_MASK, 0x0000FF00u);
	IPOC_CHECK_EQ(IPSEC_HDR_PAD_LENGTH_SHIFT, 8);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_AH_OFFSET_MASK, 0x00FF0000u);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_AH_OFFSET_SHIFT, 16);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_ESP_OFFSET_MASK, 0xFF000000u);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_ESP_OFFSET_SHIFT, 24);

	/* Helper macros: offsets are 4-byte units, bytes = units * 4. */
	memset(&h, 0, sizeof h);
	h.Transmit.NextHeader = 6;        /* TCP */
	h.Transmit.PadLength = 3;
	h.Transmit.AhHeaderOffset = 5;    /* 20 bytes: after a bare IPv4 header */
	h.Transmit.EspHeaderOffset = 11;  /* 44 bytes */
	w = le32_at(&h, 0);
	IPOC_CHECK_EQ(w, 0x0B050306u);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_NEXT_HEADER(w), 6);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_PAD_LENGTH(w), 3);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_AH_OFFSET_BYTES(w), 20);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_ESP_OFFSET_BYTES(w), 44);

	memset(&h, 0, sizeof h);
	h.Transmit.AhHeaderOffset = 0xFF;
	h.Transmit.EspHeaderOffset = 0xFF;
	w = le32_at(&h, 0);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_AH_OFFSET_BYTES(w), 1020);   /* max 255 * 4 */
	IPOC_CHECK_EQ(IPSEC_HDR_TX_ESP_OFFSET_BYTES(w), 1020);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_NEXT_HEADER(w), 0);
	IPOC_CHECK_EQ(IPSEC_HDR_TX_PAD_LENGTH(w), 0);

	memset(&h, 0, sizeof h);
	h.Receive.NextHeader = 17;
	h.Receive.PadLength = 2;
	h.Receive.HeaderInfoSet = 1;
	w = le32_at(&h, 0);
	IPOC_CHECK_EQ(w, 0x00010211u);
	IPOC_CHECK_EQ(w & IPSEC_HDR_RX_HEADER_INFO_SET, IPSEC_HDR_RX_HEADER_INFO_SET);
	IPOC_CHECK_EQ((w & IPSEC_HDR_NEXT_HEADER_MASK) >> IPSEC_HDR_NEXT_HEADER_SHIFT, 17);
	IPOC_CHECK_EQ((w & IPSEC_HDR_PAD_LENGTH_MASK) >> IPSEC_HDR_PAD_LENGTH_SHIFT, 2);
}

/* ---------------------------------------------------------------------------
 * Section 2.5: NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO (slot 2) bit
 * layouts and constants; the LSO_* masks ndis.h defines beside it.
 * ------------------------------------------------------------------------ */
static void check_lso_info(void)
{
	typedef NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO L;

	IPOC_CHECK_EQ(sizeof(L), sizeof(void *));   /* "sizeof = pointer" */

	CHECK_BF(L, 0, Transmit.Unused, 0x3FFFFFFF, 0x3FFFFFFFu);
	CHECK_BF(L, 0, Transmit.Type, 1, 0x40000000u);
	CHECK_BF(L, 0, Transmit.Reserved2, 1, 0x80000000u);

	CHECK_BF(L, 0, LsoV1Transmit.MSS, 0xFFFFF, 0x000FFFFFu);
	CHECK_BF(L, 0, LsoV1Transmit.TcpHeaderOffset, 0x3FF, 0x3FF00000u);
	CHECK_BF(L, 0, LsoV1Transmit.Type, 1, 0x40000000u);
	CHECK_BF(L, 0, LsoV1Transmit.Reserved2, 1, 0x80000000u);

	CHECK_BF(L, 0, LsoV1TransmitComplete.TcpPayload, 0x3FFFFFFF, 0x3FFFFFFFu);
	CHECK_BF(L, 0, LsoV1TransmitComplete.Type, 1, 0x40000000u);
	CHECK_BF(L, 0, LsoV1TransmitComplete.Reserved2, 1, 0x80000000u);

	CHECK_BF(L, 0, LsoV2Transmit.MSS, 0xFFFFF, 0x000FFFFFu);
	CHECK_BF(L, 0, LsoV2Transmit.TcpHeaderOffset, 0x3FF, 0x3FF00000u);
	CHECK_BF(L, 0, LsoV2Transmit.Type, 1, 0x40000000u);
	CHECK_BF(L, 0, LsoV2Transmit.IPVersion, 1, 0x80000000u);

	CHECK_BF(L, 0, LsoV2TransmitComplete.Reserved, 0x3FFFFFFF, 0x3FFFFFFFu);
	CHECK_BF(L, 0, LsoV2TransmitComplete.Type, 1, 0x40000000u);
	CHECK_BF(L, 0, LsoV2TransmitComplete.Reserved2, 1, 0x80000000u);

	IPOC_CHECK_EQ(NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE, 0);
	IPOC_CHECK_EQ(NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE, 1);
	IPOC_CHECK_EQ(NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4, 0);
	IPOC_CHECK_EQ(NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6, 1);
	IPOC_CHECK_EQ(NDIS_LARGE_SEND_OFFLOAD_MAX_HEADER_LENGTH, 128);

	/* ndis.h masks, derived from the bit-field widths above. */
	IPOC_CHECK_EQ(LSO_MSS_MASK, 0x000FFFFFu);
	IPOC_CHECK_EQ(LSO_TCP_HEADER_OFFSET_SHIFT, 20);
	IPOC_CHECK_EQ(LSO_TCP_HEADER_OFFSET_MASK, 0x3FF00000u);
	IPOC_CHECK_EQ(LSO_TYPE_SHIFT, 30);
	IPOC_CHECK_EQ(LSO_TYPE_MASK, 0x40000000u);
	IPOC_CHECK_EQ(LSO_V2_IP_VERSION_SHIFT, 31);
	IPOC_CHECK_EQ(LSO_V2_IP_VERSION_MASK, 0x80000000u);
}

/* Section 2.5: NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO (slot 0). */
static void check_checksum_info(void)
{
	typedef NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO C;

	IPOC_CHECK_EQ(sizeof(C), sizeof(void *));   /* has a PVOID Value member */

	CHECK_BF(C, 0, Transmit.IsIPv4, 1, 0x00000001u);
	CHECK_BF(C, 0, Transmit.IsIPv6, 1, 0x00000002u);
	CHECK_BF(C, 0, Transmit.TcpChecksum, 1, 0x00000004u);
	CHECK_BF(C, 0, Transmit.UdpChecksum, 1, 0x00000008u);
	CHECK_BF(C, 0, Transmit.IpHeaderChecksum, 1, 0x00000010u);
	CHECK_BF(C, 0, Transmit.Reserved, 0x7FF, 0x0000FFE0u);          /* bits 5..15 */
	CHECK_BF(C, 0, Transmit.TcpHeaderOffset, 0x3FF, 0x03FF0000u);   /* bits 16..25 */

	CHECK_BF(C, 0, Receive.TcpChecksumFailed, 1, 0x00000001u);
	CHECK_BF(C, 0, Receive.UdpChecksumFailed, 1, 0x00000002u);
	CHECK_BF(C, 0, Receive.IpChecksumFailed, 1, 0x00000004u);
	CHECK_BF(C, 0, Receive.TcpChecksumSucceeded, 1, 0x00000008u);
	CHECK_BF(C, 0, Receive.UdpChecksumSucceeded, 1, 0x00000010u);
	CHECK_BF(C, 0, Receive.IpChecksumSucceeded, 1, 0x00000020u);
	CHECK_BF(C, 0, Receive.Loopback, 1, 0x00000040u);
	CHECK_BF(C, 0, Receive.TcpChecksumValueInvalid, 1, 0x00000080u);
	CHECK_BF(C, 0, Receive.IpChecksumValueInvalid, 1, 0x00000100u);
}

/* ---------------------------------------------------------------------------
 * Section 3.1: NDIS_IPSEC_OFFLOAD_V1 (sizeof 28), 2-bit capability fields.
 * ------------------------------------------------------------------------ */
static void check_ipsec_offload_v1(void)
{
	typedef NDIS_IPSEC_OFFLOAD_V1 O;

	IPOC_CHECK_EQ(offsetof(O, Supported.Encapsulation), 0);
	IPOC_CHECK_EQ(offsetof(O, Supported.AhEspCombined), 4);
	IPOC_CHECK_EQ(offsetof(O, Supported.TransportTunnelCombined), 8);
	IPOC_CHECK_EQ(offsetof(O, Supported.IPv4Options), 12);
	IPOC_CHECK_EQ(offsetof(O, Supported.Flags), 16);
	IPOC_CHECK_EQ(offsetof(O, IPv4AH), 20);
	IPOC_CHECK_EQ(offsetof(O, IPv4ESP), 24);
	IPOC_CHECK_EQ(sizeof(O), 28);

	CHECK_BF(O, 20, IPv4AH.Md5, 3, 0x00000003u);        /* bits 0-1 */
	CHECK_BF(O, 20, IPv4AH.Sha_1, 3, 0x0000000Cu);      /* bits 2-3 */
	CHECK_BF(O, 20, IPv4AH.Transport, 3, 0x00000030u);  /* bits 4-5 */
	CHECK_BF(O, 20, IPv4AH.Tunnel, 3, 0x000000C0u);     /* bits 6-7 */
	CHECK_BF(O, 20, IPv4AH.Send, 3, 0x00000300u);       /* bits 8-9 */
	CHECK_BF(O, 20, IPv4AH.Receive, 3, 0x00000C00u);    /* bits 10-11 */

	CHECK_BF(O, 24, IPv4ESP.Des, 3, 0x00000003u);       /* bits 0-1 */
	CHECK_BF(O, 24, IPv4ESP.Reserved, 3, 0x0000000Cu);  /* bits 2-3 */
	CHECK_BF(O, 24, IPv4ESP.TripleDes, 3, 0x00000030u); /* bits 4-5 */
	CHECK_BF(O, 24, IPv4ESP.NullEsp, 3, 0x000000C0u);   /* bits 6-7 */
	CHECK_BF(O, 24, IPv4ESP.Transport, 3, 0x00000300u); /* bits 8-9 */
	CHECK_BF(O, 24, IPv4ESP.Tunnel, 3, 0x00000C00u);    /* bits 10-11 */
	CHECK_BF(O, 24, IPv4ESP.Send, 3, 0x00003000u);      /* bits 12-13 */
	CHECK_BF(O, 24, IPv4ESP.Receive, 3, 0x0000C000u);   /* bits 14-15 */

	/* Storing NDIS_OFFLOAD_SUPPORTED (1) sets the low bit of the pair. */
	CHECK_BF_SET(O, 20, IPv4AH.Sha_1, NDIS_OFFLOAD_SUPPORTED, 0x00000004u);
	CHECK_BF_SET(O, 24, IPv4ESP.TripleDes, NDIS_OFFLOAD_SUPPORTED, 0x00000010u);

	/* ndis.h shift macros agree with the digest's bit positions. */
	IPOC_CHECK_EQ(IPSEC_V1_AH_MD5_SHIFT, 0);
	IPOC_CHECK_EQ(IPSEC_V1_AH_SHA1_SHIFT, 2);
	IPOC_CHECK_EQ(IPSEC_V1_AH_TRANSPORT_SHIFT, 4);
	IPOC_CHECK_EQ(IPSEC_V1_AH_TUNNEL_SHIFT, 6);
	IPOC_CHECK_EQ(IPSEC_V1_AH_SEND_SHIFT, 8);
	IPOC_CHECK_EQ(IPSEC_V1_AH_RECEIVE_SHIFT, 10);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_DES_SHIFT, 0);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_TRIPLE_DES_SHIFT, 4);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_NULL_SHIFT, 6);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_TRANSPORT_SHIFT, 8);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_TUNNEL_SHIFT, 10);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_SEND_SHIFT, 12);
	IPOC_CHECK_EQ(IPSEC_V1_ESP_RECEIVE_SHIFT, 14);
	IPOC_CHECK_EQ(IPSEC_V1_2BIT_MASK, 0x3u);
}

/* Section 3.2: NDIS_IPSEC_OFFLOAD_V2 (sizeof 32, same on x86/x64). */
static void check_ipsec_offload_v2(void)
{
	typedef NDIS_IPSEC_OFFLOAD_V2 O;

	IPOC_CHECK_EQ(offsetof(O, Encapsulation), 0);
	IPOC_CHECK_EQ(offsetof(O, IPv6Supported), 4);
	IPOC_CHECK_EQ(offsetof(O, IPv4Options), 5);
	IPOC_CHECK_EQ(offsetof(O, IPv6NonIPsecExtensionHeaders), 6);
	IPOC_CHECK_EQ(offsetof(O, Ah), 7);
	IPOC_CHECK_EQ(offsetof(O, Esp), 8);
	IPOC_CHECK_EQ(offsetof(O, AhEspCombined), 9);
	IPOC_CHECK_EQ(offsetof(O, Transport), 10);
	IPOC_CHECK_EQ(offsetof(O, Tunnel), 11);
	IPOC_CHECK_EQ(offsetof(O, TransportTunnelCombined), 12);
	IPOC_CHECK_EQ(offsetof(O, LsoSupported), 13);
	IPOC_CHECK_EQ(offsetof(O, ExtendedSequenceNumbers), 14);
	IPOC_CHECK_EQ(offsetof(O, UdpEsp), 16);
	IPOC_CHECK_EQ(offsetof(O, AuthenticationAlgorithms), 20);
	IPOC_CHECK_EQ(offsetof(O, EncryptionAlgorithms), 24);
	IPOC_CHECK_EQ(offsetof(O, SaOffloadCapacity), 28);
	IPOC_CHECK_EQ(sizeof(O), 32);
}

/*
 * Sections 3.2/3.3: NDIS_OFFLOAD and NDIS_OFFLOAD_PARAMETERS. The digest
 * gives the member order and NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 =
 * RTL_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, IPsecV2); the offsets NDIS_OFFLOAD
 * Flags 108 / IPsecV2 112 / NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 144 and
 * NDIS_OFFLOAD_PARAMETERS Flags 16 / IPsecV2IPv4 21 were cross-checked by
 * the lead against mingw-w64's ntddndis.h (mingw-w64-x86-64-dev 10.0.0)
 * compiled for x86_64-w64-mingw32 with UM_NDIS630. All members are ULONG /
 * UCHAR based, so these do not depend on the pointer size.
 */
static void check_ndis_offload(void)
{
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD, Header), 0);
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD, Flags), 108);
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD, IPsecV2), 112);
	IPOC_CHECK_EQ(NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2, 144);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_REVISION_2, 2);
	IPOC_CHECK_EQ(NDIS_OBJECT_TYPE_OFFLOAD, 0xA7);

	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD_PARAMETERS, Header), 0);
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD_PARAMETERS, Flags), 16);
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD_PARAMETERS, IPsecV2), 20);   /* derived: UCHAR before 21 */
	IPOC_CHECK_EQ(offsetof(NDIS_OFFLOAD_PARAMETERS, IPsecV2IPv4), 21);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_OFFLOAD_PARAMETERS, IPsecV1), 1);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_OFFLOAD_PARAMETERS, IPsecV2), 1);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_OFFLOAD_PARAMETERS, IPsecV2IPv4), 1);
}

/* ---------------------------------------------------------------------------
 * Section 4.1: IPsecOV2 SA structures, the pointer-size independent part:
 * NDIS_OBJECT_HEADER, ALGORITHM_INFO, SECURITY_ASSOCIATION, the OPERATION
 * enum, revisions, and the offsets whose x64 and x86 columns agree.
 * ------------------------------------------------------------------------ */
static void check_v2_sa_common(void)
{
	IPOC_CHECK_EQ(offsetof(NDIS_OBJECT_HEADER, Type), 0);
	IPOC_CHECK_EQ(offsetof(NDIS_OBJECT_HEADER, Revision), 1);
	IPOC_CHECK_EQ(offsetof(NDIS_OBJECT_HEADER, Size), 2);
	IPOC_CHECK_EQ(MEMBER_SIZE(NDIS_OBJECT_HEADER, Size), 2);
	IPOC_CHECK_EQ(sizeof(NDIS_OBJECT_HEADER), 4);

	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS, 2);
	IPOC_CHECK_EQ(IPsecOffloadV2Ah, 1);
	IPOC_CHECK_EQ(IPsecOffloadV2Esp, 2);
	IPOC_CHECK_EQ(IPsecOffloadV2Max, 3);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_OPERATION), 4);   /* 4-byte enum */

	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO, Identifier), 0);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO, KeyLength), 4);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO, KeyOffsetBytes), 8);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO, AdditionalInfo), 12);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_ALGORITHM_INFO), 16);

	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, Flags), 0);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, Operation), 4);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, Spi), 8);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, AuthenticationAlgorithm), 12);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, EncryptionAlgorithm), 28);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, SequenceNumberHighOrder), 44);
	IPOC_CHECK_EQ(sizeof(IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION), 48);

	IPOC_CHECK_EQ(NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1, 1);
	IPOC_CHECK_EQ(NDIS_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1, 1);
	IPOC_CHECK_EQ(NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1, 1);
	IPOC_CHECK_EQ(NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1, 1);

	/* Offsets equal in both columns. */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA, Header), 0x00);
	IPOC_CHECK_EQ(MEMBER_SIZE(IPSEC_OFFLOAD_V2_ADD_SA, IPv6Endpoints.SrcAddr), 16);
	IPOC_CHECK_EQ(MEMBER_SIZE(IPSEC_OFFLOAD_V2_ADD_SA, IPv6Endpoints.DestAddr), 16);
	IPOC_CHECK_EQ(MEMBER_SIZE(IPSEC_OFFLOAD_V2_ADD_SA, SecAssoc), 2 * 48);   /* derived */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, Header), 0x00);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, NumExtHdrs), 0x04);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, Flags), 0x08);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, IPv4Endpoints), 0x0c);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, IPv4Endpoints.SrcAddr), 0x0c);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, IPv4Endpoints.DestAddr), 0x10); /* derived */
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_ADD_SA_EX, IPv6Endpoints.SrcAddr), 0x0c);
	IPOC_CHECK_EQ(MEMBER_SIZE(IPSEC_OFFLOAD_V2_ADD_SA_EX, SourceSwitchPortId), 4);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_DELETE_SA, Header), 0x00);
	IPOC_CHECK_EQ(offsetof(IPSEC_OFFLOAD_V2_UPDATE_SA, Header), 0x00);
}

/* Section 4.2: IPsecOV1 OFFLOAD_IPSEC_* family, pointer-size independent
 * part (everything up to and including the OffloadHandle offset, which the
 * digest gives as +168 on both). */
static void check_v1_sa_common(void)
{
	IPOC_CHECK_EQ(AUTHENTICATE, 1);
	IPOC_CHECK_EQ(ENCRYPT, 2);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_CONF_NONE, 0);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_CONF_DES, 1);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_CONF_RESERVED, 2);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_CONF_3_DES, 3);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_CONF_MAX, 4);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_INTEGRITY_NONE, 0);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_INTEGRITY_MD5, 1);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_INTEGRITY_SHA, 2);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_INTEGRITY_MAX, 3);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_IKE, 0);
	IPOC_CHECK_EQ(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_OTHER, 1);
	IPOC_CHECK_EQ(OFFLOAD_MAX_SAS, 3);
	IPOC_CHECK_EQ(OFFLOAD_INBOUND_SA, 0x0001);
	IPOC_CHECK_EQ(OFFLOAD_OUTBOUND_SA, 0x0002);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_OPERATION_E), 4);   /* derived: Operation at 0, SPI at 4 */

	IPOC_CHECK_EQ(offsetof(OFFLOAD_ALGO_INFO, algoIdentifier), 0);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_ALGO_INFO, algoKeylen), 4);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_ALGO_INFO, algoRounds), 8);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_ALGO_INFO), 12);

	/* derived from the declaration: 4 + 4 + 3 * 12 = 44 */
	IPOC_CHECK_EQ(offsetof(OFFLOAD_SECURITY_ASSOCIATION, Operation), 0);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_SECURITY_ASSOCIATION, SPI), 4);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_SECURITY_ASSOCIATION, IntegrityAlgo), 8);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_SECURITY_ASSOCIATION, ConfAlgo), 20);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_SECURITY_ASSOCIATION, Reserved), 32);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_SECURITY_ASSOCIATION), 44);

	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, SrcAddr), 0);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, SrcMask), 4);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, DestAddr), 8);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, DestMask), 12);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, Protocol), 16);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, SrcPort), 20);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, DestPort), 22);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, SrcTunnelAddr), 24);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, DestTunnelAddr), 28);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, Flags), 32);
	IPOC_CHECK_EQ(MEMBER_SIZE(OFFLOAD_IPSEC_ADD_SA, Flags), 2);   /* USHORT */
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, NumSAs), 34);
	IPOC_CHECK_EQ(MEMBER_SIZE(OFFLOAD_IPSEC_ADD_SA, NumSAs), 2);  /* SHORT */
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, SecAssoc), 36);
	IPOC_CHECK_EQ(MEMBER_SIZE(OFFLOAD_IPSEC_ADD_SA, SecAssoc), 3 * 44);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_SA, OffloadHandle), 168);

	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY, UdpEncapType), 0);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY, DstEncapPort), 4);
	IPOC_CHECK_EQ(sizeof(OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY), 8);

	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, SrcAddr), 0);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, SrcMask), 4);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, DstAddr), 8);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, DstMask), 12);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, Protocol), 16);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, SrcPort), 20);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, DstPort), 22);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, SrcTunnelAddr), 24);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, DstTunnelAddr), 28);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, Flags), 32);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, NumSAs), 34);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, SecAssoc), 36);
	IPOC_CHECK_EQ(offsetof(OFFLOAD_IPSEC_ADD_UDPESP_SA, OffloadHandle), 168);
}

/* ---------------------------------------------------------------------------
 * Section 5.1: CryptoStatus codes and the companion constants.
 * ------------------------------------------------------------------------ */
static void check_crypto_status(void)
{
	IPOC_CHECK_EQ(CRYPTO_SUCCESS, 0);
	IPOC_CHECK_EQ(CRYPTO_GENERIC_ERROR, 1);
	IPOC_CHECK_EQ(CRYPTO_TRANSPORT_AH_AUTH_FAILED, 2);
	IPOC_CHECK_EQ(CRYPTO_TRANSPORT_ESP_AUTH_FAILED, 3);
	IPOC_CHECK_EQ(CRYPTO_TUNNEL_AH_AUTH_FAILED, 4);
	IPOC_CHECK_EQ(CRYPTO_TUNNEL_ESP_AUTH_FAILED, 5);
	IPOC_CHECK_EQ(CRYPTO_INVALID_PACKET_SYNTAX, 6);
	IPOC_CHECK_EQ(CRYPTO_INVALID_PROTOCOL, 7);
	IPOC_CHECK_EQ(NDIS_TASK_OFFLOAD_VERSION, 1);
	IPOC_CHECK_EQ(MAX_HASHES, 4);
	IPOC_CHECK_EQ(TRUNCATED_HASH_LEN, 12);
}

/* Section 5.2: IPsecOV2 algorithm bits (capability masks = identifiers). */
static void check_algorithms(void)
{
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1, 0x00000002);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256, 0x00000004);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128, 0x00000008);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192, 0x00000010);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256, 0x00000020);

	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_NONE, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC, 0x00000002);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC, 0x00000004);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128, 0x00000008);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192, 0x00000010);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256, 0x00000020);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128, 0x00000040);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192, 0x00000080);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256, 0x00000100);
}

/* Section 5.3: UDP-ESP encapsulation values (V2) and flags (V1). */
static void check_udp_esp(void)
{
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_NONE, 0x00000000);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL, 0x00000002);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL, 0x00000004);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL, 0x00000008);

	IPOC_CHECK_EQ(IPSEC_TPT_UDPESP_ENCAPTYPE_IKE, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_TUN_UDPESP_ENCAPTYPE_IKE, 0x00000002);
	IPOC_CHECK_EQ(IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE, 0x00000004);
	IPOC_CHECK_EQ(IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE, 0x00000008);
	IPOC_CHECK_EQ(IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER, 0x00000010);
	IPOC_CHECK_EQ(IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER, 0x00000020);
	IPOC_CHECK_EQ(IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER, 0x00000040);
	IPOC_CHECK_EQ(IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER, 0x00000080);
}

/* Section 5.4: SA flags. */
static void check_sa_flags(void)
{
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_ESN_SA, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_INBOUND, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_IPv6, 0x00000010);
	IPOC_CHECK_EQ(OFFLOAD_INBOUND_SA, 0x0001);
	IPOC_CHECK_EQ(OFFLOAD_OUTBOUND_SA, 0x0002);
}

/* Section 5.5: encapsulation, offload enable values, NDIS_OFFLOAD.Flags,
 * object types. */
static void check_offload_values(void)
{
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_NOT_SUPPORTED, 0x00000000);
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_NULL, 0x00000001);
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_IEEE_802_3, 0x00000002);
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q, 0x00000004);
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB, 0x00000008);
	IPOC_CHECK_EQ(NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED, 0x00000010);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_NOT_SUPPORTED, 0);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_SUPPORTED, 1);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_SET_NO_CHANGE, 0);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_SET_ON, 1);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_SET_OFF, 2);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_NO_CHANGE, 0);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED, 1);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_ENABLED, 2);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV1_ESP_ENABLED, 3);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED, 4);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED, 1);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED, 2);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED, 3);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED, 4);
	IPOC_CHECK_EQ(NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES, 0x00000001);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE, 0x00000002);
	IPOC_CHECK_EQ(IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE, 0x00000004);
	IPOC_CHECK_EQ(NDIS_OBJECT_TYPE_DEFAULT, 0x80);
	IPOC_CHECK_EQ(NDIS_OBJECT_TYPE_OFFLOAD, 0xA7);
	IPOC_CHECK_EQ(NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION, 0xA8);
}

/* Section 5.6: OIDs. */
static void check_oids(void)
{
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_OFFLOAD, 0xFC010201u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_ADD_SA, 0xFC010202u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_DELETE_SA, 0xFC010203u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_ADD_UDPESP_SA, 0xFC010205u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA, 0xFC010206u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_OFFLOAD_CURRENT_CONFIG, 0xFC01020Bu);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_OFFLOAD_PARAMETERS, 0xFC01020Cu);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES, 0xFC01020Du);
	IPOC_CHECK_EQ((uint32_t)OID_OFFLOAD_ENCAPSULATION, 0x0101010Au);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA, 0xFC030202u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA, 0xFC030203u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA, 0xFC030204u);
	IPOC_CHECK_EQ((uint32_t)OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX, 0xFC030205u);
}

/* Section 5.7: NDIS_STATUS values (the whole table). */
static void check_ndis_status(void)
{
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_SUCCESS, 0x00000000u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_PENDING, 0x00000103u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_NOT_RECOGNIZED, 0x00010001u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_NOT_ACCEPTED, 0x00010003u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INDICATION_REQUIRED, 0x40230001u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_BUFFER_OVERFLOW, 0x80000005u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_FAILURE, 0xC0000001u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_PARAMETER, 0xC000000Du);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_DEVICE_REQUEST, 0xC0000010u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_RESOURCES, 0xC000009Au);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_NOT_SUPPORTED, 0xC00000BBu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_STATE, 0xC0000184u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_CLOSING, 0xC0010002u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_REQUEST_ABORTED, 0xC001000Cu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_RESET_IN_PROGRESS, 0xC001000Du);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_PACKET, 0xC001000Fu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_ADAPTER_NOT_READY, 0xC0010011u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_LENGTH, 0xC0010014u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_DATA, 0xC0010015u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_BUFFER_TOO_SHORT, 0xC0010016u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_INVALID_OID, 0xC0010017u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_SEND_ABORTED, 0xC023000Cu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_MEDIA_DISCONNECTED, 0xC023001Fu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_PAUSED, 0xC023002Au);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_UNSUPPORTED_REVISION, 0xC023002Cu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_LOW_POWER_STATE, 0xC023002Fu);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG, 0x40020006u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES, 0x40020007u);
	IPOC_CHECK_EQ((uint32_t)NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE, 0x40020008u);
	/* NDIS_STATUS is an int: error codes are negative, as on Windows. */
	IPOC_CHECK(NDIS_STATUS_FAILURE < 0);
	IPOC_CHECK(NDIS_STATUS_PENDING > 0);
}

int main(int argc, char **argv)
{
	(void)argc;

	check_base_types();
	check_flags_and_accessors();
	check_nbl_info_indices();
	check_ipsec_v1_nbl_info();
	check_ipsec_v2_nbl_info();
	check_v1_v2_receive_agree();
	check_ipsec_v2_header_info();
	check_lso_info();
	check_checksum_info();
	check_ipsec_offload_v1();
	check_ipsec_offload_v2();
	check_ndis_offload();
	check_v2_sa_common();
	check_v1_sa_common();
	check_crypto_status();
	check_algorithms();
	check_udp_esp();
	check_sa_flags();
	check_offload_values();
	check_oids();
	check_ndis_status();
#if IPOC_HOST_X64_COLUMN
	check_containers_x64();
	check_nbl_info_indices_x64();
	check_slot_offsets_x64();
	check_slot_sizes_x64();
	check_v2_sa_x64();
	check_v1_sa_x64();
#else
	printf("%s: x64 layout checks (digest x64 column) not applicable: "
	       "pointers are %u bytes\n", argv[0], (unsigned)sizeof(void *));
#endif
	return ipoc_test_report(argv[0]);
}
