import { AccessEvaluation, AccessQuery, evaluateAccess } from "./effective";
import { MemberType, memberTypeOf } from "./members/catalog";
import { NetworkLookup, networkOf, NetworkOf, NetworkResource } from "./members/network";
import { AttachmentReading, readMemberAttachments } from "./members/read";
import {
    GroupReading,
    isKnown,
    readGroup,
    readKey,
    readRule,
    ruleFromReading,
    RuleReading,
    SECURITY_GROUP_RULE_TYPE,
    SECURITY_GROUP_TYPE,
    UNKNOWN,
} from "./read";
import { SecurityRule } from "./rule";
import { isRejected } from "./validity";

/**
 * Joining a stack's resources: rules to their groups, members (every resource type of the member catalog,
 * `core/members/catalog.ts`: instances, ENIs, launch templates, node pools, ECI, load balancers...) to the groups
 * they join, whitelists (Redis, RDS...) to the groups whose members they admit, and source-group rules to the
 * groups they name.
 *
 * Every join matches a known id to a group of the stack first; in preview ids are unknown, so it then follows
 * `propertyDependencies` (the URNs a property was computed from, which the engine knows before anything exists)
 * when they name exactly one group. What cannot be joined stays visible as an external id or as unknown ("can't
 * tell yet"), never as a guess.
 */

/**
 * One resource as a stack policy or the offline gate sees it. `props` may be `@pulumi/policy`'s proxy.
 * `propertyDependencies` values may be URNs or resource objects with a `urn` (as `@pulumi/policy` passes them).
 * @internal
 */
export interface StackResourceInput {
    readonly urn: string;
    readonly type: string;
    readonly name?: string;
    readonly props: unknown;
    readonly propertyDependencies?: Readonly<Record<string, readonly unknown[]>>;
    /** The resource's id when known (also read from `props.id`). */
    readonly id?: string;
}

/**
 * How a group reference (a rule's group, a source group, a member's group) resolved.
 * @internal
 */
export type GroupRef =
    | { readonly kind: "stack"; readonly group: StackGroup }
    | { readonly kind: "external"; readonly id: string; readonly ownerId?: string }
    | { readonly kind: "unknown" };

/** @internal */
export interface StackGroup {
    readonly urn: string;
    readonly name: string;
    readonly id: string | undefined;
    readonly reading: GroupReading;
    /** The rules whose `securityGroupId` joins this group. */
    readonly rules: StackRule[];
    /** Member attachments that include this group. */
    readonly attachments: StackAttachment[];
    /** Whitelists (Redis, RDS...) that admit this group's members. */
    readonly admittedBy: StackAttachment[];
    /** Rules (of any group) that name this group as their source. */
    readonly referencedBy: StackRule[];
    /** The group's network: its VPC, the classic network (no `vpcId`), or unknown. */
    readonly network: NetworkOf;
}

/** @internal */
export interface StackRule {
    readonly urn: string;
    readonly name: string;
    readonly reading: RuleReading;
    readonly group: GroupRef;
    /** The source group of a group-peer rule; undefined for other peers. */
    readonly source: GroupRef | undefined;
    /**
     * The rule with defaults applied and group peers keyed by {@link groupKeyOf}, or undefined when something
     * that decides matching is not known yet (or malformed).
     */
    readonly rule: SecurityRule<string> | undefined;
}

/** @internal */
export interface StackAttachment {
    readonly member: StackMember;
    /** The paths the groups come from (e.g. `securityGroups`, `networkInterfaces.securityGroupIds`). */
    readonly fields: readonly string[];
    /** Distinct groups, in order: stack groups and external ids. */
    readonly groups: readonly Exclude<GroupRef, { kind: "unknown" }>[];
    /** Entries that could be neither joined nor named yet. */
    readonly unknownCount: number;
}

/** @internal */
export interface StackMember {
    /** The resource to change: the member, or for attachment resources the first one naming the member. */
    readonly urn: string;
    /** The member's logical name (for an ALB attachment, the load balancer's). */
    readonly name: string;
    readonly type: string;
    /** What the catalog says about the type: fields, limits, network, label. */
    readonly entry: MemberType;
    readonly attachments: StackAttachment[];
    /** The member's network: the VPC of its vSwitch, the classic network, or unknown. */
    readonly network: NetworkOf;
}

