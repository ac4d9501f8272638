import { BroadnessLimits, cidrsOverlap, IpFamily, parseCidr } from "./cidr";
import { AccessQuery, evaluateAccess, openInternetAccess, openInternetAt, PacketProtocol } from "./effective";
import { PRIORITY_HIGHEST } from "./limits";
import { EVERY_PORT, hasPorts, mergePortRanges, NO_PORTS, PortRange, Protocol } from "./ports";
import { isKnown, RuleReading, UNKNOWN, unreadRulesReason } from "./read";
import { effectiveNicType, NIC_TYPES, NicType, SecurityRule } from "./rule";
import { StackAttachment, StackGroup, StackModel, StackRule } from "./stack";
import { exceedsRuleLimits, isRejected } from "./validity";

/**
 * Exposure to the open Internet under uncertainty (DESIGN §5, "Sound under uncertainty").
 *
 * A preview does not see everything: values are unknown until resources exist, groups outside the stack keep
 * rules the stack does not hold, and a rule the API would refuse never exists. Each place where access is
 * judged (a *scope*) is therefore evaluated twice:
 *
 * - the **lower bound** holds the rules known to decide: every accept whose values are known and that the API
 *   may create, and every drop whose values are known and that is certain to exist. Anything else is assumed
 *   to drop nothing. What the open Internet reaches here is a *definite* exposure: only something unseen or
 *   unknown could still close it, and the judgement names what (`closers`).
 * - the **upper bound** adds, for every rule whose values are not known (or whose peer's contents are not seen),
 *   the most permissive accept it could turn out to be, and for a member that joins groups whose rules are not
 *   seen, an accept of everything from anywhere at priority 1. What the open Internet reaches here but not in
 *   the lower bound is *possible*: "can't tell yet", naming what could open it (`causes`).
 *
 * Adding accepts only adds access, so the lower bound is contained in the upper bound, and the upper bound
 * contains the access of every way the unknowns can turn out. When nothing known opens anything, the lower bound
 * is empty: no definite exposure.
 *
 * A scope of groups outside the stack alone may be in a VPC or in the classic network, which decides its rules'
 * NIC types and whether the API takes an `internet` rule: both are judged, and an exposure is definite only when
 * it holds in both. A prefix list's entries are not seen: the lower bound takes it empty, the upper bound full or
 * empty. Exactly which possibilities count is stated, and checked by brute force, in
 * `tests/core/exposureBounds.test.ts`.
 */

/**
 * Something whose rules or values the stack does not show.
 * @internal
 */
export type Uncertainty =
    | {
          readonly kind: "rule";
          readonly rule: StackRule;
          /** Why its effect is not known, as a clause that follows its name: `whose cidrIp is not known yet`. */
          readonly reason: string;
      }
    /** A group outside the stack: its rules are kept elsewhere. */
    | { readonly kind: "outside-group"; readonly id: string }
    /** Groups a member joins that cannot be named yet. */
    | { readonly kind: "unknown-groups"; readonly count: number }
    /** The group a rule is written to, which cannot be named yet. */
    | { readonly kind: "unknown-group" };

/** The rules of a group outside the stack that the stack writes (`securityGroupId` names it), and who joins it. */
interface OutsideGroup {
    readonly id: string;
    readonly rules: readonly StackRule[];
    readonly attachments: readonly StackAttachment[];
}

/**
 * A place where access is judged.
 * @internal
 */
export type ExposureScope =
    /** Member attachments that pool the same groups (DESIGN §4): one evaluation for all of them. */
    | {
          readonly kind: "members";
          readonly groups: readonly StackGroup[];
          readonly outside: readonly OutsideGroup[];
          /** Groups joined that cannot be named yet. */
          readonly unknownGroups: number;
          readonly attachments: readonly StackAttachment[];
      }
    /** A group of the stack that nothing in the stack joins, judged on its own. */
    | { readonly kind: "group"; readonly group: StackGroup }
    /** A group outside the stack that the stack writes rules to and nothing in the stack joins. */
    | { readonly kind: "outside"; readonly group: OutsideGroup }
    /** Rules written to groups that cannot be named yet. */
    | { readonly kind: "unknown-group"; readonly rules: readonly StackRule[] };

/**
 * A risky port the known rules open to the open Internet in a scope.
 * @internal
 */
export interface DefiniteExposure {
    /** The accept to blame. */
    readonly rule: StackRule;
    readonly protocol: "tcp" | "udp";
    readonly family: IpFamily;
    readonly port: number;
    /** What could still drop this traffic at the accept's priority or stronger: unseen groups, unknown rules. */
    readonly closers: readonly Uncertainty[];
    /** Drops that would close it but that the API refuses, so they close nothing. */
    readonly rejectedDrops: readonly StackRule[];
}

