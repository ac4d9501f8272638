import {
    AddressRange,
    BroadnessLimits,
    cidrRange,
    IpFamily,
    isOpenInternet,
    minimumPrefix,
    parseCidr,
    Cidr,
} from "./cidr";
import { EVERY_PORT, hasPorts, NO_PORTS, PortRange, portRangeError, Protocol } from "./ports";
import { isValidPriority, PRIORITY_HIGHEST, PRIORITY_LOWEST } from "./limits";
import { Direction, evaluationOrder, NicType, peerCidr, SecurityRule } from "./rule";

/**
 * Effective access: what a set of security group rules really allows once Alibaba's evaluation is applied.
 *
 * Semantics (DESIGN §4): among the rules that match a packet the smallest priority number wins; at equal
 * priority a drop beats an accept; no match denies. An instance's groups are pooled (pass every rule of every
 * group), and `innerAccessPolicy: Accept` in any of its groups lets members of that group in on everything.
 *
 * The evaluation is interval arithmetic: the space protocol × port × peer is cut at every rule boundary into
 * cells, and each cell is decided by the first rule in evaluation order that covers it. Peers are
 * - addresses: IPv4 and IPv6 intervals (bigint);
 * - source security groups: opaque atoms, since their members' addresses are unknown. A drop on `0.0.0.0/0`
 *   covers them; a narrower CIDR drop cannot be assumed to;
 * - prefix lists: opaque, with contents of either family: one atom per family, covered by `0.0.0.0/0` or
 *   `::/0` respectively.
 */

/**
 * A packet's protocol: any but `all`, which only a rule can have. Not stripped from the published types: the
 * declarations of the gate's `explain` (engine/review) name it.
 */
export type PacketProtocol = Exclude<Protocol, "all">;
/**
 * Protocols a packet can have; a rule on `all` matches each of them.
 * @internal
 */
export const PACKET_PROTOCOLS: readonly PacketProtocol[] = ["tcp", "udp", "icmp", "icmpv6", "gre"];

/**
 * Where traffic of an allowed region comes from (ingress) or goes to (egress).
 * @internal
 */
export type PeerSpace =
    | { readonly kind: "addresses"; readonly family: IpFamily; readonly first: bigint; readonly last: bigint }
    | { readonly kind: "group"; readonly groupId: string; readonly ownerId?: string }
    | { readonly kind: "prefixList"; readonly prefixListId: string; readonly family: IpFamily };

/**
 * A part of the space that is allowed: one protocol, merged port intervals, one peer.
 * @internal
 */
export interface AllowedRegion {
    readonly protocol: PacketProtocol;
    /** Merged, ascending. `[{-1,-1}]` for protocols without ports. */
    readonly ports: readonly PortRange[];
    readonly peer: PeerSpace;
    /** Indexes (into the evaluated rule list) of the accepts that decide this region; empty for inner access. */
    readonly rules: readonly number[];
    /** True when members of a group with `innerAccessPolicy: Accept` get in regardless of rules. */
    readonly innerAccess: boolean;
}

/** What became of one input rule. */
interface RuleOutcome {
    /** False when the rule is not part of this evaluation (other direction or NIC type, or invalid). */
    readonly considered: boolean;
    /** True when the rule decides at least one cell: it has an effect. */
    readonly effective: boolean;
    /** Rules (indexes) that decide some of this rule's cells before it. */
    readonly overriddenBy: readonly number[];
    /** An accept that decides nothing because drops of equal or higher precedence decide all its cells. */
    readonly shadowed: boolean;
}

/** @internal */
export interface AccessEvaluation {
    /** The evaluated rules, as given: `outcomes` and regions' `rules` index into this list. */
    readonly rules: readonly SecurityRule<string>[];
    readonly direction: Direction;
    readonly nicType: NicType;
    readonly regions: readonly AllowedRegion[];
    /** One per input rule, same order. */
    readonly outcomes: readonly RuleOutcome[];
}

/** @internal */
export interface AccessQuery {
    readonly direction: Direction;
    /** Rules carry their effective NIC type (see `effectiveNicType`); in a VPC every rule is intranet. */
    readonly nicType: NicType;
    /**
     * Group ids (as rules' `peer.groupId` spell them) whose members get in on everything because the group
     * (one of the instance's groups) has `innerAccessPolicy: Accept`. Ingress only.
     */
    readonly innerAccessGroups?: readonly string[];
}

const FAMILY_SIZE: Record<IpFamily, bigint> = { ipv4: 1n << 32n, ipv6: 1n << 128n };