/** @internal */
export interface StackModel {
    readonly groups: readonly StackGroup[];
    readonly rules: readonly StackRule[];
    /** Resources whose network interfaces join groups: their groups are pooled. */
    readonly members: readonly StackMember[];
    /** Resources that admit the members of the groups they name (Redis, RDS, MongoDB, PolarDB). */
    readonly whitelists: readonly StackMember[];
    readonly groupByUrn: ReadonlyMap<string, StackGroup>;
    /** The stack's resources by URN and id, for following a resource's network. */
    readonly lookup: NetworkLookup;
}

/** The group id rules use in {@link StackRule.rule}: the URN for a stack group, the id for an external one. */
function groupKeyOf(ref: GroupRef): string | undefined {
    switch (ref.kind) {
        case "stack":
            return ref.group.urn;
        case "external":
            return ref.id;
        case "unknown":
            return undefined;
    }
}

function safeString(value: unknown): string | undefined {
    return typeof value === "string" ? value : undefined;
}

/** URNs a property depends on; accepts URN strings or objects with a `urn`. */
function dependencyUrns(resource: StackResourceInput, field: string): string[] {
    try {
        const deps = resource.propertyDependencies?.[field];
        if (!Array.isArray(deps)) {
            return [];
        }
        const urns: string[] = [];
        for (const dep of deps) {
            const urn = typeof dep === "string" ? dep : safeString(readKey(dep, "urn"));
            if (urn) {
                urns.push(urn);
            }
        }
        return urns;
    } catch {
        return [];
    }
}

function nameOf(resource: StackResourceInput): string {
    if (typeof resource.name === "string" && resource.name !== "") {
        return resource.name;
    }
    const urn = typeof resource.urn === "string" ? resource.urn : "";
    return urn.slice(urn.lastIndexOf("::") + 2) || urn;
}

function idOf(resource: StackResourceInput): string | undefined {
    if (typeof resource.id === "string" && resource.id !== "") {
        return resource.id;
    }
    const id = readKey(resource.props, "id");
    return typeof id === "string" && id !== "" && isKnown(id) ? id : undefined;
}

/**
 * Joins a stack's resources. Never throws; resources of other types are ignored.
 * @internal
 */
