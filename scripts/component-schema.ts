/**
 * Writes `components/schema.json`, the component package's schema as the Pulumi SDK's own analyzer infers it from
 * the TypeScript types: the provider `pulumi package add` starts for Python, Go, .NET, Java and YAML serves exactly
 * this (`GetSchema`), and the components check argument keys against it. `npm run docs:schema` regenerates it;
 * tests/components/packageSchema.test.ts fails when it is stale.
 */
import * as fs from "fs";
import * as path from "path";
import { ComponentProvider, getPulumiComponents } from "@pulumi/pulumi/provider/experimental";
import * as prettier from "prettier";

export const ROOT = path.join(__dirname, "..");
export const SCHEMA_FILE = path.join(ROOT, "components", "schema.json");

/**
 * The schema the SDK infers for this package, as `pulumi package add` would get it: the components the package
 * root exports (as the Node language host discovers them), analyzed from the sources with the root tsconfig.
 */
export async function inferSchema(): Promise<Record<string, unknown>> {
    const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { name: string };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the package root (its sources), as the host requires it
    const components = getPulumiComponents(require(path.join(ROOT, "index")));
    const provider = new ComponentProvider({ name: manifest.name, dirname: ROOT, components });
    return JSON.parse(await provider.getSchema()) as Record<string, unknown>;
}

/** The file's text: the schema, formatted as the repository formats JSON (`npm run lint` checks it). */
export async function schemaText(schema: Record<string, unknown>): Promise<string> {
    const options = await prettier.resolveConfig(SCHEMA_FILE);
    return prettier.format(JSON.stringify(schema), { ...options, filepath: SCHEMA_FILE });
}

if (require.main === module) {
    inferSchema().then(
        async (schema) => fs.writeFileSync(SCHEMA_FILE, await schemaText(schema)),
        (err: unknown) => {
            console.error(err instanceof Error ? err.message : err);
            process.exit(1);
        },
    );
}
