import { SecurityGroupRule } from "@pulumi/alicloud/ecs/securityGroupRule";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { isAnyAddress } from "../core/cidr";
import { peerCidr } from "../core/rule";
import { resourceRule } from "./lib/resourceRule";
import { configSchema } from "./lib/settings";
import { cisControls } from "./lib/metadata";

export const disallowOpenEgress: ResourceValidationPolicy = {
    name: "disallow-open-egress",
    description:
        "Flags egress accepts of all protocols and ports to 0.0.0.0/0 or ::/0; allow only the destinations and ports the workload needs.",
    enforcementLevel: "advisory",
    displayName: "Open egress",
    severity: "medium",
    framework: cisControls("3.5"),
    remediationSteps:
        "Replace the all-protocols egress accept to 0.0.0.0/0 or ::/0 with accepts for the destinations and ports the workload needs.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroupRule, (_props, args, reportViolation) => {
        const rule = resourceRule(args)?.rule;
        const cidr = rule ? peerCidr(rule.peer) : undefined;
        if (
            rule &&
            cidr &&
            rule.direction === "egress" &&
            rule.policy === "accept" &&
            rule.protocol === "all" &&
            isAnyAddress(cidr)
        ) {
            reportViolation(
                `Rule ${args.name} allows all protocols to ${cidr.text}; allow egress only to the destinations and ports the workload needs.`,
            );
        }
    }),
};
