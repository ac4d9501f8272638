import * as assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { POLICIES } from "../../policies/policies";
import { ROOT, runCli } from "../cli/run";
import { PackHarness, UNKNOWN_WIRE, type TestResource } from "../policies/harness";
import {
    ENI,
    GROUP,
    INSTANCE,
    INSTANCE_SET,
    LAUNCH_TEMPLATE,
    RULE,
    SCALING_CONFIGURATION,
} from "../policies/fixtures";

/**
 * In a preview almost anything can be unknown. An unknown value is "can't tell yet", never a violation: with
 * every policy raised to mandatory, a stack whose every input is unknown must pass, and nothing may crash.
 */

const EVERY_POLICY_MANDATORY = { all: "mandatory" } as const;

const GROUP_FIELDS = [
    "securityGroupName",
    "name",
    "description",
    "vpcId",
    "securityGroupType",
    "innerAccessPolicy",
    "tags",
];
const RULE_FIELDS = [
    "type",
    "ipProtocol",
    "portRange",
    "policy",
    "priority",
    "nicType",
    "securityGroupId",
    "description",
];
const PEER_FIELDS = ["cidrIp", "ipv6CidrIp", "sourceSecurityGroupId", "prefixListId"];

const allUnknown = (fields: readonly string[]): Record<string, unknown> =>
    Object.fromEntries(fields.map((field) => [field, UNKNOWN_WIRE]));

function unknownStack(): TestResource[] {
    return [
        { type: GROUP, name: "g", props: allUnknown(GROUP_FIELDS) },
        // One rule per peer field: a rule setting two peers, even unknown ones, is a different (invalid) rule.
        ...PEER_FIELDS.map((peer) => ({
            type: RULE,
            name: `r-${peer}`,
            props: allUnknown([...RULE_FIELDS, peer]),
            propertyDependencies: { securityGroupId: ["g"] },
        })),
        { type: RULE, name: "r-unjoined", props: allUnknown([...RULE_FIELDS, "cidrIp"]) },
        {
            type: INSTANCE,
            name: "vm",
            props: allUnknown(["securityGroups", "networkInterfaces", "instanceType"]),
        },
        {
            type: INSTANCE,
            name: "vm-joined",
            // Its vSwitch is unknown too: with none at all it would be a classic instance in a VPC group.
            props: allUnknown(["securityGroups", "vswitchId"]),
            propertyDependencies: { securityGroups: ["g"] },
        },
        { type: ENI, name: "eni", props: allUnknown(["securityGroupIds", "vswitchId"]) },
        { type: INSTANCE_SET, name: "set", props: allUnknown(["securityGroupIds"]) },
        { type: LAUNCH_TEMPLATE, name: "lt", props: allUnknown(["securityGroupId", "securityGroupIds"]) },
        {
            type: SCALING_CONFIGURATION,
            name: "sc",
            props: allUnknown(["securityGroupId", "securityGroupIds"]),
        },
        // Whole property objects unknown, not only their fields.
        {
            type: INSTANCE,
            name: "vm-nics",
            props: { networkInterfaces: [UNKNOWN_WIRE, { securityGroupIds: UNKNOWN_WIRE }] },
        },
        { type: GROUP, name: "g-tags", props: { ...allUnknown(GROUP_FIELDS), tags: { team: UNKNOWN_WIRE } } },
    ];
}

describe("hardening: every policy over an all-unknown preview stack", function () {
    this.timeout(300_000);

    it("through the analyzer handlers: no violation at any policy's mandatory level, and no error", async () => {
        const harness = new PackHarness(POLICIES);
        await harness.configure(EVERY_POLICY_MANDATORY);
        const found = await harness.preview(unknownStack());
        assert.deepEqual(
            found.filter((d) => d.enforcementLevel === "mandatory"),
            [],
            "an unknown value must not be judged a violation",
        );
    });

    it("through alicloud-sg preview: a program whose every input is unknown in preview passes with exit 0", async () => {
        fs.mkdirSync(path.join(ROOT, ".tmp"), { recursive: true });
        const dir = fs.mkdtempSync(path.join(ROOT, ".tmp", "unknown-"));
        try {
            fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: unknowns\nruntime: nodejs\n");
            fs.writeFileSync(path.join(dir, "policy-config.json"), JSON.stringify(EVERY_POLICY_MANDATORY));
            fs.writeFileSync(
                path.join(dir, "index.ts"),
                [
                    `import * as pulumi from "@pulumi/pulumi";`,
                    `import * as alicloud from "@pulumi/alicloud";`,
                    // A VPC's id is unknown in preview, and so is everything computed from it.
                    `const vpc = new alicloud.vpc.Network("vpc", { cidrBlock: "10.0.0.0/8" });`,
                    `const unknown = <T>(value: T): pulumi.Output<T> => vpc.id.apply(() => value);`,
                    `const group = new alicloud.ecs.SecurityGroup("g", {`,
                    `    securityGroupName: unknown("g"), description: unknown("d"), vpcId: vpc.id,`,
                    `    securityGroupType: unknown("normal"), innerAccessPolicy: unknown("Accept"),`,
                    `    tags: unknown({ team: "" }),`,
                    `});`,
                    `const rule = (name: string, peer: alicloud.ecs.SecurityGroupRuleArgs) =>`,
                    `    new alicloud.ecs.SecurityGroupRule(name, {`,
                    `        type: unknown("ingress"), ipProtocol: unknown("tcp"), portRange: unknown("22/22"),`,
                    `        policy: unknown("accept"), priority: unknown(1), nicType: unknown("intranet"),`,
                    `        securityGroupId: group.id, description: unknown("r"), ...peer,`,
                    `    });`,
                    `rule("by-cidr", { cidrIp: unknown("0.0.0.0/0") });`,
                    `rule("by-ipv6", { ipv6CidrIp: unknown("::/0") });`,
                    `rule("by-group", { sourceSecurityGroupId: unknown("sg-x") });`,
                    `rule("by-prefix-list", { prefixListId: unknown("pl-x") });`,
                    `const groups = pulumi.all([group.id, unknown("sg-a"), unknown("sg-b")]).apply((ids) => ids);`,
                    `new alicloud.ecs.Instance("vm", { instanceType: unknown("t"), imageId: unknown("i"), vswitchId: unknown("v"), securityGroups: groups });`,
                    `new alicloud.ecs.EcsNetworkInterface("eni", { vswitchId: unknown("v"), securityGroupIds: groups });`,
                    `new alicloud.ecs.EcsInstanceSet("set", { instanceType: unknown("t"), imageId: unknown("i"), vswitchId: unknown("v"), securityGroupIds: groups });`,
                    `new alicloud.ecs.EcsLaunchTemplate("lt", { securityGroupId: group.id, securityGroupIds: groups });`,
                    `new alicloud.ess.ScalingConfiguration("sc", { scalingGroupId: unknown("s"), securityGroupIds: groups });`,
                    "",
                ].join("\n"),
            );
            const result = await runCli([
                "preview",
                dir,
                "--policy-pack-config",
                path.join(dir, "policy-config.json"),
                "--format",
                "json",
            ]);
            assert.equal(result.code, 0, `expected exit 0:\n${result.stdout}\n${result.stderr}`);
            const doc = JSON.parse(result.stdout) as {
                summary: { resources: number; mandatory: number };
                violations: { enforcementLevel: string }[];
            };
            assert.equal(doc.summary.resources, 11);
            assert.equal(doc.summary.mandatory, 0);
        } finally {
            fs.rmSync(dir, { recursive: true, force: true });
        }
    });
});
