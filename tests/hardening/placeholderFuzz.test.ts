import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import fc from "fast-check";
import { runCli, tempProject } from "../cli/run";

/**
 * Data sources answered offline, fuzzed through the real gate: random programs read looked-up values (promise
 * and Output forms) and pass them into resource inputs the ways programs do. Whatever derives from a lookup must
 * be recorded as unknown, what does not must stay as written, and no placeholder text may reach a report.
 */

type Kind = "string" | "number";

/** Looked-up values: the expression reading them (in an async program with each lookup awaited) and their kind. */
const LOOKUPS: readonly { readonly expression: string; readonly kind: Kind }[] = [
    { expression: "zones.zones[0].id", kind: "string" },
    { expression: "zones.ids[0]", kind: "string" },
    { expression: "images.images[0].id", kind: "string" },
    { expression: "images.images[0].size", kind: "number" },
    { expression: "types.instanceTypes[0].cpuCoreCount", kind: "number" },
    { expression: "types.instanceTypes[0].memorySize", kind: "number" },
    { expression: "vpcs.vpcs[0].cidrBlock", kind: "string" },
    { expression: "vpcs.vpcs[0].vswitchIds[0]", kind: "string" },
];

const U = "[unknown]";

/** How a program passes a value `v` on, and what the gate must record for it. */
const DERIVATIONS: readonly {
    readonly name: string;
    readonly kinds: readonly Kind[];
    readonly source: (v: string, index: number) => string;
    readonly recorded: (index: number) => unknown;
}[] = [
    { name: "as is", kinds: ["string", "number"], source: (v) => v, recorded: () => U },
    {
        name: "template",
        kinds: ["string", "number"],
        source: (v) => `\`pre-\${${v}}-post\``,
        recorded: () => U,
    },
    { name: "upper", kinds: ["string"], source: (v) => `String(${v}).toUpperCase()`, recorded: () => U },
    { name: "json", kinds: ["string"], source: (v) => `JSON.stringify({ value: ${v} })`, recorded: () => U },
    { name: "arithmetic", kinds: ["number"], source: (v) => `${v} * 2 + 1`, recorded: () => U },
    { name: "max", kinds: ["number"], source: (v) => `Math.max(40, ${v})`, recorded: () => U },
    {
        name: "list",
        kinds: ["string", "number"],
        source: (v, i) => `[${v}, "literal-${i}"]`,
        recorded: (i) => [U, `literal-${i}`],
    },
    {
        name: "map",
        kinds: ["string", "number"],
        source: (v, i) => `{ looked: ${v}, literal: "literal-${i}" }`,
        recorded: (i) => ({ looked: U, literal: `literal-${i}` }),
    },
    { name: "key", kinds: ["string"], source: (v) => `{ [\`k-\${${v}}\`]: "literal" }`, recorded: () => U },
    {
        name: "apply",
        kinds: ["string", "number"],
        source: (v) => `pulumi.output(${v}).apply((x) => \`\${x}-applied\`)`,
        recorded: () => U,
    },
    {
        name: "output form",
        kinds: ["string"],
        source: () => 'alicloud.getZonesOutput({ availableResourceCreation: "VSwitch" }).zones[0].id',
        recorded: () => U,
    },
];

const statement = fc.record({
    lookup: fc.integer({ min: 0, max: LOOKUPS.length - 1 }),
    derivation: fc.integer({ min: 0, max: DERIVATIONS.length - 1 }),
    literal: fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/),
});

describe("data sources answered offline, fuzzed through the gate", function () {
    this.timeout(900_000);
    const dirs: string[] = [];
    after(() => {
        for (const dir of dirs) {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("records whatever derives from a lookup as unknown, the rest as written, and no placeholder text", async () => {
        await fc.assert(
            fc.asyncProperty(fc.array(statement, { minLength: 6, maxLength: 12 }), async (statements) => {
                const usable = statements.map((s) => {
                    const lookup = LOOKUPS[s.lookup];
                    const candidates = DERIVATIONS.filter((d) => d.kinds.includes(lookup.kind));
                    return { ...s, lookup, derivation: candidates[s.derivation % candidates.length] };
                });
                const body = usable.map(
                    (s, i) =>
                        `    new alicloud.ecs.SecurityGroup("sg-${i}", { description: ${s.derivation.source(s.lookup.expression, i) as string}, securityGroupName: "${s.literal}", tags: { owner: "${s.literal}" } });`,
                );
                const source = [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as alicloud from "@pulumi/alicloud";',
                    "",
                    "export = async () => {",
                    '    const zones = await alicloud.getZones({ availableResourceCreation: "VSwitch" });',
                    '    const images = await alicloud.ecs.getImages({ owners: "system" });',
                    "    const types = await alicloud.ecs.getInstanceTypes({ cpuCoreCount: 2 });",
                    "    const vpcs = await alicloud.vpc.getNetworks({});",
                    ...body,
                    "};",
                    "",
                ].join("\n");
                const dir = tempProject("fuzz-placeholders", {
                    "Pulumi.yaml": "name: fuzz-placeholders\nruntime: nodejs\n",
                    "index.ts": source,
                });
                dirs.push(dir);
                const result = await runCli(["preview", dir, "--format", "json"]);
                assert.ok(
                    result.code === 0 || result.code === 1,
                    `exit ${result.code}:\n${result.stderr}\n${source}`,
                );
                assert.ok(!result.stdout.includes("«"), `placeholder text in the report:\n${source}`);
                assert.ok(
                    !/(?<![A-Za-z0-9_])NaN(?![A-Za-z0-9_])/.test(result.stdout),
                    `NaN in the report:\n${source}`,
                );
                const report = JSON.parse(result.stdout) as {
                    resources: { name: string; inputs: Record<string, unknown> }[];
                    invokes: { token: string }[];
                };
                usable.forEach((s, i) => {
                    const group = report.resources.find((r) => r.name === `sg-${i}`);
                    assert.ok(group, `sg-${i} recorded:\n${source}`);
                    assert.deepEqual(
                        group.inputs,
                        {
                            description: s.derivation.recorded(i),
                            securityGroupName: s.literal,
                            tags: { owner: s.literal },
                        },
                        `sg-${i}: ${s.derivation.name} of ${s.lookup.expression}\n${source}`,
                    );
                });
                const outputForms = usable.filter((s) => s.derivation.name === "output form").length;
                assert.equal(report.invokes.length, 4 + outputForms, JSON.stringify(report.invokes));
            }),
            { numRuns: 3, endOnFailure: true },
        );
    });
});
