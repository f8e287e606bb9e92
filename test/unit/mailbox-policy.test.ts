// The mailbox's admission rule (src/mailbox/policy.ts), the option parsing and the
// next-hop checks: pure functions, every branch.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { admit, type Held } from '../../src/mailbox/policy.js';
import { parseMailboxOptions, MAILBOX_DEFAULTS } from '../../src/mailbox/options.js';
import { parseStranded, resolveNextPeer } from '../../src/mailbox/next-hop.js';
import { parseLimitOptions, RecipientLimits } from '../../src/server/limits.js';

let seq = 0;
const h = (peer: string, source: string, bytes = 100): Held => ({ key: `${peer}:${seq}`, peer, source, bytes, receivedAt: 0, seq: seq++, hash: `h${seq}` });
const boxes = (hs: Held[]) => {
  const m = new Map<string, Held[]>();
  for (const x of hs) m.set(x.peer, [...(m.get(x.peer) ?? []), x]);
  return m;
};

test('admit: duplicates, room, per-peer fair share, total fair share', () => {
  const b = [h('P', 'A'), h('P', 'A'), h('P', 'B')];
  const m = boxes(b);
  assert.deepEqual(admit(m, { peer: 'P', source: 'C', bytes: 100, hash: b[0]!.hash }, { maxPerPeer: 3, maxBytes: 1e6 }), { ok: false, reason: 'duplicate' });
  assert.deepEqual(admit(m, { peer: 'P', source: 'C', bytes: 100, hash: 'new' }, { maxPerPeer: 4, maxBytes: 1e6 }), { ok: true, evict: [] });
  // Full: C (0 held) takes A's (largest holder's) oldest; A itself is refused; B (1 < 2) takes A's oldest too.
  assert.deepEqual(admit(m, { peer: 'P', source: 'C', bytes: 100, hash: 'n' }, { maxPerPeer: 3, maxBytes: 1e6 }), { ok: true, evict: [b[0]] });
  assert.deepEqual(admit(m, { peer: 'P', source: 'A', bytes: 100, hash: 'n' }, { maxPerPeer: 3, maxBytes: 1e6 }), { ok: false, reason: 'peer_full' });
  assert.deepEqual(admit(m, { peer: 'P', source: 'B', bytes: 100, hash: 'n' }, { maxPerPeer: 3, maxBytes: 1e6 }), { ok: true, evict: [b[0]] });
  // Balanced (B would then hold more than A): refused.
  const even = boxes([h('P', 'A'), h('P', 'B')]);
  assert.deepEqual(admit(even, { peer: 'P', source: 'B', bytes: 100, hash: 'n' }, { maxPerPeer: 2, maxBytes: 1e6 }), { ok: false, reason: 'peer_full' });
  // Total bytes across peers: the largest holder by bytes loses its globally oldest, possibly several.
  const t = [h('Q', 'A', 300), h('P', 'A', 300), h('P', 'B', 100)];
  const tm = boxes(t);
  assert.deepEqual(admit(tm, { peer: 'P', source: 'B', bytes: 100, hash: 'n' }, { maxPerPeer: 10, maxBytes: 700 }), { ok: true, evict: [t[0]] });
  // The newcomer may never end up holding more than the holder it displaces.
  assert.deepEqual(admit(tm, { peer: 'R', source: 'C', bytes: 500, hash: 'n' }, { maxPerPeer: 10, maxBytes: 700 }), { ok: false, reason: 'mailbox_full' });
  const t3 = [h('Q', 'A', 200), h('P', 'A', 200), h('P', 'A', 200), h('P', 'B', 100)];
  assert.deepEqual(admit(boxes(t3), { peer: 'R', source: 'C', bytes: 300, hash: 'n' }, { maxPerPeer: 10, maxBytes: 700 }), { ok: true, evict: [t3[0], t3[1]] });
  assert.deepEqual(admit(tm, { peer: 'P', source: 'A', bytes: 100, hash: 'n' }, { maxPerPeer: 10, maxBytes: 700 }), { ok: false, reason: 'mailbox_full' });
  assert.deepEqual(admit(tm, { peer: 'P', source: 'B', bytes: 600, hash: 'n' }, { maxPerPeer: 10, maxBytes: 700 }), { ok: false, reason: 'mailbox_full' });
});

