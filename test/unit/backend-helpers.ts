// Runs an elliptic-curve test once per secp256k1 backend, as its own test: WASM always,
// native where the addon loads (linux-x64, darwin-arm64, win32-x64), skipped and said so
// elsewhere. The backend the process started with is restored after each run.
import { test } from 'node:test';
import { secpBackend, useSecpBackend } from '../../src/crypto/secp.js';
import { chooseBackend, type SecpBackendName } from '../../src/crypto/secp-backend.js';

export const startBackend = secpBackend().name;
export const nativeChoice = chooseBackend({});
const BACKENDS: SecpBackendName[] = ['tiny', 'native'];

export function ecTest(name: string, f: () => void): void {
  for (const b of BACKENDS) {
    const skip = b === 'native' && nativeChoice.backend.name !== 'native' ? `native backend unavailable: ${nativeChoice.reason}` : false;
    test(`[${b}] ${name}`, { skip }, () => {
      useSecpBackend(b);
      try {
        f();
      } finally {
        useSecpBackend(startBackend);
      }
    });
  }
}
