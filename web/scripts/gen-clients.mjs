// Generates the typed API clients from the committed OpenAPI documents of the services.
// Run before the type check, so a contract change that breaks a screen fails `npm run build`.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const out = join(here, "..", "src", "lib", "api", "generated");
const SERVICES = ["intake", "casework", "advocacy", "education", "notify"];

mkdirSync(out, { recursive: true });
for (const service of SERVICES) {
  const document = JSON.parse(readFileSync(join(root, "services", service, "contracts", "openapi.json"), "utf8"));
  const ast = await openapiTS(document, { alphabetize: true });
  const header = `// Generated from services/${service}/contracts/openapi.json by scripts/gen-clients.mjs. Do not edit.\n`;
  writeFileSync(join(out, `${service}.ts`), header + astToString(ast));
}
console.log(`generated ${SERVICES.length} API clients in src/lib/api/generated/`);
