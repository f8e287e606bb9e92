import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { fromHex } from '../../src/codec/bytes.js';
import { decodeBlindedPath } from '../../src/onion/blinded_path.js';
import { encodeMessage, decodeMessage } from '../../src/messages/index.js';
import { SimNetwork } from '../sim/network.js';

const net = new SimNetwork();
after(() => net.close());

test('smoke: recipient paths → offer_paths_request → offer_paths', async () => {
  const s = await net.addClnNode('server');
  const r = net.addExternalNode('ldk-recipient');
  net.addChannel(r, s, { scid: '100x1x0' });
  const res = await s.cli('asyncrecipient-paths', { recipient_id: 'alice' });
  const path = decodeBlindedPath(fromHex(res.paths[0]));
  const reply = r.makePath({ via: [s] });
  const m = encodeMessage({ kind: 'offer_paths_request', invoiceSlot: 0 });
  assert.ok(r.send(path, [m], { replyPath: reply.path }).ok);
  const got = await r.waitForType(75542n, reply.pathId);
  const op = decodeMessage(75542n, got.records[0]!.value);
  assert.equal(op.kind, 'offer_paths');
  if (op.kind !== 'offer_paths') return;
  assert.ok(op.paths.length > 0);
  assert.ok(s.plugin!.logs.some((l) => /received offer_paths_request on recipient path/.test(l.message)));
});
