'use strict';
// Interop test: the real FIWARE IoT Agent library (iotagent-node-lib 4.14, memory device
// registry) writes measurements into a renkei started here; the results are then read back
// through renkei's own HTTP API with plain fetch.
//   node iotagent.js --server PATH_TO_RENKEI [--mode v2|ld] [-v]
// --mode v2 (default; ctest interop_iotagent_v2): NGSIv2, POST /v2/op/update, Fiware-Service.
// --mode ld (ctest interop_iotagent_ld): NGSI-LD, POST
//            /ngsi-ld/v1/entityOperations/upsert/?options=update, NGSILD-Tenant.
const http = require('node:http');
const { parseArgs, requireInstalled, freePort, startRenkei, http: call, runner, assert, ISO_MS } =
  require('../lib/harness');

const args = parseArgs(process.argv);
if (!['v2', 'ld'].includes(args.mode)) throw new Error(`--mode must be v2 or ld, not ${args.mode}`);
const LD = args.mode === 'ld';
process.noDeprecation = true; // the library uses domains (DEP0097)
if (!args.verbose && !process.env.LOGOPS_LEVEL) process.env.LOGOPS_LEVEL = 'FATAL';
const iotAgentLib = requireInstalled('iotagent-node-lib');
if (!args.verbose) iotAgentLib.logModule.setLevel('FATAL');

const TENANT = 'tenanta';
const OTHER_TENANT = 'tenantb';
const PATH_A = '/gardens';
const PATH_B = '/parks';
const APIKEY = 'key-interop';
const RESOURCE = '/iot/json';
const TYPE = 'WeatherStation';
const ID1 = 'urn:ngsi-ld:WeatherStation:001';
const ID2 = 'urn:ngsi-ld:WeatherStation:002';
// Name the library gives an autoprovisioned device: entity_type + ':' + device_id.
// In NGSI-LD mode the agent names autoprovisioned entities urn:ngsi-ld:<type>:<device id>
// (iotagent-node-lib deviceService.js), an entity id having to be a URI (§4.5.1).
const ID_AUTO = LD ? `urn:ngsi-ld:${TYPE}:ws999` : `${TYPE}:ws999`;

const { test, run } = runner();
let renkei;
let agentPort;
let contextServer;
let contextUrl;
let t0;

// ---------- helpers ----------
const cb = (fn, ...a) => new Promise((resolve, reject) =>
  fn(...a, (err, res) => (err ? reject(err) : resolve(res))));

async function agentApi(method, p, body, service, servicePath) {
  const r = await call(`http://127.0.0.1:${agentPort}`, method, p, {
    headers: { 'fiware-service': service, 'fiware-servicepath': servicePath }, body });
  return r;
}

// What a southbound agent (iotagent-json, -ul) does for a measure: look the device up by
// device id + API key (autoprovisioning it when the group allows), then update.
async function measure(deviceId, values) {
  const device = await cb(iotAgentLib.retrieveDevice, deviceId, APIKEY);
  const attributes = Object.entries(values).map(([name, v]) => ({ name, type: v.type, value: v.value }));
  await cb(iotAgentLib.update, device.name, device.type, '', attributes, device);
  return device;
}

function brokerHeaders(service, servicePath) {
  if (LD) {
    return { 'NGSILD-Tenant': service, Link: `<${contextUrl}>; rel="http://www.w3.org/ns/json-ld#context"; type="application/ld+json"`, Accept: 'application/json' };
  }
  return { 'Fiware-Service': service, 'Fiware-ServicePath': servicePath };
}

async function getEntity(id, service, servicePath) {
  const p = LD ? `/ngsi-ld/v1/entities/${encodeURIComponent(id)}` : `/v2/entities/${encodeURIComponent(id)}`;
  return call(renkei.url, 'GET', p, { headers: brokerHeaders(service, servicePath) });
}