type Column =
    | { readonly kind: "addresses"; readonly family: IpFamily; readonly first: bigint; readonly last: bigint }
    | { readonly kind: "group"; readonly key: string; readonly groupId: string; readonly ownerId?: string }
    | {
          readonly kind: "prefixList";
          readonly key: string;
          readonly prefixListId: string;
          readonly family: IpFamily;
      };

/** A rule reduced to what matching needs. */
interface Box {
    readonly protocols: readonly PacketProtocol[];
    readonly ports: PortRange;
    readonly peer:
        | { readonly kind: "addresses"; readonly range: AddressRange; readonly any: boolean }
        | {
              readonly kind: "group";
              readonly key: string;
              readonly groupId: string;
              readonly ownerId?: string;
          }
        | { readonly kind: "prefixList"; readonly prefixListId: string };
    readonly policy: "accept" | "drop";
    readonly priority: number;
}

function groupKey(groupId: string, ownerId?: string): string {
    return ownerId === undefined ? `g:${groupId}` : `g:${ownerId}:${groupId}`;
}

/** The box a rule covers, or undefined when the API would reject the rule (so it never matches anything). */
function boxOf(rule: SecurityRule<string>): Box | undefined {
    if (!PACKET_PROTOCOLS.includes(rule.protocol as PacketProtocol) && rule.protocol !== "all") {
        return undefined;
    }
    if (portRangeError(rule.protocol, rule.ports) !== undefined) {
        return undefined;
    }
    if (!isValidPriority(rule.priority)) {
        return undefined;
    }
    if (rule.policy !== "accept" && rule.policy !== "drop") {
        return undefined;
    }
    const protocols = rule.protocol === "all" ? PACKET_PROTOCOLS : [rule.protocol as PacketProtocol];
    const ports = hasPorts(rule.protocol) ? rule.ports : EVERY_PORT;
    let peer: Box["peer"];
    switch (rule.peer.kind) {
        case "cidr":
        case "ipv6Cidr": {
            const cidr = parseCidr(rule.peer.cidr);
            if (!cidr || cidr.family !== (rule.peer.kind === "cidr" ? "ipv4" : "ipv6")) {
                return undefined;
            }
            peer = { kind: "addresses", range: cidrRange(cidr), any: cidr.prefix === 0 };
            break;
        }
        case "group":
            if (typeof rule.peer.groupId !== "string") {
                return undefined;
            }
            peer = {
                kind: "group",
                key: groupKey(rule.peer.groupId, rule.peer.ownerId),
                groupId: rule.peer.groupId,
                ...(rule.peer.ownerId === undefined ? {} : { ownerId: rule.peer.ownerId }),
            };
            break;
        case "prefixList":
            if (typeof rule.peer.prefixListId !== "string") {
                return undefined;
            }
            peer = { kind: "prefixList", prefixListId: rule.peer.prefixListId };
            break;
        default:
            return undefined;
    }
    return { protocols, ports, peer, policy: rule.policy, priority: rule.priority };
}

function boxCoversColumn(box: Box, column: Column): boolean {
    const peer = box.peer;
    switch (column.kind) {
        case "addresses":
            return (
                peer.kind === "addresses" &&
                peer.range.family === column.family &&
                peer.range.first <= column.first &&
                column.last <= peer.range.last
            );
        case "group":
            // Members' addresses are unknown: only an IPv4 any-address rule is sure to include them.
            return (
                (peer.kind === "group" && peer.key === column.key) ||
                (peer.kind === "addresses" && peer.any && peer.range.family === "ipv4")
            );
        case "prefixList":
            return (
                (peer.kind === "prefixList" && peer.prefixListId === column.prefixListId) ||
                (peer.kind === "addresses" && peer.any && peer.range.family === column.family)
            );
    }
}

/** The grid of cells for one protocol: port segments × peer columns. */
interface Grid {
    readonly portSegments: readonly PortRange[];
    readonly columns: readonly Column[];
}

