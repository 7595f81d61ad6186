// EtherType values (IEEE registry) the decoder follows; GRE and Linux cooked headers reuse them.
export const ETHERTYPE_IPV4 = 0x0800;
export const ETHERTYPE_IPV6 = 0x86dd;
export const ETHERTYPE_VLAN = 0x8100;
export const ETHERTYPE_QINQ = 0x88a8;
/** Pre-standard QinQ outer tag still emitted by some switches. */
export const ETHERTYPE_QINQ_OLD = 0x9100;
export const ETHERTYPE_MPLS_UNICAST = 0x8847;
export const ETHERTYPE_MPLS_MULTICAST = 0x8848;
/** Transparent Ethernet bridging (RFC 1701 registry), used by GRE for bridged frames. */
export const ETHERTYPE_TEB = 0x6558;
/** PPP carried in GRE (RFC 2637 enhanced GRE). */
export const ETHERTYPE_PPP = 0x880b;

/** Reported by link parsers when the frame does not carry a network-layer protocol we follow. */
export const ETHERTYPE_NONE = -1;