/** A risky port that the open Internet may reach in a scope, though no known rule opens it. */
interface PossibleExposure {
    readonly port: number;
    /** What could open it. Never empty. */
    readonly causes: readonly Uncertainty[];
}

/** @internal */
export interface ScopeExposure {
    readonly scope: ExposureScope;
    /** Everything the known rules open to the open Internet, on every protocol and port. */
    readonly open: readonly OpenExposure[];
    readonly definite: readonly DefiniteExposure[];
    /** Ports possible and not definite in this scope, ascending. */
    readonly possible: readonly PossibleExposure[];
}

/** @internal */
export interface ExposureSettings extends BroadnessLimits {
    readonly riskyPorts: readonly number[];
}

/** A known rule of a lower bound, with the stack rule it comes from. */
interface KnownRule {
    readonly rule: SecurityRule<string>;
    readonly stackRule: StackRule;
}

/** One evaluation of a lower bound: rules that decide, and the groups whose members get in on everything. */
interface LowerBound {
    readonly rules: readonly KnownRule[];
    readonly innerAccessGroups: readonly string[];
}

/** The groups outside the stack that the stack writes rules to or joins, by id. */
function outsideGroups(model: StackModel): OutsideGroup[] {
    const found = new Map<string, { id: string; rules: StackRule[]; attachments: StackAttachment[] }>();
    const entry = (id: string) => {
        let group = found.get(id);
        if (!group) {
            group = { id, rules: [], attachments: [] };
            found.set(id, group);
        }
        return group;
    };
    for (const rule of model.rules) {
        if (rule.group.kind === "external") {
            entry(rule.group.id).rules.push(rule);
        }
    }
    for (const member of model.members) {
        for (const attachment of member.attachments) {
            for (const ref of attachment.groups) {
                if (ref.kind === "external") {
                    entry(ref.id).attachments.push(attachment);
                }
            }
        }
    }
    return [...found.values()];
}

/**
 * Every scope of a stack: each distinct pool of member attachments, each stack group nothing joins, each outside
 * group the stack writes rules to that nothing joins, and the rules written to groups not known yet.
 * @internal
 */
export function exposureScopes(model: StackModel): ExposureScope[] {
    const outside = outsideGroups(model);
    const outsideById = new Map(outside.map((group) => [group.id, group]));
    const pools = new Map<
        string,
        {
            groups: StackGroup[];
            outside: OutsideGroup[];
            unknownGroups: number;
            attachments: StackAttachment[];
        }
    >();
    for (const member of model.members) {
        for (const attachment of member.attachments) {
            const groups = attachment.groups.flatMap((ref) => (ref.kind === "stack" ? [ref.group] : []));
            const foreign = attachment.groups.flatMap((ref) =>
                ref.kind === "external" ? [outsideById.get(ref.id) as OutsideGroup] : [],
            );
            if (groups.length === 0 && foreign.length === 0 && attachment.unknownCount === 0) {
                continue;
            }
            const key = JSON.stringify([
                groups.map((group) => group.urn).sort(),
                foreign.map((group) => group.id).sort(),
                attachment.unknownCount,
            ]);
            const pool = pools.get(key) ?? {
                groups,
                outside: foreign,
                unknownGroups: attachment.unknownCount,
                attachments: [],
            };
            pool.attachments.push(attachment);
            pools.set(key, pool);
        }
    }
    const scopes: ExposureScope[] = [...pools.values()].map((pool) => ({ kind: "members", ...pool }));
    for (const group of model.groups) {
        if (group.attachments.length === 0) {
            scopes.push({ kind: "group", group });
        }
    }
    for (const group of outside) {
        if (group.attachments.length === 0 && group.rules.length > 0) {
            scopes.push({ kind: "outside", group });
        }
    }
    const unplaced = model.rules.filter((rule) => rule.group.kind === "unknown");
    if (unplaced.length > 0) {
        scopes.push({ kind: "unknown-group", rules: unplaced });
    }
    return scopes;
}

/** A rule as the bounds see it. */
type Standing =
    /** Known values. `certain` is false for a drop that may not exist (the API may refuse it). */
    | {
          readonly kind: "known";
          readonly rule: SecurityRule<string>;
          readonly certain: boolean;
          readonly doubt?: string;
          /**
           * An accept the API refuses in the network assumed, and accepts in the other: it counts as open in the
           * lower bound (refused, the deployment fails) but does not exist in this network's upper bound.
           */
          readonly refusedHere?: boolean;
      }
    /** Refused by the API whatever the unknowns turn out to be: it does not exist. */
    | { readonly kind: "rejected" }
    /** Some value that decides matching is not known yet. */
    | { readonly kind: "unknown"; readonly fields: readonly string[] };

