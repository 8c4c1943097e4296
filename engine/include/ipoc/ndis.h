/* SPDX-License-Identifier: MIT */
/*
 * ipoc/ndis.h - a portable C model of the NDIS types an IPsec task offload
 * engine meets: NET_BUFFER_LIST / NET_BUFFER / MDL, the NET_BUFFER_LIST_INFO
 * out-of-band slots, the IPsecOV1 and IPsecOV2 per-packet structures, the
 * capability and SA-management structures, the OIDs and NDIS_STATUS values.
 *
 * Names and field meanings are NDIS's own, so that miniport logic written
 * against the WDK ports with thin shims. Layouts follow the WDK headers as
 * built for x64 (LLP64): ULONG is 32 bits, pointers and handles are 64 bits,
 * bit-fields are allocated from the least significant bit of their storage
 * unit, which is what GCC and Clang do on the SysV ABI as well. The values
 * pinned by engine/tests/test_ndis_layout.c come from the project's spec
 * digest (sections 1-5), which names the WDK header or page for each.
 *
 * Next to every bit-field struct there are mask/shift macros on the 32-bit
 * little-endian view of the storage unit, so code that must not rely on the
 * compiler's bit-field allocation can use those.
 *
 * This header includes only <stddef.h> and <stdint.h>; it compiles as C99
 * with -pedantic and as C++.
 */
#ifndef IPOC_NDIS_H
#define IPOC_NDIS_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Anonymous unions/structs and non-int bit-fields are what NDIS uses; under
 * C99 -pedantic they need the GNU __extension__ marker. */
#if defined(__GNUC__) || defined(__clang__)
#define IPOC_EXT __extension__
#define IPOC_ALIGN(n) __attribute__((aligned(n)))
#elif defined(_MSC_VER)
#define IPOC_EXT
#define IPOC_ALIGN(n) __declspec(align(n))
#else
#define IPOC_EXT
#define IPOC_ALIGN(n)
#endif

/* -------------------------------------------------------------------------
 * 0. Base types (Windows LLP64)
 * ---------------------------------------------------------------------- */
typedef uint8_t UCHAR, *PUCHAR;
typedef uint8_t BOOLEAN;
typedef uint16_t USHORT, *PUSHORT;
typedef int16_t SHORT, CSHORT;
typedef uint32_t ULONG, *PULONG;
typedef int32_t LONG;
typedef uint64_t ULONGLONG, ULONG64;
typedef int64_t LONGLONG;
typedef size_t SIZE_T;
typedef void *PVOID;
typedef void *HANDLE;
typedef PVOID NDIS_HANDLE, *PNDIS_HANDLE;
typedef int NDIS_STATUS, *PNDIS_STATUS;
typedef ULONG NDIS_OID, *PNDIS_OID;
typedef ULONG IPAddr;
typedef ULONG IPMask;
typedef uint32_t NDIS_SWITCH_PORT_ID;

#ifndef TRUE
#define TRUE 1
#endif
#ifndef FALSE
#define FALSE 0
#endif

typedef union _LARGE_INTEGER {
	IPOC_EXT struct {
		ULONG LowPart;
		LONG HighPart;
	};
	struct {
		ULONG LowPart;
		LONG HighPart;
	} u;
	LONGLONG QuadPart;
} LARGE_INTEGER, PHYSICAL_ADDRESS;

/* MEMORY_ALLOCATION_ALIGNMENT on x64. */
#define IPOC_MEMORY_ALLOCATION_ALIGNMENT 16

/* x64 SLIST_HEADER: 16 bytes, 16-byte aligned. */
typedef struct IPOC_ALIGN(16) _SLIST_HEADER {
	ULONGLONG Alignment;
	ULONGLONG Region;
} SLIST_HEADER;

/* -------------------------------------------------------------------------
 * 1. NDIS_OBJECT_HEADER
 * ---------------------------------------------------------------------- */
typedef struct _NDIS_OBJECT_HEADER {
	UCHAR Type;
	UCHAR Revision;
	USHORT Size;
} NDIS_OBJECT_HEADER, *PNDIS_OBJECT_HEADER;

#define NDIS_OBJECT_TYPE_DEFAULT                0x80
#define NDIS_OBJECT_TYPE_OFFLOAD                0xA7
#define NDIS_OBJECT_TYPE_OFFLOAD_ENCAPSULATION  0xA8

/* RTL_SIZEOF_THROUGH_FIELD, as the NDIS_SIZEOF_* macros use it. */
#define IPOC_SIZEOF_THROUGH_FIELD(type, field) \
	(offsetof(type, field) + sizeof(((type *)0)->field))

/* -------------------------------------------------------------------------
 * 2. MDL, NET_BUFFER, NET_BUFFER_LIST (nbl.h, wdm.h)
 * ---------------------------------------------------------------------- */
typedef struct _MDL {
	struct _MDL *Next;
	CSHORT Size;
	CSHORT MdlFlags;
	PVOID Process;          /* struct _EPROCESS * */
	PVOID MappedSystemVa;   /* where the bytes are */
	PVOID StartVa;
	ULONG ByteCount;
	ULONG ByteOffset;
} MDL, *PMDL;

#define MDL_MAPPED_TO_SYSTEM_VA       0x0001
#define MDL_PAGES_LOCKED              0x0002
#define MDL_SOURCE_IS_NONPAGED_POOL   0x0004
#define MDL_ALLOCATED_FIXED_SIZE      0x0008
#define MDL_PARTIAL                   0x0010
#define MDL_PARTIAL_HAS_BEEN_MAPPED   0x0020

#define MmGetMdlVirtualAddress(Mdl) \
	((PVOID)((UCHAR *)((Mdl)->StartVa) + (Mdl)->ByteOffset))
#define MmGetMdlByteCount(Mdl)  ((Mdl)->ByteCount)
#define MmGetMdlByteOffset(Mdl) ((Mdl)->ByteOffset)
#define MmGetSystemAddressForMdlSafe(Mdl, Priority) ((Mdl)->MappedSystemVa)
#define NDIS_MDL_LINKAGE(Mdl) ((Mdl)->Next)

typedef struct _NET_BUFFER NET_BUFFER, *PNET_BUFFER;
typedef struct _NET_BUFFER_LIST NET_BUFFER_LIST, *PNET_BUFFER_LIST;
typedef struct _NET_BUFFER_LIST_CONTEXT NET_BUFFER_LIST_CONTEXT;

