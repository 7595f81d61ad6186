// What commander gets for `node:child_process` in the CLI bundle (esbuild.mjs): commander loads it at start-up for
// executable subcommands, which siptrail does not have, and loading it is ~6 ms of every run. The real module is
// loaded only if commander ever spawns.
import type * as ChildProcess from 'node:child_process';

export function spawn(...args: Parameters<typeof ChildProcess.spawn>): ChildProcess.ChildProcess {
  return (require('node:child_process') as typeof ChildProcess).spawn(...args);
}
