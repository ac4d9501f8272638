import * as assert from "node:assert/strict";
import fc from "fast-check";
import { parseCidr, SecurityRule } from "../../core";
import { cidrRange } from "../../core/cidr";
import {
    accessByPeer,
    evaluateAccess,
    internetExposures,
    isAllowed,
    Packet,
    PACKET_PROTOCOLS,
    PacketProtocol,
    ruleCoveredBy,
} from "../../core/effective";
import { dropBaselineRule } from "../../core/rule";

const accept = (changes: Partial<SecurityRule>): SecurityRule => ({
    direction: "ingress",
    protocol: "tcp",
    ports: { from: 22, to: 22 },
    peer: { kind: "cidr", cidr: "0.0.0.0/0" },
    policy: "accept",
    priority: 1,
    nicType: "intranet",
    ...changes,
});
const drop = (changes: Partial<SecurityRule>): SecurityRule => accept({ policy: "drop", ...changes });
const ingress = { direction: "ingress", nicType: "intranet" } as const;

const v4 = (text: string): bigint => cidrRange(parseCidr(text)!).first;
const tcpFrom = (address: string, port: number): Packet => ({
    protocol: "tcp",
    port,
    peer: { kind: "address", family: "ipv4", address: v4(address) },
});

describe("core/effective", () => {
    it("denies everything when no rule matches", () => {
        const evaluation = evaluateAccess([], ingress);
        assert.deepEqual(evaluation.regions, []);
        assert.equal(isAllowed(evaluation, tcpFrom("1.2.3.4", 22)), false);
    });

    it("lets a drop win over an accept of equal priority", () => {
        const evaluation = evaluateAccess([accept({ priority: 5 }), drop({ priority: 5 })], ingress);
        assert.equal(isAllowed(evaluation, tcpFrom("1.2.3.4", 22)), false);
        assert.equal(evaluation.outcomes[0].shadowed, true);
        assert.deepEqual(evaluation.outcomes[0].overriddenBy, [1]);
    });

    it("lets a higher-priority accept open exactly one hole in the drop baseline", () => {
        const rules = [
            accept({ ports: { from: 443, to: 443 }, priority: 1 }),
            dropBaselineRule({ cidr: "0.0.0.0/0" }) as SecurityRule,
        ];
        const evaluation = evaluateAccess(rules, ingress);
        assert.equal(isAllowed(evaluation, tcpFrom("8.8.8.8", 443)), true);
        assert.equal(isAllowed(evaluation, tcpFrom("8.8.8.8", 444)), false);
        assert.equal(
            isAllowed(evaluation, { protocol: "udp", port: 443, peer: tcpFrom("8.8.8.8", 1).peer }),
            false,
        );
        assert.deepEqual(
            evaluation.regions.map((region) => [
                region.protocol,
                region.ports,
                region.peer.kind,
                region.rules,
            ]),
            [["tcp", [{ from: 443, to: 443 }], "addresses", [0]]],
        );
        assert.equal(evaluation.outcomes[1].effective, true);
    });

    it("treats source groups as covered by a 0.0.0.0/0 drop but not by a narrower one", () => {
        const fromGroup = accept({ peer: { kind: "group", groupId: "sg-web" }, priority: 50 });
        assert.equal(evaluateAccess([fromGroup, drop({ priority: 1 })], ingress).outcomes[0].shadowed, true);
        const narrow = evaluateAccess(
            [fromGroup, drop({ priority: 1, peer: { kind: "cidr", cidr: "10.0.0.0/8" } })],
            ingress,
        );
        assert.equal(narrow.outcomes[0].shadowed, false);
        assert.equal(
            isAllowed(narrow, { protocol: "tcp", port: 22, peer: { kind: "group", groupId: "sg-web" } }),
            true,
        );
    });

    it("lets members in through inner access whatever the rules say", () => {
        const evaluation = evaluateAccess([dropBaselineRule() as SecurityRule], {
            ...ingress,
            innerAccessGroups: ["sg-app"],
        });
        const member: Packet = { protocol: "udp", port: 9999, peer: { kind: "group", groupId: "sg-app" } };
        assert.equal(isAllowed(evaluation, member), true);
        assert.equal(
            isAllowed(evaluation, { ...member, peer: { kind: "group", groupId: "sg-other" } }),
            false,
        );
        assert.deepEqual(accessByPeer(evaluation), [
            {
                peer: { kind: "group", groupId: "sg-app" },
                access: [{ protocol: "all", ports: [{ from: -1, to: -1 }] }],
                innerAccess: true,
            },
        ]);
    });

    it("ignores rules of the other direction or NIC type and rules the API would reject", () => {
        const rules = [
            accept({ direction: "egress" }),
            accept({ nicType: "internet" }),
            accept({ ports: { from: 200, to: 1 } }),
            accept({ priority: 0 }),
            accept({ peer: { kind: "cidr", cidr: "not-a-cidr" } }),
        ];
        const evaluation = evaluateAccess(rules, ingress);
        assert.deepEqual(
            evaluation.outcomes.map((outcome) => outcome.considered),
            [false, false, false, false, false],
        );
        assert.deepEqual(evaluation.regions, []);
    });

    it("merges ports and address intervals in the regions", () => {
        const evaluation = evaluateAccess(
            [
                accept({ ports: { from: 80, to: 80 }, peer: { kind: "cidr", cidr: "10.0.0.0/24" } }),
                accept({ ports: { from: 81, to: 90 }, peer: { kind: "cidr", cidr: "10.0.0.0/24" } }),
                accept({ ports: { from: 80, to: 90 }, peer: { kind: "cidr", cidr: "10.0.1.0/24" } }),
            ],
            ingress,
        );
        assert.equal(evaluation.regions.length, 1);
        const region = evaluation.regions[0];
        assert.deepEqual(region.ports, [{ from: 80, to: 90 }]);
        assert.deepEqual(region.peer, {
            kind: "addresses",
            family: "ipv4",
            first: v4("10.0.0.0"),
            last: v4("10.0.1.255"),
        });
        assert.deepEqual(region.rules, [0, 1, 2]);
    });

    describe("internetExposures", () => {
        const risky = [22, 3306];
        it("reports 0.0.0.0/0 reaching a risky port", () => {
            const exposures = internetExposures(evaluateAccess([accept({})], ingress), risky);
            assert.deepEqual(exposures, [{ port: 22, protocol: "tcp", family: "ipv4", rules: [0] }]);
        });
        it("does not report a single office address or a private block", () => {
            const rules = [
                accept({ peer: { kind: "cidr", cidr: "203.0.113.7/32" } }),
                accept({ peer: { kind: "cidr", cidr: "10.0.0.0/8" } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky), []);
        });
        it("still reports 0.0.0.0/0 when a stronger drop only removes private space", () => {
            const rules = [
                accept({ priority: 10 }),
                drop({ priority: 1, peer: { kind: "cidr", cidr: "10.0.0.0/8" } }),
            ];
            assert.deepEqual(
                internetExposures(evaluateAccess(rules, ingress), risky).map((e) => e.port),
                [22],
            );
        });
        it("does not report an accept fully covered by a drop of equal priority", () => {
            const rules = [
                accept({ priority: 10 }),
                drop({ priority: 10, protocol: "all", ports: { from: -1, to: -1 } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky), []);
        });
        it("judges each contiguous block alone: an office /32 beside a public /16 is not the open Internet", () => {
            const rules = [
                accept({ peer: { kind: "cidr", cidr: "47.0.0.0/16" } }),
                accept({ peer: { kind: "cidr", cidr: "203.0.113.7/32" } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky), []);
        });
        it("reports touching public blocks that together are broader than /16, crediting both accepts", () => {
            const rules = [
                accept({ peer: { kind: "cidr", cidr: "47.0.0.0/16" } }),
                accept({ peer: { kind: "cidr", cidr: "47.1.0.0/16" } }),
                accept({ peer: { kind: "cidr", cidr: "203.0.113.7/32" } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky), [
                { port: 22, protocol: "tcp", family: "ipv4", rules: [0, 1] },
            ]);
        });
        it("blames the accept that opens the Internet, not an office block decided inside it first", () => {
            const rules = [
                accept({
                    priority: 1,
                    protocol: "all",
                    ports: { from: -1, to: -1 },
                    peer: { kind: "cidr", cidr: "47.0.0.0/24" },
                }),
                accept({ priority: 100, ports: { from: 1, to: 65535 } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky), [
                { port: 22, protocol: "tcp", family: "ipv4", rules: [1] },
                { port: 3306, protocol: "tcp", family: "ipv4", rules: [1] },
            ]);
        });
        it("blames every accept of an Internet stitched from blocks that are each narrow", () => {
            const rules = [
                accept({ peer: { kind: "cidr", cidr: "0.0.0.0/1" } }),
                accept({ peer: { kind: "cidr", cidr: "128.0.0.0/1" } }),
            ];
            assert.deepEqual(internetExposures(evaluateAccess(rules, ingress), risky, { minIpv4Prefix: 1 }), [
                { port: 22, protocol: "tcp", family: "ipv4", rules: [0, 1] },
            ]);
        });
        it("honours a custom minimum prefix", () => {
            const rules = [accept({ peer: { kind: "cidr", cidr: "100.64.0.0/12" } })];
            assert.equal(internetExposures(evaluateAccess(rules, ingress), risky).length, 1);
            assert.equal(
                internetExposures(evaluateAccess(rules, ingress), risky, { minIpv4Prefix: 8 }).length,
                0,
            );
        });
    });

    describe("ruleCoveredBy", () => {
        it("needs the union of covering rules to include every packet", () => {
            const target = accept({ ports: { from: 20, to: 30 } });
            assert.equal(
                ruleCoveredBy(target, [
                    drop({ ports: { from: 20, to: 25 } }),
                    drop({ ports: { from: 26, to: 30 } }),
                ]),
                true,
            );
            assert.equal(ruleCoveredBy(target, [drop({ ports: { from: 20, to: 25 } })]), false);
            assert.equal(
                ruleCoveredBy(target, [drop({ protocol: "all", ports: { from: -1, to: -1 } })]),
                true,
            );
            assert.equal(ruleCoveredBy(target, [drop({ peer: { kind: "cidr", cidr: "0.0.0.0/1" } })]), false);
        });
    });

    describe("agrees with a brute-force packet evaluation", () => {
        const ipv4Blocks = [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.1.2.0/24",
            "10.1.2.3/32",
            "192.168.0.0/16",
            "1.2.3.0/24",
            "128.0.0.0/1",
        ];
        const ipv6Blocks = ["::/0", "2001:db8::/32", "2001:db8::/48", "fc00::/7"];
        const groups = ["sg-a", "sg-b"];
        const portEdges = [1, 20, 21, 22, 25, 30, 65535];

        const portArb = fc.constantFrom(...portEdges);
        const peerArb = fc.oneof(
            fc.constantFrom(...ipv4Blocks).map((cidr) => ({ kind: "cidr", cidr }) as const),
            fc
                .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 32 }))
                .map(([n, prefix]) => ({
                    kind: "cidr" as const,
                    cidr: `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${prefix}`,
                })),
            fc.constantFrom(...ipv6Blocks).map((cidr) => ({ kind: "ipv6Cidr", cidr }) as const),
            fc.constantFrom(...groups).map((groupId) => ({ kind: "group", groupId }) as const),
            fc.constant({ kind: "prefixList", prefixListId: "pl-1" } as const),
        );
        const ruleArb: fc.Arbitrary<SecurityRule> = fc
            .record({
                protocol: fc.constantFrom("tcp", "udp", "icmp", "all", "gre", "icmpv6"),
                a: portArb,
                b: portArb,
                peer: peerArb,
                policy: fc.constantFrom("accept", "drop"),
                priority: fc.integer({ min: 1, max: 4 }),
                direction: fc.constantFrom("ingress", "ingress", "egress"),
                nicType: fc.constantFrom("intranet", "intranet", "internet"),
            })
            .map((r) => ({
                direction: r.direction,
                protocol: r.protocol,
                ports:
                    r.protocol === "tcp" || r.protocol === "udp"
                        ? { from: Math.min(r.a, r.b), to: Math.max(r.a, r.b) }
                        : { from: -1, to: -1 },
                peer: r.peer,
                policy: r.policy,
                priority: r.priority,
                nicType: r.nicType,
            }));

        /** The reference: match every rule against one packet, smallest priority wins, drop wins ties. */
        function reference(
            rules: readonly SecurityRule[],
            inner: readonly string[],
            packet: Packet,
        ): boolean {
            if (packet.peer.kind === "group" && inner.includes(packet.peer.groupId)) {
                return true;
            }
            const matching = rules.filter((rule) => {
                if (rule.direction !== "ingress" || rule.nicType !== "intranet") {
                    return false;
                }
                if (rule.protocol !== "all" && rule.protocol !== packet.protocol) {
                    return false;
                }
                if ((packet.protocol === "tcp" || packet.protocol === "udp") && rule.protocol !== "all") {
                    if (packet.port < rule.ports.from || packet.port > rule.ports.to) {
                        return false;
                    }
                }
                const peer = packet.peer;
                const cidr =
                    rule.peer.kind === "cidr" || rule.peer.kind === "ipv6Cidr"
                        ? parseCidr(rule.peer.cidr)
                        : undefined;
                switch (peer.kind) {
                    case "address": {
                        if (!cidr || cidr.family !== peer.family) {
                            return false;
                        }
                        const range = cidrRange(cidr);
                        return range.first <= peer.address && peer.address <= range.last;
                    }
                    case "group":
                        return (
                            (rule.peer.kind === "group" && rule.peer.groupId === peer.groupId) ||
                            (cidr !== undefined && cidr.family === "ipv4" && cidr.prefix === 0)
                        );
                    case "prefixList":
                        return (
                            (rule.peer.kind === "prefixList" &&
                                rule.peer.prefixListId === peer.prefixListId) ||
                            (cidr !== undefined && cidr.family === peer.family && cidr.prefix === 0)
                        );
                }
            });
            if (matching.length === 0) {
                return false;
            }
            const best = Math.min(...matching.map((rule) => rule.priority));
            return !matching.some((rule) => rule.priority === best && rule.policy === "drop");
        }

        /** Group and prefix-list packets only for atoms that a rule or inner access names (see isAllowed). */
        function samplePackets(
            all: readonly SecurityRule[],
            extra: bigint[],
            inner: readonly string[] = [],
        ): Packet[] {
            const rules = all.filter((rule) => rule.direction === "ingress" && rule.nicType === "intranet");
            const v4Addresses = new Set<bigint>([0n, 0xffffffffn, ...extra]);
            const v6Addresses = new Set<bigint>([0n, (1n << 128n) - 1n]);
            for (const rule of rules) {
                if (rule.peer.kind === "cidr" || rule.peer.kind === "ipv6Cidr") {
                    const range = cidrRange(parseCidr(rule.peer.cidr)!);
                    const target = range.family === "ipv4" ? v4Addresses : v6Addresses;
                    for (const address of [range.first - 1n, range.first, range.last, range.last + 1n]) {
                        if (address >= 0n && address < (range.family === "ipv4" ? 1n << 32n : 1n << 128n)) {
                            target.add(address);
                        }
                    }
                }
            }
            const peers: Packet["peer"][] = [
                ...[...v4Addresses].map((address) => ({ kind: "address", family: "ipv4", address }) as const),
                ...[...v6Addresses].map((address) => ({ kind: "address", family: "ipv6", address }) as const),
                ...groups
                    .filter(
                        (id) =>
                            inner.includes(id) ||
                            rules.some((r) => r.peer.kind === "group" && r.peer.groupId === id),
                    )
                    .map((groupId) => ({ kind: "group", groupId }) as const),
            ];
            if (rules.some((rule) => rule.peer.kind === "prefixList")) {
                peers.push({ kind: "prefixList", prefixListId: "pl-1", family: "ipv4" });
                peers.push({ kind: "prefixList", prefixListId: "pl-1", family: "ipv6" });
            }
            const packets: Packet[] = [];
            for (const protocol of PACKET_PROTOCOLS as readonly PacketProtocol[]) {
                const ports =
                    protocol === "tcp" || protocol === "udp" ? [...portEdges, 19, 23, 31, 1000] : [-1];
                for (const port of ports) {
                    for (const peer of peers) {
                        packets.push({ protocol, port, peer });
                    }
                }
            }
            return packets;
        }

        it("on thousands of random rule sets", () => {
            fc.assert(
                fc.property(
                    fc.array(ruleArb, { maxLength: 8 }),
                    fc.subarray(groups),
                    fc.array(fc.bigInt({ min: 0n, max: 0xffffffffn }), { maxLength: 3 }),
                    (rules, inner, extra) => {
                        const evaluation = evaluateAccess(rules, { ...ingress, innerAccessGroups: inner });
                        for (const packet of samplePackets(rules, extra, inner)) {
                            assert.equal(
                                isAllowed(evaluation, packet),
                                reference(rules, inner, packet),
                                `packet ${JSON.stringify(packet, (_k, v) => (typeof v === "bigint" ? v.toString() : v))}`,
                            );
                        }
                    },
                ),
                { numRuns: 2000 },
            );
        });

        it("marks an accept shadowed exactly when no sampled packet is decided by it and drops decide them all", () => {
            fc.assert(
                fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 6 }), (rules) => {
                    const evaluation = evaluateAccess(rules, ingress);
                    rules.forEach((rule, index) => {
                        if (!evaluation.outcomes[index].shadowed) {
                            return;
                        }
                        // Removing a shadowed accept changes nothing.
                        const without = evaluateAccess(
                            rules.filter((_, i) => i !== index),
                            ingress,
                        );
                        for (const packet of samplePackets(rules, [])) {
                            assert.equal(isAllowed(without, packet), isAllowed(evaluation, packet));
                        }
                        assert.equal(rule.policy, "accept");
                    });
                }),
                { numRuns: 300 },
            );
        });
    });
});