export function joinStack(resources: readonly StackResourceInput[]): StackModel {
    const lookup = networkLookup(resources);
    const groups: StackGroup[] = [];
    const groupByUrn = new Map<string, StackGroup>();
    const groupById = new Map<string, StackGroup>();
    for (const resource of resources) {
        if (resource?.type !== SECURITY_GROUP_TYPE || typeof resource.urn !== "string") {
            continue;
        }
        const group: StackGroup = {
            urn: resource.urn,
            name: nameOf(resource),
            id: idOf(resource),
            reading: readGroup(resource.props),
            rules: [],
            attachments: [],
            admittedBy: [],
            referencedBy: [],
            network: networkOf(lookup.byUrn.get(resource.urn) as NetworkResource, lookup),
        };
        groups.push(group);
        groupByUrn.set(group.urn, group);
        if (group.id !== undefined) {
            groupById.set(group.id, group);
        }
    }

    /** Resolves one reference: id equality first, then dependencies when they name exactly one group. */
    const resolve = (value: unknown, urns: readonly string[], ownerId?: unknown): GroupRef => {
        const candidates = [...new Set(urns)].flatMap((urn) => groupByUrn.get(urn) ?? []);
        if (typeof value === "string" && groupById.has(value)) {
            return { kind: "stack", group: groupById.get(value) as StackGroup };
        }
        if (candidates.length === 1) {
            return { kind: "stack", group: candidates[0] };
        }
        if (typeof value === "string" && value.trim() !== "" && isKnown(value)) {
            return typeof ownerId === "string" && isKnown(ownerId)
                ? { kind: "external", id: value, ownerId }
                : { kind: "external", id: value };
        }
        return { kind: "unknown" };
    };

    const rules: StackRule[] = [];
    for (const resource of resources) {
        if (resource?.type !== SECURITY_GROUP_RULE_TYPE || typeof resource.urn !== "string") {
            continue;
        }
        const reading = readRule(resource.props);
        const group = resolve(reading.securityGroupId, dependencyUrns(resource, "securityGroupId"));
        let source: GroupRef | undefined;
        if (reading.peer?.field === "sourceSecurityGroupId") {
            const owner = reading.sourceGroupOwner;
            source = resolve(reading.peer.value, dependencyUrns(resource, "sourceSecurityGroupId"), owner);
            // A cross-account owner makes the id name a group in another account, even if an id coincides.
            if (isKnown(owner) && source.kind === "stack" && isKnown(reading.peer.value)) {
                source = { kind: "external", id: reading.peer.value, ownerId: owner };
            }
        }
        const vpc = group.kind === "stack" ? group.group.reading.vpc : reading.nicType !== "internet";
        // Group peers are keyed by the joined group, so that a rule naming a group whose id is unknown still counts.
        const sourceKey = source ? groupKeyOf(source) : undefined;
        const rule =
            source === undefined
                ? ruleFromReading(reading, vpc)
                : sourceKey === undefined || !reading.peer
                  ? undefined
                  : ruleFromReading(
                        {
                            ...reading,
                            peer: { field: reading.peer.field, value: sourceKey },
                            sourceGroupOwner: source.kind === "external" ? source.ownerId : undefined,
                        },
                        vpc,
                    );
        const stackRule: StackRule = {
            urn: resource.urn,
            name: nameOf(resource),
            reading,
            group,
            source,
            rule,
        };
        rules.push(stackRule);
        if (group.kind === "stack") {
            group.group.rules.push(stackRule);
        }
        if (source?.kind === "stack") {
            source.group.referencedBy.push(stackRule);
        }
    }

    const members: StackMember[] = [];
    const whitelists: StackMember[] = [];
    // Attachment resources (an ALB's security group attachments) add to the member they name.
    const byTarget = new Map<string, StackMember>();
    for (const resource of resources) {
        const entry = resource && typeof resource.urn === "string" ? memberTypeOf(resource.type) : undefined;
        if (!entry) {
            continue;
        }
        const target = entry.memberOf ? memberTargetKey(resource, entry.memberOf, lookup) : undefined;
        const existing = target !== undefined ? byTarget.get(target.key) : undefined;
        const member: StackMember = existing ?? {
            urn: resource.urn,
            name: target?.name ?? nameOf(resource),
            type: resource.type,
            entry,
            attachments: [],
            network: networkOf(lookup.byUrn.get(resource.urn) as NetworkResource, lookup),
        };
        const joined = readMemberAttachments(entry, resource.props).map((reading) =>
            joinAttachment(member, reading, resource, groupByUrn, resolve),
        );
        if (existing) {
            // One load balancer, one set of groups: every attachment resource adds to it.
            const merged = [...existing.attachments, ...joined];
            existing.attachments.splice(
                0,
                existing.attachments.length,
                ...mergeAttachments(existing, merged),
            );
            continue;
        }
        member.attachments.push(...joined);
        if (target !== undefined) {
            byTarget.set(target.key, member);
        }
        (entry.relation === "whitelist" ? whitelists : members).push(member);
    }
    for (const member of [...members, ...whitelists]) {
        for (const attachment of member.attachments) {
            // An attachment's groups are distinct (joinAttachment dedupes them), and the attachment is new: no
            // membership test, which would make a group joined by n members cost n² here.
            for (const ref of attachment.groups) {
                if (ref.kind === "stack") {
                    (member.entry.relation === "whitelist"
                        ? ref.group.admittedBy
                        : ref.group.attachments
                    ).push(attachment);
                }
            }
        }
    }
    return { groups, rules, members, whitelists, groupByUrn, lookup };
}

