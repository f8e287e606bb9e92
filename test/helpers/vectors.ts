import { readFileSync } from 'node:fs';

/** Loads a JSON vector file from test/vectors (works from the compiled build/test tree). */
export function loadVector<T = any>(name: string): T {
  const url = new URL(`../../../test/vectors/${name}`, import.meta.url);
  return JSON.parse(readFileSync(url, 'utf8')) as T;
}
