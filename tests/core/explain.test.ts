import * as assert from "node:assert/strict";
import fc from "fast-check";
import { parseCidr, type SecurityRule } from "../../core";
import { cidrRange, formatAddressRange } from "../../core/cidr";
import { evaluateAccess, isAllowed, matchPacket, type PeerSpace } from "../../core/effective";
import {
    attachmentScope,
    explainPacket,
    groupScope,
    type PacketQuestion,
    type ScopeExplanation,
    type Unsure,
} from "../../core/explain";
import { subtractPortRanges } from "../../core/ports";
import { joinStack, type StackModel, type StackResourceInput } from "../../core/stack";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
const urn = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;

/** A VPC group as a preview records it: its id unknown, members isolated unless said otherwise. */
function group(name: string, props: Record<string, unknown> = {}, id?: string): StackResourceInput {
    return {
        urn: urn(GROUP, name),
        type: GROUP,
        name,
        props: { vpcId: UNKNOWN, innerAccessPolicy: "Drop", ...props },
        ...(id === undefined ? {} : { id }),
    };
}

/** An ingress rule written to `groupName`, joined as in a preview: through its `securityGroupId` dependency. */
function rule(
    name: string,
    groupName: string,
    props: Record<string, unknown>,
    deps: Record<string, string[]> = {},
) {
    return {
        urn: urn(RULE, name),
        type: RULE,
        name,
        props: {
            type: "ingress",
            ipProtocol: "tcp",
            policy: "accept",
            priority: 1,
            nicType: "intranet",
            securityGroupId: UNKNOWN,
            ...props,
        },
        propertyDependencies: { securityGroupId: [urn(GROUP, groupName)], ...deps },
    } satisfies StackResourceInput;
}

/** An instance joining stack groups (through dependencies) and groups named by id. */
function instance(name: string, groups: readonly string[], ids: readonly string[] = []): StackResourceInput {
    return {
        urn: urn(INSTANCE, name),
        type: INSTANCE,
        name,
        props: { securityGroups: [...groups.map(() => UNKNOWN), ...ids] },
        propertyDependencies: { securityGroups: groups.map((g) => urn(GROUP, g)) },
    };
}

const fromAddress = (text: string): Extract<PeerSpace, { kind: "addresses" }> => {
    const range = cidrRange(parseCidr(text)!);
    return { kind: "addresses", family: range.family, first: range.first, last: range.last };
};

/** What a reader of the explanation sees, by name: peer, chain, decision, what could change it. */
function summary(model: StackModel, explanations: readonly ScopeExplanation[]) {
    const name = (groupId: string) => model.groupByUrn.get(groupId)?.name ?? groupId;
    const peerText = (peer: PeerSpace) =>
        peer.kind === "addresses"
            ? formatAddressRange(peer)
            : peer.kind === "group"
              ? `group ${name(peer.groupId)}`
              : `prefix list ${peer.prefixListId} ${peer.family}`;
    const unsure = (u: Unsure) => {
        switch (u.kind) {
            case "unknown-rule":
                return `unknown rule ${u.rule.name}: ${u.fields.join(", ")}`;
            case "outside-group":
                return `outside group ${u.id}`;
            case "unknown-groups":
                return `${u.count} unknown groups`;
            case "inner-access-unknown":
                return `inner access of ${u.group.name} unknown`;
            case "peer-addresses":
                return `peer addresses: ${u.rules.map((r) => r.name).join(", ")}`;
        }
    };
    return explanations.map((explanation) => ({
        nicType: explanation.nicType,
        peers: explanation.peers.map((peer) => ({
            peer: peerText(peer.peer),
            chain: peer.matching.map((r) => `${r.rule?.priority} ${r.rule?.policy} ${r.name}`),
            decision:
                peer.decision.kind === "rule"
                    ? `${peer.decision.rule.name}${peer.decision.tiedAccept ? ` over ${peer.decision.tiedAccept.name}` : ""}`
                    : peer.decision.kind === "inner-access"
                      ? `inner access of ${peer.decision.group.name}`
                      : "no rule matches",
            allowed: peer.allowed,
            unless: peer.unless.map(unsure),
        })),
        refused: explanation.refused.map((r) => r.name),
    }));
}

