export * from './hash.js';
export * from './chacha.js';
export * from './secp.js';
