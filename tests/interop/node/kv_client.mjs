// A Node.js client of the kv domain built from contracts/ alone: it loads kv.proto at run time
// and follows contracts/README.md ("NATS wire", "kv domain") for subjects, headers and replies.
//
// Usage: node kv_client.mjs <nats-url> <contracts-dir> <agent-name>
// Exits 0 when every check passed; prints one line per check.
import { connect } from "@nats-io/transport-node";
import { headers } from "@nats-io/nats-core";
import protobuf from "protobufjs";
import path from "node:path";

const [url, contractsDir, agent] = process.argv.slice(2);
if (!url || !contractsDir || !agent) {
  console.error("usage: node kv_client.mjs <nats-url> <contracts-dir> <agent-name>");
  process.exit(64);
}

const root = new protobuf.Root();
// Imports are relative to contracts/; google/protobuf/* are protobufjs built-ins.
root.resolvePath = (origin, target) =>
  target.startsWith("google/protobuf/") ? target : path.join(contractsDir, target);
await root.load(["smith/kv/v1/kv.proto", "smith/bridge/v1/bridge.proto"], { keepCase: true });
const T = (name) => root.lookupType(`smith.kv.v1.${name}`);
const codes = root.lookupEnum("smith.kv.v1.KvErrorCode").values;

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures++;
}

function requestHeaders(type) {
  const h = headers();
  h.set("Smith-Type", type);
  h.set("Smith-Deadline", String(Date.now() + 3000));
  h.set("Smith-Sender", "node-kv-test");
  return h;
}

const nc = await connect({ servers: url });

/// Sends `fields` as smith.kv.v1.<reqType> to `action`; returns the decoded <replyType>.
async function call(action, reqType, replyType, fields) {
  const Req = T(reqType);
  const body = Req.encode(Req.create(fields)).finish();
  const msg = await nc.request(`agents.kv.${agent}.${action}`, body,
                               { timeout: 3000, headers: requestHeaders(`smith.kv.v1.${reqType}`) });
  const type = msg.headers?.get("Smith-Type");
  if (type !== `smith.kv.v1.${replyType}`)
    throw new Error(`${action}: reply type ${type}, error ${msg.headers?.get("Nats-Service-Error")}`);
  return T(replyType).decode(msg.data);
}

const store = (fields) => call("store", "Store", "StoreReply", fields);
const retrieve = (key) => call("retrieve", "Retrieve", "RetrieveReply", { key });
const text = (bytes) => Buffer.from(bytes).toString();

// 1. Store and retrieve: the value and its version.
const st = await store({ key: "node/a", value: Buffer.from("from node") });
check(st.outcome === "stored" && Number(st.stored.version) > 0, `stored version ${st.stored?.version}`);
const got = await retrieve("node/a");
check(got.outcome === "retrieved" && text(got.retrieved.value) === "from node", "retrieved the value");
check(String(got.retrieved.version) === String(st.stored.version), "retrieved the stored version");

// 2. Compare-and-set: the current version wins, a stale one conflicts.
const cas = await store({ key: "node/a", value: Buffer.from("v2"), expected_version: st.stored.version });
check(cas.outcome === "stored" && Number(cas.stored.version) > Number(st.stored.version), "CAS on the current version");
const stale = await store({ key: "node/a", value: Buffer.from("v3"), expected_version: st.stored.version });
check(stale.outcome === "error" && stale.error.code === codes.VERSION_CONFLICT, `stale CAS is VERSION_CONFLICT (${stale.error?.message})`);
const dup = await store({ key: "node/a", value: Buffer.from("v4"), if_absent: true });
check(dup.outcome === "error" && dup.error.code === codes.ALREADY_EXISTS, "if_absent on a live key is ALREADY_EXISTS");

// 3. Bad input: specific codes, nothing changed.
const empty = await store({ key: "", value: Buffer.from("x") });
check(empty.outcome === "error" && empty.error.code === codes.INVALID_KEY, "empty key is INVALID_KEY");
const badTtl = await store({ key: "node/t", value: Buffer.from("x"), ttl: { seconds: -1 } });
check(badTtl.outcome === "error" && badTtl.error.code === codes.INVALID_TTL, "negative TTL is INVALID_TTL");
const badFilter = await call("query", "Query", "QueryReply", { filter: { prefix: "node/", start: "other" } });
check(badFilter.outcome === "error" && badFilter.error.code === codes.INVALID_FILTER, "start outside the prefix is INVALID_FILTER");
check(text((await retrieve("node/a")).retrieved.value) === "v2", "failed requests changed nothing");

// 4. Query in key order with the total.
await store({ key: "node/b", value: Buffer.from("b") });
await store({ key: "node/c", value: Buffer.from("c") });
const q = await call("query", "Query", "QueryReply", { filter: { prefix: "node/" }, limit: 2 });
check(q.outcome === "result" && q.result.results.length === 2 && Number(q.result.total) === 3, `query: 2 of ${q.result?.total}`);
check(q.result?.results[0].key === "node/a" && q.result?.results[1].key === "node/b", "query in key order");

// 5. TTL: a 50 ms entry disappears (polled until the deadline).
await store({ key: "node/ttl", value: Buffer.from("brief"), ttl: { seconds: 0, nanos: 50_000_000 } });
let live = true;
for (const until = Date.now() + 5000; live && Date.now() < until;) {
  live = (await retrieve("node/ttl")).retrieved.value != null;
  if (live) await new Promise((r) => setTimeout(r, 10));
}
check(!live, "an entry with a 50 ms TTL expires");

await nc.close();
process.exit(failures === 0 ? 0 : 1);
