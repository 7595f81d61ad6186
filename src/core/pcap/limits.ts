// Sanity bound on one record: no link layer carries more than 256 KiB in one frame (pcapng spec
// suggests 262144 for snaplen), so anything larger means the file is corrupt, not a huge packet.
export const MAX_RECORD_BYTES = 16 * 1024 * 1024;