/** `atoms` are every box of the evaluation: an atom named for one protocol exists for all of them. */
function buildGrid(protocol: PacketProtocol, boxes: readonly Box[], atoms: readonly Box[] = boxes): Grid {
    let portSegments: PortRange[];
    if (hasPorts(protocol)) {
        const cuts = new Set<number>([EVERY_PORT.from, EVERY_PORT.to + 1]);
        for (const box of boxes) {
            cuts.add(box.ports.from);
            cuts.add(box.ports.to + 1);
        }
        const sorted = [...cuts].sort((a, b) => a - b);
        portSegments = [];
        for (let i = 0; i + 1 < sorted.length; i++) {
            portSegments.push({ from: sorted[i], to: sorted[i + 1] - 1 });
        }
    } else {
        portSegments = [NO_PORTS];
    }
    const columns: Column[] = [];
    for (const family of ["ipv4", "ipv6"] as const) {
        const cuts = new Set<bigint>([0n, FAMILY_SIZE[family]]);
        for (const box of boxes) {
            if (box.peer.kind === "addresses" && box.peer.range.family === family) {
                cuts.add(box.peer.range.first);
                cuts.add(box.peer.range.last + 1n);
            }
        }
        const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        for (let i = 0; i + 1 < sorted.length; i++) {
            columns.push({ kind: "addresses", family, first: sorted[i], last: sorted[i + 1] - 1n });
        }
    }
    const seen = new Set<string>();
    for (const box of atoms) {
        if (box.peer.kind === "group" && !seen.has(box.peer.key)) {
            seen.add(box.peer.key);
            columns.push({
                kind: "group",
                key: box.peer.key,
                groupId: box.peer.groupId,
                ...(box.peer.ownerId === undefined ? {} : { ownerId: box.peer.ownerId }),
            });
        } else if (box.peer.kind === "prefixList" && !seen.has(`p:${box.peer.prefixListId}`)) {
            seen.add(`p:${box.peer.prefixListId}`);
            for (const family of ["ipv4", "ipv6"] as const) {
                columns.push({
                    kind: "prefixList",
                    key: `p:${box.peer.prefixListId}:${family}`,
                    prefixListId: box.peer.prefixListId,
                    family,
                });
            }
        }
    }
    return { portSegments, columns };
}

/** Indexes of the port segments and columns a box covers. */
function cellsOf(grid: Grid, box: Box): { segments: number[]; columns: number[] } {
    const segments: number[] = [];
    grid.portSegments.forEach((segment, index) => {
        if (segment === NO_PORTS || (box.ports.from <= segment.from && segment.to <= box.ports.to)) {
            segments.push(index);
        }
    });
    const columns: number[] = [];
    grid.columns.forEach((column, index) => {
        if (boxCoversColumn(box, column)) {
            columns.push(index);
        }
    });
    return { segments, columns };
}

/**
 * Evaluates rules for one direction and NIC type. Rules of the other direction or NIC type, and rules the API
 * would reject (bad ports, priority, CIDR), take no part (`outcomes[i].considered` is false). Group peers are
 * compared by `peer.groupId` (+ `ownerId`): callers joining a stack pass one spelling per group.
 * @internal
 */
export function evaluateAccess(rules: readonly SecurityRule<string>[], query: AccessQuery): AccessEvaluation {
    const inner = query.direction === "ingress" ? [...new Set(query.innerAccessGroups ?? [])] : [];
    const boxes: (Box | undefined)[] = rules.map((rule) =>
        rule.direction === query.direction && rule.nicType === query.nicType ? boxOf(rule) : undefined,
    );
    // Inner access precedes every rule: members get in "whatever the rules say".
    const virtual: Box[] = inner.map((groupId) => ({
        protocols: PACKET_PROTOCOLS,
        ports: EVERY_PORT,
        peer: { kind: "group", key: groupKey(groupId), groupId },
        policy: "accept",
        priority: PRIORITY_HIGHEST - 1,
    }));
    const all: { box: Box; index: number }[] = [
        ...virtual.map((box, i) => ({ box, index: rules.length + i })),
        ...boxes.flatMap((box, index) => (box ? [{ box, index }] : [])),
    ];
    const ordered = [...all].sort((a, b) => evaluationOrder(a.box, b.box) || a.index - b.index);

    const decided = new Array<boolean>(rules.length).fill(false);
    const overriders = rules.map(() => new Set<number>());
    const regions: AllowedRegion[] = [];

    for (const protocol of PACKET_PROTOCOLS) {
        const relevant = ordered.filter(({ box }) => box.protocols.includes(protocol));
        if (relevant.length === 0) {
            continue;
        }
        const grid = buildGrid(
            protocol,
            relevant.map(({ box }) => box),
            all.map(({ box }) => box),
        );
        const width = grid.columns.length;
        const decider = new Int32Array(grid.portSegments.length * width).fill(-1);
        for (const { box, index } of relevant) {
            const cells = cellsOf(grid, box);
            for (const segment of cells.segments) {
                for (const column of cells.columns) {
                    const cell = segment * width + column;
                    const current = decider[cell];
                    if (current === -1) {
                        decider[cell] = index;
                        if (index < rules.length) {
                            decided[index] = true;
                        }
                    } else if (index < rules.length) {
                        overriders[index].add(current);
                    }
                }
            }
        }
        regions.push(...collectRegions(protocol, grid, decider, rules.length, all));
    }

    const outcomes: RuleOutcome[] = rules.map((rule, index) => {
        const considered = boxes[index] !== undefined;
        const overriddenBy = [...overriders[index]].sort((a, b) => a - b);
        const shadowed =
            considered &&
            rule.policy === "accept" &&
            !decided[index] &&
            overriddenBy.every((other) => other < rules.length && rules[other].policy === "drop");
        return {
            considered,
            effective: decided[index],
            overriddenBy: overriddenBy.filter((i) => i < rules.length),
            shadowed,
        };
    });
    return { rules, direction: query.direction, nicType: query.nicType, regions, outcomes };
}

