// Loads LDK v0.1.2 (Rust compiled to WASM, npm `lightningdevkit`) once per process.
//
// The package's `initializeWasmFromBinary(bytes)` instantiates the bundled
// `liblightningjs.wasm`; every other binding throws "initializeWasm() must be
// awaited first!" until it has run. The package has no `exports` map, so the
// .wasm file is found next to its `main` with createRequire.
import * as ldk from 'lightningdevkit';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';

export { ldk };
export type Ldk = typeof ldk;

let loading: Promise<Ldk> | undefined;
let loaded = false;

/** Absolute path of the bundled WASM binary. */
export function ldkWasmPath(): string {
  return createRequire(import.meta.url).resolve('lightningdevkit/liblightningjs.wasm');
}

/**
 * Initializes the WASM module (idempotent; concurrent callers share one load).
 * The bindings print a "Loaded LDK-Java Bindings ..." banner with console.log
 * during initialization; it is swallowed so test output stays clean.
 */
export function loadLdk(): Promise<Ldk> {
  loading ??= (async () => {
    const bytes = new Uint8Array(await readFile(ldkWasmPath()));
    const log = console.log;
    console.log = () => {};
    try {
      await ldk.initializeWasmFromBinary(bytes);
    } finally {
      console.log = log;
    }
    loaded = true;
    return ldk;
  })();
  return loading;
}

/** Throws unless loadLdk() has completed: call it in a `before` hook. */
export function assertLdkLoaded(): void {
  if (!loaded) throw new Error('LDK WASM not loaded: await loadLdk() first');
}
