// Test support: runs `siptrail diagram` through commander with the real trace loader, capturing stdout/stderr.
import { readFileSync, readdirSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import type { CliDeps } from '../../../src/cli/cliDeps';
import { TraceInputError } from '../../../src/cli/cliDeps';
import { loadTraceFiles } from '../../../src/cli/loadTrace';
import * as diagram from '../../../src/cli/commands/diagram';
import { repoRoot } from '../../support/paths';

export interface CliResult { out: string; err: string; code: number | null; stdoutBytes: Uint8Array[] }

export async function runDiagram(args: string[], io: Partial<diagram.DiagramIo> = {}): Promise<CliResult> {
  let out = '';
  let err = '';
  let code: number | null = null;
  const stdoutBytes: Uint8Array[] = [];
  const utf8 = new TextDecoder();
  const deps: CliDeps = {
    loadTrace: (paths, opts) => loadTraceFiles(typeof paths === 'string' ? [paths] : paths, opts),
    stdout: (s) => { out += s; },
    stdoutBytes: (b) => { out += utf8.decode(b, { stream: true }); },
    stderr: (s) => { err += s; },
    setExitCode: (c) => { code = c; },
    readTextFile: (p) => readFileSync(p, 'utf8'),
    listDir: (p) => readdirSync(p),
    cwd: () => repoRoot,
  };
  const fullIo: diagram.DiagramIo = {
    ...diagram.nodeDiagramIo,
    writeStdout: (d) => { if (typeof d === 'string') out += d; else stdoutBytes.push(d); },
    ...io,
  };
  const program = new Command().exitOverride().configureOutput({ writeErr: (s) => { err += s; }, writeOut: (s) => { out += s; } });
  diagram.register(program, deps, fullIo);
  try {
    await program.parseAsync(['node', 'siptrail', 'diagram', ...args]);
  } catch (e) {
    if (e instanceof CommanderError) code = e.exitCode;
    else if (e instanceof TraceInputError) { err += e.message; code = 2; } else throw e;
  }
  return { out, err, code, stdoutBytes };
}