// Replaces the agent's TimeInstant (set from its clock) with a placeholder after checking it.
function takeTimeInstant(entity) {
  const e = JSON.parse(JSON.stringify(entity));
  const stamps = new Set();
  const seen = (v) => {
    assert.match(v, ISO_MS);
    const ms = Date.parse(v);
    assert.ok(ms >= t0 - 1000 && ms <= Date.now() + 1000, `TimeInstant ${v} outside the test run`);
    stamps.add(v);
    return '<TimeInstant>';
  };
  if (LD) {
    for (const [k, a] of Object.entries(e)) {
      if (a && typeof a === 'object' && a.observedAt) a.observedAt = seen(a.observedAt);
      if (k === 'TimeInstant') a.value = a.value && a.value['@value'] ? seen(a.value['@value']) : seen(a.value);
    }
  } else {
    for (const [k, a] of Object.entries(e)) {
      if (k === 'id' || k === 'type') continue;
      if (k === 'TimeInstant') { a.value = seen(a.value); continue; }
      if (a.metadata && a.metadata.TimeInstant) a.metadata.TimeInstant.value = seen(a.metadata.TimeInstant.value);
    }
  }
  return { entity: e, stamps: [...stamps].sort() };
}

// Expected NGSIv2 attribute as Orion returns it (TimeInstant metadata added by the agent).
const v2Attr = (type, value, metadata = {}) =>
  ({ type, value, metadata: { ...metadata, TimeInstant: { type: 'DateTime', value: '<TimeInstant>' } } });
const v2Stamp = { type: 'DateTime', value: '<TimeInstant>', metadata: {} };

// Expected NGSI-LD attribute (normalized) as the agent writes it with timestamp: true.
const ldProp = (value, extra = {}) => ({ type: 'Property', value, observedAt: '<TimeInstant>', ...extra });

// ---------- provisioning ----------
const GROUP = {
  apikey: APIKEY,
  entity_type: TYPE,
  resource: RESOURCE,
  autoprovision: true,
  timestamp: true,
  attributes: [
    { object_id: 't', name: 'temperature', type: 'Number' },
    { object_id: 's', name: 'status', type: 'Text' },
  ],
  static_attributes: [{ name: 'municipality', type: 'Text', value: 'Wakayama' }],
};

const DEVICE1 = {
  device_id: 'ws001',
  entity_name: ID1,
  entity_type: TYPE,
  apikey: APIKEY,
  protocol: 'IoTA-JSON',
  transport: 'HTTP',
  timestamp: true,
  attributes: [
    { object_id: 't', name: 'temperature', type: 'Number' },
    { object_id: 'h', name: 'humidity', type: 'Number', metadata: { unitCode: { type: 'Text', value: 'P1' } } },
    { object_id: 's', name: 'status', type: 'Text' },
    { object_id: 'on', name: 'active', type: 'Boolean' },
    { object_id: 'cfg', name: 'config', type: 'StructuredValue' },
  ],
  static_attributes: [
    // geo:point is "lat,lon" in NGSIv2; in NGSI-LD mode the agent reads the string as
    // "lon,lat" (iotagent-node-lib ngsiUtils.getLngLats), so the LD run gives it that way.
    { name: 'location', type: 'geo:point', value: LD ? '135.1675,34.2261' : '34.2261,135.1675' },
    { name: 'owner', type: 'Text', value: 'Wakayama Prefecture' },
  ],
};

const DEVICE2 = {
  device_id: 'ws002',
  entity_name: ID2,
  entity_type: TYPE,
  apikey: APIKEY,
  protocol: 'IoTA-JSON',
  transport: 'HTTP',
  timestamp: false, // no TimeInstant for this one
  attributes: [{ object_id: 't', name: 'temperature', type: 'Number' }],
  static_attributes: [],
};

