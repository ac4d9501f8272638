import fc from "fast-check";
import type { StackResourceInput } from "../../core/stack";
import { type TestResource, UNKNOWN_WIRE } from "../policies/harness";
import { unknownCheckingProxy, unknownStringValue } from "./policyProxy";

/**
 * Small random stacks for judging exposure under uncertainty: stack groups (VPC or classic), rules with small
 * domains of values (some unknown, some the API refuses, prefix lists, source groups), rules written to a group
 * outside the stack (`sg-out`) or to a group not known yet, and instances that pool groups and may also join
 * `sg-out` or a group another stack exports.
 */

export const RISKY = [22, 3306];
const GROUP = "alicloud:ecs/securityGroup:SecurityGroup";
const RULE = "alicloud:ecs/securityGroupRule:SecurityGroupRule";
const INSTANCE = "alicloud:ecs/instance:Instance";
const STACK_REFERENCE = "pulumi:pulumi:StackReference";
const urn = (type: string, name: string) => `urn:pulumi:dev::proj::${type}::${name}`;
export const OUTSIDE = "sg-out";
export const UNKNOWN_MARK = "(unknown)";
const BOGUS = "bogus";

export type FieldValue = string | number | undefined;
export interface RuleSpec {
    readonly group: number | "outside" | "unknown";
    readonly fields: Readonly<Record<string, FieldValue>>;
}
interface MemberSpec {
    readonly groups: readonly number[];
    /** Also joins `sg-out` by literal id, or a group another stack exports (unknown), or neither. */
    readonly extra: "none" | "outside" | "unknown";
}
export interface StackSpec {
    readonly vpc: readonly boolean[];
    readonly rules: readonly RuleSpec[];
    readonly members: readonly MemberSpec[];
}

export const V4 = [
    "0.0.0.0/0",
    "47.0.0.0/17",
    "47.0.128.0/17",
    "47.1.0.0/17",
    "47.1.128.0/17",
    "10.0.0.0/8",
    "203.0.113.7/32",
    "8.0.0.0/8",
];
export const V6 = ["::/0", "2001:db8::/32", "2001:db8::/64", "fd00::/8"];

/** What an unknown field may turn out to be: the values the generator writes, and one the API refuses. */
export const DOMAINS: Record<string, readonly (string | number)[]> = {
    type: ["ingress", "egress", BOGUS],
    ipProtocol: ["tcp", "udp", "all", "icmp", BOGUS],
    portRange: ["22/22", "3306/3306", "1/65535", "-1/-1", BOGUS],
    policy: ["accept", "drop", BOGUS],
    priority: [1, 50, 100, 0],
    nicType: ["intranet", "internet", BOGUS],
    cidrIp: ["0.0.0.0/0", "47.0.0.0/17", "203.0.113.7/32", BOGUS],
    ipv6CidrIp: ["::/0", "2001:db8::/64", BOGUS],
    prefixListId: ["pl-1", "pl-2"],
};
const UNKNOWABLE = Object.keys(DOMAINS);

/** Small domains, weighted towards what collides: the open Internet, the risky ports, both NIC types. */
const ruleFields: fc.Arbitrary<Record<string, FieldValue>> = fc
    .record({
        type: fc.constantFrom("ingress", "ingress", "ingress", "egress"),
        traffic: fc.oneof(
            {
                weight: 3,
                arbitrary: fc.record({
                    ipProtocol: fc.constantFrom("tcp", "tcp", "tcp", "udp"),
                    portRange: fc.constantFrom(
                        "22/22",
                        "22/22",
                        "3306/3306",
                        "1/65535",
                        "20/25",
                        "3300/3310",
                        "-1/-1",
                    ),
                }),
            },
            {
                weight: 1,
                arbitrary: fc.record({
                    ipProtocol: fc.constantFrom("all", "all", "icmp"),
                    portRange: fc.constantFrom("-1/-1", "-1/-1", "22/22"),
                }),
            },
        ),
        policy: fc.constantFrom(undefined, "accept", "accept", "drop", "drop"),
        priority: fc.constantFrom(undefined, 1, 5, 50, 100, 0),
        nicType: fc.constantFrom(undefined, "intranet", "internet"),
        peer: fc.oneof(
            { weight: 4, arbitrary: fc.constant({ cidrIp: "0.0.0.0/0" }) },
            { weight: 5, arbitrary: fc.constantFrom(...V4).map((v) => ({ cidrIp: v })) },
            { weight: 2, arbitrary: fc.constantFrom(...V6).map((v) => ({ ipv6CidrIp: v })) },
            { weight: 2, arbitrary: fc.constantFrom("pl-1", "pl-2").map((v) => ({ prefixListId: v })) },
            { weight: 1, arbitrary: fc.constant({ sourceSecurityGroupId: "sg-peer" }) },
        ),
    })
    .map(({ traffic, peer, ...rest }) => ({ ...rest, ...traffic, ...peer }));

