'use strict';
// Interop test: Wirecloud's NGSI client (ngsijs 1.4.1, its Node.js transport) against a renkei
// started here, NGSIv2 API. Assertions are on what comes back through ngsijs's own API.
//   node ngsijs.js --server PATH_TO_RENKEI [-v]
const { parseArgs, requireInstalled, startRenkei, http: call, runner, assert } = require('../lib/harness');

const args = parseArgs(process.argv);
if (args.mode !== 'v2') throw new Error('ngsijs.js implements --mode v2 only');
const NGSI = requireInstalled('ngsijs');

const SERVICE = 'ngsijs';
const PATH = '/town';
const OPTS = { service: SERVICE, servicepath: PATH };
const { test, run } = runner();
let renkei;
let conn;

const room = (n, temp, extra = {}) => ({
  id: `Room${n}`, type: 'Room',
  temperature: { type: 'Number', value: temp },
  name: { type: 'Text', value: `room ${n}` },
  ...extra,
});

test('createEntity: 201 + Location for three Rooms and a Sensor', async () => {
  const r = await conn.v2.createEntity(room(1, 21.5, {
    pressure: { type: 'Integer', value: 720, metadata: { unit: { type: 'Text', value: 'mmHg' } } },
  }), OPTS);
  assert.equal(r.location, '/v2/entities/Room1?type=Room');
  assert.equal(typeof r.correlator, 'string');
  await conn.v2.createEntity(room(2, 24), OPTS);
  await conn.v2.createEntity(room(3, 19.25), OPTS);
  await conn.v2.createEntity({ id: 'S1', type: 'Sensor', on: true }, { ...OPTS, keyValues: true });
});

test('createEntity of an existing id rejects with AlreadyExistsError', async () => {
  await assert.rejects(conn.v2.createEntity(room(1, 0), OPTS), (e) => e instanceof NGSI.AlreadyExistsError);
});

test('listEntities with type, count (Fiware-Total-Count) and limit', async () => {
  const r = await conn.v2.listEntities({ ...OPTS, type: 'Room', count: true, limit: 2, orderBy: 'id', attrs: 'temperature' });
  assert.equal(r.count, 3);
  assert.equal(r.limit, 2);
  assert.equal(r.offset, 0);
  assert.deepEqual(r.results, [
    { id: 'Room1', type: 'Room', temperature: { type: 'Number', value: 21.5, metadata: {} } },
    { id: 'Room2', type: 'Room', temperature: { type: 'Number', value: 24, metadata: {} } },
  ]);
  const page2 = await conn.v2.listEntities({ ...OPTS, type: 'Room', count: true, limit: 2, offset: 2, orderBy: 'id', keyValues: true });
  assert.equal(page2.count, 3);
  assert.deepEqual(page2.results, [{ id: 'Room3', type: 'Room', temperature: 19.25, name: 'room 3' }]);
});

test('listEntities with q, idPattern and values', async () => {
  let r = await conn.v2.listEntities({ ...OPTS, q: 'temperature>20', orderBy: '!temperature', keyValues: true, attrs: 'temperature' });
  assert.deepEqual(r.results, [
    { id: 'Room2', type: 'Room', temperature: 24 },
    { id: 'Room1', type: 'Room', temperature: 21.5 },
  ]);
  r = await conn.v2.listEntities({ ...OPTS, q: 'temperature<22;name==\'room 3\'', keyValues: true, attrs: 'name' });
  assert.deepEqual(r.results, [{ id: 'Room3', type: 'Room', name: 'room 3' }]);
  r = await conn.v2.listEntities({ ...OPTS, idPattern: '^S', values: true, attrs: 'on' });
  assert.deepEqual(r.results, [[true]]);
  // no id, no type: everything in the ServicePath
  r = await conn.v2.listEntities({ ...OPTS, count: true, attrs: 'none', orderBy: 'id' });
  assert.equal(r.count, 4);
  assert.deepEqual(r.results.map((e) => e.id), ['Room1', 'Room2', 'Room3', 'S1']);
});

