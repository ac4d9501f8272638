import { AccessEvaluation, AccessQuery, evaluateAccess } from "./effective";
import {
    AttachmentReading,
    GroupReading,
    isKnown,
    isMemberType,
    readAttachments,
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
 * Joining a stack's resources: rules to their groups, members (instances, ENIs, instance sets, launch
 * templates, scaling configurations) to the groups they join, and source-group rules to the groups they name.
 *
 * In preview ids are unknown, so every join first follows `propertyDependencies` (the URNs a property was
 * computed from, which the engine knows before anything exists) and falls back to id equality. What cannot be
 * joined stays visible as an external id or as unknown ("can't tell yet"), never as a guess.
 */

/**
 * One resource as a stack policy or the offline gate sees it. `props` may be `@pulumi/policy`'s proxy.
 * `propertyDependencies` values may be URNs or resource objects with a `urn` (as `@pulumi/policy` passes them).
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

/** How a group reference (a rule's group, a source group, a member's group) resolved. */
export type GroupRef =
    | { readonly kind: "stack"; readonly group: StackGroup }
    | { readonly kind: "external"; readonly id: string; readonly ownerId?: string }
    | { readonly kind: "unknown" };

export interface StackGroup {
    readonly urn: string;
    readonly name: string;
    readonly id: string | undefined;
    readonly reading: GroupReading;
    /** The rules whose `securityGroupId` joins this group. */
    readonly rules: StackRule[];
    /** Member attachments that include this group. */
    readonly attachments: StackAttachment[];
    /** Rules (of any group) that name this group as their source. */
    readonly referencedBy: StackRule[];
}

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

export interface StackAttachment {
    readonly member: StackMember;
    /** The properties the groups come from (e.g. `securityGroups`, `networkInterfaces`). */
    readonly fields: readonly string[];
    /** Distinct groups, in order: stack groups and external ids. */
    readonly groups: readonly Exclude<GroupRef, { kind: "unknown" }>[];
    /** Entries that could be neither joined nor named yet. */
    readonly unknownCount: number;
}

export interface StackMember {
    readonly urn: string;
    readonly name: string;
    readonly type: string;
    readonly attachments: StackAttachment[];
}

export interface StackModel {
    readonly groups: readonly StackGroup[];
    readonly rules: readonly StackRule[];
    readonly members: readonly StackMember[];
    readonly groupByUrn: ReadonlyMap<string, StackGroup>;
}

/** The group id rules use in {@link StackRule.rule}: the URN for a stack group, the id for an external one. */
export function groupKeyOf(ref: GroupRef): string | undefined {
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

/** Joins a stack's resources. Never throws; resources of other types are ignored. */
export function joinStack(resources: readonly StackResourceInput[]): StackModel {
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
            referencedBy: [],
        };
        groups.push(group);
        groupByUrn.set(group.urn, group);
        if (group.id !== undefined) {
            groupById.set(group.id, group);
        }
    }

    /** Resolves one reference: dependencies first (when they name exactly one group), then id equality. */
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
    for (const resource of resources) {
        if (!resource || typeof resource.type !== "string" || !isMemberType(resource.type)) {
            continue;
        }
        const member: StackMember = {
            urn: resource.urn,
            name: nameOf(resource),
            type: resource.type,
            attachments: [],
        };
        for (const reading of readAttachments(resource.type, resource.props)) {
            member.attachments.push(joinAttachment(member, reading, resource, groupByUrn, resolve));
        }
        for (const attachment of member.attachments) {
            // An attachment's groups are distinct (joinAttachment dedupes them), and the attachment is new: no
            // membership test, which would make a group joined by n members cost n² here.
            for (const ref of attachment.groups) {
                if (ref.kind === "stack") {
                    ref.group.attachments.push(attachment);
                }
            }
        }
        members.push(member);
    }
    return { groups, rules, members, groupByUrn };
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
            reading.fields
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
        reading.fields.every((field) => dependencyUrns(resource, field).every((u) => groupByUrn.has(u)))
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

/** An evaluation plus whether it saw every rule that matters. */
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
