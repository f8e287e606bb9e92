// BOLT 4 Sphinx: building an onion packet for a list of hop keys, and peeling one layer.
// The same code serves payment onions (1300-byte payloads, associated data = payment
// hash) and onion messages (1300 or 32768 bytes, no associated data).
import { bigSizeLength, decodeBigSize, writeBigSize } from '../codec/bigsize.js';
import { equalBytes } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { Scratch } from '../codec/scratch.js';
import { chacha20XorInto } from '../crypto/chacha.js';
import { deriveKey, hmacSha256, sha256 } from '../crypto/hash.js';
import { ecdh, ecdhOnce, pointMul, privMul, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';

export const PACKET_VERSION = 0;
/** Payload area of a payment onion, and of a small onion message (packet = 1366 bytes). */
export const SMALL_PAYLOAD_SIZE = 1300;
/** Payload area of a large onion message (packet = 32834 bytes). */
export const LARGE_PAYLOAD_SIZE = 32768;
const HMAC_LEN = 32;
/** version + public key + hmac around the payload area. */
export const PACKET_OVERHEAD = 1 + 33 + HMAC_LEN;

const EMPTY = new Uint8Array(0);
const ZERO_HMAC = new Uint8Array(HMAC_LEN);

/** Bytes a payload takes in the payload area: bigsize(len) ‖ payload ‖ hmac. */
export function framedSize(payload: Uint8Array): number {
  return bigSizeLength(payload.length) + payload.length + HMAC_LEN;
}

// The payload area a packet is built in (both onion-message sizes kept, a larger one
// not). Safe because building is synchronous (no other build can start between its first
// write and its final copy: only hashing and EC code run in between) and the area never
// escapes: the packet returned is a fresh array the area is copied into.
const payloadArea = new Scratch(SMALL_PAYLOAD_SIZE, 1 << 16);
/** The decrypted first bytes of a peeled layer: the payload's BigSize length (scratch, never returned). */
const PREFIX = new Uint8Array(9);

/** The onion-message size rule (CLN, LDK): 1300 if everything fits, else 32768, else none. */
export function chooseOnionMessagePayloadSize(payloads: readonly Uint8Array[]): number {
  const total = payloads.reduce((n, p) => n + framedSize(p), 0);
  if (total <= SMALL_PAYLOAD_SIZE) return SMALL_PAYLOAD_SIZE;
  if (total <= LARGE_PAYLOAD_SIZE) return LARGE_PAYLOAD_SIZE;
  throw new RangeError(`onion message payloads need ${total} bytes, more than ${LARGE_PAYLOAD_SIZE}`);
}

/** Per-hop secrets of the sender's key schedule. */
export interface SphinxHopKeys {
  /** E_i: the packet public key hop i sees. */
  readonly ephemeralKey: PubKey;
  readonly sharedSecret: Uint8Array;
}

/**
 * e_0 = session key; E_i = e_i·G; ss_i = ECDH(e_i, P_i); e_{i+1} = e_i·SHA256(E_i ‖ ss_i).
 * The packet carries E_0 and each E_i feeds the next blinding factor, so the last hop's
 * E_{n-1} (past the first) is derived only if read: one point multiplication saved per onion.
 */
export function sphinxKeySchedule(hopPubkeys: readonly PubKey[], sessionKey: PrivKey, first?: SphinxHopKeys): SphinxHopKeys[] {
  const out: SphinxHopKeys[] = [];
  let e = sessionKey;
  const last = hopPubkeys.length - 1;
  for (let i = 0; i <= last; i++) {
    let hop: SphinxHopKeys;
    if (i === 0 && first) {
      hop = first; // E_0 and ss_0 computed by the caller (first_hop_sessions.ts) for this session key
    } else {
      const ss = ecdhOnce(e, hopPubkeys[i]!);
      if (i === last && i > 0) {
        const k = e;
        let E: PubKey | undefined;
        out.push({
          get ephemeralKey() {
            return (E ??= pubFromPriv(k));
          },
          sharedSecret: ss,
        });
        break;
      }
      hop = { ephemeralKey: pubFromPriv(e), sharedSecret: ss };
    }
    out.push(hop);
    if (i < last) e = privMul(e, sha256(hop.ephemeralKey, hop.sharedSecret));
  }
  return out;
}

export interface BuildPacketArgs {
  /** The key each layer is encrypted to (for blinded hops, the blinded node id). */
  readonly hopPubkeys: readonly PubKey[];
  /** Each hop's payload without its length prefix; it is framed here. */
  readonly payloads: readonly Uint8Array[];
  readonly sessionKey?: PrivKey;
  /** Size of the payload area: 1300 (payments) or 1300/32768 (onion messages). */
  readonly payloadSize?: number;
  /** Payment hash for payments; empty for onion messages. */
  readonly associatedData?: Uint8Array;
  /** E_0 = sessionKey·G and ss_0 = ECDH(sessionKey, hopPubkeys[0]), when the caller has them. */
  readonly firstHop?: SphinxHopKeys;
}

/**
 * Builds `version ‖ E_0 ‖ payloads ‖ hmac`. The initial fill is ChaCha20 under
 * HMAC("pad", session_key), as CLN and the reference code do, so the vectors match.
 * A payload set that does not fit is a RangeError.
 *
 * Every layer is framed, shifted and encrypted in place in one payload area, and the
 * packet is written once into its fresh output array: no per-hop keystreams or copies.
 */
export function buildSphinxPacket(args: BuildPacketArgs): Uint8Array {
  const { hopPubkeys, payloads } = args;
  const L = args.payloadSize ?? SMALL_PAYLOAD_SIZE;
  const ad = args.associatedData ?? EMPTY;
  const sessionKey = args.sessionKey ?? randomPrivKey();
  const n = hopPubkeys.length;
  if (n === 0 || payloads.length !== n) throw new RangeError('sphinx: need one payload per hop, at least one hop');
  if (!Number.isInteger(L) || L <= 0) throw new RangeError('sphinx: bad payload size');
  const shifts = payloads.map(framedSize);
  let total = 0;
  for (const s of shifts) total += s;
  if (total > L) throw new RangeError(`sphinx: payloads need ${total} bytes, only ${L} available`);

  if (args.firstHop && !args.sessionKey) throw new RangeError('sphinx: firstHop needs its sessionKey');
  const keys = sphinxKeySchedule(hopPubkeys, sessionKey, args.firstHop);
  const rhos = keys.map((k) => deriveKey('rho', k.sharedSecret));

  const W = payloadArea.take(L);
  // The filler is what the hops' own left shifts will have appended by the time the
  // last hop reads the packet; the sender must precompute it for the HMACs to match. It
  // is built where it ends up, at the area's tail: after hop i it is the previous filler
  // ‖ s_i zeros, XORed with hop i's keystream from L − (its old length). Only that tail
  // of each keystream is generated.
  const fillerLen = total - shifts[n - 1]!;
  const tail = L - fillerLen;
  for (let i = 0, f = 0; i < n - 1; i++) {
    const grown = W.subarray(tail, tail + f + shifts[i]!);
    grown.fill(0, f);
    chacha20XorInto(rhos[i]!, L - f, grown, grown);
    f += shifts[i]!;
  }

  // The last hop's layer: its frame, then the pad stream shifted right by its frame. The
  // stream's bytes that would land under the filler are never read, so never generated.
  const sLast = shifts[n - 1]!;
  chacha20XorInto(deriveKey('pad', sessionKey), 0, undefined, W.subarray(0, tail - sLast));
  W.copyWithin(sLast, 0, tail - sLast);
  const hmac = new Uint8Array(HMAC_LEN); // the next layer's HMAC, zero for the last hop
  for (let i = n - 1; i >= 0; i--) {
    const p = payloads[i]!;
    if (i < n - 1) W.copyWithin(shifts[i]!, 0, L - shifts[i]!);
    const at = writeBigSize(W, 0, p.length);
    W.set(p, at);
    W.set(hmac, at + p.length);
    if (i === n - 1) {
      // The filler is not encrypted again under the last hop's key: the hops' shifts add it.
      const body = W.subarray(0, tail);
      chacha20XorInto(rhos[i]!, 0, body, body);
    } else chacha20XorInto(rhos[i]!, 0, W, W);
    const mu = deriveKey('mu', keys[i]!.sharedSecret);
    hmac.set(ad.length ? hmacSha256(mu, W, ad) : hmacSha256(mu, W));
  }
  const packet = new Uint8Array(PACKET_OVERHEAD + L);
  packet[0] = PACKET_VERSION;
  packet.set(keys[0]!.ephemeralKey, 1);
  packet.set(W, 34);
  packet.set(hmac, 34 + L);
  return packet;
}

export interface PeeledLayer {
  /** This hop's payload, without its length prefix. */
  readonly payload: Uint8Array;
  readonly nextHmac: Uint8Array;
  /** An all-zero next HMAC marks the last hop. */
  readonly isFinal: boolean;
  /** The packet to pass on (same size as the one received); absent at the last hop. */
  readonly nextPacket?: Uint8Array;
  /** The shifted packet, computed even at the last hop (lightningd reports it as `next_onion`). */
  readonly nextOnion: Uint8Array;
  /** ECDH(priv, E): the layer's shared secret. */
  readonly sharedSecret: Uint8Array;
}

/**
 * Splits a packet into its parts, checking version and size. The public key is only
 * shaped here: the ECDH that peels the layer parses it and refuses a point off the curve
 * (a DecodeError), so a separate validation would decompress every packet's fresh key twice.
 */
export function parseSphinxPacket(packet: Uint8Array): { publicKey: Uint8Array; payloads: Uint8Array; hmac: Uint8Array } {
  if (packet.length <= PACKET_OVERHEAD) throw new DecodeError('onion packet too short');
  const r = new Reader(packet);
  const version = r.u8();
  if (version !== PACKET_VERSION) throw new DecodeError(`onion packet: unknown version ${version}`);
  const publicKey = r.bytes(33).slice();
  if (publicKey[0] !== 2 && publicKey[0] !== 3) throw new DecodeError('invalid public key');
  const payloads = r.bytes(packet.length - PACKET_OVERHEAD);
  const hmac = r.bytes(HMAC_LEN);
  return { publicKey, payloads, hmac };
}

/** A peeled layer without the last hop's next_onion (what onion-message code reads). */
export type PeeledPayload = Omit<PeeledLayer, 'nextOnion'>;

/**
 * Peels one layer with `priv` (for a blinded hop, pass the blinded private key). The
 * payload area's size is whatever the packet's length implies. Every failure — bad
 * version, key, HMAC or framing — is a DecodeError.
 */
export function peelSphinxPacket(priv: PrivKey, packet: Uint8Array, associatedData: Uint8Array = EMPTY): PeeledLayer {
  return peel(priv, packet, associatedData, true) as PeeledLayer;
}

/**
 * peelSphinxPacket for a reader that never looks at the last hop's next_onion (onion
 * messages): the same checks and results, minus the copy of the area kept for it.
 */
export function peelSphinxPayload(priv: PrivKey, packet: Uint8Array, associatedData: Uint8Array = EMPTY): PeeledPayload {
  return peel(priv, packet, associatedData, false);
}

function peel(priv: PrivKey, packet: Uint8Array, associatedData: Uint8Array, finalNextOnion: boolean): PeeledPayload | PeeledLayer {
  const parsed = parseSphinxPacket(packet);
  const { payloads, hmac } = parsed;
  const L = payloads.length;
  // Only shaped so far: the ECDH parses it and throws unless it is a point.
  const publicKey = parsed.publicKey as PubKey;
  const ss = ecdh(priv, publicKey);
  const mu = deriveKey('mu', ss);
  const expected = associatedData.length ? hmacSha256(mu, payloads, associatedData) : hmacSha256(mu, payloads);
  if (!equalBytes(expected, hmac)) throw new DecodeError('onion packet: bad hmac');

  // Decrypted, the area reads bigsize(len) ‖ payload ‖ next hmac ‖ …: decrypt the length
  // first, then exactly the payload and the HMAC into their own fresh arrays.
  const rho = deriveKey('rho', ss);
  const pre = L >= PREFIX.length ? PREFIX : PREFIX.subarray(0, L);
  chacha20XorInto(rho, 0, payloads, pre);
  const { value: len, size } = decodeBigSize(pre);
  // BOLT 4 onion decryption: a payload shorter than 2 bytes is refused (CLN does too).
  if (len < 2n) throw new DecodeError('onion packet: payload length below 2');
  if (len > BigInt(L - size)) throw new DecodeError('onion packet: payload length exceeds packet');
  const end = size + Number(len);
  if (L - end < HMAC_LEN) throw new DecodeError('onion packet: no room for next hmac');
  const payload = new Uint8Array(end - size);
  chacha20XorInto(rho, size, payloads.subarray(size, end), payload);
  const shift = end + HMAC_LEN;
  const nextHmac = new Uint8Array(HMAC_LEN);
  chacha20XorInto(rho, end, payloads.subarray(end, shift), nextHmac);
  const isFinal = equalBytes(nextHmac, ZERO_HMAC);
  // The packet to pass on: the area shifted left by this frame with the keystream's
  // continuation past L as its tail, built straight in its own array. `rest` is the
  // still-encrypted remainder of the area (caller's bytes, read now or copied below).
  const shifted = (rest: Uint8Array): Uint8Array => {
    const next = new Uint8Array(PACKET_OVERHEAD + L);
    next[0] = PACKET_VERSION;
    // The next key is blinded from the packet key as received, not from any tweaked key.
    next.set(pointMul(publicKey, sha256(publicKey, ss)), 1);
    const area = next.subarray(34, 34 + L);
    area.set(rest); // then zeros: the encrypted tail the next hop gets is pure keystream
    chacha20XorInto(rho, shift, area, area);
    next.set(nextHmac, 34 + L);
    return next;
  };
  if (isFinal) {
    if (!finalNextOnion) return { payload, nextHmac, isFinal, sharedSecret: ss };
    // At the last hop only payment code reads next_onion: derive it (a point
    // multiplication and a pass of ChaCha20) on first use, not on every onion message a
    // node receives; the rest of the area is copied now, so later changes to `packet` do
    // not reach it.
    const rest = payloads.slice(shift);
    let memo: Uint8Array | undefined;
    return {
      payload,
      nextHmac,
      isFinal,
      get nextOnion() {
        return (memo ??= shifted(rest));
      },
      sharedSecret: ss,
    };
  }
  const nextOnion = shifted(payloads.subarray(shift));
  return { payload, nextHmac, isFinal, nextPacket: nextOnion, nextOnion, sharedSecret: ss };
}