test('getEntity returns the full entity with metadata', async () => {
  const r = await conn.v2.getEntity({ ...OPTS, id: 'Room1', type: 'Room' });
  assert.deepEqual(r.entity, {
    id: 'Room1', type: 'Room',
    temperature: { type: 'Number', value: 21.5, metadata: {} },
    name: { type: 'Text', value: 'room 1', metadata: {} },
    pressure: { type: 'Integer', value: 720, metadata: { unit: { type: 'Text', value: 'mmHg' } } },
  });
  await assert.rejects(conn.v2.getEntity({ ...OPTS, id: 'Nope' }), (e) => e instanceof NGSI.NotFoundError);
});

test('other tenant and other ServicePath see nothing', async () => {
  let r = await conn.v2.listEntities({ service: 'elsewhere', count: true });
  assert.equal(r.count, 0);
  assert.deepEqual(r.results, []);
  r = await conn.v2.listEntities({ service: SERVICE, servicepath: '/other', count: true });
  assert.equal(r.count, 0);
  await assert.rejects(conn.v2.getEntity({ service: 'elsewhere', id: 'Room1' }), (e) => e instanceof NGSI.NotFoundError);
});

test('updateEntityAttributes (PATCH) changes only the given attributes', async () => {
  await conn.v2.updateEntityAttributes({ id: 'Room1', type: 'Room', temperature: { value: 23, type: 'Number' } }, OPTS);
  const r = await conn.v2.getEntity({ ...OPTS, id: 'Room1', keyValues: true });
  assert.deepEqual(r.entity, { id: 'Room1', type: 'Room', temperature: 23, name: 'room 1', pressure: 720 });
  // Orion 4 answers 422 Unprocessable for a missing attribute; ngsijs 1.4.1 (written for the
  // older 404) reports it as InvalidResponseError.
  await assert.rejects(conn.v2.updateEntityAttributes({ id: 'Room1', missing: { value: 1 } }, OPTS),
    (e) => e instanceof NGSI.InvalidResponseError && e.message === 'Unexpected error code: 422');
});

test('appendEntityAttributes (POST attrs) adds an attribute', async () => {
  await conn.v2.appendEntityAttributes({ id: 'Room2', humidity: { type: 'Number', value: 40 } }, OPTS);
  const r = await conn.v2.getEntityAttribute({ ...OPTS, id: 'Room2', attribute: 'humidity' });
  assert.deepEqual(r.attribute, { type: 'Number', value: 40, metadata: {} });
  const v = await conn.v2.getEntityAttributeValue({ ...OPTS, id: 'Room2', attribute: 'humidity' });
  assert.equal(v.value, 40);
});

test('replaceEntityAttributes (PUT attrs) replaces the whole attribute set', async () => {
  await conn.v2.replaceEntityAttributes({ id: 'Room3', type: 'Room', seats: { type: 'Number', value: 12 },
    layout: { type: 'StructuredValue', value: { rows: 2 } } }, OPTS);
  const r = await conn.v2.getEntity({ ...OPTS, id: 'Room3' });
  assert.deepEqual(r.entity, { id: 'Room3', type: 'Room', seats: { type: 'Number', value: 12, metadata: {} },
    layout: { type: 'StructuredValue', value: { rows: 2 }, metadata: {} } });
});

test('replaceEntityAttributeValue and deleteEntityAttribute', async () => {
  await conn.v2.replaceEntityAttributeValue({ ...OPTS, id: 'Room3', attribute: 'layout', value: { rows: 3, cols: 4 } });
  let r = await conn.v2.getEntity({ ...OPTS, id: 'Room3', keyValues: true });
  assert.deepEqual(r.entity, { id: 'Room3', type: 'Room', seats: 12, layout: { rows: 3, cols: 4 } });
  // ngsijs sends every value as application/json; Orion accepts only an object or an array
  // there (telefonicaid/fiware-orion#2696), so a bare number is a 400 BadRequest.
  await assert.rejects(conn.v2.replaceEntityAttributeValue({ ...OPTS, id: 'Room3', attribute: 'seats', value: 14 }),
    (e) => e instanceof NGSI.BadRequestError && e.message === 'Neither JSON Object nor JSON Array for attribute::value');
  await conn.v2.deleteEntityAttribute({ ...OPTS, id: 'Room1', type: 'Room', attribute: 'pressure' });
  r = await conn.v2.getEntity({ ...OPTS, id: 'Room1', keyValues: true });
  assert.deepEqual(r.entity, { id: 'Room1', type: 'Room', temperature: 23, name: 'room 1' });
  await assert.rejects(conn.v2.deleteEntityAttribute({ ...OPTS, id: 'Room1', attribute: 'pressure' }),
    (e) => e instanceof NGSI.NotFoundError);
});

