import {
    Cidr,
    cidrContains,
    cidrProblems,
    isAnyAddress,
    isBroadCidr,
    isPrivateCidr,
    parseCidr,
    BroadnessLimits,
} from "./cidr";
import {
    BASELINE_PRIORITY,
    DEFAULT_PUBLIC_PORTS,
    isValidPriority,
    MAX_GROUP_REFERENCE_RULES,
    MAX_RULES_PER_GROUP,
    PRIORITY_HIGHEST,
    PRIORITY_LOWEST,
} from "./limits";
import {
    describeTraffic,
    formatPortRange,
    hasPorts,
    isProtocol,
    PortRange,
    portRangeError,
    Protocol,
    PROTOCOLS,
} from "./ports";
import { describeValue, problem, Problem } from "./problems";

export type Direction = "ingress" | "egress";
/** What a matching rule does. An object so that the component package's schema names the choices. */
export const RulePolicy = { accept: "accept", drop: "drop" } as const;
export type RulePolicy = (typeof RulePolicy)[keyof typeof RulePolicy];
/** The network interface a rule governs (`intranet` in a VPC). An object so that the schema names the choices. */
export const NicType = { intranet: "intranet", internet: "internet" } as const;
export type NicType = (typeof NicType)[keyof typeof NicType];

export const DIRECTIONS: readonly Direction[] = ["ingress", "egress"];
export const RULE_POLICIES: readonly RulePolicy[] = Object.values(RulePolicy);
export const NIC_TYPES: readonly NicType[] = Object.values(NicType);

/**
 * The one peer of a rule. `Id` is `string` in analysis and `pulumi.Input<string>` when components build rules
 * from group resources whose ids are not known yet.
 */
export type Peer<Id = string> =
    | { readonly kind: "cidr"; readonly cidr: string }
    | { readonly kind: "ipv6Cidr"; readonly cidr: string }
    | { readonly kind: "group"; readonly groupId: Id; readonly ownerId?: string }
    | { readonly kind: "prefixList"; readonly prefixListId: Id };

/** A security group rule with every setting explicit: the model both components and policies speak. */
export interface SecurityRule<Id = string> {
    readonly direction: Direction;
    readonly protocol: Protocol;
    readonly ports: PortRange;
    readonly peer: Peer<Id>;
    readonly policy: RulePolicy;
    readonly priority: number;
    readonly nicType: NicType;
    readonly description?: string;
}

/** The `alicloud.ecs.SecurityGroupRule` inputs for a rule, with every safety-relevant field explicit. */
export interface SecurityGroupRuleInputs<Id = string> {
    type: Direction;
    ipProtocol: Protocol;
    portRange: string;
    policy: RulePolicy;
    priority: number;
    nicType: NicType;
    description?: string;
    securityGroupId: Id;
    cidrIp?: string;
    ipv6CidrIp?: string;
    sourceSecurityGroupId?: Id;
    sourceGroupOwnerId?: string;
    prefixListId?: Id;
}

/**
 * Converts a rule to provider inputs. The owner of a cross-account source group goes to `sourceGroupOwnerId`:
 * the provider marks `sourceGroupOwnerAccount` deprecated and says it "may not take effect".
 */
export function toRuleInputs<Id>(rule: SecurityRule<Id>, securityGroupId: Id): SecurityGroupRuleInputs<Id> {
    const inputs: SecurityGroupRuleInputs<Id> = {
        type: rule.direction,
        ipProtocol: rule.protocol,
        portRange: formatPortRange(rule.ports),
        policy: rule.policy,
        priority: rule.priority,
        nicType: rule.nicType,
        securityGroupId,
    };
    if (rule.description !== undefined) {
        inputs.description = rule.description;
    }
    switch (rule.peer.kind) {
        case "cidr":
            inputs.cidrIp = rule.peer.cidr;
            break;
        case "ipv6Cidr":
            inputs.ipv6CidrIp = rule.peer.cidr;
            break;
        case "group":
            inputs.sourceSecurityGroupId = rule.peer.groupId;
            if (rule.peer.ownerId !== undefined) {
                inputs.sourceGroupOwnerId = rule.peer.ownerId;
            }
            break;
        case "prefixList":
            inputs.prefixListId = rule.peer.prefixListId;
            break;
    }
    return inputs;
}

