import * as assert from "node:assert/strict";
import fc from "fast-check";
import { judgeExposure, type ScopeExposure } from "../../core/exposure";
import { joinStack } from "../../core/stack";
import {
    DOMAINS,
    type FieldValue,
    groupName,
    memberName,
    OUTSIDE,
    resources,
    RISKY,
    type RuleSpec,
    stackArbitrary,
    type StackSpec,
    UNKNOWN_MARK,
    V4,
    V6,
} from "./exposureStacks";

/**
 * DESIGN §5 "Sound under uncertainty", checked against brute force. Random small stacks mix known rules, rules
 * with unknown fields, rules the API refuses, prefix lists, groups outside the stack (joined, or written to) and
 * rules written to groups not known yet. A reference written here, sharing no code with core, enumerates every
 * possibility and evaluates each packet class directly. The contract, per scope (a member's pooled groups, a
 * group nothing joins, an outside group nothing joins, the groups not known yet) and risky port:
 *
 * - **reported** (mandatory or advisory) iff some possibility exposes it: unknown fields take any value (one the
 *   API refuses removes the rule), groups outside the stack that a member joins hold any further rules, prefix
 *   lists any entries, a group whose network is not seen is VPC or classic, rules written to groups not known
 *   yet share groups or not;
 * - **mandatory** iff the known rules expose it in every network the scope may be in, with nothing unknown or
 *   unseen present (no unknown rule, no unseen rule, empty prefix lists, each rule on a group not known yet
 *   alone), where an accept the API refuses only in some network still counts (refused, the deployment fails)
 *   and a drop counts only where it certainly exists;
 * - hence when nothing known opens anything, nothing is mandatory.
 */

// ---------------------------------------------------------------------------------------------------------
// The reference: every packet class decided by brute force, every possibility enumerated.

interface Interval {
    readonly first: bigint;
    readonly last: bigint;
}
type Family = "v4" | "v6";

function parseBlock(text: string): { family: Family; range: Interval } | undefined {
    const [address, bits] = text.split("/");
    if (bits === undefined || !/^\d+$/.test(bits)) {
        return undefined;
    }
    if (/^\d+\.\d+\.\d+\.\d+$/.test(address)) {
        const value = address.split(".").reduce((sum, part) => sum * 256n + BigInt(part), 0n);
        const size = 1n << BigInt(32 - Number(bits));
        return { family: "v4", range: { first: value, last: value + size - 1n } };
    }
    if (address.includes(":")) {
        const [head, tail = ""] = address.split("::");
        const groups = [...head.split(":").filter(Boolean), ...Array(8).fill("0")].slice(0, 8);
        const tailGroups = tail.split(":").filter(Boolean);
        const all = [...groups.slice(0, 8 - tailGroups.length), ...tailGroups];
        const value = all.reduce((sum, part) => sum * 65536n + BigInt(parseInt(part, 16)), 0n);
        const size = 1n << BigInt(128 - Number(bits));
        return { family: "v6", range: { first: value, last: value + size - 1n } };
    }
    return undefined;
}

const FAMILY_END: Record<Family, bigint> = { v4: (1n << 32n) - 1n, v6: (1n << 128n) - 1n };
const PRIVATE: Record<Family, Interval[]> = {
    v4: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"].map(
        (b) => (parseBlock(b) as { range: Interval }).range,
    ),
    v6: [(parseBlock("fc00::/7") as { range: Interval }).range],
};
/** More public addresses than one /16 (IPv4) or /48 (IPv6) make a run the open Internet. */
const THRESHOLD: Record<Family, bigint> = { v4: 1n << 16n, v6: 1n << 80n };

/** Packet classes: the intervals between every bound of every block the stacks can name. */
const ATOMS: Record<Family, Interval[]> = (() => {
    const atoms: Record<Family, Interval[]> = { v4: [], v6: [] };
    for (const family of ["v4", "v6"] as const) {
        const cuts = new Set<bigint>([0n, FAMILY_END[family] + 1n]);
        for (const text of [...V4, ...V6, ...PRIVATE_TEXTS()]) {
            const block = parseBlock(text);
            if (block?.family === family) {
                cuts.add(block.range.first);
                cuts.add(block.range.last + 1n);
            }
        }
        const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (let i = 0; i + 1 < sorted.length; i++) {
            atoms[family].push({ first: sorted[i], last: sorted[i + 1] - 1n });
        }
    }
    return atoms;
})();
function PRIVATE_TEXTS(): string[] {
    return ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"];
}