struct _NET_BUFFER {
	IPOC_EXT union {
		IPOC_EXT struct {
			NET_BUFFER *Next;          /* next NB in this NBL */
			MDL *CurrentMdl;           /* first MDL the current driver uses */
			ULONG CurrentMdlOffset;    /* start of used data inside CurrentMdl */
			IPOC_EXT union {
				ULONG DataLength;  /* bytes of used data space */
				SIZE_T stDataLength;
			};
			MDL *MdlChain;             /* head of the MDL chain */
			ULONG DataOffset;          /* unused space before the data */
		};
		SLIST_HEADER Link;
	};
	USHORT ChecksumBias;
	USHORT Reserved;
	NDIS_HANDLE NdisPoolHandle;
	IPOC_ALIGN(16) PVOID NdisReserved[2];
	IPOC_ALIGN(16) PVOID ProtocolReserved[6];
	IPOC_ALIGN(16) PVOID MiniportReserved[4];
	PHYSICAL_ADDRESS DataPhysicalAddress;
	IPOC_EXT union {
		PVOID SharedMemoryInfo;    /* NET_BUFFER_SHARED_MEMORY * */
		PVOID ScatterGatherList;   /* SCATTER_GATHER_LIST * */
	};
};

struct _NET_BUFFER_LIST_CONTEXT {
	NET_BUFFER_LIST_CONTEXT *Next;
	USHORT Size;
	USHORT Offset;
	IPOC_ALIGN(16) UCHAR ContextData[1];
};

/* NDIS_NET_BUFFER_LIST_INFO: slot indices (x64, NDIS 6.84 feature set). */
typedef enum _NDIS_NET_BUFFER_LIST_INFO {
	TcpIpChecksumNetBufferListInfo = 0,
	TcpOffloadBytesTransferred = 0,
	IPsecOffloadV1NetBufferListInfo = 1,
	IPsecOffloadV2NetBufferListInfo = 1,
	TcpLargeSendNetBufferListInfo = 2,
	TcpReceiveNoPush = 2,
	ClassificationHandleNetBufferListInfo = 3,
	Ieee8021QNetBufferListInfo = 4,
	NetBufferListCancelId = 5,
	MediaSpecificInformation = 6,
	NetBufferListFrameType = 7,
	NetBufferListProtocolId = 7,
	NetBufferListHashValue = 8,
	NetBufferListHashInfo = 9,
	WfpNetBufferListInfo = 10,
	IPsecOffloadV2TunnelNetBufferListInfo = 11,
	IPsecOffloadV2HeaderNetBufferListInfo = 12,
	NetBufferListCorrelationId = 13,
	NetBufferListFilteringInfo = 14,
	MediaSpecificInformationEx = 15,
	NblOriginalInterfaceIfIndex = 16,
	NblReAuthWfpFlowContext = 16,
	TcpReceiveBytesTransferred = 17,
	NrtNameResolutionId = 17,
	UdpRecvSegCoalesceOffloadInfo = 17,
	SwitchForwardingReserved = 18,
	SwitchForwardingDetail = 19,
	VirtualSubnetInfo = 20,
	IMReserved = 21,
	TcpRecvSegCoalesceInfo = 22,
	UdpSegmentationOffloadInfo = 22,
	RscTcpTimestampDelta = 23,
	TcpSendOffloadsSupplementalNetBufferListInfo = 23,
	GftOffloadInformation = 24,
	GftFlowEntryId = 25,
	NetBufferListInfoReserved3 = 26,
	MaxNetBufferListInfo = 27
} NDIS_NET_BUFFER_LIST_INFO;

struct _NET_BUFFER_LIST {
	IPOC_EXT union {
		IPOC_EXT struct {
			NET_BUFFER_LIST *Next;       /* next NBL in the chain */
			NET_BUFFER *FirstNetBuffer;  /* first NB of this NBL */
		};
		SLIST_HEADER Link;
	};
	NET_BUFFER_LIST_CONTEXT *Context;
	NET_BUFFER_LIST *ParentNetBufferList;
	NDIS_HANDLE NdisPoolHandle;
	IPOC_ALIGN(16) PVOID NdisReserved[2];
	IPOC_ALIGN(16) PVOID ProtocolReserved[4];
	IPOC_ALIGN(16) PVOID MiniportReserved[2];
	PVOID Scratch;
	NDIS_HANDLE SourceHandle;
	ULONG NblFlags;
	LONG ChildRefCount;
	ULONG Flags;
	IPOC_EXT union {
		NDIS_STATUS Status;
		ULONG NdisReserved2;
	};
	PVOID NetBufferListInfo[MaxNetBufferListInfo];
};

/* Public NblFlags. */
#define NDIS_NBL_FLAGS_SEND_READ_ONLY                          0x00000001
#define NDIS_NBL_FLAGS_RECV_READ_ONLY                          0x00000002
#define NDIS_NBL_FLAGS_HD_SPLIT                                0x00000100
#define NDIS_NBL_FLAGS_IS_IPV4                                 0x00000200
#define NDIS_NBL_FLAGS_IS_IPV6                                 0x00000400
#define NDIS_NBL_FLAGS_IS_TCP                                  0x00000800
#define NDIS_NBL_FLAGS_IS_UDP                                  0x00001000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_HEADER    0x00002000
#define NDIS_NBL_FLAGS_SPLIT_AT_UPPER_LAYER_PROTOCOL_PAYLOAD   0x00004000
#define NDIS_NBL_FLAGS_IS_LOOPBACK_PACKET                      0x00008000
/* Private Flags masks (NDIS 6.30). */
#define NBL_FLAGS_PROTOCOL_RESERVED   0xFFF00003u
#define NBL_FLAGS_MINIPORT_RESERVED   0x0000F000u
#define NBL_FLAGS_SCRATCH             0x000F0000u
#define NBL_FLAGS_NDIS_RESERVED       0x00000FFCu