/** The fields of a rule whose values are not known yet, as the provider names them. */
function unknownFields(reading: RuleReading): string[] {
    // `raw` holds the fields in the order the provider declares them; the group a rule is written to is judged
    // apart (a scope of its own), and a description decides nothing.
    return Object.keys(reading.raw).filter(
        (field) => reading.raw[field] === UNKNOWN && field !== "securityGroupId" && field !== "description",
    );
}

/** Whether a rule is written to a group whose network (VPC or classic) the stack does not show. */
const networkUnseen = (stackRule: StackRule): boolean => stackRule.group.kind !== "stack";

/**
 * How a rule stands if its group is a VPC group (`vpc`) or not. Its NIC type is the one it has in that network
 * (in a VPC every rule is intranet). An accept the API may refuse still counts: refused, the deployment fails;
 * created, it is open. A drop counts only when it is certain to exist.
 */
function standingOf(stackRule: StackRule, vpc: boolean, networkSeen: boolean): Standing {
    if (isRejected(stackRule)) {
        return { kind: "rejected" };
    }
    const known = stackRule.rule;
    if (!known) {
        return { kind: "unknown", fields: unknownFields(stackRule.reading) };
    }
    const written = isKnown(stackRule.reading.nicType) ? stackRule.reading.nicType : undefined;
    if (networkUnseen(stackRule) && networkSeen && vpc && written === "internet") {
        // The group shares a VPC member's network: the API refuses an internet rule there.
        return { kind: "rejected" };
    }
    const rule = { ...known, nicType: effectiveNicType(written, vpc, known.peer.kind === "group") };
    if (rule.policy === "drop") {
        if (stackRule.group.kind === "stack" && exceedsRuleLimits(stackRule.group.group)) {
            return {
                kind: "known",
                rule,
                certain: false,
                doubt: `which the API may refuse, as ${stackRule.group.group.name} holds more rules than it takes`,
            };
        }
        if (networkUnseen(stackRule) && vpc && written === "internet") {
            return {
                kind: "known",
                rule,
                certain: false,
                doubt: "which the API refuses if its security group is in a VPC",
            };
        }
    }
    const refusedHere = networkUnseen(stackRule) && vpc && written === "internet";
    return refusedHere
        ? { kind: "known", rule, certain: true, refusedHere }
        : { kind: "known", rule, certain: true };
}

interface Entry {
    readonly stackRule: StackRule;
    readonly standing: Standing;
    /** Whether the rule's group is a VPC group, in the network assumed. */
    readonly vpc: boolean;
}

function scopeRules(scope: ExposureScope): readonly StackRule[] {
    switch (scope.kind) {
        case "members":
            return [
                ...scope.groups.flatMap((group) => group.rules),
                ...scope.outside.flatMap((group) => group.rules),
            ];
        case "group":
            return scope.group.rules;
        case "outside":
            return scope.group.rules;
        case "unknown-group":
            return scope.rules;
    }
}

/**
 * The networks a scope may be in (true: VPC). An ENI's groups share its network, so a pool with a group of the
 * stack is in that group's network; groups outside the stack alone may be in either.
 */
function scopeNetworks(scope: ExposureScope): readonly boolean[] {
    const groups = scope.kind === "members" ? scope.groups : scope.kind === "group" ? [scope.group] : [];
    return groups.length === 0 ? [true, false] : [groups.every((group) => group.reading.vpc)];
}

/** NIC types to judge: intranet only in a VPC, both in a classic network. */
function networkNicTypes(vpc: boolean): readonly NicType[] {
    return vpc ? ["intranet"] : NIC_TYPES;
}

function entriesOf(scope: ExposureScope, vpc: boolean): Entry[] {
    const seen = scopeNetworks(scope).length === 1;
    return scopeRules(scope).map((stackRule) => {
        const own = stackRule.group.kind === "stack" ? stackRule.group.group.reading.vpc : vpc;
        return { stackRule, standing: standingOf(stackRule, own, seen), vpc: own };
    });
}

/** Groups of the scope whose members reach each other whatever the rules say. */
function innerAccessGroups(scope: ExposureScope): string[] {
    const groups = scope.kind === "members" ? scope.groups : scope.kind === "group" ? [scope.group] : [];
    return groups.filter((group) => group.reading.innerAccept === true).map((group) => group.urn);
}

/**
 * One evaluation of a lower bound, in one network and for one NIC type.
 * @internal
 */
export interface NetworkLowerBound extends LowerBound {
    readonly vpc: boolean;
    readonly nicType: NicType;
}