test('agent activates against renkei', async () => {
  agentPort = await freePort();
  const config = {
    logLevel: args.verbose ? 'DEBUG' : 'FATAL',
    contextBroker: { host: '127.0.0.1', port: String(renkei.port), ngsiVersion: LD ? 'ld' : 'v2' },
    server: { host: '127.0.0.1', port: agentPort },
    deviceRegistry: { type: 'memory' },
    types: {},
    service: TENANT,
    subservice: PATH_A,
    providerUrl: `http://127.0.0.1:${agentPort}`,
    deviceRegistrationDuration: 'P1M',
    defaultType: 'Thing',
    defaultResource: RESOURCE,
    explicitAttrs: false,
  };
  if (LD) {
    config.contextBroker.jsonLdContext = contextUrl;
    config.contextBroker.fallbackTenant = TENANT;
  }
  await cb(iotAgentLib.activate, config);
});

test('service group provisioned through the agent (POST /iot/services)', async () => {
  const r = await agentApi('POST', '/iot/services', { services: [GROUP] }, TENANT, PATH_A);
  assert.equal(r.status, 201, r.text);
  const list = await agentApi('GET', '/iot/services', undefined, TENANT, PATH_A);
  assert.equal(list.status, 200);
  assert.equal(list.json.count, 1);
  assert.equal(list.json.services[0].apikey, APIKEY);
});

test('devices provisioned through the agent (POST /iot/devices), two ServicePaths', async () => {
  let r = await agentApi('POST', '/iot/devices', { devices: [DEVICE1] }, TENANT, PATH_A);
  assert.equal(r.status, 201, r.text);
  r = await agentApi('POST', '/iot/devices', { devices: [DEVICE2] }, TENANT, PATH_B);
  assert.equal(r.status, 201, r.text);
  // Since 4.x the entity appears only with the first measure.
  assert.equal((await getEntity(ID1, TENANT, PATH_A)).status, 404);
});

const M1 = {
  t: { type: 'Number', value: 21.5 },
  h: { type: 'Number', value: 63 },
  s: { type: 'Text', value: 'open' },
  on: { type: 'Boolean', value: true },
  cfg: { type: 'StructuredValue', value: { interval: 60, sensors: ['t', 'h'] } },
};

test('first measure of ws001 lands as an entity with exact attributes', async () => {
  await measure('ws001', M1);
  const r = await getEntity(ID1, TENANT, PATH_A);
  assert.equal(r.status, 200, r.text);
  const { entity, stamps } = takeTimeInstant(r.json);
  assert.equal(stamps.length, 1, `one TimeInstant for one update: ${stamps}`);
  if (LD) {
    assert.deepEqual(entity, {
      id: ID1, type: TYPE,
      temperature: ldProp(21.5),
      humidity: ldProp(63, { unitCode: 'P1' }),
      status: ldProp('open'),
      active: ldProp(true),
      config: ldProp({ interval: 60, sensors: ['t', 'h'] }),
      location: { type: 'GeoProperty', value: { type: 'Point', coordinates: [135.1675, 34.2261] }, observedAt: '<TimeInstant>' },
      owner: ldProp('Wakayama Prefecture'),
      municipality: ldProp('Wakayama'),
    });
  } else {
    assert.deepEqual(entity, {
      id: ID1, type: TYPE,
      temperature: v2Attr('Number', 21.5),
      humidity: v2Attr('Number', 63, { unitCode: { type: 'Text', value: 'P1' } }),
      status: v2Attr('Text', 'open'),
      active: v2Attr('Boolean', true),
      config: v2Attr('StructuredValue', { interval: 60, sensors: ['t', 'h'] }),
      location: v2Attr('geo:point', '34.2261,135.1675'),
      owner: v2Attr('Text', 'Wakayama Prefecture'),
      municipality: v2Attr('Text', 'Wakayama'), // the group's static attribute
      TimeInstant: v2Stamp,
    });
  }
});

if (!LD) {
  test('keyValues view and geo query find ws001 (v2)', async () => {
    const h = brokerHeaders(TENANT, PATH_A);
    let r = await call(renkei.url, 'GET', `/v2/entities/${ID1}?options=keyValues&attrs=temperature,status,active`, { headers: h });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, { id: ID1, type: TYPE, temperature: 21.5, status: 'open', active: true });
    r = await call(renkei.url, 'GET', '/v2/entities?georel=near;maxDistance:1000&geometry=point&coords=34.226,135.1675&attrs=none', { headers: h });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, [{ id: ID1, type: TYPE }]);
  });
}

