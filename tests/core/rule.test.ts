import * as assert from "node:assert/strict";
import { renderProblem } from "../../core/problems";
import {
    effectiveNicType,
    PRESETS,
    PresetName,
    ruleProblems,
    ruleSetProblems,
    SecurityRule,
    toRuleInputs,
} from "../../core";
import { riskyPresetPorts } from "../../core/presets";
import { broadIntranetAccessReason, dropBaselineRule } from "../../core/rule";

const vpc = { vpc: true, enterprise: false };
const classic = { vpc: false, enterprise: false };

const sshFromBastion: SecurityRule = {
    direction: "ingress",
    protocol: "tcp",
    ports: { from: 22, to: 22 },
    peer: { kind: "group", groupId: "sg-bastion" },
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    description: "Allow SSH from the bastion",
};

const withRule = (changes: Partial<SecurityRule>): SecurityRule => ({ ...sshFromBastion, ...changes });

describe("core/rule", () => {
    it("converts a rule to SecurityGroupRule inputs with every safety setting explicit", () => {
        assert.deepEqual(toRuleInputs(sshFromBastion, "sg-web"), {
            type: "ingress",
            ipProtocol: "tcp",
            portRange: "22/22",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            description: "Allow SSH from the bastion",
            securityGroupId: "sg-web",
            sourceSecurityGroupId: "sg-bastion",
        });
    });

    it("puts each peer kind in its own provider field, and a foreign owner in sourceGroupOwnerId", () => {
        const peerFields = (rule: SecurityRule) => {
            const inputs = toRuleInputs(rule, "sg-x") as unknown as Record<string, unknown>;
            return ["cidrIp", "ipv6CidrIp", "sourceSecurityGroupId", "sourceGroupOwnerId", "prefixListId"]
                .filter((key) => key in inputs)
                .map((key) => `${key}=${inputs[key]}`);
        };
        assert.deepEqual(peerFields(withRule({ peer: { kind: "cidr", cidr: "192.168.0.0/24" } })), [
            "cidrIp=192.168.0.0/24",
        ]);
        assert.deepEqual(peerFields(withRule({ peer: { kind: "ipv6Cidr", cidr: "2001:db8::/64" } })), [
            "ipv6CidrIp=2001:db8::/64",
        ]);
        assert.deepEqual(
            peerFields(withRule({ peer: { kind: "group", groupId: "sg-a", ownerId: "1234" } })),
            ["sourceSecurityGroupId=sg-a", "sourceGroupOwnerId=1234"],
        );
        assert.deepEqual(peerFields(withRule({ peer: { kind: "prefixList", prefixListId: "pl-1" } })), [
            "prefixListId=pl-1",
        ]);
    });

    it("accepts a well-formed rule", () => {
        assert.deepEqual(ruleProblems(sshFromBastion, "ingress.ssh", vpc), []);
    });

    const invalid: [string, SecurityRule, typeof vpc, string][] = [
        [
            "reversed ports",
            withRule({ ports: { from: 200, to: 1 } }),
            vpc,
            'ingress.ssh.ports must have start <= end (got "200/1")',
        ],
        [
            "ports on icmp",
            withRule({ protocol: "icmp" }),
            vpc,
            'ingress.ssh.ports must be "-1/-1" for protocol icmp (got "22/22")',
        ],
        [
            "priority 0",
            withRule({ priority: 0 }),
            vpc,
            "ingress.ssh.priority must be an integer from 1 to 100 (got 0)",
        ],
        [
            "priority 101",
            withRule({ priority: 101 }),
            vpc,
            "ingress.ssh.priority must be an integer from 1 to 100 (got 101)",
        ],
        [
            "priority 1.5",
            withRule({ priority: 1.5 }),
            vpc,
            "ingress.ssh.priority must be an integer from 1 to 100 (got 1.5)",
        ],
        [
            "internet in a VPC",
            withRule({ nicType: "internet", peer: { kind: "cidr", cidr: "1.2.3.4/32" } }),
            vpc,
            'ingress.ssh.nicType must be "intranet" on a VPC security group (got "internet")',
        ],
        [
            "source group with internet",
            withRule({ nicType: "internet" }),
            classic,
            'ingress.ssh.nicType must be "intranet" for a rule that names a source group (got "internet")',
        ],
        [
            "source group in an enterprise group",
            sshFromBastion,
            { vpc: true, enterprise: true },
            'ingress.ssh.source cannot name a security group in an enterprise group (got "security group")',
        ],
        [
            "malformed CIDR",
            withRule({ peer: { kind: "cidr", cidr: "10.0.0.300/24" } }),
            vpc,
            'ingress.ssh.cidr must be a CIDR block such as "192.168.1.0/24" (got "10.0.0.300/24")',
        ],
        [
            "IPv6 block in the IPv4 field",
            withRule({ peer: { kind: "cidr", cidr: "::/0" } }),
            vpc,
            'ingress.ssh.cidr must be an IPv4 CIDR block (got "::/0")',
        ],
    ];
    for (const [title, rule, group, message] of invalid) {
        it(`reports ${title} naming the field and the value`, () => {
            assert.deepEqual(ruleProblems(rule, "ingress.ssh", group).map(renderProblem), [message]);
        });
    }

    it("reports every problem of a rule at once", () => {
        const rule = withRule({ ports: { from: 0, to: 70000 }, priority: 300, nicType: "internet" });
        assert.deepEqual(
            ruleProblems(rule, "r", vpc).map((p) => p.path),
            ["r.ports", "r.priority", "r.nicType", "r.nicType"],
        );
    });

    it("limits a group to 200 rules and 20 group references", () => {
        const cidrRule = withRule({ peer: { kind: "cidr", cidr: "192.168.0.1/32" } });
        assert.deepEqual(ruleSetProblems(Array(200).fill(cidrRule), "rules"), []);
        assert.deepEqual(ruleSetProblems(Array(201).fill(cidrRule), "rules").map(renderProblem), [
            'rules must hold at most 200 rules per group (got "201 rules")',
        ]);
        assert.deepEqual(ruleSetProblems(Array(20).fill(sshFromBastion), "rules"), []);
        assert.deepEqual(ruleSetProblems(Array(21).fill(sshFromBastion), "rules").map(renderProblem), [
            'rules must hold at most 20 rules that reference security groups (got "21 rules naming security groups")',
        ]);
    });

    it("reads the NIC type the way the API does", () => {
        assert.equal(effectiveNicType("internet", true, false), "intranet");
        assert.equal(effectiveNicType(undefined, true, false), "intranet");
        assert.equal(effectiveNicType(undefined, false, true), "intranet");
        assert.equal(effectiveNicType(undefined, false, false), "internet");
        assert.equal(effectiveNicType("intranet", false, false), "intranet");
    });

    describe("broad intranet access", () => {
        const accept = (cidr: string, ports = { from: 6379, to: 6379 }): SecurityRule =>
            withRule({ peer: { kind: "cidr", cidr }, ports });

        it("flags blocks broader than /16 and any-address on non-public ports", () => {
            assert.match(
                broadIntranetAccessReason(accept("10.0.0.0/8")) ?? "",
                /broad block "10.0.0.0\/8" \(\/8\)/,
            );
            assert.match(broadIntranetAccessReason(accept("0.0.0.0/0")) ?? "", /every address/);
            assert.match(
                broadIntranetAccessReason(withRule({ peer: { kind: "ipv6Cidr", cidr: "2001:db8::/32" } })) ??
                    "",
                /\/32/,
            );
        });

        it("lets a /16 or narrower through, and drops, egress and internet rules", () => {
            assert.equal(broadIntranetAccessReason(accept("10.1.0.0/16")), undefined);
            assert.equal(broadIntranetAccessReason({ ...accept("0.0.0.0/0"), policy: "drop" }), undefined);
            assert.equal(
                broadIntranetAccessReason({ ...accept("0.0.0.0/0"), direction: "egress" }),
                undefined,
            );
        });

        it("judges a classic group's internet-NIC rule as a VPC rule, and words the classic intranet apart", () => {
            assert.equal(
                broadIntranetAccessReason(
                    { ...accept("0.0.0.0/0"), nicType: "internet" },
                    {},
                    { vpc: false },
                ),
                'opens tcp 6379 to the whole Internet ("0.0.0.0/0")',
            );
            assert.equal(
                broadIntranetAccessReason(accept("0.0.0.0/0"), {}, { vpc: true }),
                'opens tcp 6379 to every address, the Internet included ("0.0.0.0/0")',
            );
            assert.equal(
                broadIntranetAccessReason(accept("0.0.0.0/0"), {}, { vpc: false }),
                'opens tcp 6379 to every instance of every tenant on the shared classic-network intranet ("0.0.0.0/0")',
            );
            assert.equal(
                broadIntranetAccessReason(
                    { ...accept("8.0.0.0/8"), nicType: "internet" },
                    {},
                    { vpc: false },
                ),
                'admits the broad block "8.0.0.0/8" (/8)',
            );
            // No private address reaches an internet NIC: a private block there opens nothing.
            assert.equal(
                broadIntranetAccessReason(
                    { ...accept("10.0.0.0/8"), nicType: "internet" },
                    {},
                    { vpc: false },
                ),
                undefined,
            );
            assert.equal(
                broadIntranetAccessReason(
                    { ...accept("0.0.0.0/0", { from: 443, to: 443 }), nicType: "internet" },
                    {},
                    { vpc: false },
                ),
                undefined,
            );
        });

        it("allows any-address only on tcp/udp ports that are all public", () => {
            assert.equal(broadIntranetAccessReason(accept("0.0.0.0/0", { from: 443, to: 443 })), undefined);
            assert.equal(broadIntranetAccessReason(accept("::/0", { from: 80, to: 80 })), undefined);
            assert.notEqual(broadIntranetAccessReason(accept("0.0.0.0/0", { from: 80, to: 443 })), undefined);
            assert.notEqual(
                broadIntranetAccessReason(accept("10.0.0.0/8", { from: 443, to: 443 })),
                undefined,
            );
            assert.equal(
                broadIntranetAccessReason(accept("0.0.0.0/0", { from: 8080, to: 8080 }), {
                    publicPorts: [8080],
                }),
                undefined,
            );
            assert.notEqual(
                broadIntranetAccessReason({
                    ...accept("0.0.0.0/0"),
                    protocol: "all",
                    ports: { from: -1, to: -1 },
                }),
                undefined,
            );
        });

        it("exempts allowed blocks and honours custom prefix limits", () => {
            assert.equal(
                broadIntranetAccessReason(accept("10.0.0.0/8"), { allowedCidrs: ["10.0.0.0/8"] }),
                undefined,
            );
            assert.notEqual(
                broadIntranetAccessReason(accept("10.0.0.0/8"), { allowedCidrs: ["10.0.0.0/9"] }),
                undefined,
            );
            assert.equal(broadIntranetAccessReason(accept("10.0.0.0/8"), { minIpv4Prefix: 8 }), undefined);
            assert.notEqual(
                broadIntranetAccessReason(accept("10.1.0.0/16"), { minIpv4Prefix: 24 }),
                undefined,
            );
        });
    });

    it("builds the drop baseline: ingress, all, -1/-1, 0.0.0.0/0, intranet, priority 100", () => {
        const baseline = dropBaselineRule();
        assert.deepEqual(
            { ...toRuleInputs(baseline, "sg"), description: undefined },
            {
                type: "ingress",
                ipProtocol: "all",
                portRange: "-1/-1",
                policy: "drop",
                priority: 100,
                nicType: "intranet",
                description: undefined,
                securityGroupId: "sg",
                cidrIp: "0.0.0.0/0",
            },
        );
        assert.deepEqual(ruleProblems(baseline, "baseline", vpc), []);
    });
});