function explainMember(model: StackModel, member: string, packet: PacketQuestion) {
    const found = model.members.find((m) => m.name === member)!;
    return summary(model, explainPacket(attachmentScope(found.attachments[0]), packet));
}

describe("core/explain", () => {
    // The quarantine case: app-1 joins app (8080 from the web group at priority 10) and quarantine, whose drop of
    // 8080 at the same priority wins the tie.
    const quarantine = joinStack([
        group("web"),
        group("app"),
        group("quarantine"),
        rule(
            "app-allow-http-from-web",
            "app",
            { portRange: "8080/8080", sourceSecurityGroupId: UNKNOWN, priority: 10 },
            { sourceSecurityGroupId: [urn(GROUP, "web")] },
        ),
        rule("app-drop-baseline", "app", {
            ipProtocol: "all",
            portRange: "-1/-1",
            cidrIp: "0.0.0.0/0",
            policy: "drop",
            priority: 100,
        }),
        rule("quarantine-drop-app-port", "quarantine", {
            portRange: "8080/8080",
            cidrIp: "0.0.0.0/0",
            policy: "drop",
            priority: 10,
        }),
        instance("app-1", ["app", "quarantine"]),
    ]);

    it("pools a member's groups, and a drop wins over an accept of the same priority", () => {
        const webGroup = quarantine.groups[0].urn;
        assert.deepEqual(
            explainMember(quarantine, "app-1", {
                protocol: "tcp",
                port: 8080,
                peer: { kind: "group", groupId: webGroup },
            }),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "group web",
                            chain: [
                                "10 drop quarantine-drop-app-port",
                                "10 accept app-allow-http-from-web",
                                "100 drop app-drop-baseline",
                            ],
                            decision: "quarantine-drop-app-port over app-allow-http-from-web",
                            allowed: false,
                            unless: [],
                        },
                    ],
                    refused: [],
                },
            ],
        );
    });

    it("explains the group itself on its own pool: without the quarantine group the accept decides", () => {
        const [web, app] = quarantine.groups;
        assert.deepEqual(
            summary(
                quarantine,
                explainPacket(groupScope(app), {
                    protocol: "tcp",
                    port: 8080,
                    peer: { kind: "group", groupId: web.urn },
                }),
            ),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "group web",
                            chain: ["10 accept app-allow-http-from-web", "100 drop app-drop-baseline"],
                            decision: "app-allow-http-from-web",
                            allowed: true,
                            unless: [],
                        },
                    ],
                    refused: [],
                },
            ],
        );
    });

    it("lists every peer part without a peer asked for: what matches, and where nothing does", () => {
        // web-1 joins web (443 from anywhere at 10) and admin, which drops 443 from one block at 5.
        const model = joinStack([
            group("web"),
            group("admin"),
            rule("web-allow-https", "web", { portRange: "443/443", cidrIp: "0.0.0.0/0", priority: 10 }),
            rule("admin-drop-https-from-scanner", "admin", {
                portRange: "443/443",
                cidrIp: "203.0.113.0/24",
                policy: "drop",
                priority: 5,
            }),
            rule("admin-allow-ssh", "admin", { portRange: "22/22", cidrIp: "198.51.100.7/32", priority: 1 }),
            instance("web-1", ["web", "admin"]),
        ]);
        assert.deepEqual(explainMember(model, "web-1", { protocol: "tcp", port: 443 }), [
            {
                nicType: "intranet",
                peers: [
                    {
                        peer: "0.0.0.0-203.0.112.255",
                        chain: ["10 accept web-allow-https"],
                        decision: "web-allow-https",
                        allowed: true,
                        unless: [],
                    },
                    {
                        peer: "203.0.113.0/24",
                        chain: ["5 drop admin-drop-https-from-scanner", "10 accept web-allow-https"],
                        decision: "admin-drop-https-from-scanner",
                        allowed: false,
                        unless: [],
                    },
                    {
                        peer: "203.0.114.0-255.255.255.255",
                        chain: ["10 accept web-allow-https"],
                        decision: "web-allow-https",
                        allowed: true,
                        unless: [],
                    },
                    { peer: "::/0", chain: [], decision: "no rule matches", allowed: false, unless: [] },
                ],
                refused: [],
            },
        ]);
    });

    it("lets members of a group with inner access Accept in whatever the rules say", () => {
        const model = joinStack([
            group("cluster", { innerAccessPolicy: "Accept" }),
            rule("cluster-drop-etcd", "cluster", {
                portRange: "2379/2380",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 1,
            }),
            instance("node-1", ["cluster"]),
        ]);
        const cluster = model.groups[0].urn;
        assert.deepEqual(
            explainMember(model, "node-1", {
                protocol: "tcp",
                port: 2379,
                peer: { kind: "group", groupId: cluster },
            }),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "group cluster",
                            chain: ["1 drop cluster-drop-etcd"],
                            decision: "inner access of cluster",
                            allowed: true,
                            unless: [],
                        },
                    ],
                    refused: [],
                },
            ],
        );
        // Without a peer asked for, the members are listed as a peer of their own.
        assert.deepEqual(
            explainMember(model, "node-1", { protocol: "tcp", port: 2379 })[0].peers.map((peer) => [
                peer.peer,
                peer.decision,
            ]),
            [
                ["0.0.0.0/0", "cluster-drop-etcd"],
                ["::/0", "no rule matches"],
                ["group cluster", "inner access of cluster"],
            ],
        );
    });

    it("says what is not known or not seen that could decide otherwise, and never counts it", () => {
        // ops-1 joins ops (known by id) and a group outside the stack; SSH is allowed from an address not known yet.
        const model = joinStack([
            group("ops", {}, "sg-ops"),
            rule("ops-allow-ssh-from-nat", "ops", { portRange: "22/22", cidrIp: UNKNOWN, priority: 5 }),
            rule("ops-drop-ssh-from-office", "ops", {
                portRange: "22/22",
                cidrIp: "198.51.100.0/24",
                policy: "drop",
                priority: 50,
            }),
            rule("ops-drop-baseline", "ops", {
                ipProtocol: "all",
                portRange: "-1/-1",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 100,
            }),
            rule("ops-allow-rdp", "ops", { portRange: "3389/3389", cidrIp: UNKNOWN, priority: 1 }),
            {
                urn: urn(INSTANCE, "ops-1"),
                type: INSTANCE,
                name: "ops-1",
                props: { securityGroups: ["sg-ops", "sg-2zeshared00000001"] },
            },
        ]);
        assert.deepEqual(
            explainMember(model, "ops-1", { protocol: "tcp", port: 22, peer: fromAddress("198.51.100.9") }),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "198.51.100.9/32",
                            chain: ["50 drop ops-drop-ssh-from-office", "100 drop ops-drop-baseline"],
                            decision: "ops-drop-ssh-from-office",
                            allowed: false,
                            // The RDP rule cannot match port 22: its unknown address does not make it a candidate.
                            unless: [
                                "unknown rule ops-allow-ssh-from-nat: cidrIp",
                                "outside group sg-2zeshared00000001",
                            ],
                        },
                    ],
                    refused: [],
                },
            ],
        );
    });

    it("names groups a member joins that cannot be named yet, and an inner access policy not known yet", () => {
        const model = joinStack([
            group("batch", { innerAccessPolicy: UNKNOWN }),
            rule("batch-allow-queue", "batch", {
                portRange: "5672/5672",
                cidrIp: "10.0.0.0/16",
                priority: 1,
            }),
            {
                urn: urn(INSTANCE, "worker"),
                type: INSTANCE,
                name: "worker",
                // The second id comes from a shared network component's output: not a group this stack declares.
                props: { securityGroups: [UNKNOWN, UNKNOWN] },
                propertyDependencies: {
                    securityGroups: [urn(GROUP, "batch"), urn("acme:network:SharedNetwork", "shared")],
                },
            },
        ]);
        const batch = model.groups[0].urn;
        assert.deepEqual(
            explainMember(model, "worker", {
                protocol: "tcp",
                port: 5672,
                peer: { kind: "group", groupId: batch },
            }),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "group batch",
                            chain: [],
                            decision: "no rule matches",
                            allowed: false,
                            unless: [
                                "1 unknown groups",
                                "inner access of batch unknown",
                                "peer addresses: batch-allow-queue",
                            ],
                        },
                    ],
                    refused: [],
                },
            ],
        );
    });

    it("says unseen groups and rules could let a packet in only past a drop they can outrank", () => {
        // A database group that drops its port from everywhere at the highest priority, and a weaker drop of the
        // admin port; the member also joins a group by a literal id, and a rule whose priority is not known yet
        // accepts from everywhere.
        const model = joinStack([
            group("db"),
            rule("db-drop-postgres", "db", { portRange: "5432/5432", cidrIp: "0.0.0.0/0", policy: "drop" }),
            rule("db-drop-admin", "db", {
                portRange: "8008/8008",
                cidrIp: "0.0.0.0/0",
                policy: "drop",
                priority: 50,
            }),
            rule("db-allow-any", "db", { portRange: "1/65535", cidrIp: "0.0.0.0/0", priority: UNKNOWN }),
            instance("db-1", ["db"], ["sg-2zeshared00000001"]),
        ]);
        const from = fromAddress("203.0.113.7/32");
        const explained = (port: number) =>
            explainMember(model, "db-1", { protocol: "tcp", port, peer: from })[0].peers[0];
        assert.deepEqual(
            [explained(5432), explained(8008)].map((peer) => [peer.decision, peer.allowed, peer.unless]),
            [
                // Priority 1 and a drop: no accept of any group can come before it, nor win the tie.
                ["db-drop-postgres", false, []],
                [
                    "db-drop-admin",
                    false,
                    // The unknown entry (db.id) accounts for the one stack group the member depends on, so the
                    // literal id names a group outside the stack, whose rules are not seen.
                    ["unknown rule db-allow-any: priority", "outside group sg-2zeshared00000001"],
                ],
            ],
        );
    });

    it("lists rules the API would refuse as taking no part, and explains a classic group on both NICs", () => {
        const model = joinStack([
            group("legacy", { vpcId: undefined }),
            rule("legacy-allow-ssh", "legacy", {
                portRange: "22/22",
                cidrIp: "0.0.0.0/0",
                priority: 0,
                nicType: "internet",
            }),
            rule("legacy-allow-ssh-office", "legacy", {
                portRange: "22/22",
                cidrIp: "203.0.113.0/24",
                priority: 1,
                nicType: "internet",
            }),
        ]);
        assert.deepEqual(
            summary(
                model,
                explainPacket(groupScope(model.groups[0]), {
                    protocol: "tcp",
                    port: 22,
                    peer: fromAddress("203.0.113.9"),
                }),
            ),
            [
                {
                    nicType: "intranet",
                    peers: [
                        {
                            peer: "203.0.113.9/32",
                            chain: [],
                            decision: "no rule matches",
                            allowed: false,
                            unless: [],
                        },
                    ],
                    refused: [],
                },
                {
                    nicType: "internet",
                    peers: [
                        {
                            peer: "203.0.113.9/32",
                            chain: ["1 accept legacy-allow-ssh-office"],
                            decision: "legacy-allow-ssh-office",
                            allowed: true,
                            unless: [],
                        },
                    ],
                    refused: ["legacy-allow-ssh"],
                },
            ],
        );
    });

    describe("matchPacket agrees with the evaluation the policies use", () => {
        const blocks = [
            "0.0.0.0/0",
            "10.0.0.0/8",
            "10.1.0.0/16",
            "10.1.2.3/32",
            "203.0.113.0/24",
            "128.0.0.0/1",
        ];
        const ruleArb: fc.Arbitrary<SecurityRule> = fc
            .record({
                protocol: fc.constantFrom("tcp", "udp", "all", "icmp"),
                a: fc.constantFrom(1, 22, 80, 443, 65535),
                b: fc.constantFrom(1, 22, 80, 443, 65535),
                peer: fc.oneof(
                    fc.constantFrom(...blocks).map((cidr) => ({ kind: "cidr", cidr }) as const),
                    fc.constantFrom("sg-a", "sg-b").map((groupId) => ({ kind: "group", groupId }) as const),
                ),
                policy: fc.constantFrom("accept", "drop"),
                priority: fc.integer({ min: 1, max: 3 }),
            })
            .map((r) => ({
                direction: "ingress",
                protocol: r.protocol,
                ports:
                    r.protocol === "tcp" || r.protocol === "udp"
                        ? { from: Math.min(r.a, r.b), to: Math.max(r.a, r.b) }
                        : { from: -1, to: -1 },
                peer: r.peer,
                policy: r.policy,
                priority: r.priority,
                nicType: "intranet",
            }));
        const peerArb = fc.oneof(
            fc
                .constantFrom("10.1.2.3", "10.1.9.9", "203.0.113.5", "8.8.8.8", "200.1.1.1")
                .map((text) => ({ kind: "address" as const, text })),
            fc.constantFrom("sg-a", "sg-b").map((groupId) => ({ kind: "group" as const, groupId })),
        );

        it("decides every packet as isAllowed(evaluateAccess) does, on the first rule of an evaluation-ordered chain", () => {
            fc.assert(
                fc.property(
                    fc.array(ruleArb, { maxLength: 8 }),
                    fc.subarray(["sg-a"]),
                    fc.constantFrom("tcp", "udp", "icmp") as fc.Arbitrary<"tcp" | "udp" | "icmp">,
                    fc.constantFrom(22, 80, 443),
                    peerArb,
                    (rules, inner, protocol, port, peer) => {
                        const query = {
                            direction: "ingress",
                            nicType: "intranet",
                            innerAccessGroups: inner,
                        } as const;
                        const asked: PeerSpace =
                            peer.kind === "address"
                                ? fromAddress(peer.text)
                                : { kind: "group", groupId: peer.groupId };
                        const matches = matchPacket(rules, query, protocol, port, asked);
                        assert.equal(matches.length, 1);
                        const [match] = matches;
                        // The chain is in evaluation order: priority ascending, drop first at equal priority.
                        for (let i = 1; i < match.rules.length; i++) {
                            const [a, b] = [rules[match.rules[i - 1]], rules[match.rules[i]]];
                            assert.ok(
                                a.priority < b.priority ||
                                    (a.priority === b.priority &&
                                        (a.policy === "drop" || b.policy === "accept")),
                            );
                        }
                        const allowed =
                            match.innerAccess ||
                            (match.rules.length > 0 && rules[match.rules[0]].policy === "accept");
                        const packet =
                            peer.kind === "address"
                                ? {
                                      protocol,
                                      port,
                                      peer: {
                                          kind: "address" as const,
                                          family: "ipv4" as const,
                                          address: fromAddress(peer.text).first,
                                      },
                                  }
                                : { protocol, port, peer: { kind: "group" as const, groupId: peer.groupId } };
                        const named =
                            peer.kind === "address" ||
                            rules.some((r) => r.peer.kind === "group" && r.peer.groupId === peer.groupId) ||
                            inner.includes(peer.groupId as "sg-a");
                        // isAllowed speaks only for group atoms a rule or inner access names.
                        if (named) {
                            assert.equal(allowed, isAllowed(evaluateAccess(rules, query), packet));
                        }
                    },
                ),
                { numRuns: 400 },
            );
        });
    });

    it("subtracts port sets and names address intervals as people write them", () => {
        assert.deepEqual(
            subtractPortRanges(
                [{ from: 1, to: 65535 }],
                [
                    { from: 22, to: 22 },
                    { from: 80, to: 443 },
                ],
            ),
            [
                { from: 1, to: 21 },
                { from: 23, to: 79 },
                { from: 444, to: 65535 },
            ],
        );
        assert.deepEqual(subtractPortRanges([{ from: 80, to: 80 }], [{ from: 1, to: 65535 }]), []);
        assert.equal(formatAddressRange(cidrRange(parseCidr("10.1.0.0/16")!)), "10.1.0.0/16");
        assert.equal(formatAddressRange({ family: "ipv4", first: 0n, last: 0xffffffffn }), "0.0.0.0/0");
        assert.equal(
            formatAddressRange({ family: "ipv4", first: 0n, last: 0x0affffffn }),
            "0.0.0.0-10.255.255.255",
        );
        assert.equal(formatAddressRange(cidrRange(parseCidr("2001:db8::/32")!)), "2001:db8::/32");
    });
});
