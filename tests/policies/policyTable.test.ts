import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import MarkdownIt from "markdown-it";
import { POLICIES } from "../../policies/policies";
import { PACK_METADATA, REPOSITORY_URL } from "../../policies/lib/metadata";
import {
    PACK_README_PATH,
    README_PATH,
    renderPolicyTable,
    TABLE_END,
    TABLE_START,
    withPolicySections,
    withPolicyTable,
} from "../../policies/lib/policyTable";

const ROOT = path.resolve(__dirname, "..", "..");

/** Each body row of the first table in `markdown`, as the text of its cells, read by a Markdown parser. */
function tableRows(markdown: string): string[][] {
    const tokens = new MarkdownIt().parse(markdown, {});
    const rows: string[][] = [];
    let row: string[] | undefined;
    let inBody = false;
    for (const token of tokens) {
        if (token.type === "tbody_open") inBody = true;
        if (token.type === "tbody_close") inBody = false;
        if (inBody && token.type === "tr_open") row = [];
        if (inBody && token.type === "tr_close" && row) rows.push(row);
        if (inBody && token.type === "inline" && row) {
            row.push((token.children ?? []).map((child) => child.content).join(""));
        }
    }
    return rows;
}

describe("the README policy table", () => {
    it("is up to date with the pack's metadata (run npm run docs:policies)", () => {
        const readme = fs.readFileSync(README_PATH, "utf8");
        assert.equal(withPolicyTable(readme), readme);
    });

    it("has one row per policy: name, level, severity, CIS controls, description, what to change, settings", () => {
        const rows = tableRows(renderPolicyTable());
        assert.equal(rows.length, POLICIES.length);
        POLICIES.forEach((policy, index) => {
            const [name, level, severity, cis, description, remediation, settings] = rows[index];
            assert.equal(name, policy.name);
            assert.equal(level, policy.enforcementLevel);
            assert.equal(severity, policy.severity);
            assert.equal(cis, policy.framework ? `CIS ${policy.framework.reference}` : "—");
            assert.equal(description, policy.description);
            assert.equal(remediation, policy.remediationSteps);
            for (const key of Object.keys(policy.configSchema?.properties ?? {})) {
                assert.ok(settings.includes(`${key} (default `), `${policy.name} lists ${key}`);
            }
        });
        assert.deepEqual(
            rows.filter((row) => row[3] !== "—").map((row) => `${row[0]} ${row[3]}`),
            [
                "disallow-broad-intranet-cidr CIS 3.5",
                "disallow-public-risky-ports CIS 3.2, 4.3, 4.4",
                "disallow-all-ports-accept CIS 3.5",
                "disallow-open-egress CIS 3.5",
                "disallow-shadowed-rule CIS 3.5",
                "missing-vpc CIS 3.1",
            ],
        );
    });

    it("sits inside the README's policies section", () => {
        const readme = fs.readFileSync(README_PATH, "utf8");
        const section = readme.slice(
            readme.indexOf("<!-- section:policies -->"),
            readme.indexOf("<!-- /section:policies -->"),
        );
        assert.ok(section.includes(TABLE_START) && section.includes(TABLE_END));
        assert.ok(section.includes("pulumi preview --policy-pack policies --policy-pack-config"));
    });
});

describe("the pack's metadata", () => {
    it("gives every policy a display name, a severity, remediation steps and the URL of its README section", () => {
        const readme = fs.readFileSync(PACK_README_PATH, "utf8");
        for (const policy of POLICIES) {
            assert.match(policy.displayName ?? "", /^[A-Z]/, `${policy.name} displayName`);
            assert.ok(["low", "medium", "high", "critical"].includes(policy.severity ?? ""), policy.name);
            assert.match(policy.remediationSteps ?? "", /^[A-Z].*\.$/, `${policy.name} remediationSteps`);
            assert.equal(
                policy.url,
                `https://github.com/alicloud-secure-groups/alicloud-secure-groups/blob/main/policies/README.md#${policy.name}`,
            );
            // GitHub anchors a heading by its text, lower-cased, with punctuation other than hyphens dropped.
            assert.match(policy.name, /^[a-z0-9-]+$/);
            assert.ok(readme.includes(`\n### \`${policy.name}\`\n`), `no section for ${policy.name}`);
        }
        assert.deepEqual(
            POLICIES.filter((policy) => policy.severity === "critical").map((policy) => policy.name),
            ["disallow-public-risky-ports"],
        );
    });

    it("names the CIS Alibaba Cloud Foundation Benchmark 2.0.0 for the controls a policy enforces", () => {
        const riskyPorts = POLICIES.find((policy) => policy.name === "disallow-public-risky-ports");
        assert.deepEqual(riskyPorts?.framework, {
            name: "CIS",
            version: "2.0.0",
            specification: "CIS Alibaba Cloud Foundation Benchmark",
            reference: "3.2, 4.3, 4.4",
        });
    });

    it("agrees with package.json on where the project lives", () => {
        const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
        assert.equal(manifest.homepage, `${REPOSITORY_URL}#readme`);
        assert.equal(manifest.repository.url, `git+${REPOSITORY_URL}.git`);
        assert.equal(PACK_METADATA.repository, REPOSITORY_URL);
        const packManifest = JSON.parse(fs.readFileSync(path.join(ROOT, "policies", "package.json"), "utf8"));
        assert.equal(
            packManifest.version,
            manifest.version,
            "policies/package.json and package.json versions",
        );
    });

    it("the pack README's policy sections are up to date (run npm run docs:policies)", () => {
        const readme = fs.readFileSync(PACK_README_PATH, "utf8");
        assert.equal(withPolicySections(readme), readme);
    });
});
