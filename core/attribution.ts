import { AccessEvaluation, AccessQuery, AllowedRegion, evaluateAccess, PACKET_PROTOCOLS } from "./effective";
import { cidrsOverlap, parseCidr } from "./cidr";
import {
    EVERY_PORT,
    hasPorts,
    mergePortRanges,
    NO_PORTS,
    PortRange,
    Protocol,
    rangeContainsPort,
    rangesOverlap,
} from "./ports";
import { PRIORITY_HIGHEST } from "./limits";
import { evaluationOrder, SecurityRule } from "./rule";

/**
 * Which rule lets which traffic in: the effective access of one evaluation, split by the accept that decides
 * it. `evaluateAccess` merges a peer's allowed ports across deciding rules; a graph of pooled groups needs to
 * know whose rule (and so which group) each allowed cell belongs to.
 */

/** The traffic one accept decides, restricted to the peer it names. */
interface RuleAttribution {
    /** Index into the evaluated rules. */
    readonly rule: number;
    readonly regions: readonly AllowedRegion[];
}

/** The traffic inner access lets in for one group. */
interface InnerAttribution {
    readonly groupId: string;
    readonly regions: readonly AllowedRegion[];
}

/** @internal */
export interface AttributedAccess {
    /** The evaluation of all rules together, as {@link evaluateAccess} returns it. */
    readonly evaluation: AccessEvaluation;
    /** One entry per accept that decides something, in rule order; accepts that decide nothing are absent. */
    readonly byRule: readonly RuleAttribution[];
    readonly byInnerAccess: readonly InnerAttribution[];
}

/** Evaluation order of `evaluateAccess`: priority number, then drop before accept, then input order. */
function decidesBefore(rules: readonly SecurityRule<string>[], first: number, second: number): boolean {
    const order = evaluationOrder(rules[first], rules[second]);
    return order !== 0 ? order < 0 : first < second;
}

/**
 * False only when no packet can match both rules: protocols, port intervals or peers provably apart. Anything
 * unsure (a prefix list, an any-address block against a group) counts as possibly matching.
 */
function mayOverlap(a: SecurityRule<string>, b: SecurityRule<string>): boolean {
    if (a.protocol !== "all" && b.protocol !== "all" && a.protocol !== b.protocol) {
        return false;
    }
    if (a.protocol === b.protocol && hasPorts(a.protocol) && !rangesOverlap(a.ports, b.ports)) {
        return false;
    }
    const p = a.peer;
    const q = b.peer;
    if ((p.kind === "cidr" || p.kind === "ipv6Cidr") && (q.kind === "cidr" || q.kind === "ipv6Cidr")) {
        const x = parseCidr(p.cidr);
        const y = parseCidr(q.cidr);
        return !x || !y || (x.family === y.family && cidrsOverlap(x, y));
    }
    if (p.kind === "group" && q.kind === "group") {
        return p.groupId === q.groupId && p.ownerId === q.ownerId;
    }
    return true;
}

/** Whether a region's peer is the peer the rule names (an any-address accept does not speak for a group). */
function regionOfRulePeer(region: AllowedRegion, rule: SecurityRule<string>): boolean {
    const peer = region.peer;
    switch (rule.peer.kind) {
        case "cidr":
            return peer.kind === "addresses" && peer.family === "ipv4";
        case "ipv6Cidr":
            return peer.kind === "addresses" && peer.family === "ipv6";
        case "group":
            return (
                peer.kind === "group" &&
                peer.groupId === rule.peer.groupId &&
                peer.ownerId === rule.peer.ownerId
            );
        case "prefixList":
            return peer.kind === "prefixList" && peer.prefixListId === rule.peer.prefixListId;
    }
}

/**
 * Evaluates `rules` and attributes every allowed cell to the accept that decides it. The cells an accept decides
 * are the ones it still allows once every rule that is evaluated before it is made a drop: each allowed cell
 * belongs to exactly one accept (or to inner access), so the attributions together are the evaluation's
 * regions, and an accept that never takes effect (shadowed, or overridden everywhere) is attributed nothing.
 * @internal
 */