/** What a rule's group is: decides which NIC types and peers are legal. */
export interface GroupContext {
    /** True for a VPC group (it has a `vpcId`), false for a classic-network group. */
    readonly vpc: boolean;
    /** True for an enterprise group, which cannot reference or be referenced by groups. */
    readonly enterprise: boolean;
}

/**
 * The NIC type a rule really has. In a VPC every rule is intranet (intranet rules also govern Internet traffic
 * through an EIP). In a classic network a rule without `nicType` is intranet with a source group and internet
 * otherwise, as the API defaults it.
 */
export function effectiveNicType(nicType: NicType | undefined, vpc: boolean, peerIsGroup: boolean): NicType {
    if (vpc) {
        return "intranet";
    }
    return nicType ?? (peerIsGroup ? "intranet" : "internet");
}

/**
 * Alibaba's evaluation order: the smaller priority number decides first and, at equal priority, a drop before an
 * accept. Negative when `a` decides before `b`, positive when after, 0 when neither.
 */
export function evaluationOrder(
    a: Pick<SecurityRule<unknown>, "priority" | "policy">,
    b: Pick<SecurityRule<unknown>, "priority" | "policy">,
): number {
    return a.priority - b.priority || (a.policy === b.policy ? 0 : a.policy === "drop" ? -1 : 1);
}

/**
 * The CIDR a rule's peer names, or undefined for group and prefix-list peers (or an unparseable CIDR).
 * @internal
 */
export function peerCidr(peer: Peer<unknown>): Cidr | undefined {
    return peer.kind === "cidr" || peer.kind === "ipv6Cidr" ? parseCidr(peer.cidr) : undefined;
}

/** The parts of a rule a problem can be about. */
export type RulePart =
    "direction" | "protocol" | "ports" | "policy" | "priority" | "nicType" | "cidr" | "ipv6Cidr" | "source";

/**
 * Where each part of a rule was written, as property paths in the caller's own terms (`ingress.ssh.ports`,
 * `publicPorts[1]`, a resource's `portRange`), so that a problem names what the caller can change.
 */
export type RulePaths = Readonly<Record<RulePart, string>>;

/** The paths of a rule written as one object at `base` (`ingress.ssh` → `ingress.ssh.ports`…), with overrides. */
export function rulePaths(base: string, overrides: Partial<RulePaths> = {}): RulePaths {
    const at = (part: RulePart) => overrides[part] ?? `${base}.${part}`;
    return {
        direction: at("direction"),
        protocol: at("protocol"),
        ports: at("ports"),
        policy: at("policy"),
        priority: at("priority"),
        nicType: at("nicType"),
        cidr: at("cidr"),
        ipv6Cidr: at("ipv6Cidr"),
        source: at("source"),
    };
}

