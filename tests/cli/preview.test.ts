import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
    FIXTURES,
    lineOf,
    processesMentioning,
    runCli,
    VIOLATIONS_FIXTURE_MANDATORY,
    type CliResult,
} from "./run";
import type { ReportDocument } from "../../engine/report";
import { assertValidSarif } from "../engine/sarifSchema";

const violationsDir = path.join(FIXTURES, "programs", "violations");
const violationsProgram = path.join(violationsDir, "index.ts");
const basicPack = path.join(FIXTURES, "packs", "basic");
const brokenPack = path.join(FIXTURES, "packs", "broken");

function tempFile(name: string, content: string): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-test-"));
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    return file;
}

function json(result: CliResult): ReportDocument {
    assert.doesNotThrow(
        () => JSON.parse(result.stdout),
        `stdout is not one JSON document:\n${result.stdout}`,
    );
    return JSON.parse(result.stdout) as ReportDocument;
}

function nameOf(urn: string | null): string | undefined {
    return urn?.split("::").pop();
}

/** `policy@resource` for every violation at `level`, sorted. */
function findings(doc: ReportDocument, level: "mandatory" | "advisory"): string[] {
    return doc.violations
        .filter((v) => v.enforcementLevel === level)
        .map((v) => `${v.policyName}@${v.resourceName ?? "stack"}`)
        .sort();
}

afterEach(() => {
    // No run may leave a program host or a policy pack runner behind, on any exit path.
    assert.deepStrictEqual(processesMentioning("programHost"), []);
    assert.deepStrictEqual(processesMentioning("run-policy-pack"), []);
});

describe("alicloud-sg preview: the default example with the bundled pack", function () {
    this.timeout(180_000);
    let text: CliResult;
    let document: CliResult;

    before(async () => {
        text = await runCli(["preview", "."]);
        document = await runCli(["preview", ".", "--format", "json"]);
    });

    it("exits 0 and prints the report", () => {
        assert.strictEqual(text.code, 0, text.stderr);
        assert.match(text.stdout, /^Previewing web-redis \(stack dev\), offline$/m);
        assert.match(text.stdout, /✓ alicloud-secure-groups@v\d+\.\d+\.\d+ \(policies\)/);
        assert.match(text.stdout, /provider defaults and autonames were not applied/);
    });

    it("records every resource of examples/web-redis", () => {
        assert.strictEqual(document.code, 0, document.stderr);
        const doc = json(document);
        // web-redis: vpc, vswitch, WebTierGroup (component, group, http, https, baseline), RedisGroupFromSource
        // (component, group, allow from web, allow members, drop 6379 from anywhere, baseline), 2 web
        // instances and the Redis instance.
        assert.strictEqual(doc.resources.length, 16);
        assert.strictEqual(doc.summary.resources, 16);
        assert.deepStrictEqual(findings(doc, "mandatory"), []);
        assert.strictEqual(doc.summary.mandatory, 0);
        assert.deepStrictEqual(
            doc.policyPacks.map((p) => p.name),
            ["alicloud-secure-groups"],
        );
        const instances = doc.resources
            .filter((r) => r.type === "alicloud:ecs/instance:Instance")
            .map((r) => r.name);
        assert.deepStrictEqual(instances.sort(), ["redis-1", "web-1", "web-2"]);
    });

    it("shows values a preview cannot know as [unknown]", () => {
        const doc = json(document);
        const rule = doc.resources.find((r) => r.name === "web-allow-https-from-internet");
        assert.ok(rule, "web-allow-https-from-internet recorded");
        assert.strictEqual((rule.inputs as Record<string, unknown>).securityGroupId, "[unknown]");
        assert.strictEqual(rule.parent, doc.resources.find((r) => r.type.endsWith(":WebTierGroup"))?.urn);
    });
});