function publicCount(run: Interval, family: Family): bigint {
    let count = run.last - run.first + 1n;
    for (const block of PRIVATE[family]) {
        const lo = block.first > run.first ? block.first : run.first;
        const hi = block.last < run.last ? block.last : run.last;
        if (lo <= hi) {
            count -= hi - lo + 1n;
        }
    }
    return count;
}

/** A rule as the API applies it, or undefined when the API refuses it. */
interface Concrete {
    readonly ingress: boolean;
    readonly protocol: string;
    readonly ports: readonly [number, number] | undefined;
    readonly accept: boolean;
    readonly priority: number;
    readonly nic: "intranet" | "internet";
    /** Address blocks matched; a source group matches no Internet address. */
    readonly blocks: readonly { family: Family; range: Interval }[];
}

interface Placed {
    readonly fields: Readonly<Record<string, FieldValue>>;
    /** The group's network. */
    readonly vpc: boolean;
    /** Entries of prefix lists, by id. */
    readonly prefixLists: Readonly<Record<string, readonly string[]>>;
    /** Keep an accept the API refuses only because its group, whose network is not seen, is in a VPC. */
    readonly keepNetworkRefused: boolean;
}

function concrete({ fields, vpc, prefixLists, keepNetworkRefused }: Placed): Concrete | undefined {
    const type = fields.type;
    const protocol = fields.ipProtocol;
    if ((type !== "ingress" && type !== "egress") || typeof protocol !== "string") {
        return undefined;
    }
    if (!["tcp", "udp", "icmp", "gre", "all", "icmpv6"].includes(protocol)) {
        return undefined;
    }
    const range = /^(-?\d+)\/(-?\d+)$/.exec(String(fields.portRange ?? "-1/-1"));
    if (!range) {
        return undefined;
    }
    const [from, to] = [Number(range[1]), Number(range[2])];
    const ported = protocol === "tcp" || protocol === "udp";
    if (ported ? !(from >= 1 && to <= 65535 && from <= to) : !(from === -1 && to === -1)) {
        return undefined;
    }
    const policy = fields.policy ?? "accept";
    if (policy !== "accept" && policy !== "drop") {
        return undefined;
    }
    const priority = fields.priority ?? 1;
    if (typeof priority !== "number" || priority < 1 || priority > 100) {
        return undefined;
    }
    const written = fields.nicType;
    if (written !== undefined && written !== "intranet" && written !== "internet") {
        return undefined;
    }
    const peers = ["cidrIp", "ipv6CidrIp", "prefixListId", "sourceSecurityGroupId"].filter(
        (f) => fields[f] !== undefined,
    );
    if (peers.length !== 1) {
        return undefined;
    }
    const byGroup = peers[0] === "sourceSecurityGroupId";
    if (written === "internet" && byGroup) {
        return undefined;
    }
    if (written === "internet" && vpc && !(keepNetworkRefused && policy === "accept")) {
        return undefined;
    }
    const nic = vpc ? "intranet" : (written ?? (byGroup ? "intranet" : "internet"));
    let blocks: { family: Family; range: Interval }[] = [];
    if (peers[0] === "cidrIp" || peers[0] === "ipv6CidrIp") {
        const block = parseBlock(String(fields[peers[0]]));
        if (!block || block.family !== (peers[0] === "cidrIp" ? "v4" : "v6")) {
            return undefined;
        }
        blocks = [block];
    } else if (peers[0] === "prefixListId") {
        blocks = (prefixLists[String(fields.prefixListId)] ?? []).map(
            (text) => parseBlock(text) as { family: Family; range: Interval },
        );
    }
    return {
        ingress: type === "ingress",
        protocol,
        ports: ported ? [from, to] : undefined,
        accept: policy === "accept",
        priority,
        nic,
        blocks,
    };
}

