import * as alicloud from "@pulumi/alicloud";
import * as pulumi from "@pulumi/pulumi";
import { toRuleInputs } from "../core";
import { checkResolvedCidr, GroupPlan, PlannedGroupId, PlannedRule, SELF_GROUP } from "./plan";
import { rememberByUrn, SecurityGroupProvider, SecurityGroupType } from "./sources";

/**
 * What a group component exposes: the group, its id and type, and its rules by logical name.
 * @internal
 */
interface BuiltGroup {
    readonly securityGroup?: alicloud.ecs.SecurityGroup;
    readonly securityGroupId: pulumi.Output<string>;
    readonly rules: Readonly<Record<string, alicloud.ecs.SecurityGroupRule>>;
}

/**
 * The ids of sibling groups a plan refers to (the tiers of ThreeTierGroups), by name.
 * @internal
 */
export type SiblingIds = Readonly<Record<string, pulumi.Input<string>>>;

/**
 * Creates the group and the rules of a validated plan as children of `component`. Each rule's logical name is
 * `<name>-<suffix>`, and `rules` is keyed by that same name. A plan still being made (arguments that arrived
 * as Outputs at `Construct`) yields Outputs of the same things, created once it is made.
 * @internal
 */
function buildGroup(
    component: pulumi.ComponentResource,
    name: string,
    plan: GroupPlan | Promise<GroupPlan>,
    siblings: SiblingIds = {},
): BuiltGroup {
    if (!(plan instanceof Promise)) {
        return buildNow(component, name, plan, siblings);
    }
    const built = plan.then((made) => buildNow(component, name, made, siblings));
    // What the engine reads at Construct: Outputs that resolve to what the synchronous path holds directly. A plan
    // that fails rejects each of them with its ValidationError, which Construct reports with property paths.
    return {
        securityGroup: deferredOutput(
            built.then((b) => b.securityGroup),
        ) as unknown as alicloud.ecs.SecurityGroup,
        securityGroupId: deferredOutput(built.then((b) => b.securityGroupId)),
        rules: deferredOutput(built.then((b) => b.rules)) as unknown as BuiltGroup["rules"],
    };
}

/**
 * An Output of what a plan still being made will give. When the plan fails, Construct awaits one of these outputs,
 * reports the ValidationError, and never awaits the others: their rejections are marked handled here, because the
 * provider server answers every call in flight with any unhandled rejection, which would garble that report.
 * @internal
 */
export function deferredOutput<T>(promise: Promise<T>): pulumi.Output<pulumi.Unwrap<T>> {
    const output = pulumi.output(promise);
    // The SDK's Output keeps these two promises beside the value; nothing awaits them once serializing has stopped
    // at an earlier output.
    const parts = output as unknown as {
        readonly isKnown: Promise<boolean>;
        readonly isSecret: Promise<boolean>;
    };
    parts.isKnown.catch(() => undefined);
    parts.isSecret.catch(() => undefined);
    return output;
}

function buildNow(
    component: pulumi.ComponentResource,
    name: string,
    plan: GroupPlan,
    siblings: SiblingIds,
): BuiltGroup {
    const securityGroup = plan.group
        ? new alicloud.ecs.SecurityGroup(name, { ...plan.group }, { parent: component })
        : undefined;
    const securityGroupId = securityGroup
        ? securityGroup.id
        : pulumi.output(plan.existingSecurityGroupId as pulumi.Input<string>);
    const rules: Record<string, alicloud.ecs.SecurityGroupRule> = {};
    for (const planned of plan.rules) {
        const ruleName = `${name}-${planned.suffix}`;
        rules[ruleName] = new alicloud.ecs.SecurityGroupRule(
            ruleName,
            ruleArgs(plan, planned, securityGroupId, siblings),
            {
                parent: component,
                ...(planned.formerSuffixes?.length
                    ? { aliases: planned.formerSuffixes.map((suffix) => ({ name: `${name}-${suffix}` })) }
                    : {}),
            },
        );
    }
    return { securityGroup, securityGroupId, rules };
}

function groupIdOf(
    id: PlannedGroupId,
    own: pulumi.Output<string>,
    siblings: SiblingIds,
): pulumi.Input<string> {
    if (id === SELF_GROUP) {
        return own;
    }
    if (typeof id === "object" && id !== null && "sibling" in id) {
        return siblings[id.sibling];
    }
    return id;
}