describe("alicloud-sg preview: a program with violations, bundled pack", function () {
    this.timeout(180_000);
    let asJson: CliResult;
    let asText: CliResult;
    let asSarif: CliResult;
    const expectedMandatory = VIOLATIONS_FIXTURE_MANDATORY;

    before(async () => {
        asJson = await runCli(["preview", violationsDir, "--format", "json"]);
        asText = await runCli(["preview", violationsDir]);
        asSarif = await runCli(["preview", violationsDir, "--format", "sarif"]);
    });

    it("exits 1 in every format", () => {
        assert.deepStrictEqual([asJson.code, asText.code, asSarif.code], [1, 1, 1], asJson.stderr);
    });

    it("marks as risky in the exposure section the ports this run's policy config names", async () => {
        const sshFromInternet = /^ {4}.*tcp 22\/22 from [^;\n]*/m;
        assert.match(asText.stdout.match(sshFromInternet)?.[0] ?? "", /\(risky: 22\)/, asText.stdout);
        const config = tempFile(
            "risky-ports.json",
            JSON.stringify({ "disallow-public-risky-ports": { riskyPorts: [3389] } }),
        );
        const configured = await runCli(["preview", violationsDir, "--policy-pack-config", config]);
        const line = configured.stdout.match(sshFromInternet)?.[0];
        assert.ok(line, configured.stdout);
        assert.doesNotMatch(line, /risky/);
        assert.doesNotMatch(configured.stdout, /disallow-public-risky-ports/);
    });

    it("JSON names the expected policies on the expected resources", () => {
        const doc = json(asJson);
        assert.deepStrictEqual(findings(doc, "mandatory"), expectedMandatory);
        assert.ok(findings(doc, "advisory").includes("missing-vpc@sg-undescribed"), "classic group flagged");
        assert.strictEqual(doc.summary.mandatory, expectedMandatory.length);
        assert.strictEqual(doc.summary.advisory, findings(doc, "advisory").length);
        const ssh = doc.violations.find((v) => v.policyName === "disallow-public-risky-ports");
        assert.strictEqual(ssh?.resourceType, "alicloud:ecs/securityGroupRule:SecurityGroupRule");
        assert.strictEqual(ssh?.source, `index.ts:${lineOf(violationsProgram, '"allow-ssh"')}`);
        assert.strictEqual(
            ssh?.urn,
            "urn:pulumi:dev::fixture-violations::alicloud:ecs/securityGroupRule:SecurityGroupRule::allow-ssh",
        );
        // DESIGN §3's document, and the data sources the program called (none here).
        assert.deepStrictEqual(doc.invokes, []);
        assert.deepStrictEqual(Object.keys(doc), [
            "project",
            "stack",
            "resources",
            "invokes",
            "policyPacks",
            "violations",
            "summary",
        ]);
        assert.deepStrictEqual([doc.project, doc.stack], ["fixture-violations", "dev"]);
    });

    it("text lists each problem under its pack, SSH from anywhere as one, and ends with a one-line summary", () => {
        for (const entry of [
            "disallow-broad-intranet-cidr + prefer-source-group-authorization@allow-intranet",
            "disallow-broad-intranet-cidr + disallow-public-risky-ports@allow-ssh",
            "missing-security-group-tags@sg-untagged",
        ]) {
            const [policies, resource] = entry.split("@");
            assert.ok(
                asText.stdout
                    .split("\n")
                    .some(
                        (line) =>
                            line.startsWith(`        - [mandatory]  ${policies}  (`) &&
                            line.endsWith(`: ${resource})`),
                    ),
                `${entry}:\n${asText.stdout}`,
            );
        }
        const lines = asText.stdout.trimEnd().split("\n");
        assert.match(
            lines[lines.length - 1],
            /^Resources: 6 · Problems: 3 mandatory, \d+ advisory · Policy violations: 4 mandatory, \d+ advisory$/,
        );
        assert.ok(!asText.stdout.includes("\u001b["), "no colour when stdout is not a terminal");
    });

    it("SARIF 2.1.0 has one rule per policy and one result per problem, SSH from anywhere as one", () => {
        const sarif = JSON.parse(asSarif.stdout);
        assertValidSarif(sarif);
        const doc = json(asJson);
        assert.strictEqual(sarif.version, "2.1.0");
        const run = sarif.runs[0];
        assert.strictEqual(run.tool.driver.rules.length, 18, "the bundled pack's 18 policies");
        assert.strictEqual(
            run.results.length,
            doc.violations.length - 2,
            "two policies judge allow-ssh, two allow-intranet",
        );
        const errors = run.results
            .filter((r: { level: string }) => r.level === "error")
            .map(
                (r: { properties: { resourceName: string; policies: { policyName: string }[] } }) =>
                    `${r.properties.policies.map((p) => p.policyName).join("+")}@${r.properties.resourceName}`,
            )
            .sort();
        assert.deepStrictEqual(errors, [
            "disallow-broad-intranet-cidr+disallow-public-risky-ports@allow-ssh",
            "disallow-broad-intranet-cidr+prefer-source-group-authorization@allow-intranet",
            "missing-security-group-tags@sg-untagged",
        ]);
        assert.ok(run.results.every((r: { level: string }) => r.level === "error" || r.level === "warning"));
        const ssh = run.results.find(
            (r: { ruleId: string; properties: { resourceName: string } }) =>
                r.ruleId.endsWith("/disallow-broad-intranet-cidr") &&
                r.properties.resourceName === "allow-ssh",
        );
        const location = ssh.locations[0].physicalLocation;
        assert.strictEqual(location.artifactLocation.uri, "tests/fixtures/programs/violations/index.ts");
        assert.strictEqual(location.region.startLine, lineOf(violationsProgram, '"allow-ssh"'));
        const ruleIds = run.tool.driver.rules.map((r: { id: string }) => r.id);
        assert.ok(
            run.results.every(
                (r: { ruleIndex: number; ruleId: string }) => ruleIds[r.ruleIndex] === r.ruleId,
            ),
        );
    });
});

