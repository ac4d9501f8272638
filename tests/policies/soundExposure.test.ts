import * as assert from "node:assert/strict";
import { PackConfig, PackHarness, TestResource, UNKNOWN_WIRE } from "./harness";
import { riskyPresetPorts } from "../../core/presets";
import { baseline, group, instance, INSTANCE, RULE, rule } from "./fixtures";

/**
 * DESIGN §5, "Sound under uncertainty", attacked: every case here went quiet before (issue 12). An exposure
 * finding is withheld only when known, valid rules prove the access closed; unknown values, groups outside the
 * stack and rules the API refuses never close what known rules open, and what they could open is reported as
 * "can't tell yet", at advisory level, naming them.
 */

const POLICY = "disallow-public-risky-ports";
const DESCRIPTION =
    "Rejects security groups that effectively let the open Internet reach a risky port (SSH, RDP, databases, caches, Docker and the like), judged after priority resolution with an instance's groups pooled.";

interface Finding {
    readonly level: string;
    readonly resource: string;
    readonly message: string;
}

/** The findings of one policy (default: the exposure policy), whole messages without the description line. */
async function findings(
    stack: readonly TestResource[],
    config: PackConfig = {},
    policy = POLICY,
): Promise<Finding[]> {
    const harness = new PackHarness();
    await harness.configure(config);
    const found = (await harness.preview(stack)).filter((d) => d.policyName === policy);
    return found
        .map((d) => {
            if (policy === POLICY) {
                assert.ok(
                    d.message.startsWith(`${DESCRIPTION}\n`),
                    `every message starts with the description: ${d.message}`,
                );
            }
            return {
                level: d.enforcementLevel,
                resource: d.urn.slice(d.urn.lastIndexOf("::") + 2),
                message: d.message.slice(d.message.indexOf("\n") + 1),
            };
        })
        .sort((a, b) => a.resource.localeCompare(b.resource) || a.message.localeCompare(b.message));
}

const mandatoryOf = async (stack: readonly TestResource[], config: PackConfig = {}) =>
    (await findings(stack, config)).filter((f) => f.level === "mandatory");

/** A web tier as a raw program writes it: SSH from anywhere at priority 1 (the attack), HTTPS, a baseline. */
function webTier(): TestResource[] {
    return [
        group("web"),
        rule("web-ssh-from-anywhere", "web", { cidrIp: "0.0.0.0/0" }),
        rule("web-https", "web", { portRange: "443/443", cidrIp: "0.0.0.0/0" }),
        baseline("web"),
        instance("vm-web", ["web"]),
    ];
}

/** The default risky ports but one, as messages list them. */
const riskyExcept = (port: number) =>
    riskyPresetPorts()
        .filter((p) => p !== port)
        .join(", ");
const RISKY_BUT_SSH = riskyExcept(22);

const SSH_FINDING =
    "Rule web-ssh-from-anywhere allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-web; authorize a bastion security group or a narrow office CIDR instead.";

