/**
 * The text of one JSON-RPC request to lightningd.
 *
 * A served request sends two `injectonionmessage` calls whose params are kilobytes of
 * hex; JSON.stringify scans every character of them for ones to escape. Hex never
 * needs escaping, so bytes passed as a HexParam are written in place. That is correct
 * whatever the params hold: a HexParam's text is made here, by Node's hex encoder
 * (only 0-9a-f), and every other value still goes through JSON.stringify.
 */

/** Bytes as a JSON-RPC hex string parameter (serialises as that string everywhere). */
export class HexParam {
  readonly hex: string;
  constructor(bytes: Uint8Array) {
    this.hex = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
  }
  /** Any other serialiser (JSON.stringify of a structure holding it, a test's fake) sees the string. */
  toJSON(): string {
    return this.hex;
  }
}

/**
 * `JSON.stringify({ jsonrpc: '2.0', id, method, params[, filter] })`, byte for byte.
 * The fast writer takes flat object params whose values are HexParams, strings, finite
 * numbers or booleans (where JSON.stringify of the value alone equals its text inside
 * the object); anything else, or a filter, is serialised generically. Throws as
 * JSON.stringify does for what it cannot serialise.
 */
export function requestText(id: string, method: string, params: Record<string, unknown> | unknown[], filter: unknown): string {
  if (filter === undefined && !Array.isArray(params)) {
    const fast = flatParams(params);
    if (fast !== undefined) return `{"jsonrpc":"2.0","id":${JSON.stringify(id)},"method":${JSON.stringify(method)},"params":${fast}}`;
  }
  const req: Record<string, unknown> = { jsonrpc: '2.0', id, method, params };
  if (filter !== undefined) req.filter = filter;
  return JSON.stringify(req);
}

/** The params object's JSON when it holds at least one HexParam and only simple values; else undefined. */
function flatParams(params: Record<string, unknown>): string | undefined {
  if (Object.getPrototypeOf(params) !== Object.prototype) return undefined;
  let out = '{';
  let hex = false;
  for (const key of Object.keys(params)) {
    const v = params[key];
    let text: string;
    if (v instanceof HexParam) {
      text = `"${v.hex}"`;
      hex = true;
    } else if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) {
      text = JSON.stringify(v);
    } else {
      return undefined;
    }
    out += `${out.length > 1 ? ',' : ''}${JSON.stringify(key)}:${text}`;
  }
  return hex ? `${out}}` : undefined;
}
