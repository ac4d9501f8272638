import { cidrProblems } from "./cidr";
import {
    isValidPriority,
    MAX_GROUP_REFERENCE_RULES,
    MAX_RULES_PER_GROUP,
    PRIORITY_HIGHEST,
    PRIORITY_LOWEST,
} from "./limits";
import { portRangeProblems, PROTOCOLS } from "./ports";
import { problem, Problem } from "./problems";
import { isKnown, UNKNOWN } from "./read";
import { ruleSetProblems } from "./rule";
import type { StackGroup, StackRule } from "./stack";

/**
 * What the Alibaba Cloud API would refuse, judged on a rule as a stack writes it. One notion serves both the
 * `disallow-invalid-rule` policy (which reports it) and the evaluation (where a refused rule does not exist: it
 * opens nothing and, above all, closes nothing). Unknown values are never a problem here: they may still turn
 * out valid.
 */

/** Problems of fields that keep a rule from being created at all (missing, malformed, two peers). */
function fieldProblems(rule: StackRule): Problem[] {
    const { reading } = rule;
    const raw = reading.raw;
    const problems: Problem[] = [];
    if (reading.direction === undefined) {
        problems.push(problem("type", raw.type, `must be "ingress" or "egress"`));
    }
    if (reading.protocol === undefined) {
        problems.push(problem("ipProtocol", raw.ipProtocol, `must be one of ${PROTOCOLS.join(", ")}`));
    } else if (isKnown(reading.protocol) && raw.portRange !== UNKNOWN) {
        problems.push(...portRangeProblems(reading.protocol, raw.portRange ?? "-1/-1", "portRange"));
    }
    if (raw.policy !== undefined && reading.policy === undefined) {
        problems.push(problem("policy", raw.policy, `must be "accept" or "drop"`));
    }
    if (raw.nicType !== undefined && reading.nicType === undefined) {
        problems.push(problem("nicType", raw.nicType, `must be "intranet" or "internet"`));
    }
    if (raw.priority !== undefined && raw.priority !== UNKNOWN) {
        const priority = reading.priority;
        if (!isKnown(priority) || !isValidPriority(priority)) {
            problems.push(
                problem(
                    "priority",
                    raw.priority,
                    `must be an integer from ${PRIORITY_HIGHEST} to ${PRIORITY_LOWEST}`,
                ),
            );
        }
    }
    if (reading.peerFields.length === 0) {
        problems.push(
            problem(
                "peer",
                undefined,
                "must name one of cidrIp, ipv6CidrIp, sourceSecurityGroupId or prefixListId",
            ),
        );
    } else if (reading.peerFields.length > 1) {
        problems.push(problem("peer", reading.peerFields.join(", "), "must name exactly one peer"));
    } else if (!reading.peer) {
        const field = reading.peerFields[0];
        problems.push(problem(field, raw[field], "must be a non-empty string"));
    } else if (isKnown(reading.peer.value)) {
        if (reading.peer.field === "cidrIp") {
            problems.push(...cidrProblems(raw.cidrIp, "cidrIp", "ipv4"));
        } else if (reading.peer.field === "ipv6CidrIp") {
            problems.push(...cidrProblems(raw.ipv6CidrIp, "ipv6CidrIp", "ipv6"));
        }
    }
    return problems;
}

/**
 * Problems that need the group: NIC type against the network, enterprise references. The NIC type is judged as
 * written, also when other fields are still unknown (an `internet` rule of a VPC group is refused whatever they
 * turn out to be).
 */
function contextProblems(stackRule: StackRule): Problem[] {
    const { reading } = stackRule;
    const group = stackRule.group.kind === "stack" ? stackRule.group.group.reading : undefined;
    const problems: Problem[] = [];
    if (isKnown(reading.nicType) && reading.nicType === "internet") {
        if (group?.vpc === true) {
            problems.push(problem("nicType", "internet", `must be "intranet" on a VPC security group`));
        }
        if (reading.peer?.field === "sourceSecurityGroupId") {
            problems.push(
                problem("nicType", "internet", `must be "intranet" for a rule that names a source group`),
            );
        }
    }
    if (group?.enterprise === true && reading.peer?.field === "sourceSecurityGroupId") {
        problems.push(
            problem("source", "security group", "cannot name a security group in an enterprise group"),
        );
    }
    const source = stackRule.source;
    if (source?.kind === "stack" && source.group.reading.enterprise === true) {
        problems.push(
            problem("sourceSecurityGroupId", source.group.name, "cannot name an enterprise security group"),
        );
    }
    return problems;
}

const REJECTIONS = new WeakMap<StackRule, readonly Problem[]>();

/**
 * Everything the API would refuse about one rule on its own; empty when it would create it (or may).
 * @internal
 */
export function ruleRejections(rule: StackRule): readonly Problem[] {
    let problems = REJECTIONS.get(rule);
    if (!problems) {
        problems = [...fieldProblems(rule), ...contextProblems(rule)];
        REJECTIONS.set(rule, problems);
    }
    return problems;
}

/**
 * True when the API would refuse the rule: it never exists, so it neither opens nor closes anything.
 * @internal
 */
export function isRejected(rule: StackRule): boolean {
    return ruleRejections(rule).length > 0;
}

/**
 * The limits a group's rule set breaks (rules past the 200th, group references past the 20th are refused).
 * @internal
 */
export function groupRejections(group: StackGroup): Problem[] {
    return ruleSetProblems(
        group.rules.flatMap((r) => (r.rule ? [r.rule] : [])),
        "rules",
    );
}

/**
 * Whether a group holds more rules, or more group references, than the API takes: some of them are refused.
 * @internal
 */
export function exceedsRuleLimits(group: StackGroup): boolean {
    const rules = group.rules.flatMap((r) => (r.rule ? [r.rule] : []));
    return (
        rules.length > MAX_RULES_PER_GROUP ||
        rules.filter((rule) => rule.peer.kind === "group").length > MAX_GROUP_REFERENCE_RULES
    );
}
