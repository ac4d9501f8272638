import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeclarationShapes, type Shape } from "../../engine/invokeShapes";

const ROOT = path.resolve(__dirname, "..", "..");
const SDK = path.dirname(require.resolve("@pulumi/pulumi/package.json", { paths: [ROOT] }));
const ALICLOUD = path.dirname(require.resolve("@pulumi/alicloud/package.json", { paths: [ROOT] }));
/** The TypeScript a project without its own gets: the one `@pulumi/pulumi` vendors. */
const VENDORED_TYPESCRIPT = path.join(SDK, "vendor", "typescript@3.8.3", "typescript.js");
const PROJECT_TYPESCRIPT = require.resolve("typescript", { paths: [ROOT] });

/** A `typescript` module, loaded as the program host loads it: by path, at run time. */
function typescriptAt(file: string): object {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require(file) as object;
}

const S: Shape = { kind: "string" };
const N: Shape = { kind: "number" };
const B: Shape = { kind: "boolean" };
const list = (element: Shape): Shape => ({ kind: "list", element });
const object = (fields: Record<string, Shape>): Shape => ({ kind: "object", fields });

interface DataSource {
    /** As a program calls it: `getZones`, `ecs.getImages`. */
    readonly name: string;
    readonly token: string;
    /** The JavaScript file declaring it, from which the SDK is called. */
    readonly file: string;
}

/**
 * Every data source `@pulumi/alicloud` exports, found as a program finds them (the package index and its module
 * namespaces), each with its token and the file that defines it.
 */
function exportedDataSources(): DataSource[] {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const alicloud = require(ALICLOUD) as Record<string, unknown>;
    const found: DataSource[] = [];
    const visit = (prefix: string, namespace: Record<string, unknown>): void => {
        for (const key of Object.keys(namespace)) {
            if (!/^get[A-Z]/.test(key) || key.endsWith("Output")) {
                continue;
            }
            const fn = namespace[key];
            assert.strictEqual(typeof fn, "function", `${prefix}${key}`);
            const token = /runtime\.invoke(?:Single)?\("([^"]+)"/.exec(String(fn))?.[1];
            assert.ok(token, `${prefix}${key} calls no invoke`);
            // The defining module holds the function itself; index modules re-export it through a lazy getter.
            const module = Object.values(require.cache).find(
                (entry) =>
                    entry?.filename?.startsWith(ALICLOUD) &&
                    Object.getOwnPropertyDescriptor(entry.exports, key)?.value === fn,
            );
            assert.ok(module, `${prefix}${key}: its file is not loaded`);
            found.push({ name: `${prefix}${key}`, token, file: module.filename });
        }
    };
    visit("", alicloud);
    for (const [name, value] of Object.entries(alicloud)) {
        if (name !== "types" && typeof value === "object" && value !== null && !Array.isArray(value)) {
            visit(`${name}.`, value as Record<string, unknown>);
        }
    }
    return found;
}

