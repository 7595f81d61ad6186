// Built-in flows live as YAML in flows/ (for users to read); core cannot read files, so their text is embedded in
// src/core/flow/builtinFlowSources.ts. This renders that module; builtinFlowSources.test.ts keeps it in step and
// rewrites it when run with SIPTRAIL_UPDATE_FLOWS=1.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../../..');
export const flowsDir = path.join(repoRoot, 'flows');
export const sourcesModule = path.join(repoRoot, 'src/core/flow/builtinFlowSources.ts');

export function renderSourcesModule(): string {
  const files = readdirSync(flowsDir).filter((f) => f.endsWith('.yaml')).sort();
  const entries = files.map((f) => `  { file: ${JSON.stringify(`flows/${f}`)}, text: ${JSON.stringify(readFileSync(path.join(flowsDir, f), 'utf8'))} },`);
  return [
    '// Generated from flows/*.yaml by test/unit/flow/embedFlows.ts (SIPTRAIL_UPDATE_FLOWS=1 npm test); do not edit by hand.',
    'export const BUILTIN_FLOW_SOURCES: readonly { file: string; text: string }[] = [',
    ...entries,
    '];',
    '',
  ].join('\n');
}
