// Completes dist/policies as a policy pack of its own: the compiled policies plus the manifest the Pulumi CLI
// and `alicloud-sg` look for. An installed package runs this compiled pack, so starting it needs no ts-node
// type-check of the pack's TypeScript.
import { copyFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const source = join(root, "policies");
const target = join(root, "dist", "policies");
if (!existsSync(join(target, "index.js"))) {
    throw new Error(`${target}/index.js is missing: run tsc -p tsconfig.build.json first`);
}
for (const file of ["PulumiPolicy.yaml", "package.json"]) {
    copyFileSync(join(source, file), join(target, file));
}
