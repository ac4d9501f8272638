import * as pulumi from "@pulumi/pulumi";
import {
    broadIntranetAccessReason,
    Cidr,
    describeValue,
    SECRET_VALUE_LABEL,
    formatPortRange,
    GroupContext,
    hasPorts,
    isAnyAddress,
    isPresetName,
    MANAGED_BY_TAG_KEY,
    MANAGED_BY_TAG_VALUE,
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
    publicPortsDeclaration,
    riskyPresetPorts,
    ruleProblems,
    ruleSetProblems,
    SecurityRule,
    ServicePreset,
    throwIfProblems,
} from "../core";
import {
    allowPriorityProblems,
    classicIntranetCidrReason,
    dropBaselineRules,
    DropBaselineOptions,
    publicRiskyPortReason,
} from "../core/groupRules";
import { ResolvedSource, SecurityGroupType } from "./sources";

/** A port: a number, or Alibaba's range syntax `"start/end"` (`"8000/8100"`). */
export type PortSpec = number | string;

/** Stands for the group being built, whose id is not known until it is created (member access). */
export const SELF_GROUP: unique symbol = Symbol("self-group");
export type PlannedGroupId = pulumi.Input<string> | typeof SELF_GROUP;

/** One rule resource to create: its stable name suffix, the argument it came from, and the rule. */
export interface PlannedRule {
    readonly suffix: string;
    readonly field: string;
    readonly rule: SecurityRule<PlannedGroupId>;
    /** A CIDR given as an Output: checked when it resolves, since it cannot be checked before. */
    readonly deferredCidr?: pulumi.Output<string>;
    /**
     * The arguments the rule's CIDR and ports came from, when they are not `<field>.cidr`/`<field>.ports`
     * (a web tier's `publicCidrs[0]`, a Redis group's `port`), so that messages name what the caller wrote.
     */
    readonly argumentFields?: { readonly cidr?: string; readonly ports?: string };
}

/** Everything a group component creates, validated. */
export interface GroupPlan {
    /** Undefined when rules go onto an existing group. */
    readonly group?: {
        readonly securityGroupName: pulumi.Input<string>;
        readonly description: pulumi.Input<string>;
        readonly vpcId?: pulumi.Input<string>;
        readonly securityGroupType: SecurityGroupType;
        readonly innerAccessPolicy?: "Accept" | "Drop";
        readonly tags: Record<string, pulumi.Input<string>>;
        readonly resourceGroupId?: pulumi.Input<string>;
    };
    readonly existingSecurityGroupId?: pulumi.Input<string>;
    readonly securityGroupType: SecurityGroupType;
    readonly rules: readonly PlannedRule[];
    /** Re-checks a rule whose CIDR was an Output, once the CIDR is known. */
    /** Checks a rule whose CIDR was an Output, once it resolves; a secret CIDR is never printed. */
    readonly checkResolved: (planned: PlannedRule, cidr: string, secret: boolean) => void;
}

/** Settings of the validation every planned rule goes through. */
export interface RuleCheckSettings {
    readonly group: GroupContext;
    /** Undefined when the drop baseline is off. */
    readonly baselinePriority: number | undefined;
    /** Ports that may face `0.0.0.0/0`/`::/0` without an opt-in. */
    readonly publicPorts: readonly number[];
    /** Broad blocks the caller deliberately allows for intranet access. */
    readonly allowBroadCidrs: readonly string[];
}

/** Every problem with one rule: the API's, the baseline's and our safety rules', all from `core/`. */
export function plannedRuleProblems(planned: PlannedRule, settings: RuleCheckSettings): Problem[] {
    const renames: [string, string | undefined][] = [
        [`${planned.field}.cidr`, planned.argumentFields?.cidr],
        [`${planned.field}.ipv6Cidr`, planned.argumentFields?.cidr],
        [`${planned.field}.ports`, planned.argumentFields?.ports],
    ];
    return ruleProblemsAsWritten(planned, settings).map((p) => {
        const rename = renames.find(([from, to]) => to !== undefined && p.field === from);
        return rename
            ? {
                  ...p,
                  field: rename[1] as string,
                  message: `${rename[1]}${p.message.slice(rename[0].length)}`,
              }
            : p;
    });
}

