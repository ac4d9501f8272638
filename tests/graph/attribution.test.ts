import * as assert from "node:assert/strict";
import fc from "fast-check";
import { attributeAccess, riskyPortsIn, summarizeAccess } from "../../core/attribution";
import { cidrRange, parseCidr, type Cidr } from "../../core/cidr";
import { isAllowed, type AccessEvaluation, type AllowedRegion, type Packet } from "../../core/effective";
import type { SecurityRule } from "../../core/rule";

const ingress = { direction: "ingress", nicType: "intranet" } as const;
const blocks = ["0.0.0.0/0", "10.0.0.0/8", "10.1.0.0/16", "10.1.2.3/32", "1.2.3.0/24", "128.0.0.0/1"];
/** IPv6 rules must never decide an IPv4 packet, even with an overlapping-looking number range. */
const ipv6Blocks = ["::/0", "::/96"];
const groups = ["sg-a", "sg-b"];
const portEdges = [1, 21, 22, 23, 80, 65535];

const ruleArb: fc.Arbitrary<SecurityRule> = fc
    .record({
        protocol: fc.constantFrom("tcp", "udp", "icmp", "all"),
        a: fc.constantFrom(...portEdges),
        b: fc.constantFrom(...portEdges),
        peer: fc.oneof(
            fc.constantFrom(...blocks).map((cidr) => ({ kind: "cidr", cidr }) as const),
            fc.constantFrom(...ipv6Blocks).map((cidr) => ({ kind: "ipv6Cidr", cidr }) as const),
            fc.constantFrom(...groups).map((groupId) => ({ kind: "group", groupId }) as const),
        ),
        policy: fc.constantFrom("accept", "drop"),
        priority: fc.integer({ min: 1, max: 3 }),
    })
    .map((r) => ({
        direction: "ingress",
        nicType: "intranet",
        protocol: r.protocol,
        ports:
            r.protocol === "tcp" || r.protocol === "udp"
                ? { from: Math.min(r.a, r.b), to: Math.max(r.a, r.b) }
                : { from: -1, to: -1 },
        peer: r.peer,
        policy: r.policy,
        priority: r.priority,
    }));

function matches(rule: SecurityRule, packet: Packet): boolean {
    if (rule.protocol !== "all" && rule.protocol !== packet.protocol) {
        return false;
    }
    if ((packet.protocol === "tcp" || packet.protocol === "udp") && rule.protocol !== "all") {
        if (packet.port < rule.ports.from || packet.port > rule.ports.to) {
            return false;
        }
    }
    const peer = packet.peer;
    if (rule.peer.kind === "group") {
        return peer.kind === "group" && peer.groupId === rule.peer.groupId;
    }
    if (rule.peer.kind !== "cidr" && rule.peer.kind !== "ipv6Cidr") {
        return false;
    }
    const range = cidrRange(parseCidr(rule.peer.cidr) as Cidr);
    if (range.family !== "ipv4") {
        return false;
    }
    if (peer.kind === "group") {
        // Members' addresses are unknown: only the IPv4 any-address block is sure to hold them.
        return range.first === 0n && range.last === 0xffffffffn;
    }
    return peer.kind === "address" && range.first <= peer.address && peer.address <= range.last;
}

/** Who decides a packet, by the rules' definition: inner access first, then priority, drop first, input order. */
function decider(
    rules: readonly SecurityRule[],
    inner: readonly string[],
    packet: Packet,
): number | string | undefined {
    if (packet.peer.kind === "group" && inner.includes(packet.peer.groupId)) {
        return packet.peer.groupId;
    }
    const order = rules
        .map((rule, index) => ({ rule, index }))
        .sort(
            (x, y) =>
                x.rule.priority - y.rule.priority ||
                (x.rule.policy === y.rule.policy ? 0 : x.rule.policy === "drop" ? -1 : 1) ||
                x.index - y.index,
        );
    return order.find(({ rule }) => matches(rule, packet))?.index;
}

