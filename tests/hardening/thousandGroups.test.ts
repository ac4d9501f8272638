import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { measure } from "../../bench/measure";
import { MEMORY_TARGET_BYTES } from "../../bench/report";
import { BIN, ROOT } from "../cli/run";

const GROUPS = 1000;

describe("hardening: a stack of 1,000 groups and an instance list joining them all", function () {
    this.timeout(300_000);

    it("completes within the benchmark's memory target, reporting the instance over the group quota", async () => {
        fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "groups-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: thousand\nruntime: nodejs\n");
            fs.writeFileSync(
                path.join(dir, "index.ts"),
                [
                    `import * as alicloud from "@pulumi/alicloud";`,
                    `const vpc = new alicloud.vpc.Network("vpc", { cidrBlock: "10.0.0.0/8" });`,
                    `const vswitch = new alicloud.vpc.Switch("vswitch", { vpcId: vpc.id, cidrBlock: "10.0.1.0/24", zoneId: "cn-hangzhou-i" });`,
                    `const groups: alicloud.ecs.SecurityGroup[] = [];`,
                    `for (let i = 0; i < ${GROUPS}; i++) {`,
                    `    const group = new alicloud.ecs.SecurityGroup(\`g\${i}\`, {`,
                    `        securityGroupName: \`g\${i}\`, description: "member", vpcId: vpc.id,`,
                    `        innerAccessPolicy: "Drop", tags: { team: "scale" },`,
                    `    });`,
                    // Each group admits the previous one: every rule needs a join to two groups.
                    `    if (i > 0) {`,
                    `        new alicloud.ecs.SecurityGroupRule(\`g\${i}-from-previous\`, {`,
                    `            type: "ingress", ipProtocol: "tcp", portRange: "443/443", policy: "accept", priority: 10,`,
                    `            nicType: "intranet", securityGroupId: group.id, sourceSecurityGroupId: groups[i - 1].id,`,
                    `        });`,
                    `    }`,
                    `    groups.push(group);`,
                    `}`,
                    `new alicloud.ecs.Instance("everywhere", {`,
                    `    instanceType: "ecs.g7.large", imageId: "img", vswitchId: vswitch.id, securityGroups: groups.map((g) => g.id),`,
                    `});`,
                    "",
                ].join("\n"),
            );
            const run = await measure(process.execPath, [BIN, "preview", dir, "--format", "json"], {
                cwd: ROOT,
                env: { ...process.env, ALICLOUD_SG_FROM_SOURCES: "1", NO_COLOR: "1" },
            });
            assert.equal(run.exitCode, 1, run.stderr);
            const doc = JSON.parse(run.stdout) as {
                summary: { resources: number };
                violations: { policyName: string; enforcementLevel: string; resourceName: string | null }[];
            };
            assert.equal(doc.summary.resources, 2 + GROUPS + (GROUPS - 1) + 1);
            assert.deepEqual(
                doc.violations
                    .filter((v) => v.enforcementLevel === "mandatory")
                    .map((v) => `${v.policyName} ${v.resourceName}`),
                ["disallow-excess-security-groups everywhere"],
            );
            assert.ok(
                run.peakRssBytes <= MEMORY_TARGET_BYTES,
                `peak ${Math.round(run.peakRssBytes / 2 ** 20)} MB over the target ${Math.round(MEMORY_TARGET_BYTES / 2 ** 20)} MB`,
            );
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
