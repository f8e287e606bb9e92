import crypto from 'node:crypto';
import { poly1305 } from '@noble/ciphers/_poly1305.js';
function bench(name, f, n = 100000) { for (let i = 0; i < 10000; i++) f(); const c0 = process.cpuUsage(); for (let i = 0; i < n; i++) f(); const cu = process.cpuUsage(c0); console.log(name.padEnd(30), ((cu.user + cu.system) / n).toFixed(3), 'µs cpu'); }
const key = new Uint8Array(crypto.randomBytes(32));
for (const len of [64, 112, 128]) { const m = new Uint8Array(crypto.randomBytes(len)); bench('noble poly1305 ' + len, () => poly1305(m, key)); }
const n12 = new Uint8Array(12), d = new Uint8Array(50);
bench('openssl aead enc 50', () => { const c = crypto.createCipheriv('chacha20-poly1305', key, n12, { authTagLength: 16 }); const b = c.update(d); c.final(); return [b, c.getAuthTag()]; });
