// A bare plugin written straight against the JSON-RPC protocol (no project runtime):
// it registers the onion hooks and the forward-fail notification and logs every
// payload it receives as JSON, so simulator tests can inspect exactly what the
// simulated lightningd sends. Like the probe used to capture cln-samples.json.
let buf = '';
const out = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n\n');
const log = (message: string) => out({ jsonrpc: '2.0', method: 'log', params: { level: 'info', message } });
process.stdin.on('data', (chunk: Buffer) => {
  buf += chunk.toString('utf8');
  let i;
  while ((i = buf.indexOf('\n\n')) >= 0) {
    const line = buf.slice(0, i);
    buf = buf.slice(i + 2);
    if (!line.trim()) continue;
    const m = JSON.parse(line);
    if (m.method === 'getmanifest') {
      out({
        jsonrpc: '2.0',
        id: m.id,
        result: {
          options: [],
          rpcmethods: [],
          hooks: process.env.PROBE_AFTER_OFFERS
            ? ['onion_message_recv', 'onion_message_recv_secret']
            : [{ name: 'onion_message_recv', before: ['offers'] }, { name: 'onion_message_recv_secret', before: ['offers'] }],
          subscriptions: ['onionmessage_forward_fail', 'connect', 'disconnect'],
          dynamic: true,
          nonnumericids: true,
        },
      });
    } else if (m.method === 'init') {
      log(`PROBE init ${JSON.stringify(m.params)}`);
      out({ jsonrpc: '2.0', id: m.id, result: {} });
    } else if (m.method === 'onion_message_recv' || m.method === 'onion_message_recv_secret') {
      log(`PROBE hook ${m.method} ${JSON.stringify(m.params)}`);
      if (process.env.PROBE_HANG) continue; // never answers: lightningd would wait forever
      if (process.env.PROBE_ERROR) out({ jsonrpc: '2.0', id: m.id, error: { code: -1, message: 'boom' } });
      else out({ jsonrpc: '2.0', id: m.id, result: { result: process.env.PROBE_ANSWER ?? 'continue' } });
    } else if (!('id' in m)) {
      log(`PROBE notification ${m.method} ${JSON.stringify(m.params)}`);
    }
  }
});
process.stdin.on('end', () => process.exit(0));
