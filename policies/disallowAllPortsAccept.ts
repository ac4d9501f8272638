import { SecurityGroupRule } from "@pulumi/alicloud/ecs/securityGroupRule";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { hasPorts, isAllPorts } from "../core/ports";
import { describeTraffic } from "./lib/describe";
import { resourceRule } from "./lib/resourceRule";
import { configSchema } from "./lib/settings";
import { cisControls } from "./lib/metadata";

export const disallowAllPortsAccept: ResourceValidationPolicy = {
    name: "disallow-all-ports-accept",
    description:
        "Flags ingress accepts on every port or every protocol from anything but a source security group; open only the ports a service needs.",
    enforcementLevel: "advisory",
    displayName: "All-ports accept",
    severity: "high",
    framework: cisControls("3.5"),
    remediationSteps:
        "Replace the rule with one accept per protocol and port range the service needs, or authorize a source security group.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroupRule, (_props, args, reportViolation) => {
        const rule = resourceRule(args)?.rule;
        if (!rule || rule.direction !== "ingress" || rule.policy !== "accept" || rule.peer.kind === "group") {
            return;
        }
        if (rule.protocol === "all" || (hasPorts(rule.protocol) && isAllPorts(rule.protocol, rule.ports))) {
            const peer =
                rule.peer.kind === "prefixList" ? `prefix list ${rule.peer.prefixListId}` : rule.peer.cidr;
            reportViolation(
                `Rule ${args.name} allows ${describeTraffic(rule.protocol, rule.ports)} from ${peer}; allow only the protocols and ports the service needs, or authorize a source security group.`,
            );
        }
    }),
};
