#!/usr/bin/env node
// The Docker credential helper (compiled by `npm run build`). Kept to one import for speed:
// it runs on every pull.
import { processIo, runHelper } from '../dist/cli/credential-helper.js';

runHelper(processIo()).then((code) => {
  process.exitCode = code;
});