function collectRegions(
    protocol: PacketProtocol,
    grid: Grid,
    decider: Int32Array,
    ruleCount: number,
    all: readonly { box: Box; index: number }[],
): AllowedRegion[] {
    const policyOf = new Map<number, "accept" | "drop">(all.map(({ box, index }) => [index, box.policy]));
    const width = grid.columns.length;
    const perColumn: { column: Column; ports: PortRange[]; rules: Set<number>; inner: boolean }[] = [];
    grid.columns.forEach((column, c) => {
        const ports: PortRange[] = [];
        const deciders = new Set<number>();
        let inner = false;
        grid.portSegments.forEach((segment, s) => {
            const index = decider[s * width + c];
            if (index === -1 || policyOf.get(index) !== "accept") {
                return;
            }
            if (index >= ruleCount) {
                inner = true;
            } else {
                deciders.add(index);
            }
            const last = ports[ports.length - 1];
            if (last && last.to + 1 === segment.from) {
                ports[ports.length - 1] = { from: last.from, to: segment.to };
            } else {
                ports.push({ from: segment.from, to: segment.to });
            }
        });
        if (ports.length > 0) {
            perColumn.push({ column, ports, rules: deciders, inner });
        }
    });
    // Adjacent address columns with the same ports form one interval.
    const regions: AllowedRegion[] = [];
    for (const entry of perColumn) {
        const previous = regions[regions.length - 1];
        const column = entry.column;
        if (
            column.kind === "addresses" &&
            previous &&
            previous.peer.kind === "addresses" &&
            previous.peer.family === column.family &&
            previous.peer.last + 1n === column.first &&
            samePorts(previous.ports, entry.ports)
        ) {
            regions[regions.length - 1] = {
                ...previous,
                peer: { ...previous.peer, last: column.last },
                rules: [...new Set([...previous.rules, ...entry.rules])].sort((a, b) => a - b),
            };
            continue;
        }
        regions.push({
            protocol,
            ports: entry.ports,
            peer: peerOfColumn(column),
            rules: [...entry.rules].sort((a, b) => a - b),
            innerAccess: entry.inner,
        });
    }
    return regions;
}

function peerOfColumn(column: Column): PeerSpace {
    switch (column.kind) {
        case "addresses":
            return { kind: "addresses", family: column.family, first: column.first, last: column.last };
        case "group":
            return column.ownerId === undefined
                ? { kind: "group", groupId: column.groupId }
                : { kind: "group", groupId: column.groupId, ownerId: column.ownerId };
        case "prefixList":
            return { kind: "prefixList", prefixListId: column.prefixListId, family: column.family };
    }
}

function samePorts(a: readonly PortRange[], b: readonly PortRange[]): boolean {
    return a.length === b.length && a.every((range, i) => range.from === b[i].from && range.to === b[i].to);
}

/**
 * A packet for {@link isAllowed}: a protocol, a port (ignored for protocols without ports) and a peer.
 * @internal
 */
export interface Packet {
    readonly protocol: PacketProtocol;
    readonly port: number;
    readonly peer:
        | { readonly kind: "address"; readonly family: IpFamily; readonly address: bigint }
        | { readonly kind: "group"; readonly groupId: string; readonly ownerId?: string }
        | { readonly kind: "prefixList"; readonly prefixListId: string; readonly family: IpFamily };
}

/**
 * Whether an evaluation's regions allow a packet. A group or prefix-list packet is only meaningful for an atom
 * that some evaluated rule (or inner access) names: regions never list atoms no rule mentions, even when an
 * any-address accept would let their members in as addresses.
 * @internal
 */
export function isAllowed(evaluation: AccessEvaluation, packet: Packet): boolean {
    return evaluation.regions.some((region) => regionContains(region, packet));
}

