import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import MarkdownIt from "markdown-it";
import { assertValidSarif } from "../engine/sarifSchema";
import { FIXTURES, lineOf, ROOT, runCli, VIOLATIONS_FIXTURE_MANDATORY, type CliResult } from "./run";

const violationsDir = path.join(FIXTURES, "programs", "violations");

interface SarifLog {
    runs: {
        tool: {
            driver: {
                informationUri: string;
                rules: { id: string; helpUri: string; properties: Record<string, unknown> }[];
            };
        };
        results: {
            ruleId: string;
            level: string;
            properties: { resourceName: string };
            partialFingerprints: Record<string, string>;
            locations: { physicalLocation: { region: { startLine: number } } }[];
        }[];
    }[];
}

/** `policy@resource` of each row of the first table (the mandatory one) that markdown-it reads in `markdown`. */
function mandatoryRows(markdown: string): string[] {
    const tokens = new MarkdownIt({ html: true }).parse(markdown, {});
    const close = tokens.findIndex((token) => token.type === "table_close");
    const cells = tokens
        .slice(0, close)
        .filter((token, index, all) => token.type === "inline" && all[index - 1]?.type === "td_open")
        .map((token) => (token.children ?? []).find((child) => child.type === "code_inline")?.content ?? "");
    const rows: string[] = [];
    for (let i = 0; i < cells.length; i += 4) {
        rows.push(`${cells[i]}@${cells[i + 1]}`);
    }
    return rows.sort();
}

function fingerprintsBy(log: SarifLog): Map<string, string> {
    return new Map(
        log.runs[0].results.map((r) => [
            `${r.ruleId}@${r.properties.resourceName}`,
            r.partialFingerprints["policyResourceHash/v1"],
        ]),
    );
}

