// Checks the expectations of src/core/jsonld's unit tests against jsonld.js, the JSON-LD 1.1
// reference processor, using the core context text embedded in core_context_v1_8.cpp.
// Run: npm install && node oracle.js  (prints "N passed, N failed"; exits 1 on a failure).
'use strict';
const fs = require('fs');
const path = require('path');
const jsonld = require('jsonld');

const source = fs.readFileSync(
    path.join(__dirname, '../../src/core/jsonld/core_context_v1_8.cpp'), 'utf8');
const coreText = source.slice(source.indexOf('R"jsonld(') + 9, source.indexOf(')jsonld"'));
const CORE_URL = 'https://uri.etsi.org/ngsi-ld/v1/ngsi-ld-core-context-v1.8.jsonld';
const coreDocument = JSON.parse(coreText);
const documentLoader = async (url) => {
  if (url === CORE_URL) return {contextUrl: null, documentUrl: url, document: coreDocument};
  throw new Error('no remote contexts here: ' + url);
};
const NGSI = 'https://uri.etsi.org/ngsi-ld/';
const DEFAULT = NGSI + 'default-context/';

let passed = 0;
let failed = 0;
function check(label, actual, expected) {
  if (JSON.stringify(actual) === JSON.stringify(expected)) {
    ++passed;
  } else {
    ++failed;
    console.log(`FAIL ${label}: got ${JSON.stringify(actual)}, want ${JSON.stringify(expected)}`);
  }
}

// The IRI a term expands to as a property name (undefined when dropped).
async function expandKey(context, term) {
  const out = await jsonld.expand({'@context': context, [term]: 'v'}, {documentLoader});
  return out.length ? Object.keys(out[0])[0] : undefined;
}
// The key an expanded property compacts to, the value being plain or given.
async function compactKey(context, iri, value = 'v') {
  const out = await jsonld.compact({[iri]: value}, context, {documentLoader});
  return Object.keys(out).filter((k) => k !== '@context')[0];
}
async function compactVocabValue(context, property, iri) {
  const out = await jsonld.compact({[property]: {'@id': iri}}, context, {documentLoader});
  return Object.entries(out).filter(([k]) => k !== '@context')[0][1];
}
async function expandVocabValue(context, term, value) {
  const out = await jsonld.expand({'@context': context, [term]: value}, {documentLoader});
  return Object.values(out[0])[0][0]['@id'];
}
async function errorOf(context) {
  try {
    await jsonld.expand({'@context': context, 'a': 1}, {documentLoader});
    return '<no error>';
  } catch (e) {
    return (e.details && e.details.code) || e.message;
  }
}

