// A fake lightningd for the transport's topology: `listpeers` answers wait until the test
// releases them (so tests choose the order lightningd's answers arrive in), and reflect
// the peers connected when released, like a real call's; every other method answers at
// once with empty lists.
import assert from 'node:assert/strict';
import type { RpcLike } from '../../src/transport/secrets.js';

/** Bit 39 (onion messages, optional): byte 4 from the end holds bits 32–39. */
export const ONION_FEATURES = '8000000000';

export interface FakeListpeers {
  readonly rpc: RpcLike;
  /** Methods called, in order. */
  readonly calls: string[];
  /** Connected peers: node id hex → features hex. */
  readonly peers: Map<string, string>;
  /** Unanswered `listpeers` calls (`id` set for a one-peer lookup). */
  readonly waiting: Array<{ id?: string; release: () => void }>;
  /** Answers the first waiting call `pick` chooses (there must be one). */
  release(pick: (w: { id?: string }) => boolean): void;
  /** Answers every waiting call, oldest first. */
  releaseAll(): void;
}

export function fakeListpeers(): FakeListpeers {
  const peers = new Map<string, string>();
  const waiting: FakeListpeers['waiting'] = [];
  const calls: string[] = [];
  const rpc = {
    call: (method: string, params: Record<string, unknown> = {}) => {
      calls.push(method);
      if (method !== 'listpeers') return Promise.resolve({ channels: [], nodes: [] });
      const id = params.id as string | undefined;
      return new Promise((resolve) => {
        waiting.push({
          ...(id ? { id } : {}),
          release: () => resolve({ peers: [...peers].filter(([p]) => !id || p === id).map(([p, features]) => ({ id: p, connected: true, features })) }),
        });
      });
    },
  } as unknown as RpcLike;
  return {
    rpc,
    calls,
    peers,
    waiting,
    release(pick) {
      const i = waiting.findIndex(pick);
      assert.ok(i >= 0, 'an answer to release');
      waiting.splice(i, 1)[0]!.release();
    },
    releaseAll() {
      while (waiting.length) waiting.shift()!.release();
    },
  };
}