/** Whether the open Internet reaches a risky port through a pool of rules, in a network. */
function exposes(pool: readonly Concrete[], vpc: boolean, port: number): boolean {
    for (const nic of vpc ? ["intranet"] : ["intranet", "internet"]) {
        for (const protocol of ["tcp", "udp"]) {
            for (const family of ["v4", "v6"] as const) {
                const matching = pool
                    .filter(
                        (rule) =>
                            rule.ingress &&
                            rule.nic === nic &&
                            (rule.protocol === "all" || rule.protocol === protocol) &&
                            (rule.ports === undefined
                                ? rule.protocol === "all"
                                : rule.ports[0] <= port && port <= rule.ports[1]),
                    )
                    .sort((a, b) => a.priority - b.priority || Number(a.accept) - Number(b.accept));
                let run: Interval | undefined;
                const judge = (): boolean =>
                    run !== undefined &&
                    ((run.first === 0n && run.last === FAMILY_END[family]) ||
                        publicCount(run, family) > THRESHOLD[family]);
                for (const atom of ATOMS[family]) {
                    const decider = matching.find((rule) =>
                        rule.blocks.some(
                            (block) =>
                                block.family === family &&
                                block.range.first <= atom.first &&
                                atom.last <= block.range.last,
                        ),
                    );
                    if (decider?.accept) {
                        run = run ? { first: run.first, last: atom.last } : atom;
                    } else {
                        if (judge()) {
                            return true;
                        }
                        run = undefined;
                    }
                }
                if (judge()) {
                    return true;
                }
            }
        }
    }
    return false;
}

/** Every combination of the choices, one value per key. */
function* combinations<T>(choices: readonly (readonly T[])[]): Generator<T[]> {
    if (choices.length === 0) {
        yield [];
        return;
    }
    const [first, ...rest] = choices;
    for (const value of first) {
        for (const tail of combinations(rest)) {
            yield [value, ...tail];
        }
    }
}

/** Rules an unseen group may hold beyond what the stack shows (the strongest of each kind). */
const UNSEEN_CHOICES: readonly (Record<string, FieldValue> | undefined)[] = [
    undefined,
    ...["intranet", "internet"].flatMap((nicType) =>
        ["0.0.0.0/0", "::/0"].flatMap((block) =>
            ["accept", "drop"].map((policy) => ({
                type: "ingress",
                ipProtocol: "all",
                portRange: "-1/-1",
                policy,
                priority: 1,
                nicType,
                [block.includes(":") ? "ipv6CidrIp" : "cidrIp"]: block,
            })),
        ),
    ),
];

interface ReferenceScope {
    readonly key: string;
    /** Rules with their group's network: `undefined` when it is the scope's network, not seen. */
    readonly rules: readonly { spec: RuleSpec; vpc: boolean | undefined; group: string }[];
    /** Known network, or undefined when not seen. */
    readonly vpc: boolean | undefined;
    /** How many unseen groups a member joins whose further rules may be anything. */
    readonly unseen: number;
    /** Rules written to groups not known yet: they may share groups, each group alone. */
    readonly placement: boolean;
}

