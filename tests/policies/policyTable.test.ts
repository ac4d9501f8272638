import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import { POLICIES } from "../../policies/policies";
import {
    README_PATH,
    renderPolicyTable,
    TABLE_END,
    TABLE_START,
    withPolicyTable,
} from "../../policies/lib/policyTable";

describe("the README policy table", () => {
    it("is up to date with the pack's metadata (run npm run docs:policies)", () => {
        const readme = fs.readFileSync(README_PATH, "utf8");
        assert.equal(withPolicyTable(readme), readme);
    });

    it("has one row per policy with its name, default level, description and every setting", () => {
        const rows = renderPolicyTable().split("\n").slice(2);
        assert.equal(rows.length, POLICIES.length);
        POLICIES.forEach((policy, index) => {
            const cells = rows[index].split(" | ");
            assert.equal(cells[0], `| \`${policy.name}\``);
            assert.equal(cells[1], policy.enforcementLevel);
            assert.equal(cells[2], policy.description);
            for (const key of Object.keys(policy.configSchema?.properties ?? {})) {
                assert.ok(cells[3].includes(`\`${key}\` (default `), `${policy.name} lists ${key}`);
            }
        });
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
