// Drive every Appwrite endpoint awm uses through the official client,
// node-appwrite 17, against the stand-in, and check what comes back.
//
// The client is the reference: it builds the requests (JSON bodies, flattened
// queries[n] parameters, multipart chunked uploads with Content-Range and
// x-appwrite-id) and parses the answers and errors exactly as it would with a
// real Appwrite 1.7.  Run by tests/cli/t8001-appwrite-standin-fidelity.sh with
//   NODE_PATH        a node_modules folder holding node-appwrite 17
//   APPWRITE_ENDPOINT http://127.0.0.1:<port>/v1
//   APPWRITE_PROJECT, APPWRITE_API_KEY, APPWRITE_READ_KEY (a databases.read-only key)
// It prints one line per check and ends with "N passed, M failed".
'use strict';

const assert = require('node:assert/strict');
const crypto = require('node:crypto');
const sdk = require('node-appwrite');
const { InputFile } = require('node-appwrite/file');

const { Client, Databases, Storage, Query, Permission, Role, AppwriteException,
        RelationshipType, RelationMutate, IndexType, Compression } = sdk;

const endpoint = process.env.APPWRITE_ENDPOINT;
const project = process.env.APPWRITE_PROJECT;
const key = process.env.APPWRITE_API_KEY;
const admin = endpoint.replace(/\/v1$/, '/__standin');

// Every endpoint awm's engine and remote use; each must be called below.
const REQUIRED = {
  Databases: ['list', 'create', 'get', 'update', 'delete', 'listCollections',
    'createCollection', 'getCollection', 'updateCollection', 'deleteCollection',
    'listAttributes', 'getAttribute', 'deleteAttribute', 'createBooleanAttribute',
    'createDatetimeAttribute', 'createEmailAttribute', 'createEnumAttribute',
    'createFloatAttribute', 'createIntegerAttribute', 'createIpAttribute',
    'createRelationshipAttribute', 'createStringAttribute', 'createUrlAttribute',
    'updateBooleanAttribute', 'updateDatetimeAttribute', 'updateEmailAttribute',
    'updateEnumAttribute', 'updateFloatAttribute', 'updateIntegerAttribute',
    'updateIpAttribute', 'updateRelationshipAttribute', 'updateStringAttribute',
    'updateUrlAttribute', 'listIndexes', 'createIndex', 'getIndex', 'deleteIndex',
    'listDocuments', 'createDocument', 'getDocument', 'updateDocument', 'deleteDocument'],
  Storage: ['listBuckets', 'createBucket', 'getBucket', 'updateBucket', 'deleteBucket',
    'listFiles', 'createFile', 'getFile', 'updateFile', 'deleteFile', 'getFileDownload',
    'getFileView'],
  Query: ['equal', 'limit', 'offset', 'cursorAfter', 'orderAsc', 'orderDesc'],
};
const called = { Databases: new Set(), Storage: new Set(), Query: new Set() };

// A service whose method calls are recorded in `called`.
function recorded(name, service) {
  return new Proxy(service, {
    get(target, prop) {
      const value = target[prop];
      if (typeof value !== 'function') return value;
      return (...args) => { called[name].add(prop); return value.apply(target, args); };
    },
  });
}
const Q = new Proxy(Query, {
  get(target, prop) {
    const value = target[prop];
    if (typeof value !== 'function') return value;
    return (...args) => { called.Query.add(prop); return value.apply(target, args); };
  },
});

function client(opts = {}) {
  const c = new Client().setEndpoint(endpoint);
  if (opts.project !== null) c.setProject(opts.project || project);
  if (opts.key !== null) c.setKey(opts.key || key);
  return c;
}
const db = recorded('Databases', new Databases(client()));
const storage = recorded('Storage', new Storage(client()));

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log('ok - ' + name);
  } catch (err) {
    failed++;
    console.log('not ok - ' + name);
    console.log(String(err && err.stack || err).replace(/^/gm, '#   '));
  }
}

// The promise must fail with this HTTP code and Appwrite error type.
async function rejects(promise, code, type) {
  try {
    await promise;
  } catch (err) {
    if (!(err instanceof AppwriteException)) throw err;
    assert.equal(err.code, code, `code of "${err.message}"`);
    assert.equal(err.type, type, `type of "${err.message}"`);
    return err;
  }
  throw new Error(`expected a ${code} ${type}, the call succeeded`);
}

