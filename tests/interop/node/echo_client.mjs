// A Smith client in Node.js built from contracts/ alone: it loads the .proto files at run
// time and follows contracts/README.md ("NATS wire") for subjects, headers and errors.
//
// Usage: node echo_client.mjs <nats-url> <contracts-dir> <agent-name>
// Exits 0 when every check passed; prints one line per check.
import { connect } from "@nats-io/transport-node";
import { headers } from "@nats-io/nats-core";
import protobuf from "protobufjs";
import path from "node:path";

const [url, contractsDir, agent] = process.argv.slice(2);
if (!url || !contractsDir || !agent) {
  console.error("usage: node echo_client.mjs <nats-url> <contracts-dir> <agent-name>");
  process.exit(64);
}

const root = new protobuf.Root();
// Imports are relative to contracts/; google/protobuf/* are protobufjs built-ins.
root.resolvePath = (origin, target) =>
  target.startsWith("google/protobuf/") ? target : path.join(contractsDir, target);
await root.load(["smith/examples/v1/examples.proto", "smith/bridge/v1/bridge.proto"], { keepCase: true });
const EchoRequest = root.lookupType("smith.examples.v1.EchoRequest");
const EchoReply = root.lookupType("smith.examples.v1.EchoReply");
const AddRequest = root.lookupType("smith.examples.v1.AddRequest");
const ErrorReply = root.lookupType("smith.bridge.v1.ErrorReply");

let failures = 0;
function check(ok, what) {
  console.log(`${ok ? "ok" : "FAILED"}: ${what}`);
  if (!ok) failures++;
}

function requestHeaders(type, deadlineMs) {
  const h = headers();
  h.set("Smith-Type", type);
  h.set("Smith-Deadline", String(Date.now() + deadlineMs));
  h.set("Smith-Sender", "node-interop-test");
  h.set("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  return h;
}

const nc = await connect({ servers: url });
const subject = `agents.examples.${agent}.echo`;

// 1. A successful call.
const req = EchoRequest.encode(EchoRequest.create({ text: "hello from node" })).finish();
const reply = await nc.request(subject, req, { timeout: 3000, headers: requestHeaders("smith.examples.v1.EchoRequest", 3000) });
check(reply.headers?.get("Smith-Type") === "smith.examples.v1.EchoReply", "reply Smith-Type is EchoReply");
const echoed = EchoReply.decode(reply.data);
check(echoed.text.startsWith(`${agent} #`) && echoed.text.endsWith(": hello from node"), `echo text '${echoed.text}'`);
check(reply.headers?.get("traceparent")?.startsWith("00-4bf92f3577b34da6a3ce929d0e0e4736-"), "trace id propagated");

// 2. The wrong request type: a typed error reply (415) in headers and body.
const wrong = AddRequest.encode(AddRequest.create({ n: 1 })).finish();
const err = await nc.request(subject, wrong, { timeout: 3000, headers: requestHeaders("smith.examples.v1.AddRequest", 3000) });
check(err.headers?.get("Nats-Service-Error-Code") === "415", `error code ${err.headers?.get("Nats-Service-Error-Code")}`);
const body = ErrorReply.decode(err.data);
check(body.code === 415 || body.code === "ERROR_CODE_UNKNOWN_TYPE", `ErrorReply.code ${body.code}`);
check((err.headers?.get("Nats-Service-Error") ?? "").length > 0, "error text present");

// 3. A request without a deadline is refused (428).
const h = headers();
h.set("Smith-Type", "smith.examples.v1.EchoRequest");
const nodl = await nc.request(subject, req, { timeout: 3000, headers: h });
check(nodl.headers?.get("Nats-Service-Error-Code") === "428", "missing deadline is 428");

// 4. Load-balanced: the pool subject answers too.
const pooled = await nc.request("agents.examples.echo.echo", req, { timeout: 3000, headers: requestHeaders("smith.examples.v1.EchoRequest", 3000) });
check(EchoReply.decode(pooled.data).text.endsWith(": hello from node"), "pool subject answers");

await nc.close();
process.exit(failures === 0 ? 0 : 1);
