// BOLT 12 objects: strings, field tables, typed decode/encode, merkle signatures,
// validation and builders. Pure: no I/O, no clock.
export * from './bech32.js';
export * from './fields.js';
export * from './features.js';
export * from './values.js';
export * from './tables.js';
export type { Parsed } from './stream.js';
export * from './merkle.js';
export * from './sign.js';
export * from './offer-id.js';
export * from './node-id.js';
export * from './offer.js';
export * from './invoice-request.js';
export * from './invoice.js';
export * from './static-invoice.js';
export * from './expiry.js';
export * from './validate.js';
export * from './build.js';
