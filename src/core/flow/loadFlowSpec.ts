// Flow files (built-in and user YAML) → FlowSpec. YAML is parsed with the `yaml` package keeping node positions,
// validated with ajv against flows/flow.schema.json, then checked for meaning (known roles and steps, expressions
// that parse). Every problem is a finding positioned at the line/column of the flow file; nothing throws.
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { LineCounter, isMap, isNode, isPair, isScalar, parseDocument, type Document, type Node } from 'yaml';
import flowSchema from '../../../flows/flow.schema.json';
import type { Finding } from '../model/finding';
import { parseExpression } from './expression';
import {
  DEFAULT_RESPONSE_TIMEOUT, type DialogStep, type FlowConstraint, type FlowSpec, type FlowStep, type RequestStep, type ResponseStep, type StepProblem,
} from './flowSpec';

export interface FlowLoadResult {
  spec: FlowSpec | null;
  findings: Finding[];
}

let validator: ValidateFunction | null = null;
function getValidator(): ValidateFunction {
  if (!validator) {
    const ajv = new Ajv({ allErrors: true, strict: false });
    validator = ajv.compile(flowSchema as object);
  }
  return validator;
}

type Path = (string | number)[];

/** Built-in flows are a few kB; a megabyte is far more than any hand-written flow needs. */
const MAX_FLOW_FILE_CHARS = 1_000_000;
/** Alias expansions allowed while building the data (the yaml package's default, made explicit). */
const MAX_ALIAS_EXPANSIONS = 100;