/* Accessors (nblaccessors.h, C form). */
#define NET_BUFFER_LIST_INFO(_NBL, _Id)     ((_NBL)->NetBufferListInfo[(_Id)])
#define NET_BUFFER_NEXT_NB(_NB)             ((_NB)->Next)
#define NET_BUFFER_FIRST_MDL(_NB)           ((_NB)->MdlChain)
#define NET_BUFFER_DATA_OFFSET(_NB)         ((_NB)->DataOffset)
#define NET_BUFFER_DATA_LENGTH(_NB)         ((_NB)->DataLength)
#define NET_BUFFER_CURRENT_MDL(_NB)         ((_NB)->CurrentMdl)
#define NET_BUFFER_CURRENT_MDL_OFFSET(_NB)  ((_NB)->CurrentMdlOffset)
#define NET_BUFFER_LIST_FIRST_NB(_NBL)      ((_NBL)->FirstNetBuffer)
#define NET_BUFFER_LIST_NEXT_NBL(_NBL)      ((_NBL)->Next)
#define NET_BUFFER_LIST_STATUS(_NBL)        ((_NBL)->Status)
#define NET_BUFFER_LIST_FLAGS(_NBL)         ((_NBL)->Flags)
#define NET_BUFFER_LIST_NBL_FLAGS(_NBL)     ((_NBL)->NblFlags)

/* -------------------------------------------------------------------------
 * 3. Per-NBL IPsec out-of-band structures (ndis.h IPsec block)
 *
 * These live *in* the PVOID slot, not behind it: the NDIS idiom is
 *   *(NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO *)
 *       &NET_BUFFER_LIST_INFO(nbl, IPsecOffloadV2NetBufferListInfo)
 * ---------------------------------------------------------------------- */

/* CryptoStatus codes (complete set, WDK 22000). */
#define CRYPTO_SUCCESS                    0
#define CRYPTO_GENERIC_ERROR              1
#define CRYPTO_TRANSPORT_AH_AUTH_FAILED   2
#define CRYPTO_TRANSPORT_ESP_AUTH_FAILED  3
#define CRYPTO_TUNNEL_AH_AUTH_FAILED      4
#define CRYPTO_TUNNEL_ESP_AUTH_FAILED     5
#define CRYPTO_INVALID_PACKET_SYNTAX      6
#define CRYPTO_INVALID_PROTOCOL           7

#define NDIS_TASK_OFFLOAD_VERSION 1
#define MAX_HASHES                4
#define TRUNCATED_HASH_LEN        12

/* Slot 1, IPsecOV1. */
IPOC_EXT typedef struct _NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO {
	IPOC_EXT union {
		struct {
			NDIS_HANDLE OffloadHandle;
		} Transmit;
		struct {
			IPOC_EXT USHORT SaDeleteReq : 1;    /* bit 0 */
			IPOC_EXT USHORT CryptoDone : 1;     /* bit 1 */
			IPOC_EXT USHORT NextCryptoDone : 1; /* bit 2 */
			IPOC_EXT USHORT Pad : 13;           /* bits 3..15 */
			USHORT CryptoStatus;                /* bytes 2..3 */
		} Receive;
	};
} NDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO, *PNDIS_IPSEC_OFFLOAD_V1_NET_BUFFER_LIST_INFO;

/* Slot 1, IPsecOV2. */
IPOC_EXT typedef struct _NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO {
	IPOC_EXT union {
		struct {
			PVOID OffloadHandle;
		} Transmit;
		struct {
			ULONG SaDeleteReq : 1;     /* bit 0 */
			ULONG CryptoDone : 1;      /* bit 1 */
			ULONG NextCryptoDone : 1;  /* bit 2: transport over tunnel */
			ULONG Reserved : 13;       /* bits 3..15 */
			ULONG CryptoStatus : 16;   /* bits 16..31 */
		} Receive;
	};
} NDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO, *PNDIS_IPSEC_OFFLOAD_V2_NET_BUFFER_LIST_INFO;

/* Slot 1 on receive, 32-bit little-endian view (V1 and V2 agree). */
#define IPSEC_RX_SA_DELETE_REQ         0x00000001u
#define IPSEC_RX_CRYPTO_DONE           0x00000002u
#define IPSEC_RX_NEXT_CRYPTO_DONE      0x00000004u
#define IPSEC_RX_RESERVED_MASK         0x0000FFF8u
#define IPSEC_RX_CRYPTO_STATUS_SHIFT   16
#define IPSEC_RX_CRYPTO_STATUS_MASK    0xFFFF0000u
#define IPSEC_RX_CRYPTO_STATUS(w) \
	(((uint32_t)(w) & IPSEC_RX_CRYPTO_STATUS_MASK) >> IPSEC_RX_CRYPTO_STATUS_SHIFT)

/* Slot 11, IPsecOV2 tunnel (transmit only). */
typedef struct _NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO {
	struct {
		NDIS_HANDLE TunnelHandle;   /* tunnel SA in transport over tunnel */
	} Transmit;
} NDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO,
	*PNDIS_IPSEC_OFFLOAD_V2_TUNNEL_NET_BUFFER_LIST_INFO;

/* Slot 12, IPsecOV2 header info. Offsets count 4-byte units from the start
 * of the IP header. */
IPOC_EXT typedef struct _NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO {
	IPOC_EXT union {
		struct {
			ULONG NextHeader : 8;      /* bits 0..7: ESP trailer next header */
			ULONG PadLength : 8;       /* bits 8..15 */
			ULONG AhHeaderOffset : 8;  /* bits 16..23, in 4-byte units */
			ULONG EspHeaderOffset : 8; /* bits 24..31, in 4-byte units */
		} Transmit;
		struct {
			ULONG NextHeader : 8;      /* bits 0..7 */
			ULONG PadLength : 8;       /* bits 8..15 */
			ULONG HeaderInfoSet : 1;   /* bit 16 */
		} Receive;
	};
} NDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO,
	*PNDIS_IPSEC_OFFLOAD_V2_HEADER_NET_BUFFER_LIST_INFO;

#define IPSEC_HDR_NEXT_HEADER_MASK       0x000000FFu
#define IPSEC_HDR_NEXT_HEADER_SHIFT      0
#define IPSEC_HDR_PAD_LENGTH_MASK        0x0000FF00u
#define IPSEC_HDR_PAD_LENGTH_SHIFT       8
#define IPSEC_HDR_TX_AH_OFFSET_MASK      0x00FF0000u
#define IPSEC_HDR_TX_AH_OFFSET_SHIFT     16
#define IPSEC_HDR_TX_ESP_OFFSET_MASK     0xFF000000u
#define IPSEC_HDR_TX_ESP_OFFSET_SHIFT    24
#define IPSEC_HDR_RX_HEADER_INFO_SET     0x00010000u
#define IPSEC_HDR_TX_NEXT_HEADER(w)      ((uint32_t)(w) & 0xFFu)
#define IPSEC_HDR_TX_PAD_LENGTH(w)       (((uint32_t)(w) >> 8) & 0xFFu)
#define IPSEC_HDR_TX_AH_OFFSET_BYTES(w)  ((((uint32_t)(w) >> 16) & 0xFFu) * 4u)
#define IPSEC_HDR_TX_ESP_OFFSET_BYTES(w) ((((uint32_t)(w) >> 24) & 0xFFu) * 4u)

