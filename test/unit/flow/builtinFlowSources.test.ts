import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderSourcesModule, sourcesModule } from './embedFlows';

test('src/core/flow/builtinFlowSources.ts embeds exactly the YAML files in flows/', () => {
  const expected = renderSourcesModule();
  if (process.env.SIPTRAIL_UPDATE_FLOWS === '1') writeFileSync(sourcesModule, expected);
  assert.equal(readFileSync(sourcesModule, 'utf8'), expected, 'flows/ changed: run SIPTRAIL_UPDATE_FLOWS=1 on this test to re-embed them');
});
