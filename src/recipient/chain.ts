// The chain hash an offer names, from lightningd's network name. BOLT 12 writes
// chain hashes in the block hash's internal byte order (the reverse of how block
// explorers print it). LDK's OfferBuilder drops `offer_chains` when it would only
// name bitcoin mainnet (the implied chain), so on mainnet our offers carry none.
import { fromHex } from '../codec/bytes.js';
import { asChainHash, type ChainHash } from '../bolt12/values.js';

/** Genesis block hashes as printed (big-endian display order). */
const GENESIS_DISPLAY: Record<string, string> = {
  bitcoin: '000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f',
  testnet: '000000000933ea01ad0ee984209779baaec3ced90fa3f408719526f8d77f4943',
  testnet4: '00000000da84f2bafbbc53dee25a72ae507ff4914b867c565be350b0da8bf043',
  signet: '00000008819873e925422c1ff0f99f7cc9bbb232af63a077a480a3633bee1ef6',
  regtest: '0f9188f13cb7b2c71f2a335e3a4fc328bf5beb436012afca590b1a11466e2206',
};

export function chainHashOf(network: string): ChainHash {
  const display = GENESIS_DISPLAY[network];
  if (!display) throw new Error(`unsupported network "${network}" for async offers`);
  return asChainHash(fromHex(display).reverse());
}

/** What goes in `offer_chains`: nothing on mainnet (implied), else [our chain]. */
export function offerChainsFor(network: string): ChainHash[] | undefined {
  return network === 'bitcoin' ? undefined : [chainHashOf(network)];
}
