/**
 * The plugin's manifest: the body of the `getmanifest` answer. We keep it as
 * data (plugin-manifest.json) rather than building it from registrations so
 * the declared interface is reviewable in one place and answered verbatim;
 * the runtime only reads it to know what to expect and checks the handlers
 * against it.
 */
import { readFileSync } from 'node:fs';
import { ManifestError } from './errors.js';

export type OptionType = 'bool' | 'int' | 'string' | 'string-conceal' | 'flag';

export interface ManifestOption {
  name: string;
  type: OptionType;
  default?: unknown;
  description: string;
  multi?: boolean;
  dynamic?: boolean;
  deprecated?: unknown;
}

export interface ManifestMethod {
  name: string;
  usage: string;
  description?: string;
  long_description?: string;
  deprecated?: unknown;
}

export type ManifestHook = string | { name: string; before?: string[]; after?: string[] };

export interface Manifest {
  options?: ManifestOption[];
  rpcmethods?: ManifestMethod[];
  hooks?: ManifestHook[];
  subscriptions?: string[];
  notifications?: Array<{ method: string }>;
  featurebits?: Record<string, string>;
  dynamic?: boolean;
  nonnumericids?: boolean;
  [extra: string]: unknown;
}

const OPTION_TYPES: ReadonlySet<string> = new Set(['bool', 'int', 'string', 'string-conceal', 'flag']);

/** Reads and validates a manifest JSON file. */
export function loadManifest(path: string): Manifest {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (e) {
    throw new ManifestError(`cannot read manifest ${path}: ${(e as Error).message}`);
  }
  return validateManifest(value);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function arrayField(m: Record<string, unknown>, key: string): unknown[] {
  const v = m[key];
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new ManifestError(`manifest "${key}" must be an array`);
  return v;
}

/**
 * Checks the manifest against the rules lightningd applies in
 * plugin.c (plugin_opt_add, plugin_rpcmethod_add, hooks, notifications), so a
 * mistake fails our tests instead of getting the plugin killed at startup.
 */
export function validateManifest(value: unknown): Manifest {
  if (!isObject(value)) throw new ManifestError('manifest must be a JSON object');
  const seen = new Set<string>();
  for (const o of arrayField(value, 'options')) {
    if (!isObject(o) || typeof o.name !== 'string' || typeof o.type !== 'string' || typeof o.description !== 'string') {
      throw new ManifestError(`option needs string "name", "type" and "description": ${JSON.stringify(o)}`);
    }
    if (!/^[0-9a-z_-]+$/.test(o.name)) throw new ManifestError(`option name "${o.name}" must be lowercase alphanumeric, _ or -`);
    if (!OPTION_TYPES.has(o.type)) throw new ManifestError(`option "${o.name}": unsupported type "${o.type}"`);
    if (o.type === 'flag' && o.default !== undefined && o.default !== false && o.default !== 'false') {
      throw new ManifestError(`option "${o.name}": a flag's default must be false`);
    }
    if (o.multi === true && (o.type === 'flag' || o.type === 'bool')) throw new ManifestError(`option "${o.name}": ${o.type} cannot be multi`);
    if (o.default !== undefined && o.default !== null && o.type !== 'flag') {
      // lightningd parses the default exactly as a command-line value.
      try {
        coerceOption(o as unknown as ManifestOption, o.default);
      } catch (e) {
        throw new ManifestError(`option "${o.name}": invalid default: ${(e as Error).message}`);
      }
    }
    if (seen.has(o.name)) throw new ManifestError(`option "${o.name}" declared twice`);
    seen.add(o.name);
  }
  seen.clear();
  for (const m of arrayField(value, 'rpcmethods')) {
    if (!isObject(m) || typeof m.name !== 'string') throw new ManifestError(`rpcmethod needs a string "name": ${JSON.stringify(m)}`);
    if (typeof m.usage !== 'string') throw new ManifestError(`rpcmethod "${m.name}" needs a string "usage" (lightningd refuses it otherwise)`);
    if (seen.has(m.name)) throw new ManifestError(`rpcmethod "${m.name}" declared twice`);
    seen.add(m.name);
  }
  seen.clear();
  for (const h of arrayField(value, 'hooks')) {
    const name = typeof h === 'string' ? h : isObject(h) && typeof h.name === 'string' ? h.name : undefined;
    if (name === undefined) throw new ManifestError(`hook needs a name: ${JSON.stringify(h)}`);
    if (isObject(h)) {
      for (const k of ['before', 'after'] as const) {
        const list = h[k];
        if (list !== undefined && (!Array.isArray(list) || !list.every((x) => typeof x === 'string'))) {
          throw new ManifestError(`hook "${name}": "${k}" must be an array of plugin names`);
        }
      }
    }
    if (seen.has(name)) throw new ManifestError(`hook "${name}" declared twice`);
    seen.add(name);
  }
  for (const s of arrayField(value, 'subscriptions')) {
    if (typeof s !== 'string') throw new ManifestError(`subscription must be a topic string: ${JSON.stringify(s)}`);
  }
  for (const n of arrayField(value, 'notifications')) {
    if (!isObject(n) || typeof n.method !== 'string') throw new ManifestError(`notification needs a string "method": ${JSON.stringify(n)}`);
  }
  return value as Manifest;
}

export function hookName(h: ManifestHook): string {
  return typeof h === 'string' ? h : h.name;
}

/**
 * Parameter names from a method's `usage` ("recipient_id [expiry]"), in
 * order, so positional calls (`lightning-cli m a b`, params as an array) can
 * be handed to handlers as the same object a keyword call produces.
 */
export function usageNames(usage: string): string[] {
  return usage
    .split(/\s+/)
    .map((t) => t.replace(/^[[{<]+|[\]}>]+$/g, '').replace(/\.\.\.$/, ''))
    .filter((t) => t.length > 0);
}

/** Option values after init: declared types, defaults applied. */
export type OptionValue = boolean | number | string | number[] | string[];
export type OptionValues = Record<string, OptionValue | undefined>;

function coerceOne(opt: ManifestOption, raw: unknown): boolean | number | string {
  switch (opt.type) {
    case 'bool':
    case 'flag': {
      // lightningd sends JSON booleans today; older versions and hand-made
      // inits use strings. Accept the spellings lightningd's opt_canon_bool does.
      if (typeof raw === 'boolean') return raw;
      if (raw === null && opt.type === 'flag') return true;
      const s = String(raw).toLowerCase();
      if (s === 'true' || s === '1' || s === 'yes' || s === 'on') return true;
      if (s === 'false' || s === '0' || s === 'no' || s === 'off') return false;
      throw new Error(`expected a boolean, got ${JSON.stringify(raw)}`);
    }
    case 'int': {
      // lightningd sends ints as JSON numbers (json_add_primitive), but a
      // string of digits is what the command line had.
      const v = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\s*-?\d+\s*$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isSafeInteger(v)) throw new Error(`expected an integer, got ${JSON.stringify(raw)}`);
      return v;
    }
    case 'string':
    case 'string-conceal':
      if (typeof raw === 'string') return raw;
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      throw new Error(`expected a string, got ${JSON.stringify(raw)}`);
  }
}