// The model's fields, from node-appwrite's models.d.ts, must all be there.
const MODELS = {
  database: ['$id', 'name', '$createdAt', '$updatedAt', 'enabled'],
  collection: ['$id', '$createdAt', '$updatedAt', '$permissions', 'databaseId', 'name',
    'enabled', 'documentSecurity', 'attributes', 'indexes'],
  attribute: ['key', 'type', 'status', 'error', 'required', 'array', '$createdAt', '$updatedAt'],
  index: ['key', 'type', 'status', 'error', 'attributes', 'lengths', 'orders', '$createdAt',
    '$updatedAt'],
  document: ['$id', '$sequence', '$collectionId', '$databaseId', '$createdAt', '$updatedAt',
    '$permissions'],
  bucket: ['$id', '$createdAt', '$updatedAt', '$permissions', 'fileSecurity', 'name', 'enabled',
    'maximumFileSize', 'allowedFileExtensions', 'compression', 'encryption', 'antivirus'],
  file: ['$id', 'bucketId', '$createdAt', '$updatedAt', '$permissions', 'name', 'signature',
    'mimeType', 'sizeOriginal', 'chunksTotal', 'chunksUploaded'],
};
function shaped(model, obj, extra = []) {
  for (const field of MODELS[model].concat(extra)) {
    assert.ok(field in obj, `${model} lacks "${field}": ${JSON.stringify(obj)}`);
  }
  for (const field of ['$createdAt', '$updatedAt']) {
    if (field in obj) assert.match(obj[field], /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$/);
  }
  return obj;
}

async function control(what, body, method = 'POST') {
  const res = await fetch(`${admin}/${what}`, {
    method, headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return res.status === 204 ? null : res.json();
}

// Poll until `get` returns something whose status is not processing/deleting.
async function settle(get, seconds = 10) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const item = await get();
    if (!['processing', 'deleting'].includes(item.status)) return item;
    if (Date.now() > deadline) throw new Error('still ' + item.status);
    await new Promise((r) => setTimeout(r, 50));
  }
}
async function gone(get, code, type, seconds = 10) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    try {
      const item = await get();
      assert.equal(item.status, 'deleting');
    } catch (err) {
      if (err instanceof AppwriteException && err.code === code && err.type === type) return;
      throw err;
    }
    if (Date.now() > deadline) throw new Error('never went away');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const D = 'awm';
async function authentication() {
  await check('without a key, databases need a scope guests lack', async () => {
    const err = await rejects(new Databases(client({ key: null })).list(),
      401, 'general_unauthorized_scope');
    assert.equal(err.message, 'User (role: guests) missing scopes (["databases.read"])');
  });
  await check('a wrong key is user_unauthorized', () =>
    rejects(new Databases(client({ key: 'not-the-key' })).list(), 401, 'user_unauthorized'));
  await check('an unknown project is project_not_found', () =>
    rejects(new Databases(client({ project: 'no-such-project' })).list(),
      404, 'project_not_found'));
  await check('a key without a scope is told which one it lacks', async () => {
    const reader = new Databases(client({ key: process.env.APPWRITE_READ_KEY }));
    await reader.list();
    const err = await rejects(reader.create('x', 'X'), 401, 'general_unauthorized_scope');
    assert.match(err.message, /^app\.[\w-]+@service\.[\w.]+ \(role: applications\) missing scopes \(\["databases.write"\]\)$/);
  });
}

async function databases() {
  await check('create a database', async () => {
    const d = shaped('database', await db.create(D, 'awm test'));
    assert.equal(d.$id, D);
    assert.equal(d.enabled, true);
  });
  await check('a second database with the same id is a 409',
    () => rejects(db.create(D, 'again'), 409, 'database_already_exists'));
  await check('get, update and list databases', async () => {
    assert.equal((await db.get(D)).name, 'awm test');
    assert.equal(shaped('database', await db.update(D, 'awm', true)).name, 'awm');
    await db.create('other', 'other');
    const all = await db.list();
    assert.equal(all.total, 2);
    assert.deepEqual(all.databases.map((x) => x.$id), [D, 'other']);
    const some = await db.list([Q.equal('name', ['other']), Q.limit(5)]);
    assert.deepEqual(some.databases.map((x) => x.$id), ['other']);
    await db.delete('other');
    await rejects(db.get('other'), 404, 'database_not_found');
  });
}