async function main() {
  // core_context_test.cpp: ExpandsCoreTerms, UnknownTermsUseTheDefaultContext.
  const coreTerms = {
    Property: NGSI + 'Property', ListRelationship: NGSI + 'ListRelationship',
    VocabProperty: NGSI + 'VocabProperty', JsonProperty: NGSI + 'JsonProperty',
    location: NGSI + 'location', observedAt: NGSI + 'observedAt', datasetId: NGSI + 'datasetId',
    unitCode: NGSI + 'unitCode', value: NGSI + 'hasValue', object: NGSI + 'hasObject',
    Point: 'https://purl.org/geojson/vocab#Point',
    description: 'http://purl.org/dc/terms/description',
    attributeCount: DEFAULT + 'attributeCount', temperature: DEFAULT + 'temperature',
  };
  for (const [term, iri] of Object.entries(coreTerms)) {
    check(`expand ${term}`, await expandKey(CORE_URL, term), iri);
  }
  // EveryCoreTermRoundTrips: with a value of the term's own kind, jsonld.js compacts each
  // core term's IRI back to the term, as renkei's value-blind compaction does.
  const core = coreDocument['@context'];
  for (const [term, definition] of Object.entries(core)) {
    if (term.startsWith('@') || term === 'id' || term === 'type') continue;
    const container = typeof definition === 'object' ? definition['@container'] : undefined;
    const value = container === '@language' ? {en: 'v'} : container === '@index' ? {i: 'v'} : 'v';
    const expanded = await jsonld.expand({'@context': CORE_URL, [term]: value}, {documentLoader});
    const compacted = await jsonld.compact(expanded, CORE_URL, {documentLoader});
    check(`round trip ${term}`, Object.keys(compacted).filter((k) => k !== '@context'), [term]);
  }
  check('compact unknown ngsi-ld IRI', await compactKey(CORE_URL, NGSI + 'notACoreTerm'),
      'ngsi-ld:notACoreTerm');
  check('compact default-context IRI', await compactKey(CORE_URL, DEFAULT + 'temperature'),
      'temperature');
  check('compact foreign IRI', await compactKey(CORE_URL, 'https://example.org/speed'),
      'https://example.org/speed');
  // VocabPropertyValuesExpandAsIris.
  check('vocab value', await expandVocabValue(CORE_URL, 'vocab', 'Rainy'), DEFAULT + 'Rainy');
  check('vocab value term', await expandVocabValue(CORE_URL, 'vocab', 'Property'),
      NGSI + 'Property');
  check('vocab value compact', await compactVocabValue(CORE_URL, NGSI + 'hasVocab',
      DEFAULT + 'Rainy'), 'Rainy');

  // iri_test.cpp: ExpandsTermsCuriesAndVocab, CompactsToTermThenVocabSuffixThenCurie.
  const ctx = {'@vocab': 'http://vocab.example/', 'ex': 'http://example.org/',
    'name': 'ex:name', 'shadow': 'http://elsewhere.example/shadow'};
  check('expand term', await expandKey(ctx, 'name'), 'http://example.org/name');
  check('expand curie', await expandKey(ctx, 'ex:age'), 'http://example.org/age');
  check('expand vocab', await expandKey(ctx, 'height'), 'http://vocab.example/height');
  check('compact term', await compactKey(ctx, 'http://example.org/name'), 'name');
  check('compact vocab', await compactKey(ctx, 'http://vocab.example/height'), 'height');
  check('compact curie', await compactKey(ctx, 'http://example.org/age'), 'ex:age');
  check('compact shadowed vocab suffix', await compactKey(ctx, 'http://vocab.example/shadow'),
      'http://vocab.example/shadow');
  // PrefixesNeedAGenDelimOrAtPrefix.
  const prefixes = {'slash': 'http://example.org/ns/', 'nodelim': 'http://example.org/ns',
    'forced': {'@id': 'http://example.org/forced', '@prefix': true}};
  check('gen-delim prefix', await expandKey(prefixes, 'slash:a'), 'http://example.org/ns/a');
  check('no gen-delim', await expandKey(prefixes, 'nodelim:a'), 'nodelim:a');
  check('@prefix true', await expandKey(prefixes, 'forced:a'), 'http://example.org/forceda');
  // CompactionPrefersTheShortestThenLeastTermAndCurie.
  const many = {'long': 'http://example.org/p', 'bb': 'http://example.org/p',
    'aa': 'http://example.org/p', 'e': 'http://example.org/', 'exam': 'http://example.org/'};
  check('shortest term', await compactKey(many, 'http://example.org/p'), 'aa');
  check('shortest curie', await compactKey(many, 'http://example.org/q'), 'e:q');
  // core_context_test.cpp: user terms over the core context, core last.
  const user = [{'@vocab': 'https://user.example/vocab/',
    'temperature': 'https://user.example/temperature',
    'location': 'https://user.example/location'}, CORE_URL];
  check('user term', await expandKey(user, 'temperature'), 'https://user.example/temperature');
  check('core term wins', await expandKey(user, 'location'), NGSI + 'location');
  check('core @vocab wins', await expandKey(user, 'speed'), DEFAULT + 'speed');

  // context_processing_test.cpp: RejectsInvalidTermDefinitions (jsonld.js error codes).
  const errors = [
    [{'a': 5}, 'invalid term definition'],
    [{'a': {'@id': 5}}, 'invalid IRI mapping'],
    [{'a': {'@id': 'foo bar'}}, 'invalid IRI mapping'],
    [{'a': 'relative'}, 'invalid IRI mapping'],
    [{'a': {'@id': 'http://x/a', '@type': 'foo'}}, 'invalid type mapping'],
    [{'a': {'@id': 'http://x/a', '@type': '@list'}}, 'invalid type mapping'],
    [{'a': {'@id': 'http://x/a', '@container': '@foo'}}, 'invalid container mapping'],
    [{'a': {'@id': 'http://x/a', 'foo': 1}}, 'invalid term definition'],
    [{'a': 'b:x', 'b': 'a:y'}, 'cyclic IRI mapping'],
    [{'ex': 'http://e/', 'ex:b': 'http://other/'}, 'invalid IRI mapping'],
    [{'': 'http://x/'}, 'invalid term definition'],
    [{'@id': 'http://x/'}, 'keyword redefinition'],
    [{'ctx': '@context'}, 'invalid keyword alias'],
    [{'@vocab': 42}, 'invalid vocab mapping'],
    [{'@version': 1.0}, 'invalid @version value'],
    [{'@propagate': 'yes'}, 'invalid @propagate value'],
    [5, 'invalid local context'],
    [[{'@protected': true, 'a': 'http://x/a'}, {'a': 'http://y/a'}], 'protected term redefinition'],
    [[{'@protected': true, 'a': 'http://x/a'}, null], 'invalid context nullification'],
    [[{'@protected': true, 'a': 'http://x/a'}, {'a': 'http://x/a'}], '<no error>'],
    [{'a': {'@id': 'http://x/a', '@context': {'q': 'http://q/'}}}, '<no error>'],
  ];
  for (const [context, code] of errors) {
    check(`error ${JSON.stringify(context)}`, await errorOf(context), code);
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