/** Converts one option value to its declared type; throws a plain Error if it cannot. */
export function coerceOption(opt: ManifestOption, raw: unknown): OptionValue {
  if (opt.multi) {
    const list = Array.isArray(raw) ? raw : [raw];
    return list.map((x) => coerceOne(opt, x)) as number[] | string[];
  }
  if (Array.isArray(raw)) {
    // A non-multi option given twice: lightningd keeps the last one.
    if (raw.length === 0) throw new Error('empty value');
    return coerceOne(opt, raw[raw.length - 1]);
  }
  return coerceOne(opt, raw);
}

/**
 * Option values from init's `options`, typed per the manifest. Absent
 * options take their declared default (flags: false; multi: []); options
 * with neither stay undefined. Returns the problems instead of throwing so
 * init can report them all at once.
 */
export function parseOptions(declared: readonly ManifestOption[], raw: unknown): { values: OptionValues; errors: string[] } {
  const given = isObject(raw) ? raw : {};
  const values: OptionValues = {};
  const errors: string[] = [];
  for (const opt of declared) {
    const has = Object.prototype.hasOwnProperty.call(given, opt.name) && given[opt.name] !== undefined;
    const source = has ? given[opt.name] : opt.default;
    try {
      if (source === undefined || (source === null && opt.type !== 'flag')) {
        values[opt.name] = opt.type === 'flag' ? false : opt.multi ? [] : undefined;
      } else {
        values[opt.name] = coerceOption(opt, source);
      }
    } catch (e) {
      errors.push(`option ${opt.name}: ${(e as Error).message}`);
    }
  }
  return { values, errors };
}
