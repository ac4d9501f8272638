import { Cidr, cidrRange, parseCidr } from "./cidr";
import { isEvaluable, matchPacket, PacketProtocol, PeerSpace } from "./effective";
import { hasPorts } from "./ports";
import { PRIORITY_HIGHEST, PROVIDER_DEFAULT_POLICY, PROVIDER_DEFAULT_PRIORITY } from "./limits";
import { isKnown, Maybe, RULE_FIELDS, RuleReading, UNKNOWN } from "./read";
import { NIC_TYPES, NicType, RulePolicy, SecurityRule } from "./rule";
import { StackAttachment, StackGroup, StackRule } from "./stack";

/**
 * Why a packet is let in or not: every rule of a member's pooled groups (or of a group on its own) that matches
 * the packet, in Alibaba's evaluation order, the one that decides, and what is not seen or not known yet that
 * could decide otherwise. Priority semantics are {@link matchPacket}'s, the same as the effective-access
 * evaluation the policies and the graph use.
 */

/**
 * The packet asked about: ingress, one protocol, one port (ignored for protocols without ports).
 * @internal
 */
export interface PacketQuestion {
    readonly protocol: PacketProtocol;
    readonly port: number;
    /** Where it comes from; every peer when absent. */
    readonly peer?: PeerSpace;
}

/**
 * What decides a packet from one part of the peer space.
 * @internal
 */
export type Decision =
    /** The peer is a member of one of the pooled groups whose `innerAccessPolicy` is Accept. */
    | { readonly kind: "inner-access"; readonly group: StackGroup }
    /**
     * The first matching rule in evaluation order. `tiedAccept` is an accept of the same priority that the drop
     * beats: at equal priority drop wins.
     */
    | { readonly kind: "rule"; readonly rule: StackRule; readonly tiedAccept?: StackRule }
    /** Nothing matches: denied. */
    | { readonly kind: "no-match" };

/**
 * Something unseen or not known yet that could decide the packet otherwise.
 * @internal
 */
export type Unsure =
    /** A rule of the pool whose values are not known yet (`fields`, as the provider names them). */
    | { readonly kind: "unknown-rule"; readonly rule: StackRule; readonly fields: readonly string[] }
    /** A group the member joins that lives outside the stack: its rules are not seen. */
    | { readonly kind: "outside-group"; readonly id: string }
    /** Groups the member joins that cannot be named yet. */
    | { readonly kind: "unknown-groups"; readonly count: number }
    /** A pooled group whose inner access policy is not known yet; the peer is that group. */
    | { readonly kind: "inner-access-unknown"; readonly group: StackGroup }
    /**
     * Rules naming address blocks, which may or may not hold the addresses of the peer group's members (or the
     * entries of the peer prefix list): the evaluation cannot count them for or against.
     */
    | { readonly kind: "peer-addresses"; readonly rules: readonly StackRule[] };

/** @internal */
export interface PeerExplanation {
    readonly peer: PeerSpace;
    /** The matching rules, in evaluation order. */
    readonly matching: readonly StackRule[];
    readonly decision: Decision;
    readonly allowed: boolean;
    /** What could decide otherwise; empty when the known rules decide for certain. */
    readonly unless: readonly Unsure[];
}

/**
 * The explanation for one pool of groups on one NIC type.
 * @internal
 */
export interface ScopeExplanation {
    readonly nicType: NicType;
    readonly peers: readonly PeerExplanation[];
    /** Rules that would match but that the API would refuse: they never exist, so take no part. */
    readonly refused: readonly StackRule[];
}

/**
 * The groups whose rules are evaluated together for a member attachment, or one group on its own.
 * @internal
 */
export interface ExplainScope {
    readonly groups: readonly StackGroup[];
    /** Ids of joined groups outside the stack. */
    readonly outside: readonly string[];
    /** Joined groups that cannot be named yet. */
    readonly unknownGroups: number;
}

/** @internal */
export function attachmentScope(attachment: StackAttachment): ExplainScope {
    return {
        groups: attachment.groups.flatMap((ref) => (ref.kind === "stack" ? [ref.group] : [])),
        outside: attachment.groups.flatMap((ref) => (ref.kind === "external" ? [ref.id] : [])),
        unknownGroups: attachment.unknownCount,
    };
}

/** @internal */
export function groupScope(group: StackGroup): ExplainScope {
    return { groups: [group], outside: [], unknownGroups: 0 };
}