function referenceScopes(stack: StackSpec): ReferenceScope[] {
    const scopes: ReferenceScope[] = [];
    const joined = new Set<number>();
    let outsideJoined = false;
    const rulesOf = (group: number | "outside") =>
        stack.rules
            .filter((rule) => rule.group === group)
            .map((spec) => ({
                spec,
                vpc: typeof group === "number" ? stack.vpc[group] : undefined,
                group: String(group),
            }));
    stack.members.forEach((member, index) => {
        member.groups.forEach((g) => joined.add(g));
        outsideJoined ||= member.extra === "outside";
        const networks = member.groups.map((g) => stack.vpc[g]);
        const vpc = networks.length === 0 ? undefined : networks.every(Boolean);
        scopes.push({
            key: memberName(index),
            rules: [
                ...member.groups.flatMap((g) => rulesOf(g)),
                ...(member.extra === "outside" ? rulesOf("outside").map((r) => ({ ...r, vpc })) : []),
            ],
            vpc,
            unseen: member.extra === "none" ? 0 : 1,
            placement: false,
        });
    });
    stack.vpc.forEach((vpc, g) => {
        if (!joined.has(g)) {
            scopes.push({ key: groupName(g), rules: rulesOf(g), vpc, unseen: 0, placement: false });
        }
    });
    if (!outsideJoined && stack.rules.some((rule) => rule.group === "outside")) {
        scopes.push({ key: OUTSIDE, rules: rulesOf("outside"), vpc: undefined, unseen: 0, placement: false });
    }
    const unplaced = stack.rules.filter((rule) => rule.group === "unknown");
    if (unplaced.length > 0) {
        scopes.push({
            key: "?",
            rules: unplaced.map((spec, i) => ({ spec, vpc: undefined, group: `?${i}` })),
            vpc: undefined,
            unseen: 0,
            placement: true,
        });
    }
    return scopes;
}

interface Verdict {
    readonly mandatory: Set<string>;
    readonly reported: Set<string>;
}