describe("core/presets", () => {
    it("types preset names so that a misspelt preset does not compile", () => {
        const good: PresetName = "redis";
        // @ts-expect-error "rediss" is not a preset; `npm test` type-checks this file.
        const bad: PresetName = "rediss";
        assert.equal(PRESETS[good].entries[0].ports[0], 6379);
        assert.equal(bad, "rediss");
    });

    it("gives every preset valid rules", () => {
        for (const [name, preset] of Object.entries(PRESETS)) {
            assert.ok(preset.entries.length > 0, name);
            for (const entry of preset.entries) {
                for (const port of entry.ports) {
                    const [from, to] = typeof port === "number" ? [port, port] : port;
                    const rule = withRule({ protocol: entry.protocol, ports: { from, to } });
                    assert.deepEqual(ruleProblems(rule, name, vpc), [], name);
                }
            }
        }
    });

    it("derives risky ports from the risky presets: administration, databases and caches, not the web", () => {
        const risky = riskyPresetPorts();
        for (const port of [22, 3389, 6379, 3306, 5432, 27017, 11211, 9200, 2375]) {
            assert.ok(risky.includes(port), `${port} missing`);
        }
        for (const port of [80, 443, 53, 123]) {
            assert.ok(!risky.includes(port), `${port} should not be risky`);
        }
        assert.deepEqual(
            risky,
            [...risky].sort((a, b) => a - b),
        );
    });
});