test('measure of ws002 lands in its own ServicePath, without TimeInstant', async () => {
  await measure('ws002', { t: { type: 'Number', value: 17 } });
  const r = await getEntity(ID2, TENANT, PATH_B);
  assert.equal(r.status, 200, r.text);
  if (LD) {
    assert.deepEqual(r.json, { id: ID2, type: TYPE, temperature: { type: 'Property', value: 17 },
      municipality: { type: 'Property', value: 'Wakayama' } });
  } else {
    assert.deepEqual(r.json, { id: ID2, type: TYPE, temperature: { type: 'Number', value: 17, metadata: {} },
      municipality: { type: 'Text', value: 'Wakayama', metadata: {} } });
  }
});

if (!LD) {
  test('ServicePath scoping: /gardens does not see ws002, /parks does not see ws001, /# sees both', async () => {
    assert.equal((await getEntity(ID2, TENANT, PATH_A)).status, 404);
    assert.equal((await getEntity(ID1, TENANT, PATH_B)).status, 404);
    const r = await call(renkei.url, 'GET', `/v2/entities?type=${TYPE}&attrs=none&orderBy=id&options=count`,
      { headers: { 'Fiware-Service': TENANT, 'Fiware-ServicePath': '/#' } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.headers.get('fiware-total-count'), '2');
    assert.deepEqual(r.json, [{ id: ID1, type: TYPE }, { id: ID2, type: TYPE }]);
  });
}

test('another tenant sees nothing', async () => {
  const r = await getEntity(ID1, OTHER_TENANT, PATH_A);
  assert.equal(r.status, 404, r.text);
  if (LD) {
    assert.equal(r.json.type, 'https://uri.etsi.org/ngsi-ld/errors/ResourceNotFound');
  } else {
    assert.deepEqual(r.json, { error: 'NotFound', description: 'The requested entity has not been found. Check type and id' });
    const all = await call(renkei.url, 'GET', '/v2/entities?options=count',
      { headers: { 'Fiware-Service': OTHER_TENANT, 'Fiware-ServicePath': '/#' } });
    assert.equal(all.status, 200);
    assert.equal(all.headers.get('fiware-total-count'), '0');
    assert.deepEqual(all.json, []);
    const types = await call(renkei.url, 'GET', '/v2/types', { headers: { 'Fiware-Service': OTHER_TENANT } });
    assert.deepEqual(types.json, []);
    // and no Fiware-Service at all (the default tenant) neither
    const def = await call(renkei.url, 'GET', '/v2/entities', {});
    assert.deepEqual(def.json, []);
  }
});

test('second measure changes values, keeps the others, renews TimeInstant', async () => {
  const [before] = takeTimeInstant((await getEntity(ID1, TENANT, PATH_A)).json).stamps;
  await new Promise((r) => setTimeout(r, 5)); // a later millisecond for the agent's clock
  await measure('ws001', { t: { type: 'Number', value: 22.75 }, s: { type: 'Text', value: 'closed' } });
  const r = await getEntity(ID1, TENANT, PATH_A);
  assert.equal(r.status, 200, r.text);
  const { entity, stamps } = takeTimeInstant(r.json);
  // humidity, active, config were not in this measure: the first TimeInstant stays on them
  assert.equal(stamps.length, 2, `${stamps}`);
  assert.equal(stamps[0], before);
  const stamp = stamps[1];
  const stampOf = (a) => (LD ? r.json[a].observedAt : r.json[a].metadata.TimeInstant.value);
  for (const a of ['temperature', 'status', 'owner', 'location', 'municipality']) assert.equal(stampOf(a), stamp, a);
  for (const a of ['humidity', 'active', 'config']) assert.equal(stampOf(a), before, a);
  if (LD) {
    assert.deepEqual(entity.temperature, ldProp(22.75));
    assert.deepEqual(entity.status, ldProp('closed'));
    assert.equal(entity.humidity.value, 63);
    assert.equal(entity.owner.value, 'Wakayama Prefecture');
  } else {
    assert.deepEqual(entity.temperature, v2Attr('Number', 22.75));
    assert.deepEqual(entity.status, v2Attr('Text', 'closed'));
    assert.deepEqual(entity.owner, v2Attr('Text', 'Wakayama Prefecture'));
    assert.equal(entity.humidity.value, 63);
    assert.equal(entity.active.value, true);
    assert.deepEqual(entity.TimeInstant, v2Stamp);
    assert.equal(r.json.TimeInstant.value, stamp);
    assert.deepEqual(Object.keys(entity).sort(),
      ['TimeInstant', 'active', 'config', 'humidity', 'id', 'location', 'municipality', 'owner', 'status',
        'temperature', 'type']);
  }
});

test('measure of an unknown device autoprovisions it and creates its entity', async () => {
  const device = await measure('ws999', { t: { type: 'Number', value: 30.25 }, s: { type: 'Text', value: 'new' } });
  assert.equal(device.name, ID_AUTO);
  const r = await getEntity(ID_AUTO, TENANT, PATH_A);
  assert.equal(r.status, 200, r.text);
  const { entity, stamps } = takeTimeInstant(r.json);
  assert.equal(stamps.length, 1, `${stamps}`);
  if (LD) {
    assert.deepEqual(entity, {
      id: ID_AUTO, type: TYPE,
      temperature: ldProp(30.25), status: ldProp('new'), municipality: ldProp('Wakayama'),
    });
  } else {
    assert.deepEqual(entity, {
      id: ID_AUTO, type: TYPE,
      temperature: v2Attr('Number', 30.25),
      status: v2Attr('Text', 'new'),
      municipality: v2Attr('Text', 'Wakayama'),
      TimeInstant: v2Stamp,
    });
    const devs = await agentApi('GET', '/iot/devices', undefined, TENANT, PATH_A);
    assert.deepEqual(devs.json.devices.map((d) => d.device_id).sort(), ['ws001', 'ws999']);
  }
});

test('types listing of the tenant', async () => {
  if (LD) {
    const r = await call(renkei.url, 'GET', '/ngsi-ld/v1/types', { headers: brokerHeaders(TENANT) });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json.typeList, [TYPE]);
    return;
  }
  const r = await call(renkei.url, 'GET', '/v2/types?options=values',
    { headers: { 'Fiware-Service': TENANT, 'Fiware-ServicePath': '/#' } });
  assert.equal(r.status, 200, r.text);
  assert.deepEqual(r.json, [TYPE]);
});