function lowerBoundsOf(scope: ExposureScope, vpc: boolean, entries: readonly Entry[]): NetworkLowerBound[] {
    return networkNicTypes(vpc).flatMap((nicType) => {
        const known = entries.flatMap((entry) =>
            entry.standing.kind === "known" &&
            entry.standing.rule.nicType === nicType &&
            (entry.standing.rule.policy === "accept" || entry.standing.certain)
                ? [{ rule: entry.standing.rule, stackRule: entry.stackRule }]
                : [],
        );
        // Rules written to groups not known yet need not share a group: each accept is judged alone.
        return scope.kind === "unknown-group"
            ? known
                  .filter(({ rule }) => rule.policy === "accept")
                  .map((rule) => ({ vpc, nicType, rules: [rule], innerAccessGroups: [] }))
            : [{ vpc, nicType, rules: known, innerAccessGroups: innerAccessGroups(scope) }];
    });
}

/**
 * The lower bounds of a scope: one evaluation per network it may be in and NIC type, or, for rules written to
 * groups not known yet, one per accept.
 * @internal
 */
export function lowerBounds(scope: ExposureScope): NetworkLowerBound[] {
    return scopeNetworks(scope).flatMap((vpc) => lowerBoundsOf(scope, vpc, entriesOf(scope, vpc)));
}

const query = (nicType: NicType, inner: readonly string[]): AccessQuery => ({
    direction: "ingress",
    nicType,
    innerAccessGroups: inner,
});

const ANY_IPV4 = "0.0.0.0/0";
const ANY_IPV6 = "::/0";

/**
 * The most permissive ingress accepts a rule could turn out to be on `nicType`, as far as they reach addresses
 * (a source-group peer never stands for the open Internet). A prefix list's entries are not seen here: it may
 * hold any block. Empty when the rule cannot be an accept there.
 */
function possibleAccepts(entry: Entry, nicType: NicType, full: ReadonlySet<string>): SecurityRule<string>[] {
    const reading = entry.stackRule.reading;
    if (reading.direction === "egress" || reading.policy === "drop") {
        return [];
    }
    if (reading.nicType === "internet" && entry.vpc) {
        // Refused in a VPC, whatever else it turns out to be.
        return [];
    }
    if (isKnown(reading.nicType) || reading.nicType === undefined) {
        if (
            effectiveNicType(isKnown(reading.nicType) ? reading.nicType : undefined, entry.vpc, false) !==
            nicType
        ) {
            return [];
        }
    } else if (entry.vpc && nicType !== "intranet") {
        return [];
    }
    const peer = reading.peer;
    if (!peer || peer.field === "sourceSecurityGroupId") {
        return [];
    }
    const blocks =
        peer.field === "prefixListId"
            ? isKnown(peer.value) && !full.has(peer.value)
                ? []
                : [ANY_IPV4, ANY_IPV6]
            : [isKnown(peer.value) ? peer.value : peer.field === "cidrIp" ? ANY_IPV4 : ANY_IPV6];
    const traffic: { protocol: Protocol; ports: PortRange }[] = [];
    const ports = isKnown(reading.ports) ? reading.ports : undefined;
    if (isKnown(reading.protocol)) {
        traffic.push({
            protocol: reading.protocol,
            ports: ports ?? (hasPorts(reading.protocol) ? EVERY_PORT : NO_PORTS),
        });
    } else if (ports && !(ports.from === -1 && ports.to === -1)) {
        traffic.push({ protocol: "tcp", ports }, { protocol: "udp", ports });
    } else {
        traffic.push({ protocol: "all", ports: NO_PORTS });
    }
    const priority = isKnown(reading.priority) ? reading.priority : PRIORITY_HIGHEST;
    return blocks.flatMap((cidr) =>
        traffic.map(({ protocol, ports: range }) => ({
            direction: "ingress" as const,
            protocol,
            ports: range,
            peer: { kind: cidr.includes(":") ? ("ipv6Cidr" as const) : ("cidr" as const), cidr },
            policy: "accept" as const,
            priority: reading.raw.priority === undefined ? PRIORITY_HIGHEST : priority,
            nicType,
        })),
    );
}

function matchesTraffic(rule: SecurityRule<string>, protocol: "tcp" | "udp", port: number): boolean {
    return (
        rule.protocol === "all" ||
        (rule.protocol === protocol && rule.ports.from <= port && port <= rule.ports.to)
    );
}

function peerFamily(rule: SecurityRule<string>): IpFamily | undefined {
    return rule.peer.kind === "cidr" ? "ipv4" : rule.peer.kind === "ipv6Cidr" ? "ipv6" : undefined;
}

