import type { StackResourceInput } from "../../core/stack";
import { unknownCheckingProxy } from "./policyProxy";

/** Stack resources as `core/stack` reads them, props behind the proxy that fails on an unguarded unknown. */

export const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
export const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
export const INSTANCE = "alicloud:ecs/instance:Instance";

export const urn = (type: string, name: string) => `urn:pulumi:dev::proj::${type}::${name}`;

/** A VPC security group of the stack. */
export function group(name: string, props: Record<string, unknown> = {}): StackResourceInput {
    return {
        urn: urn(GROUP, name),
        type: GROUP,
        name,
        props: unknownCheckingProxy({ vpcId: "vpc-1", innerAccessPolicy: "Drop", ...props }),
    };
}