describe("alicloud-sg preview: config", function () {
    this.timeout(180_000);

    it("passes Pulumi.<stack>.yaml config (structured and defaults) to the program", async () => {
        const result = await runCli([
            "preview",
            path.join(FIXTURES, "programs", "wire"),
            "--stack",
            "ci",
            "--policy-pack",
            basicPack,
            "--format",
            "json",
        ]);
        assert.strictEqual(result.code, 0, result.stderr);
        const doc = json(result);
        const group = doc.resources.find(
            (r) => r.type === "alicloud:ecs/securityGroup:SecurityGroup" && r.name === "app-sg",
        );
        // tags come from Pulumi.ci.yaml plus getStack()/getProject(), the tier name from the project's config
        // default; the secret stays hidden.
        assert.deepStrictEqual(group?.inputs, {
            description: "[secret]",
            securityGroupName: "app",
            tags: { costCenter: "42", team: "platform", stack: "ci", project: "fixture-wire" },
        });
        assert.strictEqual(doc.stack, "ci");
        assert.ok(
            group?.urn.startsWith("urn:pulumi:ci::fixture-wire::fixture:index:Platform$fixture:index:Tier$"),
        );
    });

    it("lets --config override the stack file", async () => {
        const result = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            basicPack,
            "--config",
            "sshCidr=203.0.113.7/32",
            "--format",
            "json",
        ]);
        assert.strictEqual(result.code, 0, result.stderr);
        const doc = json(result);
        const ssh = doc.resources.find((r) => r.name === "allow-ssh");
        assert.strictEqual((ssh?.inputs as Record<string, unknown>).cidrIp, "203.0.113.7/32");
        assert.deepStrictEqual(findings(doc, "mandatory"), []);
    });

    it("a policy set to disabled and one raised to mandatory through --policy-pack-config", async () => {
        const config = tempFile(
            "policy-config.json",
            JSON.stringify({
                "fixture-no-open-ssh": "disabled",
                "fixture-max-groups": { enforcementLevel: "mandatory", maxGroups: 1 },
            }),
        );
        const result = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            basicPack,
            "--policy-pack-config",
            config,
            "--format",
            "json",
        ]);
        assert.strictEqual(result.code, 1, result.stderr);
        const doc = json(result);
        // Three groups, a limit of one: the two beyond it, now mandatory; the SSH rule is no longer judged.
        assert.deepStrictEqual(
            doc.violations.map((v) => `${v.enforcementLevel} ${v.policyName}`),
            ["mandatory fixture-max-groups", "mandatory fixture-max-groups"],
        );
        assert.ok(doc.violations.every((v) => v.resourceType === "alicloud:ecs/securityGroup:SecurityGroup"));
    });

    it("applies remediations before Analyze and reports them", async () => {
        const result = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            basicPack,
            "--format",
            "json",
        ]);
        const doc = json(result);
        const undescribed = doc.resources.find((r) => r.name === "sg-undescribed");
        assert.strictEqual(
            (undescribed?.inputs as Record<string, unknown>).description,
            "Described by the fixture pack",
        );
        assert.deepStrictEqual(
            doc.violations.map((v) => `${v.policyName}@${nameOf(v.urn)}`),
            ["fixture-no-open-ssh@allow-ssh"],
            "the remediated group is not reported by the policy's own validation",
        );
    });
});