/** Whether two rules' address blocks can share an address (unparseable or non-address peers: no). */
function blocksOverlap(a: SecurityRule<string>, b: SecurityRule<string>): boolean {
    const x = a.peer.kind === "cidr" || a.peer.kind === "ipv6Cidr" ? parseCidr(a.peer.cidr) : undefined;
    const y = b.peer.kind === "cidr" || b.peer.kind === "ipv6Cidr" ? parseCidr(b.peer.cidr) : undefined;
    return x !== undefined && y !== undefined && cidrsOverlap(x, y);
}

/**
 * Whether a rule not known yet could turn out to be an ingress drop of `port` on `nicType` from addresses of
 * the accept's block, at the accept's priority or stronger.
 */
function couldDrop(
    entry: Entry,
    nicType: NicType,
    accept: SecurityRule<string>,
    protocol: "tcp" | "udp",
    port: number,
): boolean {
    const reading = entry.stackRule.reading;
    if (reading.direction === "egress" || reading.policy === "accept") {
        return false;
    }
    if (reading.policy === undefined && reading.raw.policy === undefined) {
        return false;
    }
    if (reading.nicType === "internet" && entry.vpc) {
        return false;
    }
    if (isKnown(reading.nicType) || reading.nicType === undefined) {
        const nic = effectiveNicType(
            isKnown(reading.nicType) ? reading.nicType : undefined,
            entry.vpc,
            false,
        );
        if (nic !== nicType) {
            return false;
        }
    }
    if (isKnown(reading.protocol) && reading.protocol !== "all" && reading.protocol !== protocol) {
        return false;
    }
    if (isKnown(reading.ports) && hasPorts(isKnown(reading.protocol) ? reading.protocol : protocol)) {
        const ports = reading.ports;
        if (!(ports.from === -1 && ports.to === -1) && !(ports.from <= port && port <= ports.to)) {
            return false;
        }
    }
    if (isKnown(reading.priority) && reading.priority > accept.priority) {
        return false;
    }
    const peer = reading.peer;
    if (!peer || peer.field === "sourceSecurityGroupId") {
        return false;
    }
    if (peer.field === "prefixListId" || !isKnown(peer.value)) {
        return peer.field === "prefixListId" || (peer.field === "cidrIp") === (peerFamily(accept) === "ipv4");
    }
    const block: SecurityRule<string> = {
        ...accept,
        peer: { kind: peer.field === "cidrIp" ? "cidr" : "ipv6Cidr", cidr: peer.value },
    };
    return blocksOverlap(block, accept);
}

/** Whether a known drop matches the accept's traffic from its addresses at its priority or stronger. */
function dropsAhead(
    drop: SecurityRule<string>,
    nicType: NicType,
    accept: SecurityRule<string>,
    protocol: "tcp" | "udp",
    port: number,
): boolean {
    return (
        drop.direction === "ingress" &&
        drop.policy === "drop" &&
        drop.nicType === nicType &&
        drop.priority <= accept.priority &&
        matchesTraffic(drop, protocol, port) &&
        (drop.peer.kind === "prefixList" || blocksOverlap(drop, accept))
    );
}

/** Why a rule's effect is not known: its unknown fields, or for the rule `audit` stands in, why it read none. */
function unknownReason(stackRule: StackRule, fields: readonly string[]): string {
    const unread = unreadRulesReason(stackRule.reading);
    if (unread !== undefined) {
        return `which were not read (${unread})`;
    }
    if (fields.length === 0) {
        return "whose values are not known yet";
    }
    const list =
        fields.length === 1
            ? fields[0]
            : `${fields.slice(0, -1).join(", ")} and ${fields[fields.length - 1]}`;
    return `whose ${list} ${fields.length === 1 ? "is" : "are"} not known yet`;
}

const prefixListReason = (rule: SecurityRule<string>): string =>
    `whose prefix list ${rule.peer.kind === "prefixList" ? rule.peer.prefixListId : ""} is not seen here`;

/** What the scope does not show whose rules could open or close anything: unseen groups. */
function unseenGroups(scope: ExposureScope): Uncertainty[] {
    switch (scope.kind) {
        case "members":
            return [
                ...scope.outside.map((group): Uncertainty => ({ kind: "outside-group", id: group.id })),
                ...(scope.unknownGroups > 0
                    ? [{ kind: "unknown-groups" as const, count: scope.unknownGroups }]
                    : []),
            ];
        case "outside":
            return [{ kind: "outside-group", id: scope.group.id }];
        case "unknown-group":
            return [{ kind: "unknown-group" }];
        case "group":
            return [];
    }
}

