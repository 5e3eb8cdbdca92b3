#!/usr/bin/env node
// The kubelet image credential provider (src/cli/credential-provider.ts, built into dist/ by npm ci).
// The kubelet runs it as <bin-dir>/purser-credential-provider: npm's bin link has that name.
import { main } from '../dist/cli/credential-provider.js';

main().then((code) => {
  process.exitCode = code;
});
