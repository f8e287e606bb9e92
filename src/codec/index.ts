export * from './errors.js';
export * from './bytes.js';
export * from './bigsize.js';
export * from './reader.js';
export * from './tu.js';
export * from './tlv.js';