function ruleArgs(
    plan: GroupPlan,
    planned: PlannedRule,
    securityGroupId: pulumi.Output<string>,
    siblings: SiblingIds,
): alicloud.ecs.SecurityGroupRuleArgs {
    const { peer } = planned.rule;
    const rule =
        peer.kind === "group"
            ? {
                  ...planned.rule,
                  peer: { ...peer, groupId: groupIdOf(peer.groupId, securityGroupId, siblings) },
              }
            : planned.rule;
    const inputs = toRuleInputs(
        rule as Parameters<typeof toRuleInputs<pulumi.Input<string>>>[0],
        securityGroupId,
    );
    const deferred = planned.deferredCidr;
    if (!deferred) {
        return inputs;
    }
    // Whether the value is secret decides whether an error may print it.
    const checked = pulumi.all([deferred, pulumi.isSecret(deferred)]).apply(([cidr, secret]) => {
        checkResolvedCidr(plan, planned, cidr, secret);
        return cidr;
    });
    return peer.kind === "ipv6Cidr" ? { ...inputs, ipv6CidrIp: checked } : { ...inputs, cidrIp: checked };
}

/**
 * The SDK's `run-plugin` is the process the Node language host starts to serve this package to other languages:
 * there every component is built by a Construct call, which awaits the component's outputs.
 */
function servingOtherLanguages(): boolean {
    return /[\\/]@pulumi[\\/]pulumi[\\/]cmd[\\/]run-plugin[\\/]/.test(require.main?.filename ?? "");
}

/**
 * Runs `register` (a component's registerOutputs) once its plan is made: at once for a plan already made.
 *
 * A plan that fails once its arguments resolve is reported where someone will read it. At Construct the engine
 * awaits the component's outputs and reports their ValidationError with property paths; an unhandled rejection
 * there would instead be sent to every call in flight. In a program nothing awaits them, so the error is left
 * unhandled on purpose: the program host logs it against the component and the run fails. Otherwise the program
 * would end with a component that created nothing, which an update reads as "delete the group and its rules".
 * The error carries the stack of the constructor's call, so a gate can name the user's file and line.
 * @internal
 */
export function whenPlanned(plan: unknown, component: pulumi.Resource, register: () => void): void {
    if (!(plan instanceof Promise)) {
        register();
        return;
    }
    const constructedAt = new Error().stack ?? "";
    plan.then(register, (error: unknown) => {
        if (servingOtherLanguages()) {
            return;
        }
        const message = error instanceof Error ? error.message : String(error);
        const failure = new pulumi.ResourceError(message, component, true);
        failure.stack = `${failure.name}: ${message}\n${constructedAt.split("\n").slice(1).join("\n")}`;
        void Promise.reject(failure);
    });
}

/**
 * Builds a group component's children from its plan and completes the component: its outputs (`securityGroup`,
 * `securityGroupId`, `securityGroupType`, `rules`), findable by URN, and its id and type registered as outputs once
 * the plan is made. Every group component's constructor ends here.
 * @internal
 */
export function completeGroupComponent(
    component: pulumi.ComponentResource & SecurityGroupProvider,
    name: string,
    plan: GroupPlan | Promise<GroupPlan>,
    securityGroupType: SecurityGroupType,
    registerOutputs: (outputs: pulumi.Inputs) => void,
    siblings?: SiblingIds,
): void {
    const built = buildGroup(component, name, plan, siblings);
    Object.assign(component, { ...built, securityGroupType });
    rememberByUrn(component);
    whenPlanned(plan, component, () =>
        registerOutputs({ securityGroupId: built.securityGroupId, securityGroupType }),
    );
}

/**
 * A plan a parent made for a child component, with the sibling ids its rules name.
 * @internal
 */
export interface MadePlan {
    readonly plan: GroupPlan;
    readonly siblings: SiblingIds;
}

/**
 * Plans a parent component made for its children, by the arguments object it passes them: ThreeTierGroups plans
 * its three tiers together, once, and each tier then builds from its plan instead of planning again.
 */
const madeFor = new WeakMap<object, MadePlan>();

/**
 * Attaches a plan to the arguments a child component is given (see {@link madeFor}).
 * @internal
 */
export function withPlan<Args extends object>(args: Args, made: MadePlan): Args {
    madeFor.set(args, made);
    return args;
}

/**
 * The plan attached to `args` by a parent, if any.
 * @internal
 */
export function planMadeFor(args: unknown): MadePlan | undefined {
    return typeof args === "object" && args !== null ? madeFor.get(args) : undefined;
}
