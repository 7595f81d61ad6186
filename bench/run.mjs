// `npm run bench`: the issue 7 benchmark. Generates the big capture with SIPp on loopback (cached in bench/work/),
// cuts its first 20k packets with editcap, times our CLI, sngrep, tshark and a bare Node record walk several
// times each, prints medians, the target ratios, the scaling ratio and peak RSS, and writes bench/RESULTS.md.
// Peak RSS is GNU time's "Maximum resident set size" (/usr/bin/time -v), i.e. the measured process's own peak.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync, mkdirSync, statSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureBigCapture } from './generateCapture.mjs';

const benchDir = dirname(fileURLToPath(import.meta.url));
const repoRoot = dirname(benchDir);
const workDir = join(benchDir, 'work');
const big = join(workDir, 'big.pcap');
const cut = join(workDir, 'cut20k.pcap');
// Nine runs a case: this VM has slow spells of several seconds (the same run 15-40 % slower, page faults unchanged),
// and with five runs two of ours caught in one moved the median of `dialogs` by 5-10 %; with three, one slow run of
// either side had moved the tshark ratio (near its 10× target) by a tenth.
const runs = Number(process.env.BENCH_RUNS ?? 9);
const tsharkRuns = Number(process.env.BENCH_TSHARK_RUNS ?? runs);
const write = !process.argv.includes('--no-write');

const TOOLS = [
  { bin: 'sipp', pkg: 'sip-tester' }, { bin: 'tcpdump', pkg: 'tcpdump' }, { bin: 'sngrep', pkg: 'sngrep' },
  { bin: 'editcap', pkg: 'wireshark-common' }, { bin: 'tshark', pkg: 'tshark' }, { bin: '/usr/bin/time', pkg: 'time' },
];

function have(bin) {
  return spawnSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' }).status === 0;
}