/* Slot 2, LSO (nbllso.h). */
IPOC_EXT typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO {
	IPOC_EXT union {
		struct {
			ULONG Unused : 30;
			ULONG Type : 1;
			ULONG Reserved2 : 1;
		} Transmit;
		struct {
			ULONG MSS : 20;
			ULONG TcpHeaderOffset : 10;
			ULONG Type : 1;
			ULONG Reserved2 : 1;
		} LsoV1Transmit;
		struct {
			ULONG TcpPayload : 30;
			ULONG Type : 1;
			ULONG Reserved2 : 1;
		} LsoV1TransmitComplete;
		struct {
			ULONG MSS : 20;
			ULONG TcpHeaderOffset : 10;
			ULONG Type : 1;
			ULONG IPVersion : 1;
		} LsoV2Transmit;
		struct {
			ULONG Reserved : 30;
			ULONG Type : 1;
			ULONG Reserved2 : 1;
		} LsoV2TransmitComplete;
		PVOID Value;
	};
} NDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO,
	*PNDIS_TCP_LARGE_SEND_OFFLOAD_NET_BUFFER_LIST_INFO;

#define NDIS_TCP_LARGE_SEND_OFFLOAD_V1_TYPE        0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_V2_TYPE        1
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv4           0
#define NDIS_TCP_LARGE_SEND_OFFLOAD_IPv6           1
#define NDIS_LARGE_SEND_OFFLOAD_MAX_HEADER_LENGTH  128
#define LSO_MSS_MASK                 0x000FFFFFu
#define LSO_TCP_HEADER_OFFSET_SHIFT  20
#define LSO_TCP_HEADER_OFFSET_MASK   0x3FF00000u
#define LSO_TYPE_SHIFT               30
#define LSO_TYPE_MASK                0x40000000u
#define LSO_V2_IP_VERSION_SHIFT      31
#define LSO_V2_IP_VERSION_MASK       0x80000000u

/* Slot 0, checksum (nblchecksum.h). */
IPOC_EXT typedef struct _NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO {
	IPOC_EXT union {
		struct {
			ULONG IsIPv4 : 1;
			ULONG IsIPv6 : 1;
			ULONG TcpChecksum : 1;
			ULONG UdpChecksum : 1;
			ULONG IpHeaderChecksum : 1;
			ULONG Reserved : 11;
			ULONG TcpHeaderOffset : 10;
		} Transmit;
		struct {
			ULONG TcpChecksumFailed : 1;
			ULONG UdpChecksumFailed : 1;
			ULONG IpChecksumFailed : 1;
			ULONG TcpChecksumSucceeded : 1;
			ULONG UdpChecksumSucceeded : 1;
			ULONG IpChecksumSucceeded : 1;
			ULONG Loopback : 1;
			ULONG TcpChecksumValueInvalid : 1;
			ULONG IpChecksumValueInvalid : 1;
		} Receive;
		PVOID Value;
	};
} NDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO,
	*PNDIS_TCP_IP_CHECKSUM_NET_BUFFER_LIST_INFO;

/* -------------------------------------------------------------------------
 * 4. Capability and configuration structures (ntddndis.h)
 * ---------------------------------------------------------------------- */
#define NDIS_ENCAPSULATION_NOT_SUPPORTED              0x00000000
#define NDIS_ENCAPSULATION_NULL                       0x00000001
#define NDIS_ENCAPSULATION_IEEE_802_3                 0x00000002
#define NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q         0x00000004
#define NDIS_ENCAPSULATION_IEEE_802_3_P_AND_Q_IN_OOB  0x00000008
#define NDIS_ENCAPSULATION_IEEE_LLC_SNAP_ROUTED       0x00000010

#define NDIS_OFFLOAD_NOT_SUPPORTED  0
#define NDIS_OFFLOAD_SUPPORTED      1
#define NDIS_OFFLOAD_SET_NO_CHANGE  0
#define NDIS_OFFLOAD_SET_ON         1
#define NDIS_OFFLOAD_SET_OFF        2

typedef struct _NDIS_TCP_IP_CHECKSUM_OFFLOAD {
	struct {
		ULONG Encapsulation;
		ULONG IpOptionsSupported : 2;
		ULONG TcpOptionsSupported : 2;
		ULONG TcpChecksum : 2;
		ULONG UdpChecksum : 2;
		ULONG IpChecksum : 2;
	} IPv4Transmit;
	struct {
		ULONG Encapsulation;
		ULONG IpOptionsSupported : 2;
		ULONG TcpOptionsSupported : 2;
		ULONG TcpChecksum : 2;
		ULONG UdpChecksum : 2;
		ULONG IpChecksum : 2;
	} IPv4Receive;
	struct {
		ULONG Encapsulation;
		ULONG IpExtensionHeadersSupported : 2;
		ULONG TcpOptionsSupported : 2;
		ULONG TcpChecksum : 2;
		ULONG UdpChecksum : 2;
	} IPv6Transmit;
	struct {
		ULONG Encapsulation;
		ULONG IpExtensionHeadersSupported : 2;
		ULONG TcpOptionsSupported : 2;
		ULONG TcpChecksum : 2;
		ULONG UdpChecksum : 2;
	} IPv6Receive;
} NDIS_TCP_IP_CHECKSUM_OFFLOAD;

typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_V1 {
	struct {
		ULONG Encapsulation;
		ULONG MaxOffLoadSize;
		ULONG MinSegmentCount;
		ULONG TcpOptions : 2;
		ULONG IpOptions : 2;
	} IPv4;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V1;

typedef struct _NDIS_TCP_LARGE_SEND_OFFLOAD_V2 {
	struct {
		ULONG Encapsulation;
		ULONG MaxOffLoadSize;
		ULONG MinSegmentCount;
	} IPv4;
	struct {
		ULONG Encapsulation;
		ULONG MaxOffLoadSize;
		ULONG MinSegmentCount;
		ULONG IpExtensionHeadersSupported : 2;
		ULONG TcpOptionsSupported : 2;
	} IPv6;
} NDIS_TCP_LARGE_SEND_OFFLOAD_V2;

/* IPsecOV1 capabilities. The 2-bit fields hold NDIS_OFFLOAD_(NOT_)SUPPORTED. */
typedef struct _NDIS_IPSEC_OFFLOAD_V1 {
	struct {
		ULONG Encapsulation;
		ULONG AhEspCombined;
		ULONG TransportTunnelCombined;
		ULONG IPv4Options;
		ULONG Flags;   /* IPSEC_*_UDPESP_ENCAPTYPE_* (docs: "Reserved") */
	} Supported;
	struct {
		ULONG Md5 : 2;        /* bits 0-1 */
		ULONG Sha_1 : 2;      /* bits 2-3 */
		ULONG Transport : 2;  /* bits 4-5 */
		ULONG Tunnel : 2;     /* bits 6-7 */
		ULONG Send : 2;       /* bits 8-9 */
		ULONG Receive : 2;    /* bits 10-11 */
	} IPv4AH;
	struct {
		ULONG Des : 2;        /* bits 0-1 */
		ULONG Reserved : 2;   /* bits 2-3 */
		ULONG TripleDes : 2;  /* bits 4-5 */
		ULONG NullEsp : 2;    /* bits 6-7 */
		ULONG Transport : 2;  /* bits 8-9 */
		ULONG Tunnel : 2;     /* bits 10-11 */
		ULONG Send : 2;       /* bits 12-13 */
		ULONG Receive : 2;    /* bits 14-15 */
	} IPv4ESP;
} NDIS_IPSEC_OFFLOAD_V1, *PNDIS_IPSEC_OFFLOAD_V1;

/* Shifts of the 2-bit fields in the IPv4AH / IPv4ESP words. */
#define IPSEC_V1_AH_MD5_SHIFT         0
#define IPSEC_V1_AH_SHA1_SHIFT        2
#define IPSEC_V1_AH_TRANSPORT_SHIFT   4
#define IPSEC_V1_AH_TUNNEL_SHIFT      6
#define IPSEC_V1_AH_SEND_SHIFT        8
#define IPSEC_V1_AH_RECEIVE_SHIFT     10
#define IPSEC_V1_ESP_DES_SHIFT        0
#define IPSEC_V1_ESP_TRIPLE_DES_SHIFT 4
#define IPSEC_V1_ESP_NULL_SHIFT       6
#define IPSEC_V1_ESP_TRANSPORT_SHIFT  8
#define IPSEC_V1_ESP_TUNNEL_SHIFT     10
#define IPSEC_V1_ESP_SEND_SHIFT       12
#define IPSEC_V1_ESP_RECEIVE_SHIFT    14
#define IPSEC_V1_2BIT_MASK            0x3u

/* IPsecOV1 UDP-ESP flags (NDIS_IPSEC_OFFLOAD_V1.Supported.Flags). */
#define IPSEC_TPT_UDPESP_ENCAPTYPE_IKE                  0x00000001
#define IPSEC_TUN_UDPESP_ENCAPTYPE_IKE                  0x00000002
#define IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_IKE           0x00000004
#define IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_IKE    0x00000008
#define IPSEC_TPT_UDPESP_ENCAPTYPE_OTHER                0x00000010
#define IPSEC_TUN_UDPESP_ENCAPTYPE_OTHER                0x00000020
#define IPSEC_TPTOVERTUN_UDPESP_ENCAPTYPE_OTHER         0x00000040
#define IPSEC_TPT_UDPESP_OVER_PURE_TUN_ENCAPTYPE_OTHER  0x00000080

/* IPsecOV2 capabilities. */
typedef struct _NDIS_IPSEC_OFFLOAD_V2 {
	ULONG Encapsulation;
	BOOLEAN IPv6Supported;
	BOOLEAN IPv4Options;
	BOOLEAN IPv6NonIPsecExtensionHeaders;
	BOOLEAN Ah;
	BOOLEAN Esp;
	BOOLEAN AhEspCombined;
	BOOLEAN Transport;
	BOOLEAN Tunnel;
	BOOLEAN TransportTunnelCombined;
	BOOLEAN LsoSupported;
	BOOLEAN ExtendedSequenceNumbers;
	ULONG UdpEsp;
	ULONG AuthenticationAlgorithms;
	ULONG EncryptionAlgorithms;
	ULONG SaOffloadCapacity;
} NDIS_IPSEC_OFFLOAD_V2, *PNDIS_IPSEC_OFFLOAD_V2;

/* Algorithm bits: capability masks and SA identifiers alike. The two
 * namespaces overlap numerically; which one applies depends on the member. */
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_MD5          0x00000001
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_1        0x00000002
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_SHA_256      0x00000004
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_128  0x00000008
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_192  0x00000010
#define IPSEC_OFFLOAD_V2_AUTHENTICATION_AES_GCM_256  0x00000020

#define IPSEC_OFFLOAD_V2_ENCRYPTION_NONE             0x00000001
#define IPSEC_OFFLOAD_V2_ENCRYPTION_DES_CBC          0x00000002
#define IPSEC_OFFLOAD_V2_ENCRYPTION_3_DES_CBC        0x00000004
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_128      0x00000008
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_192      0x00000010
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_GCM_256      0x00000020
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_128      0x00000040
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_192      0x00000080
#define IPSEC_OFFLOAD_V2_ENCRYPTION_AES_CBC_256      0x00000100

#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_NONE                   0x00000000
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT              0x00000001
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TUNNEL                 0x00000002
#define IPSEC_OFFLOAD_V2_TRANSPORT_OVER_UDP_ESP_ENCAPSULATION_TUNNEL  0x00000004
#define IPSEC_OFFLOAD_V2_UDP_ESP_ENCAPSULATION_TRANSPORT_OVER_TUNNEL  0x00000008

#define IPSEC_OFFLOAD_V2_ESN_SA    0x00000001   /* SECURITY_ASSOCIATION.Flags */
#define IPSEC_OFFLOAD_V2_INBOUND   0x00000001   /* ADD_SA[_EX].Flags */
#define IPSEC_OFFLOAD_V2_IPv6      0x00000010   /* ADD_SA[_EX].Flags */

/* NDIS_OFFLOAD.Flags */
#define NDIS_OFFLOAD_FLAGS_GROUP_CHECKSUM_CAPABILITIES  0x00000001
#define IPSEC_OFFLOAD_V2_AND_TCP_CHECKSUM_COEXISTENCE   0x00000002
#define IPSEC_OFFLOAD_V2_AND_UDP_CHECKSUM_COEXISTENCE   0x00000004

/* NDIS_OFFLOAD, through revision 2 (the first with IPsecV2). Later
 * revisions append members (Rsc, encapsulated-packet offloads, ...) that an
 * IPsec engine has no business with; this model stops at IPsecV2. */
#define NDIS_OFFLOAD_REVISION_1 1
#define NDIS_OFFLOAD_REVISION_2 2
typedef struct _NDIS_OFFLOAD {
	NDIS_OBJECT_HEADER Header;
	NDIS_TCP_IP_CHECKSUM_OFFLOAD Checksum;
	NDIS_TCP_LARGE_SEND_OFFLOAD_V1 LsoV1;
	NDIS_IPSEC_OFFLOAD_V1 IPsecV1;
	NDIS_TCP_LARGE_SEND_OFFLOAD_V2 LsoV2;
	ULONG Flags;
	NDIS_IPSEC_OFFLOAD_V2 IPsecV2;
} NDIS_OFFLOAD, *PNDIS_OFFLOAD;
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_1 IPOC_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, Flags)
#define NDIS_SIZEOF_NDIS_OFFLOAD_REVISION_2 IPOC_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD, IPsecV2)