/** A rule of the upper bound and what it stands for: a known rule, or an uncertainty's possible accept. */
interface UpperRule {
    readonly rule: SecurityRule<string>;
    readonly causes: readonly Uncertainty[];
}

/**
 * Why a known rule may open what its scope's definite judgement does not: the group it is written to is not
 * known yet, or its network is not seen (the same rule opens, or is refused, depending on it).
 */
function placementCauses(scope: ExposureScope, stackRule: StackRule): Uncertainty[] {
    if (scope.kind === "unknown-group") {
        return [{ kind: "rule", rule: stackRule, reason: "whose security group is not known yet" }];
    }
    if (scopeNetworks(scope).length > 1 && stackRule.group.kind === "external") {
        return [
            {
                kind: "rule",
                rule: stackRule,
                reason: `whose security group ${stackRule.group.id}, outside this stack, may or may not be in a VPC`,
            },
        ];
    }
    return [];
}

/** The prefix lists a scope's rules name: their entries are not seen. */
function prefixListsOf(entries: readonly Entry[]): string[] {
    return [
        ...new Set(
            entries.flatMap(({ stackRule }) => {
                const peer = stackRule.reading.peer;
                return peer?.field === "prefixListId" && isKnown(peer.value) ? [peer.value] : [];
            }),
        ),
    ].sort();
}

/** Above this many prefix lists in one scope, each is assumed full for accepts and empty for drops. */
const PREFIX_LIST_CASES = 4;

/**
 * The ways a scope's prefix lists are taken in the upper bound: each holds every address or none. A rule
 * matches all of a list's addresses or none of them, so whether a list's accepts or its drops win, the extremes
 * are where the most is open.
 */
function prefixListCases(entries: readonly Entry[]): ReadonlySet<string>[] {
    const lists = prefixListsOf(entries);
    if (lists.length > PREFIX_LIST_CASES) {
        return [new Set(lists)];
    }
    return lists.reduce<Set<string>[]>(
        (cases, list) => cases.flatMap((full) => [full, new Set([...full, list])]),
        [new Set()],
    );
}

/**
 * The upper bound of a scope in one network, for one NIC type, with the prefix lists in `full` holding every
 * address (the others none).
 */
function upperBound(
    scope: ExposureScope,
    nicType: NicType,
    entries: readonly Entry[],
    full: ReadonlySet<string>,
    exact: boolean,
): UpperRule[] {
    const rules: UpperRule[] = [];
    for (const entry of entries) {
        const { standing, stackRule } = entry;
        if (standing.kind === "known" && standing.rule.nicType === nicType && !standing.refusedHere) {
            // Drops only bound access from above when they are certain, and never across groups not known yet.
            const accept = standing.rule.policy === "accept";
            if (accept || (standing.certain && scope.kind !== "unknown-group")) {
                rules.push({ rule: standing.rule, causes: placementCauses(scope, stackRule) });
                const peer = standing.rule.peer;
                // A full prefix list: its drops close every address too (when the lists are taken exactly).
                if (peer.kind === "prefixList" && full.has(peer.prefixListId) && !accept && exact) {
                    for (const cidr of [ANY_IPV4, ANY_IPV6]) {
                        rules.push({
                            rule: {
                                ...standing.rule,
                                peer: { kind: cidr === ANY_IPV4 ? "cidr" : "ipv6Cidr", cidr },
                            },
                            causes: [],
                        });
                    }
                }
            }
        }
        if (
            standing.kind === "unknown" ||
            (standing.kind === "known" && standing.rule.peer.kind === "prefixList")
        ) {
            const reason =
                standing.kind === "unknown"
                    ? unknownReason(stackRule, standing.fields)
                    : prefixListReason(standing.rule);
            for (const rule of possibleAccepts(entry, nicType, full)) {
                rules.push({ rule, causes: [{ kind: "rule", rule: stackRule, reason }] });
            }
        }
    }
    if (scope.kind === "members") {
        const unseen = unseenGroups(scope);
        if (unseen.length > 0) {
            // Their rules may accept anything from anywhere; only a known drop at priority 1 wins against that.
            for (const cidr of [ANY_IPV4, ANY_IPV6]) {
                rules.push({
                    rule: {
                        direction: "ingress",
                        protocol: "all",
                        ports: NO_PORTS,
                        peer: { kind: cidr === ANY_IPV4 ? "cidr" : "ipv6Cidr", cidr },
                        policy: "accept",
                        priority: PRIORITY_HIGHEST,
                        nicType,
                    },
                    causes: unseen,
                });
            }
        }
    }
    return rules;
}