function regionContains(region: AllowedRegion, packet: Packet): boolean {
    if (region.protocol !== packet.protocol) {
        return false;
    }
    if (
        hasPorts(packet.protocol) &&
        !region.ports.some((r) => r.from <= packet.port && packet.port <= r.to)
    ) {
        return false;
    }
    const peer = region.peer;
    const target = packet.peer;
    switch (target.kind) {
        case "address":
            return (
                peer.kind === "addresses" &&
                peer.family === target.family &&
                peer.first <= target.address &&
                target.address <= peer.last
            );
        case "group":
            return (
                peer.kind === "group" && peer.groupId === target.groupId && peer.ownerId === target.ownerId
            );
        case "prefixList":
            return (
                peer.kind === "prefixList" &&
                peer.prefixListId === target.prefixListId &&
                peer.family === target.family
            );
    }
}

/**
 * True when every packet `target` matches is also matched by at least one of `covers` (protocols, ports and
 * peers; priorities and policies are the caller's business). Group and prefix-list peers are covered as in
 * {@link evaluateAccess}. A rule the API would reject covers nothing and is covered trivially.
 * @internal
 */
export function ruleCoveredBy(
    target: SecurityRule<string>,
    covers: readonly SecurityRule<string>[],
): boolean {
    const targetBox = boxOf(target);
    if (!targetBox) {
        return true;
    }
    const coverBoxes = covers.map(boxOf).filter((box): box is Box => box !== undefined);
    for (const protocol of targetBox.protocols) {
        const relevant = coverBoxes.filter((box) => box.protocols.includes(protocol));
        const grid = buildGrid(protocol, [targetBox, ...relevant], [targetBox, ...coverBoxes]);
        const width = grid.columns.length;
        const covered = new Uint8Array(grid.portSegments.length * width);
        for (const box of relevant) {
            const cells = cellsOf(grid, box);
            for (const s of cells.segments) {
                for (const c of cells.columns) {
                    covered[s * width + c] = 1;
                }
            }
        }
        const cells = cellsOf(grid, targetBox);
        for (const s of cells.segments) {
            for (const c of cells.columns) {
                if (!covered[s * width + c]) {
                    return false;
                }
            }
        }
    }
    return true;
}

/**
 * One risky port reachable from the open Internet.
 * @internal
 */
export interface InternetExposure {
    readonly port: number;
    readonly protocol: "tcp" | "udp";
    readonly family: IpFamily;
    /** Indexes of the accepts that let the traffic in. */
    readonly rules: readonly number[];
}

/**
 * What the open Internet reaches over one protocol, family and port (see {@link openInternetAt}).
 * @internal
 */
export interface OpenInternetJudgement {
    /**
     * The accepts to blame: those whose own block is the open Internet, or, for a run stitched from narrow
     * blocks, every accept deciding it.
     */
    readonly rules: readonly number[];
    /** Every accept deciding some address of an open run, blamed or not. */
    readonly deciders: readonly number[];
}

const PRIVATE_RANGES_CACHE = new Map<IpFamily, readonly AddressRange[]>();

/** The private blocks of a family (RFC 1918, fc00::/7) as intervals. */
function privateRanges(family: IpFamily): readonly AddressRange[] {
    let cached = PRIVATE_RANGES_CACHE.get(family);
    if (!cached) {
        const blocks = family === "ipv4" ? ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"] : ["fc00::/7"];
        cached = blocks.map((text) => cidrRange(parseCidr(text) as Cidr));
        PRIVATE_RANGES_CACHE.set(family, cached);
    }
    return cached;
}

function publicAddressCount(first: bigint, last: bigint, family: IpFamily): bigint {
    let count = last - first + 1n;
    for (const block of privateRanges(family)) {
        const lo = block.first > first ? block.first : first;
        const hi = block.last < last ? block.last : last;
        if (lo <= hi) {
            count -= hi - lo + 1n;
        }
    }
    return count;
}

/** Whether a rule matches `port` of `protocol` (any port of a protocol without ports). */
function ruleMatchesPort(
    rule: SecurityRule<string> | undefined,
    protocol: PacketProtocol,
    port: number,
): boolean {
    if (!rule) {
        return false;
    }
    if (rule.protocol === "all") {
        return true;
    }
    return (
        rule.protocol === protocol &&
        (!hasPorts(protocol) || (rule.ports.from <= port && port <= rule.ports.to))
    );
}

/** True when the rule's own peer is the open Internet (any address, or a broad public block). */
function opensInternet(rule: SecurityRule<string> | undefined, limits: BroadnessLimits): boolean {
    const cidr = rule ? peerCidr(rule.peer) : undefined;
    return cidr !== undefined && isOpenInternet(cidr, limits);
}

type AddressRegion = AllowedRegion & { readonly peer: Extract<PeerSpace, { kind: "addresses" }> };