/** Parses and validates one flow file. `origin` names it in findings (a path or `built-in:<id>`). */
export function loadFlowSpec(text: string, origin: string): FlowLoadResult {
  const findings: Finding[] = [];
  // Flow files come from workspaces that may be untrusted: a huge one is refused before the YAML reader sees it.
  if (text.length > MAX_FLOW_FILE_CHARS) {
    return { spec: null, findings: [{ code: 'flow-spec.too-large', severity: 'error', message: `${origin}: expected a flow file of at most ${MAX_FLOW_FILE_CHARS} characters, this one has ${text.length}; it is not read.`, source: { line: 1, endLine: 1 } }] };
  }
  const lineCounter = new LineCounter();
  let doc: Document;
  try {
    doc = parseDocument(text, { lineCounter, prettyErrors: true });
  } catch (e) {
    return { spec: null, findings: [{ code: 'flow-spec.yaml-syntax', severity: 'error', message: `${origin}: expected a YAML flow file, the YAML reader stopped: ${String(e)}.`, source: { line: 1, endLine: 1 } }] };
  }
  const at = (offset: number | undefined): { line: number; column: number } => {
    const p = lineCounter.linePos(offset ?? 0);
    return { line: p.line, column: p.col };
  };
  const add = (code: string, message: string, offset: number | undefined): void => {
    const p = at(offset);
    findings.push({ code, severity: 'error', message: `${origin}:${p.line}:${p.column}: ${message}`, source: { line: p.line, endLine: p.line, column: p.column } });
  };
  for (const err of doc.errors) add('flow-spec.yaml-syntax', `expected valid YAML: ${firstLine(err.message)}.`, err.pos[0]);
  if (findings.length) return { spec: null, findings };

  let data: unknown;
  try {
    // The yaml package stops alias expansion past maxAliasCount (a "billion laughs" document) by throwing.
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_EXPANSIONS }) as unknown;
  } catch (e) {
    return { spec: null, findings: [{ code: 'flow-spec.yaml-aliases', severity: 'error', message: `${origin}: expected YAML data of modest size (few aliases, modest nesting), building it was stopped: ${firstLine(e instanceof Error ? e.message : String(e))}.`, source: { line: 1, endLine: 1 } }] };
  }
  const validate = getValidator();
  if (!validate(data)) {
    for (const err of dedupeErrors(validate.errors ?? [])) {
      const path = pointerToPath(err.instancePath);
      let offset = nodeOffset(doc, path);
      let where = err.instancePath || '(top level)';
      if (err.keyword === 'additionalProperties') {
        const prop = String((err.params as { additionalProperty?: string }).additionalProperty);
        offset = keyOffset(doc, path, prop) ?? offset;
        where = `${where}/${prop}`;
      }
      add('flow-spec.schema', `${where} ${err.message ?? 'does not match the flow schema'}${describeParams(err)} (flows/flow.schema.json).`, offset);
    }
    return { spec: null, findings };
  }

  const raw = data as RawFlow;
  const spec = toSpec(raw, origin);
  // Meaning checks: references to roles and steps, expressions.
  const roleIds = new Set(spec.roles.map((r) => r.id));
  const stepIds = new Set<string>();
  raw.steps.forEach((s, i) => {
    if (stepIds.has(s.id)) add('flow-spec.duplicate-step', `expected unique step ids, "${s.id}" is used twice.`, nodeOffset(doc, ['steps', i, 'id']));
    stepIds.add(s.id);
  });
  const checkStep = (id: string, path: Path): void => {
    if (!stepIds.has(id)) add('flow-spec.unknown-step', `expected the id of a step of this flow, found "${id}".`, nodeOffset(doc, path));
  };
  const checkRole = (id: string, path: Path): void => {
    if (!roleIds.has(id)) add('flow-spec.unknown-role', `expected one of the roles ${[...roleIds].join(', ')}, found "${id}".`, nodeOffset(doc, path));
  };
  const checkExpr = (text: string | undefined, path: Path): void => {
    if (text === undefined) return;
    const r = parseExpression(text, stepIds);
    if (!r.ok) {
      add('flow-spec.bad-expression', `expected an expression such as refer.header('Refer-To').uri: ${r.error}.`, (nodeOffset(doc, path) ?? 0) + r.column + (isQuoted(doc, path) ? 1 : 0));
    } else if (r.expr.role !== null) checkRole(r.expr.role, path);
  };
  const checkConstraints = (list: FlowConstraint[], path: Path, withCode: boolean): void => {
    list.forEach((c, k) => {
      for (const key of ['value', 'equals', 'sameUri', 'sameAor', 'otherAor', 'when'] as const) checkExpr(c[key], [...path, k, key]);
      if (c.inDialogOf !== undefined) checkStep(c.inDialogOf, [...path, k, 'inDialogOf']);
      const ops = ['is', 'oneOf', 'equals', 'sameUri', 'sameAor', 'otherAor', 'present', 'inDialogOf'].filter((o) => (c as Record<string, unknown>)[o] !== undefined);
      if (ops.length !== 1) add('flow-spec.bad-constraint', `expected exactly one test (is, oneOf, equals, sameUri, sameAor, otherAor, present, inDialogOf), found ${ops.length ? ops.join(', ') : 'none'}.`, nodeOffset(doc, [...path, k]));
      else if (ops[0] !== 'inDialogOf' && c.value === undefined) add('flow-spec.bad-constraint', `expected a "value" expression for the ${ops[0]} test.`, nodeOffset(doc, [...path, k]));
      if (!withCode && c.code !== undefined) add('flow-spec.bad-constraint', 'expected no "code" in a select list: select only chooses messages, expect reports findings.', nodeOffset(doc, [...path, k, 'code']));
    });
  };
  if (!stepIds.has(spec.anchor)) checkStep(spec.anchor, ['anchor']);
  else if (spec.steps.find((s) => s.id === spec.anchor)?.kind !== 'request') add('flow-spec.bad-anchor', `expected the anchor "${spec.anchor}" to be a request step: instances start at a request.`, nodeOffset(doc, ['anchor']));
  raw.steps.forEach((s, i) => {
    const p: Path = ['steps', i];
    const after = s.after === undefined ? [] : Array.isArray(s.after) ? s.after : [s.after];
    after.forEach((a, k) => checkStep(a, [...p, 'after', ...(Array.isArray(s.after) ? [k] : [])]));
    if (s.within) checkStep(s.within.step, [...p, 'within', 'step']);
    for (const key of ['missing', 'rejected'] as const) (s[key]?.related ?? []).forEach((r, k) => checkStep(r, [...p, key, 'related', k]));
    if (s.request !== undefined) {
      for (const key of ['from', 'to'] as const) {
        const v = s[key]!;
        (Array.isArray(v) ? v : [v]).forEach((r, k) => checkRole(r, [...p, key, ...(Array.isArray(v) ? [k] : [])]));
      }
      for (const [role, expr] of Object.entries(s.bind ?? {})) {
        checkRole(role, [...p, 'bind', role]);
        checkExpr(expr, [...p, 'bind', role]);
      }
      checkConstraints(s.select ?? [], [...p, 'select'], false);
      checkConstraints(s.expect ?? [], [...p, 'expect'], true);
      if (s.ackFor !== undefined) checkStep(s.ackFor, [...p, 'ackFor']);
    } else if (s.response !== undefined) {
      checkStep(s.of!, [...p, 'of']);
      checkConstraints(s.expect ?? [], [...p, 'expect'], true);
    } else if (s.dialog !== undefined) {
      s.between!.forEach((r, k) => checkRole(r, [...p, 'between', k]));
      checkStep(s.before!, [...p, 'before']);
    }
  });
  (raw.endState ?? []).forEach((e, i) => checkStep(e.step, ['endState', i, 'step']));
  return { spec: findings.length ? null : spec, findings };
}

