import { StackValidationPolicy } from "@pulumi/policy";
import { DEFAULT_PUBLIC_PORTS, MIN_IPV4_PREFIX, MIN_IPV6_PREFIX } from "../core/limits";
import { DEFAULT_ALLOWED_CIDRS } from "../core/policyDefaults";
import { broadIntranetAccessReason } from "../core/rule";
import { describeRule } from "./lib/describe";
import { cidrListSetting, configSchema, portListSetting, prefixSetting, readSettings } from "./lib/settings";
import { stackModel } from "./lib/stack";
import { cisControls } from "./lib/metadata";

const settings = {
    publicPorts: portListSetting(
        "tcp/udp ports that may face 0.0.0.0/0 or ::/0 (the Internet service case).",
        DEFAULT_PUBLIC_PORTS,
    ),
    minIpv4Prefix: prefixSetting(
        "IPv4 blocks with fewer prefix bits than this are broad.",
        MIN_IPV4_PREFIX,
        32,
    ),
    minIpv6Prefix: prefixSetting(
        "IPv6 blocks with fewer prefix bits than this are broad.",
        MIN_IPV6_PREFIX,
        128,
    ),
    allowedCidrs: cidrListSetting("CIDR blocks exempt from this policy.", DEFAULT_ALLOWED_CIDRS),
};

export const disallowBroadIntranetCidr: StackValidationPolicy = {
    name: "disallow-broad-intranet-cidr",
    description:
        "Rejects intranet ingress accepts whose CIDR is 0.0.0.0/0, ::/0 or broader than the minimum prefix (such as 10.0.0.0/8), except any-address rules on public ports only.",
    enforcementLevel: "mandatory",
    displayName: "Broad intranet CIDR",
    severity: "high",
    framework: cisControls("3.5"),
    remediationSteps:
        "Narrow the CIDR to the block that holds the peers (/16 or longer for IPv4, /48 or longer for IPv6), or authorize the peers' security group with sourceSecurityGroupId. An Internet-facing service may open its publicPorts to 0.0.0.0/0; list a broad block that is intended in allowedCidrs.",
    configSchema: configSchema(settings),
    validateStack: (args, reportViolation) => {
        const config = readSettings(args, settings);
        for (const stackRule of stackModel(args).rules) {
            const rule = stackRule.rule;
            if (!rule) {
                continue;
            }
            const reason = broadIntranetAccessReason(rule, config);
            if (reason) {
                reportViolation(
                    `${describeRule(stackRule, rule)}: it ${reason}. Narrow the CIDR to /${config.minIpv4Prefix} (IPv4) or /${config.minIpv6Prefix} (IPv6) or longer, or authorize a source security group instead.`,
                    stackRule.urn,
                );
            }
        }
    },
};
