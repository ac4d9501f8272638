import * as assert from "node:assert/strict";
import Ajv from "ajv";
import { riskyPresetPorts } from "../../core/presets";
import { POLICIES } from "../../policies/policies";
import { PackHarness, preview, secret, TestResource, UNKNOWN_WIRE, urnOf, violationsOf } from "./harness";
import {
    baseline,
    compliantStack,
    ENI,
    group,
    GROUP,
    instance,
    INSTANCE,
    LAUNCH_TEMPLATE,
    mutate,
    rule,
    SCALING_CONFIGURATION,
    without,
} from "./fixtures";

const stackWith = (...extra: TestResource[]) => [...compliantStack(), ...extra];

describe("policies (through @pulumi/policy's analyzer handlers)", () => {
    it("finds nothing in the compliant stack, configured or not", async () => {
        assert.deepEqual(await preview(compliantStack()), []);
        const harness = new PackHarness();
        assert.deepEqual(
            await harness.preview(compliantStack()),
            [],
            "without Configure, defaults come from core",
        );
    });

    it("has seventeen uniquely named, documented policies with schema defaults for every setting", () => {
        assert.equal(POLICIES.length, 18);
        assert.equal(new Set(POLICIES.map((p) => p.name)).size, 18);
        for (const policy of POLICIES) {
            assert.match(policy.name, /^(disallow|missing|enable|prefer)-[a-z0-9-]+$/);
            assert.match(policy.description, /^[A-Z].*\.$/, `${policy.name} description is a sentence`);
            for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
                assert.notEqual(
                    (schema as { default?: unknown }).default,
                    undefined,
                    `${policy.name}.${key} default`,
                );
            }
        }
    });

    it("has config schemas that compile and accept their own defaults", () => {
        const ajv = new Ajv({ strict: false });
        for (const policy of POLICIES) {
            const properties = policy.configSchema?.properties ?? {};
            const validate = ajv.compile({ type: "object", properties });
            const defaults = Object.fromEntries(
                Object.entries(properties).map(([key, schema]) => [
                    key,
                    (schema as { default?: unknown }).default,
                ]),
            );
            assert.ok(validate(defaults), `${policy.name}: ${JSON.stringify(validate.errors)}`);
        }
        const risky = POLICIES.find((p) => p.name === "disallow-public-risky-ports");
        const validate = ajv.compile({ type: "object", properties: risky?.configSchema?.properties ?? {} });
        assert.equal(validate({ riskyPorts: [0] }), false, "a port outside 1-65535 is refused by the schema");
    });

    describe("disallow-broad-intranet-cidr", () => {
        const name = "disallow-broad-intranet-cidr";
        it("rejects an intranet accept from 10.0.0.0/8", async () => {
            const stack = stackWith(
                rule("web-allow-app", "web", { portRange: "8080/8080", cidrIp: "10.0.0.0/8" }),
            );
            const found = await violationsOf(name, stack);
            assert.equal(found.length, 1);
            assert.equal(found[0].name, "web-allow-app");
            assert.equal(found[0].level, "mandatory");
            assert.match(
                found[0].message,
                /^Rule web-allow-app allows tcp 8080 from 10\.0\.0\.0\/8 at priority 1/,
            );
            assert.match(
                found[0].message,
                /broad block "10\.0\.0\.0\/8" \(\/8\).*authorize a source security group/,
            );
        });
        it("rejects 0.0.0.0/0 on a non-public port, and a rule that leaves policy to the provider", async () => {
            const stack = stackWith(
                rule(
                    "web-allow-all-8443",
                    "web",
                    without({ portRange: "8443/8443", cidrIp: "0.0.0.0/0" }),
                    {},
                ),
            );
            const implicit = mutate(stack, "web-allow-all-8443", (props) =>
                without(props, "policy", "nicType"),
            );
            assert.deepEqual(
                (await violationsOf(name, implicit)).map((v) => v.name),
                ["web-allow-all-8443"],
            );
        });
        it("ignores drops, and accepts exempted by allowedCidrs or a custom publicPorts", async () => {
            const drop = stackWith(rule("web-drop-10", "web", { cidrIp: "10.0.0.0/8", policy: "drop" }));
            assert.deepEqual(await violationsOf(name, drop), []);
            const broad = stackWith(
                rule("web-allow-app", "web", { portRange: "8080/8080", cidrIp: "10.0.0.0/8" }),
            );
            assert.deepEqual(
                await violationsOf(name, broad, { [name]: { allowedCidrs: ["10.0.0.0/8"] } }),
                [],
            );
            assert.deepEqual(await violationsOf(name, broad, { [name]: { minIpv4Prefix: 8 } }), []);
            const open = stackWith(
                rule("web-allow-8080", "web", { portRange: "8080/8080", cidrIp: "0.0.0.0/0" }),
            );
            assert.equal((await violationsOf(name, open)).length, 1);
            assert.deepEqual(
                await violationsOf(name, open, { [name]: { publicPorts: [80, 443, 8080] } }),
                [],
            );
            const narrowed = { [name]: { publicPorts: [443] } };
            assert.deepEqual(
                (await violationsOf(name, compliantStack(), narrowed)).map((v) => v.name),
                ["web-allow-http"],
            );
        });
        it("can be disabled", async () => {
            const stack = stackWith(
                rule("web-allow-app", "web", { portRange: "8080/8080", cidrIp: "10.0.0.0/8" }),
            );
            assert.deepEqual(await violationsOf(name, stack, { [name]: "disabled" }), []);
            assert.deepEqual(
                await violationsOf(name, stack, { [name]: { enforcementLevel: "disabled" } }),
                [],
            );
        });
    });

    describe("missing-security-group-tags", () => {
        const name = "missing-security-group-tags";
        it("rejects a group without tags, with an empty value, or without a required key", async () => {
            const none = mutate(compliantStack(), "web", (props) => without(props, "tags"));
            assert.deepEqual(await violationsOf(name, none), [
                {
                    name: "",
                    level: "mandatory",
                    message:
                        "Security group web has no tags; add non-empty tags (an owner tag, for instance) so that its owner can be found.",
                },
            ]);
            const empty = mutate(compliantStack(), "web", (props) => ({ ...props, tags: { owner: "" } }));
            assert.match((await violationsOf(name, empty))[0].message, /empty values for tag "owner"/);
            const required = { [name]: { requiredTagKeys: ["cost-center"] } };
            const found = await violationsOf(name, compliantStack(), required);
            assert.equal(found.length, 2);
            assert.equal(
                found[0].message,
                'Security group web lacks the required tag key "cost-center"; add non-empty tags including "cost-center" so that its owner can be found.',
            );
            // defaultTags are what remediation adds, not a requirement: no message asks for them.
            const withDefaults = { [name]: { defaultTags: { "managed-by": "pulumi" } } };
            assert.deepEqual(
                (await violationsOf(name, none, withDefaults)).map((v) => v.message),
                [
                    "Security group web has no tags; add non-empty tags (an owner tag, for instance) so that its owner can be found.",
                ],
            );
        });
        it("treats unknown tags as can't tell yet", async () => {
            const unknown = mutate(compliantStack(), "web", (props) => ({ ...props, tags: UNKNOWN_WIRE }));
            assert.deepEqual(await violationsOf(name, unknown), []);
        });
        it("remediates by adding defaultTags, keeping existing values and secrets", async () => {
            const harness = new PackHarness();
            await harness.configure({
                [name]: { enforcementLevel: "remediate", defaultTags: { team: "platform" } },
            });
            const bare = group("bare", { tags: undefined });
            const [added] = await harness.remediate(bare);
            assert.equal(added.policyName, name);
            assert.deepEqual((added.properties as Record<string, unknown>).tags, { team: "platform" });
            const secretTags = group("secretive", { tags: secret({ owner: "", cost: "1" }) });
            const [kept] = await harness.remediate(secretTags);
            assert.deepEqual(
                (kept.properties as Record<string, unknown>).tags,
                secret({ owner: "", cost: "1", team: "platform" }),
            );
            const secretValue = group("secret-value", { tags: { owner: secret("alice"), team: secret("") } });
            const [filled] = await harness.remediate(secretValue);
            assert.deepEqual((filled.properties as Record<string, unknown>).tags, {
                owner: secret("alice"),
                team: secret("platform"),
            });
            assert.deepEqual(await harness.remediate(group("tagged")), [], "a compliant group is left alone");
        });
    });

    describe("disallow-excess-security-groups", () => {
        const name = "disallow-excess-security-groups";
        const many = ["g1", "g2", "g3", "g4", "g5", "g6"];
        const groups = many.map((g) => group(g));
        it("rejects a member of more than five groups, for each joining resource type", async () => {
            const members: TestResource[] = [
                instance("vm-many", many),
                {
                    type: ENI,
                    name: "eni-many",
                    props: { securityGroupIds: many.map(() => UNKNOWN_WIRE) },
                    propertyDependencies: { securityGroupIds: many },
                },
                {
                    type: LAUNCH_TEMPLATE,
                    name: "lt-many",
                    props: {
                        securityGroupId: UNKNOWN_WIRE,
                        securityGroupIds: many.slice(1).map(() => UNKNOWN_WIRE),
                    },
                    propertyDependencies: { securityGroupId: ["g1"], securityGroupIds: many.slice(1) },
                },
                {
                    type: SCALING_CONFIGURATION,
                    name: "sc-many",
                    props: { securityGroupIds: ["sg-1", "sg-2", "sg-3", "sg-4", "sg-5", "sg-6"] },
                },
                {
                    type: INSTANCE,
                    name: "vm-nic",
                    props: {
                        securityGroups: [],
                        networkInterfaces: { securityGroupIds: many.map(() => UNKNOWN_WIRE) },
                    },
                    propertyDependencies: { networkInterfaces: many },
                },
            ];
            const found = await violationsOf(name, stackWith(...groups, ...members));
            assert.deepEqual(
                found.map((v) => v.name),
                ["vm-many", "eni-many", "lt-many", "sc-many", "vm-nic"],
            );
            assert.match(
                found[0].message,
                /^vm-many joins 6 security groups through securityGroups \(g1, g2, g3, g4, g5, g6\), more than the 5 allowed/,
            );
            assert.match(found[0].message, /raise maxGroupsPerInstance after a quota increase\.$/);
        });
        it("follows maxGroupsPerInstance and never counts what it cannot see", async () => {
            const stack = stackWith(...groups, instance("vm-many", many));
            assert.deepEqual(await violationsOf(name, stack, { [name]: { maxGroupsPerInstance: 6 } }), []);
            assert.equal(
                (
                    await violationsOf(name, stackWith(...groups, instance("vm", many.slice(0, 3))), {
                        [name]: { maxGroupsPerInstance: 2 },
                    })
                ).length,
                1,
            );
            const unknownList = stackWith({
                type: INSTANCE,
                name: "vm-unknown",
                props: { securityGroups: UNKNOWN_WIRE },
            });
            assert.deepEqual(await violationsOf(name, unknownList), []);
        });
        it("rejects mixing normal and enterprise groups", async () => {
            const stack = stackWith(
                group("ent", { securityGroupType: "enterprise" }),
                instance("vm-mixed", ["web", "ent"]),
            );
            const found = await violationsOf(name, stack);
            assert.deepEqual(
                found.map((v) => v.name),
                ["vm-mixed"],
            );
            assert.match(found[0].message, /mixes normal and enterprise security groups \(web, ent\)/);
        });
    });

    describe("disallow-public-risky-ports", () => {
        const name = "disallow-public-risky-ports";
        const openSsh = (stack: TestResource[]) =>
            mutate(stack, "bastion-allow-ssh-from-office", (props) => ({ ...props, cidrIp: "0.0.0.0/0" }));
        it("rejects SSH open to the Internet, naming the rule and the instance", async () => {
            const found = await violationsOf(name, openSsh(compliantStack()));
            assert.deepEqual(found, [
                {
                    name: "bastion-allow-ssh-from-office",
                    level: "mandatory",
                    message:
                        "Rule bastion-allow-ssh-from-office allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-bastion; authorize a bastion security group or a narrow office CIDR instead.",
                },
            ]);
        });
        it("rejects all-protocol and broad public blocks, and IPv6", async () => {
            const stack = stackWith(
                rule("web-all-v6", "web", {
                    ipProtocol: "all",
                    portRange: "-1/-1",
                    ipv6CidrIp: "::/0",
                    priority: 2,
                }),
                rule("web-mysql-public", "web", {
                    portRange: "3306/3306",
                    cidrIp: "100.0.0.0/8",
                    priority: 2,
                }),
            );
            const found = await violationsOf(name, stack);
            assert.deepEqual(found.map((v) => v.name).sort(), ["web-all-v6", "web-mysql-public"]);
        });
        it("does not count an accept fully covered by a drop of equal or stronger priority", async () => {
            const stack = stackWith(
                rule("web-ssh-open", "web", { cidrIp: "0.0.0.0/0", priority: 50 }),
                rule("web-ssh-drop", "web", { cidrIp: "0.0.0.0/0", policy: "drop", priority: 50 }),
            );
            assert.deepEqual(await violationsOf(name, stack), []);
        });
        it("pools an instance's groups: another group's stronger drop closes the hole", async () => {
            const stack = stackWith(
                group("closer"),
                rule("closer-drop-ssh", "closer", { cidrIp: "0.0.0.0/0", policy: "drop", priority: 1 }),
            );
            const open = openSsh(stack);
            const pooled = mutate(open, "vm-bastion", (props) => ({
                ...props,
                securityGroups: [UNKNOWN_WIRE, UNKNOWN_WIRE],
            }));
            const withDeps = pooled.map((r) =>
                r.name === "vm-bastion"
                    ? { ...r, propertyDependencies: { securityGroups: ["bastion", "closer"] } }
                    : r,
            );
            assert.deepEqual(await violationsOf(name, withDeps), []);
        });
        it("follows riskyPorts, and can be disabled", async () => {
            const stack = openSsh(compliantStack());
            assert.deepEqual(await violationsOf(name, stack, { [name]: { riskyPorts: [3389] } }), []);
            assert.equal(
                (await violationsOf(name, compliantStack(), { [name]: { riskyPorts: [80] } })).length,
                1,
            );
            assert.deepEqual(await violationsOf(name, stack, { [name]: "disabled" }), []);
        });
        it("does not let a drop whose priority is unknown close the hole, but names it as what could", async () => {
            const stack = mutate(openSsh(compliantStack()), "bastion-drop-baseline", (props) => ({
                ...props,
                priority: UNKNOWN_WIRE,
            }));
            assert.deepEqual(await violationsOf(name, stack), [
                {
                    name: "bastion-allow-ssh-from-office",
                    level: "mandatory",
                    message:
                        "Rule bastion-allow-ssh-from-office allows tcp 22 from 0.0.0.0/0 at priority 1, so the open Internet reaches risky port 22 on vm-bastion unless rule bastion-drop-baseline, whose priority is not known yet, drops tcp 22 at priority 1 or stronger; authorize a bastion security group or a narrow office CIDR instead.",
                },
            ]);
        });
    });

    describe("disallow-invalid-rule", () => {
        const name = "disallow-invalid-rule";
        const cases: [string, Record<string, unknown>, RegExp][] = [
            ["reversed ports", { portRange: "200/1" }, /portRange must have start <= end \(got "200\/1"\)/],
            [
                "ports on icmp",
                { ipProtocol: "icmp", portRange: "22/22", cidrIp: "1.2.3.4/32" },
                /portRange must be "-1\/-1" for protocol icmp/,
            ],
            [
                "-1/-1 on tcp",
                { portRange: "-1/-1", cidrIp: "1.2.3.4/32" },
                /portRange must lie within 1-65535/,
            ],
            [
                "priority 0",
                { priority: 0, cidrIp: "1.2.3.4/32" },
                /priority must be an integer from 1 to 100 \(got 0\)/,
            ],
            [
                "priority 101",
                { priority: 101, cidrIp: "1.2.3.4/32" },
                /priority must be an integer from 1 to 100 \(got 101\)/,
            ],
            ["no peer", {}, /peer must name one of cidrIp/],
            [
                "two peers",
                { cidrIp: "1.2.3.4/32", prefixListId: "pl-1" },
                /peer must name exactly one peer \(got "cidrIp, prefixListId"\)/,
            ],
            [
                "internet on a VPC group",
                { nicType: "internet", cidrIp: "1.2.3.4/32" },
                /nicType must be "intranet" on a VPC security group/,
            ],
            ["bad CIDR", { cidrIp: "10.0.0.300/8" }, /cidrIp must be a CIDR block/],
            [
                "a peer of the wrong type",
                { prefixListId: 42 },
                /prefixListId must be a non-empty string \(got 42\)/,
            ],
        ];
        for (const [label, props, expected] of cases) {
            it(`rejects ${label}`, async () => {
                const found = await violationsOf(name, stackWith(rule("bad-rule", "bastion", props)));
                assert.equal(found.length, 1, JSON.stringify(found));
                assert.equal(found[0].name, "bad-rule");
                assert.match(found[0].message, /^Rule bad-rule would be rejected by the API: /);
                assert.match(found[0].message, expected);
            });
        }
        it("rejects a source group with internet NIC type in a classic group, and enterprise references", async () => {
            const stack = stackWith(
                group("classic", { vpcId: undefined }),
                group("ent", { securityGroupType: "enterprise" }),
                rule(
                    "classic-from-web",
                    "classic",
                    { sourceSecurityGroupId: UNKNOWN_WIRE, nicType: "internet" },
                    { sourceSecurityGroupId: ["web"] },
                ),
                rule(
                    "ent-from-web",
                    "ent",
                    { sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["web"] },
                ),
                rule(
                    "web-from-ent",
                    "web",
                    { sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["ent"] },
                ),
            );
            const found = await violationsOf(name, stack);
            assert.deepEqual(
                found.map((v) => v.name),
                ["classic-from-web", "ent-from-web", "web-from-ent"],
            );
            assert.match(found[0].message, /nicType must be "intranet" for a rule that names a source group/);
            assert.match(found[1].message, /cannot name a security group in an enterprise group/);
            assert.match(
                found[2].message,
                /sourceSecurityGroupId cannot name an enterprise security group \(got "ent"\)/,
            );
        });
        it("rejects a group over the group-reference and rule limits", async () => {
            const references = Array.from({ length: 21 }, (_, i) =>
                rule(
                    `web-from-bastion-${i}`,
                    "web",
                    { portRange: `${1000 + i}/${1000 + i}`, sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["bastion"] },
                ),
            );
            const found = await violationsOf(name, stackWith(...references));
            assert.deepEqual(
                found.map((v) => v.name),
                ["web"],
            );
            assert.match(found[0].message, /at most 20 rules that reference security groups/);
            const rules = Array.from({ length: 200 }, (_, i) =>
                rule(`bastion-r${i}`, "bastion", {
                    portRange: `${2000 + i}/${2000 + i}`,
                    cidrIp: "203.0.113.10/32",
                }),
            );
            assert.match(
                (await violationsOf(name, stackWith(...rules)))[0].message,
                /at most 200 rules per group/,
            );
        });
    });

    describe("disallow-classic-intranet-cidr", () => {
        it("rejects an intranet CIDR accept in a classic group, not a source-group one", async () => {
            const stack = stackWith(
                group("classic", { vpcId: undefined }),
                rule("classic-from-office", "classic", { cidrIp: "192.168.1.0/24" }),
                rule(
                    "classic-from-web",
                    "classic",
                    { sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["web"] },
                ),
                rule("classic-internet", "classic", { nicType: "internet", cidrIp: "203.0.113.10/32" }),
            );
            const found = await violationsOf("disallow-classic-intranet-cidr", stack);
            assert.deepEqual(
                found.map((v) => [v.name, v.level]),
                [["classic-from-office", "mandatory"]],
            );
            assert.equal(
                found[0].message,
                "Rule classic-from-office allows tcp 22 from 192.168.1.0/24 at priority 1 on the intranet of classic-network security group classic, which every tenant of the classic network shares, so an address there does not identify your instances; authorize a source security group instead, or move the group into a VPC.",
            );
        });
    });

    describe("missing-drop-baseline", () => {
        const name = "missing-drop-baseline";
        it("flags a group whose accepts no lower-priority drop covers", async () => {
            const stack = compliantStack().filter((r) => r.name !== "web-drop-baseline");
            const found = await violationsOf(name, stack);
            assert.deepEqual(
                found.map((v) => [v.name, v.level]),
                [["web", "advisory"]],
            );
            assert.match(
                found[0].message,
                /^Security group web has ingress accepts \(web-allow-http, web-allow-https, web-allow-ssh-from-bastion\) with no lower-priority drop/,
            );
            assert.match(found[0].message, /priority 100/);
        });
        it("flags an IPv6 accept that only an IPv4 baseline backs, and a baseline of stronger priority", async () => {
            const v6 = stackWith(
                rule("web-allow-https-v6", "web", { portRange: "443/443", ipv6CidrIp: "::/0" }),
            );
            assert.match((await violationsOf(name, v6))[0].message, /::\/0/);
            const stronger = stackWith(
                rule("bastion-allow-late", "bastion", {
                    portRange: "8080/8080",
                    cidrIp: "203.0.113.10/32",
                    priority: 100,
                }),
            );
            const weakBaseline = mutate(stronger, "bastion-drop-baseline", (props) => ({
                ...props,
                priority: 99,
            }));
            assert.deepEqual(
                (await violationsOf(name, weakBaseline)).map((v) => v.name),
                ["bastion"],
            );
        });
    });

    describe("prefer-source-group-authorization", () => {
        it("flags a VPC accept from a private block, not from a public address", async () => {
            const stack = stackWith(
                rule("web-from-subnet", "web", { portRange: "8080/8080", cidrIp: "172.16.1.0/24" }),
            );
            const found = await violationsOf("prefer-source-group-authorization", stack);
            assert.deepEqual(
                found.map((v) => [v.name, v.level]),
                [["web-from-subnet", "advisory"]],
            );
            assert.match(
                found[0].message,
                /at priority 1; 172\.16\.1\.0\/24 is a private block: authorize the peers' security group/,
            );
        });
    });

    describe("disallow-all-ports-accept", () => {
        it("flags accepts on every port or protocol from a CIDR, not from a source group or on icmp", async () => {
            const stack = stackWith(
                rule("web-all-tcp", "web", { portRange: "1/65535", cidrIp: "203.0.113.10/32" }),
                rule("web-all", "web", { ipProtocol: "all", portRange: "-1/-1", prefixListId: "pl-1" }),
                rule(
                    "web-all-from-bastion",
                    "web",
                    { ipProtocol: "all", portRange: "-1/-1", sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["bastion"] },
                ),
                rule("web-ping", "web", {
                    ipProtocol: "icmp",
                    portRange: "-1/-1",
                    cidrIp: "203.0.113.10/32",
                }),
            );
            const found = await violationsOf("disallow-all-ports-accept", stack);
            assert.deepEqual(
                found.map((v) => v.message),
                [
                    "Rule web-all-tcp allows tcp 1-65535 from 203.0.113.10/32; allow only the protocols and ports the service needs, or authorize a source security group.",
                    "Rule web-all allows all protocols from prefix list pl-1; allow only the protocols and ports the service needs, or authorize a source security group.",
                ],
            );
        });
    });

    describe("disallow-open-egress", () => {
        it("flags egress of everything to any address, not narrower egress", async () => {
            const stack = stackWith(
                rule("web-egress-all", "web", {
                    type: "egress",
                    ipProtocol: "all",
                    portRange: "-1/-1",
                    ipv6CidrIp: "::/0",
                }),
                rule("web-egress-https", "web", {
                    type: "egress",
                    portRange: "443/443",
                    cidrIp: "0.0.0.0/0",
                }),
            );
            const found = await violationsOf("disallow-open-egress", stack);
            assert.deepEqual(
                found.map((v) => v.message),
                [
                    "Rule web-egress-all allows all protocols to ::/0; allow egress only to the destinations and ports the workload needs.",
                ],
            );
        });
    });

    describe("missing-explicit-rule-settings", () => {
        it("flags a rule that leaves priority, policy or nicType to the provider", async () => {
            const stack = mutate(compliantStack(), "bastion-allow-ssh-from-office", (props) =>
                without(props, "priority", "nicType"),
            );
            const found = await violationsOf("missing-explicit-rule-settings", stack);
            assert.deepEqual(
                found.map((v) => v.message),
                [
                    "Rule bastion-allow-ssh-from-office leaves priority, nicType to the provider (priority defaults to 1, the highest; nicType defaults by network and peer); set them explicitly.",
                ],
            );
            const unknown = mutate(compliantStack(), "bastion-allow-ssh-from-office", (props) => ({
                ...props,
                priority: UNKNOWN_WIRE,
            }));
            assert.deepEqual(
                await violationsOf("missing-explicit-rule-settings", unknown),
                [],
                "an unknown value is still set",
            );
        });
    });

    describe("missing-security-group-description", () => {
        it("flags a group without a description, named or not", async () => {
            const stack = mutate(compliantStack(), "web", (props) => without(props, "description"));
            assert.deepEqual(
                (await violationsOf("missing-security-group-description", stack)).map((v) => v.message),
                [
                    "Security group web has no description; set description to say what the group is for and whom it admits.",
                ],
            );
        });
        it("passes a group that has a description and no securityGroupName (it used to be flagged)", async () => {
            const unnamed = mutate(compliantStack(), "web", (props) => without(props, "securityGroupName"));
            assert.deepEqual(await violationsOf("missing-security-group-description", unnamed), []);
            const legacy = mutate(compliantStack(), "web", (props) => ({
                ...without(props, "securityGroupName"),
                name: "web",
            }));
            assert.deepEqual(await violationsOf("missing-security-group-description", legacy), []);
        });
    });

    describe("disallow-unused-security-group", () => {
        it("flags a group nothing joins or references, when the stack has members", async () => {
            const found = await violationsOf("disallow-unused-security-group", stackWith(group("orphan")));
            assert.deepEqual(
                found.map((v) => [v.name, v.level]),
                [["orphan", "advisory"]],
            );
            const referenced = stackWith(
                group("source-only"),
                rule(
                    "web-from-source",
                    "web",
                    { portRange: "8080/8080", sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["source-only"] },
                ),
            );
            assert.deepEqual(await violationsOf("disallow-unused-security-group", referenced), []);
            const networkOnly = compliantStack().filter((r) => r.type !== INSTANCE);
            assert.deepEqual(await violationsOf("disallow-unused-security-group", networkOnly), []);
        });
    });

    describe("disallow-shadowed-rule", () => {
        it("flags an accept covered by a stronger drop", async () => {
            const stack = stackWith(
                rule("bastion-drop-public", "bastion", {
                    ipProtocol: "all",
                    portRange: "-1/-1",
                    cidrIp: "0.0.0.0/0",
                    policy: "drop",
                    priority: 5,
                }),
            );
            const found = await violationsOf("disallow-shadowed-rule", stack);
            assert.deepEqual(found, [], "an accept at priority 1 beats a drop at 5");
            const late = mutate(stack, "bastion-allow-ssh-from-office", (props) => ({
                ...props,
                priority: 10,
            }));
            const shadowed = await violationsOf("disallow-shadowed-rule", late);
            assert.deepEqual(
                shadowed.map((v) => v.name),
                ["bastion-allow-ssh-from-office"],
            );
            assert.match(
                shadowed[0].message,
                /never takes effect: drop rule bastion-drop-public of bastion covers everything it matches; remove it, or give it a smaller priority number than 5\.$/,
            );
        });
    });

    describe("enable-inner-access-drop", () => {
        it("flags Accept (or unset) inner access and a self rule allowing everything", async () => {
            const accept = mutate(compliantStack(), "web", (props) => without(props, "innerAccessPolicy"));
            assert.deepEqual(
                (await violationsOf("enable-inner-access-drop", accept)).map((v) => v.name),
                ["web"],
            );
            const selfAll = stackWith(
                rule(
                    "web-self-all",
                    "web",
                    { ipProtocol: "all", portRange: "-1/-1", sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["web"] },
                ),
            );
            const found = await violationsOf("enable-inner-access-drop", selfAll);
            assert.match(
                found[0].message,
                /through rule web-self-all; allow members only the ports they need/,
            );
            const selfPort = stackWith(
                rule(
                    "web-self-redis",
                    "web",
                    { portRange: "6379/6379", sourceSecurityGroupId: UNKNOWN_WIRE },
                    { sourceSecurityGroupId: ["web"] },
                ),
            );
            assert.deepEqual(await violationsOf("enable-inner-access-drop", selfPort), []);
        });
    });

    describe("disallow-untrusted-cross-account-source", () => {
        const name = "disallow-untrusted-cross-account-source";
        const partner = (owner: Record<string, unknown>) =>
            stackWith(
                rule("web-from-partner", "web", {
                    portRange: "8080/8080",
                    sourceSecurityGroupId: "sg-partner",
                    ...owner,
                }),
            );
        it("flags a foreign owner in either field unless trusted", async () => {
            assert.deepEqual(
                (await violationsOf(name, partner({ sourceGroupOwnerId: "1234" }))).map((v) => v.message),
                [
                    "Rule web-from-partner authorizes sg-partner of account 1234, which is not in trustedAccounts; add the account to trustedAccounts if it is trusted, or remove the rule.",
                ],
            );
            assert.equal((await violationsOf(name, partner({ sourceGroupOwnerAccount: "1234" }))).length, 1);
            assert.deepEqual(
                await violationsOf(name, partner({ sourceGroupOwnerId: "1234" }), {
                    [name]: { trustedAccounts: ["1234"] },
                }),
                [],
            );
            assert.deepEqual(await violationsOf(name, partner({ sourceGroupOwnerId: UNKNOWN_WIRE })), []);
        });
    });

    describe("missing-vpc", () => {
        it("flags a classic-network group", async () => {
            const stack = mutate(compliantStack(), "bastion", (props) => without(props, "vpcId"));
            const found = await violationsOf("missing-vpc", stack);
            assert.deepEqual(found, [
                {
                    name: "",
                    level: "advisory",
                    message:
                        "Security group bastion has no vpcId, so it is a classic-network group; set vpcId to create it in a VPC.",
                },
            ]);
            assert.deepEqual(
                (await violationsOf("missing-vpc", stack, { all: "mandatory" })).map((v) => v.level),
                ["mandatory"],
            );
        });
    });

    it("never turns an unknown value into a mandatory violation; an accept it could be is can't tell yet", async () => {
        const unknownEverywhere = compliantStack().map((resource) => ({
            ...resource,
            props: Object.fromEntries(Object.keys(resource.props).map((key) => [key, UNKNOWN_WIRE])),
        }));
        const fields = "type, ipProtocol, portRange, policy, priority, nicType and cidrIp";
        const cantTell = (rule: string, member: string) =>
            `Can't tell yet whether rule ${rule}, whose ${fields} are not known yet, lets the open Internet reach risky ports ${riskyPresetPorts().join(", ")} on ${member}. Make sure it does not, or drop those ports from 0.0.0.0/0 and ::/0 at priority 1 to prove them closed.`;
        assert.deepEqual(
            (await preview(unknownEverywhere)).map((d) => [
                d.policyName,
                d.enforcementLevel,
                d.message.split("\n")[1],
            ]),
            [
                ["disallow-public-risky-ports", "advisory", cantTell("web-allow-http", "vm-web")],
                [
                    "disallow-public-risky-ports",
                    "advisory",
                    cantTell("bastion-allow-ssh-from-office", "vm-bastion"),
                ],
            ],
        );
        const unknownOwners = stackWith(
            rule("web-from-partner", "web", {
                portRange: "8080/8080",
                sourceSecurityGroupId: UNKNOWN_WIRE,
                sourceGroupOwnerId: UNKNOWN_WIRE,
            }),
        );
        assert.deepEqual(
            (await preview(unknownOwners)).map((d) => d.policyName),
            [],
        );
    });

    it("judges internet-NIC rules of classic-network groups too", async () => {
        const stack = stackWith(
            group("classic", { vpcId: undefined }),
            rule("classic-rdp", "classic", {
                portRange: "3389/3389",
                nicType: "internet",
                cidrIp: "0.0.0.0/0",
            }),
            baseline("classic", { nicType: "internet" }),
            instance("vm-classic", ["classic"]),
        );
        const found = await violationsOf("disallow-public-risky-ports", stack);
        assert.deepEqual(
            found.map((v) => v.name),
            ["classic-rdp"],
        );
        assert.match(found[0].message, /reaches risky port 3389 on vm-classic;/);
    });

    it("reports group-level findings of stack policies on the URN of the resource to change", async () => {
        const stack = stackWith(group("orphan"));
        const found = (await preview(stack)).filter((d) => d.policyName === "disallow-unused-security-group");
        assert.deepEqual(
            found.map((d) => d.urn),
            [urnOf({ type: GROUP, name: "orphan" })],
        );
    });
});