/** Every resource of the stack as the network resolution reads it. */
function networkLookup(resources: readonly StackResourceInput[]): NetworkLookup {
    const byUrn = new Map<string, NetworkResource>();
    const byId = new Map<string, NetworkResource>();
    const inputs = new Map<string, StackResourceInput>();
    for (const resource of resources) {
        if (!resource || typeof resource.urn !== "string" || typeof resource.type !== "string") {
            continue;
        }
        const entry: NetworkResource = {
            urn: resource.urn,
            type: resource.type,
            name: nameOf(resource),
            props: resource.props,
            id: idOf(resource),
        };
        byUrn.set(entry.urn, entry);
        inputs.set(entry.urn, resource);
        if (entry.id !== undefined) {
            byId.set(entry.id, entry);
        }
    }
    return {
        byUrn,
        byId,
        dependencies: (resource, property) => {
            const input = inputs.get(resource.urn);
            return input ? dependencyUrns(input, property) : [];
        },
    };
}

/**
 * The member an attachment resource names (`loadBalancerId`): the resource in the stack it depends on or whose
 * id it names, else the id itself. Undefined when the value is unknown and names nothing: that attachment then
 * stands alone, since it cannot be told which member it adds to.
 */
function memberTargetKey(
    resource: StackResourceInput,
    field: string,
    lookup: NetworkLookup,
): { key: string; name: string } | undefined {
    const urns = dependencyUrns(resource, field).filter((urn) => lookup.byUrn.has(urn));
    if (urns.length === 1) {
        return { key: `urn ${urns[0]}`, name: lookup.byUrn.get(urns[0])?.name ?? urns[0] };
    }
    const value = readKey(resource.props, field);
    if (typeof value === "string" && value.trim() !== "" && isKnown(value)) {
        const named = lookup.byId.get(value);
        return named ? { key: `urn ${named.urn}`, name: named.name } : { key: `id ${value}`, name: value };
    }
    return undefined;
}

/** One attachment out of several of one member: their groups (distinct) and unknown entries together. */
function mergeAttachments(member: StackMember, attachments: readonly StackAttachment[]): StackAttachment[] {
    if (attachments.length <= 1) {
        return [...attachments];
    }
    const groups: Exclude<GroupRef, { kind: "unknown" }>[] = [];
    const seen = new Set<unknown>();
    for (const ref of attachments.flatMap((attachment) => attachment.groups)) {
        const key = ref.kind === "stack" ? ref.group : `external:${ref.id}`;
        if (!seen.has(key)) {
            seen.add(key);
            groups.push(ref);
        }
    }
    return [
        {
            member,
            fields: [...new Set(attachments.flatMap((attachment) => attachment.fields))],
            groups,
            unknownCount: attachments.reduce((sum, attachment) => sum + attachment.unknownCount, 0),
        },
    ];
}

function joinAttachment(
    member: StackMember,
    reading: AttachmentReading,
    resource: StackResourceInput,
    groupByUrn: ReadonlyMap<string, StackGroup>,
    resolve: (value: unknown, urns: readonly string[]) => GroupRef,
): StackAttachment {
    const dependencyGroups = [
        ...new Set(
            reading.dependencyKeys
                .flatMap((field) => dependencyUrns(resource, field))
                .filter((u) => groupByUrn.has(u)),
        ),
    ].map((urn) => groupByUrn.get(urn) as StackGroup);
    const found: Exclude<GroupRef, { kind: "unknown" }>[] = [];
    const seen = new Set<unknown>();
    const add = (ref: Exclude<GroupRef, { kind: "unknown" }>) => {
        const key = ref.kind === "stack" ? ref.group : `external:${ref.id}`;
        if (!seen.has(key)) {
            seen.add(key);
            found.push(ref);
        }
    };
    const leftovers: (string | typeof UNKNOWN)[] = [];
    for (const id of reading.groupIds) {
        const ref = id === UNKNOWN ? undefined : resolve(id, []);
        if (ref?.kind === "stack") {
            add(ref);
        } else {
            leftovers.push(id);
        }
    }
    // The dependencies of the list name the groups whose ids are unknown (or absent from the groups' props):
    // they account for that many leftovers. Only without any can a known unmatched id be called external.
    const extra = dependencyGroups.filter((group) => !seen.has(group));
    extra.forEach((group) => add({ kind: "stack", group }));
    let unresolved = 0;
    if (extra.length === 0) {
        for (const id of leftovers) {
            if (typeof id === "string") {
                add({ kind: "external", id });
            } else {
                unresolved++;
            }
        }
    } else if (
        reading.dependencyKeys.every((field) =>
            dependencyUrns(resource, field).every((u) => groupByUrn.has(u)),
        )
    ) {
        // Every unknown entry was computed from a dependency, and every dependency is a stack group now joined:
        // a list naming one group twice leaves nothing unknown. The groups the unknown entries cannot account
        // for are named by known ids the groups' props do not show (under mocks, or in a stack that exists);
        // when none is left over, the known unmatched ids name groups outside the stack.
        const unknownEntries = leftovers.filter((id) => typeof id !== "string").length;
        const known = leftovers.filter((id): id is string => typeof id === "string");
        const carried = Math.max(0, extra.length - unknownEntries);
        if (carried === 0) {
            known.forEach((id) => add({ kind: "external", id }));
        } else {
            unresolved = Math.max(0, known.length - carried);
        }
    } else {
        unresolved = Math.max(0, leftovers.length - extra.length);
    }
    return { member, fields: reading.fields, groups: found, unknownCount: unresolved };
}

