#!/usr/bin/env node
// The `siptrail` executable: runs the CLI bundle (cli-main.js) from the V8 code cache the build made of it
// (cli-main.cache), so a run does not compile the ~600 KB bundle's functions again — ~30 ms of every run, a sixth of
// a small trace's. V8 rejects a cache made by another Node version or for other source, and then compiles as usual.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { join } from 'node:path';
import { Script } from 'node:vm';
import { setFlagsFromString } from 'node:v8';

// No inlining in TurboFan. On the 2-core bench VM the optimising compiler runs on the one core the CLI does not use,
// and a run on a 20,000-message capture is over before it has compiled everything: with inlining it did ~690 ms of
// compile work there (the scanner alone ~110 ms, its callees compiled again inside it), and the scanner ran
// unoptimised for most of the index; without, ~270 ms, and `dialogs` on the 20k cut 0.45 → 0.39 s (ten alternated
// runs), the whole 180k-message capture no slower (bench/RESULTS.md). Set before the bundle is compiled: V8 keys the
// code cache to the flags, and the build writes the cache through this launcher, so both see the same ones.
setFlagsFromString('--no-turbo-inlining');

const bundle = join(__dirname, 'cli-main.js');
const cacheFile = join(__dirname, 'cli-main.cache');
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cacheFile);
} catch {
  // No cache (a development build): compile.
}
// esbuild writes ASCII only (non-ASCII escaped), so latin1 reads it exactly, and faster than UTF-8 decoding.
const script = new Script(wrap(readFileSync(bundle, 'latin1')), { filename: bundle, cachedData });
// The build runs one command with this set and keeps what V8 compiled by the end (lazily compiled functions too).
if (process.env.SIPTRAIL_WRITE_CODE_CACHE) process.once('exit', () => writeFileSync(cacheFile, script.createCachedData()));
if (process.env.SIPTRAIL_DEBUG && cachedData) process.stderr.write(`siptrail: code cache ${script.cachedDataRejected ? 'rejected' : 'accepted'}\n`);
const module = { exports: {} };
(script.runInThisContext() as (...args: unknown[]) => void).call(module.exports, module.exports, createRequire(bundle), module, bundle, __dirname);