/** Identifies an uncertainty, to name each once. */
function uncertaintyKey(uncertainty: Uncertainty): string {
    switch (uncertainty.kind) {
        case "rule":
            return `rule ${uncertainty.rule.urn} ${uncertainty.reason}`;
        case "outside-group":
            return `outside ${uncertainty.id}`;
        case "unknown-groups":
            return `unknown ${uncertainty.count}`;
        case "unknown-group":
            return "unknown group";
    }
}

/** Everything in a scope whose rules or values are not seen: the causes of last resort. */
function everyUncertainty(scope: ExposureScope, entries: readonly Entry[]): Uncertainty[] {
    const found: Uncertainty[] = [...unseenGroups(scope)];
    for (const { standing, stackRule } of entries) {
        if (standing.kind === "unknown") {
            found.push({ kind: "rule", rule: stackRule, reason: unknownReason(stackRule, standing.fields) });
        } else if (standing.kind === "known" && standing.rule.peer.kind === "prefixList") {
            found.push({ kind: "rule", rule: stackRule, reason: prefixListReason(standing.rule) });
        }
    }
    return found;
}

/** Messages name a handful: an instance may list thousands of groups outside the stack. */
const NAMED_AT_MOST = 5;

/**
 * The first {@link NAMED_AT_MOST} items, then `N more` standing for the rest.
 * @internal
 */
export function atMost(items: readonly string[], max = NAMED_AT_MOST): string[] {
    return items.length <= max ? [...items] : [...items.slice(0, max), `${items.length - max} more`];
}

/**
 * An uncertainty as a noun phrase for messages. A rule or an outside group carries an appositive with its
 * commas (`security group sg-1, outside this stack,`), so that `A, x, or B, y, drops tcp 22` reads.
 * @internal
 */
export function describeUncertainty(uncertainty: Uncertainty): string {
    switch (uncertainty.kind) {
        case "rule":
            // The rule `audit` stands in for a group's unread rules is named after them (`ingress rules of db`).
            return unreadRulesReason(uncertainty.rule.reading) === undefined
                ? `rule ${uncertainty.rule.name}, ${uncertainty.reason},`
                : `a rule among the ${uncertainty.rule.name}, ${uncertainty.reason},`;
        case "outside-group":
            return `security group ${uncertainty.id}, outside this stack,`;
        case "unknown-groups":
            return uncertainty.count === 1
                ? "a joined security group not known yet"
                : `one of ${uncertainty.count} joined security groups not known yet`;
        case "unknown-group":
            return "that security group, not known yet,";
    }
}

/** Where the known rules open a scope to the open Internet, whatever network it turns out to be in. */
interface OpenExposure {
    /** The accept to blame. */
    readonly rule: StackRule;
    readonly protocol: PacketProtocol;
    readonly family: IpFamily;
    /** Merged, ascending; `-1/-1` for protocols without ports. */
    readonly ports: readonly PortRange[];
}

function intersectRanges(a: readonly PortRange[], b: readonly PortRange[]): PortRange[] {
    const found: PortRange[] = [];
    for (const x of a) {
        for (const y of b) {
            const from = Math.max(x.from, y.from);
            const to = Math.min(x.to, y.to);
            if (from <= to) {
                found.push({ from, to });
            }
        }
    }
    return mergePortRanges(found);
}

/**
 * Judges one scope: where the known rules open it to the open Internet in every network it may be in (`open`),
 * the risky ports among those with what could still close them (`definite`), and the risky ports that only
 * something unknown or unseen could open (`possible`).
 * @internal
 */