/** Every problem the API (or our safety rules) would have with one rule, each at the path its part came from. */
export function ruleProblems(
    rule: SecurityRule<unknown>,
    at: RulePaths | string,
    group: GroupContext,
): Problem[] {
    const paths = typeof at === "string" ? rulePaths(at) : at;
    const problems: Problem[] = [];
    if (!DIRECTIONS.includes(rule.direction)) {
        problems.push(problem(paths.direction, rule.direction, `must be one of ${DIRECTIONS.join(", ")}`));
    }
    if (!isProtocol(rule.protocol)) {
        problems.push(problem(paths.protocol, rule.protocol, `must be one of ${PROTOCOLS.join(", ")}`));
    } else {
        const error = portRangeError(rule.protocol, rule.ports);
        if (error) {
            problems.push(problem(paths.ports, formatPortRange(rule.ports), error));
        }
    }
    if (!RULE_POLICIES.includes(rule.policy)) {
        problems.push(problem(paths.policy, rule.policy, `must be "accept" or "drop"`));
    }
    if (!isValidPriority(rule.priority)) {
        problems.push(
            problem(
                paths.priority,
                rule.priority,
                `must be an integer from ${PRIORITY_HIGHEST} to ${PRIORITY_LOWEST}`,
            ),
        );
    }
    if (!NIC_TYPES.includes(rule.nicType)) {
        problems.push(problem(paths.nicType, rule.nicType, `must be "intranet" or "internet"`));
    } else if (group.vpc && rule.nicType === "internet") {
        problems.push(problem(paths.nicType, rule.nicType, `must be "intranet" on a VPC security group`));
    }
    switch (rule.peer.kind) {
        case "cidr":
            problems.push(...cidrProblems(rule.peer.cidr, paths.cidr, "ipv4"));
            break;
        case "ipv6Cidr":
            problems.push(...cidrProblems(rule.peer.cidr, paths.ipv6Cidr, "ipv6"));
            break;
        case "group":
            if (rule.nicType === "internet") {
                problems.push(
                    problem(
                        paths.nicType,
                        rule.nicType,
                        `must be "intranet" for a rule that names a source group`,
                    ),
                );
            }
            if (group.enterprise) {
                problems.push(
                    problem(
                        paths.source,
                        "security group",
                        "cannot name a security group in an enterprise group",
                    ),
                );
            }
            break;
        case "prefixList":
            break;
    }
    return problems;
}

/** Limits that apply to a group's rule set as a whole. */
export function ruleSetProblems(rules: readonly SecurityRule<unknown>[], field: string): Problem[] {
    const problems: Problem[] = [];
    if (rules.length > MAX_RULES_PER_GROUP) {
        problems.push(
            problem(
                field,
                `${rules.length} rules`,
                `must hold at most ${MAX_RULES_PER_GROUP} rules per group`,
            ),
        );
    }
    const references = rules.filter((rule) => rule.peer.kind === "group").length;
    if (references > MAX_GROUP_REFERENCE_RULES) {
        problems.push(
            problem(
                field,
                `${references} rules naming security groups`,
                `must hold at most ${MAX_GROUP_REFERENCE_RULES} rules that reference security groups`,
            ),
        );
    }
    return problems;
}

/**
 * Settings of the broad-intranet judgement; shared by components and the policy pack.
 * @internal
 */
export interface BroadAccessSettings extends BroadnessLimits {
    /** tcp/udp ports that may face `0.0.0.0/0`/`::/0`. Defaults to {@link DEFAULT_PUBLIC_PORTS}. */
    readonly publicPorts?: readonly number[];
    /** Blocks exempt from the judgement. */
    readonly allowedCidrs?: readonly string[];
}

/** True when every port of a tcp/udp rule is one of `publicPorts` (the Internet service case). */
function onlyPublicPorts(protocol: Protocol, ports: PortRange, publicPorts: readonly number[]): boolean {
    if (!hasPorts(protocol) || ports.to - ports.from > 65535) {
        return false;
    }
    for (let port = ports.from; port <= ports.to; port++) {
        if (!publicPorts.includes(port)) {
            return false;
        }
    }
    return true;
}

/**
 * Why an ingress accept opens too much address space, or undefined when it does not. Judged the same on every
 * network type: an intranet rule of a VPC group (which also governs Internet traffic through an EIP), an
 * internet-NIC rule of a classic group, and an intranet rule of a classic group (the intranet every tenant of
 * the classic network shares). `group` says which, for the words: without it, `0.0.0.0/0` is "every address".
 * Drops never count: the drop baseline itself names `0.0.0.0/0`.
 * @internal
 */
