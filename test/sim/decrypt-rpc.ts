// lightningd's `decryptencrypteddata encrypted_data path_key`: decrypts one blinded
// hop's encrypted_recipient_data with the node key (rho of ECDH(node key, path_key)),
// as lightningd/onion_message.c does. The result is the raw TLV; lightningd does not
// parse it.
import { fromHex, toHex } from '../../src/codec/bytes.js';
import { unblindHop } from '../../src/onion/blinding.js';
import type { PrivKey } from '../../src/crypto/secp.js';
import { SimRpcError } from './rpc-server.js';

export function decryptEncryptedData(priv: PrivKey, p: Record<string, unknown>): unknown {
  let enc: Uint8Array;
  let pathKey: Uint8Array;
  try {
    enc = fromHex(String(p.encrypted_data));
    pathKey = fromHex(String(p.path_key));
  } catch {
    throw new SimRpcError(-32602, 'invalid encrypted_data or path_key');
  }
  try {
    const hop = unblindHop(priv, pathKey, enc);
    return { decryptencrypteddata: { decrypted: toHex(hop.plaintext), next_path_key: toHex(hop.nextPathKey) } };
  } catch {
    throw new SimRpcError(-32602, 'Decryption failed!');
  }
}