async function collections() {
  await check('create collections with permissions, documentSecurity, enabled', async () => {
    const c = shaped('collection', await db.createCollection(D, 'state', 'awm state',
      [Permission.read(Role.any())], false, true));
    assert.deepEqual(c.$permissions, ['read("any")']);
    assert.equal(c.documentSecurity, false);
    assert.deepEqual([c.attributes, c.indexes], [[], []]);
    await db.createCollection(D, 'locks', 'awm locks');
  });
  await check('a collection id taken is a 409', () =>
    rejects(db.createCollection(D, 'state', 'x'), 409, 'collection_already_exists'));
  await check('update a collection; write() becomes update and delete', async () => {
    const c = await db.updateCollection(D, 'state', 'State', [Permission.read(Role.any()),
      Permission.write(Role.users())], true, true);
    assert.deepEqual(c.$permissions,
      ['read("any")', 'create("users")', 'update("users")', 'delete("users")']);
    assert.equal(c.documentSecurity, true);
    assert.equal((await db.getCollection(D, 'state')).name, 'State');
  });
  await check('list collections with queries', async () => {
    const all = await db.listCollections(D);
    assert.deepEqual(all.collections.map((x) => x.$id), ['state', 'locks']);
    const one = await db.listCollections(D, [Q.equal('name', ['awm locks'])]);
    assert.deepEqual([one.total, one.collections[0].$id], [1, 'locks']);
  });
  await check('a missing collection is collection_not_found', async () => {
    await rejects(db.getCollection(D, 'nope'), 404, 'collection_not_found');
    await db.createCollection(D, 'scratch', 'scratch');
    await db.deleteCollection(D, 'scratch');
    await rejects(db.getCollection(D, 'scratch'), 404, 'collection_not_found');
  });
}

