import { joinStack, type StackResourceInput } from "../../core/stack";
import { buildGraph, type GraphModel } from "../../engine/graph/model";

/** Stack resources as the analyzer sees them in a preview: ids unknown, joins through propertyDependencies. */

export const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
/** The SDK's unknown sentinel, as a preview carries an id that does not exist yet. */
export const UNKNOWN_ID = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export const urnOf = (type: string, name: string): string => `urn:pulumi:dev::graph-test::${type}::${name}`;

export function group(name: string, props: Record<string, unknown> = {}): StackResourceInput {
    return {
        urn: urnOf(GROUP, name),
        type: GROUP,
        name,
        props: { vpcId: UNKNOWN_ID, innerAccessPolicy: "Drop", securityGroupName: name, ...props },
    };
}

export interface RuleSpec {
    readonly ports?: string;
    readonly protocol?: string;
    readonly from?: string;
    readonly fromGroup?: string;
    readonly policy?: "accept" | "drop";
    readonly priority?: number;
    readonly nicType?: string;
    readonly extra?: Record<string, unknown>;
}

/** An ingress rule of `groupName`; `fromGroup` names a source group of the stack. */
export function rule(name: string, groupName: string, spec: RuleSpec): StackResourceInput {
    const props: Record<string, unknown> = {
        type: "ingress",
        ipProtocol: spec.protocol ?? "tcp",
        portRange: spec.ports ?? "22/22",
        policy: spec.policy ?? "accept",
        priority: spec.priority ?? 1,
        nicType: spec.nicType ?? "intranet",
        securityGroupId: UNKNOWN_ID,
        ...(spec.fromGroup ? { sourceSecurityGroupId: UNKNOWN_ID } : { cidrIp: spec.from ?? "0.0.0.0/0" }),
        ...spec.extra,
    };
    return {
        urn: urnOf(RULE, name),
        type: RULE,
        name,
        props,
        propertyDependencies: {
            securityGroupId: [urnOf(GROUP, groupName)],
            ...(spec.fromGroup ? { sourceSecurityGroupId: [urnOf(GROUP, spec.fromGroup)] } : {}),
        },
    };
}

/** An instance joined to stack groups, their ids unknown as in a preview. */
export function instance(name: string, groups: readonly string[]): StackResourceInput {
    return {
        urn: urnOf(INSTANCE, name),
        type: INSTANCE,
        name,
        props: { instanceName: name, securityGroups: groups.map(() => UNKNOWN_ID) },
        propertyDependencies: { securityGroups: groups.map((g) => urnOf(GROUP, g)) },
    };
}

export function graphOf(resources: readonly StackResourceInput[]): GraphModel {
    return buildGraph(joinStack(resources));
}

/** Edges as `from -> to: protocol ports`, sorted: an exact set to compare. */
export function edgeSet(graph: Pick<GraphModel, "edges">): string[] {
    return graph.edges
        .map((edge) => `${edge.from} -> ${edge.to}: ${edge.protocol} ${edge.ports.join(",")}`)
        .sort();
}
