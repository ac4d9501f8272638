/**
 * Baseline (a): the program under plain `pulumi.runtime.setMocks`, as a unit test would run it, with no policy
 * and no gate. Run in a fresh process: `node -r ts-node/register/transpile-only bench/plainMocks.ts DIR`.
 * Prints `{"resources": n}` once every registration has completed.
 *
 * With `--floor`, stack traces are off (`Error.stackTraceLimit = 0`): the SDK's own floor for this program, what
 * running it costs with nothing but the SDK's mock runtime and none of its debugging aids.
 */
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";

async function main(projectDir: string): Promise<void> {
    let registered = 0;
    await pulumi.runtime.setMocks(
        {
            newResource: (args) => {
                registered++;
                return { id: `${args.name}-id`, state: args.inputs };
            },
            call: (args) => args.inputs,
        },
        "org-bench",
        "bench",
        true,
    );
    /* eslint-disable @typescript-eslint/no-require-imports -- a Pulumi program is loaded by require, as the
       language host does; waitForRPCs is internal to the SDK. */
    require(path.resolve(projectDir, "index.ts"));
    const settings = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
    /* eslint-enable @typescript-eslint/no-require-imports */
    await settings.waitForRPCs();
    process.stdout.write(JSON.stringify({ resources: registered }) + "\n");
}

const args = process.argv.slice(2);
if (args.includes("--floor")) {
    Error.stackTraceLimit = 0;
}
main(args.find((arg) => !arg.startsWith("--")) ?? ".").catch((err: unknown) => {
    process.stderr.write(`plainMocks: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(2);
});
