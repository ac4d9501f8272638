/**
 * Planning: a component's arguments become the group and the rules to create, validated, before anything is
 * registered. Planning is pure: it collects every problem, at the property path the caller wrote, and returns
 * the plan with them; the component throws them together. Rule checks come from `core/`.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    BASELINE_PRIORITY,
    Cidr,
    DEFAULT_ALLOW_PRIORITY,
    DEFAULT_PUBLIC_PORTS,
    formatPortRange,
    GroupContext,
    hasPorts,
    isAnyAddress,
    isPresetName,
    NO_PORTS,
    parseCidr,
    parsePortRange,
    Peer,
    PortRange,
    portRange,
    portRangeProblems,
    PresetName,
    PRESETS,
    problem,
    Problem,
    Protocol,
    RulePaths,
    ruleProblems,
    ruleSetProblems,
    SecurityRule,
    ServicePreset,
} from "../core";
import {
    allowPriorityProblems,
    classicIntranetCidrReason,
    dropBaselineRules,
    publicRiskyPortReason,
} from "../core/groupRules";
import { MANAGED_BY_TAG_KEY, MANAGED_BY_TAG_VALUE } from "../core/limits";
import { riskyPresetPorts } from "../core/presets";
import { describeValue, redactSecretValue, uniqueProblems } from "../core/problems";
import { broadIntranetAccessReason, publicPortsDeclaration } from "../core/rule";
import { SECRET_LABEL } from "../core/wire";
import { Portable } from "./portable";
import type { SecureGroupArgs } from "./secureGroup";
import { ResolvedSource, resolveSource, SecurityGroupSource, SecurityGroupType } from "./sources";
import { throwIfProblems } from "./validationError";

/** A port: a number, or Alibaba's range syntax `"start/end"` (`"8000/8100"`). */
export type PortSpec = number | string;

/**
 * Stands for the group being built, whose id is not known until it is created (member access).
 * @internal
 */
export const SELF_GROUP: unique symbol = Symbol("self-group");

/**
 * Stands for a sibling group another part of the same plan builds (a tier of ThreeTierGroups).
 * @internal
 */
export interface SiblingGroup {
    readonly sibling: string;
}

/**
 * A rule's source group while planning: an id, this group, or a sibling built alongside it.
 * @internal
 */
export type PlannedGroupId = pulumi.Input<string> | typeof SELF_GROUP | SiblingGroup;

/**
 * One rule resource to create: its stable name suffix, where it was written, and the rule.
 * @internal
 */
export interface PlannedRule {
    /** The logical name without the `<name>-` prefix. */
    readonly suffix: string;
    /** Names it had before, kept as aliases so that a rename replaces nothing. */
    readonly formerSuffixes?: readonly string[];
    /** The argument the rule as a whole came from (`ingress.ssh`, `sources[1]`). */
    readonly path: string;
    /** Where each part came from, for messages about it. */
    readonly paths: RulePaths;
    readonly rule: SecurityRule<PlannedGroupId>;
    /** A CIDR given as an Output: checked when it resolves, since it cannot be checked before. */
    readonly deferredCidr?: pulumi.Output<string>;
}

/**
 * The group resource's arguments.
 * @internal
 */
interface PlannedGroup {
    readonly securityGroupName: pulumi.Input<string>;
    readonly description: pulumi.Input<string>;
    readonly vpcId?: pulumi.Input<string>;
    readonly securityGroupType: SecurityGroupType;
    readonly innerAccessPolicy?: InnerAccessPolicy;
    readonly tags: Record<string, pulumi.Input<string>>;
    readonly resourceGroupId?: pulumi.Input<string>;
}

/**
 * Everything a group component creates, validated.
 * @internal
 */
export interface GroupPlan {
    /** What a problem found later (a CIDR that resolves) is reported against: `SecureGroup "api"`. */
    readonly context: string;
    /** Undefined when rules go onto an existing group. */
    readonly group?: PlannedGroup;
    readonly existingSecurityGroupId?: pulumi.Input<string>;
    readonly securityGroupType: SecurityGroupType;
    readonly rules: readonly PlannedRule[];
    readonly settings: RuleCheckSettings;
}

/**
 * A plan and every problem found making it; the plan is only built when there is none.
 * @internal
 */
export interface Planned<Plan> {
    readonly plan: Plan;
    readonly problems: readonly Problem[];
}