function addressRegions(
    evaluation: AccessEvaluation,
    protocol: PacketProtocol,
    family: IpFamily,
): AddressRegion[] {
    // Sorted by address once: judging runs then only filters by port, once per port or interval of ports.
    return evaluation.regions
        .filter(
            (region): region is AddressRegion =>
                region.protocol === protocol &&
                region.peer.kind === "addresses" &&
                region.peer.family === family,
        )
        .sort((a, b) => (a.peer.first < b.peer.first ? -1 : a.peer.first > b.peer.first ? 1 : 0));
}

/**
 * Whether the open Internet reaches `port` of `protocol` from `family` addresses (the port is ignored for
 * protocols without ports), and through which accepts; undefined when it does not. The open Internet is every
 * address of a family, or a contiguous allowed run holding more public addresses than one block of
 * `minIpv4Prefix`/`minIpv6Prefix` bits: the set version of `isOpenInternet`, judged per run, so a single office
 * address is not the open Internet, nor is private space, nor an office address beside a /16.
 * @internal
 */
export function openInternetAt(
    evaluation: AccessEvaluation,
    protocol: PacketProtocol,
    family: IpFamily,
    port: number,
    limits: BroadnessLimits = {},
): OpenInternetJudgement | undefined {
    return judgeRuns(
        addressRegions(evaluation, protocol, family),
        evaluation,
        protocol,
        family,
        port,
        limits,
    );
}

/** `regions` are one protocol's and family's, sorted by address ({@link addressRegions}). */
function judgeRuns(
    regions: readonly AddressRegion[],
    evaluation: AccessEvaluation,
    protocol: PacketProtocol,
    family: IpFamily,
    port: number,
    limits: BroadnessLimits,
): OpenInternetJudgement | undefined {
    const bits = family === "ipv4" ? 32n : 128n;
    const threshold =
        1n << (bits - BigInt(Math.max(0, Math.min(Number(bits), minimumPrefix(family, limits)))));
    const matching = regions
        .filter(
            (region) =>
                !hasPorts(protocol) || region.ports.some((range) => range.from <= port && port <= range.to),
        )
        .map((region) => ({
            peer: region.peer,
            // A merged region may hold accepts of other ports: credit only those matching this one.
            rules: region.rules.filter((index) => ruleMatchesPort(evaluation.rules[index], protocol, port)),
        }));
    // Touching intervals coalesce into contiguous runs, each judged alone.
    const blamed = new Set<number>();
    const deciders = new Set<number>();
    let run: { first: bigint; last: bigint; rules: number[] } | undefined;
    const judge = () => {
        if (!run) {
            return;
        }
        const everything = run.first === 0n && run.last === FAMILY_SIZE[family] - 1n;
        if (everything || publicAddressCount(run.first, run.last, family) > threshold) {
            // Blame the accepts whose own block is the open Internet: an office block decided inside the run at a
            // stronger priority does not expose it, and removing it would change nothing. Only a run stitched from
            // blocks that are each narrow blames them all.
            const broad = run.rules.filter((index) => opensInternet(evaluation.rules[index], limits));
            (broad.length > 0 ? broad : run.rules).forEach((index) => blamed.add(index));
            run.rules.forEach((index) => deciders.add(index));
        }
    };
    for (const { peer, rules } of matching) {
        if (run && peer.first <= run.last + 1n) {
            run.last = peer.last > run.last ? peer.last : run.last;
            run.rules.push(...rules);
        } else {
            judge();
            run = { first: peer.first, last: peer.last, rules: [...rules] };
        }
    }
    judge();
    if (deciders.size === 0 && blamed.size === 0) {
        return undefined;
    }
    const sorted = (set: Set<number>) => [...set].sort((a, b) => a - b);
    return { rules: sorted(blamed), deciders: sorted(deciders) };
}

/**
 * Ports of `ports` that the evaluation lets in from the open Internet over tcp or udp (see
 * {@link openInternetAt}), with the accepts to blame.
 * @internal
 */
export function internetExposures(
    evaluation: AccessEvaluation,
    ports: readonly number[],
    limits: BroadnessLimits = {},
): InternetExposure[] {
    const exposures: InternetExposure[] = [];
    const wanted = [...new Set(ports)].filter((port) => Number.isInteger(port)).sort((a, b) => a - b);
    for (const protocol of ["tcp", "udp"] as const) {
        for (const family of ["ipv4", "ipv6"] as const) {
            const regions = addressRegions(evaluation, protocol, family);
            if (regions.length === 0) {
                continue;
            }
            for (const port of wanted) {
                const open = judgeRuns(regions, evaluation, protocol, family, port, limits);
                if (open && open.rules.length > 0) {
                    exposures.push({ port, protocol, family, rules: open.rules });
                }
            }
        }
    }
    return exposures;
}

/**
 * Access from the open Internet over one protocol and family, on one interval of ports.
 * @internal
 */
