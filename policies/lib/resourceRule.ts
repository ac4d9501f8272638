import { ResourceValidationArgs } from "@pulumi/policy";
import { readRule, RuleReading, ruleFromReading, SECURITY_GROUP_RULE_TYPE } from "../../core/read";
import { SecurityRule } from "../../core/rule";
import { proxyTarget } from "./props";

/**
 * A rule judged on its own (resource policies). Its group is another resource, so the NIC type default is
 * taken as a VPC group's unless the rule says internet; judgements here must not depend on it.
 */
export function resourceRule(
    args: ResourceValidationArgs,
): { reading: RuleReading; rule?: SecurityRule<string> } | undefined {
    if (args.type !== SECURITY_GROUP_RULE_TYPE) {
        return undefined;
    }
    const reading = readRule(proxyTarget(args.props));
    return { reading, rule: ruleFromReading(reading, reading.nicType !== "internet") };
}