/** Whether members of a group reach each other regardless of rules. An object so that the schema names it. */
export const InnerAccessPolicy = { Accept: "Accept", Drop: "Drop" } as const;
export type InnerAccessPolicy = (typeof InnerAccessPolicy)[keyof typeof InnerAccessPolicy];

/** How a group's drop baseline is laid out. */
export interface DropBaseline {
    /** Priority of every baseline rule. Defaults to `100`, the lowest. */
    readonly priority?: number;
    /** Also drop egress not explicitly allowed. Defaults to `false`: Alibaba's own egress default is accept. */
    readonly egress?: boolean;
    /**
     * `false` turns the baseline off, as `dropBaseline: false` does in TypeScript. Defaults to `true`. Turning
     * it off leaves a group's access resting on Alibaba's implicit deny (the pack's `missing-drop-baseline`).
     */
    readonly enabled?: boolean;
}

/**
 * The settings of the group itself: SecureGroup's arguments but its rules, in their planned form. Every component
 * maps its own arguments onto them.
 * @internal
 */
export type GroupArgs = Omit<SecureGroupArgs, "ingress" | "egress" | "dropBaseline" | "allowBroadCidrs"> & {
    readonly dropBaseline?: false | DropBaseline;
    readonly allowBroadCidrs?: readonly string[];
};

type SharedGroupArg =
    "vpcId" | "classicNetwork" | "tags" | "securityGroupName" | "description" | "resourceGroupId";

/**
 * The group settings a component takes under SecureGroup's names and passes on unchanged.
 * @internal
 */
export function sharedGroupArgs(args: Pick<GroupArgs, SharedGroupArg>): GroupArgs {
    return {
        vpcId: args.vpcId,
        classicNetwork: args.classicNetwork,
        tags: args.tags,
        securityGroupName: args.securityGroupName,
        description: args.description,
        resourceGroupId: args.resourceGroupId,
    };
}

/**
 * What a component adds to the group's own settings: its rules, their problems, its defaults.
 * @internal
 */
export interface GroupExtras {
    /** `WebTierGroup "web"`: what problems found after construction are reported against. */
    readonly context: string;
    readonly rules?: readonly PlannedRule[];
    readonly problems?: readonly Problem[];
    /** The `tier` tag when `args.tier` is not set. */
    readonly tier?: string;
    /** The group's description when `args.description` is not set. */
    readonly description?: string;
    /** Ports that may face `0.0.0.0/0`/`::/0` without an opt-in. Defaults to 80 and 443. */
    readonly publicPorts?: readonly number[];
    /** Where each group argument was written, when not under its own name (`web.allowBroadCidrs`). */
    readonly paths?: Partial<Record<keyof GroupArgs, string>>;
}

/**
 * Settings of the validation every planned rule goes through.
 * @internal
 */
interface RuleCheckSettings {
    readonly group: GroupContext;
    /** Undefined when the drop baseline is off. */
    readonly baselinePriority: number | undefined;
    /** Ports that may face `0.0.0.0/0`/`::/0` without an opt-in. */
    readonly publicPorts: readonly number[];
    /** Broad blocks the caller deliberately allows for intranet access. */
    readonly allowBroadCidrs: readonly string[];
}

const GROUP_ONLY_FIELDS = [
    "tags",
    "description",
    "securityGroupName",
    "innerAccessPolicy",
    "resourceGroupId",
    "tier",
] as const;

/**
 * Plans a group and its rules: the group's own settings, the component's rules, the drop baseline, and every
 * check on each rule and on the set. Creates nothing.
 * @internal
 */