export interface OpenInternetAccess {
    readonly protocol: PacketProtocol;
    readonly family: IpFamily;
    /** An interval on which the judgement is the same at every port; `-1/-1` for protocols without ports. */
    readonly ports: PortRange;
    /** The accepts to blame, as {@link openInternetAt} names them. */
    readonly rules: readonly number[];
}

/**
 * Everything the open Internet reaches, on every protocol and port: {@link openInternetAt} judged once per
 * interval of ports on which nothing changes (cut at every region's and every deciding accept's bounds).
 * @internal
 */
export function openInternetAccess(
    evaluation: AccessEvaluation,
    limits: BroadnessLimits = {},
): OpenInternetAccess[] {
    const found: OpenInternetAccess[] = [];
    for (const protocol of PACKET_PROTOCOLS) {
        for (const family of ["ipv4", "ipv6"] as const) {
            const regions = addressRegions(evaluation, protocol, family);
            if (regions.length === 0) {
                continue;
            }
            let segments: PortRange[] = [NO_PORTS];
            if (hasPorts(protocol)) {
                const cuts = new Set<number>([EVERY_PORT.from, EVERY_PORT.to + 1]);
                for (const region of regions) {
                    for (const range of region.ports) {
                        cuts.add(range.from);
                        cuts.add(range.to + 1);
                    }
                    for (const index of region.rules) {
                        const rule = evaluation.rules[index];
                        if (rule.protocol === protocol) {
                            cuts.add(rule.ports.from);
                            cuts.add(rule.ports.to + 1);
                        }
                    }
                }
                const sorted = [...cuts].sort((a, b) => a - b);
                segments = sorted.slice(0, -1).map((from, i) => ({ from, to: sorted[i + 1] - 1 }));
            }
            for (const ports of segments) {
                const open = judgeRuns(regions, evaluation, protocol, family, ports.from, limits);
                if (open && open.rules.length > 0) {
                    found.push({ protocol, family, ports, rules: open.rules });
                }
            }
        }
    }
    return found;
}

/**
 * Everything one peer is allowed, for display: protocol `all` when every port of every protocol is.
 * @internal
 */
export interface PeerAccess {
    readonly peer: PeerSpace;
    readonly access: readonly { readonly protocol: Protocol; readonly ports: readonly PortRange[] }[];
    readonly innerAccess: boolean;
}

function peerKey(peer: PeerSpace): string {
    switch (peer.kind) {
        case "addresses":
            return `a:${peer.family}:${peer.first}:${peer.last}`;
        case "group":
            return groupKey(peer.groupId, peer.ownerId);
        case "prefixList":
            return `p:${peer.prefixListId}:${peer.family}`;
    }
}

/**
 * Groups an evaluation's regions by peer, in first-seen order (the graph's edges).
 * @internal
 */
export function accessByPeer(evaluation: AccessEvaluation): PeerAccess[] {
    const byPeer = new Map<string, { peer: PeerSpace; regions: AllowedRegion[] }>();
    for (const region of evaluation.regions) {
        const key = peerKey(region.peer);
        const entry = byPeer.get(key) ?? { peer: region.peer, regions: [] };
        entry.regions.push(region);
        byPeer.set(key, entry);
    }
    return [...byPeer.values()].map(({ peer, regions }) => {
        const everything = PACKET_PROTOCOLS.every((protocol) =>
            regions.some(
                (region) =>
                    region.protocol === protocol &&
                    (!hasPorts(protocol) ||
                        (region.ports.length === 1 &&
                            region.ports[0].from === EVERY_PORT.from &&
                            region.ports[0].to === EVERY_PORT.to)),
            ),
        );
        const access = everything
            ? [{ protocol: "all" as Protocol, ports: [NO_PORTS] }]
            : regions.map((region) => ({ protocol: region.protocol as Protocol, ports: region.ports }));
        return { peer, access, innerAccess: regions.some((region) => region.innerAccess) };
    });
}

/**
 * The rules that match one packet from one part of the peer space (see {@link matchPacket}).
 * @internal
 */
export interface PacketMatch {
    /** Peers on which the same rules match: an address interval, a source group or one family of a prefix list. */
    readonly peer: PeerSpace;
    /** Indexes of the matching rules, in evaluation order: the first one decides. */
    readonly rules: readonly number[];
    /**
     * True when the peer is a group among the query's `innerAccessGroups`: inner access decides before any
     * rule, whatever `rules` holds.
     */
    readonly innerAccess: boolean;
}

