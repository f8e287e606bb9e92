// A bare htlc_accepted plugin for payment tests (no project runtime, JSON-RPC by hand):
// registers the hook before `keysend` (after it with PAYPLUG_AFTER_KEYSEND=1), answers
// `continue` at once for forwards and holds every other call until the test answers it
// with `lightning-cli payplug-answer key=… answer={…}`. `payplug-held` lists held calls,
// `payplug-notes` the notifications received (invoice_payment, block_added, …).
let buf = '';
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n\n');
const log = (message: string) => out({ jsonrpc: '2.0', method: 'log', params: { level: 'info', message } });
const held = new Map<string, { id: unknown; params: any }>();
const notes: Array<{ method: string; params: unknown }> = [];
let seq = 0;

function handle(m: any): void {
  if (m.method === 'getmanifest') {
    out({
      jsonrpc: '2.0',
      id: m.id,
      result: {
        options: [],
        rpcmethods: [
          { name: 'payplug-held', usage: '', description: 'held htlc_accepted calls' },
          { name: 'payplug-answer', usage: 'key answer', description: 'answer a held call' },
          { name: 'payplug-notes', usage: '', description: 'notifications received' },
        ],
        hooks: [process.env.PAYPLUG_AFTER_KEYSEND ? 'htlc_accepted' : { name: 'htlc_accepted', before: ['keysend'] }],
        subscriptions: ['invoice_payment', 'block_added', 'coin_movement'],
        dynamic: true,
        nonnumericids: true,
      },
    });
  } else if (m.method === 'init') {
    out({ jsonrpc: '2.0', id: m.id, result: {} });
  } else if (m.method === 'htlc_accepted') {
    const forward = m.params?.onion?.short_channel_id !== undefined || m.params?.onion?.next_node_id !== undefined;
    if (forward && !process.env.PAYPLUG_HOLD_FORWARDS) {
      out({ jsonrpc: '2.0', id: m.id, result: { result: 'continue' } });
      return;
    }
    const key = `h${++seq}`;
    held.set(key, { id: m.id, params: m.params });
    log(`PAYPLUG held ${key} ${m.params?.htlc?.payment_hash}`);
  } else if (m.method === 'payplug-held') {
    out({ jsonrpc: '2.0', id: m.id, result: { held: [...held.entries()].map(([key, h]) => ({ key, params: h.params })) } });
  } else if (m.method === 'payplug-answer') {
    const h = held.get(m.params?.key);
    if (!h) {
      out({ jsonrpc: '2.0', id: m.id, error: { code: -1, message: 'no such held call' } });
      return;
    }
    held.delete(m.params.key);
    out({ jsonrpc: '2.0', id: h.id, result: m.params.answer });
    out({ jsonrpc: '2.0', id: m.id, result: {} });
  } else if (m.method === 'payplug-notes') {
    out({ jsonrpc: '2.0', id: m.id, result: { notes } });
  } else if (!('id' in m)) {
    notes.push({ method: m.method, params: m.params });
  }
}

process.stdin.on('data', (chunk: Buffer) => {
  buf += chunk.toString('utf8');
  let i;
  while ((i = buf.indexOf('\n\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 2);
    if (line.trim()) handle(JSON.parse(line));
  }
});
process.stdin.on('end', () => process.exit(0));
