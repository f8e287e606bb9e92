// Bench cases run once per secp256k1 backend available here (native when the addon
// loads, WASM always), each case switching to its backend for the time of one run.
import { secpBackend, useSecpBackend } from '../../src/crypto/secp.js';
import { chooseBackend, type SecpBackendName } from '../../src/crypto/secp-backend.js';

export interface Case {
  name: string;
  run: () => void;
}

export function perBackend(make: (backend: SecpBackendName, on: (f: () => void) => () => void) => Case[]): Case[] {
  const available: SecpBackendName[] = chooseBackend({}).backend.name === 'native' ? ['native', 'tiny'] : ['tiny'];
  return available.flatMap((b) =>
    make(b, (f) => () => {
      const was = secpBackend().name;
      useSecpBackend(b);
      try {
        f();
      } finally {
        useSecpBackend(was);
      }
    }),
  );
}