describe("alicloud-sg preview: exit 2", function () {
    this.timeout(180_000);

    it("a program that throws: its own message and location, and JSON still reports it", async () => {
        const program = path.join(FIXTURES, "programs", "throws", "index.ts");
        const result = await runCli(["preview", path.dirname(program), "--format", "json"]);
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /fixture program refuses to run: missing region/);
        const line = lineOf(program, "throw new Error");
        assert.ok(result.stderr.includes(`index.ts:${line}:`), result.stderr);
        // DESIGN §3: exit 2 still writes the requested report.
        assert.deepStrictEqual(JSON.parse(result.stdout), {
            error: {
                message: result.stderr.replace(/^alicloud-sg: /, "").trimEnd(),
                source: `index.ts:${line}`,
            },
        });
    });

    it("a component argument that resolves later to a bad value: the program fails, not a quiet empty tier", async () => {
        const program = path.join(FIXTURES, "programs", "refused-later");
        const result = await runCli(["preview", program, "--format", "json"]);
        assert.strictEqual(result.code, 2, result.stderr + result.stdout);
        assert.ok(
            result.stderr.startsWith(
                'alicloud-sg: program failed: WebTierGroup "office-web": publicCidrs[1] must be a CIDR block such as ' +
                    '"192.168.1.0/24" (got "203.0.113.300/32")',
            ),
            result.stderr,
        );
        const report = JSON.parse(result.stdout) as { error: { message: string } };
        assert.strictEqual(report.error.message, result.stderr.replace(/^alicloud-sg: /, "").trimEnd());
    });

    it("exit 2 writes the requested format: SARIF with an error at the file and line, text with --out", async () => {
        const program = path.join(FIXTURES, "programs", "throws", "index.ts");
        const line = lineOf(program, "throw new Error");
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-out-")), "gate.sarif");
        const sarifRun = await runCli(["preview", path.dirname(program), "--format", "sarif", "--out", out]);
        assert.strictEqual(sarifRun.code, 2);
        assert.strictEqual(sarifRun.stdout, "");
        const message = sarifRun.stderr.replace(/^alicloud-sg: /, "").trimEnd();
        const location = {
            physicalLocation: {
                artifactLocation: { uri: "tests/fixtures/programs/throws/index.ts", uriBaseId: "%SRCROOT%" },
                region: { startLine: line, startColumn: 7 },
            },
        };
        const sarif = JSON.parse(fs.readFileSync(out, "utf8"));
        assertValidSarif(sarif);
        assert.deepStrictEqual(sarif.runs[0].invocations, [
            {
                executionSuccessful: false,
                exitCode: 2,
                toolExecutionNotifications: [
                    {
                        level: "error",
                        message: { text: message },
                        descriptor: { id: "alicloud-sg/program-error" },
                        locations: [location],
                    },
                ],
            },
        ]);
        assert.deepStrictEqual(sarif.runs[0].results, [
            {
                ruleId: "alicloud-sg/program-error",
                ruleIndex: 0,
                level: "error",
                message: { text: message },
                locations: [location],
            },
        ]);
        assert.strictEqual(sarif.runs[0].tool.driver.rules[0].id, "alicloud-sg/program-error");

        const textOut = path.join(path.dirname(out), "gate.txt");
        const badPack = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            brokenPack,
            "--out",
            textOut,
        ]);
        assert.strictEqual(badPack.code, 2);
        assert.strictEqual(fs.readFileSync(textOut, "utf8"), badPack.stderr);
        const badConfig = tempFile("bad.json", JSON.stringify({ "fixture-max-groups": { maxGroups: 0 } }));
        const json = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            basicPack,
            "--policy-pack-config",
            badConfig,
            "--format",
            "json",
        ]);
        assert.strictEqual(json.code, 2);
        assert.deepStrictEqual(JSON.parse(json.stdout), {
            error: { message: json.stderr.replace(/^alicloud-sg: /, "").trimEnd(), source: null },
        });
    });

    it("graph on exit 2: JSON and every --out format carry the refusal, replacing an earlier graph", async () => {
        const program = path.join(FIXTURES, "programs", "throws", "index.ts");
        const line = lineOf(program, "throw new Error");
        const json = await runCli(["graph", path.dirname(program), "--format", "json"]);
        assert.strictEqual(json.code, 2);
        const message = json.stderr.replace(/^alicloud-sg: /, "").trimEnd();
        assert.deepStrictEqual(JSON.parse(json.stdout), { error: { message, source: `index.ts:${line}` } });

        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-graph-out-"));
        // stderr's message, which names the user's line once: index.ts:8:7.
        assert.ok(message.endsWith(`(at index.ts:${line}:7)`), message);
        const refusal = `alicloud-sg could not draw this graph: ${message}`;
        const mermaid = path.join(dir, "graph.mmd");
        fs.writeFileSync(mermaid, 'flowchart LR\n    n0["an earlier, healthy graph"]\n');
        const mermaidRun = await runCli(["graph", path.dirname(program), "--out", mermaid]);
        assert.strictEqual(mermaidRun.code, 2);
        assert.strictEqual(mermaidRun.stdout, "");
        assert.strictEqual(
            fs.readFileSync(mermaid, "utf8"),
            `flowchart LR\n    error["${refusal.replace(/"/g, "#quot;")}"]\n`,
        );
        const dot = path.join(dir, "graph.dot");
        const dotRun = await runCli(["graph", path.dirname(program), "--format", "dot", "--out", dot]);
        assert.strictEqual(dotRun.code, 2);
        assert.strictEqual(
            fs.readFileSync(dot, "utf8"),
            `digraph alicloud_sg {\n    labelloc=t;\n    label="${refusal.replace(/"/g, '\\"')}";\n}\n`,
        );
        const svg = path.join(dir, "graph.svg");
        const svgRun = await runCli(["graph", path.dirname(program), "--format", "svg", "--out", svg]);
        assert.strictEqual(svgRun.code, 2);
        const drawn = fs.readFileSync(svg, "utf8");
        assert.match(drawn, /^(<\?xml[^>]*>\s*)?(<!DOCTYPE[^>]*>\s*)?(<!--[^]*?-->\s*)*<svg/);
        assert.ok(drawn.includes("alicloud&#45;sg could not draw this graph"), drawn);
    });

    it("a missing required config value, naming the key", async () => {
        const result = await runCli([
            "preview",
            path.join(FIXTURES, "programs", "wire"),
            "--policy-pack",
            basicPack,
        ]);
        assert.strictEqual(result.code, 2);
        const program = path.join(FIXTURES, "programs", "wire", "program.ts");
        assert.strictEqual(
            result.stderr,
            `alicloud-sg: program failed: missing required configuration value 'fixture-wire:apiToken' ` +
                `(read at program.ts:${lineOf(program, 'requireSecret("apiToken")')}): give it with ` +
                "--config apiToken=VALUE or in Pulumi.dev.yaml\n",
        );
    });

    it("a policy config value its schema rejects, naming the policy and the property", async () => {
        const config = tempFile("bad.json", JSON.stringify({ "fixture-max-groups": { maxGroups: 0 } }));
        const result = await runCli([
            "preview",
            violationsDir,
            "--policy-pack",
            basicPack,
            "--policy-pack-config",
            config,
        ]);
        assert.strictEqual(result.code, 2);
        assert.strictEqual(result.stdout, "");
        assert.match(result.stderr, /policy "fixture-max-groups"/);
        assert.match(result.stderr, /property "maxGroups" must be >= 1/);
    });

    it("a policy config file that is not JSON, or names an unknown level", async () => {
        const notJson = tempFile("config.json", "{ all: mandatory");
        const result = await runCli(["preview", violationsDir, "--policy-pack-config", notJson]);
        assert.strictEqual(result.code, 2);
        assert.ok(result.stderr.includes(notJson), result.stderr);
        const badLevel = tempFile("level.json", JSON.stringify({ all: "strict" }));
        const level = await runCli(["preview", violationsDir, "--policy-pack-config", badLevel]);
        assert.strictEqual(level.code, 2);
        assert.match(
            level.stderr,
            /"all" enforcementLevel must be one of advisory, mandatory, remediate, disabled \(got "strict"\)/,
        );
    });

    it("a pack that fails to start, with the pack's own error", async () => {
        const result = await runCli(["preview", violationsDir, "--policy-pack", brokenPack]);
        assert.strictEqual(result.code, 2);
        assert.match(result.stderr, /policy pack .*broken failed to start/);
        assert.match(result.stderr, /fixture pack cannot start: policy table is corrupt/);
    });

    it("bad arguments and projects", async () => {
        for (const args of [
            ["preview", violationsDir, "--format", "xml"],
            ["preview", violationsDir, "--no-such-flag"],
            ["preview", path.join(FIXTURES, "packs")],
            ["preview", violationsDir, "--config", "novalue"],
            ["preview", violationsDir, "--policy-pack", path.join(FIXTURES, "programs")],
        ]) {
            const result = await runCli(args);
            assert.strictEqual(result.code, 2, `${args.join(" ")}: ${result.stderr}`);
            assert.strictEqual(result.stdout, "", args.join(" "));
            assert.ok(result.stderr.trim().length > 0, args.join(" "));
        }
    });

    it("Ctrl-C stops the command and every process it started", async () => {
        let pid = 0;
        const running = runCli(
            ["preview", path.join(FIXTURES, "programs", "slow"), "--policy-pack", basicPack],
            (p) => {
                pid = p;
            },
        );
        // Wait for the program host to be up, then interrupt the command as a terminal would. Starting it takes
        // seconds when the rest of the suite loads both cores: the bound is generous.
        for (let i = 0; i < 1200 && processesMentioning("programHost").length === 0; i++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        assert.ok(processesMentioning("programHost").length > 0, "program host started");
        process.kill(pid, "SIGINT");
        const result = await running;
        assert.strictEqual(result.code, 130);
    });
});

describe("alicloud-sg --out", function () {
    this.timeout(120_000);

    it("writes the report to the file and nothing to stdout", async () => {
        const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "alicloud-sg-out-")), "report.txt");
        const result = await runCli(["preview", violationsDir, "--policy-pack", basicPack, "--out", out]);
        assert.strictEqual(result.code, 1, result.stderr);
        assert.strictEqual(result.stdout, "");
        const text = fs.readFileSync(out, "utf8");
        assert.match(text, /- \[mandatory\] {2}fixture-no-open-ssh {2}\([^)]*: allow-ssh\)/);
        assert.match(
            text,
            /\[remediated\] {2}fixture-default-description {2}\(alicloud:ecs\/securityGroup:SecurityGroup: sg-undescribed\)/,
        );
    });
});
