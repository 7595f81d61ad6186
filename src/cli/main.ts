// The siptrail command line: the same core as the VS Code extension, for terminals and CI pipelines.
// The CLI is the only part that touches node:fs (here, loadTrace.ts and streamMessages.ts).
import { Command, CommanderError } from 'commander';
import { fstatSync, readFileSync, readdirSync, writeSync } from 'node:fs';
import { loadTraceFiles } from './loadTrace';
import { indexCapture } from './indexCapture';
import { TraceInputError, type CliDeps } from './cliDeps';
import { isTerminal } from './terminal';
import { stdoutStream } from './stdoutStream';
interface CommandModule {
  register(program: Command, deps: CliDeps): void;
}
/**
 * The commands, loaded when asked for: a run loads only its own (the others' dependencies — the flow YAML parser and
 * schema validator, the exporters — cost ~40 ms of start-up, 8 % of `dialogs` on a 20,000-packet capture).
 * `--help`, `help` and anything unknown load them all.
 */
const COMMANDS: Record<string, () => CommandModule> = {
  messages: () => require('./commands/messages') as CommandModule,
  dialogs: () => require('./commands/dialogs') as CommandModule,
  flows: () => require('./commands/flows') as CommandModule,
  check: () => require('./commands/check') as CommandModule,
  diagram: () => require('./commands/diagram') as CommandModule,
};

let stdoutKind: boolean | undefined;
/** True when stdout is a regular file or a character device other than a terminal (/dev/null). */
function stdoutIsFile(): boolean {
  if (stdoutKind === undefined) {
    try {
      const st = fstatSync(1);
      stdoutKind = st.isFile() || (st.isCharacterDevice() && !isTerminal(1, st));
    } catch {
      stdoutKind = false;
    }
  }
  return stdoutKind;
}

const deps: CliDeps = {
  loadTrace: (paths, opts) => loadTraceFiles(typeof paths === 'string' ? [paths] : paths, opts),
  // SIPTRAIL_NO_INDEX=1 reads every capture with the full pipeline (tests compare the two; a user can rule the fast path out).
  indexCapture: process.env.SIPTRAIL_NO_INDEX ? undefined : indexCapture,
  stdout: (s) => stdoutStream().write(s),
  stdoutBytes: (b) => {
    if (stdoutIsFile()) {
      // A file or /dev/null takes a synchronous write whole; the writer then reuses its buffer.
      for (let at = 0; at < b.length;) at += writeSync(1, b, at);
      return true;
    }
    stdoutStream().write(b);
    return false;
  },
  stderr: (s) => process.stderr.write(s),
  setExitCode: (code) => { process.exitCode = code; },
  readTextFile: (path) => readFileSync(path, 'utf8'),
  listDir: (path) => readdirSync(path),
  cwd: () => process.cwd(),
};

const program = new Command();
program
  .name('siptrail')
  .description('SIP traces as call flows: list messages, correlate dialogs, check expected flows')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) });
const named = Object.hasOwn(COMMANDS, process.argv[2] ?? '') ? COMMANDS[process.argv[2]] : undefined;
for (const load of named ? [named] : Object.values(COMMANDS)) load().register(program, deps);

program.parseAsync(process.argv).catch((e: unknown) => {
  if (e instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors get 2.
    process.exitCode = e.exitCode === 0 ? 0 : 2;
    return;
  }
  if (e instanceof TraceInputError) {
    process.stderr.write(`siptrail: ${e.message}\n`);
    process.exitCode = 2;
    return;
  }
  process.stderr.write(`siptrail: internal error: ${e instanceof Error ? e.stack ?? e.message : String(e)}\n`);
  process.exitCode = 3;
});