/** Random stacks; `outside` weighs rules written to groups outside the stack against the stack's own (6). */
export const stackArbitrary = (outside: number): fc.Arbitrary<StackSpec> =>
    fc.integer({ min: 1, max: 3 }).chain((groupCount) =>
        fc
            .record({
                vpc: fc.array(fc.boolean(), { minLength: groupCount, maxLength: groupCount }),
                rules: fc.array(
                    fc.record({
                        group: fc.oneof(
                            { weight: 6, arbitrary: fc.integer({ min: 0, max: groupCount - 1 }) },
                            { weight: outside, arbitrary: fc.constant("outside" as const) },
                            { weight: 1, arbitrary: fc.constant("unknown" as const) },
                        ),
                        fields: ruleFields,
                    }),
                    { maxLength: 6 },
                ),
                members: fc.array(
                    fc.record({
                        groups: fc.uniqueArray(fc.integer({ min: 0, max: groupCount - 1 }), { maxLength: 2 }),
                        extra: fc.constantFrom(
                            "none" as const,
                            "none" as const,
                            "outside" as const,
                            "unknown" as const,
                        ),
                    }),
                    { maxLength: 2 },
                ),
                unknowns: fc.array(fc.tuple(fc.nat(), fc.constantFrom(...UNKNOWABLE)), { maxLength: 2 }),
            })
            .map(({ vpc, rules, members, unknowns }) => {
                // At most two unknown fields and two rules on groups not known yet keep the enumeration small.
                let placed = 0;
                const fixed = rules.map((rule) => {
                    if (rule.group === "unknown" && ++placed > 2) {
                        return { ...rule, group: 0 };
                    }
                    return rule;
                });
                for (const [index, field] of unknowns) {
                    if (fixed.length === 0) {
                        break;
                    }
                    const target = fixed[index % fixed.length];
                    const peerFields = ["cidrIp", "ipv6CidrIp", "prefixListId", "sourceSecurityGroupId"];
                    // An unknown peer stays the peer field the rule has.
                    if (peerFields.includes(field) && target.fields[field] === undefined) {
                        continue;
                    }
                    fixed[fixed.indexOf(target)] = {
                        ...target,
                        fields: { ...target.fields, [field]: UNKNOWN_MARK },
                    };
                }
                return {
                    vpc,
                    rules: fixed,
                    members: members.filter((member) => member.groups.length > 0 || member.extra !== "none"),
                };
            }),
    );

export const groupName = (index: number) => `g${index}`;
const ruleName = (index: number) => `r${index}`;
export const memberName = (index: number) => `vm${index}`;

/** One resource of a generated stack: plain props, `unknown` standing for a value not known yet. */
interface Plain {
    readonly type: string;
    readonly name: string;
    readonly props: Record<string, unknown>;
    /** By logical name. */
    readonly dependencies: Record<string, string[]>;
}

function plainResources(stack: StackSpec, unknown: string): Plain[] {
    const list: Plain[] = stack.vpc.map((vpc, index) => ({
        type: GROUP,
        name: groupName(index),
        props: { ...(vpc ? { vpcId: "vpc-1" } : {}), innerAccessPolicy: "Drop" },
        dependencies: {},
    }));
    list.push({ type: STACK_REFERENCE, name: "infra", props: {}, dependencies: {} });
    stack.rules.forEach((rule, index) => {
        const props: Record<string, unknown> = {};
        for (const [field, value] of Object.entries(rule.fields)) {
            if (value !== undefined) {
                props[field] = value === UNKNOWN_MARK ? unknown : value;
            }
        }
        // A stack group's id is unknown in preview and joined by dependency; a group not known yet has neither.
        props.securityGroupId = rule.group === "outside" ? OUTSIDE : unknown;
        list.push({
            type: RULE,
            name: ruleName(index),
            props,
            dependencies: typeof rule.group === "number" ? { securityGroupId: [groupName(rule.group)] } : {},
        });
    });
    stack.members.forEach((member, index) => {
        const entries: string[] = member.groups.map(() => unknown);
        const deps = member.groups.map(groupName);
        if (member.extra === "outside") {
            entries.push(OUTSIDE);
        } else if (member.extra === "unknown") {
            // A group another stack exports: unknown, computed from the stack reference.
            entries.push(unknown);
            deps.push("infra");
        }
        list.push({
            type: INSTANCE,
            name: memberName(index),
            props: { securityGroups: entries },
            dependencies: { securityGroups: deps },
        });
    });
    return list;
}

/** The stack as the engine hands it to a stack policy: ids unknown, joins through property dependencies. */
export function resources(stack: StackSpec): StackResourceInput[] {
    return plainResources(stack, unknownStringValue).map((resource) => ({
        urn: urn(resource.type, resource.name),
        type: resource.type,
        name: resource.name,
        props: unknownCheckingProxy(resource.props),
        propertyDependencies: Object.fromEntries(
            Object.entries(resource.dependencies).map(([key, names]) => [
                key,
                names.map((name) => urn(plainType(stack, name), name)),
            ]),
        ),
    }));
}

function plainType(stack: StackSpec, name: string): string {
    return name === "infra"
        ? STACK_REFERENCE
        : name.startsWith("g")
          ? GROUP
          : name.startsWith("r")
            ? RULE
            : INSTANCE;
}

/** The same stack as the engine sends it over the wire (to `@pulumi/policy`'s handlers). */
export function testResources(stack: StackSpec): TestResource[] {
    return plainResources(stack, UNKNOWN_WIRE).map(({ type, name, props, dependencies }) => ({
        type,
        name,
        props,
        propertyDependencies: dependencies,
    }));
}
