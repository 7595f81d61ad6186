// `siptrail check --format junit`: JUnit XML for CI (one testsuite per flow, one testcase per flow instance; a
// requested flow with no instance is one failed testcase, so CI sees it).
import type { CheckReport } from './checkReport';

/** Escapes text for XML 1.0 content and attributes; characters XML 1.0 cannot hold become U+FFFD. */
export function xmlEscape(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '&') out += '&amp;';
    else if (ch === '<') out += '&lt;';
    else if (ch === '>') out += '&gt;';
    else if (ch === '"') out += '&quot;';
    else if (ch === "'") out += '&apos;';
    else if (c === 0x9) out += '&#9;';
    else if (c === 0xa) out += '&#10;';
    else if (c === 0xd) out += '&#13;';
    else if (c < 0x20 || (c >= 0xd800 && c <= 0xdfff) || c === 0xfffe || c === 0xffff) out += '\uFFFD';
    else out += ch;
  }
  return out;
}

export function toJunit(report: CheckReport): string {
  const suites = new Map<string, { cases: string[]; tests: number; failures: number }>();
  const suite = (flow: string): { cases: string[]; tests: number; failures: number } => {
    let s = suites.get(flow);
    if (!s) {
      s = { cases: [], tests: 0, failures: 0 };
      suites.set(flow, s);
    }
    return s;
  };
  for (const inst of report.flows) {
    const s = suite(inst.flow);
    s.tests++;
    const roles = Object.entries(inst.roles).map(([r, u]) => `${r}=${u ?? '?'}`).join(', ');
    const name = `${inst.flow} #${inst.instance} (${roles})`;
    const steps = inst.steps.map((st) => `${st.id}: ${st.status}${st.messages.length ? ` [${st.messages.join(', ')}]` : ''}`).join('\n');
    let body = `      <system-out>${xmlEscape(steps)}</system-out>\n`;
    if (inst.verdict === 'fail') {
      s.failures++;
      const first = inst.findings[0];
      const missing = inst.steps.filter((st) => st.status !== 'matched').map((st) => st.id);
      const message = first ? first.message : `steps not matched: ${missing.join(', ')}`;
      const type = first ? first.code : 'flow.step-missing';
      const text = inst.findings.map((f) => `${f.severity} ${f.code} [${f.step ?? '-'}] messages ${f.messages.join(', ')}: ${f.message}`).join('\n');
      body = `      <failure message="${xmlEscape(message)}" type="${xmlEscape(type)}">${xmlEscape(text || message)}</failure>\n` + body;
    }
    s.cases.push(`    <testcase classname="siptrail.${xmlEscape(inst.flow)}" name="${xmlEscape(name)}">\n${body}    </testcase>\n`);
  }
  for (const f of report.findings) {
    if (f.code !== 'flow.not-found') continue;
    const flow = f.message.startsWith('Flow ') ? f.message.slice(5, f.message.indexOf(':')) : 'unknown';
    const s = suite(flow);
    s.tests++;
    s.failures++;
    s.cases.push(`    <testcase classname="siptrail.${xmlEscape(flow)}" name="${xmlEscape(`${flow} (no instance)`)}">\n      <failure message="${xmlEscape(f.message)}" type="flow.not-found">${xmlEscape(f.message)}</failure>\n    </testcase>\n`);
  }
  let tests = 0;
  let failures = 0;
  let xml = '';
  for (const [flow, s] of suites) {
    tests += s.tests;
    failures += s.failures;
    xml += `  <testsuite name="${xmlEscape(flow)}" tests="${s.tests}" failures="${s.failures}" errors="0" skipped="0">\n${s.cases.join('')}  </testsuite>\n`;
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEscape(`siptrail check ${report.trace.path}`)}" tests="${tests}" failures="${failures}" errors="0">\n${xml}</testsuites>\n`;
}