/** The fields that decide what a rule matches, as the provider names them (not its group or description). */
const MATCHING_FIELDS = RULE_FIELDS.filter((field) => field !== "securityGroupId" && field !== "description");

/**
 * The fields of a rule whose values are not known yet and that decide what it matches. A source group's id
 * that the join resolved (through the dependencies, as in every preview) is known for what matters.
 * @internal
 */
export function unknownRuleFields(rule: Pick<StackRule, "reading" | "source">): string[] {
    return MATCHING_FIELDS.filter(
        (field) =>
            rule.reading.raw[field] === UNKNOWN &&
            !(field === "sourceSecurityGroupId" && rule.source?.kind === "stack"),
    );
}

/** What a rule's known fields still allow it to be: direction, protocol, port, NIC type and block checked. */
function mayMatch(reading: RuleReading, packet: PacketQuestion, nicType: NicType, vpc: boolean): boolean {
    if (isKnown(reading.direction) && reading.direction !== "ingress") {
        return false;
    }
    const protocol = reading.protocol;
    if (isKnown(protocol) && protocol !== "all" && protocol !== packet.protocol) {
        return false;
    }
    if (isKnown(protocol) && hasPorts(protocol) && isKnown(reading.ports)) {
        const ports = reading.ports;
        if (ports !== undefined && (packet.port < ports.from || packet.port > ports.to)) {
            return false;
        }
    }
    if (!vpc && isKnown(reading.nicType) && reading.nicType !== nicType) {
        return false;
    }
    const peer = packet.peer;
    if (peer?.kind === "addresses" && reading.peer && isKnown(reading.peer.value)) {
        if (reading.peer.field === "cidrIp" || reading.peer.field === "ipv6CidrIp") {
            const cidr = parseCidr(reading.peer.value);
            if (!cidr) {
                return false;
            }
            const range = cidrRange(cidr);
            return range.family === peer.family && range.first <= peer.last && peer.first <= range.last;
        }
        return false;
    }
    return true;
}

/** True for a rule that cannot be evaluated because some of its values are not known yet. */
function isUnknownRule(rule: StackRule): boolean {
    return rule.rule === undefined && unknownRuleFields(rule).length > 0;
}

/**
 * Whether a rule of `policy` and `priority` (either may be unknown) could decide the other way than `allowed`,
 * decided at priority `at` (undefined: nothing matched).
 */
function couldOverturn(
    policy: Maybe<RulePolicy> | undefined,
    priority: Maybe<number> | undefined,
    allowed: boolean,
    at: number | undefined,
): boolean {
    const against = allowed ? "drop" : "accept";
    if (isKnown(policy) && policy !== against) {
        return false;
    }
    if (at === undefined) {
        return true;
    }
    if (!isKnown(priority)) {
        // Whatever its priority, a drop overturns an accept; an accept needs a stronger priority than the drop
        // that decides, and no priority is stronger than the highest.
        return allowed || at > PRIORITY_HIGHEST;
    }
    // At equal priority drop wins: a drop overturns an accept of its priority, an accept must be stronger.
    return allowed ? priority <= at : priority < at;
}

/**
 * Explains one packet against a scope's rules, per NIC type the scope's network has (intranet only in a VPC;
 * intranet and internet in a classic network).
 * @internal
 */
