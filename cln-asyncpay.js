#!/usr/bin/env node
// The plugin entry lightningd (and reckless) start: `lightningd --plugin=<dir>/cln-asyncpay.js`.
// `npm install` compiles src/ into build/ (the `prepare` script), so this file works
// after `npm install --omit=dev`, which is what reckless runs for Node.js plugins.
import './build/src/asyncpay.js';
