import type { PubKey } from '../crypto/secp.js';

/** `sciddir_or_pubkey`: a 33-byte node id, or a 9-byte direction + short channel id. */
export type IntroNode =
  | { readonly kind: 'pubkey'; readonly nodeId: PubKey }
  | { readonly kind: 'sciddir'; readonly direction: 0 | 1; readonly scid: bigint };

export interface BlindedHop {
  readonly blindedNodeId: PubKey;
  readonly encryptedData: Uint8Array;
}

/** BOLT 4 `blinded_path` (LDK's BlindedMessagePath has the same bytes). */
export interface BlindedPath {
  readonly intro: IntroNode;
  readonly firstPathKey: PubKey;
  readonly hops: readonly BlindedHop[];
}

/** BOLT 4 `encrypted_data_tlv` fields (message and payment flavours). */
export interface EncryptedData {
  readonly padding?: Uint8Array; // type 1
  readonly shortChannelId?: bigint; // type 2
  readonly nextNodeId?: PubKey; // type 4
  readonly pathId?: Uint8Array; // type 6
  readonly nextPathKeyOverride?: PubKey; // type 8
  readonly paymentRelay?: { cltvExpiryDelta: number; feeProportionalMillionths: number; feeBaseMsat: number }; // type 10
  readonly paymentConstraints?: { maxCltvExpiry: number; htlcMinimumMsat: bigint }; // type 12
  readonly allowedFeatures?: Uint8Array; // type 14
  /** Unknown odd records, kept verbatim (type → value). */
  readonly unknown?: ReadonlyArray<{ readonly type: bigint; readonly value: Uint8Array }>;
}