/**
 * An evaluation plus whether it saw every rule that matters.
 * @internal
 */
export interface StackEvaluation extends AccessEvaluation {
    /** False when some rule (or group) could not be read yet: conclusions about allowed access may be partial. */
    readonly complete: boolean;
    /** Groups outside the stack whose rules are pooled in but unseen (the evaluation omits them). */
    readonly externalGroups: number;
    /** True when some group's inner access policy is unknown (treated as Drop): group peers may be partial. */
    readonly innerAccessUnknown: boolean;
    /** The stack rules evaluated, in the order of `outcomes` and of regions' `rules` indexes. */
    readonly stackRules: readonly StackRule[];
}

/**
 * Effective access of one group on its own: its rules, and inner access for its members when its
 * `innerAccessPolicy` is Accept. Group peers are keyed by {@link groupKeyOf} (the URN of a stack group).
 * @internal
 */
export function evaluateGroup(
    group: StackGroup,
    query: Omit<AccessQuery, "innerAccessGroups">,
): StackEvaluation {
    return evaluatePool([group], 0, 0, query);
}

/**
 * Effective access of a member attachment (an ENI, an instance's primary NIC, a launch template): the rules
 * of all its groups pooled, inner access for every group with `innerAccessPolicy: Accept`.
 * @internal
 */
export function evaluateAttachment(
    attachment: StackAttachment,
    query: Omit<AccessQuery, "innerAccessGroups">,
): StackEvaluation {
    const stackGroups = attachment.groups.flatMap((ref) => (ref.kind === "stack" ? [ref.group] : []));
    const external = attachment.groups.filter((ref) => ref.kind === "external").length;
    return evaluatePool(stackGroups, attachment.unknownCount, external, query);
}

function evaluatePool(
    groups: readonly StackGroup[],
    unknownGroups: number,
    externalGroups: number,
    query: Omit<AccessQuery, "innerAccessGroups">,
): StackEvaluation {
    const stackRules = groups.flatMap((group) => group.rules);
    // A rule the API refuses never exists: it must not count as opening or, above all, as closing anything.
    const usable = stackRules.filter((rule) => rule.rule !== undefined && !isRejected(rule));
    const inner = groups.filter((group) => group.reading.innerAccept === true).map((group) => group.urn);
    const evaluation = evaluateAccess(
        usable.map((rule) => rule.rule as SecurityRule<string>),
        { ...query, innerAccessGroups: inner },
    );
    const complete =
        unknownGroups === 0 && usable.length === stackRules.filter((rule) => !isRejected(rule)).length;
    const innerAccessUnknown = groups.some((group) => group.reading.innerAccept === UNKNOWN);
    return { ...evaluation, complete, externalGroups, innerAccessUnknown, stackRules: usable };
}
