// Starts the spec author's Authorization Server (services/authorization-server) from a checkout, on 127.0.0.1,
// and writes the private JWKs of its clients, which it generates at every boot, where the target file reads them.
// Run with the checkout's tsx: TS_REFERENCE_SRC=<checkout> AS_PORT=<port> KEYS_DIR=<dir> tsx launcher.mts
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const source = process.env.TS_REFERENCE_SRC;
const keys = process.env.KEYS_DIR;
const port = Number(process.env.AS_PORT ?? "4400");
if (!source || !keys || !Number.isInteger(port)) {
  console.error("launcher: set TS_REFERENCE_SRC (the checkout), KEYS_DIR and AS_PORT");
  process.exit(2);
}
const issuer = `http://127.0.0.1:${port}`;
const entry = pathToFileURL(join(source, "services", "authorization-server", "src", "index.ts")).href;
const { buildAuthorizationServer } = await import(entry);
// Headless adjudication: the consent page's decision endpoint takes a JSON decision without a service token (NOTES.md).
const built = await buildAuthorizationServer({ issuer, allowHeadlessAdjudication: true });

mkdirSync(keys, { recursive: true });
for (const [name, jwk] of [["ap-agent", built.agentClientJwk], ["subagent-invoice-extractor", built.childClientJwk], ["governed-agent", built.governedClientJwk]]) {
  writeFileSync(join(keys, `${name}.jwk`), JSON.stringify(jwk), { mode: 0o600 });
}
built.provider.listen(port, "127.0.0.1", () => console.log(`ts-reference AS listening at ${issuer}`));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => process.exit(0));
