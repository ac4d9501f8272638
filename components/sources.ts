import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { problem, Problem } from "../core/problems";

/**
 * Alibaba's two kinds of security group. Written as an object so that the component package's schema names
 * the choices (a plain union of literals has no name the SDK's analyzer can read).
 */
export const SecurityGroupType = { normal: "normal", enterprise: "enterprise" } as const;
/** `normal` or `enterprise`. */
export type SecurityGroupType = (typeof SecurityGroupType)[keyof typeof SecurityGroupType];

/**
 * Anything that stands for one security group: every component of this library implements it, so a component
 * can be passed wherever a source group is expected.
 */
export interface SecurityGroupProvider {
    /** The group's id. */
    readonly securityGroupId: pulumi.Output<string>;
    /** Known at construction, so mixing rules can be checked before anything is created. */
    readonly securityGroupType: SecurityGroupType;
}

/**
 * A security group given as one of our components, an `alicloud.ecs.SecurityGroup`, or an id. Other languages
 * see `Input<string>`: an id, or a component of this package, which reaches `Construct` as its URN.
 */
export type SecurityGroupLike = SecurityGroupProvider | alicloud.ecs.SecurityGroup | pulumi.Input<string>;

/** A source group with the settings a rule naming it may need. */
export interface SourceGroupSpec {
    /** The group. */
    readonly group: SecurityGroupLike;
    /**
     * The Alibaba Cloud account (UID) that owns the group, for cross-account access. Defaults to none: the
     * group is in this account.
     */
    readonly ownerId?: string;
    /**
     * The stable name this source gives to the rules that admit it (`<name>-allow-redis-from-<key>`).
     * Defaults to the component's or resource's logical name, or the id when given as a string; required when
     * the id is an Output.
     */
    readonly key?: string;
}

/**
 * A source group: the group itself, or a {@link SourceGroupSpec}. Other languages pass an id, or a component of
 * this package (its name then names the rules).
 */
export type SecurityGroupSource = SecurityGroupLike | SourceGroupSpec;

/**
 * A source resolved for rule building.
 * @internal
 */
export interface ResolvedSource {
    readonly key: string;
    readonly groupId: pulumi.Input<string>;
    readonly ownerId?: string;
    /** Undefined when the type is not known before deployment (a raw resource or an id). */
    readonly type?: SecurityGroupType;
}

/**
 * A key becomes part of logical names: keep it to characters that read well in a URN.
 * @internal
 */
export const KEY_SYNTAX = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export function isSecurityGroupProvider(value: unknown): value is SecurityGroupProvider {
    return (
        typeof value === "object" &&
        value !== null &&
        pulumi.Output.isInstance((value as SecurityGroupProvider).securityGroupId) &&
        ((value as SecurityGroupProvider).securityGroupType === "normal" ||
            (value as SecurityGroupProvider).securityGroupType === "enterprise")
    );
}

/**
 * The components of this package built in this process, by URN. A program in another language passes one of our
 * components as a source by reference, and `Construct` receives its URN: every component of a deployment is built
 * by the same provider process, so the URN finds the component itself, with its group id and the dependency on
 * that group.
 */
const built = new Map<string, SecurityGroupProvider>();

/**
 * Makes a component findable by its URN (see {@link built}).
 * @internal
 */
export function rememberByUrn(component: pulumi.Resource & SecurityGroupProvider): void {
    component.urn.apply((urn) => built.set(urn, component));
}

/** The logical name a URN ends with: `urn:pulumi:dev::shop::...::web` → `web`. */
function urnName(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function isSourceGroupSpec(value: unknown): value is SourceGroupSpec {
    return (
        typeof value === "object" &&
        value !== null &&
        !pulumi.Output.isInstance(value) &&
        !pulumi.Resource.isInstance(value) &&
        !isSecurityGroupProvider(value) &&
        "group" in value
    );
}

/**
 * Resolves one source, returning problems (at `path`) instead of throwing, so that every bad argument is
 * reported together.
 * @internal
 */
export function resolveSource(source: SecurityGroupSource, path: string): ResolvedSource | Problem[] {
    const spec: SourceGroupSpec = isSourceGroupSpec(source) ? source : { group: source };
    const groupPath = isSourceGroupSpec(source) ? `${path}.group` : path;
    const { group } = spec;
    let resolved: { key?: string; groupId: pulumi.Input<string>; type?: SecurityGroupType };
    if (isSecurityGroupProvider(group)) {
        resolved = {
            key: pulumi.Resource.isInstance(group) ? pulumi.resourceName(group) : undefined,
            groupId: group.securityGroupId,
            type: group.securityGroupType,
        };
    } else if (alicloud.ecs.SecurityGroup.isInstance(group)) {
        resolved = { key: pulumi.resourceName(group), groupId: group.id };
    } else if (typeof group === "string" && group.startsWith("urn:pulumi:")) {
        const component = built.get(group);
        if (component === undefined) {
            return [
                problem(
                    groupPath,
                    group,
                    "must be a security group id or a component of this package built in this deployment",
                ),
            ];
        }
        resolved = {
            key: urnName(group),
            groupId: component.securityGroupId,
            type: component.securityGroupType,
        };
    } else if (typeof group === "string") {
        if (group.trim() === "") {
            return [problem(groupPath, group, "must be a security group, a component or a non-empty id")];
        }
        resolved = { key: group, groupId: group };
    } else if (pulumi.Output.isInstance(group) || group instanceof Promise) {
        resolved = { groupId: group };
    } else {
        return [problem(groupPath, group, "must be a security group, a component of this library, or an id")];
    }
    const problems: Problem[] = [];
    const key = spec.key ?? resolved.key;
    if (key === undefined) {
        problems.push(
            problem(
                `${path}.key`,
                key,
                "must be set when the group id is an Output, to name its rules",
                "or pass the security group resource or component itself, whose name names them",
            ),
        );
    } else if (!KEY_SYNTAX.test(key)) {
        problems.push(
            problem(
                spec.key !== undefined ? `${path}.key` : path,
                key,
                "must be a key of letters, digits, '.', '_' or '-' (it becomes part of rule names)",
            ),
        );
    }
    if (spec.ownerId !== undefined && (typeof spec.ownerId !== "string" || !/^\d+$/.test(spec.ownerId))) {
        problems.push(
            problem(`${path}.ownerId`, spec.ownerId, "must be an Alibaba Cloud account id (digits)"),
        );
    }
    if (problems.length > 0 || key === undefined) {
        return problems;
    }
    return { key, groupId: resolved.groupId, ownerId: spec.ownerId, type: resolved.type };
}
