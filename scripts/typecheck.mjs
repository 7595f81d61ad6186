// Type-checks every project named in tsconfig.json's references (strict, no emit).
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const tsc = require.resolve('typescript/bin/tsc');
const solution = JSON.parse(readFileSync(new URL('../tsconfig.json', import.meta.url), 'utf8'));
let failed = 0;
for (const ref of solution.references) {
  const r = spawnSync(process.execPath, [tsc, '--noEmit', '-p', ref.path], { stdio: 'inherit' });
  if (r.status !== 0) { failed++; console.error(`typecheck failed: ${ref.path}`); }
}
process.exit(failed ? 1 : 0);