describe("disallow-public-risky-ports: sound under uncertainty (issue 12, §1)", function () {
    this.timeout(120_000);

    it("still reports SSH from 0.0.0.0/0 beside an unrelated accept whose peer is unknown (an office EIP)", async () => {
        const stack = [
            ...webTier(),
            // The office address comes from an EIP created in the same program: unknown in preview.
            rule("web-https-from-office", "web", { portRange: "8443/8443", cidrIp: UNKNOWN_WIRE }),
        ];
        assert.deepEqual(await findings(stack), [
            { level: "mandatory", resource: "web-ssh-from-anywhere", message: SSH_FINDING },
        ]);
    });

    it("fails the gate even with disallow-broad-intranet-cidr set to advisory", async () => {
        const stack = [
            ...webTier(),
            rule("web-office", "web", { portRange: "8443/8443", cidrIp: UNKNOWN_WIRE }),
        ];
        const config: PackConfig = { "disallow-broad-intranet-cidr": "advisory" };
        assert.deepEqual(
            (await mandatoryOf(stack, config)).map((f) => f.resource),
            ["web-ssh-from-anywhere"],
        );
    });

    it("reports four public /17 blocks that together are broader than /16, at default levels, beside an unknown", async () => {
        const blocks = ["47.0.0.0/17", "47.0.128.0/17", "47.1.0.0/17", "47.1.128.0/17"];
        const stack = [
            group("admin"),
            ...blocks.map((cidrIp, i) => rule(`admin-ssh-${i}`, "admin", { cidrIp })),
            rule("admin-metrics-from-office", "admin", { portRange: "9100/9100", cidrIp: UNKNOWN_WIRE }),
            baseline("admin"),
            instance("vm-admin", ["admin"]),
        ];
        const found = await findings(stack);
        assert.deepEqual(
            found,
            blocks.map((cidr, i) => ({
                level: "mandatory",
                resource: `admin-ssh-${i}`,
                message: `Rule admin-ssh-${i} allows tcp 22 from ${cidr} at priority 1, so the open Internet reaches risky port 22 on vm-admin; authorize a bastion security group or a narrow office CIDR instead.`,
            })),
        );
        // No other mandatory policy sees a /17: this finding is all that stops the gate.
        const harness = new PackHarness();
        await harness.configure({});
        const all = (await harness.preview(stack)).filter((d) => d.enforcementLevel === "mandatory");
        assert.deepEqual([...new Set(all.map((d) => d.policyName))], [POLICY]);
    });

    it("reports an instance that also joins a group outside the stack, naming the group that could close it", async () => {
        const stack = [
            ...webTier().filter((r) => r.name !== "vm-web"),
            {
                ...instance("vm-web", ["web"]),
                props: { instanceType: "ecs.g7.large", securityGroups: [UNKNOWN_WIRE, "sg-ops-shared"] },
            },
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "advisory",
                resource: "vm-web",
                message: `Can't tell yet whether the open Internet reaches risky ports ${RISKY_BUT_SSH} on vm-web: it joins security group sg-ops-shared, outside this stack, whose rules are not seen here. In one of its groups in this stack, drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
            },
            {
                level: "mandatory",
                resource: "web-ssh-from-anywhere",
                message:
                    "Rule web-ssh-from-anywhere allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-web unless security group sg-ops-shared, outside this stack, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
    });

    it("reports an instance that also joins a group another stack exports, not known in preview", async () => {
        const stack: TestResource[] = [
            ...webTier().filter((r) => r.name !== "vm-web"),
            { type: "pulumi:pulumi:StackReference", name: "infra", props: { name: "acme/infra/prod" } },
            {
                ...instance("vm-web", ["web"]),
                // [web.id, infra.getOutput("opsGroupId")]: both unknown, computed from the group and the reference.
                props: { instanceType: "ecs.g7.large", securityGroups: [UNKNOWN_WIRE, UNKNOWN_WIRE] },
                propertyDependencies: { securityGroups: ["web", "infra"] },
            },
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "advisory",
                resource: "vm-web",
                message: `Can't tell yet whether the open Internet reaches risky ports ${RISKY_BUT_SSH} on vm-web: it joins a security group not known yet, whose rules are not seen here. In one of its groups in this stack, drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
            },
            {
                level: "mandatory",
                resource: "web-ssh-from-anywhere",
                message:
                    "Rule web-ssh-from-anywhere allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-web unless a joined security group not known yet drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
    });

    it("names an outside group by id when the instance lists only ids", async () => {
        // An existing stack: ids are known (outside the offline gate), so the live group is joined by id.
        const stack: TestResource[] = [
            group("web", { id: "sg-web-live" }),
            rule("web-rdp", "web", { portRange: "3389/3389", cidrIp: "0.0.0.0/0" }),
            baseline("web"),
            {
                type: INSTANCE,
                name: "vm-win",
                props: { instanceType: "ecs.g7.large", securityGroups: ["sg-web-live", "sg-ops-shared"] },
            },
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "advisory",
                resource: "vm-win",
                message: `Can't tell yet whether the open Internet reaches risky ports ${riskyExcept(3389)} on vm-win: it joins security group sg-ops-shared, outside this stack, whose rules are not seen here. In one of its groups in this stack, drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`,
            },
            {
                level: "mandatory",
                resource: "web-rdp",
                message:
                    "Rule web-rdp allows tcp 3389 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 3389 on vm-win unless security group sg-ops-shared, outside this stack, drops tcp 3389 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
    });

    it("judges a rule written to a group outside the stack (internet NIC, SSH from the world)", async () => {
        const stack: TestResource[] = [
            {
                type: RULE,
                name: "legacy-ssh",
                props: {
                    type: "ingress",
                    ipProtocol: "tcp",
                    portRange: "22/22",
                    policy: "accept",
                    priority: 1,
                    nicType: "internet",
                    cidrIp: "0.0.0.0/0",
                    securityGroupId: "sg-legacy-classic",
                },
            },
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "mandatory",
                resource: "legacy-ssh",
                message:
                    "Rule legacy-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on security group sg-legacy-classic unless security group sg-legacy-classic, outside this stack, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
    });

    it("judges a rule written to a group not known yet (another stack's output) on its own", async () => {
        const stack: TestResource[] = [
            { type: "pulumi:pulumi:StackReference", name: "infra", props: { name: "acme/infra/prod" } },
            {
                ...rule("bastion-ssh", "infra", { cidrIp: "0.0.0.0/0", securityGroupId: UNKNOWN_WIRE }),
                // securityGroupId: infra.getOutput("bastionGroupId"), computed from the reference, not a group.
                propertyDependencies: { securityGroupId: ["infra"] },
            },
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "mandatory",
                resource: "bastion-ssh",
                message:
                    "Rule bastion-ssh allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on the security group it is written to unless that security group, not known yet, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
    });

    it("does not count a drop the API would reject (internet NIC on a VPC group) as closing an accept", async () => {
        const stack = [
            group("web"),
            rule("web-ssh-from-anywhere", "web", { cidrIp: "0.0.0.0/0", priority: 10 }),
            rule("web-ssh-drop-internet", "web", {
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 1,
                nicType: "internet",
            }),
            instance("vm-web", ["web"]),
        ];
        assert.deepEqual(await findings(stack), [
            {
                level: "mandatory",
                resource: "web-ssh-from-anywhere",
                message:
                    "Rule web-ssh-from-anywhere allows tcp 22 from 0.0.0.0/0 at priority 10, so the open Internet reaches risky port 22 on vm-web; drop rule web-ssh-drop-internet closes nothing, as the API would reject it; authorize a bastion security group or a narrow office CIDR instead.",
            },
        ]);
        assert.deepEqual(
            (await findings(stack, {}, "disallow-invalid-rule")).map((f) => f.message),
            [
                'Rule web-ssh-drop-internet would be rejected by the API: nicType must be "intranet" on a VPC security group (got "internet"). Fix this field.',
            ],
        );
    });

    it("reports an accept whose peer is unknown on a risky port as can't tell yet, at advisory level, under all: mandatory", async () => {
        const stack = [
            group("db"),
            rule("db-mysql-from-partner", "db", { portRange: "3306/3306", cidrIp: UNKNOWN_WIRE }),
            baseline("db"),
            instance("vm-db", ["db"]),
        ];
        assert.deepEqual(await findings(stack, { all: "mandatory" }), [
            {
                level: "advisory",
                resource: "db-mysql-from-partner",
                message:
                    "Can't tell yet whether rule db-mysql-from-partner, whose cidrIp is not known yet, lets the open Internet reach risky port 3306 on vm-db. Make sure it does not, or drop that port from 0.0.0.0/0 and ::/0 at priority 1 to prove it closed.",
            },
        ]);
    });

    it("keeps the known part mandatory when an unknown accept could open more", async () => {
        const stack = [...webTier(), rule("web-db", "web", { portRange: "3306/3306", cidrIp: UNKNOWN_WIRE })];
        assert.deepEqual(await findings(stack), [
            {
                level: "advisory",
                resource: "web-db",
                message:
                    "Can't tell yet whether rule web-db, whose cidrIp is not known yet, lets the open Internet reach risky port 3306 on vm-web. Make sure it does not, or drop that port from 0.0.0.0/0 and ::/0 at priority 1 to prove it closed.",
            },
            { level: "mandatory", resource: "web-ssh-from-anywhere", message: SSH_FINDING },
        ]);
    });

    it("proves a hole closed with a known drop at priority 1, even against an outside group's unseen rules", async () => {
        const stack: TestResource[] = [
            group("web"),
            rule("web-ssh-from-anywhere", "web", { cidrIp: "0.0.0.0/0", priority: 5 }),
            rule("web-drop-risky", "web", {
                ipProtocol: "all",
                portRange: "-1/-1",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 1,
            }),
            rule("web-drop-risky-v6", "web", {
                ipProtocol: "all",
                portRange: "-1/-1",
                ipv6CidrIp: "::/0",
                policy: "drop",
                priority: 1,
            }),
            {
                ...instance("vm-web", ["web"]),
                props: { instanceType: "ecs.g7.large", securityGroups: [UNKNOWN_WIRE, "sg-ops-shared"] },
            },
        ];
        assert.deepEqual(await findings(stack), []);
    });
});

describe("other policies never count a drop the API would refuse (issue 12, §1)", function () {
    this.timeout(120_000);

    it("missing-drop-baseline: an internet-NIC baseline on a VPC group backs nothing", async () => {
        const stack = [
            group("web"),
            rule("web-https", "web", { portRange: "443/443", cidrIp: "0.0.0.0/0" }),
            baseline("web", { nicType: "internet" }),
            instance("vm-web", ["web"]),
        ];
        assert.deepEqual(await findings(stack, {}, "missing-drop-baseline"), [
            {
                level: "advisory",
                resource: "web",
                message:
                    "Security group web has ingress accepts (web-https) with no lower-priority drop covering them; add a drop baseline rule (all protocols, 0.0.0.0/0, priority 100) so that each accept opens exactly one hole.",
            },
        ]);
    });

    it("disallow-shadowed-rule: an accept is not shadowed by a drop the API refuses", async () => {
        const stack = [
            group("web"),
            rule("web-ssh-office", "web", { cidrIp: "203.0.113.10/32", priority: 10 }),
            rule("web-drop-all-internet", "web", {
                ipProtocol: "all",
                portRange: "-1/-1",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 5,
                nicType: "internet",
            }),
            instance("vm-web", ["web"]),
        ];
        assert.deepEqual(await findings(stack, {}, "disallow-shadowed-rule"), []);
        // The same drop, valid, does shadow it.
        const valid = stack.map((r) =>
            r.name === "web-drop-all-internet" ? { ...r, props: { ...r.props, nicType: "intranet" } } : r,
        );
        assert.deepEqual(
            (await findings(valid, {}, "disallow-shadowed-rule")).map((f) => f.resource),
            ["web-ssh-office"],
        );
    });
});
