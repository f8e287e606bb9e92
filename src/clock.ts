// Unix seconds. ASYNCPAY_DEV_TIME_OFFSET shifts the plugin's clock for tests that
// need time to pass (refresh and expiry), like lightningd's dev options; never set
// it on a real node.
export function makeClock(env: NodeJS.ProcessEnv = process.env): () => number {
  const offset = Number(env.ASYNCPAY_DEV_TIME_OFFSET ?? 0);
  const off = Number.isFinite(offset) ? Math.trunc(offset) : 0;
  return () => Math.floor(Date.now() / 1000) + off;
}
