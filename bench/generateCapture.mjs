// Builds the benchmark's big capture with SIPp on loopback: the default uac scenario (INVITE, 180, 200, ACK,
// BYE, 200: six packets a call) against the default uas, captured by tcpdump with a host filter. Bounded by
// the call count (sipp -m), the packet count (tcpdump -c) and a timeout. Only 127.0.6.0/24, ports 26000–26999.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const UAS = { ip: '127.0.6.1', port: 26060 };
export const UAC = { ip: '127.0.6.2', port: 26061 };

/** Makes `path` unless it already exists; returns true when it was generated now. */
export async function ensureBigCapture(path, { calls = 30000, rate = 800, timeoutSeconds = 240 } = {}) {
  if (existsSync(path) && statSync(path).size > 0) return false;
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const maxPackets = calls * 7 + 1000;
  const filter = `host ${UAS.ip} and host ${UAC.ip} and udp and portrange 26000-26999`;
  const tcpdump = spawn('tcpdump', ['-i', 'lo', '-n', '-s', '0', '-B', '32768', '-U', '-c', String(maxPackets), '-w', partial, filter], { stdio: ['ignore', 'ignore', 'pipe'] });
  let tcpdumpErr = '';
  tcpdump.stderr.on('data', (d) => { tcpdumpErr += d; });
  await waitFor(() => tcpdumpErr.includes('listening on'), 10000, 'tcpdump did not start listening');

  const uas = spawn('sipp', ['-sn', 'uas', '-i', UAS.ip, '-p', String(UAS.port), '-nostdin', '-timeout', `${timeoutSeconds}s`], { stdio: 'ignore' });
  await sleep(500);
  const uacArgs = ['-sn', 'uac', `${UAS.ip}:${UAS.port}`, '-i', UAC.ip, '-p', String(UAC.port), '-m', String(calls),
    '-r', String(rate), '-l', '2000', '-nostdin', '-timeout', `${timeoutSeconds}s`, '-timeout_error'];
  process.stderr.write(`bench: generating ${calls} calls with sipp ${uacArgs.join(' ')} (about ${Math.ceil(calls / rate)} s)\n`);
  const uac = spawnSync('sipp', uacArgs, { stdio: 'ignore', timeout: (timeoutSeconds + 20) * 1000 });
  await sleep(1000);
  uas.kill('SIGTERM');
  tcpdump.kill('SIGINT');
  await new Promise((resolve) => (tcpdump.exitCode !== null ? resolve() : tcpdump.once('exit', resolve)));
  if (uas.exitCode === null) await new Promise((resolve) => uas.once('exit', resolve));
  const counted = /(\d+) packets? captured/.exec(tcpdumpErr);
  const dropped = /(\d+) packets? dropped by kernel/.exec(tcpdumpErr);
  process.stderr.write(`bench: sipp uac exit ${uac.status}; tcpdump captured ${counted?.[1] ?? '?'} packets, ${dropped?.[1] ?? '?'} dropped by kernel\n`);
  if (!existsSync(partial) || statSync(partial).size === 0) throw new Error(`capture failed: ${tcpdumpErr.trim()}`);
  renameSync(partial, path);
  return true;
}

async function waitFor(cond, ms, what) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(what);
    await sleep(50);
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const path = process.argv[2] ?? new URL('./work/big.pcap', import.meta.url).pathname;
  await ensureBigCapture(path);
}
