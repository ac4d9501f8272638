import { isOpenInternet } from "./cidr";
import { BASELINE_PRIORITY } from "./limits";
import { hasPorts, rangeContainsPort } from "./ports";
import { riskyPresetPorts } from "./presets";
import { problem, Problem } from "./problems";
import { Direction, dropBaselineRule, GroupContext, NicType, peerCidr, SecurityRule } from "./rule";

/**
 * How a group's drop baseline is laid out.
 * @internal
 */
export interface DropBaselineOptions {
    /** Priority of every baseline rule. Defaults to {@link BASELINE_PRIORITY}. */
    readonly priority?: number;
    /** Also drop egress not explicitly allowed. Defaults to false: Alibaba's own egress default is accept. */
    readonly egress?: boolean;
}

/**
 * The drop rules that back a group, keyed by a stable suffix (`drop-baseline`, `drop-baseline-internet`,
 * `drop-baseline-ipv6`, `drop-baseline-egress`…). A `0.0.0.0/0` drop covers only IPv4 and only its own NIC
 * type, so a classic-network group also needs an internet-side drop, and a group with IPv6 accepts an `::/0`
 * drop; otherwise an allow would not be the only hole.
 * @internal
 */
export function dropBaselineRules(
    group: GroupContext,
    rules: readonly SecurityRule<unknown>[],
    options: DropBaselineOptions = {},
): Record<string, SecurityRule<never>> {
    const priority = options.priority ?? BASELINE_PRIORITY;
    const directions: Direction[] = options.egress ? ["ingress", "egress"] : ["ingress"];
    const nicTypes: NicType[] = group.vpc ? ["intranet"] : ["intranet", "internet"];
    const baseline: Record<string, SecurityRule<never>> = {};
    for (const direction of directions) {
        const ipv6 = rules.some(
            (rule) =>
                rule.direction === direction && rule.policy === "accept" && rule.peer.kind === "ipv6Cidr",
        );
        for (const nicType of nicTypes) {
            const suffix = `${direction === "egress" ? "-egress" : ""}${nicType === "internet" ? "-internet" : ""}`;
            const ipv4Rule = dropBaselineRule({ direction, priority, nicType });
            baseline[`drop-baseline${suffix}`] = ipv4Rule;
            if (ipv6) {
                baseline[`drop-baseline${suffix}-ipv6`] = {
                    ...ipv4Rule,
                    peer: { kind: "ipv6Cidr", cidr: "::/0" },
                };
            }
        }
    }
    return baseline;
}

/**
 * An accept at or below the baseline's priority never takes effect: the lower number wins and, at equal
 * priority, drop beats accept. Returns the problem, if any, for one rule.
 * @internal
 */
export function allowPriorityProblems(
    rule: SecurityRule<unknown>,
    priorityPath: string,
    baselinePriority: number | undefined,
): Problem[] {
    if (rule.policy !== "accept" || baselinePriority === undefined || rule.priority < baselinePriority) {
        return [];
    }
    return [
        problem(
            priorityPath,
            rule.priority,
            `must be a smaller number (stronger) than the drop baseline's priority ${baselinePriority}, or the baseline drops the traffic first`,
        ),
    ];
}

/**
 * Why a rule authorizes classic-network intranet access by address, or undefined. The classic intranet is
 * shared with other tenants, so an address block there does not mean "our machines": use a source group.
 * @internal
 */
export function classicIntranetCidrReason(
    rule: SecurityRule<unknown>,
    group: GroupContext,
): string | undefined {
    if (
        group.vpc ||
        rule.direction !== "ingress" ||
        rule.policy !== "accept" ||
        rule.nicType !== "intranet"
    ) {
        return undefined;
    }
    if (rule.peer.kind !== "cidr" && rule.peer.kind !== "ipv6Cidr") {
        return undefined;
    }
    return "authorizes intranet access by CIDR in a classic network, whose intranet other tenants share; name a source group instead";
}

/**
 * Why an accept opens a risky service port (SSH, RDP, databases, caches… — the risky presets) to the open
 * Internet, or undefined. Components refuse this even when asked for it as a "public" port: the policy pack
 * rejects it as mandatory, and administration belongs behind a source group.
 * @internal
 */
export function publicRiskyPortReason(rule: SecurityRule<unknown>): string | undefined {
    if (rule.direction !== "ingress" || rule.policy !== "accept") {
        return undefined;
    }
    const cidr = peerCidr(rule.peer);
    if (!cidr || !isOpenInternet(cidr)) {
        return undefined;
    }
    if (!hasPorts(rule.protocol) && rule.protocol !== "all") {
        return undefined;
    }
    const risky = hasPorts(rule.protocol)
        ? riskyPresetPorts().filter((port) => rangeContainsPort(rule.ports, port))
        : riskyPresetPorts();
    if (risky.length === 0) {
        return undefined;
    }
    return `opens ${risky.length === 1 ? "port" : "ports"} ${risky.slice(0, 5).join(", ")}${
        risky.length > 5 ? ", ..." : ""
    } of a service that must never face the open Internet to ${cidr.text}`;
}
