// Child process for the crash test: writes numbered atomic batches forever until killed.
import { Store } from '../../src/store/store.js';
import { crashCodec } from './store-crash-codec.js';

const dir = process.argv[2]!;
const store = await Store.open(dir);
store.useCodec('c', crashCodec);
process.stdout.write('ready\n');
for (let i = 0; ; i++) {
  // Each batch writes the same generation number under three keys in two spaces.
  await store.batch([
    { type: 'put', space: 'a', key: 'x', value: i },
    { type: 'put', space: 'a', key: 'y', value: { gen: i, pad: 'p'.repeat(i % 500) } },
    { type: 'put', space: 'b', key: 'z', value: [i, i] },
    // A space with its own value codec (hex stored as bytes) commits in the same batch.
    { type: 'put', space: 'c', key: 'w', value: { gen: i, h: i.toString(16).padStart(8, '0').repeat(1 + (i % 300)) } },
  ]);
}
