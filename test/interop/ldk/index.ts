// Adapters that let interop tests talk to LDK v0.1.2 (npm `lightningdevkit`,
// Rust compiled to WASM) in bytes. Start every test file with
// `await loadLdk()` at top level. See README.md for the API and the bindings' quirks.
export * from './load.js';
export * from './adapters.js';
export * from './onion.js';
export * from './peel.js';
export * from './bolt12.js';
export * from './nodes.js';