function ensureTools() {
  const missing = TOOLS.filter((t) => !have(t.bin));
  if (!missing.length) return;
  const pkgs = [...new Set(missing.map((t) => t.pkg))];
  console.error(`bench: missing ${missing.map((t) => t.bin).join(', ')}; installing Debian packages: ${pkgs.join(' ')}`);
  if (process.getuid?.() !== 0) {
    console.error(`bench: not root; run: sudo apt-get install -y ${pkgs.join(' ')}`);
    process.exit(2);
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const r = spawnSync('apt-get', ['install', '-y', '--no-install-recommends', ...pkgs], { stdio: 'inherit', env });
  if (r.status !== 0 || TOOLS.some((t) => !have(t.bin))) {
    console.error(`bench: could not install ${pkgs.join(' ')}; install them and run again`);
    process.exit(2);
  }
}

/** Runs argv under GNU time; stdout goes to /dev/null. Returns wall seconds and peak RSS in MB. */
function timed(argv, extraEnv = {}) {
  const r = spawnSync('/usr/bin/time', ['-v', ...argv], { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 64 << 20, env: { ...process.env, FORCE_COLOR: '0', ...extraEnv } });
  const err = r.stderr.toString();
  if (r.status !== 0 && !/Exit status: [01]\b/.test(err)) throw new Error(`${argv.join(' ')} failed:\n${err.slice(-2000)}`);
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(err);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(err);
  const exit = /Exit status: (\d+)/.exec(err);
  return {
    seconds: (Number(wall[1] ?? 0) * 3600) + Number(wall[2]) * 60 + Number(wall[3]),
    rssMB: Number(rss[1]) / 1024,
    exit: Number(exit?.[1] ?? r.status),
  };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function firstLine(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return `${r.stdout ?? ''}${r.stderr ?? ''}`.split('\n').map((l) => l.trim()).find((l) => l) ?? '?';
}

function packetCount(path) {
  const out = spawnSync('capinfos', ['-c', '-M', path], { encoding: 'utf8' }).stdout ?? '';
  return Number(/Number of packets:\s*(\d+)/.exec(out)?.[1] ?? NaN);
}

async function main() {
  ensureTools();
  mkdirSync(workDir, { recursive: true });
  if (await ensureBigCapture(big)) console.error(`bench: wrote ${relative(repoRoot, big)}`);
  else console.error(`bench: using cached ${relative(repoRoot, big)} (delete it to regenerate)`);
  if (!existsSync(cut) || statSync(cut).mtimeMs < statSync(big).mtimeMs) {
    const r = spawnSync('editcap', ['-r', big, cut, '1-20000'], { stdio: 'inherit' });
    if (r.status !== 0) throw new Error('editcap failed');
  }
  if (!existsSync(join(repoRoot, 'dist/cli.js'))) {
    console.error('bench: building dist/cli.js');
    if (spawnSync('npm', ['run', 'build'], { cwd: repoRoot, stdio: 'inherit' }).status !== 0) throw new Error('build failed');
  }
  const bigPackets = packetCount(big);
  const cutPackets = packetCount(cut);
  const load0 = loadavg();

  const cases = [
    { id: 'walk', label: 'bare Node record walk (whole)', argv: ['node', 'bench/bareWalk.mjs', big], n: runs },
    { id: 'walkGroup', label: 'bare walk + naive Call-ID grouping (whole)', argv: ['node', 'bench/bareWalk.mjs', big, '--group'], n: runs },
    { id: 'dialogs', label: 'siptrail dialogs --format json (whole)', argv: ['node', 'dist/cli.js', 'dialogs', big, '--format', 'json'], n: runs },
    { id: 'dialogs20k', label: 'siptrail dialogs --format json (20k cut)', argv: ['node', 'dist/cli.js', 'dialogs', cut, '--format', 'json'], n: runs },
    { id: 'check', label: 'siptrail check (whole)', argv: ['node', 'dist/cli.js', 'check', big], n: runs },
    // For the record, not a target: the full pipeline (every message parsed and validated into objects) on the same
    // file, and the flow checker proper on every call (RFC 3665 basic session: one instance a call).
    { id: 'dialogsFull', label: 'siptrail dialogs, full pipeline (SIPTRAIL_NO_INDEX=1, whole)', argv: ['node', 'dist/cli.js', 'dialogs', big, '--format', 'json'], env: { SIPTRAIL_NO_INDEX: '1' }, n: 1 },
    { id: 'checkBasic', label: 'siptrail check --flow rfc3665-basic-session (whole, 30k instances)', argv: ['node', 'dist/cli.js', 'check', big, '--flow', 'rfc3665-basic-session'], n: 1 },
    // sngrep stops keeping dialogs at its capture limit, 20,000 by default; the capture has 30,000 calls. The issue's
    // sngrep figures (4.9 s, 206 MB) are those of a run that keeps them all (here: -l 100000, ~203 MB; the default
    // run stays at ~137 MB), which is also the work `dialogs` does. Both runs are timed and both ratios reported.
    { id: 'sngrep', label: 'sngrep -I -N -q (whole; default limit: keeps 20,000 of the 30,000 dialogs)', argv: ['sngrep', '-I', big, '-N', '-q'], n: runs },
    { id: 'sngrepAll', label: 'sngrep -I -N -q -l 100000 (whole, keeps every dialog)', argv: ['sngrep', '-I', big, '-N', '-q', '-l', '100000'], n: runs },
    { id: 'tshark20k', label: 'tshark -Y sip -T fields (20k cut)', argv: ['tshark', '-r', cut, '-Y', 'sip', '-T', 'fields', '-e', 'sip.Call-ID', '-e', 'sip.Method', '-e', 'sip.Status-Code'], n: tsharkRuns },
  ];
  const only = process.env.BENCH_ONLY?.split(',');
  const results = {};
  const chosen = cases.filter((c) => !only || only.includes(c.id));
  const samplesOf = new Map(chosen.map((c) => [c.id, []]));
  // Round-robin (every case once per round), so a change of machine load during the run weighs on every case alike.
  for (let round = 0; round < Math.max(...chosen.map((c) => c.n)); round++) {
    for (const c of chosen) {
      if (round >= c.n) continue;
      const s = timed(c.argv, c.env);
      samplesOf.get(c.id).push(s);
      console.error(`bench: ${c.label} run ${round + 1}/${c.n}: ${s.seconds.toFixed(2)} s, ${s.rssMB.toFixed(0)} MB, exit ${s.exit}`);
    }
  }
  for (const c of chosen) {
    const samples = samplesOf.get(c.id);
    results[c.id] = { ...c, samples, seconds: median(samples.map((s) => s.seconds)), rssMB: Math.max(...samples.map((s) => s.rssMB)) };
  }
  const load1 = loadavg();

  const r = (id) => results[id];
  const ratio = (a, b) => (r(a) && r(b) ? r(a).seconds / r(b).seconds : NaN);
  const targets = [
    { name: 'dialogs ≥3× faster than sngrep keeping every dialog (whole; the issue\'s 206 MB run)', value: ratio('sngrepAll', 'dialogs'), unit: '×', ok: (v) => v >= 3, want: '≥ 3' },
    { name: 'dialogs ≥3× faster than sngrep as invoked, default limit (whole; 10,000 calls dropped)', value: ratio('sngrep', 'dialogs'), unit: '×', ok: (v) => v >= 3, want: '≥ 3' },
    { name: 'dialogs within 4× of the bare walk (whole)', value: ratio('dialogs', 'walk'), unit: '×', ok: (v) => v <= 4, want: '≤ 4' },
    { name: 'dialogs ≥10× faster than tshark (20k cut)', value: ratio('tshark20k', 'dialogs20k'), unit: '×', ok: (v) => v >= 10, want: '≥ 10' },
    { name: 'linear: whole / 20k cut', value: ratio('dialogs', 'dialogs20k'), unit: '×', ok: (v) => v <= 10, want: `≤ 10 (packets ×${(bigPackets / cutPackets).toFixed(1)})` },
    { name: 'peak RSS dialogs / sngrep keeping every dialog (whole)', value: r('dialogs') && r('sngrepAll') ? r('dialogs').rssMB / r('sngrepAll').rssMB : NaN, unit: '×', ok: (v) => v <= 1, want: '≤ 1' },
    { name: 'peak RSS dialogs / sngrep as invoked, default limit (whole)', value: r('dialogs') && r('sngrep') ? r('dialogs').rssMB / r('sngrep').rssMB : NaN, unit: '×', ok: (v) => v <= 1, want: '≤ 1' },
    { name: 'check / dialogs (whole)', value: ratio('check', 'dialogs'), unit: '×', ok: (v) => v <= 1.5, want: '≤ 1.5' },
  ];

  const fmt = (x, d = 2) => (Number.isFinite(x) ? x.toFixed(d) : 'n/a');
  const table = ['| what | runs | median s | peak RSS MB |', '|---|---:|---:|---:|',
    ...Object.values(results).map((x) => `| ${x.label} | ${x.samples.length} | ${fmt(x.seconds)} | ${fmt(x.rssMB, 0)} |`)].join('\n');
  const targetTable = ['| target | wanted | measured | met |', '|---|---|---:|:---:|',
    ...targets.map((t) => `| ${t.name} | ${t.want} | ${fmt(t.value)}${t.unit} | ${Number.isFinite(t.value) ? (t.ok(t.value) ? 'yes' : '**no**') : 'n/a'} |`)].join('\n');
  const memKB = Number(/MemTotal:\s+(\d+)/.exec(readFileSync('/proc/meminfo', 'utf8'))?.[1] ?? totalmem() / 1024);
  const machine = [
    `- CPU: ${cpus()[0]?.model ?? '?'}, nproc ${cpus().length}; memory ${(memKB / 1024 / 1024).toFixed(1)} GiB`,
    `- load average (1/5/15 min) at start ${load0.map((x) => x.toFixed(2)).join(' / ')}, at end ${load1.map((x) => x.toFixed(2)).join(' / ')}`,
    `- ${firstLine('sh', ['-c', '. /etc/os-release; echo "$PRETTY_NAME"'])}; Node ${process.version}`,
    `- ${firstLine('sngrep', ['-V'])}; ${firstLine('tshark', ['-v'])}; ${firstLine('sipp', ['-v'])}; ${firstLine('tcpdump', ['--version'])}`,
    `- capture: ${relative(repoRoot, big)}, ${bigPackets} packets, ${(statSync(big).size / 1e6).toFixed(1)} MB; cut: ${cutPackets} packets (editcap -r 1-20000)`,
  ].join('\n');
  const report = `## Run of ${new Date().toISOString()}\n\n${machine}\n\n${table}\n\n${targetTable}\n`;
  console.log(`\n${report}`);
  if (write && !only) {
    const path = join(benchDir, 'RESULTS.md');
    const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
    const marker = '<!-- bench:latest -->';
    const notesEnd = previous.indexOf(marker);
    const head = notesEnd >= 0 ? previous.slice(0, notesEnd) : '# Benchmark results (issue 7)\n\nWritten by `npm run bench`; the notes above the marker are kept, the run below is replaced.\n\n';
    writeFileSync(path, `${head}${marker}\n\n${report}`);
    console.error(`bench: wrote ${relative(repoRoot, path)}`);
  }
}

await main();
