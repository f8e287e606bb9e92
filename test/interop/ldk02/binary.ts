// Where the ldk02 bridge binary is, and whether this machine can have one. `npm test`
// builds it first (scripts/ldk02-build.js); tests call `ldk02Binary()` and skip, loudly,
// only when cargo is absent.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
/** The crate, found from build/test/interop/ldk02 or test/interop/ldk02. */
export const CRATE_DIR = join(here, ...(here.includes(`${join('build', 'test')}`) ? ['..', '..', '..', '..'] : ['..', '..', '..']), 'test', 'interop', 'ldk02');
export const BIN = process.env.LDK02_BIN ?? join(CRATE_DIR, 'target', 'debug', 'ldk02-bridge');
const STATUS = join(CRATE_DIR, 'target', 'ldk02-build-status.json');

/** The binary's path, or a skip reason (cargo absent). A failed build is an error, not a skip. */
export function ldk02Binary(): { bin: string } | { skip: string } {
  let status: { cargo: boolean; ok: boolean; error?: string } | undefined;
  try {
    status = JSON.parse(readFileSync(STATUS, 'utf8'));
  } catch {
    status = undefined;
  }
  if (status && !status.cargo && !existsSync(BIN)) return { skip: 'cargo is not installed: the LDK 0.2.5 interop tests (test/interop/ldk02) did NOT run' };
  if (status && !status.ok) throw new Error(`the ldk02 bridge failed to build: ${status.error ?? 'see cargo output'}`);
  if (!existsSync(BIN)) throw new Error(`no ldk02 bridge at ${BIN}: run \`npm test\` (or node scripts/ldk02-build.js) to build it`);
  return { bin: BIN };
}
