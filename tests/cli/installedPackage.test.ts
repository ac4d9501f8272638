import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as ts from "typescript";
import * as YAML from "yaml";
import { preview, ROOT } from "../examples/gate";
import { lineOf } from "./run";
import { assertValidSarif } from "../engine/sarifSchema";

const PACKAGE = "alicloud-secure-groups";

/**
 * What each entry point publishes, as a user's editor lists it: `type X` for a type, `X` for a value. Written out
 * by hand, so that a name added to or dropped from the public surface is a decision this list records.
 */
const PUBLIC_SURFACE: Readonly<Record<string, readonly string[]>> = {
    [PACKAGE]: [
        "type AdminAccess",
        "type DropBaseline",
        "InnerAccessPolicy",
        "type InnerTierSpec",
        "isSecurityGroupProvider",
        "joinSecurityGroups",
        "type JoinSecurityGroupsOptions",
        "NicType",
        "type ParsedTierDescription",
        "parseTierDescription",
        "type ParseTierDescriptionOptions",
        "type Portable",
        "type PortSpec",
        "PRESET_NAMES",
        "PresetName",
        "type Problem",
        "Protocol",
        "RedisGroupFromSource",
        "type RedisGroupFromSourceArgs",
        "renderProblem",
        "type RuleArgs",
        "RulePolicy",
        "type RuleSpec",
        "SecureGroup",
        "type SecureGroupArgs",
        "type SecurityGroupLike",
        "type SecurityGroupProvider",
        "type SecurityGroupSource",
        "SecurityGroupType",
        "type ServiceAccess",
        "type ServiceGroupCommonArgs",
        "ServiceGroupFromSource",
        "type ServiceGroupFromSourceArgs",
        "type SourceGroupSpec",
        "type ThreeTierDescription",
        "ThreeTierGroups",
        "type ThreeTierGroupsArgs",
        "threeTierGroupsFromConfig",
        "type ThreeTierGroupsFromConfigArgs",
        "TIER_DESCRIPTION_SCHEMA",
        "TIER_NAMES",
        "type TierAdminAccess",
        "type TierDescriptionConfig",
        "type TierGroupIds",
        "TierName",
        "type TierServes",
        "type TierServiceSpec",
        "ValidationError",
        "WebTierGroup",
        "type WebTierGroupArgs",
        "type WebTierSpec",
    ],
    [`${PACKAGE}/core`]: [
        "type AttachmentSpec",
        "BASELINE_PRIORITY",
        "type BroadnessLimits",
        "type Cidr",
        "cidrContains",
        "cidrProblems",
        "cidrsOverlap",
        "DEFAULT_ALLOW_PRIORITY",
        "DEFAULT_PUBLIC_PORTS",
        "DEFAULT_SERVICE_GROUP_LIMITS",
        "type Direction",
        "DIRECTIONS",
        "effectiveNicType",
        "evaluationOrder",
        "EVERY_PORT",
        "EXCLUDED_FIELDS",
        "type ExcludedField",
        "formatPortRange",
        "type GroupContext",
        "type GroupLimit",
        "hasPorts",
        "type IpFamily",
        "isAllPorts",
        "isAnyAddress",
        "isBroadCidr",
        "isMemberType",
        "isPortNumber",
        "isPresetName",
        "isPrivateCidr",
        "isProtocol",
        "isValidPriority",
        "MAX_GROUP_REFERENCE_RULES",
        "MAX_GROUPS_PER_INSTANCE",
        "MAX_RULES_PER_GROUP",
        "MEMBER_GROUP_FIELDS",
        "MEMBER_TYPES",
        "memberDisplayName",
        "type MemberRelation",
        "type MemberType",
        "memberTypeOf",
        "MIN_IPV4_PREFIX",
        "MIN_IPV6_PREFIX",
        "modelledPaths",
        "NETWORK_CARRIERS",
        "type NetworkSpec",
        "NIC_TYPES",
        "NicType",
        "NO_PORTS",
        "parseCidr",
        "parsePortRange",
        "type Peer",
        "PORT_MAX",
        "PORT_MIN",
        "type PortRange",
        "portRange",
        "portRangeProblems",
        "PRESET_NAMES",
        "type PresetEntry",
        "PresetName",
        "PRESETS",
        "PRIORITY_HIGHEST",
        "PRIORITY_LOWEST",
        "type Problem",
        "problem",
        "Protocol",
        "PROTOCOLS",
        "PROVIDER_DEFAULT_POLICY",
        "PROVIDER_DEFAULT_PRIORITY",
        "renderProblem",
        "RULE_POLICIES",
        "type RulePart",
        "type RulePaths",
        "rulePaths",
        "RulePolicy",
        "ruleProblems",
        "ruleSetProblems",
        "type SecurityGroupRuleInputs",
        "type SecurityRule",
        "SERVICE_LIMIT_SOURCES",
        "type ServiceLimitKey",
        "type ServicePreset",
        "toRuleInputs",
        "VPC_TYPE",
        "VSWITCH_TYPE",
    ],
    [`${PACKAGE}/engine`]: [
        "type AppliedRemediation",
        "audit",
        "type AuditOptions",
        "type AuditSource",
        "buildReport",
        "bundledPolicyPack",
        "type EnforcementLevel",
        "exitCodeFor",
        "GateError",
        "graphAuditSource",
        "listTemplates",
        "loadAliyunDir",
        "loadAuditSource",
        "type LoadedStack",
        "loadProject",
        "loadStackExport",
        "type NewProject",
        "newProject",
        "type NewProjectOptions",
        "type PackConfigSource",
        "type PackResult",
        "type PacksOutcome",
        "PinnedInvokes",
        "type PolicyDescription",
        "type PolicyFramework",
        "type PolicyPackConfigFile",
        "type PolicySeverity",
        "preview",
        "type PreviewOptions",
        "type PreviewResult",
        "type ProgramRun",
        "type ProjectOptions",
        "type ProjectSettings",
        "readPinnedInvokes",
        "readPolicyPackConfig",
        "reconcile",
        "type RecordedInvoke",
        "type RecordedOptions",
        "type RecordedResource",
        "renderMarkdown",
        "renderReport",
        "renderSarif",
        "renderText",
        "type Report",
        "REPORT_FORMATS",
        "type ReportDocument",
        "type ReportFormat",
        "runPacks",
        "type RunPacksOptions",
        "runProgram",
        "type RunProgramOptions",
        "type SourcePosition",
        "type Violation",
    ],
};