export function broadIntranetAccessReason(
    rule: Pick<SecurityRule<unknown>, "direction" | "policy" | "nicType" | "peer" | "protocol" | "ports">,
    settings: BroadAccessSettings = {},
    group?: Pick<GroupContext, "vpc">,
): string | undefined {
    if (rule.direction !== "ingress" || rule.policy !== "accept") {
        return undefined;
    }
    const cidr = peerCidr(rule.peer);
    if (!cidr || !isBroadCidr(cidr, settings)) {
        return undefined;
    }
    const allowed = (settings.allowedCidrs ?? []).map(parseCidr).filter((c): c is Cidr => c !== undefined);
    if (allowed.some((block) => cidrContains(block, cidr))) {
        return undefined;
    }
    if (
        isAnyAddress(cidr) &&
        onlyPublicPorts(rule.protocol, rule.ports, settings.publicPorts ?? DEFAULT_PUBLIC_PORTS)
    ) {
        return undefined;
    }
    if (!isAnyAddress(cidr)) {
        // No private address reaches a classic group's internet NIC: a private block there opens nothing.
        if (rule.nicType === "internet" && isPrivateCidr(cidr)) {
            return undefined;
        }
        return `admits the broad block ${describeValue(cidr.text)} (/${cidr.prefix})`;
    }
    const traffic = describeTraffic(rule.protocol, rule.ports);
    if (rule.nicType === "intranet" && group?.vpc === false) {
        return `opens ${traffic} to every instance of every tenant on the shared classic-network intranet (${describeValue(cidr.text)})`;
    }
    return rule.nicType === "internet"
        ? `opens ${traffic} to the whole Internet (${describeValue(cidr.text)})`
        : `opens ${traffic} to every address, the Internet included (${describeValue(cidr.text)})`;
}

/** Most ports a `publicPorts` declaration is offered for: a wider range is not one public service. */
const MAX_DECLARED_PUBLIC_PORTS = 16;

/**
 * How a deliberate public service on an any-address accept is declared: the `publicPorts` list that would let
 * it through (`ports`), or why no declaration can (`refused`): a risky port must never face the Internet,
 * publicPorts covers tcp and udp ports only, and a wide range is not one service.
 * @internal
 */
export function publicPortsDeclaration(
    rule: Pick<SecurityRule<unknown>, "protocol" | "ports">,
    publicPorts: readonly number[],
    riskyPorts: readonly number[],
): { readonly ports: readonly number[] } | { readonly refused: string } {
    if (!hasPorts(rule.protocol)) {
        return {
            refused: `publicPorts declares tcp and udp ports only, and ${describeTraffic(rule.protocol, rule.ports)} from every address is never a public service`,
        };
    }
    const risky = riskyPorts.filter((port) => port >= rule.ports.from && port <= rule.ports.to);
    if (risky.length > 0) {
        return {
            refused: `port${risky.length > 1 ? "s" : ""} ${risky.slice(0, 5).join(", ")} must never face the open Internet`,
        };
    }
    if (rule.ports.to - rule.ports.from + 1 > MAX_DECLARED_PUBLIC_PORTS) {
        return {
            refused: `${rule.ports.to - rule.ports.from + 1} ports are not one public service`,
        };
    }
    const added: number[] = [];
    for (let port = rule.ports.from; port <= rule.ports.to; port++) {
        if (!publicPorts.includes(port)) {
            added.push(port);
        }
    }
    return { ports: [...publicPorts, ...added].sort((a, b) => a - b) };
}

/**
 * The drop-all baseline rule that backs every group: all protocols, all addresses, lowest priority.
 * @internal
 */
export function dropBaselineRule(
    options: { direction?: Direction; cidr?: string; priority?: number; nicType?: NicType } = {},
): SecurityRule<never> {
    return {
        direction: options.direction ?? "ingress",
        protocol: "all",
        ports: { from: -1, to: -1 },
        peer: { kind: "cidr", cidr: options.cidr ?? "0.0.0.0/0" },
        policy: "drop",
        priority: options.priority ?? BASELINE_PRIORITY,
        nicType: options.nicType ?? "intranet",
        description: "Drop everything not explicitly allowed above (baseline)",
    };
}