export function planGroup(name: string, args: GroupArgs, extras: GroupExtras): Planned<GroupPlan> {
    const pathOf = (field: keyof GroupArgs): string => extras.paths?.[field] ?? field;
    const problems: Problem[] = [...(extras.problems ?? [])];
    const securityGroupType = args.securityGroupType ?? "normal";
    if (securityGroupType !== "normal" && securityGroupType !== "enterprise") {
        problems.push(
            problem(pathOf("securityGroupType"), securityGroupType, `must be "normal" or "enterprise"`),
        );
    }
    const enterprise = securityGroupType === "enterprise";
    if (args.innerAccessPolicy !== undefined) {
        if (args.innerAccessPolicy !== "Accept" && args.innerAccessPolicy !== "Drop") {
            problems.push(
                problem(pathOf("innerAccessPolicy"), args.innerAccessPolicy, `must be "Accept" or "Drop"`),
            );
        } else if (enterprise) {
            problems.push(
                problem(
                    pathOf("innerAccessPolicy"),
                    args.innerAccessPolicy,
                    "must be omitted for an enterprise group, which always isolates its members",
                ),
            );
        }
    }
    const existing = args.existingSecurityGroupId !== undefined;
    if (existing) {
        for (const field of GROUP_ONLY_FIELDS) {
            if (args[field] !== undefined) {
                problems.push(
                    problem(
                        pathOf(field),
                        args[field],
                        "must be omitted with existingSecurityGroupId: no group is created to carry it",
                    ),
                );
            }
        }
        if (typeof args.existingSecurityGroupId === "string" && args.existingSecurityGroupId.trim() === "") {
            problems.push(
                problem(
                    pathOf("existingSecurityGroupId"),
                    args.existingSecurityGroupId,
                    "must be a security group id",
                ),
            );
        }
    }
    const group: GroupContext = { vpc: args.vpcId !== undefined, enterprise };
    const rules = extras.rules ?? [];
    const baselineOption: DropBaseline =
        args.dropBaseline === false ? { enabled: false } : (args.dropBaseline ?? {});
    const baselineOn = baselineOption.enabled !== false;
    const baseline = baselineOn ? baselineRules(group, rules, baselineOption, pathOf("dropBaseline")) : [];
    const allowBroadCidrs = args.allowBroadCidrs ?? [];
    if (!Array.isArray(allowBroadCidrs) || allowBroadCidrs.some((cidr) => typeof cidr !== "string")) {
        problems.push(problem(pathOf("allowBroadCidrs"), allowBroadCidrs, "must be a list of CIDR blocks"));
    }
    const settings: RuleCheckSettings = {
        group,
        baselinePriority: baselineOn ? (baseline[0]?.rule.priority ?? BASELINE_PRIORITY) : undefined,
        publicPorts: extras.publicPorts ?? DEFAULT_PUBLIC_PORTS,
        allowBroadCidrs: Array.isArray(allowBroadCidrs) ? allowBroadCidrs : [],
    };
    const tags = existing
        ? {}
        : mergeTags(
              args.tags,
              args.tier ?? extras.tier ?? "custom",
              pathOf("tags"),
              extras.context,
              problems,
          );
    const all = [...rules, ...baseline];
    problems.push(...ruleSetChecks(all, settings));
    // Where the group lives comes last: the arguments' own mistakes read first.
    problems.push(...networkProblems(args.vpcId, args.classicNetwork, pathOf));
    return {
        problems: uniqueProblems(problems),
        plan: {
            context: extras.context,
            securityGroupType,
            existingSecurityGroupId: args.existingSecurityGroupId,
            group: existing
                ? undefined
                : {
                      securityGroupName: args.securityGroupName ?? name,
                      description:
                          args.description ??
                          extras.description ??
                          `Security group ${name}, managed by alicloud-secure-groups: only explicitly allowed traffic`,
                      ...(args.vpcId !== undefined ? { vpcId: args.vpcId } : {}),
                      securityGroupType,
                      ...(enterprise ? {} : { innerAccessPolicy: args.innerAccessPolicy ?? "Drop" }),
                      tags,
                      ...(args.resourceGroupId !== undefined
                          ? { resourceGroupId: args.resourceGroupId }
                          : {}),
                  },
            rules: all,
            settings,
        },
    };
}

/** Every problem with the rule set: each rule, unique names, and the limits on the set. */
function ruleSetChecks(rules: readonly PlannedRule[], settings: RuleCheckSettings): Problem[] {
    const problems: Problem[] = [];
    const seen = new Map<string, string>();
    for (const planned of rules) {
        const earlier = seen.get(planned.suffix);
        if (earlier !== undefined) {
            problems.push(
                problem(
                    planned.path,
                    planned.suffix,
                    `names a rule that ${earlier} already names; every rule needs its own key`,
                ),
            );
        } else {
            seen.set(planned.suffix, planned.path);
        }
        const found = plannedRuleProblems(planned, settings);
        // A CIDR given as an Output is checked when it resolves; everything else about the rule is checked now.
        problems.push(
            ...(planned.deferredCidr
                ? found.filter((p) => p.path !== planned.paths.cidr && p.path !== planned.paths.ipv6Cidr)
                : found),
        );
    }
    for (const direction of ["ingress", "egress"] as const) {
        problems.push(
            ...ruleSetProblems(
                rules
                    .filter((planned) => planned.rule.direction === direction)
                    .map((planned) => planned.rule),
                direction,
            ),
        );
    }
    return problems;
}