export function judgeScope(scope: ExposureScope, settings: ExposureSettings): ScopeExposure {
    const unseen = unseenGroups(scope);
    const risky = [...new Set(settings.riskyPorts)].filter(Number.isInteger).sort((a, b) => a - b);
    let open: Map<string, OpenExposure> | undefined;
    const bounds: {
        bound: NetworkLowerBound;
        blamed: Map<string, OpenExposure>;
        entries: readonly Entry[];
    }[] = [];
    const possiblePorts = new Map<number, Map<string, Uncertainty>>();
    const addCauses = (port: number, causes: readonly Uncertainty[]) => {
        const found = possiblePorts.get(port) ?? new Map<string, Uncertainty>();
        causes.forEach((cause) => found.set(uncertaintyKey(cause), cause));
        possiblePorts.set(port, found);
    };
    for (const vpc of scopeNetworks(scope)) {
        const entries = entriesOf(scope, vpc);
        const here = new Map<string, OpenExposure>();
        for (const bound of lowerBoundsOf(scope, vpc, entries)) {
            const evaluation = evaluateAccess(
                bound.rules.map(({ rule }) => rule),
                query(bound.nicType, bound.innerAccessGroups),
            );
            const blamed = new Map<string, OpenExposure>();
            for (const access of openInternetAccess(evaluation, settings)) {
                for (const index of access.rules) {
                    const rule = bound.rules[index].stackRule;
                    for (const target of [blamed, here]) {
                        const key = `${rule.urn}\u0000${access.protocol}\u0000${access.family}`;
                        const entry = target.get(key) ?? {
                            rule,
                            protocol: access.protocol,
                            family: access.family,
                            ports: [],
                        };
                        target.set(key, { ...entry, ports: mergePortRanges([...entry.ports, access.ports]) });
                    }
                }
            }
            bounds.push({ bound, blamed, entries });
        }
        // Definite only where every network the scope may be in opens it.
        if (open === undefined) {
            open = here;
        } else {
            const previous = open;
            open = new Map();
            for (const [key, entry] of here) {
                const other = previous.get(key);
                const ports = other ? intersectRanges(other.ports, entry.ports) : [];
                if (ports.length > 0) {
                    open.set(key, { ...entry, ports });
                }
            }
        }
        const cases = prefixListCases(entries);
        for (const full of cases) {
            for (const nicType of networkNicTypes(vpc)) {
                const upper = upperBound(scope, nicType, entries, full, cases.length > 1 || full.size === 0);
                const evaluation = evaluateAccess(
                    upper.map(({ rule }) => rule),
                    query(nicType, innerAccessGroups(scope)),
                );
                for (const port of risky) {
                    for (const protocol of ["tcp", "udp"] as const) {
                        for (const family of ["ipv4", "ipv6"] as const) {
                            const found = openInternetAt(evaluation, protocol, family, port, settings);
                            if (found) {
                                addCauses(
                                    port,
                                    found.deciders.flatMap((index) => upper[index].causes),
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    const openList = [...(open ?? new Map<string, OpenExposure>()).values()];
    const definite: DefiniteExposure[] = [];
    for (const exposure of openList) {
        if (exposure.protocol !== "tcp" && exposure.protocol !== "udp") {
            continue;
        }
        const protocol = exposure.protocol;
        for (const port of risky.filter((p) => exposure.ports.some((r) => r.from <= p && p <= r.to))) {
            const closers = new Map<string, Uncertainty>(unseen.map((u) => [uncertaintyKey(u), u]));
            const rejectedDrops = new Set<StackRule>();
            for (const { bound, blamed, entries } of bounds) {
                const key = `${exposure.rule.urn}\u0000${protocol}\u0000${exposure.family}`;
                const accept = bound.rules.find(({ stackRule }) => stackRule === exposure.rule)?.rule;
                if (!accept || !blamed.get(key)?.ports.some((r) => r.from <= port && port <= r.to)) {
                    continue;
                }
                for (const entry of entries) {
                    const { standing } = entry;
                    const drop = standing.kind === "known" ? standing.rule : entry.stackRule.rule;
                    let closer: Uncertainty | undefined;
                    if (standing.kind === "unknown") {
                        if (couldDrop(entry, bound.nicType, accept, protocol, port)) {
                            closer = {
                                kind: "rule",
                                rule: entry.stackRule,
                                reason: unknownReason(entry.stackRule, standing.fields),
                            };
                        }
                    } else if (drop && dropsAhead(drop, bound.nicType, accept, protocol, port)) {
                        if (standing.kind === "rejected") {
                            rejectedDrops.add(entry.stackRule);
                        } else if (drop.peer.kind === "prefixList") {
                            closer = { kind: "rule", rule: entry.stackRule, reason: prefixListReason(drop) };
                        } else if (!standing.certain) {
                            closer = { kind: "rule", rule: entry.stackRule, reason: standing.doubt ?? "" };
                        }
                    }
                    if (closer) {
                        closers.set(uncertaintyKey(closer), closer);
                    }
                }
            }
            definite.push({
                rule: exposure.rule,
                protocol,
                family: exposure.family,
                port,
                closers: [...closers.values()],
                rejectedDrops: [...rejectedDrops],
            });
        }
    }
    const definitePorts = new Set(definite.map((exposure) => exposure.port));
    const possible = [...possiblePorts.entries()]
        .filter(([port]) => !definitePorts.has(port))
        .sort(([a], [b]) => a - b)
        .map(([port, causes]) => ({
            port,
            causes:
                causes.size > 0
                    ? [...causes.values()]
                    : everyUncertainty(scope, entriesOf(scope, scopeNetworks(scope)[0])),
        }));
    return { scope, open: openList, definite, possible };
}

/**
 * Judges every scope of a stack ({@link exposureScopes}).
 * @internal
 */
export function judgeExposure(model: StackModel, settings: ExposureSettings): ScopeExposure[] {
    return exposureScopes(model).map((scope) => judgeScope(scope, settings));
}