async function attributes() {
  await control('config', { attribute_delay: 0.3, fail_keys: ['doomed', 'doomed_idx'] });
  const S = 'state';
  await check('create one attribute of every type: 202 and processing', async () => {
    const made = [
      await db.createStringAttribute(D, S, 'record_type', 64, true),
      await db.createStringAttribute(D, S, 'record_id', 64, true),
      await db.createStringAttribute(D, S, 'payload', 100000, false, '{}'),
      await db.createStringAttribute(D, S, 'tags', 32, false, undefined, true),
      await db.createIntegerAttribute(D, S, 'version', false, 0, 1000000, 1),
      await db.createFloatAttribute(D, S, 'ratio', false, 0, 1, 0.5),
      await db.createBooleanAttribute(D, S, 'active', false, true),
      await db.createEmailAttribute(D, S, 'owner', false),
      await db.createEnumAttribute(D, S, 'status', ['applied', 'rolled_back'], true),
      await db.createUrlAttribute(D, S, 'link', false),
      await db.createIpAttribute(D, S, 'host', false),
      await db.createDatetimeAttribute(D, S, 'created_at', false),
    ];
    for (const a of made) {
      shaped('attribute', a);
      assert.equal(a.status, 'processing');
    }
    const byKey = Object.fromEntries(made.map((a) => [a.key, a]));
    assert.deepEqual([byKey.record_type.type, byKey.record_type.size], ['string', 64]);
    assert.equal(byKey.payload.default, '{}');
    assert.equal(byKey.tags.array, true);
    assert.deepEqual([byKey.version.type, byKey.version.min, byKey.version.max,
      byKey.version.default], ['integer', 0, 1000000, 1]);
    assert.deepEqual([byKey.ratio.type, byKey.ratio.default], ['double', 0.5]);
    assert.deepEqual([byKey.owner.type, byKey.owner.format], ['string', 'email']);
    assert.deepEqual([byKey.status.format, byKey.status.elements],
      ['enum', ['applied', 'rolled_back']]);
    assert.deepEqual([byKey.link.format, byKey.host.format], ['url', 'ip']);
    assert.equal(byKey.created_at.type, 'datetime');
  });
  await check('a two-way relationship adds the other side', async () => {
    const r = await db.createRelationshipAttribute(D, S, 'locks', RelationshipType.ManyToOne,
      true, 'lock', 'entries', RelationMutate.SetNull);
    shaped('attribute', r, ['relatedCollection', 'relationType', 'twoWay', 'twoWayKey',
      'onDelete', 'side']);
    assert.deepEqual([r.type, r.relatedCollection, r.relationType, r.side, r.onDelete],
      ['relationship', 'locks', 'manyToOne', 'parent', 'setNull']);
    const child = await db.getAttribute(D, 'locks', 'entries');
    assert.deepEqual([child.side, child.relatedCollection, child.twoWayKey],
      ['child', S, 'lock']);
  });
  await check('processing attributes take no index and no data', async () => {
    await rejects(db.createIndex(D, S, 'early', IndexType.Key, ['record_type']),
      400, 'attribute_not_available');
    await rejects(db.createDocument(D, S, 'early', { record_type: 'x' }),
      400, 'document_invalid_structure');
  });
  await check('attributes become available (polled with getAttribute)', async () => {
    const list = await db.listAttributes(D, S);
    assert.equal(list.total, 13);
    for (const a of list.attributes) {
      const done = await settle(() => db.getAttribute(D, S, a.key));
      assert.equal(done.status, 'available', a.key);
    }
    const strings = await db.listAttributes(D, S, [Q.equal('type', ['string']), Q.limit(3)]);
    assert.equal(strings.total, 8); // email, enum, url and ip are strings too
    assert.deepEqual(strings.attributes.map((a) => a.key), ['record_type', 'record_id', 'payload']);
  });
  await check('a key taken is a 409, a default on a required attribute a 400', async () => {
    await rejects(db.createBooleanAttribute(D, S, 'active', false), 409,
      'attribute_already_exists');
    await rejects(db.createStringAttribute(D, S, 'bad', 10, true, 'x'), 400,
      'attribute_default_unsupported');
  });
  await check('update every attribute type', async () => {
    let a = await db.updateStringAttribute(D, S, 'payload', false, null, 200000);
    assert.deepEqual([a.size, a.default], [200000, null]);
    a = await db.updateIntegerAttribute(D, S, 'version', false, 2, 0, 10);
    assert.deepEqual([a.min, a.max, a.default], [0, 10, 2]);
    a = await db.updateFloatAttribute(D, S, 'ratio', false, 0.25, 0, 2);
    assert.deepEqual([a.max, a.default], [2, 0.25]);
    a = await db.updateBooleanAttribute(D, S, 'active', false, false);
    assert.equal(a.default, false);
    a = await db.updateEmailAttribute(D, S, 'owner', false, 'ops@example.com');
    assert.equal(a.default, 'ops@example.com');
    a = await db.updateEnumAttribute(D, S, 'status', ['applied', 'rolled_back', 'failed'],
      true, null);
    assert.equal(a.elements.length, 3);
    a = await db.updateUrlAttribute(D, S, 'link', false, 'https://example.com/x');
    assert.equal(a.default, 'https://example.com/x');
    a = await db.updateIpAttribute(D, S, 'host', false, '127.0.0.1');
    assert.equal(a.default, '127.0.0.1');
    a = await db.updateDatetimeAttribute(D, S, 'created_at', false, '2024-01-02T03:04:05Z');
    assert.equal(a.default, '2024-01-02T03:04:05.000+00:00');
    a = await db.updateStringAttribute(D, S, 'tags', false, null, undefined, 'labels');
    assert.equal(a.key, 'labels');
    await rejects(db.getAttribute(D, S, 'tags'), 404, 'attribute_not_found');
    a = await db.updateRelationshipAttribute(D, S, 'lock', RelationMutate.Cascade);
    assert.equal(a.onDelete, 'cascade');
    assert.equal((await db.getAttribute(D, 'locks', 'entries')).onDelete, 'cascade');
    await rejects(db.updateIntegerAttribute(D, S, 'payload', false, null), 400,
      'attribute_type_invalid');
  });
  await check('a failing attribute ends failed, with an error', async () => {
    await db.createStringAttribute(D, S, 'doomed', 10, false);
    const a = await settle(() => db.getAttribute(D, S, 'doomed'));
    assert.equal(a.status, 'failed');
    assert.notEqual(a.error, '');
  });
  await check('deleting goes through deleting to attribute_not_found', async () => {
    await db.deleteAttribute(D, S, 'doomed');
    await db.deleteAttribute(D, S, 'host');
    assert.equal((await db.getAttribute(D, S, 'host')).status, 'deleting');
    await gone(() => db.getAttribute(D, S, 'host'), 404, 'attribute_not_found');
    await gone(() => db.getAttribute(D, S, 'doomed'), 404, 'attribute_not_found');
    await rejects(db.deleteAttribute(D, S, 'host'), 404, 'attribute_not_found');
  });
}

