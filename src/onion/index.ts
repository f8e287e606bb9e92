// Public API of the onion layer: blinded paths, route blinding, Sphinx and onion messages.
export * from './types.js';
export * from './encrypted_data.js';
export * from './blinded_path.js';
export * from './blinding.js';
export * from './sphinx.js';
export * from './onionmsg_tlv.js';
export * from './onion_message.js';
export * from './self_hop.js';
export * from './first_hop_sessions.js';
export * from './hop_secrets.js';
export * from './hop_payload.js';
export * from './payment_onion.js';
export * from './failure.js';