/** Addresses at every block edge; groups only where a rule or inner access names them (see `isAllowed`). */
function packets(rules: readonly SecurityRule[], inner: readonly string[]): Packet[] {
    const addresses = new Set<bigint>([0n, 0xffffffffn]);
    for (const rule of rules) {
        if (rule.peer.kind === "cidr") {
            const range = cidrRange(parseCidr(rule.peer.cidr) as Cidr);
            for (const a of [range.first - 1n, range.first, range.last, range.last + 1n]) {
                if (a >= 0n && a <= 0xffffffffn) {
                    addresses.add(a);
                }
            }
        }
    }
    const peers: Packet["peer"][] = [
        ...[...addresses].map((address) => ({ kind: "address" as const, family: "ipv4" as const, address })),
        ...groups
            .filter(
                (id) =>
                    inner.includes(id) || rules.some((r) => r.peer.kind === "group" && r.peer.groupId === id),
            )
            .map((groupId) => ({ kind: "group" as const, groupId })),
    ];
    const result: Packet[] = [];
    for (const peer of peers) {
        for (const protocol of ["tcp", "udp"] as const) {
            for (const port of [...portEdges, 2, 79, 81]) {
                result.push({ protocol, port, peer });
            }
        }
        result.push({ protocol: "icmp", port: -1, peer });
    }
    return result;
}

const within = (evaluation: AccessEvaluation, regions: readonly AllowedRegion[], packet: Packet) =>
    isAllowed({ ...evaluation, regions }, packet);

describe("core/attribution", () => {
    it("attributes each allowed packet to the one accept (or inner access) that decides it", () => {
        fc.assert(
            fc.property(fc.array(ruleArb, { maxLength: 7 }), fc.subarray(groups), (rules, inner) => {
                const attributed = attributeAccess(rules, { ...ingress, innerAccessGroups: inner });
                for (const packet of packets(rules, inner)) {
                    const who = decider(rules, inner, packet);
                    const owners = [
                        ...attributed.byRule
                            .filter(({ regions }) => within(attributed.evaluation, regions, packet))
                            .map(({ rule }) => rule),
                        ...attributed.byInnerAccess
                            .filter(({ regions }) => within(attributed.evaluation, regions, packet))
                            .map(({ groupId }) => groupId),
                    ];
                    const label = `${JSON.stringify(packet, (_k, v) => (typeof v === "bigint" ? String(v) : v))} decided by ${who}`;
                    const decidedByAccept =
                        typeof who === "string" || (who !== undefined && rules[who].policy === "accept");
                    assert.equal(isAllowed(attributed.evaluation, packet), decidedByAccept, label);
                    // An accept is credited only with traffic from the peer it names (not a group via 0.0.0.0/0).
                    const namesPeer =
                        typeof who === "string" ||
                        (who !== undefined &&
                            (rules[who].peer.kind === "group") === (packet.peer.kind === "group"));
                    assert.deepEqual(owners, decidedByAccept && namesPeer ? [who] : [], label);
                }
                for (const { rule } of attributed.byRule) {
                    assert.equal(attributed.evaluation.outcomes[rule].effective, true);
                    assert.equal(rules[rule].policy, "accept");
                }
            }),
            { numRuns: 1500 },
        );
    });

    it("summarizes regions per protocol with merged ranges, and every port of every protocol as `all`", () => {
        const region = (protocol: AllowedRegion["protocol"], from: number, to: number) => ({
            protocol,
            ports: [{ from, to }],
        });
        assert.deepEqual(
            summarizeAccess([region("udp", 53, 53), region("tcp", 81, 90), region("tcp", 80, 80)]),
            [
                { protocol: "tcp", ports: [{ from: 80, to: 90 }] },
                { protocol: "udp", ports: [{ from: 53, to: 53 }] },
            ],
        );
        const everything = [
            region("tcp", 1, 65535),
            region("udp", 1, 65535),
            region("icmp", -1, -1),
            region("icmpv6", -1, -1),
            region("gre", -1, -1),
        ];
        assert.deepEqual(summarizeAccess(everything), [{ protocol: "all", ports: [{ from: -1, to: -1 }] }]);
        assert.equal(summarizeAccess(everything.slice(1)).length, 4);
    });

    it("finds the risky ports access includes", () => {
        assert.deepEqual(riskyPortsIn("tcp", [{ from: 20, to: 25 }], [3389, 22, 23]), [22, 23]);
        assert.deepEqual(riskyPortsIn("all", [{ from: -1, to: -1 }], [6379, 22]), [22, 6379]);
        assert.deepEqual(riskyPortsIn("icmp", [{ from: -1, to: -1 }], [22]), []);
    });
});