describe("engine/invokeShapes: result shapes from the provider's declarations", function () {
    this.timeout(600_000);
    let dataSources: DataSource[];
    before(() => {
        dataSources = exportedDataSources();
    });

    for (const [label, typescript] of [
        ["the project's TypeScript", PROJECT_TYPESCRIPT],
        ["the TypeScript @pulumi/pulumi vendors", VENDORED_TYPESCRIPT],
    ] as const) {
        it(`gives every data source @pulumi/alicloud exports a shape, with ${label}`, () => {
            assert.ok(dataSources.length >= 700, `only ${dataSources.length} data sources found`);
            const shapes = new DeclarationShapes(typescriptAt(typescript));
            const missing = dataSources
                .map((source) => ({
                    source,
                    lookup: shapes.resultOf(source.file, source.name.split(".").pop()),
                }))
                .filter(({ lookup }) => !lookup.shape || lookup.shape.kind !== "object")
                .map(
                    ({ source, lookup }) =>
                        `${source.name} (${source.token}): ${"problem" in lookup ? lookup.problem : "not an object"}`,
                );
            assert.deepStrictEqual(missing, []);
        });
    }

    it("reads getZones and ecs.getImages as their declarations say", () => {
        const shapes = new DeclarationShapes(typescriptAt(PROJECT_TYPESCRIPT));
        const zones = shapes.resultOf(path.join(ALICLOUD, "getZones.js"), "getZones");
        assert.ok(zones.shape?.kind === "object", JSON.stringify(zones));
        assert.deepStrictEqual(Object.keys(zones.shape.fields).sort(), [
            "availableDiskCategory",
            "availableInstanceType",
            "availableResourceCreation",
            "availableSlbAddressIpVersion",
            "availableSlbAddressType",
            "enableDetails",
            "id",
            "ids",
            "instanceChargeType",
            "multi",
            "networkType",
            "outputFile",
            "spotStrategy",
            "zones",
        ]);
        assert.deepStrictEqual(zones.shape.fields.ids, list(S));
        assert.deepStrictEqual(
            zones.shape.fields.zones,
            list(
                object({
                    availableDiskCategories: list(S),
                    availableInstanceTypes: list(S),
                    availableResourceCreations: list(S),
                    id: S,
                    localName: S,
                    multiZoneIds: list(S),
                    slbSlaveZoneIds: list(S),
                }),
            ),
        );
        const images = shapes.resultOf(path.join(ALICLOUD, "ecs", "getImages.js"), "getImages");
        assert.ok(images.shape?.kind === "object");
        const image = images.shape.fields.images;
        assert.ok(image.kind === "list" && image.element.kind === "object");
        assert.deepStrictEqual(image.element.fields.id, S);
        assert.deepStrictEqual(image.element.fields.size, N);
        assert.deepStrictEqual(image.element.fields.isSupportIoOptimized, B);
        assert.deepStrictEqual(image.element.fields.tags, { kind: "map", value: S });
        assert.deepStrictEqual(
            image.element.fields.diskDeviceMappings,
            list(object({ device: S, size: S, snapshotId: S })),
        );
    });

    describe("another provider's declarations", () => {
        let dir: string;
        before(() => {
            dir = fs.mkdtempSync(path.join(os.tmpdir(), "provider-decls-"));
            fs.mkdirSync(path.join(dir, "types"));
            fs.mkdirSync(path.join(dir, "network"));
            fs.writeFileSync(
                path.join(dir, "types", "output.d.ts"),
                [
                    'import * as outputs from "../types/output";',
                    "export declare namespace network {",
                    '    interface Peer { address: string; ports: number[]; kind: "cidr" | "group" }',
                    "    interface Rule extends Base { peer: outputs.network.Peer; next?: outputs.network.Rule }",
                    "    interface Base { id: string; enabled: boolean }",
                    "    enum Level { Low = 1, High = 2 }",
                    "}",
                    "export type Labels = Record<string, string>;",
                    "",
                ].join("\n"),
            );
            fs.writeFileSync(
                path.join(dir, "network", "getRules.d.ts"),
                [
                    'import * as pulumi from "@pulumi/pulumi";',
                    'import * as outputs from "../types/output";',
                    "export declare function getRules(args?: {}, opts?: pulumi.InvokeOptions): Promise<GetRulesResult>;",
                    "export interface GetRulesResult {",
                    "    readonly rules: outputs.network.Rule[];",
                    "    readonly labels?: outputs.Labels;",
                    "    readonly level: outputs.network.Level;",
                    "    readonly count: number | undefined;",
                    "    readonly raw: any;",
                    '    readonly "quoted-name": Array<string>;',
                    "}",
                    "export declare function getRulesOutput(args?: {}, opts?: pulumi.InvokeOutputOptions): pulumi.Output<GetRulesResult>;",
                    "export declare function getName(): Promise<string>;",
                    "",
                ].join("\n"),
            );
            fs.writeFileSync(
                path.join(dir, "network", "getBroken.d.ts"),
                "export declare function getBroken(): Promise<Missing>;\n",
            );
        });
        after(() => fs.rmSync(dir, { recursive: true, force: true }));

        it("follows namespace imports, inheritance, aliases, enums and unions, and stops at recursion", () => {
            const shapes = new DeclarationShapes(typescriptAt(VENDORED_TYPESCRIPT));
            const rules = shapes.resultOf(path.join(dir, "network", "getRules.js"), "getRules");
            const peer = object({ address: S, ports: list(N), kind: S });
            assert.deepStrictEqual(rules.shape, {
                kind: "object",
                fields: {
                    rules: list(
                        object({
                            id: S,
                            enabled: B,
                            peer,
                            // Rule inside Rule: the placeholder stops there.
                            next: object({}),
                        }),
                    ),
                    labels: { kind: "map", value: S },
                    level: N,
                    count: N,
                    raw: { kind: "opaque" },
                    "quoted-name": list(S),
                },
            });
            // A single-value function: the value itself.
            assert.deepStrictEqual(
                shapes.resultOf(path.join(dir, "network", "getRules.js"), "getName").shape,
                S,
            );
        });

        it("says why when a shape cannot be read", () => {
            const shapes = new DeclarationShapes(typescriptAt(VENDORED_TYPESCRIPT));
            const broken = path.join(dir, "network", "getBroken.d.ts");
            assert.deepStrictEqual(shapes.resultOf(path.join(dir, "network", "getBroken.js"), "getBroken"), {
                problem: `${broken}: cannot resolve the type Missing`,
            });
            assert.deepStrictEqual(
                shapes.resultOf(path.join(dir, "network", "getNothing.js"), "getNothing"),
                {
                    problem: `no declaration file ${path.join(dir, "network", "getNothing.d.ts")}`,
                },
            );
        });
    });
});