test('batchUpdate (op/update): append two entities, update one, delete an attribute', async () => {
  await conn.v2.batchUpdate({ actionType: 'append', entities: [
    { id: 'Room4', type: 'Room', temperature: { type: 'Number', value: 18 } },
    { id: 'Room1', type: 'Room', temperature: { type: 'Number', value: 25 } },
  ] }, OPTS);
  await conn.v2.batchUpdate({ actionType: 'update', entities: [
    { id: 'Room4', type: 'Room', temperature: { type: 'Number', value: 18.5 } },
  ] }, OPTS);
  await conn.v2.batchUpdate({ actionType: 'delete', entities: [{ id: 'Room2', type: 'Room', humidity: {} }] }, OPTS);
  const r = await conn.v2.listEntities({ ...OPTS, type: 'Room', keyValues: true, orderBy: 'id', attrs: 'temperature,humidity' });
  assert.deepEqual(r.results, [
    { id: 'Room1', type: 'Room', temperature: 25 },
    { id: 'Room2', type: 'Room', temperature: 24 },
    { id: 'Room3', type: 'Room' },
    { id: 'Room4', type: 'Room', temperature: 18.5 },
  ]);
  await assert.rejects(conn.v2.batchUpdate({ actionType: 'update', entities: [
    { id: 'Ghost', type: 'Room', temperature: { type: 'Number', value: 1 } }] }, OPTS));
});

test('batchQuery (op/query) with entities pattern, attrs, expression and count', async () => {
  const r = await conn.v2.batchQuery({
    entities: [{ idPattern: '^Room', type: 'Room' }],
    attrs: ['temperature'],
    expression: { q: 'temperature>=20' },
  }, { ...OPTS, count: true, orderBy: 'id', keyValues: true });
  assert.equal(r.count, 2);
  assert.deepEqual(r.results, [
    { id: 'Room1', type: 'Room', temperature: 25 },
    { id: 'Room2', type: 'Room', temperature: 24 },
  ]);
});

test('listTypes and getType', async () => {
  let r = await conn.v2.listTypes({ ...OPTS, count: true });
  assert.equal(r.count, 2);
  assert.deepEqual(r.results, [
    { type: 'Room', attrs: { layout: { types: ['StructuredValue'] }, name: { types: ['Text'] },
      seats: { types: ['Number'] }, temperature: { types: ['Number'] } }, count: 4 },
    { type: 'Sensor', attrs: { on: { types: ['Boolean'] } }, count: 1 },
  ]);
  r = await conn.v2.listTypes({ ...OPTS, values: true });
  assert.deepEqual(r.results, ['Room', 'Sensor']);
  const t = await conn.v2.getType({ ...OPTS, id: 'Sensor' });
  assert.deepEqual(t.type, { attrs: { on: { types: ['Boolean'] } }, count: 1 });
});

test('deleteEntity, then the same entities seen through plain HTTP', async () => {
  await conn.v2.deleteEntity({ ...OPTS, id: 'S1', type: 'Sensor' });
  await assert.rejects(conn.v2.getEntity({ ...OPTS, id: 'S1' }), (e) => e instanceof NGSI.NotFoundError);
  const r = await call(renkei.url, 'GET', '/v2/entities?options=keyValues,count&orderBy=id&attrs=temperature',
    { headers: { 'Fiware-Service': SERVICE, 'Fiware-ServicePath': PATH } });
  assert.equal(r.headers.get('fiware-total-count'), '4');
  assert.deepEqual(r.json.map((e) => e.id), ['Room1', 'Room2', 'Room3', 'Room4']);
});

(async () => {
  let code = 1;
  try {
    renkei = await startRenkei(args.server, { verbose: args.verbose });
    conn = new NGSI.Connection(renkei.url);
    code = await run({
      timeoutMs: 50000,
      teardown: async () => {
        const exit = await renkei.stop();
        assert.ok(exit.code === 0 || exit.sig === 'SIGTERM', `renkei exit ${JSON.stringify(exit)}`);
      },
    });
  } catch (e) {
    console.error(`FAIL  setup: ${e && e.stack || e}`);
    if (renkei) await renkei.stop();
    console.log('0 passed, 1 failed');
  }
  process.exit(code);
})();