/** Names that are only the repository's own: the planners, the stack model, the wire constants. */
const INTERNAL_NAMES = [
    "planSecureGroup",
    "planWebTierGroup",
    "planGroup",
    "resolveSource",
    "SECRET_SIG",
    "SIG_KEY",
    "UNKNOWN_SENTINEL",
    "joinStack",
    "readGroup",
    "evaluateAccess",
    "uniqueProblems",
    "redactSecretValue",
];

/** The bare names in case-insensitive order, as a reader scans an index (then by case, to be total). */
function byName(a: string, b: string): number {
    const bare = (name: string) => name.replace(/^type /, "");
    const keys = (name: string) => [bare(name).toLowerCase(), bare(name)];
    const [x, y] = [keys(a), keys(b)];
    return x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
}

interface PackedFile {
    readonly path: string;
}

/** A TypeScript program with lookups in both forms and one of the library's components. */
const LOOKUPS_PROGRAM = `import * as alicloud from "@pulumi/alicloud";
import { joinSecurityGroups, WebTierGroup } from "alicloud-secure-groups";

const zones = alicloud.getZones({ availableResourceCreation: "VSwitch" });
const image = alicloud.ecs.getImagesOutput({ nameRegex: "^ubuntu_22", owners: "system", mostRecent: true });

const vpc = new alicloud.vpc.Network("vpc", { vpcName: "lookups", cidrBlock: "10.0.0.0/16" });
const vswitch = new alicloud.vpc.Switch("vswitch", {
    vpcId: vpc.id,
    cidrBlock: "10.0.1.0/24",
    zoneId: zones.then((found) => found.zones[0].id),
});
// 8443 faces the Internet too, which the pack's publicPorts (80, 443) do not allow.
const web = new WebTierGroup("web", { vpcId: vpc.id, tags: { owner: "team-web" }, publicPorts: [443, 8443] });
new alicloud.ecs.Instance("web-1", {
    instanceType: "ecs.g7.large",
    imageId: image.images[0].id,
    vswitchId: vswitch.id,
    securityGroups: joinSecurityGroups([web]),
});
`;