async function indexes() {
  const S = 'state';
  await check('create key, unique and fulltext indexes: 202, then available', async () => {
    const made = [
      await db.createIndex(D, S, 'by_type', IndexType.Key, ['record_type', '$createdAt'],
        ['ASC', 'DESC']),
      await db.createIndex(D, S, 'by_record', IndexType.Unique, ['record_id']),
      await db.createIndex(D, S, 'by_text', IndexType.Fulltext, ['payload']),
    ];
    for (const i of made) {
      shaped('index', i);
      assert.equal(i.status, 'processing');
      assert.equal((await settle(() => db.getIndex(D, S, i.key))).status, 'available');
    }
    assert.deepEqual(made[0].orders, ['ASC', 'DESC']);
    assert.deepEqual(made[1].type, 'unique');
  });
  await check('index errors: unknown attribute, key taken, fulltext on a number', async () => {
    await rejects(db.createIndex(D, S, 'x', IndexType.Key, ['nope']), 400, 'attribute_unknown');
    await rejects(db.createIndex(D, S, 'by_type', IndexType.Key, ['record_id']), 409,
      'index_already_exists');
    await rejects(db.createIndex(D, S, 'y', IndexType.Fulltext, ['version']), 400,
      'index_invalid');
  });
  await check('list, fail, delete indexes', async () => {
    const list = await db.listIndexes(D, S);
    assert.deepEqual(list.indexes.map((i) => i.key), ['by_type', 'by_record', 'by_text']);
    await db.createIndex(D, S, 'doomed_idx', IndexType.Key, ['version']);
    assert.equal((await settle(() => db.getIndex(D, S, 'doomed_idx'))).status, 'failed');
    await db.deleteIndex(D, S, 'doomed_idx');
    await gone(() => db.getIndex(D, S, 'doomed_idx'), 404, 'index_not_found');
    const keys = await db.listIndexes(D, S, [Q.equal('type', ['unique'])]);
    assert.deepEqual(keys.indexes.map((i) => i.key), ['by_record']);
  });
}

function row(n) {
  return {
    record_type: n % 3 === 0 ? 'lock' : 'migration',
    record_id: 'r' + String(n).padStart(3, '0'),
    status: 'applied',
    version: n % 7,
    payload: JSON.stringify({ n, words: n === 5 ? 'rebase conflict' : 'plain' }),
  };
}

