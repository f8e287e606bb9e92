// Onion message contents: offers (64, 66, 68, 70) and async payments (72, 74, 7554x).
export * from './types.js';
export * from './codec.js';
export { readFramedStream, writeFramedStream } from './framing.js';