describe("alicloud-sg preview --format markdown and sarif: reviews where they happen", function () {
    this.timeout(240_000);
    let markdown: CliResult;
    let sarif: CliResult;
    let moved: string;

    before(async () => {
        markdown = await runCli(["preview", violationsDir, "--format", "markdown"]);
        sarif = await runCli(["preview", violationsDir, "--format", "sarif"]);
        // The same program with every resource three lines further down, where code scanning would see it after
        // an edit above them. It stays inside the repository so that it resolves the same packages.
        moved = fs.mkdtempSync(path.join(ROOT, ".tmp", "moved-"));
        for (const file of fs.readdirSync(violationsDir)) {
            fs.copyFileSync(path.join(violationsDir, file), path.join(moved, file));
        }
        const program = path.join(moved, "index.ts");
        fs.writeFileSync(program, `// one\n// two\n// three\n${fs.readFileSync(program, "utf8")}`);
    });

    after(() => {
        fs.rmSync(moved, { recursive: true, force: true });
    });

    it("markdown: exits 1 and tables exactly the mandatory violations", () => {
        assert.strictEqual(markdown.code, 1, markdown.stderr);
        assert.match(
            markdown.stdout.split("\n")[0],
            /^\*\*alicloud-sg\*\* `fixture-violations` \(stack `dev`\): ❌ 4 mandatory, \d+ advisory policy violations · 6 resources$/,
        );
        assert.deepStrictEqual(mandatoryRows(markdown.stdout), VIOLATIONS_FIXTURE_MANDATORY);
        assert.match(markdown.stdout, /^<details>\n<summary>\d+ advisory violations?<\/summary>$/m);
        assert.match(markdown.stdout, /^ {4}sg-web +tcp 22\/22 from Internet \(risky: 22\)$/m);
    });

    it("sarif: valid SARIF 2.1.0, with the package's home page, each rule's severity and help URL", () => {
        assert.strictEqual(sarif.code, 1, sarif.stderr);
        const log = JSON.parse(sarif.stdout) as SarifLog;
        assertValidSarif(log);
        const driver = log.runs[0].tool.driver;
        assert.strictEqual(
            driver.informationUri,
            "https://github.com/alicloud-secure-groups/alicloud-secure-groups",
        );
        assert.strictEqual(driver.rules.length, 18);
        for (const rule of driver.rules) {
            assert.match(String(rule.properties["security-severity"]), /^\d\.\d$/, rule.id);
            assert.match(rule.helpUri, /\/policies\/README\.md#[a-z-]+$/, rule.id);
        }
        const risky = driver.rules.find((rule) => rule.id.endsWith("/disallow-public-risky-ports"));
        assert.strictEqual(risky?.properties["security-severity"], "9.5");
    });

    it("sarif: fingerprints survive moved lines", async () => {
        const again = await runCli(["preview", moved, "--format", "sarif"]);
        assert.strictEqual(again.code, 1, again.stderr);
        const before = JSON.parse(sarif.stdout) as SarifLog;
        const after = JSON.parse(again.stdout) as SarifLog;
        assertValidSarif(after);
        const lines = (log: SarifLog) =>
            log.runs[0].results.map((r) => r.locations[0]?.physicalLocation.region.startLine ?? 0);
        assert.deepStrictEqual(
            lines(after),
            lines(before).map((line) => (line > 0 ? line + 3 : 0)),
        );
        assert.deepStrictEqual([...fingerprintsBy(after)].sort(), [...fingerprintsBy(before)].sort());
        assert.strictEqual(new Set(fingerprintsBy(before).values()).size, before.runs[0].results.length);
    });

    it("a config file naming ESC environments: one note on what was not opened, judged with the rest", async () => {
        const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "esc-"));
        try {
            const config = path.join(dir, "policy-config.json");
            fs.writeFileSync(
                config,
                JSON.stringify({
                    environments: ["platform/policy-defaults", "prod/overrides"],
                    "disallow-public-risky-ports": { riskyPorts: [3389] },
                }),
            );
            const note =
                "note: ESC environments not opened (they need Pulumi Cloud): platform/policy-defaults, prod/overrides " +
                `(--policy-pack-config ${config}). This run is judged without their policyConfig; to apply it ` +
                "offline, copy its policy entries into the config file, whose entries take precedence over ESC's as " +
                "in the CLI.";
            const json = await runCli([
                "preview",
                violationsDir,
                "--format",
                "json",
                "--policy-pack-config",
                config,
            ]);
            assert.strictEqual(json.code, 1, json.stderr);
            assert.deepStrictEqual(
                json.stderr.split("\n").filter((line) => line.includes("ESC")),
                [note],
            );
            const document = JSON.parse(json.stdout) as { violations: { policyName: string }[] };
            // The file's own entries still apply: 22 is no longer a risky port, so only the broad CIDRs and tags.
            assert.deepStrictEqual(
                [...new Set(document.violations.map((v) => v.policyName))].filter((name) =>
                    ["disallow-public-risky-ports", "disallow-broad-intranet-cidr"].includes(name),
                ),
                ["disallow-broad-intranet-cidr"],
            );
            const text = await runCli(["preview", violationsDir, "--policy-pack-config", config]);
            assert.strictEqual(
                text.stdout.split("\n").filter((line) => line === note).length,
                1,
                text.stdout,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });

    it("markdown at exit 2: says the stack could not be judged, why and where, so no earlier verdict stays", async () => {
        const program = path.join(FIXTURES, "programs", "throws", "index.ts");
        const refused = await runCli(["preview", path.dirname(program), "--format", "markdown"]);
        assert.strictEqual(refused.code, 2, refused.stderr);
        const message = refused.stderr.replace(/^alicloud-sg: /, "").trimEnd();
        const tokens = new MarkdownIt({ html: true }).parse(refused.stdout, {});
        assert.strictEqual(
            tokens[1].content,
            `**alicloud-sg**: ⛔ could not judge the stack: the program is bad (\`index.ts:${lineOf(program, "throw new Error")}\`).`,
        );
        const block = tokens.find((token) => token.type === "code_block");
        assert.strictEqual(block?.content, `${message}\n`);
    });
});