test('mailbox options: defaults, bounds, disable flag', () => {
  assert.deepEqual(parseMailboxOptions({}), MAILBOX_DEFAULTS);
  assert.equal((parseMailboxOptions({ 'asyncpay-mailbox-disable': true }) as { enabled: boolean }).enabled, false);
  assert.match(String(parseMailboxOptions({ 'asyncpay-mailbox-max-per-peer': 0 })), /max-per-peer/);
  assert.match(String(parseMailboxOptions({ 'asyncpay-mailbox-max-bytes': 1000 })), /max-bytes/);
  assert.match(String(parseMailboxOptions({ 'asyncpay-mailbox-ttl': 'x' })), /ttl/);
  assert.match(String(parseLimitOptions({ 'asyncpay-server-rate-burst': 0 })), /burst/);
  assert.match(String(parseLimitOptions({ 'asyncpay-server-rate-per-minute': -1 })), /per-minute/);
  assert.match(String(parseLimitOptions({ 'asyncpay-server-max-recipient-bytes': 1.5 })), /recipient-bytes/);
});

test('stranded packets: field checks and next-hop resolution like connectd (scid or our alias, open channels only)', () => {
  const id = (c: string) => '02' + c.repeat(64);
  const base = { source: id('a'), path_key: id('b'), incoming: '00'.repeat(1366) };
  assert.deepEqual(parseStranded({ ...base, next_node_id: id('c') }), { source: id('a'), pathKey: id('b'), incoming: base.incoming, next: { nodeId: id('c') } });
  assert.deepEqual((parseStranded({ ...base, next_short_channel_id_dir: '0001x2x3/1' }) as { next: unknown }).next, { scid: '1x2x3' });
  assert.equal(parseStranded(base), 'no next hop');
  assert.equal(parseStranded({ ...base, source: id('A') }), 'bad source');
  assert.equal(parseStranded({ ...base, next_short_channel_id_dir: '1x2x3' }), 'bad next_short_channel_id_dir');
  assert.equal(parseStranded({ ...base, next_short_channel_id_dir: '1x2x70000/0' }), 'bad next_short_channel_id_dir');
  const chans = [
    { peer_id: id('c'), peer_connected: false, state: 'CHANNELD_NORMAL', short_channel_id: '1x1x1', alias: { local: '9x9x9', remote: '8x8x8' } },
    { peer_id: id('d'), peer_connected: false, state: 'ONCHAIN', short_channel_id: '2x2x2' },
    { peer_id: id('e'), peer_connected: true, state: 'CHANNELD_NORMAL', short_channel_id: '3x3x3' },
  ];
  assert.deepEqual(resolveNextPeer(chans, { scid: '9x9x9' }), { peer: id('c'), connected: false });
  assert.deepEqual(resolveNextPeer(chans, { scid: '1x1x1' }), { peer: id('c'), connected: false });
  assert.equal(resolveNextPeer(chans, { scid: '8x8x8' }), undefined, "the peer's alias is not ours");
  assert.equal(resolveNextPeer(chans, { nodeId: id('d') }), undefined, 'closed channel');
  assert.deepEqual(resolveNextPeer(chans, { nodeId: id('e') }), { peer: id('e'), connected: true });
});

test('recipient limits: a bucket per recipient and kind, refilled per minute; 0 disables; byte cap ignores the replaced slot', () => {
  const l = new RecipientLimits({ burst: 2, perMinute: 6, maxRecipientBytes: 1000 });
  assert.deepEqual([l.allow('a', 'offer_paths_request', 0), l.allow('a', 'offer_paths_request', 0), l.allow('a', 'offer_paths_request', 0)], [true, true, false]);
  assert.equal(l.allow('a', 'serve_static_invoice', 0), true, 'separate kind');
  assert.equal(l.allow('b', 'offer_paths_request', 0), true, 'separate recipient');
  assert.equal(l.allow('a', 'offer_paths_request', 9), false);
  assert.equal(l.allow('a', 'offer_paths_request', 10), true, 'one token per 10 s');
  const off = new RecipientLimits({ burst: 1, perMinute: 0, maxRecipientBytes: 1000 });
  for (let i = 0; i < 10; i++) assert.equal(off.allow('a', 'offer_paths_request', 0), true);
  const stored = [{ invoice_slot: 0, bytes: 600 }, { invoice_slot: 1, bytes: 300 }];
  assert.equal(l.storageOver(stored, 0, 700), undefined);
  assert.match(String(l.storageOver(stored, 2, 200)), /1100 bytes/);
});