interface RawStep {
  id: string;
  description?: string;
  optional?: boolean;
  repeatable?: boolean;
  after?: string | string[];
  within?: { step: string; seconds: number };
  missing?: StepProblem;
  rejected?: StepProblem;
  clause?: string;
  request?: string;
  from?: string | string[];
  to?: string | string[];
  bind?: Record<string, string>;
  select?: FlowConstraint[];
  expect?: FlowConstraint[];
  ackFor?: string;
  response?: number | string | (number | string)[];
  of?: string;
  dialog?: string;
  between?: [string, string];
  state?: 'confirmed';
  before?: string;
}

interface RawFlow {
  id: string;
  title: string;
  reference: string;
  description?: string;
  checkByDefault?: boolean;
  roles: { id: string; description?: string }[];
  anchor: string;
  responseTimeout?: number;
  stepTimeout?: number;
  steps: RawStep[];
  endState?: { step: string; state: 'confirmed'; code?: string; clause?: string }[];
}

function toSpec(raw: RawFlow, origin: string): FlowSpec {
  const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);
  const steps: FlowStep[] = raw.steps.map((s, i) => {
    const base = {
      id: s.id, description: s.description, optional: s.optional, repeatable: s.repeatable,
      // Default order: after the previous step of the list.
      after: s.after !== undefined ? list(s.after) : i > 0 ? [raw.steps[i - 1].id] : [],
      within: s.within, missing: s.missing, clause: s.clause,
    };
    if (s.request !== undefined) {
      const step: RequestStep = {
        ...base, kind: 'request', method: s.request.toUpperCase(), from: list(s.from), to: list(s.to), bind: s.bind ?? {},
        select: s.select ?? [], expect: s.expect ?? [], ackFor: s.ackFor,
      };
      return step;
    }
    if (s.response !== undefined) {
      const statuses = (Array.isArray(s.response) ? s.response : [s.response]).map((x) => String(x).toLowerCase());
      const step: ResponseStep = { ...base, kind: 'response', statuses, of: s.of!, rejected: s.rejected, expect: s.expect ?? [] };
      return step;
    }
    const step: DialogStep = { ...base, kind: 'dialog', method: s.dialog!.toUpperCase(), between: s.between!, state: 'confirmed', before: s.before! };
    return step;
  });
  return {
    id: raw.id, title: raw.title, reference: raw.reference, description: raw.description,
    checkByDefault: raw.checkByDefault ?? true, roles: raw.roles, anchor: raw.anchor,
    responseTimeout: raw.responseTimeout ?? DEFAULT_RESPONSE_TIMEOUT,
    stepTimeout: raw.stepTimeout ?? DEFAULT_RESPONSE_TIMEOUT, steps, endState: raw.endState ?? [], origin,
  };
}

function pointerToPath(pointer: string): Path {
  if (!pointer) return [];
  return pointer.slice(1).split('/').map((p) => {
    const s = p.replace(/~1/g, '/').replace(/~0/g, '~');
    return /^[0-9]+$/.test(s) ? Number(s) : s;
  });
}

/** Start offset of the node at `path`, or of its closest existing ancestor. */
function nodeOffset(doc: Document, path: Path): number | undefined {
  for (let n = path.length; n >= 0; n--) {
    const node = doc.getIn(path.slice(0, n), true) as unknown;
    if (isNode(node) && (node as Node).range) return (node as Node).range![0];
  }
  return doc.contents && isNode(doc.contents) ? doc.contents.range?.[0] : 0;
}

function keyOffset(doc: Document, path: Path, key: string): number | undefined {
  const map = path.length ? doc.getIn(path, true) : doc.contents;
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) return item.key.range?.[0];
  }
  return undefined;
}

function isQuoted(doc: Document, path: Path): boolean {
  const node = doc.getIn(path, true);
  return isScalar(node) && (node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE');
}

// ajv reports every failed branch of anyOf/oneOf/if; keep the errors that say something about the data itself.
function dedupeErrors(errors: ErrorObject[]): ErrorObject[] {
  const out: ErrorObject[] = [];
  const seen = new Set<string>();
  for (const e of errors) {
    if (e.keyword === 'if' || e.keyword === 'anyOf' && errors.some((o) => o !== e && o.instancePath === e.instancePath && o.keyword !== 'required')) continue;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function describeParams(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  if (e.keyword === 'enum' && Array.isArray(p['allowedValues'])) return ` (${(p['allowedValues'] as unknown[]).join(', ')})`;
  return '';
}

function firstLine(s: string): string {
  const nl = s.indexOf('\n');
  return (nl < 0 ? s : s.slice(0, nl)).replace(/\.$/, '');
}
