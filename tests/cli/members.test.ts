import * as assert from "node:assert/strict";
import * as path from "node:path";
import { FIXTURES, runCli, type CliResult } from "./run";

/**
 * A platform stack mixing ACK node pools, an ECI container group and an ECI scaling configuration, launch
 * templates (current and deprecated), a Redis whitelist and an ALB, over shared groups: what the real
 * `alicloud-sg` says about it, exactly (tests/fixtures/programs/members-mixed; its comments say why).
 */

const PROGRAM = path.join(FIXTURES, "programs", "members-mixed");

interface Violation {
    readonly policyName: string;
    readonly enforcementLevel: string;
    readonly resourceName: string | null;
    readonly message: string;
}

describe("alicloud-sg over node pools, ECI, launch templates, a Redis whitelist and an ALB sharing groups", function () {
    this.timeout(300_000);
    let json: CliResult;
    let text: CliResult;
    let graph: CliResult;
    before(async () => {
        [json, text, graph] = await Promise.all([
            runCli(["preview", PROGRAM, "--format", "json"]),
            runCli(["preview", PROGRAM]),
            runCli(["graph", PROGRAM, "--format", "json"]),
        ]);
    });

    it("reports exactly the findings the program's comments name", () => {
        assert.equal(json.code, 1, json.stderr);
        const doc = JSON.parse(json.stdout) as { violations: Violation[]; summary: unknown };
        assert.deepEqual(
            doc.violations.map((v) => `${v.enforcementLevel} ${v.policyName} ${v.resourceName}`),
            [
                "mandatory disallow-broad-intranet-cidr debug-ssh",
                "mandatory disallow-cross-network-membership pool-data",
                "mandatory disallow-cross-network-membership burst-pods",
                "mandatory disallow-excess-security-groups legacy",
                "mandatory disallow-public-risky-ports debug-ssh",
                "advisory disallow-unused-security-group orphan",
                "advisory missing-drop-baseline app",
                "advisory missing-drop-baseline debug",
                "advisory prefer-source-group-authorization app-https",
                "advisory prefer-source-group-authorization nodes-nodeports",
            ],
        );
        const message = (policy: string, resource: string) =>
            doc.violations
                .find((v) => v.policyName === policy && v.resourceName === resource)
                ?.message.split("\n")
                .slice(1)
                .join("\n");
        assert.equal(
            message("disallow-cross-network-membership", "pool-data"),
            "ACK node pool pool-data is in VPC vpc-data (through vSwitch vsw-data) but joins security group nodes of VPC vpc; a VPC resource joins only security groups of its own VPC, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): use groups created in VPC vpc-data, or move the resource to the group's VPC.",
        );
        assert.equal(
            message("disallow-cross-network-membership", "burst-pods"),
            "ECI scaling configuration burst-pods is in VPC vpc-data (through scalingGroupId burst, vSwitch vsw-data) but joins security group app of VPC vpc; a VPC resource joins only security groups of its own VPC, so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch): use groups created in VPC vpc-data, or move the resource to the group's VPC.",
        );
        assert.equal(
            message("disallow-excess-security-groups", "legacy"),
            "launch template legacy joins 6 security groups through securityGroupId, securityGroupIds (default, nodes, debug, guard, app, extra), more than the 5 allowed per network interface; merge groups, or raise maxGroupsPerInstance after a quota increase.",
        );
        // Pooled: pool-guarded and the legacy template also join debug, but guard's drop closes SSH for them.
        assert.equal(
            message("disallow-public-risky-ports", "debug-ssh"),
            "Rule debug-ssh allows tcp 22 from 0.0.0.0/0 at priority 5, so the open Internet reaches risky port 22 on ACK node pool pool-debug; authorize a bastion security group or a narrow office CIDR instead.",
        );
    });

    it("draws each group with the resources that join it and the whitelist that admits it", () => {
        assert.equal(graph.code, 0, graph.stderr);
        assert.deepEqual(JSON.parse(graph.stdout), {
            nodes: [
                { id: "internet", label: "Internet", kind: "internet", instances: [] },
                {
                    id: "nodes",
                    label: "nodes",
                    kind: "group",
                    instances: [
                        "ACK managed cluster k8s",
                        "ALB edge",
                        "launch template workers",
                        "launch template legacy",
                        "ACK node pool pool-data",
                        "ACK node pool pool-debug",
                        "ACK node pool pool-guarded",
                    ],
                },
                {
                    id: "debug",
                    label: "debug",
                    kind: "group",
                    instances: [
                        "launch template legacy",
                        "ACK node pool pool-debug",
                        "ACK node pool pool-guarded",
                    ],
                },
                {
                    id: "guard",
                    label: "guard",
                    kind: "group",
                    instances: [
                        "ALB edge",
                        "launch template workers",
                        "launch template legacy",
                        "ACK node pool pool-guarded",
                    ],
                },
                {
                    id: "app",
                    label: "app",
                    kind: "group",
                    instances: [
                        "ECI container group batch",
                        "ECI scaling configuration burst-pods",
                        "launch template workers",
                        "launch template legacy",
                    ],
                    admittedBy: ["Redis instance cache"],
                },
                { id: "orphan", label: "orphan", kind: "group", instances: [] },
                { id: "extra", label: "extra", kind: "group", instances: ["launch template legacy"] },
                { id: "default", label: "default", kind: "group", instances: ["launch template legacy"] },
                { id: "cidr:10.0.0.0/16", label: "10.0.0.0/16", kind: "cidr", instances: [] },
            ],
            edges: [
                { from: "cidr:10.0.0.0/16", to: "nodes", protocol: "tcp", ports: ["30000/32767"] },
                { from: "internet", to: "debug", protocol: "tcp", ports: ["22/22"] },
                { from: "cidr:10.0.0.0/16", to: "app", protocol: "tcp", ports: ["443/443"] },
            ],
        });
    });

    it("reads SSH from anywhere as one problem in the text report, and counts problems in its summary", () => {
        const lines = text.stdout.trimEnd().split("\n");
        const ssh = lines.findIndex((line) => line.includes("debug-ssh)"));
        assert.equal(
            lines[ssh],
            "        - [mandatory]  disallow-broad-intranet-cidr + disallow-public-risky-ports  (alicloud:ecs/securityGroupRule:SecurityGroupRule: debug-ssh)",
        );
        assert.equal(
            lines[lines.length - 1],
            "Resources: 29 · Problems: 4 mandatory, 5 advisory · Policy violations: 5 mandatory, 5 advisory",
        );
        assert.ok(
            lines.includes(
                "    debug (launch template legacy, ACK node pool pool-debug, ACK node pool pool-guarded)                                                                                       tcp 22/22 from Internet (risky: 22)",
            ),
            text.stdout,
        );
    });
});