/* OID_TCP_OFFLOAD_PARAMETERS input, through revision 2 (IPsecV2IPv4). */
#define NDIS_OFFLOAD_PARAMETERS_REVISION_1 1
#define NDIS_OFFLOAD_PARAMETERS_REVISION_2 2
typedef struct _NDIS_OFFLOAD_PARAMETERS {
	NDIS_OBJECT_HEADER Header;
	UCHAR IPv4Checksum;
	UCHAR TCPIPv4Checksum;
	UCHAR UDPIPv4Checksum;
	UCHAR TCPIPv6Checksum;
	UCHAR UDPIPv6Checksum;
	UCHAR LsoV1;
	UCHAR IPsecV1;
	UCHAR LsoV2IPv4;
	UCHAR LsoV2IPv6;
	UCHAR TcpConnectionIPv4;
	UCHAR TcpConnectionIPv6;
	ULONG Flags;
	UCHAR IPsecV2;
	UCHAR IPsecV2IPv4;
} NDIS_OFFLOAD_PARAMETERS, *PNDIS_OFFLOAD_PARAMETERS;
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_1 \
	IPOC_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, Flags)
#define NDIS_SIZEOF_OFFLOAD_PARAMETERS_REVISION_2 \
	IPOC_SIZEOF_THROUGH_FIELD(NDIS_OFFLOAD_PARAMETERS, IPsecV2IPv4)

#define NDIS_OFFLOAD_PARAMETERS_NO_CHANGE                   0
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_DISABLED            1
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_ENABLED          2
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_ESP_ENABLED         3
#define NDIS_OFFLOAD_PARAMETERS_IPSECV1_AH_AND_ESP_ENABLED  4
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_DISABLED            1
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_ENABLED          2
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_ESP_ENABLED         3
#define NDIS_OFFLOAD_PARAMETERS_IPSECV2_AH_AND_ESP_ENABLED  4

/* -------------------------------------------------------------------------
 * 5. IPsecOV2 SA management (direct OIDs)
 * ---------------------------------------------------------------------- */
#define IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS 2
typedef ULONG IPSEC_OFFLOAD_V2_SPI_TYPE;

typedef enum _IPSEC_OFFLOAD_V2_OPERATION {
	IPsecOffloadV2Ah = 1,
	IPsecOffloadV2Esp,
	IPsecOffloadV2Max
} IPSEC_OFFLOAD_V2_OPERATION;

typedef struct _IPSEC_OFFLOAD_V2_ALGORITHM_INFO {
	ULONG Identifier;      /* one IPSEC_OFFLOAD_V2_AUTHENTICATION_* or _ENCRYPTION_* bit */
	ULONG KeyLength;       /* key bytes */
	ULONG KeyOffsetBytes;  /* offset of this key in the key area */
	ULONG AdditionalInfo;  /* AES-GCM: ICV length */
} IPSEC_OFFLOAD_V2_ALGORITHM_INFO, *PIPSEC_OFFLOAD_V2_ALGORITHM_INFO;

typedef struct _IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION {
	ULONG Flags;                                   /* IPSEC_OFFLOAD_V2_ESN_SA */
	IPSEC_OFFLOAD_V2_OPERATION Operation;
	IPSEC_OFFLOAD_V2_SPI_TYPE Spi;
	IPSEC_OFFLOAD_V2_ALGORITHM_INFO AuthenticationAlgorithm;
	IPSEC_OFFLOAD_V2_ALGORITHM_INFO EncryptionAlgorithm;
	ULONG SequenceNumberHighOrder;
} IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION, *PIPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION;

typedef struct _IPSEC_OFFLOAD_V2_IPV4_ENDPOINTS {
	IPAddr SrcAddr;
	IPAddr DestAddr;
} IPSEC_OFFLOAD_V2_IPV4_ENDPOINTS;
typedef struct _IPSEC_OFFLOAD_V2_IPV6_ENDPOINTS {
	UCHAR SrcAddr[16];
	UCHAR DestAddr[16];
} IPSEC_OFFLOAD_V2_IPV6_ENDPOINTS;

