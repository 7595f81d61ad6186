// The TextMate grammar for text traces (syntaxes/sip-trace.tmLanguage.json): every rule compiles, and the rules
// meant for each kind of line match the real lines of the fixtures (checked with JS regexes, which accept these
// Oniguruma patterns once \x{1b} is written \x1b).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fixtureLines, repoRoot } from './fixtures';

interface Rule { match?: string; name?: string; patterns?: Rule[]; include?: string; captures?: Record<string, { name?: string; patterns?: Rule[] }> }
const grammar = JSON.parse(readFileSync(path.join(repoRoot, 'syntaxes/sip-trace.tmLanguage.json'), 'utf8')) as { scopeName: string; patterns: Rule[]; repository: Record<string, Rule> };

function compile(rule: Rule): RegExp[] {
  const out: RegExp[] = [];
  if (rule.match) out.push(new RegExp(rule.match.replace(/\\x\{([0-9a-f]+)\}/g, '\\x$1')));
  for (const p of rule.patterns ?? []) out.push(...compile(p));
  for (const c of Object.values(rule.captures ?? {})) for (const p of c.patterns ?? []) out.push(...compile(p));
  return out;
}

function matches(ruleName: string, line: string): boolean {
  return compile(grammar.repository[ruleName]).some((re) => re.test(line));
}

it('the grammar declares source.sip-trace and all its rules compile', () => {
  assert.equal(grammar.scopeName, 'source.sip-trace');
  for (const rule of Object.values(grammar.repository)) assert.ok(compile(rule).length > 0);
  for (const p of grammar.patterns) assert.ok(p.include && grammar.repository[p.include.slice(1)], p.include);
});

it('start lines, header names, Call-ID, tags, branches and SDP of a real message are matched', () => {
  const lines = fixtureLines('sngrep-export.txt');
  const invite = lines.find((l) => l.startsWith('INVITE '))!;
  assert.ok(matches('request-line', invite));
  assert.ok(matches('status-line', lines.find((l) => l.startsWith('SIP/2.0 180'))!));
  assert.ok(matches('call-id', lines.find((l) => l.startsWith('Call-ID:'))!));
  const from = lines.find((l) => l.startsWith('From:'))!;
  assert.ok(matches('header', from));
  // Inside header values: tag and branch parameters have their own rules (the value is capture 4 of the header rule).
  const valueRules = grammar.repository.header.captures!['4'].patterns!.flatMap(compile);
  const tagRule = valueRules.find((re) => re.source.includes('tag='))!;
  assert.equal(tagRule.exec(from)?.[2], from.slice(from.indexOf('tag=') + 4));
  const via = lines.find((l) => l.startsWith('Via:'))!;
  const branchRule = valueRules.find((re) => re.source.includes('branch='))!;
  assert.equal(branchRule.exec(via)?.[2], via.slice(via.indexOf('branch=') + 7));
  assert.ok(matches('sdp', lines.find((l) => l.startsWith('m=audio'))!));
  assert.ok(matches('uri', from));
  // tshark -V shows the start line after a label, FreeSWITCH indents every line.
  assert.ok(matches('request-line', fixtureLines('tshark-V.txt').find((l) => l.includes('Request-Line: INVITE'))!));
  assert.ok(matches('header', fixtureLines('freeswitch-siptrace.txt').find((l) => l.startsWith('   Via:'))!));
});

it('each tool\'s own header lines are recognised', () => {
  const samples: [string, RegExp][] = [
    ['sipp-ue1.log', /^-{20,} /], ['ngrep-live.txt', /^U /], ['sngrep-export.txt', /^\d{4}\//], ['kamailio-sipdump.txt', /^~{20}$/],
    ['asterisk-pjsip.txt', /<--- Received/], ['asterisk-chan-sip.txt', /<--- SIP read/], ['freeswitch-siptrace.txt', /^recv /],
    ['pjsua.txt', /\.RX /], ['homer.txt', /^proto:/], ['belle-sip.txt', /message sent to/], ['baresip.txt', /#$/],
    ['tshark-V.txt', /^Frame 1:/], ['follow-udp.txt', /^Follow:/], ['tshark-x.txt', /^0000 /],
  ];
  for (const [file, pick] of samples) {
    const line = fixtureLines(file).find((l) => pick.test(l));
    assert.ok(line !== undefined, file);
    assert.ok(matches('tool-header', line!), `${file}: ${JSON.stringify(line)}`);
  }
});

it('firstLineMatch (also the firstLine the language contribution declares) recognises the tools\' first lines but not prose', () => {
  const firstLine = new RegExp((grammar as unknown as { firstLineMatch: string }).firstLineMatch);
  for (const file of ['sipp-ue1.log', 'ngrep-live.txt', 'ngrep-file.txt', 'sngrep-export.txt', 'kamailio-sipdump.txt', 'tshark-V.txt']) {
    assert.ok(firstLine.test(fixtureLines(file)[0]), file);
  }
  assert.ok(firstLine.test('INVITE sip:bob@example.com SIP/2.0'));
  assert.ok(firstLine.test('SIP/2.0 180 Ringing'));
  assert.ok(!firstLine.test(readFileSync(path.join(repoRoot, 'README.md'), 'utf8').split('\n')[0]));
});
