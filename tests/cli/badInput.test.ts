import * as assert from "assert";
import { XMLValidator } from "fast-xml-parser";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ReportDocument } from "../../engine/report";
import { FIXTURES, lineOf, newRunMarker, processesMentioning, ROOT, runCli, type CliResult } from "./run";

/**
 * Bad input gets one clear line, before anything runs where it can: oversized and deeply nested files, stack
 * config that is not a map, a config too large to reach the program, runaway resource inputs, an `--out` that
 * cannot be written; names with control characters never reach a terminal or a file raw.
 */
const violations = path.join(FIXTURES, "programs", "violations");
const slow = path.join(FIXTURES, "programs", "slow");
const basicPack = path.join(FIXTURES, "packs", "basic");

function tempDir(): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-bad-input-"));
}

/** A copy of the violations fixture whose stack file is `stackFile`. */
function projectWithStackFile(stackFile: string): string {
    const dir = tempDir();
    for (const file of ["Pulumi.yaml", "index.ts"]) {
        fs.copyFileSync(path.join(violations, file), path.join(dir, file));
    }
    fs.writeFileSync(path.join(dir, "Pulumi.dev.yaml"), stackFile);
    return dir;
}

async function gate(args: string[]): Promise<CliResult & { ms: number }> {
    const marker = newRunMarker();
    const started = Date.now();
    const result = await runCli(args, undefined, { marker });
    assert.deepStrictEqual(processesMentioning("", marker), [], "processes left running");
    return { ...result, ms: Date.now() - started };
}

describe("alicloud-sg preview: oversized and malformed input", function () {
    this.timeout(300_000);

    it("a 51 MB policy config: refused by size before it is read, no pack started", async () => {
        const file = path.join(tempDir(), "policy-config.json");
        const ports = Array.from({ length: (51 * 1024 * 1024) / 6 }, () => 22222).join(",");
        fs.writeFileSync(file, `{"disallow-public-risky-ports": {"riskyPorts": [${ports}]}}`);
        const size = `${(fs.statSync(file).size / (1024 * 1024)).toFixed(1)} MB`;
        const result = await gate(["preview", violations, "--policy-pack-config", file]);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.strictEqual(
            result.stderr,
            `alicloud-sg: --policy-pack-config ${file}: ${file} is ${size}; the gate reads at most 1.0 MB ` +
                "(a config file is a few kilobytes)\n",
        );
    });

    it("a policy config nested 100,000 levels deep: refused naming the file and where", async () => {
        const file = path.join(tempDir(), "deep.json");
        fs.writeFileSync(file, `{"all": "mandatory", "x": ${"[".repeat(100_000)}${"]".repeat(100_000)}}`);
        const result = await gate(["preview", violations, "--policy-pack-config", file]);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.match(
            result.stderr,
            new RegExp(
                `^alicloud-sg: --policy-pack-config ${file}: nested (deeper than 64 levels at x(\\[0\\])+|too deeply to read)`,
            ),
        );
        assert.strictEqual(result.stderr.split("\n").length, 2, "one line");
    });

    it("a stack config nested too deeply: refused naming the stack file", async () => {
        const dir = projectWithStackFile(
            `config:\n  fixture-violations:deep: ${"[".repeat(200)}1${"]".repeat(200)}\n`,
        );
        const result = await gate(["preview", dir, "--policy-pack", basicPack]);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(
            result.stderr.startsWith(
                `alicloud-sg: ${path.join(dir, "Pulumi.dev.yaml")}: nested deeper than 64 levels at config.fixture-violations:deep[0]`,
            ),
            result.stderr,
        );
    });

    it("a stack file that is not a mapping, or whose config is not one: refused, not ignored", async () => {
        for (const [content, got] of [
            [
                "- fixture-violations:region: cn-hangzhou\n",
                "a stack config file must be a YAML mapping with a config key (got a list)",
            ],
            ["config: cn-hangzhou\n", "config must be a mapping of keys to values (got a string)"],
            ["config:\n  - region\n", "config must be a mapping of keys to values (got a list)"],
        ]) {
            const dir = projectWithStackFile(content);
            const result = await gate(["preview", dir, "--policy-pack", basicPack]);
            assert.strictEqual(result.code, 2, result.stderr);
            assert.strictEqual(result.stderr, `alicloud-sg: ${path.join(dir, "Pulumi.dev.yaml")}: ${got}\n`);
        }
    });

    it("a stack config too large for the environment variable that carries it to the program", async () => {
        const dir = projectWithStackFile(
            `config:\n  fixture-violations:certificate: ${"A".repeat(200_000)}\n`,
        );
        const result = await gate(["preview", dir, "--policy-pack", basicPack]);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.match(
            result.stderr,
            /^alicloud-sg: stack config takes 200\d\d\d bytes as PULUMI_CONFIG, the environment variable that carries it to the program as the language host passes it; Linux allows 131072 bytes per variable \(largest keys: fixture-violations:certificate \(200000 bytes\)\)\n$/,
        );
    });

    it("a resource input of 17 MB: refused naming the resource, before the gate holds it", async () => {
        const program = path.join(FIXTURES, "programs", "huge-input", "index.js");
        const result = await gate(["preview", path.dirname(program), "--policy-pack", basicPack]);
        assert.strictEqual(result.code, 2, result.stderr);
        assert.ok(
            result.stderr.startsWith(
                "alicloud-sg: program failed: failed to register new resource sg-huge " +
                    "[alicloud:ecs/securityGroup:SecurityGroup]: " +
                    "Resource 'sg-huge' (alicloud:ecs/securityGroup:SecurityGroup) has " +
                    "17.0 MB of inputs; the offline gate records at most 16.0 MB per resource (at index.js:" +
                    `${lineOf(program, 'new alicloud.ecs.SecurityGroup("sg-huge"')}:`,
            ),
            result.stderr,
        );
    });

    it("--out checked before the run: a directory, a missing directory, a place nothing can be written", async () => {
        const dir = tempDir();
        for (const [out, reason] of [
            [dir, "is a directory; give the path of the report file to write"],
            [
                path.join(dir, "missing", "report.sarif"),
                `directory ${path.join(dir, "missing")} does not exist`,
            ],
            ["/sys/alicloud-sg-report.sarif", "cannot be written (EACCES)"],
        ]) {
            // The program takes a minute: a check after the run would take that long.
            const result = await gate([
                "preview",
                slow,
                "--policy-pack",
                basicPack,
                "--format",
                "sarif",
                "--out",
                out,
            ]);
            assert.strictEqual(result.code, 2, result.stderr);
            assert.strictEqual(result.stderr, `alicloud-sg: --out ${out}: ${reason}\n`);
            assert.ok(result.ms < 45_000, `took ${result.ms} ms: the program ran first`);
        }
        const graph = await gate(["graph", slow, "--out", dir]);
        assert.strictEqual(
            graph.stderr,
            `alicloud-sg: --out ${dir}: is a directory; give the path of the report file to write\n`,
        );
    });
});