export function explainPacket(scope: ExplainScope, packet: PacketQuestion): ScopeExplanation[] {
    const stackRules = scope.groups.flatMap((group) => group.rules);
    const usable = stackRules.filter((rule) => rule.rule !== undefined);
    const rules = usable.map((rule) => rule.rule as SecurityRule<string>);
    const inner = scope.groups.filter((group) => group.reading.innerAccept === true);
    const vpc = scope.groups.length > 0 && scope.groups.every((group) => group.reading.vpc);
    const nicTypes: readonly NicType[] = vpc ? ["intranet"] : NIC_TYPES;
    const byUrn = new Map(scope.groups.map((group) => [group.urn, group]));
    return nicTypes.map((nicType) => {
        const query = {
            direction: "ingress" as const,
            nicType,
            innerAccessGroups: inner.map((group) => group.urn),
        };
        const matches = matchPacket(rules, query, packet.protocol, packet.port, packet.peer);
        const unknownRules = stackRules.filter(
            (rule) => isUnknownRule(rule) && mayMatch(rule.reading, packet, nicType, vpc),
        );
        const peers = matches.map((match): PeerExplanation => {
            const matching = match.rules.map((index) => usable[index]);
            let decision: Decision;
            let allowed: boolean;
            let at: number | undefined;
            if (match.innerAccess && match.peer.kind === "group") {
                decision = { kind: "inner-access", group: byUrn.get(match.peer.groupId) as StackGroup };
                allowed = true;
            } else if (matching.length > 0) {
                const first = matching[0];
                const decider = first.rule as SecurityRule<string>;
                const tiedAccept =
                    decider.policy === "drop"
                        ? matching.find(
                              (rule) =>
                                  rule.rule?.policy === "accept" && rule.rule.priority === decider.priority,
                          )
                        : undefined;
                decision = tiedAccept
                    ? { kind: "rule", rule: first, tiedAccept }
                    : { kind: "rule", rule: first };
                allowed = decider.policy === "accept";
                at = decider.priority;
            } else {
                decision = { kind: "no-match" };
                allowed = false;
            }
            const unless: Unsure[] = [];
            if (decision.kind !== "inner-access") {
                // Inner access decides whatever the rules say: nothing unseen can overturn it.
                for (const rule of unknownRules) {
                    if (
                        couldOverturn(
                            rule.reading.policy ?? PROVIDER_DEFAULT_POLICY,
                            rule.reading.raw.priority === undefined
                                ? PROVIDER_DEFAULT_PRIORITY
                                : rule.reading.priority,
                            allowed,
                            at,
                        ) &&
                        mayMatch(rule.reading, { ...packet, peer: match.peer }, nicType, vpc)
                    ) {
                        unless.push({ kind: "unknown-rule", rule, fields: unknownRuleFields(rule) });
                    }
                }
                // Rules not seen have any policy and priority: they matter unless the decider is beyond them.
                if (couldOverturn(undefined, undefined, allowed, at)) {
                    scope.outside.forEach((id) => unless.push({ kind: "outside-group", id }));
                    if (scope.unknownGroups > 0) {
                        unless.push({ kind: "unknown-groups", count: scope.unknownGroups });
                    }
                }
                const peer = match.peer;
                if (peer.kind === "group") {
                    const group = byUrn.get(peer.groupId);
                    if (group && group.reading.innerAccept === UNKNOWN && !allowed) {
                        unless.push({ kind: "inner-access-unknown", group });
                    }
                }
                if (peer.kind === "group" || peer.kind === "prefixList") {
                    const blocks = usable.filter((rule, index) => {
                        const candidate = rules[index];
                        return (
                            uncountedBlock(candidate, peer) &&
                            candidate.nicType === nicType &&
                            candidateMatchesPacket(candidate, packet) &&
                            couldOverturn(candidate.policy, candidate.priority, allowed, at)
                        );
                    });
                    if (blocks.length > 0) {
                        unless.push({ kind: "peer-addresses", rules: blocks });
                    }
                }
            }
            return { peer: match.peer, matching, decision, allowed, unless };
        });
        const refused = stackRules.filter((rule) => {
            const known = rule.rule;
            const takesNoPart = known
                ? !isEvaluable(known) && known.direction === "ingress" && known.nicType === nicType
                : !isUnknownRule(rule);
            return takesNoPart && mayMatch(rule.reading, packet, nicType, vpc);
        });
        return { nicType, peers, refused };
    });
}

/**
 * A rule naming an address block that the evaluation does not count for a group peer (whose members' addresses
 * are unknown: only `0.0.0.0/0` is sure to hold them) or a prefix list of one family (only that family's
 * any-address block is sure to hold its entries), though it may match them.
 */
function uncountedBlock(rule: SecurityRule<string>, peer: PeerSpace): boolean {
    if ((rule.peer.kind !== "cidr" && rule.peer.kind !== "ipv6Cidr") || !isEvaluable(rule)) {
        return false;
    }
    const cidr = parseCidr(rule.peer.cidr) as Cidr;
    if (peer.kind === "prefixList") {
        return cidr.family === peer.family && cidr.prefix > 0;
    }
    return !(cidr.family === "ipv4" && cidr.prefix === 0);
}

/** Whether a known rule's protocol and ports take the packet (its peer aside). */
function candidateMatchesPacket(rule: SecurityRule<string>, packet: PacketQuestion): boolean {
    if (rule.protocol !== "all" && rule.protocol !== packet.protocol) {
        return false;
    }
    return !hasPorts(rule.protocol) || (rule.ports.from <= packet.port && packet.port <= rule.ports.to);
}