function ruleProblemsAsWritten(planned: PlannedRule, settings: RuleCheckSettings): Problem[] {
    const { rule, field } = planned;
    const problems = ruleProblems(rule, field, settings.group);
    problems.push(...allowPriorityProblems(rule, field, settings.baselinePriority));
    const cidrField = rule.peer.kind === "ipv6Cidr" ? `${field}.ipv6Cidr` : `${field}.cidr`;
    const peerValue = rule.peer.kind === "cidr" || rule.peer.kind === "ipv6Cidr" ? rule.peer.cidr : undefined;
    const cidr = peerValue !== undefined ? parseCidr(peerValue) : undefined;
    if (peerValue !== undefined && cidr) {
        const broad = broadIntranetAccessReason(
            rule,
            { publicPorts: settings.publicPorts, allowedCidrs: settings.allowBroadCidrs },
            settings.group,
        );
        const risky = publicRiskyPortReason(rule);
        // An internet-NIC rule to a risky port is the risky-port problem, named on its ports, as it always was.
        if (broad && !(risky && rule.nicType === "internet")) {
            problems.push(problem(cidrField, peerValue, `${broad}; ${broadAdvice(rule, cidr, settings)}`));
        }
        if (risky && (!broad || rule.nicType === "internet")) {
            problems.push(
                problem(
                    `${field}.ports`,
                    formatPortRange(rule.ports),
                    `${risky}; admit it from a source group or a narrow block instead`,
                ),
            );
        }
        const classic = classicIntranetCidrReason(rule, settings.group);
        if (classic) {
            problems.push(problem(cidrField, peerValue, classic));
        }
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

/** Validates the whole rule set: every rule, the set limits, and unique names. Throws with every problem. */
export function checkPlan(
    context: string,
    rules: readonly PlannedRule[],
    settings: RuleCheckSettings,
    problems: Problem[],
) {
    const seen = new Map<string, string>();
    for (const planned of rules) {
        const earlier = seen.get(planned.suffix);
        if (earlier !== undefined) {
            problems.push(
                problem(
                    planned.field,
                    planned.suffix,
                    `names a rule that ${earlier} already names; every rule needs its own key`,
                ),
            );
        } else {
            seen.set(planned.suffix, planned.field);
        }
        if (!planned.deferredCidr) {
            problems.push(...plannedRuleProblems(planned, settings));
        } else {
            // The CIDR is checked when it resolves; everything else about the rule is checked now.
            problems.push(
                ...plannedRuleProblems(planned, settings).filter(
                    (p) => !p.field.endsWith(".cidr") && !p.field.endsWith(".ipv6Cidr"),
                ),
            );
        }
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
    // One bad argument can stand behind several rules (a port override of every source): report it once.
    throwIfProblems(context, dedupeProblems(problems));
}

/** Expands a list of port specs into ranges; problems name `field` (or `field[i]` for a list). */
export function portRanges(protocol: Protocol, ports: PortSpec | readonly PortSpec[], field: string) {
    const list = Array.isArray(ports) ? (ports as readonly PortSpec[]) : [ports as PortSpec];
    const ranges: PortRange[] = [];
    const problems: Problem[] = [];
    if (list.length === 0) {
        problems.push(problem(field, ports, "must name at least one port"));
    }
    list.forEach((port, index) => {
        const itemField = Array.isArray(ports) ? `${field}[${index}]` : field;
        if (typeof port === "number") {
            ranges.push({ from: port, to: port });
        } else {
            const range = parsePortRange(port);
            if (range) {
                ranges.push(range);
            } else {
                problems.push(...portRangeProblems(protocol, port, itemField));
            }
        }
    });
    return { ranges, problems };
}

/** Names a port range inside a logical name: `6379`, `8000-8100`. */
export function portSlug(range: PortRange): string {
    return range.from === range.to ? String(range.from) : `${range.from}-${range.to}`;
}

/** Turns text (a CIDR, a port list) into part of a logical name: `203.0.113.0/24` → `203-0-113-0-24`. */
export function nameSlug(cidr: string): string {
    return cidr.replace(/[^A-Za-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** One protocol and its port ranges, as a preset or a protocol+ports spec expands to. */
export interface ServiceEntry {
    readonly protocol: Protocol;
    readonly ranges: readonly PortRange[];
}

/**
 * The protocol/port entries of a preset, with `ports` (when given) replacing the ports of its tcp/udp
 * entries — e.g. MySQL on 3307.
 */
export function presetEntries(
    service: PresetName,
    ports: PortSpec | readonly PortSpec[] | undefined,
    field: string,
    portsField: string,
): { entries: ServiceEntry[]; problems: Problem[] } {
    if (!isPresetName(service)) {
        return {
            entries: [],
            problems: [problem(field, service, `must be a preset name: ${Object.keys(PRESETS).join(", ")}`)],
        };
    }
    const preset: ServicePreset = PRESETS[service];
    const problems: Problem[] = [];
    if (ports !== undefined && !preset.entries.some((entry) => hasPorts(entry.protocol))) {
        problems.push(problem(portsField, ports, `cannot be set: preset ${service} has no ports`));
    }
    const entries = preset.entries.map((entry) => {
        if (!hasPorts(entry.protocol)) {
            return { protocol: entry.protocol, ranges: [NO_PORTS] };
        }
        if (ports === undefined) {
            return { protocol: entry.protocol, ranges: entry.ports.map((p) => portRange(p)) };
        }
        const parsed = portRanges(entry.protocol, ports, portsField);
        problems.push(...parsed.problems);
        return { protocol: entry.protocol, ranges: parsed.ranges };
    });
    // Both entries of a tcp+udp preset parse the same override: report each bad port once.
    return { entries, problems: dedupeProblems(problems) };
}

export function dedupeProblems(problems: readonly Problem[]): Problem[] {
    const seen = new Set<string>();
    return problems.filter((p) => (seen.has(p.message) ? false : (seen.add(p.message), true)));
}

/**
 * Rules for every (protocol, range) of `entries`, named `<base>` when there is one and
 * `<base>-<protocol>-<ports>` when there are several, so each name stays stable and meaningful.
 */
export function expandEntries(
    entries: readonly ServiceEntry[],
    base: (slug: string) => string,
    make: (protocol: Protocol, ports: PortRange) => Omit<PlannedRule, "suffix">,
): PlannedRule[] {
    const pairs = entries.flatMap((entry) =>
        entry.ranges.map((ports) => ({ protocol: entry.protocol, ports })),
    );
    return pairs.map(({ protocol, ports }) => {
        const slug =
            pairs.length === 1 ? "" : hasPorts(protocol) ? `-${protocol}-${portSlug(ports)}` : `-${protocol}`;
        return { suffix: base(slug), ...make(protocol, ports) };
    });
}

/** "Redis", "tcp 8000-8100", "icmp": what a rule admits, for its description. */
export function entryLabel(service: PresetName | undefined, protocol: Protocol, ports: PortRange): string {
    if (service !== undefined && isPresetName(service)) {
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

/** "the Internet", "203.0.113.0/24", "security group web". */
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

/** A source-group accept: intranet, as the API requires for group peers. */
export function sourceRule(
    source: ResolvedSource | typeof SELF_GROUP,
    protocol: Protocol,
    ports: PortRange,
    priority: number,
    description: string,
): SecurityRule<PlannedGroupId> {
    const peer: Peer<PlannedGroupId> =
        source === SELF_GROUP
            ? { kind: "group", groupId: SELF_GROUP }
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
        priority,
        nicType: "intranet",
        description,
    };
}

/** Problems with sources that rules of this group cannot name. */
export function sourceProblems(
    source: ResolvedSource,
    field: string,
    groupType: SecurityGroupType,
): Problem[] {
    const problems: Problem[] = [];
    if (source.type === "enterprise") {
        problems.push(
            problem(
                field,
                source.key,
                "cannot be an enterprise security group: enterprise groups cannot be referenced by rules",
            ),
        );
    }
    if (groupType === "enterprise") {
        problems.push(
            problem(
                field,
                source.key,
                "cannot be used: an enterprise security group cannot name security groups in its rules",
            ),
        );
    }
    return problems;
}

/** The drop baseline's rules, keyed, with a field for messages. */
export function baselineRules(
    group: GroupContext,
    rules: readonly PlannedRule[],
    options: DropBaselineOptions | false,
    field: string,
): PlannedRule[] {
    if (options === false) {
        return [];
    }
    const baseline = dropBaselineRules(
        group,
        rules.map((planned) => planned.rule),
        options,
    );
    return Object.entries(baseline).map(([suffix, rule]) => ({ suffix, field, rule }));
}

/**
 * Problems with where a group lives, for every component: a VPC named by `vpcId`, or a classic network only
 * when the caller asks for one with `classicNetwork: true`. Classic networks are legacy (the policy pack's
 * `missing-vpc` advises against every classic group, and their intranet is shared with other tenants), so a
 * forgotten `vpcId` must fail rather than silently build one.
 */
export function networkProblems(vpcId: unknown, classicNetwork: unknown): Problem[] {
    if (classicNetwork !== undefined && typeof classicNetwork !== "boolean") {
        return [problem("classicNetwork", classicNetwork, "must be true or false")];
    }
    const vpcGiven = vpcId !== undefined && vpcId !== null;
    if (vpcGiven && classicNetwork === true) {
        const vpc = pulumi.Output.isInstance(vpcId) ? "an Output" : describeValue(vpcId);
        return [
            {
                field: "classicNetwork",
                value: classicNetwork,
                message: `classicNetwork must be omitted when vpcId names a VPC: a group is either in a VPC or in the classic network (got classicNetwork true, vpcId ${vpc})`,
            },
        ];
    }
    if ((!vpcGiven && classicNetwork !== true) || (typeof vpcId === "string" && vpcId.trim() === "")) {
        const missing = problem("vpcId", vpcId, "must name the VPC of the group");
        return [
            {
                ...missing,
                message: `${missing.message}; pass classicNetwork: true to build a classic-network group deliberately`,
            },
        ];
    }
    return [];
}

/** Tag keys Alibaba reserves for itself. */
const RESERVED_TAG_PREFIXES = ["aliyun", "acs:"];

/**
 * The group's tags: the caller's, plus `managed-by` and `tier`. The caller's `tier` wins (it is a label);
 * a different `managed-by` is refused rather than overwritten, since owners find managed groups by it.
 */
export function mergeTags(
    tags: Record<string, pulumi.Input<string>> | undefined,
    tier: string,
    field: string,
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
            problem(field, tags, 'must be an object with at least one tag, e.g. { owner: "team-web" }'),
        );
        return {};
    }
    const keys = Object.keys(tags);
    if (keys.length === 0) {
        problems.push(problem(field, tags, 'must hold at least one tag, e.g. { owner: "team-web" }'));
    }
    for (const key of keys) {
        const value = tags[key];
        if (
            key.trim() === "" ||
            RESERVED_TAG_PREFIXES.some((prefix) => key.toLowerCase().startsWith(prefix))
        ) {
            problems.push(
                problem(`${field} key`, key, `must be a non-empty key not starting with "aliyun" or "acs:"`),
            );
        }
        if (typeof value === "string" && value.trim() === "") {
            problems.push(problem(`${field}.${key}`, value, "must be a non-empty value"));
        } else if (value === undefined || value === null) {
            problems.push(problem(`${field}.${key}`, value, "must be a non-empty value"));
        }
    }
    const managedBy = tags[MANAGED_BY_TAG_KEY];
    if (managedBy !== undefined && typeof managedBy === "string" && managedBy !== MANAGED_BY_TAG_VALUE) {
        problems.push(
            problem(
                `${field}.${MANAGED_BY_TAG_KEY}`,
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
                : pulumi.all([value, pulumi.isSecret(pulumi.output(value))]).apply(([resolved, secret]) => {
                      if (typeof resolved !== "string" || resolved.trim() === "") {
                          const got = secret ? SECRET_VALUE_LABEL : describeValue(resolved);
                          throw new Error(`${field}.${key} must be a non-empty value (got ${got})`);
                      }
                      return resolved;
                  });
    }
    return { [MANAGED_BY_TAG_KEY]: MANAGED_BY_TAG_VALUE, tier, ...checked };
}