/**
 * Every problem with one rule: what the API would refuse, an allow the baseline would shadow, and our safety
 * rules, all from `core/`. A rule that opens a risky port to the open Internet through the internet NIC is
 * refused for that, on its ports; a broad accept is refused on its block with advice that both the component
 * and the policy pack then accept (never "list it in allowBroadCidrs" for a risky port).
 * @internal
 */
function plannedRuleProblems(planned: PlannedRule, settings: RuleCheckSettings): Problem[] {
    const { rule, paths } = planned;
    const problems = ruleProblems(rule, paths, settings.group);
    problems.push(...allowPriorityProblems(rule, paths.priority, settings.baselinePriority));
    const peerPath = rule.peer.kind === "ipv6Cidr" ? paths.ipv6Cidr : paths.cidr;
    const peerValue = rule.peer.kind === "cidr" || rule.peer.kind === "ipv6Cidr" ? rule.peer.cidr : undefined;
    const cidr = peerValue !== undefined ? parseCidr(peerValue) : undefined;
    if (peerValue === undefined || !cidr) {
        return problems;
    }
    const broad = broadIntranetAccessReason(
        rule,
        { publicPorts: settings.publicPorts, allowedCidrs: settings.allowBroadCidrs },
        settings.group,
    );
    const risky = publicRiskyPortReason(rule);
    // An internet-NIC rule to a risky port is the risky-port problem, named on its ports.
    if (broad && !(risky && rule.nicType === "internet")) {
        problems.push(problem(peerPath, peerValue, `${broad}; ${broadAdvice(rule, cidr, settings)}`));
    }
    if (risky && (!broad || rule.nicType === "internet")) {
        problems.push(
            problem(
                paths.ports,
                formatPortRange(rule.ports),
                `${risky}; admit it from a source group or a narrow block instead`,
            ),
        );
    }
    const classic = classicIntranetCidrReason(rule, settings.group);
    if (classic) {
        problems.push(problem(peerPath, peerValue, classic));
    }
    return problems;
}

/**
 * What to do about a broad accept, in words that work: each way out named is one both the component and the
 * policy pack then accept (allowBroadCidrs alone would satisfy the component and leave the pack refusing).
 */
function broadAdvice(rule: SecurityRule<unknown>, cidr: Cidr, settings: RuleCheckSettings): string {
    if (!isAnyAddress(cidr)) {
        return "name a narrower block, or list it in allowBroadCidrs (and the policy pack's allowedCidrs) to allow it deliberately";
    }
    if (!settings.group.vpc && rule.nicType === "intranet") {
        return "name a source group instead: the classic intranet is shared with every tenant";
    }
    const declaration = publicPortsDeclaration(rule, settings.publicPorts, riskyPresetPorts());
    if ("refused" in declaration) {
        return `name a narrower block or a source group (${declaration.refused})`;
    }
    return `name a narrower block, or, for a service meant for the whole Internet, list ${describeValue(cidr.text)} in allowBroadCidrs and declare the port in the policy pack's publicPorts: {"disallow-broad-intranet-cidr": {"publicPorts": [${declaration.ports.join(", ")}]}}`;
}

/**
 * Re-checks a rule whose CIDR was an Output, once the CIDR is known; throws like construction does. A secret CIDR
 * is never printed: its problems say `[secret]` wherever the block would be.
 * @internal
 */
export function checkResolvedCidr(
    plan: GroupPlan,
    planned: PlannedRule,
    cidr: string,
    secret: boolean,
): void {
    const peer =
        planned.rule.peer.kind === "ipv6Cidr"
            ? { kind: "ipv6Cidr" as const, cidr }
            : { kind: "cidr" as const, cidr };
    const problems = plannedRuleProblems({ ...planned, rule: { ...planned.rule, peer } }, plan.settings);
    const block = parseCidr(cidr);
    throwIfProblems(
        plan.context,
        secret
            ? redactSecretValue(problems, cidr, block ? [`${block.network}/${block.prefix}`] : [])
            : problems,
    );
}

/**
 * Expands a port spec or a list of them into ranges; problems are at `path` (or `path[i]` for a list).
 * @internal
 */
