// The value codec of the crash test's codec space, shared by the writer and the test.
import { hexFieldsCodec } from '../../src/store/hex-fields-codec.js';

export const crashCodec = hexFieldsCodec<{ gen: number; h: string }>('crash-test', ['h']);