/**
 * Every rule that matches a packet of `protocol` to `port` (ignored for protocols without ports), split by peer:
 * address intervals cut at every matching rule's block (the whole address space of both families, so that "no
 * rule matches" is seen too), and each source group or prefix list a matching rule names. With `peer`, only the
 * parts inside it (an address interval; a group or prefix list, which then has a part of its own even when no
 * rule names it). Matching and order are {@link evaluateAccess}'s: a group or prefix list is matched by rules
 * naming it and by any-address blocks of its family only, rules the API would reject match nothing.
 * @internal
 */
export function matchPacket(
    rules: readonly SecurityRule<string>[],
    query: AccessQuery,
    protocol: PacketProtocol,
    port: number,
    peer?: PeerSpace,
): PacketMatch[] {
    const inner = query.direction === "ingress" ? [...new Set(query.innerAccessGroups ?? [])] : [];
    const matching = rules.flatMap((rule, index) => {
        const box =
            rule.direction === query.direction && rule.nicType === query.nicType ? boxOf(rule) : undefined;
        const matches =
            box !== undefined &&
            box.protocols.includes(protocol) &&
            (!hasPorts(protocol) || (box.ports.from <= port && port <= box.ports.to));
        return matches ? [{ box: box as Box, index }] : [];
    });
    const ordered = matching.sort((a, b) => evaluationOrder(a.box, b.box) || a.index - b.index);
    const boxes = ordered.map(({ box }) => box);
    let asked: Box | undefined;
    if (peer !== undefined) {
        const shape = {
            protocols: [protocol],
            ports: EVERY_PORT,
            policy: "drop",
            priority: PRIORITY_LOWEST,
        } as const;
        switch (peer.kind) {
            case "addresses":
                asked = {
                    ...shape,
                    peer: {
                        kind: "addresses",
                        range: { family: peer.family, first: peer.first, last: peer.last },
                        any: peer.first === 0n && peer.last === FAMILY_SIZE[peer.family] - 1n,
                    },
                };
                break;
            case "group":
                asked = {
                    ...shape,
                    peer: {
                        kind: "group",
                        key: groupKey(peer.groupId, peer.ownerId),
                        groupId: peer.groupId,
                        ...(peer.ownerId === undefined ? {} : { ownerId: peer.ownerId }),
                    },
                };
                break;
            case "prefixList":
                asked = { ...shape, peer: { kind: "prefixList", prefixListId: peer.prefixListId } };
                break;
        }
    }
    const innerKeys = new Set(inner.map((groupId) => groupKey(groupId)));
    const innerAtoms: Box[] = inner.map((groupId) => ({
        protocols: PACKET_PROTOCOLS,
        ports: EVERY_PORT,
        peer: { kind: "group", key: groupKey(groupId), groupId },
        policy: "accept",
        priority: PRIORITY_HIGHEST - 1,
    }));
    const cuts = asked ? [...boxes, asked] : boxes;
    // Without a peer asked for, the groups with inner access are listed too: inner access decides for them.
    const atoms = asked ? [...boxes, asked] : [...boxes, ...innerAtoms];
    const grid = buildGrid(protocol, cuts, atoms);
    const inside = (column: Column): boolean => {
        if (!asked) {
            return true;
        }
        const wanted = asked.peer;
        switch (column.kind) {
            case "addresses":
                return (
                    wanted.kind === "addresses" &&
                    wanted.range.family === column.family &&
                    wanted.range.first <= column.first &&
                    column.last <= wanted.range.last
                );
            case "group":
                return wanted.kind === "group" && wanted.key === column.key;
            case "prefixList":
                return wanted.kind === "prefixList" && wanted.prefixListId === column.prefixListId;
        }
    };
    const found: PacketMatch[] = [];
    for (const column of grid.columns) {
        if (!inside(column)) {
            continue;
        }
        const matched = ordered.filter(({ box }) => boxCoversColumn(box, column)).map(({ index }) => index);
        const innerAccess =
            column.kind === "group" && column.ownerId === undefined && innerKeys.has(column.key);
        const previous = found[found.length - 1];
        if (
            column.kind === "addresses" &&
            previous?.peer.kind === "addresses" &&
            previous.peer.family === column.family &&
            previous.peer.last + 1n === column.first &&
            previous.rules.length === matched.length &&
            previous.rules.every((index, i) => index === matched[i])
        ) {
            found[found.length - 1] = { ...previous, peer: { ...previous.peer, last: column.last } };
            continue;
        }
        found.push({ peer: peerOfColumn(column), rules: matched, innerAccess });
    }
    return found;
}

/**
 * False for a rule the API would reject (bad ports, priority, CIDR, protocol or policy): it matches nothing.
 * @internal
 */
export function isEvaluable(rule: SecurityRule<string>): boolean {
    return boxOf(rule) !== undefined;
}