async function documents() {
  const S = 'state';
  await check('create a document with a chosen id', async () => {
    const d = shaped('document', await db.createDocument(D, S, 'm000', row(0),
      [Permission.read(Role.any())]));
    assert.deepEqual([d.$id, d.$sequence, d.$collectionId, d.$databaseId], ['m000', 1, S, D]);
    assert.deepEqual(d.$permissions, ['read("any")']);
    assert.deepEqual([d.version, d.ratio, d.active, d.labels], [0, 0.25, false, null]);
  });
  await check('the same id again is document_already_exists', () =>
    rejects(db.createDocument(D, S, 'm000', row(0)), 409, 'document_already_exists'));
  await check('a unique index refuses a duplicate value', () =>
    rejects(db.createDocument(D, S, 'other', row(0)), 409, 'document_already_exists'));
  await check('bad documents are document_invalid_structure', async () => {
    for (const data of [{ ...row(900), version: 'seven' }, { ...row(901), nope: 1 },
      { record_id: 'r902', status: 'applied' }, { ...row(903), status: 'unknown' },
      { ...row(904), owner: 'not an email' }, { ...row(905), labels: 'not-an-array' }]) {
      await rejects(db.createDocument(D, S, 'bad', data), 400, 'document_invalid_structure');
    }
  });
  await check('create 29 more; $sequence counts up', async () => {
    for (let n = 1; n < 30; n++) {
      const d = await db.createDocument(D, S, 'm' + String(n).padStart(3, '0'), row(n));
      assert.equal(d.$sequence, n + 1);
    }
  });
  const ids = (list) => list.documents.map((d) => d.$id);
  const m = (...ns) => ns.map((n) => 'm' + String(n).padStart(3, '0'));
  await check('a list without queries gives 25 of 30', async () => {
    const all = await db.listDocuments(D, S);
    assert.equal(all.total, 30);
    assert.deepEqual(ids(all), m(...Array.from({ length: 25 }, (_, i) => i)));
  });
  await check('equal, limit and offset', async () => {
    const locks = await db.listDocuments(D, S, [Q.equal('record_type', ['lock']), Q.limit(4),
      Q.offset(2)]);
    assert.equal(locks.total, 10);
    assert.deepEqual(ids(locks), m(6, 9, 12, 15));
    const two = await db.listDocuments(D, S, [Q.equal('record_id', ['r001', 'r002'])]);
    assert.deepEqual(ids(two), m(1, 2));
  });
  await check('orderAsc and orderDesc, ties by $sequence', async () => {
    const desc = await db.listDocuments(D, S, [Q.orderDesc('version'), Q.limit(5)]);
    assert.deepEqual(ids(desc), m(6, 13, 20, 27, 5));
    const asc = await db.listDocuments(D, S, [Q.orderAsc('record_id'), Q.limit(2), Q.offset(28)]);
    assert.deepEqual(ids(asc), m(28, 29));
  });
  await check('cursorAfter pages through everything exactly once', async () => {
    const seen = [];
    let cursor = null;
    for (;;) {
      const qs = [Q.orderDesc('version'), Q.limit(7)];
      if (cursor) qs.push(Q.cursorAfter(cursor));
      const page = await db.listDocuments(D, S, qs);
      if (page.documents.length === 0) break;
      seen.push(...ids(page));
      cursor = page.documents[page.documents.length - 1].$id;
    }
    assert.equal(seen.length, 30);
    assert.equal(new Set(seen).size, 30);
    await rejects(db.listDocuments(D, S, [Q.cursorAfter('no-such-doc')]), 400,
      'general_cursor_not_found');
  });
  await check('other queries: cursorBefore, select, search, comparisons, or', async () => {
    assert.deepEqual(ids(await db.listDocuments(D, S, [Q.cursorBefore('m010'), Q.limit(2)])),
      m(8, 9));
    const sel = await db.listDocuments(D, S, [Q.select(['record_id']), Q.limit(1)]);
    assert.deepEqual(Object.keys(sel.documents[0]).filter((k) => !k.startsWith('$')),
      ['record_id']);
    assert.deepEqual(ids(await db.listDocuments(D, S, [Q.search('payload', 'rebase')])), m(5));
    assert.equal((await db.listDocuments(D, S, [Q.greaterThan('version', 5)])).total, 4);
    assert.equal((await db.listDocuments(D, S, [Q.between('version', 1, 2)])).total, 9);
    assert.equal((await db.listDocuments(D, S, [Q.startsWith('record_id', 'r02')])).total, 10);
    assert.equal((await db.listDocuments(D, S, [Q.isNull('labels')])).total, 30);
    assert.equal((await db.listDocuments(D, S, [Q.notEqual('record_type', 'lock')])).total, 20);
    assert.deepEqual(ids(await db.listDocuments(D, S, [Q.or([Q.equal('record_id', ['r003']),
      Q.equal('record_id', ['r004'])])])), m(3, 4));
  });
  await check('bad queries are general_query_invalid', async () => {
    await rejects(db.listDocuments(D, S, [Q.equal('nope', ['x'])]), 400, 'general_query_invalid');
    await rejects(db.listDocuments(D, S, ['not json']), 400, 'general_query_invalid');
    await rejects(db.listDocuments(D, S, [Q.equal('version', ['seven'])]), 400,
      'general_query_invalid');
    await rejects(db.listDocuments(D, S, [Q.search('record_id', 'x')]), 400,
      'general_query_invalid');
  });
  await check('get, update (partial) and a no-op update keeps $updatedAt', async () => {
    const before = await db.getDocument(D, S, 'm001');
    await new Promise((r) => setTimeout(r, 5));
    const after = await db.updateDocument(D, S, 'm001', { status: 'rolled_back',
      labels: ['a', 'b'], created_at: '2025-06-01 10:00:00' });
    assert.deepEqual([after.status, after.record_id, after.labels, after.created_at],
      ['rolled_back', 'r001', ['a', 'b'], '2025-06-01T10:00:00.000+00:00']);
    assert.notEqual(after.$updatedAt, before.$updatedAt);
    const again = await db.updateDocument(D, S, 'm001', { status: 'rolled_back' });
    assert.equal(again.$updatedAt, after.$updatedAt);
    assert.deepEqual(ids(await db.listDocuments(D, S, [Q.contains('labels', ['b'])])), m(1));
  });
  await check('X-Appwrite-Timestamp makes updates and deletes conditional', async () => {
    const doc = await db.getDocument(D, S, 'm002');
    const stale = new Databases(client().addHeader('X-Appwrite-Timestamp', doc.$updatedAt));
    await new Promise((r) => setTimeout(r, 5));
    await stale.updateDocument(D, S, 'm002', { version: 3 });
    await rejects(stale.updateDocument(D, S, 'm002', { version: 4 }), 409,
      'document_update_conflict');
    await rejects(stale.deleteDocument(D, S, 'm002'), 409, 'document_update_conflict');
    assert.equal((await db.getDocument(D, S, 'm002')).version, 3);
  });
  await check('delete a document; then it is document_not_found', async () => {
    await db.deleteDocument(D, S, 'm029');
    await rejects(db.getDocument(D, S, 'm029'), 404, 'document_not_found');
    await rejects(db.deleteDocument(D, S, 'm029'), 404, 'document_not_found');
    await rejects(db.updateDocument(D, S, 'm029', { version: 1 }), 404, 'document_not_found');
  });
  await check('guests read what permissions allow and cannot write', async () => {
    const guest = new Databases(client({ key: null }));
    const list = await guest.listDocuments(D, S);
    assert.equal(list.total, 29);
    await rejects(guest.createDocument(D, S, 'g1', row(100)), 401, 'user_unauthorized');
    await rejects(guest.listDocuments(D, 'locks'), 401, 'user_unauthorized');
  });
}

