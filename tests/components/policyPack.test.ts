import * as assert from "assert";
import * as path from "path";
import { preview } from "../../engine";

const ROOT = path.resolve(__dirname, "../..");

describe("components against the bundled policy pack", () => {
    it("passes every policy, mandatory and advisory, with defaults and main options", async function () {
        this.timeout(120_000);
        const { report, exitCode } = await preview({
            projectDir: path.join(__dirname, "fixtures/defaults"),
            policyPacks: [path.join(ROOT, "policies")],
            // The fixture's cross-account source is one the owner trusts, as a real stack would declare.
            policyPackConfigs: [path.join(__dirname, "fixtures/defaults/policy-config.json")],
        });
        const document = report.document;
        const violations = document.violations.map(
            (v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName}: ${v.message}`,
        );
        assert.deepStrictEqual(violations, []);
        assert.strictEqual(exitCode, 0);
        // The program really ran: every group and instance is in the report.
        const groups = document.resources.filter(
            (r) => r.type === "alicloud:ecs/securityGroup:SecurityGroup",
        );
        assert.deepStrictEqual(groups.map((r) => r.name).sort(), [
            "bastion",
            "cache",
            "cache-isolated",
            "db",
            "web",
            "web-admin",
        ]);
    });

    it("passes with the embedded default example", async function () {
        this.timeout(120_000);
        const { report } = await preview({ projectDir: ROOT, policyPacks: [path.join(ROOT, "policies")] });
        assert.deepStrictEqual(report.document.violations, []);
        assert.ok(report.document.resources.length > 0);
    });
});