describe("alicloud-sg: stack config as the program sees it", function () {
    this.timeout(300_000);
    const project = path.join(FIXTURES, "programs", "config-values");

    async function seen(args: string[]): Promise<unknown> {
        const result = await gate([
            "preview",
            project,
            "--policy-pack",
            basicPack,
            "--format",
            "json",
            ...args,
        ]);
        assert.ok(result.code === 0 || result.code === 1, result.stderr);
        const document = JSON.parse(result.stdout) as ReportDocument;
        const group = document.resources.find((r) => r.name === "sg-config") as {
            inputs: { description: string };
        };
        return JSON.parse(group.inputs.description);
    }

    it("null stays null, nested or not, and project defaults apply", async () => {
        assert.deepStrictEqual(await seen([]), {
            maybe: "absent",
            nested: { a: null, b: [1, null] },
            source: "Pulumi.dev.yaml",
            region: "cn-hangzhou",
        });
    });

    it("--config-file replaces Pulumi.<stack>.yaml, as pulumi preview --config-file does", async () => {
        assert.deepStrictEqual(await seen(["--config-file", path.join(project, "ci.yaml")]), {
            maybe: 7,
            nested: "absent",
            source: "ci.yaml",
            region: "cn-hangzhou",
        });
        const missing = await gate(["preview", project, "--config-file", path.join(project, "none.yaml")]);
        assert.strictEqual(
            missing.stderr,
            `alicloud-sg: --config-file ${path.join(project, "none.yaml")}: no such file\n`,
        );
    });
});

describe("alicloud-sg: names with control characters", function () {
    this.timeout(300_000);
    const project = path.join(FIXTURES, "programs", "control-chars");
    const forged = "Resources: 0 · Policy violations: 0 mandatory, 0 advisory";
    let text: CliResult;
    const graphs = new Map<string, string>();

    before(async () => {
        text = await gate(["preview", project, "--policy-pack", basicPack]);
        for (const format of ["mermaid", "dot", "svg"]) {
            graphs.set(format, (await gate(["graph", project, "--format", format])).stdout);
        }
    });

    it("cannot forge a line of the text report: every control character is escaped, one summary line", () => {
        assert.strictEqual(text.code, 1, text.stderr);
        // eslint-disable-next-line no-control-regex -- the test looks for control characters
        assert.ok(!/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/.test(text.stdout), JSON.stringify(text.stdout));
        const lines = text.stdout.trimEnd().split("\n");
        assert.deepStrictEqual(
            lines.filter((line) => line.startsWith("Resources:")),
            ["Resources: 6 · Problems: 3 mandatory, 0 advisory · Policy violations: 3 mandatory, 0 advisory"],
        );
        assert.ok(!lines.includes(forged));
        assert.ok(text.stdout.includes("web\\x1b[31m-prod"), text.stdout);
        assert.ok(text.stdout.includes(`db\\n${forged}`), text.stdout);
        assert.ok(text.stdout.includes(`cache\\r\\x1b[2K${forged}\\x07\\u202e`), text.stdout);
    });

    it("Mermaid and DOT carry no control character but line breaks, and the SVG is well-formed XML", () => {
        for (const format of ["mermaid", "dot"]) {
            const output = graphs.get(format) as string;
            assert.ok(
                // eslint-disable-next-line no-control-regex -- the test looks for control characters
                !/[\u0000-\u0009\u000b-\u001f\u007f\u202e]/.test(output),
                `${format}: ${JSON.stringify(output)}`,
            );
            assert.ok(!output.split("\n").some((line) => line.startsWith("Resources:")), format);
        }
        const svg = graphs.get("svg") as string;
        assert.strictEqual(XMLValidator.validate(svg), true);
        assert.ok(svg.includes("web\\x1b[31m&#45;prod"), svg);
    });
});

describe("alicloud-sg preview: the README states where it runs", () => {
    it("engines says node >= 22, as @pulumi/pulumi declares", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
            engines: { node: string };
        };
        const sdk = JSON.parse(
            fs.readFileSync(path.join(ROOT, "node_modules", "@pulumi", "pulumi", "package.json"), "utf8"),
        ) as { engines: { node: string } };
        assert.strictEqual(manifest.engines.node, sdk.engines.node);
    });
});