export function portRanges(
    protocol: Protocol,
    ports: PortSpec | readonly PortSpec[],
    path: string,
): { ranges: PortRange[]; problems: Problem[] } {
    const list = Array.isArray(ports) ? (ports as readonly PortSpec[]) : [ports as PortSpec];
    const ranges: PortRange[] = [];
    const problems: Problem[] = [];
    if (list.length === 0) {
        problems.push(problem(path, ports, "must name at least one port"));
    }
    list.forEach((port, index) => {
        const itemPath = Array.isArray(ports) ? `${path}[${index}]` : path;
        // Other languages send ports as text: "443" is the port 443, as 443 is.
        const number = typeof port === "string" && /^\d+$/.test(port.trim()) ? Number(port) : port;
        if (typeof number === "number") {
            ranges.push({ from: number, to: number });
        } else {
            const range = parsePortRange(number);
            if (range) {
                ranges.push(range);
            } else {
                problems.push(...portRangeProblems(protocol, number, itemPath));
            }
        }
    });
    return { ranges, problems };
}

/**
 * Names a port range inside a logical name: `6379`, `8000-8100`.
 * @internal
 */
function portSlug(range: PortRange): string {
    return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

/**
 * Turns text (a CIDR, a port list) into part of a logical name: `203.0.113.0/24` → `203-0-113-0-24`.
 * @internal
 */
export function nameSlug(text: string): string {
    return text.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/**
 * One protocol and its port ranges, as a preset or a protocol+ports spec expands to.
 * @internal
 */
export interface ServiceEntry {
    readonly protocol: Protocol;
    readonly ranges: readonly PortRange[];
}

/**
 * The protocol/port entries of a preset, with `ports` (when given) replacing the ports of its tcp/udp
 * entries — e.g. MySQL on 3307.
 * @internal
 */
export function presetEntries(
    service: unknown,
    ports: PortSpec | readonly PortSpec[] | undefined,
    path: string,
    portsPath: string,
): { entries: ServiceEntry[]; problems: Problem[] } {
    if (!isPresetName(service)) {
        return {
            entries: [],
            problems: [problem(path, service, `must be a preset name: ${Object.keys(PRESETS).join(", ")}`)],
        };
    }
    const preset: ServicePreset = PRESETS[service];
    const problems: Problem[] = [];
    if (ports !== undefined && !preset.entries.some((entry) => hasPorts(entry.protocol))) {
        problems.push(problem(portsPath, ports, `cannot be set: preset ${service} has no ports`));
    }
    const entries = preset.entries.map((entry) => {
        if (!hasPorts(entry.protocol)) {
            return { protocol: entry.protocol, ranges: [NO_PORTS] };
        }
        if (ports === undefined) {
            return { protocol: entry.protocol, ranges: entry.ports.map((p) => portRange(p)) };
        }
        const parsed = portRanges(entry.protocol, ports, portsPath);
        problems.push(...parsed.problems);
        return { protocol: entry.protocol, ranges: parsed.ranges };
    });
    // Both entries of a tcp+udp preset parse the same override: report each bad port once.
    return { entries, problems: uniqueProblems(problems) };
}

/**
 * Rules for every (protocol, range) of `entries`, named by `name(slug)`: the slug is empty when there is one
 * rule and `-<protocol>-<ports>` when there are several, so each name stays stable and meaningful.
 * @internal
 */
export function expandEntries(
    entries: readonly ServiceEntry[],
    name: (slug: string) => string,
    make: (protocol: Protocol, ports: PortRange, slug: string) => Omit<PlannedRule, "suffix">,
): PlannedRule[] {
    const pairs = entries.flatMap((entry) =>
        entry.ranges.map((ports) => ({ protocol: entry.protocol, ports })),
    );
    return pairs.map(({ protocol, ports }) => {
        const slug =
            pairs.length === 1 ? "" : hasPorts(protocol) ? `-${protocol}-${portSlug(ports)}` : `-${protocol}`;
        return { suffix: name(slug), ...make(protocol, ports, slug) };
    });
}

/**
 * The one way every component names a rule that admits a peer: `allow-<what>[-<protocol>-<ports>]-from-<peer>`
 * (`allow-https-from-internet`, `allow-ssh-from-bastion`, `allow-rdp-tcp-3389-from-web`).
 * @internal
 */
export function allowRuleName(what: string, slug: string, peer: string): string {
    return `allow-${what}${slug}-from-${peer}`;
}

/** The preset serving exactly one tcp port and nothing else (`ssh` for 22, `https` for 443), if any. */
function singleTcpPreset(port: number): PresetName | undefined {
    for (const [name, preset] of Object.entries(PRESETS) as [PresetName, ServicePreset][]) {
        const [entry, ...rest] = preset.entries;
        if (
            rest.length === 0 &&
            entry.protocol === "tcp" &&
            entry.ports.length === 1 &&
            entry.ports[0] === port
        ) {
            return name;
        }
    }
    return undefined;
}

/**
 * What a public tcp port is called in rule names: its preset (`http`, `https`) or `tcp-<port>`.
 * @internal
 */
export function publicPortName(port: number): string {
    return singleTcpPreset(port) ?? `tcp-${port}`;
}

/**
 * What an administrative tcp port is called in rule names, in every component: its preset or `admin-tcp-<port>`.
 * @internal
 */
export function adminPortName(port: number): string {
    return singleTcpPreset(port) ?? `admin-tcp-${port}`;
}

/**
 * "SSH", "tcp 8080": what a single tcp port is, for descriptions.
 * @internal
 */
export function tcpPortLabel(port: number): string {
    const preset = singleTcpPreset(port);
    return preset !== undefined ? PRESETS[preset].description : `tcp ${port}`;
}

/**
 * "Redis", "tcp 8000-8100", "icmp": what a rule admits, for its description.
 * @internal
 */
export function entryLabel(service: unknown, protocol: Protocol, ports: PortRange): string {
    if (isPresetName(service)) {
        const preset: ServicePreset = PRESETS[service];
        return preset.entries.length === 1
            ? preset.description
            : `${preset.description} (${protocol} ${portLabel(ports)})`;
    }
    return hasPorts(protocol) ? `${protocol} ${portLabel(ports)}` : protocol;
}

function portLabel(ports: PortRange): string {
    return ports.from === ports.to ? String(ports.from) : formatPortRange(ports);
}

/**
 * "the Internet", "203.0.113.0/24", "security group web".
 * @internal
 */
export function peerLabel(peer: Peer<PlannedGroupId>, sourceKey?: string): string {
    switch (peer.kind) {
        case "cidr":
        case "ipv6Cidr": {
            const cidr = parseCidr(peer.cidr);
            return cidr && isAnyAddress(cidr) ? "the Internet" : peer.cidr || "the given CIDR";
        }
        case "group":
            return peer.groupId === SELF_GROUP
                ? "members of this group"
                : `security group ${sourceKey ?? "(given)"}`;
        case "prefixList":
            return "the prefix list";
    }
}

/**
 * A source-group accept: intranet, as the API requires for group peers.
 * @internal
 */
export function sourceRule(
    source: ResolvedSource | typeof SELF_GROUP | SiblingGroup,
    protocol: Protocol,
    ports: PortRange,
    description: string,
): SecurityRule<PlannedGroupId> {
    const peer: Peer<PlannedGroupId> =
        source === SELF_GROUP || "sibling" in source
            ? { kind: "group", groupId: source }
            : {
                  kind: "group",
                  groupId: source.groupId,
                  ...(source.ownerId ? { ownerId: source.ownerId } : {}),
              };
    return {
        direction: "ingress",
        protocol,
        ports,
        peer,
        policy: "accept",
        priority: DEFAULT_ALLOW_PRIORITY,
        nicType: "intranet",
        description,
    };
}

/**
 * Problems with a source that rules of this group cannot name.
 * @internal
 */
export function sourceProblems(
    source: ResolvedSource,
    path: string,
    groupType: SecurityGroupType,
): Problem[] {
    const problems: Problem[] = [];
    if (source.type === "enterprise") {
        problems.push(
            problem(
                path,
                source.key,
                "cannot be an enterprise security group: enterprise groups cannot be referenced by rules",
            ),
        );
    }
    if (groupType === "enterprise") {
        problems.push(
            problem(
                path,
                source.key,
                "cannot be used: an enterprise security group cannot name security groups in its rules",
            ),
        );
    }
    return problems;
}

/**
 * Source-group accepts: for each source of `sources` (at `path`) and each port range of `entries`, one rule named
 * `allow-<what><slug>-from-<source key>`, its ports reported at `portsPath`.
 * @internal
 */
export function sourceAccessRules(
    sources: readonly SecurityGroupSource[] | undefined,
    path: string,
    entries: readonly ServiceEntry[],
    what: string,
    label: (protocol: Protocol, ports: PortRange) => string,
    portsPath: string,
    problems: Problem[],
    formerWhat?: string,
): PlannedRule[] {
    if (!Array.isArray(sources) || sources.length === 0) {
        problems.push(problem(path, sources, "must name at least one security group"));
        return [];
    }
    const rules: PlannedRule[] = [];
    sources.forEach((source, index) => {
        const sourcePath = `${path}[${index}]`;
        const resolved = resolveSource(source, sourcePath);
        if (Array.isArray(resolved)) {
            problems.push(...resolved);
            return;
        }
        problems.push(...sourceProblems(resolved, sourcePath, "normal"));
        rules.push(
            ...expandEntries(
                entries,
                (slug) => allowRuleName(what, slug, resolved.key),
                (protocol, ports, slug) => ({
                    ...(formerWhat !== undefined
                        ? { formerSuffixes: [allowRuleName(formerWhat, slug, resolved.key)] }
                        : {}),
                    path: sourcePath,
                    paths: sourceRulePaths(sourcePath, portsPath),
                    rule: sourceRule(
                        resolved,
                        protocol,
                        ports,
                        `Allow ${label(protocol, ports)} from security group ${resolved.key}`,
                    ),
                }),
            ),
        );
    });
    return rules;
}

/**
 * The paths of a generated source-group rule: the source names the peer, `portsPath` the ports.
 * @internal
 */
export function sourceRulePaths(sourcePath: string, portsPath: string): RulePaths {
    return {
        direction: sourcePath,
        protocol: sourcePath,
        ports: portsPath,
        policy: sourcePath,
        priority: sourcePath,
        nicType: sourcePath,
        cidr: sourcePath,
        ipv6Cidr: sourcePath,
        source: sourcePath,
    };
}

/** Administration by source group only, as every component takes it. */
export interface AdminAccess {
    /** The groups administrators connect from (bastions, VPN gateways). At least one. */
    readonly from: Portable<readonly SecurityGroupSource[], pulumi.Input<string>[]>;
    /** tcp ports. Defaults to `[22]` (SSH). */
    readonly ports?: Portable<readonly number[], number[]>;
}

/**
 * The administrative rules of any group: for each port and each source, `allow-<port name>-from-<key>`
 * (`allow-ssh-from-bastion`, `allow-admin-tcp-2222-from-vpn`). `path` is where `adminAccess` was written;
 * `formerName` gives a port's name in an earlier release, when it differed, to keep as an alias.
 * @internal
 */
export function adminAccessRules(
    adminAccess: AdminAccess | undefined,
    path: string,
    problems: Problem[],
    formerName?: (port: number) => string | undefined,
): PlannedRule[] {
    if (adminAccess === undefined) {
        return [];
    }
    if (typeof adminAccess !== "object" || adminAccess === null) {
        problems.push(problem(path, adminAccess, "must be { from: [groups], ports?: [22] }"));
        return [];
    }
    const ports = (adminAccess.ports ?? [22]) as readonly number[];
    const portProblems = tcpPortListProblems(ports, `${path}.ports`);
    problems.push(...portProblems);
    if (portProblems.length > 0) {
        return [];
    }
    return ports.flatMap((port, portIndex) =>
        sourceAccessRules(
            adminAccess.from as readonly SecurityGroupSource[],
            `${path}.from`,
            [{ protocol: "tcp", ranges: [{ from: port, to: port }] }],
            adminPortName(port),
            () => tcpPortLabel(port),
            `${path}.ports[${portIndex}]`,
            problems,
            formerName?.(port),
        ),
    );
}

/**
 * Problems with a list that must hold tcp port numbers (`publicPorts`, `adminAccess.ports`).
 * @internal
 */
export function tcpPortListProblems(value: unknown, path: string): Problem[] {
    if (!Array.isArray(value)) {
        return [problem(path, value, "must be a list of port numbers, e.g. [80, 443]")];
    }
    // Each wrong element is named, so a long list says which one to fix; ranges are checked with the rules.
    return value.flatMap((port, index) =>
        typeof port === "number"
            ? []
            : [problem(`${path}[${index}]`, port, "must be a port number such as 443")],
    );
}

/** The drop baseline's rules, keyed, at `path`. */
function baselineRules(
    group: GroupContext,
    rules: readonly PlannedRule[],
    options: DropBaseline,
    path: string,
): PlannedRule[] {
    const baseline = dropBaselineRules(
        group,
        rules.map((planned) => planned.rule),
        options,
    );
    return Object.entries(baseline).map(([suffix, rule]) => ({
        suffix,
        path,
        paths: { ...sourceRulePaths(path, path), priority: `${path}.priority` },
        rule,
    }));
}

/**
 * Problems with where a group lives, for every component: a VPC named by `vpcId`, or a classic network only
 * when the caller asks for one with `classicNetwork: true`. Classic networks are legacy (the policy pack's
 * `missing-vpc` advises against every classic group, and their intranet is shared with other tenants), so a
 * forgotten `vpcId` must fail rather than silently build one.
 * @internal
 */
function networkProblems(
    vpcId: unknown,
    classicNetwork: unknown,
    pathOf: (field: "vpcId" | "classicNetwork") => string = (field) => field,
): Problem[] {
    if (classicNetwork !== undefined && typeof classicNetwork !== "boolean") {
        return [problem(pathOf("classicNetwork"), classicNetwork, "must be true or false")];
    }
    const vpcGiven = vpcId !== undefined && vpcId !== null;
    if (vpcGiven && classicNetwork === true) {
        const vpc = pulumi.Output.isInstance(vpcId) ? "an Output" : describeValue(vpcId);
        return [
            problem(
                pathOf("classicNetwork"),
                classicNetwork,
                `must be omitted when vpcId names a VPC (${vpc}): a group is either in a VPC or in the classic network`,
            ),
        ];
    }
    if ((!vpcGiven && classicNetwork !== true) || (typeof vpcId === "string" && vpcId.trim() === "")) {
        return [
            problem(
                pathOf("vpcId"),
                vpcId,
                "must name the VPC of the group",
                "pass classicNetwork: true to build a classic-network group deliberately",
            ),
        ];
    }
    return [];
}

/** Tag keys Alibaba reserves for itself. */
const RESERVED_TAG_PREFIXES = ["aliyun", "acs:"];

/**
 * The group's tags: the caller's, plus `managed-by` and `tier`. The caller's `tier` wins (it is a label);
 * a different `managed-by` is refused rather than overwritten, since owners find managed groups by it.
 * @internal
 */
function mergeTags(
    tags: Record<string, pulumi.Input<string>> | undefined,
    tier: string,
    path: string,
    context: string,
    problems: Problem[],
): Record<string, pulumi.Input<string>> {
    if (
        tags === undefined ||
        tags === null ||
        typeof tags !== "object" ||
        Array.isArray(tags) ||
        pulumi.Output.isInstance(tags)
    ) {
        problems.push(
            problem(path, tags, 'must be an object with at least one tag, e.g. { owner: "team-web" }'),
        );
        return {};
    }
    const keys = Object.keys(tags);
    if (keys.length === 0) {
        problems.push(problem(path, tags, 'must hold at least one tag, e.g. { owner: "team-web" }'));
    }
    for (const key of keys) {
        const value = tags[key];
        if (
            key.trim() === "" ||
            RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix))
        ) {
            problems.push(
                problem(
                    path,
                    key,
                    `must not hold the key: keys are non-empty and do not start with "aliyun" or "acs:"`,
                ),
            );
        }
        if ((typeof value === "string" && value.trim() === "") || value === undefined || value === null) {
            problems.push(problem(`${path}.${key}`, value, "must be a non-empty value"));
        }
    }
    const managedBy = tags[MANAGED_BY_TAG_KEY];
    if (managedBy !== undefined && typeof managedBy === "string" && managedBy !== MANAGED_BY_TAG_VALUE) {
        problems.push(
            problem(
                `${path}.${MANAGED_BY_TAG_KEY}`,
                managedBy,
                `is set by this library: omit it or use ${describeValue(MANAGED_BY_TAG_VALUE)}`,
            ),
        );
    }
    const checked: Record<string, pulumi.Input<string>> = {};
    for (const key of keys) {
        const value = tags[key];
        // A value only known later is checked when it resolves, by the same rule.
        checked[key] =
            typeof value === "string"
                ? value
                : // Whether the value is secret decides whether an error may print it.
                  pulumi.all([value, pulumi.isSecret(pulumi.output(value))]).apply(([resolved, secret]) => {
                      if (typeof resolved !== "string" || resolved.trim() === "") {
                          throwIfProblems(context, [
                              problem(
                                  `${path}.${key}`,
                                  secret ? SECRET_LABEL : resolved,
                                  "must be a non-empty value",
                              ),
                          ]);
                      }
                      return resolved;
                  });
    }
    return { [MANAGED_BY_TAG_KEY]: MANAGED_BY_TAG_VALUE, tier, ...checked };
}
