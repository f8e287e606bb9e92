// BOLT 4 Sphinx: building an onion packet for a list of hop keys, and peeling one layer.
// The same code serves payment onions (1300-byte payloads, associated data = payment
// hash) and onion messages (1300 or 32768 bytes, no associated data).
import { encodeBigSize } from '../codec/bigsize.js';
import { concatBytes, equalBytes } from '../codec/bytes.js';
import { DecodeError } from '../codec/errors.js';
import { Reader } from '../codec/reader.js';
import { chacha20Stream, chacha20StreamAt, chacha20Xor } from '../crypto/chacha.js';
import { deriveKey, hmacSha256, sha256 } from '../crypto/hash.js';
import { asPubKey, ecdh, ecdhOnce, pointMul, privMul, pubFromPriv, randomPrivKey, type PrivKey, type PubKey } from '../crypto/secp.js';

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
  return encodeBigSize(payload.length).length + payload.length + HMAC_LEN;
}

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

function xorInto(dst: Uint8Array, src: Uint8Array): void {
  for (let i = 0; i < dst.length; i++) dst[i]! ^= src[i]!;
}

/**
 * Builds `version ‖ E_0 ‖ payloads ‖ hmac`. The initial fill is ChaCha20 under
 * HMAC("pad", session_key), as CLN and the reference code do, so the vectors match.
 * A payload set that does not fit is a RangeError.
 */
export function buildSphinxPacket(args: BuildPacketArgs): Uint8Array {
  const { hopPubkeys, payloads } = args;
  const L = args.payloadSize ?? SMALL_PAYLOAD_SIZE;
  const ad = args.associatedData ?? EMPTY;
  const sessionKey = args.sessionKey ?? randomPrivKey();
  const n = hopPubkeys.length;
  if (n === 0 || payloads.length !== n) throw new RangeError('sphinx: need one payload per hop, at least one hop');
  if (!Number.isInteger(L) || L <= 0) throw new RangeError('sphinx: bad payload size');
  const frames = payloads.map((p) => concatBytes(encodeBigSize(p.length), p));
  const shifts = frames.map((f) => f.length + HMAC_LEN);
  const total = shifts.reduce((a, b) => a + b, 0);
  if (total > L) throw new RangeError(`sphinx: payloads need ${total} bytes, only ${L} available`);

  if (args.firstHop && !args.sessionKey) throw new RangeError('sphinx: firstHop needs its sessionKey');
  const keys = sphinxKeySchedule(hopPubkeys, sessionKey, args.firstHop);
  const rhos = keys.map((k) => deriveKey('rho', k.sharedSecret));
  const mus = keys.map((k) => deriveKey('mu', k.sharedSecret));

  // The filler is what the hops' own left shifts will have appended by the time the
  // last hop reads the packet; the sender must precompute it for the HMACs to match.
  // Only the keystream's tail [L - f, L + shift) is needed: start the cipher there.
  let filler = new Uint8Array(0);
  for (let i = 0; i < n - 1; i++) {
    const f = filler.length;
    const grown = new Uint8Array(f + shifts[i]!);
    grown.set(filler);
    xorInto(grown, chacha20StreamAt(rhos[i]!, L - f, f + shifts[i]!));
    filler = grown;
  }

  let mix = chacha20Stream(deriveKey('pad', sessionKey), L);
  let nextHmac: Uint8Array = ZERO_HMAC;
  for (let i = n - 1; i >= 0; i--) {
    const shifted = new Uint8Array(L);
    shifted.set(frames[i]!, 0);
    shifted.set(nextHmac, frames[i]!.length);
    shifted.set(mix.subarray(0, L - shifts[i]!), shifts[i]!);
    mix = chacha20Xor(rhos[i]!, shifted);
    if (i === n - 1) mix.set(filler, L - filler.length);
    nextHmac = ad.length ? hmacSha256(mus[i]!, mix, ad) : hmacSha256(mus[i]!, mix);
  }
  return concatBytes(new Uint8Array([PACKET_VERSION]), keys[0]!.ephemeralKey, mix, nextHmac);
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

/** Splits a packet into its parts, validating version, size and public key. */
export function parseSphinxPacket(packet: Uint8Array): { publicKey: PubKey; payloads: Uint8Array; hmac: Uint8Array } {
  if (packet.length <= PACKET_OVERHEAD) throw new DecodeError('onion packet too short');
  const r = new Reader(packet);
  const version = r.u8();
  if (version !== PACKET_VERSION) throw new DecodeError(`onion packet: unknown version ${version}`);
  const publicKey = asPubKey(r.bytes(33).slice());
  const payloads = r.bytes(packet.length - PACKET_OVERHEAD);
  const hmac = r.bytes(HMAC_LEN);
  return { publicKey, payloads, hmac };
}

/**
 * Peels one layer with `priv` (for a blinded hop, pass the blinded private key). The
 * payload area's size is whatever the packet's length implies. Every failure — bad
 * version, key, HMAC or framing — is a DecodeError.
 */
export function peelSphinxPacket(priv: PrivKey, packet: Uint8Array, associatedData: Uint8Array = EMPTY): PeeledLayer {
  const { publicKey, payloads, hmac } = parseSphinxPacket(packet);
  const L = payloads.length;
  const ss = ecdh(priv, publicKey);
  const mu = deriveKey('mu', ss);
  const expected = associatedData.length ? hmacSha256(mu, payloads, associatedData) : hmacSha256(mu, payloads);
  if (!equalBytes(expected, hmac)) throw new DecodeError('onion packet: bad hmac');

  // Decrypt payloads ‖ L zero bytes; the zeros become the encrypted tail the next hop gets.
  const plain = new Uint8Array(2 * L);
  plain.set(payloads);
  const buf = chacha20Xor(deriveKey('rho', ss), plain);
  const r = new Reader(buf.subarray(0, L));
  const len = r.bigSize();
  // BOLT 4 onion decryption: a payload shorter than 2 bytes is refused (CLN does too).
  if (len < 2n) throw new DecodeError('onion packet: payload length below 2');
  if (len > BigInt(r.remaining)) throw new DecodeError('onion packet: payload length exceeds packet');
  const payload = r.bytes(Number(len)).slice();
  if (r.remaining < HMAC_LEN) throw new DecodeError('onion packet: no room for next hmac');
  const nextHmac = r.bytes(HMAC_LEN).slice();
  const isFinal = equalBytes(nextHmac, ZERO_HMAC);
  const shift = r.offset;
  // The next key is blinded from the packet key as received, not from any tweaked key.
  const shifted = () => concatBytes(new Uint8Array([PACKET_VERSION]), pointMul(publicKey, sha256(publicKey, ss)), buf.subarray(shift, shift + L), nextHmac);
  if (isFinal) {
    // At the last hop only payment code reads next_onion: derive it (a point
    // multiplication) on first use, not on every onion message a node receives.
    let memo: Uint8Array | undefined;
    return {
      payload,
      nextHmac,
      isFinal,
      get nextOnion() {
        return (memo ??= shifted());
      },
      sharedSecret: ss,
    };
  }
  const nextOnion = shifted();
  return { payload, nextHmac, isFinal, nextPacket: nextOnion, nextOnion, sharedSecret: ss };
}