export function attributeAccess(
    rules: readonly SecurityRule<string>[],
    query: AccessQuery,
): AttributedAccess {
    const evaluation = evaluateAccess(rules, query);
    const inner = query.direction === "ingress" ? [...new Set(query.innerAccessGroups ?? [])] : [];
    // Inner access precedes every rule; as drops at the highest priority its members are taken out first.
    const innerDrops: SecurityRule<string>[] = inner.map((groupId) => ({
        direction: query.direction,
        protocol: "all",
        ports: NO_PORTS,
        peer: { kind: "group", groupId },
        policy: "drop",
        priority: PRIORITY_HIGHEST,
        nicType: query.nicType,
    }));
    const byRule: RuleAttribution[] = [];
    rules.forEach((rule, index) => {
        const outcome = evaluation.outcomes[index];
        if (!outcome.considered || !outcome.effective || rule.policy !== "accept") {
            return;
        }
        // Only rules that can match some of the same packets matter; the rest would only cut the grid finer.
        const earlier = rules.flatMap((other, j) =>
            j !== index &&
            evaluation.outcomes[j].considered &&
            decidesBefore(rules, j, index) &&
            mayOverlap(other, rule)
                ? [{ ...other, policy: "drop" as const }]
                : [],
        );
        const inside = innerDrops.filter((drop) => mayOverlap(drop, rule));
        const alone = evaluateAccess([...inside, ...earlier, rule], {
            direction: query.direction,
            nicType: query.nicType,
        });
        const regions = alone.regions.filter((region) => regionOfRulePeer(region, rule));
        if (regions.length > 0) {
            byRule.push({ rule: index, regions });
        }
    });
    const byInnerAccess = inner.flatMap((groupId) => {
        const regions = evaluation.regions.filter(
            (region) =>
                region.innerAccess &&
                region.peer.kind === "group" &&
                region.peer.groupId === groupId &&
                region.peer.ownerId === undefined,
        );
        return regions.length > 0 ? [{ groupId, regions }] : [];
    });
    return { evaluation, byRule, byInnerAccess };
}

/**
 * What one peer may reach, per protocol, as a report or graph shows it.
 * @internal
 */
export interface ProtocolAccess {
    readonly protocol: Protocol;
    /** Merged and ascending; `[-1/-1]` for protocols without ports and for `all`. */
    readonly ports: readonly PortRange[];
}

/**
 * Merges regions (of one peer, possibly from several rules) per protocol, in `PACKET_PROTOCOLS` order, and
 * collapses them to a single `all` when every port of every protocol is allowed.
 * @internal
 */
export function summarizeAccess(
    regions: readonly Pick<AllowedRegion, "protocol" | "ports">[],
): ProtocolAccess[] {
    const perProtocol = PACKET_PROTOCOLS.flatMap((protocol) => {
        const ranges = regions
            .filter((region) => region.protocol === protocol)
            .flatMap((region) => region.ports);
        if (ranges.length === 0) {
            return [];
        }
        return [
            {
                protocol: protocol as Protocol,
                ports: hasPorts(protocol) ? mergePortRanges(ranges) : [NO_PORTS],
            },
        ];
    });
    const everything =
        perProtocol.length === PACKET_PROTOCOLS.length &&
        perProtocol.every(
            (entry) =>
                !hasPorts(entry.protocol) ||
                (entry.ports.length === 1 &&
                    entry.ports[0].from === EVERY_PORT.from &&
                    entry.ports[0].to === EVERY_PORT.to),
        );
    return everything ? [{ protocol: "all", ports: [NO_PORTS] }] : perProtocol;
}

/**
 * The ports of `risky` (tcp/udp port numbers) that access on `protocol` and `ports` includes.
 * @internal
 */
export function riskyPortsIn(
    protocol: Protocol,
    ports: readonly PortRange[],
    risky: readonly number[],
): number[] {
    if (protocol === "all") {
        return [...new Set(risky)].sort((a, b) => a - b);
    }
    if (!hasPorts(protocol)) {
        return [];
    }
    return [...new Set(risky)]
        .filter((port) => ports.some((range) => rangeContainsPort(range, port)))
        .sort((a, b) => a - b);
}
