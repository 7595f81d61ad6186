// Memory of this run's extension host process (its trace worker threads live inside it), from /proc: current and
// peak resident set (VmRSS, VmHWM). Linux only; null when the process is not found.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ProcessMemory { pid: number; rssMB: number; peakMB: number }

/** The extension host code-server started for the run folder `run` (matched by the XDG_DATA_HOME run.mjs sets). */
export function extensionHostMemory(run: string): ProcessMemory | null {
  const marker = `XDG_DATA_HOME=${join(run, 'xdg/data')}`;
  let found: ProcessMemory | null = null;
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (!readFileSync(`/proc/${entry}/cmdline`, 'latin1').includes('type=extensionHost')) continue;
      if (!readFileSync(`/proc/${entry}/environ`, 'latin1').split('\0').includes(marker)) continue;
      const status = readFileSync(`/proc/${entry}/status`, 'latin1');
      const kB = (field: string): number => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
      const memory = { pid: Number(entry), rssMB: Math.round(kB('VmRSS') / 1024), peakMB: Math.round(kB('VmHWM') / 1024) };
      // Several hosts (a restarted one): the one that used the most.
      if (!found || memory.peakMB > found.peakMB) found = memory;
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return found;
}
