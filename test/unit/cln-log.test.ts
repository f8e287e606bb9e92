import { test } from 'node:test';
import assert from 'node:assert/strict';
import { logNotifications } from '../../src/cln/log.js';

const lines = (message: string) => logNotifications('debug', message).map((n) => n.params.message);

test('log: a one-line message is one notification, unchanged', () => {
  assert.deepEqual(logNotifications('info', 'served static invoice of alice slot 0'), [
    { jsonrpc: '2.0', method: 'log', params: { level: 'info', message: 'served static invoice of alice slot 0' } },
  ]);
  assert.deepEqual(lines(''), ['']);
  assert.deepEqual(lines('tab\tand "quotes" and é'), ['tab\tand "quotes" and é']);
});

test('log: lines split on \\n, \\r\\n and a lone \\r; one trailing newline adds no empty entry', () => {
  assert.deepEqual(lines('a\nb'), ['a', 'b']);
  assert.deepEqual(lines('a\r\nb\rc'), ['a', 'b', 'c']);
  assert.deepEqual(lines('hello there\n'), ['hello there']);
  assert.deepEqual(lines('a\n\nb\n'), ['a', '', 'b']);
  assert.deepEqual(lines('\r'), ['']);
  assert.deepEqual(lines('\n'), ['']);
  for (const n of logNotifications('broken', 'x\ny')) assert.equal(n.params.level, 'broken');
});
