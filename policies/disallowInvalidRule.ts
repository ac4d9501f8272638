import { StackValidationPolicy } from "@pulumi/policy";
import { cidrProblems } from "../core/cidr";
import { isValidPriority, PRIORITY_HIGHEST, PRIORITY_LOWEST } from "../core/limits";
import { portRangeProblems, PROTOCOLS } from "../core/ports";
import { Problem, problem, renderProblem } from "../core/problems";
import { isKnown, UNKNOWN } from "../core/read";
import { rulePaths, ruleProblems, ruleSetProblems, SecurityRule } from "../core/rule";
import { StackRule } from "../core/stack";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

/** Problems of fields that keep a rule from being modelled at all (missing, malformed, two peers). */
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

/** A rule's parts as the `alicloud.ecs.SecurityGroupRule` inputs that hold them. */
const RESOURCE_PATHS = rulePaths("", {
    direction: "type",
    protocol: "ipProtocol",
    ports: "portRange",
    policy: "policy",
    priority: "priority",
    nicType: "nicType",
    cidr: "cidrIp",
    ipv6Cidr: "ipv6CidrIp",
    source: "sourceSecurityGroupId",
});

/** Problems that need the group: NIC type against the network, enterprise references. */
function contextProblems(stackRule: StackRule): Problem[] {
    const rule = stackRule.rule;
    if (!rule) {
        return [];
    }
    const group = stackRule.group.kind === "stack" ? stackRule.group.group.reading : undefined;
    const explicitNic = isKnown(stackRule.reading.nicType) ? stackRule.reading.nicType : rule.nicType;
    // ruleProblems sees the NIC type as written: the effective one of a VPC rule is always intranet.
    const asWritten: SecurityRule<string> = { ...rule, nicType: explicitNic };
    // Ports, CIDRs and priority are judged as written, by fieldProblems.
    const asChecked = new Set(["portRange", "cidrIp", "ipv6CidrIp", "priority"]);
    const problems = ruleProblems(asWritten, RESOURCE_PATHS, {
        vpc: group ? group.vpc : explicitNic !== "internet",
        enterprise: group?.enterprise === true,
    }).filter((p) => !asChecked.has(p.path));
    const source = stackRule.source;
    if (source?.kind === "stack" && source.group.reading.enterprise === true) {
        problems.push(
            problem("sourceSecurityGroupId", source.group.name, "cannot name an enterprise security group"),
        );
    }
    return problems;
}

export const disallowInvalidRule: StackValidationPolicy = {
    name: "disallow-invalid-rule",
    description:
        "Rejects rules the Alibaba Cloud API would refuse: bad port ranges, priorities outside 1-100, no peer or two peers, internet NIC type with a source group or on a VPC group, enterprise group references, and groups over 20 group references or 200 rules.",
    enforcementLevel: "mandatory",
    displayName: "Rules the API refuses",
    severity: "medium",
    remediationSteps:
        "Change what the message names so that the Alibaba Cloud API accepts the rule: tcp/udp ports within 1/65535 with start <= end and -1/-1 for icmp, gre and all; a priority from 1 to 100; exactly one of cidrIp, ipv6CidrIp, sourceSecurityGroupId and prefixListId; nicType intranet in a VPC and with a source group; no group references in or to enterprise groups; at most 20 group references and 200 rules per group.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        const model = stackModel(args);
        for (const stackRule of model.rules) {
            const problems = [...fieldProblems(stackRule), ...contextProblems(stackRule)];
            if (problems.length > 0) {
                reportViolation(
                    `Rule ${stackRule.name} would be rejected by the API: ${problems.map(renderProblem).join("; ")}. Fix ${problems.length > 1 ? "these fields" : "this field"}.`,
                    stackRule.urn,
                );
            }
        }
        for (const group of model.groups) {
            const rules = group.rules.flatMap((r) => (r.rule ? [r.rule] : []));
            const problems = ruleSetProblems(rules, "rules");
            if (problems.length > 0) {
                reportViolation(
                    `Security group ${group.name} would be rejected by the API: ${problems.map(renderProblem).join("; ")}. Split its rules across groups.`,
                    group.urn,
                );
            }
        }
    },
};