function bytes(size, seed) {
  const out = Buffer.alloc(size + 3);
  let x = seed;
  for (let i = 0; i < size; i += 4) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out.writeUInt32LE(x, i);
  }
  return out.subarray(0, size);
}
const md5 = (b) => crypto.createHash('md5').update(b).digest('hex');

async function buckets() {
  const B = 'awm-objects';
  await check('create, get, update and list buckets', async () => {
    const b = shaped('bucket', await storage.createBucket(B, 'awm objects', [], false, true,
      undefined, [], Compression.None, false, false));
    assert.deepEqual([b.$id, b.maximumFileSize, b.compression], [B, 30000000, 'none']);
    await rejects(storage.createBucket(B, 'again'), 409, 'storage_bucket_already_exists');
    assert.equal((await storage.getBucket(B)).name, 'awm objects');
    const u = await storage.updateBucket(B, 'objects', [Permission.read(Role.any())], false, true,
      20000000);
    assert.deepEqual([u.name, u.maximumFileSize, u.$permissions],
      ['objects', 20000000, ['read("any")']]);
    await storage.createBucket('spare', 'spare');
    const list = await storage.listBuckets([Q.equal('name', ['spare'])]);
    assert.deepEqual(list.buckets.map((x) => x.$id), ['spare']);
    await storage.deleteBucket('spare');
    await rejects(storage.getBucket('spare'), 404, 'storage_bucket_not_found');
  });
  const small = Buffer.from('blob 6\0hello\n');
  await check('a small file is one request', async () => {
    const f = shaped('file', await storage.createFile(B, 'small',
      InputFile.fromBuffer(small, 'small.obj')));
    assert.deepEqual([f.$id, f.sizeOriginal, f.chunksTotal, f.chunksUploaded, f.signature],
      ['small', small.length, 1, 1, md5(small)]);
  });
  const big = bytes(12 * 1024 * 1024 + 123, 7);
  await check('a 12 MiB file goes up in 3 chunks with Content-Range and x-appwrite-id', async () => {
    await control('requests', undefined, 'DELETE');
    const progress = [];
    const f = await storage.createFile(B, '0123456789abcdef0123456789abcdef',
      InputFile.fromBuffer(big, 'pack'), undefined, (p) => progress.push(p.chunksUploaded));
    assert.deepEqual([f.chunksTotal, f.chunksUploaded, f.sizeOriginal, f.signature],
      [3, 3, big.length, md5(big)]);
    assert.deepEqual(progress, [1, 2, 3]);
    const log = (await control('requests', undefined, 'GET')).requests
      .filter((r) => r.method === 'POST');
    assert.deepEqual(log.map((r) => r.range), ['bytes 0-5242879/12583035',
      'bytes 5242880-10485759/12583035', 'bytes 10485760-12583034/12583035']);
  });
  await check('download gives the bytes back; view too', async () => {
    const got = Buffer.from(await storage.getFileDownload(B, '0123456789abcdef0123456789abcdef'));
    assert.equal(got.length, big.length);
    assert.ok(got.equals(big));
    assert.ok(Buffer.from(await storage.getFileView(B, 'small')).equals(small));
  });
  await check('file errors: id taken, too large, missing', async () => {
    await rejects(storage.createFile(B, 'small', InputFile.fromBuffer(small, 'x')), 409,
      'storage_file_already_exists');
    await storage.updateBucket(B, 'objects', undefined, false, true, 10);
    await rejects(storage.createFile(B, 'large', InputFile.fromBuffer(bytes(64, 1), 'x')), 400,
      'storage_invalid_file_size');
    await rejects(storage.getFile(B, 'nope'), 404, 'storage_file_not_found');
    await rejects(storage.getFileDownload(B, 'nope'), 404, 'storage_file_not_found');
  });
  await check('get, update, list (with queries) and delete files', async () => {
    const f = shaped('file', await storage.getFile(B, 'small'));
    assert.equal(f.name, 'small.obj');
    assert.equal((await storage.updateFile(B, 'small', 'renamed.obj')).name, 'renamed.obj');
    const all = await storage.listFiles(B);
    assert.deepEqual(all.files.map((x) => x.$id), ['small', '0123456789abcdef0123456789abcdef']);
    const one = await storage.listFiles(B, [Q.limit(1), Q.cursorAfter('small')]);
    assert.deepEqual([one.total, one.files[0].$id], [2, '0123456789abcdef0123456789abcdef']);
    const named = await storage.listFiles(B, [Q.equal('name', ['renamed.obj'])]);
    assert.deepEqual(named.files.map((x) => x.$id), ['small']);
    await storage.deleteFile(B, 'small');
    await rejects(storage.getFile(B, 'small'), 404, 'storage_file_not_found');
    await rejects(storage.deleteFile(B, 'small'), 404, 'storage_file_not_found');
  });
}

async function faults() {
  await check('a fault rule fails the Nth matching request with a 5xx', async () => {
    await control('faults', { rules: [{ method: 'GET', path: '/databases$', nth: 2,
      status: 503 }] });
    await db.list();
    await rejects(db.list(), 503, 'general_server_error');
    await db.list();
    await control('faults', undefined, 'DELETE');
  });
}

async function cleanup() {
  await check('delete a database and what it holds', async () => {
    await db.delete(D);
    await rejects(db.getCollection(D, 'state'), 404, 'database_not_found');
  });
}

async function coverage() {
  await check('every endpoint awm uses was driven through the client', () => {
    for (const [service, names] of Object.entries(REQUIRED)) {
      const missing = names.filter((n) => !called[service].has(n));
      assert.deepEqual(missing, [], `${service} methods never called`);
    }
  });
}

(async () => {
  for (const part of [authentication, databases, collections, attributes, indexes, documents,
    buckets, faults, cleanup, coverage]) {
    await part();
  }
  console.log(`${passed} passed, ${failed} failed`);
  process.exitCode = failed === 0 && passed > 0 ? 0 : 1;
})().catch((err) => {
  console.log('fidelity run died: ' + (err && err.stack || err));
  process.exitCode = 1;
});
