// Run as a child by test/unit/cli/progress.test.ts: terminalProgress as the CLI calls it (stderr, whatever it is),
// one update after the quiet first 300 ms, then done. Says on stdout whether there was a progress line.
import { terminalProgress } from '../../src/cli/progress';

const progress = terminalProgress('probe.pcap');
setTimeout(() => {
  progress?.update(2 << 20, 4 << 20);
  progress?.done();
  process.stdout.write(progress ? 'progress\n' : 'none\n');
}, 350);
