import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import { packShape, writeEmptyPack } from "../../bench/emptyPack";
import { SECURITY_GROUP_RULE_TYPE as RULE, SECURITY_GROUP_TYPE as GROUP } from "../../core/read";
import { FIXTURES, ROOT, runCli } from "../cli/run";

const typed = (resourceType: string, remediates = false) => ({ resourceType, remediates });

interface SarifRule {
    readonly name: string;
    readonly properties: { readonly enforcementLevel: string; readonly policyType: string };
}

/** The policies a preview's SARIF lists, as name, level and type, from the pack's own `GetAnalyzerInfo`. */
async function listedPolicies(packArgs: readonly string[]): Promise<{ policies: string[]; results: number }> {
    const program = path.join(FIXTURES, "programs", "violations");
    const run = await runCli(["preview", program, ...packArgs, "--format", "sarif"]);
    assert.ok(run.code === 0 || run.code === 1, run.stderr);
    const sarif = JSON.parse(run.stdout) as {
        runs: { tool: { driver: { rules: SarifRule[] } }; results: unknown[] }[];
    };
    return {
        policies: sarif.runs[0].tool.driver.rules.map(
            (rule) => `${rule.name} ${rule.properties.enforcementLevel} ${rule.properties.policyType}`,
        ),
        results: sarif.runs[0].results.length,
    };
}

describe("bench/emptyPack: the bundled pack's policies, doing nothing", () => {
    it("reads each policy's name, level, and the type @pulumi/policy filters a resource policy by", () => {
        assert.deepStrictEqual(packShape(), [
            { name: "disallow-broad-intranet-cidr", enforcementLevel: "mandatory", kind: "stack" },
            { name: "missing-security-group-tags", enforcementLevel: "mandatory", kind: typed(GROUP, true) },
            { name: "disallow-excess-security-groups", enforcementLevel: "mandatory", kind: "stack" },
            { name: "disallow-public-risky-ports", enforcementLevel: "mandatory", kind: "stack" },
            { name: "disallow-invalid-rule", enforcementLevel: "mandatory", kind: "stack" },
            { name: "disallow-classic-intranet-cidr", enforcementLevel: "mandatory", kind: "stack" },
            { name: "disallow-cross-network-membership", enforcementLevel: "mandatory", kind: "stack" },
            { name: "missing-drop-baseline", enforcementLevel: "advisory", kind: "stack" },
            { name: "prefer-source-group-authorization", enforcementLevel: "advisory", kind: "stack" },
            { name: "disallow-all-ports-accept", enforcementLevel: "advisory", kind: typed(RULE) },
            { name: "disallow-open-egress", enforcementLevel: "advisory", kind: typed(RULE) },
            { name: "missing-explicit-rule-settings", enforcementLevel: "advisory", kind: typed(RULE) },
            { name: "missing-security-group-description", enforcementLevel: "advisory", kind: typed(GROUP) },
            { name: "disallow-unused-security-group", enforcementLevel: "advisory", kind: "stack" },
            { name: "disallow-shadowed-rule", enforcementLevel: "advisory", kind: "stack" },
            { name: "enable-inner-access-drop", enforcementLevel: "advisory", kind: "stack" },
            {
                name: "disallow-untrusted-cross-account-source",
                enforcementLevel: "advisory",
                kind: typed(RULE),
            },
            { name: "missing-vpc", enforcementLevel: "advisory", kind: typed(GROUP) },
        ]);
    });

    it("runs in the gate as a pack of the same policies that finds nothing where the bundled pack finds violations", async function () {
        this.timeout(120_000);
        // Under the repository, so that the pack resolves @pulumi/policy as the bench's does.
        fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "empty-pack-"));
        try {
            writeEmptyPack(dir);
            const [bundled, empty] = await Promise.all([
                listedPolicies([]),
                listedPolicies(["--policy-pack", dir]),
            ]);
            assert.strictEqual(bundled.policies.length, 18);
            assert.deepStrictEqual(empty.policies, bundled.policies);
            assert.strictEqual(bundled.results, 10);
            assert.strictEqual(empty.results, 0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