function reference(stack: StackSpec): Verdict {
    const mandatory = new Set<string>();
    const reported = new Set<string>();
    for (const scope of referenceScopes(stack)) {
        const unknownSlots = scope.rules.flatMap((rule, r) =>
            Object.entries(rule.spec.fields)
                .filter(([, value]) => value === UNKNOWN_MARK)
                .map(([field]) => ({ r, field })),
        );
        const prefixIds = [
            ...new Set(
                scope.rules.flatMap((rule) =>
                    rule.spec.fields.prefixListId === undefined
                        ? []
                        : rule.spec.fields.prefixListId === UNKNOWN_MARK
                          ? DOMAINS.prefixListId.map(String)
                          : [String(rule.spec.fields.prefixListId)],
                ),
            ),
        ];
        const networks = scope.vpc === undefined ? [true, false] : [scope.vpc];
        // Rules on groups not known yet: each on group A or B, each group in its own network.
        const labels = scope.placement ? scope.rules.map(() => ["A", "B"]) : [];
        for (const port of RISKY) {
            const id = `${scope.key} ${port}`;
            // Mandatory: the known rules alone, in every network.
            const known = scope.rules.filter(
                (rule) => !Object.values(rule.spec.fields).includes(UNKNOWN_MARK),
            );
            const definite = networks.every((vpc) => {
                const place = (rule: (typeof known)[number]) =>
                    concrete({
                        fields: rule.spec.fields,
                        vpc: rule.vpc ?? vpc,
                        prefixLists: {},
                        keepNetworkRefused: rule.vpc === undefined,
                    });
                if (scope.placement) {
                    return known.some((rule) => {
                        const c = place(rule);
                        return c !== undefined && c.accept && exposes([c], vpc, port);
                    });
                }
                return exposes(
                    known.flatMap((rule) => place(rule) ?? []),
                    vpc,
                    port,
                );
            });
            if (definite) {
                mandatory.add(id);
                reported.add(id);
                continue;
            }
            // Reported: some possibility exposes.
            const found = (() => {
                for (const values of combinations(unknownSlots.map((slot) => DOMAINS[slot.field]))) {
                    const fields = scope.rules.map((rule) => ({ ...rule.spec.fields }));
                    unknownSlots.forEach((slot, i) => (fields[slot.r][slot.field] = values[i]));
                    for (const contents of combinations(
                        prefixIds.map(() => [[], ["0.0.0.0/0", "::/0"]] as string[][]),
                    )) {
                        const prefixLists = Object.fromEntries(prefixIds.map((pl, i) => [pl, contents[i]]));
                        for (const placement of combinations(labels)) {
                            for (const unseen of combinations(
                                Array.from({ length: scope.unseen }, () => UNSEEN_CHOICES),
                            )) {
                                const groupNetworks = scope.placement ? [["A", "B"]] : [[""]];
                                for (const vpc of networks) {
                                    for (const netB of scope.placement ? [true, false] : [vpc]) {
                                        const netOf = (label: string) => (label === "B" ? netB : vpc);
                                        const place = (
                                            i: number,
                                            fieldsOf: Record<string, FieldValue>,
                                            label: string,
                                        ) =>
                                            concrete({
                                                fields: fieldsOf,
                                                vpc: scope.rules[i].vpc ?? netOf(label),
                                                prefixLists,
                                                keepNetworkRefused: false,
                                            });
                                        void groupNetworks;
                                        if (scope.placement) {
                                            for (const label of ["A", "B"]) {
                                                const pool = fields.flatMap((f, i) =>
                                                    placement[i] === label ? (place(i, f, label) ?? []) : [],
                                                );
                                                if (exposes(pool, netOf(label), port)) {
                                                    return true;
                                                }
                                            }
                                            continue;
                                        }
                                        const pool = [
                                            ...fields.flatMap((f, i) => place(i, f, "") ?? []),
                                            ...unseen.flatMap((f) =>
                                                f
                                                    ? (concrete({
                                                          fields: f,
                                                          vpc,
                                                          prefixLists,
                                                          keepNetworkRefused: false,
                                                      }) ?? [])
                                                    : [],
                                            ),
                                        ];
                                        if (exposes(pool, vpc, port)) {
                                            return true;
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
                return false;
            })();
            if (found) {
                reported.add(id);
            }
        }
    }
    return { mandatory, reported };
}

// ---------------------------------------------------------------------------------------------------------

/** What the gate's judgement says, in the reference's terms. */
function judged(stack: StackSpec): Verdict {
    const mandatory = new Set<string>();
    const reported = new Set<string>();
    const keys = (scope: ScopeExposure["scope"]): string[] => {
        switch (scope.kind) {
            case "members":
                return scope.attachments.map((attachment) => attachment.member.name);
            case "group":
                return [scope.group.name];
            case "outside":
                return [scope.group.id];
            case "unknown-group":
                return ["?"];
        }
    };
    for (const result of judgeExposure(joinStack(resources(stack)), { riskyPorts: RISKY })) {
        for (const key of keys(result.scope)) {
            for (const exposure of result.definite) {
                mandatory.add(`${key} ${exposure.port}`);
                reported.add(`${key} ${exposure.port}`);
            }
            for (const { port, causes } of result.possible) {
                assert.ok(causes.length > 0, "a possible exposure names what could open it");
                reported.add(`${key} ${port}`);
            }
        }
    }
    return { mandatory, reported };
}

const sorted = (set: Set<string>) => [...set].sort();

describe("core/exposure against a brute-force reference (DESIGN §5)", function () {
    this.timeout(600_000);

    const agrees = (stack: StackSpec) => {
        const expected = reference(stack);
        const actual = judged(stack);
        const context = JSON.stringify(stack);
        assert.deepEqual(sorted(actual.mandatory), sorted(expected.mandatory), `mandatory: ${context}`);
        assert.deepEqual(sorted(actual.reported), sorted(expected.reported), `reported: ${context}`);
    };

    it("reports a risky port iff some possibility exposes it, and as mandatory iff the known rules do", () => {
        fc.assert(fc.property(stackArbitrary(2), agrees), { numRuns: 1000 });
    });

    it("does so too where most rules are written to groups outside the stack, whose network is not seen", () => {
        fc.assert(fc.property(stackArbitrary(18), agrees), { numRuns: 600 });
    });

    it("finds nothing mandatory where nothing known opens anything", () => {
        fc.assert(
            fc.property(stackArbitrary(2), (stack) => {
                // Every accept turned unknown: only possibilities remain.
                const unknownAccepts: StackSpec = {
                    ...stack,
                    rules: stack.rules.map((rule) =>
                        rule.fields.policy === "drop"
                            ? rule
                            : { ...rule, fields: { ...rule.fields, policy: UNKNOWN_MARK } },
                    ),
                };
                assert.deepEqual(sorted(judged(unknownAccepts).mandatory), []);
            }),
            { numRuns: 200 },
        );
    });
});