/**
 * What a user gets from `npm install alicloud-secure-groups`: the tarball `npm pack` makes, unpacked into a
 * project's node_modules, its dependencies beside it (linked from this repository's, as npm would have
 * installed them). The repository's own layout hides packaging mistakes, such as a bundled pack whose
 * sources the tarball does not ship. The project has only `@pulumi/pulumi`, `@pulumi/alicloud` and this package
 * (no ts-node, no TypeScript), and Node resolves from the links as from real directories (`--preserve-symlinks`),
 * so nothing of this repository's own tooling is found through them.
 */
describe("the installed package", function () {
    this.timeout(240_000);
    let tmp: string;
    let files: string[];
    let app: string;

    before(function () {
        if (!fs.existsSync(path.join(ROOT, "dist", "index.js"))) {
            throw new Error("dist/ is missing: run `npm run build` (npm test does) before these tests");
        }
        tmp = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-package-"));
        // dist/ is already built: the tarball packs it as it is, without running `prepare` again.
        const packed = JSON.parse(
            execFileSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", tmp], {
                cwd: ROOT,
                encoding: "utf8",
                stdio: ["ignore", "pipe", "ignore"],
            }),
        ) as { filename: string; files: PackedFile[] }[];
        files = packed[0].files.map((file) => file.path);

        app = path.join(tmp, "app");
        const installed = path.join(app, "node_modules", PACKAGE);
        fs.mkdirSync(installed, { recursive: true });
        execFileSync("tar", [
            "xzf",
            path.join(tmp, packed[0].filename),
            "-C",
            installed,
            "--strip-components=1",
        ]);
        // Everything npm would install for the app, but not this repository's own tools: a runtime import of a
        // devDependency (ts-node and TypeScript among them) must fail here as it would for a user.
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
            devDependencies: Record<string, string>;
        };
        const devOnly = new Set(Object.keys(manifest.devDependencies));
        const link = (name: string): void => {
            if (!devOnly.has(name) && name !== PACKAGE) {
                fs.symlinkSync(path.join(ROOT, "node_modules", name), path.join(app, "node_modules", name));
            }
        };
        for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
            if (entry.startsWith(".")) {
                continue;
            }
            if (entry.startsWith("@")) {
                fs.mkdirSync(path.join(app, "node_modules", entry), { recursive: true });
                for (const scoped of fs.readdirSync(path.join(ROOT, "node_modules", entry))) {
                    link(`${entry}/${scoped}`);
                }
            } else {
                link(entry);
            }
        }
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(path.join(ROOT, "examples", "violations", file), path.join(app, file));
        }
        fs.mkdirSync(path.join(app, "lookups"));
        fs.writeFileSync(path.join(app, "lookups", "Pulumi.yaml"), "name: lookups\nruntime: nodejs\n");
        fs.writeFileSync(path.join(app, "lookups", "index.ts"), LOOKUPS_PROGRAM);
    });

    after(function () {
        if (tmp) {
            fs.rmSync(tmp, { recursive: true, force: true });
        }
    });

    /** The environment a user's shell gives the installed package: links resolved as real directories. */
    function installedEnv(): NodeJS.ProcessEnv {
        const env: NodeJS.ProcessEnv = {
            ...process.env,
            NO_COLOR: "1",
            NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --preserve-symlinks`.trim(),
        };
        delete env.ALICLOUD_SG_FROM_SOURCES;
        delete env.TS_NODE_PROJECT;
        return env;
    }

    /** The installed command, run from the app as `npx alicloud-sg` would. */
    function installedCli(args: readonly string[], cwd = app) {
        const env = installedEnv();
        const bin = path.join(app, "node_modules", PACKAGE, "bin", "alicloud-sg.js");
        return spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: "utf8" });
    }

    it("ships the publishable policy pack with its manifest and README, and the templates", function () {
        for (const file of ["index.js", "PulumiPolicy.yaml", "package.json", "README.md"]) {
            assert.ok(
                files.includes(`dist/policy-pack/${file}`),
                `dist/policy-pack/${file} is not in the tarball`,
            );
        }
        assert.deepStrictEqual(
            files.filter(
                (file) => file.endsWith(".ts") && !file.endsWith(".d.ts") && !file.startsWith("templates/"),
            ),
            [],
            "TypeScript sources in the tarball",
        );
        for (const template of ["three-tier", "tiers-from-config"]) {
            for (const file of ["Pulumi.yaml", "index.ts", "package.json", "tsconfig.json", "README.md"]) {
                assert.ok(files.includes(`templates/${template}/${file}`), `templates/${template}/${file}`);
            }
        }
    });

    it("is a project with neither ts-node nor TypeScript of its own", function () {
        const probe = spawnSync(
            process.execPath,
            [
                "--preserve-symlinks",
                "-e",
                'for (const id of ["ts-node", "typescript"]) { try { require.resolve(id, { paths: [process.cwd(), require.resolve("@pulumi/pulumi/package.json")] }); console.log(id); } catch {} }',
            ],
            { cwd: app, encoding: "utf8" },
        );
        assert.strictEqual(probe.status, 0, probe.stderr);
        assert.strictEqual(probe.stdout, "", "found from the app");
    });

    it("runs a TypeScript program with data sources and components, locating findings at the user's lines", function () {
        const result = installedCli(["preview", "lookups", "--format", "sarif"]);
        assert.strictEqual(result.status, 1, result.stderr + result.stdout);
        const sarif = JSON.parse(result.stdout) as {
            runs: {
                results: {
                    ruleId: string;
                    properties: { resourceName: string };
                    locations: {
                        physicalLocation: {
                            artifactLocation: { uri: string };
                            region: { startLine: number };
                        };
                    }[];
                }[];
                invocations: {
                    toolExecutionNotifications: {
                        message: { text: string };
                        locations?: {
                            physicalLocation: {
                                artifactLocation: { uri: string };
                                region: { startLine: number };
                            };
                        }[];
                    }[];
                }[];
            }[];
        };
        const program = path.join(app, "lookups", "index.ts");
        const at = (needle: string) => `lookups/index.ts:${lineOf(program, needle)}`;
        const where = (location?: {
            physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } };
        }) =>
            location
                ? `${location.physicalLocation.artifactLocation.uri}:${location.physicalLocation.region.startLine}`
                : "nowhere";
        const run = sarif.runs[0];
        assert.deepStrictEqual(
            run.results.map(
                (r) => `${r.ruleId.split("/").pop()} ${r.properties.resourceName} ${where(r.locations[0])}`,
            ),
            [`disallow-broad-intranet-cidr web-allow-tcp-8443-from-internet ${at('new WebTierGroup("web"')}`],
        );
        assert.deepStrictEqual(
            run.invocations[0].toolExecutionNotifications
                .slice(1)
                .map((n) => `${where(n.locations?.[0])} ${n.message.text}`),
            [
                `${at("alicloud.getZones(")} The data source alicloud:index/getZones:getZones was answered offline as unknown, as in a preview: nothing derived from its result is known (pin an answer with --invokes FILE).`,
                `${at("alicloud.ecs.getImagesOutput(")} The data source alicloud:ecs/getImages:getImages was answered offline as unknown, as in a preview: nothing derived from its result is known (pin an answer with --invokes FILE).`,
            ],
        );
    });

    it("ships the script that collects an account for audit --aliyun", function () {
        assert.ok(
            files.includes("scripts/collect-aliyun.mjs"),
            "scripts/collect-aliyun.mjs is not in the tarball",
        );
    });

    it("runs the README's CI recipe on a refused program: exit 2, and a SARIF error at the user's line", function () {
        // The gate step of the README's workflow, as written there.
        const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
        const step = /^\s*- run: (npx alicloud-sg preview .*)$/m.exec(readme);
        assert.ok(step, "the README's CI recipe has a gate step");
        const command = step[1];
        assert.match(command, /--format sarif --out (\S+)/);
        const sarifFile = path.join(app, /--out (\S+)/.exec(command)?.[1] as string);

        const refused = path.join(tmp, "refused");
        fs.mkdirSync(refused);
        fs.symlinkSync(path.join(app, "node_modules"), path.join(refused, "node_modules"));
        fs.mkdirSync(path.join(app, "node_modules", ".bin"), { recursive: true });
        const bin = path.join(app, "node_modules", ".bin", "alicloud-sg");
        if (!fs.existsSync(bin)) {
            fs.symlinkSync(path.join("..", PACKAGE, "bin", "alicloud-sg.js"), bin);
        }
        for (const file of ["Pulumi.yaml", "index.ts"]) {
            fs.copyFileSync(
                path.join(ROOT, "tests", "fixtures", "programs", "refused", file),
                path.join(refused, file),
            );
        }
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", CI: "true" };
        delete env.ALICLOUD_SG_FROM_SOURCES;
        const run = spawnSync("sh", ["-c", command], { cwd: refused, env, encoding: "utf8" });
        assert.strictEqual(run.status, 2, run.stderr + run.stdout);
        const written = path.join(refused, path.relative(app, sarifFile));
        const sarif = JSON.parse(fs.readFileSync(written, "utf8")) as {
            version: string;
            runs: {
                invocations: {
                    executionSuccessful: boolean;
                    toolExecutionNotifications: { level: string }[];
                }[];
                results: {
                    ruleId: string;
                    level: string;
                    message: { text: string };
                    locations: {
                        physicalLocation: {
                            artifactLocation: { uri: string };
                            region: { startLine: number };
                        };
                    }[];
                }[];
            }[];
        };
        assertValidSarif(sarif);
        assert.strictEqual(sarif.version, "2.1.0");
        const [runLog] = sarif.runs;
        assert.strictEqual(runLog.invocations[0].executionSuccessful, false);
        assert.strictEqual(runLog.invocations[0].toolExecutionNotifications[0].level, "error");
        assert.strictEqual(runLog.results.length, 1);
        const [result] = runLog.results;
        assert.strictEqual(result.ruleId, "alicloud-sg/program-error");
        assert.strictEqual(result.level, "error");
        assert.ok(
            result.message.text.startsWith(
                'program failed: WebTierGroup "web": publicPorts[2] opens port 22 of a service that must never face ' +
                    "the open Internet to 0.0.0.0/0",
            ),
            result.message.text,
        );
        assert.deepStrictEqual(result.locations[0].physicalLocation.artifactLocation.uri, "index.ts");
        assert.strictEqual(
            result.locations[0].physicalLocation.region.startLine,
            lineOf(path.join(refused, "index.ts"), 'new WebTierGroup("web"'),
        );
        assert.ok(run.stderr.includes(result.message.text), run.stderr);
    });

    it("gates a program with its bundled pack and finds what the repository's gate finds", async function () {
        const installed = installedCli(["preview", "."]);
        const repository = await preview(path.join(ROOT, "examples", "violations"));
        assert.ok(repository.report, repository.stderr);

        assert.strictEqual(installed.status, 1, installed.stderr + installed.stdout);
        assert.match(
            installed.stdout,
            new RegExp(`${PACKAGE}@v\\S+ \\(node_modules/${PACKAGE}/dist/policy-pack\\)`),
            "the bundled pack is not the installed package's compiled one",
        );
        const { summary, violations } = repository.report;
        assert.ok(summary.mandatory > 0, "the example has mandatory violations to find");
        assert.ok(
            installed.stdout.includes(
                ` · Policy violations: ${summary.mandatory} mandatory, ${summary.advisory} advisory`,
            ),
            installed.stdout,
        );
        for (const violation of violations) {
            assert.ok(
                installed.stdout.includes(violation.policyName),
                `${violation.policyName} not reported`,
            );
        }
    });

    it("exports the gate's functions as alicloud-secure-groups/engine, and they find what the command finds", async function () {
        fs.writeFileSync(
            path.join(app, "gate.js"),
            [
                'const { preview, renderReport } = require("alicloud-secure-groups/engine");',
                "preview({ projectDir: process.cwd() }).then(",
                "    ({ report, exitCode }) => {",
                '        const text = renderReport(report, "text", false);',
                "        const { summary, violations } = report.document;",
                "        console.log(JSON.stringify({ exitCode, summary, policies: violations.map((v) => v.policyName), text }));",
                "    },",
                "    (err) => {",
                "        console.error(err);",
                "        process.exit(3);",
                "    },",
                ");",
            ].join("\n"),
        );
        // Resolved from the links as the installed command is, so nothing of this repository's tooling is found.
        const run = spawnSync(process.execPath, ["gate.js"], {
            cwd: app,
            env: installedEnv(),
            encoding: "utf8",
        });
        assert.strictEqual(run.status, 0, run.stderr);
        const installed = JSON.parse(run.stdout) as {
            exitCode: number;
            summary: { resources: number; mandatory: number; advisory: number };
            policies: string[];
            text: string;
        };
        const repository = await preview(path.join(ROOT, "examples", "violations"));
        assert.ok(repository.report, repository.stderr);
        assert.strictEqual(installed.exitCode, 1);
        assert.deepStrictEqual(installed.summary, repository.report.summary);
        assert.deepStrictEqual(
            installed.policies,
            repository.report.violations.map((violation) => violation.policyName),
        );
        assert.match(
            installed.text,
            new RegExp(`${PACKAGE}@v\\S+ \\(node_modules/${PACKAGE}/dist/policy-pack\\)`),
        );
    });

    it("publishes types a Pulumi TypeScript program compiles against, the internals left out", function () {
        // A TypeScript project of its own beside the app: `pulumi new typescript` brings TypeScript and Node's
        // types, which the app above deliberately lacks. The package and the SDK are the app's installed ones.
        const consumer = path.join(tmp, "consumer");
        fs.mkdirSync(path.join(consumer, "node_modules", "@types"), { recursive: true });
        for (const [name, target] of [
            [PACKAGE, path.join(app, "node_modules", PACKAGE)],
            ["@pulumi", path.join(app, "node_modules", "@pulumi")],
            ["typescript", path.join(ROOT, "node_modules", "typescript")],
            ["@types/node", path.join(ROOT, "node_modules", "@types", "node")],
        ]) {
            fs.symlinkSync(target, path.join(consumer, "node_modules", name));
        }
        fs.writeFileSync(
            path.join(consumer, "tsconfig.json"),
            JSON.stringify({
                // A Pulumi TypeScript project's settings (`pulumi new typescript`), checking the package's own
                // declarations too: a declaration that names a stripped internal would fail here.
                compilerOptions: {
                    strict: true,
                    target: "es2020",
                    module: "commonjs",
                    moduleResolution: "node",
                    noEmit: true,
                    skipLibCheck: false,
                    types: ["node"],
                },
                // Every declaration file the tarball ships, not only those the entry points reach: a deep file
                // naming a stripped internal is as broken for whoever opens it. Named where the package is
                // installed, so that their own imports resolve from the app's node_modules as a user's do.
                files: [
                    "consumer.ts",
                    ...files
                        .filter((file) => file.endsWith(".d.ts"))
                        .map((file) => path.join(app, "node_modules", PACKAGE, file)),
                ],
            }),
        );
        const published = files
            .filter((file) => file.endsWith(".d.ts"))
            .map((file) => fs.readFileSync(path.join(app, "node_modules", PACKAGE, file), "utf8"))
            .join("\n");
        for (const name of INTERNAL_NAMES) {
            assert.doesNotMatch(published, new RegExp(`\\b${name}\\b`), `${name} is in the published types`);
        }
        fs.writeFileSync(
            path.join(consumer, "consumer.ts"),
            [
                'import * as pulumi from "@pulumi/pulumi";',
                "import {",
                "    joinSecurityGroups,",
                "    RedisGroupFromSource,",
                "    renderProblem,",
                "    type RuleSpec,",
                "    SecureGroup,",
                "    ValidationError,",
                "    WebTierGroup,",
                '} from "alicloud-secure-groups";',
                'import { formatPortRange, parseCidr } from "alicloud-secure-groups/core";',
                'import { preview, renderReport, type PreviewResult } from "alicloud-secure-groups/engine";',
                "// @ts-expect-error the planners are internal",
                'import { planWebTierGroup } from "alicloud-secure-groups";',
                "// @ts-expect-error so are they from the file that holds them",
                'import { planGroup } from "alicloud-secure-groups/dist/components/plan";',
                "// @ts-expect-error the wire constants are internal",
                'import { SIG_KEY } from "alicloud-secure-groups/engine";',
                "",
                'const https: RuleSpec = { preset: "https", cidr: "10.1.0.0/16" };',
                'const web = new WebTierGroup("web", { vpcId: "vpc-1", tags: { owner: "team" } });',
                'const cache = new RedisGroupFromSource("cache", { vpcId: "vpc-1", tags: { owner: "team" }, sources: [web] });',
                'new SecureGroup("api", { vpcId: "vpc-1", tags: { owner: "team" }, ingress: { https } });',
                "export const ids: pulumi.Output<string[]> = joinSecurityGroups([web, cache]);",
                'export const rule = web.rules["web-allow-https-from-internet"];',
                'export const block = formatPortRange({ from: 80, to: 80 }) + String(parseCidr("10.0.0.0/8")?.prefix);',
                "export async function gate(): Promise<string> {",
                '    const result: PreviewResult = await preview({ projectDir: "." });',
                '    return renderReport(result.report, "sarif", false);',
                "}",
                "export function explain(err: unknown): string[] {",
                "    return err instanceof ValidationError ? err.problems.map(renderProblem) : [];",
                "}",
                "void [planWebTierGroup, planGroup, SIG_KEY];",
                "",
            ].join("\n"),
        );
        const tsc = require.resolve("typescript/bin/tsc", { paths: [consumer] });
        const compiled = spawnSync(process.execPath, [tsc, "-p", "."], { cwd: consumer, encoding: "utf8" });
        assert.strictEqual(compiled.status, 0, compiled.stdout + compiled.stderr);
    });

    it("exports by name exactly its public surface, from the root, core and engine, in types and at run time", function () {
        const installed = path.join(app, "node_modules", PACKAGE);
        const manifest = JSON.parse(fs.readFileSync(path.join(installed, "package.json"), "utf8")) as {
            exports: Record<string, string | { types: string }>;
        };
        const entryPoints = Object.keys(PUBLIC_SURFACE);
        // Every entry point the package exports is listed here, and only those.
        assert.deepStrictEqual(
            Object.keys(manifest.exports)
                .filter((key) => key !== "./package.json")
                .map((key) => (key === "." ? PACKAGE : `${PACKAGE}/${key.slice(2)}`)),
            entryPoints,
        );
        const declarations = Object.values(manifest.exports)
            .filter((entry): entry is { types: string } => typeof entry === "object")
            .map((entry) => path.join(installed, entry.types));
        const program = ts.createProgram(declarations, { strict: true, noEmit: true, skipLibCheck: true });
        const checker = program.getTypeChecker();
        const declared = declarations.map((file) => {
            const source = program.getSourceFile(file);
            assert.ok(source, file);
            const module = checker.getSymbolAtLocation(source);
            assert.ok(module, `${file} is not a module`);
            return checker
                .getExportsOfModule(module)
                .map((symbol) => {
                    const target =
                        symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
                    return target.flags & ts.SymbolFlags.Value ? symbol.name : `type ${symbol.name}`;
                })
                .sort(byName);
        });
        assert.deepStrictEqual(
            Object.fromEntries(entryPoints.map((entry, i) => [entry, declared[i]])),
            PUBLIC_SURFACE,
        );

        // What `require` gives is the declared values, nothing more: no internal rides along untyped.
        const run = spawnSync(
            process.execPath,
            [
                "-e",
                `console.log(JSON.stringify(${JSON.stringify(entryPoints)}.map((id) => Object.keys(require(id)).sort())))`,
            ],
            { cwd: app, env: installedEnv(), encoding: "utf8" },
        );
        assert.strictEqual(run.status, 0, run.stderr);
        assert.deepStrictEqual(
            JSON.parse(run.stdout),
            entryPoints.map((entry) =>
                PUBLIC_SURFACE[entry].filter((name) => !name.startsWith("type ")).sort(),
            ),
        );
    });

    it("makes a project from a template that installs from the registry and passes the gate", function () {
        this.timeout(900_000);
        const version = (
            JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as { version: string }
        ).version;
        const made = path.join(tmp, "my-tiers");
        const created = installedCli(
            ["new", "three-tier", made, "--config", "vpcId=vpc-bp1example", "--config", "owner=team-shop"],
            tmp,
        );
        assert.strictEqual(created.status, 0, created.stderr);
        const tarball = `alicloud-secure-groups-${version}.tgz`;
        assert.strictEqual(
            created.stdout,
            `Created my-tiers from the three-tier template in my-tiers (alicloud-secure-groups: file:${tarball}). Next:\n` +
                "    cd my-tiers && npm install && npx alicloud-sg preview\n",
        );
        assert.deepStrictEqual(fs.readdirSync(made).sort(), [
            "Pulumi.dev.yaml",
            "Pulumi.yaml",
            "README.md",
            tarball,
            "index.ts",
            "package.json",
            "tsconfig.json",
        ]);
        assert.deepStrictEqual(YAML.parse(fs.readFileSync(path.join(made, "Pulumi.yaml"), "utf8")), {
            name: "my-tiers",
            runtime: "nodejs",
            description: "A project made from the three-tier template",
        });
        assert.deepStrictEqual(YAML.parse(fs.readFileSync(path.join(made, "Pulumi.dev.yaml"), "utf8")), {
            config: {
                "my-tiers:vpcId": "vpc-bp1example",
                "my-tiers:owner": "team-shop",
                "my-tiers:appPort": "8080",
                "my-tiers:adminGroupId": "",
            },
        });
        const manifest = JSON.parse(fs.readFileSync(path.join(made, "package.json"), "utf8")) as {
            name: string;
            dependencies: Record<string, string>;
        };
        assert.strictEqual(manifest.name, "my-tiers");
        assert.strictEqual(manifest.dependencies[PACKAGE], `file:${tarball}`);

        // As a user would on a fresh machine: npm install from the registry, then the project's own gate.
        const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1" };
        delete env.NODE_OPTIONS;
        delete env.ALICLOUD_SG_FROM_SOURCES;
        delete env.TS_NODE_PROJECT;
        const install = spawnSync("npm", ["install", "--no-audit", "--no-fund", "--prefer-offline"], {
            cwd: made,
            env,
            encoding: "utf8",
        });
        assert.strictEqual(install.status, 0, install.stderr);
        const gate = spawnSync(
            process.execPath,
            [
                path.join(made, "node_modules", PACKAGE, "bin", "alicloud-sg.js"),
                "preview",
                "--format",
                "json",
            ],
            { cwd: made, env, encoding: "utf8" },
        );
        assert.strictEqual(gate.status, 0, gate.stderr);
        const report = JSON.parse(gate.stdout) as {
            project: string;
            resources: { type: string; inputs: Record<string, unknown> }[];
            violations: unknown[];
            policyPacks: { name: string; version: string }[];
        };
        assert.strictEqual(report.project, "my-tiers");
        assert.strictEqual(report.resources.length, 15);
        assert.deepStrictEqual(report.violations, []);
        assert.deepStrictEqual(report.policyPacks, [{ name: PACKAGE, version }]);
        for (const group of report.resources.filter(
            (r) => r.type === "alicloud:ecs/securityGroup:SecurityGroup",
        )) {
            assert.strictEqual(group.inputs.vpcId, "vpc-bp1example");
            assert.strictEqual((group.inputs.tags as Record<string, string>).owner, "team-shop");
        }
    });
});