// ---------- run ----------
(async () => {
  t0 = Date.now();
  let code = 1;
  try {
    renkei = await startRenkei(args.server, { verbose: args.verbose });
    if (LD) {
      // The agent's user @context, served locally so that the test stays hermetic.
      const ctx = JSON.stringify({ '@context': {
        WeatherStation: 'https://example.org/renkei/WeatherStation',
        temperature: 'https://example.org/renkei/temperature',
        humidity: 'https://example.org/renkei/humidity',
        status: 'https://example.org/renkei/status',
        active: 'https://example.org/renkei/active',
        config: 'https://example.org/renkei/config',
        owner: 'https://example.org/renkei/owner',
        municipality: 'https://example.org/renkei/municipality',
        TimeInstant: 'https://example.org/renkei/TimeInstant',
      } });
      contextServer = http.createServer((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/ld+json' });
        res.end(ctx);
      });
      const p = await freePort();
      await new Promise((r) => contextServer.listen(p, '127.0.0.1', r));
      contextUrl = `http://127.0.0.1:${p}/context.jsonld`;
    }
    code = await run({
      timeoutMs: 50000,
      teardown: async () => {
        await new Promise((r) => iotAgentLib.deactivate(() => r()));
        if (contextServer) await new Promise((r) => contextServer.close(r));
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