#define NDIS_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1 1
typedef struct _IPSEC_OFFLOAD_V2_ADD_SA IPSEC_OFFLOAD_V2_ADD_SA, *PIPSEC_OFFLOAD_V2_ADD_SA;
struct _IPSEC_OFFLOAD_V2_ADD_SA {
	NDIS_OBJECT_HEADER Header;
	PIPSEC_OFFLOAD_V2_ADD_SA Next;
	ULONG NumExtHdrs;
	ULONG Flags;
	IPOC_EXT union {
		IPSEC_OFFLOAD_V2_IPV4_ENDPOINTS IPv4Endpoints;
		IPSEC_OFFLOAD_V2_IPV6_ENDPOINTS IPv6Endpoints;
	};
	NDIS_HANDLE OffloadHandle;                     /* out */
	ULONG UdpEspEncapsulation;
	IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION SecAssoc[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
	ULONG KeyLength;
	UCHAR KeyData[1];                              /* KeyLength bytes */
};
#define NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_REVISION_1 \
	IPOC_SIZEOF_THROUGH_FIELD(IPSEC_OFFLOAD_V2_ADD_SA, KeyData)

#define NDIS_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1 1
typedef struct _IPSEC_OFFLOAD_V2_ADD_SA_EX {
	NDIS_OBJECT_HEADER Header;
	ULONG NumExtHdrs;
	ULONG Flags;
	IPOC_EXT union {
		IPSEC_OFFLOAD_V2_IPV4_ENDPOINTS IPv4Endpoints;
		IPSEC_OFFLOAD_V2_IPV6_ENDPOINTS IPv6Endpoints;
	};
	NDIS_HANDLE OffloadHandle;                     /* out */
	ULONG UdpEspEncapsulation;
	IPSEC_OFFLOAD_V2_SECURITY_ASSOCIATION SecAssoc[IPSEC_OFFLOAD_V2_MAX_EXTENSION_HEADERS];
	ULONG KeyLength;
	ULONG KeyOffset;                               /* from the start of this struct */
	NDIS_SWITCH_PORT_ID SourceSwitchPortId;        /* reserved */
	USHORT VlanId;                                 /* reserved */
} IPSEC_OFFLOAD_V2_ADD_SA_EX, *PIPSEC_OFFLOAD_V2_ADD_SA_EX;
#define NDIS_SIZEOF_IPSEC_OFFLOAD_V2_ADD_SA_EX_REVISION_1 \
	IPOC_SIZEOF_THROUGH_FIELD(IPSEC_OFFLOAD_V2_ADD_SA_EX, VlanId)

#define NDIS_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1 1
typedef struct _IPSEC_OFFLOAD_V2_DELETE_SA IPSEC_OFFLOAD_V2_DELETE_SA, *PIPSEC_OFFLOAD_V2_DELETE_SA;
struct _IPSEC_OFFLOAD_V2_DELETE_SA {
	NDIS_OBJECT_HEADER Header;
	PIPSEC_OFFLOAD_V2_DELETE_SA Next;
	NDIS_HANDLE OffloadHandle;
};
#define NDIS_SIZEOF_IPSEC_OFFLOAD_V2_DELETE_SA_REVISION_1 \
	IPOC_SIZEOF_THROUGH_FIELD(IPSEC_OFFLOAD_V2_DELETE_SA, OffloadHandle)

#define NDIS_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1 1
typedef struct _IPSEC_OFFLOAD_V2_UPDATE_SA {   /* no Next member in the WDK */
	NDIS_OBJECT_HEADER Header;
	NDIS_HANDLE OffloadHandle;
	IPSEC_OFFLOAD_V2_OPERATION Operation;
	IPSEC_OFFLOAD_V2_SPI_TYPE Spi;
	ULONG SequenceNumberHighOrder;
} IPSEC_OFFLOAD_V2_UPDATE_SA, *PIPSEC_OFFLOAD_V2_UPDATE_SA;
#define NDIS_SIZEOF_IPSEC_OFFLOAD_V2_UPDATE_SA_REVISION_1 \
	IPOC_SIZEOF_THROUGH_FIELD(IPSEC_OFFLOAD_V2_UPDATE_SA, SequenceNumberHighOrder)

/* -------------------------------------------------------------------------
 * 6. IPsecOV1 SA management (OFFLOAD_IPSEC_* family)
 * ---------------------------------------------------------------------- */
typedef ULONG SPI_TYPE;

typedef enum _OFFLOAD_OPERATION_E {
	AUTHENTICATE = 1,
	ENCRYPT
} OFFLOAD_OPERATION_E;

typedef struct _OFFLOAD_ALGO_INFO {
	ULONG algoIdentifier;
	ULONG algoKeylen;
	ULONG algoRounds;
} OFFLOAD_ALGO_INFO, *POFFLOAD_ALGO_INFO;

typedef enum _OFFLOAD_CONF_ALGO {
	OFFLOAD_IPSEC_CONF_NONE,
	OFFLOAD_IPSEC_CONF_DES,
	OFFLOAD_IPSEC_CONF_RESERVED,
	OFFLOAD_IPSEC_CONF_3_DES,
	OFFLOAD_IPSEC_CONF_MAX
} OFFLOAD_CONF_ALGO;

typedef enum _OFFLOAD_INTEGRITY_ALGO {
	OFFLOAD_IPSEC_INTEGRITY_NONE,
	OFFLOAD_IPSEC_INTEGRITY_MD5,
	OFFLOAD_IPSEC_INTEGRITY_SHA,
	OFFLOAD_IPSEC_INTEGRITY_MAX
} OFFLOAD_INTEGRITY_ALGO;

typedef struct _OFFLOAD_SECURITY_ASSOCIATION {
	OFFLOAD_OPERATION_E Operation;
	SPI_TYPE SPI;
	OFFLOAD_ALGO_INFO IntegrityAlgo;
	OFFLOAD_ALGO_INFO ConfAlgo;
	OFFLOAD_ALGO_INFO Reserved;
} OFFLOAD_SECURITY_ASSOCIATION, *POFFLOAD_SECURITY_ASSOCIATION;

#define OFFLOAD_MAX_SAS      3
#define OFFLOAD_INBOUND_SA   0x0001
#define OFFLOAD_OUTBOUND_SA  0x0002

typedef struct _OFFLOAD_IPSEC_ADD_SA {
	IPAddr SrcAddr;
	IPMask SrcMask;
	IPAddr DestAddr;
	IPMask DestMask;
	ULONG Protocol;
	USHORT SrcPort;
	USHORT DestPort;
	IPAddr SrcTunnelAddr;
	IPAddr DestTunnelAddr;
	USHORT Flags;
	SHORT NumSAs;
	OFFLOAD_SECURITY_ASSOCIATION SecAssoc[OFFLOAD_MAX_SAS];
	HANDLE OffloadHandle;          /* out */
	ULONG KeyLen;
	UCHAR KeyMat[1];               /* KeyLen bytes */
} OFFLOAD_IPSEC_ADD_SA, *POFFLOAD_IPSEC_ADD_SA;

typedef struct _OFFLOAD_IPSEC_DELETE_SA {
	HANDLE OffloadHandle;
} OFFLOAD_IPSEC_DELETE_SA, *POFFLOAD_IPSEC_DELETE_SA;

typedef enum _UDP_ENCAP_TYPE {
	OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_IKE,
	OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_OTHER
} UDP_ENCAP_TYPE;

typedef struct _OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY {
	UDP_ENCAP_TYPE UdpEncapType;
	USHORT DstEncapPort;
} OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY;

typedef struct _OFFLOAD_IPSEC_ADD_UDPESP_SA {
	IPAddr SrcAddr;
	IPMask SrcMask;
	IPAddr DstAddr;
	IPMask DstMask;
	ULONG Protocol;
	USHORT SrcPort;
	USHORT DstPort;
	IPAddr SrcTunnelAddr;
	IPAddr DstTunnelAddr;
	USHORT Flags;
	SHORT NumSAs;
	OFFLOAD_SECURITY_ASSOCIATION SecAssoc[OFFLOAD_MAX_SAS];
	HANDLE OffloadHandle;
	OFFLOAD_IPSEC_UDPESP_ENCAPTYPE_ENTRY EncapTypeEntry;
	HANDLE EncapTypeEntryOffldHandle;
	ULONG KeyLen;
	UCHAR KeyMat[1];
} OFFLOAD_IPSEC_ADD_UDPESP_SA, *POFFLOAD_IPSEC_ADD_UDPESP_SA;

typedef struct _OFFLOAD_IPSEC_DELETE_UDPESP_SA {
	HANDLE OffloadHandle;
	HANDLE EncapTypeEntryOffldHandle;
} OFFLOAD_IPSEC_DELETE_UDPESP_SA, *POFFLOAD_IPSEC_DELETE_UDPESP_SA;

/* -------------------------------------------------------------------------
 * 7. OIDs
 * ---------------------------------------------------------------------- */
#define OID_TCP_TASK_OFFLOAD                     0xFC010201u
#define OID_TCP_TASK_IPSEC_ADD_SA                0xFC010202u
#define OID_TCP_TASK_IPSEC_DELETE_SA             0xFC010203u
#define OID_TCP_TASK_IPSEC_ADD_UDPESP_SA         0xFC010205u
#define OID_TCP_TASK_IPSEC_DELETE_UDPESP_SA      0xFC010206u
#define OID_TCP_OFFLOAD_CURRENT_CONFIG           0xFC01020Bu
#define OID_TCP_OFFLOAD_PARAMETERS               0xFC01020Cu
#define OID_TCP_OFFLOAD_HARDWARE_CAPABILITIES    0xFC01020Du
#define OID_OFFLOAD_ENCAPSULATION                0x0101010Au
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA     0xFC030202u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_DELETE_SA  0xFC030203u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_UPDATE_SA  0xFC030204u
#define OID_TCP_TASK_IPSEC_OFFLOAD_V2_ADD_SA_EX  0xFC030205u

/* -------------------------------------------------------------------------
 * 8. NDIS_STATUS values
 * ---------------------------------------------------------------------- */
#define IPOC_NDIS_STATUS(v) ((NDIS_STATUS)(int32_t)(uint32_t)(v))
#define NDIS_STATUS_SUCCESS                IPOC_NDIS_STATUS(0x00000000u)
#define NDIS_STATUS_PENDING                IPOC_NDIS_STATUS(0x00000103u)
#define NDIS_STATUS_NOT_RECOGNIZED         IPOC_NDIS_STATUS(0x00010001u)
#define NDIS_STATUS_NOT_ACCEPTED           IPOC_NDIS_STATUS(0x00010003u)
#define NDIS_STATUS_INDICATION_REQUIRED    IPOC_NDIS_STATUS(0x40230001u)
#define NDIS_STATUS_BUFFER_OVERFLOW        IPOC_NDIS_STATUS(0x80000005u)
#define NDIS_STATUS_FAILURE                IPOC_NDIS_STATUS(0xC0000001u)
#define NDIS_STATUS_INVALID_PARAMETER      IPOC_NDIS_STATUS(0xC000000Du)
#define NDIS_STATUS_INVALID_DEVICE_REQUEST IPOC_NDIS_STATUS(0xC0000010u)
#define NDIS_STATUS_RESOURCES              IPOC_NDIS_STATUS(0xC000009Au)
#define NDIS_STATUS_NOT_SUPPORTED          IPOC_NDIS_STATUS(0xC00000BBu)
#define NDIS_STATUS_INVALID_STATE          IPOC_NDIS_STATUS(0xC0000184u)
#define NDIS_STATUS_CLOSING                IPOC_NDIS_STATUS(0xC0010002u)
#define NDIS_STATUS_REQUEST_ABORTED        IPOC_NDIS_STATUS(0xC001000Cu)
#define NDIS_STATUS_RESET_IN_PROGRESS      IPOC_NDIS_STATUS(0xC001000Du)
#define NDIS_STATUS_INVALID_PACKET         IPOC_NDIS_STATUS(0xC001000Fu)
#define NDIS_STATUS_ADAPTER_NOT_READY      IPOC_NDIS_STATUS(0xC0010011u)
#define NDIS_STATUS_INVALID_LENGTH         IPOC_NDIS_STATUS(0xC0010014u)
#define NDIS_STATUS_INVALID_DATA           IPOC_NDIS_STATUS(0xC0010015u)
#define NDIS_STATUS_BUFFER_TOO_SHORT       IPOC_NDIS_STATUS(0xC0010016u)
#define NDIS_STATUS_INVALID_OID            IPOC_NDIS_STATUS(0xC0010017u)
#define NDIS_STATUS_SEND_ABORTED           IPOC_NDIS_STATUS(0xC023000Cu)
#define NDIS_STATUS_MEDIA_DISCONNECTED     IPOC_NDIS_STATUS(0xC023001Fu)
#define NDIS_STATUS_PAUSED                 IPOC_NDIS_STATUS(0xC023002Au)
#define NDIS_STATUS_UNSUPPORTED_REVISION   IPOC_NDIS_STATUS(0xC023002Cu)
#define NDIS_STATUS_LOW_POWER_STATE        IPOC_NDIS_STATUS(0xC023002Fu)
#define NDIS_STATUS_TASK_OFFLOAD_CURRENT_CONFIG        IPOC_NDIS_STATUS(0x40020006u)
#define NDIS_STATUS_TASK_OFFLOAD_HARDWARE_CAPABILITIES IPOC_NDIS_STATUS(0x40020007u)
#define NDIS_STATUS_OFFLOAD_ENCASPULATION_CHANGE       IPOC_NDIS_STATUS(0x40020008u)

#ifdef __cplusplus
}
#endif

#endif /* IPOC_NDIS_H */
