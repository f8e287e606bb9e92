import crypto from 'node:crypto';
import { chacha20 as nc } from '@noble/ciphers/chacha.js';
import { chachaXor } from './build/src/crypto/chacha-js.js';
function bench(name, f, n = 100000) { for (let i = 0; i < 10000; i++) f(); const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const cu = process.cpuUsage(c0); console.log(name.padEnd(30), ((cu.user + cu.system) / n).toFixed(3), 'µs cpu'); }
const key = new Uint8Array(crypto.randomBytes(32)); const iv = new Uint8Array(16);
for (const len of [64, 128, 207, 256, 512, 640, 768, 1300]) {
  const d = new Uint8Array(crypto.randomBytes(len));
  const a = nc(key, new Uint8Array(12), d); const b = new Uint8Array(len); chachaXor(key, undefined, 0, 0, d, b, len);
  if (Buffer.compare(a, b)) throw new Error('mismatch ' + len);
  bench(`openssl ${len}`, () => new Uint8Array(crypto.createCipheriv('chacha20', key, iv).update(d).buffer));
  bench(`js ${len}`, () => { const o = new Uint8Array(len); chachaXor(key, undefined, 0, 0, d, o, len); return o; });
}
