import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseXml } from './support/miniXml';

test('the test XML reader reads elements, attributes, entities and rejects malformed input', () => {
  const doc = parseXml(`<?xml version="1.0"?>\n<!-- c --><a x="1 &amp; 2" y='&lt;&#65;&#x42;'><b/>t&gt;<c>in</c></a>\n`);
  assert.equal(doc.name, 'a');
  assert.deepEqual(doc.attributes, { x: '1 & 2', y: '<AB' });
  assert.deepEqual(doc.children.map((c) => c.name), ['b', 'c']);
  assert.equal(doc.text, 't>');
  assert.equal(doc.children[1].text, 'in');
  for (const bad of ['<a>', '<a></b>', '<a x="1" x="2"/>', '<a>&bogus;</a>', '<a/><b/>', '<a>1 < 2</a>', '<a x=1/>']) {
    assert.throws(() => parseXml(bad), Error, bad);
  }
});
