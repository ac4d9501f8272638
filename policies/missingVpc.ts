import { SecurityGroup } from "@pulumi/alicloud/ecs/securityGroup";
import { ResourceValidationPolicy, validateResourceOfType } from "@pulumi/policy";
import { readGroup } from "../core/read";
import { configSchema } from "./lib/settings";
import { proxyTarget } from "./lib/props";
import { cisControls } from "./lib/metadata";

export const missingVpc: ResourceValidationPolicy = {
    name: "missing-vpc",
    description:
        "Flags classic-network security groups (no vpcId): the classic network is shared between tenants and retired; create groups in a VPC.",
    enforcementLevel: "advisory",
    displayName: "Classic network",
    severity: "medium",
    framework: cisControls("3.1"),
    remediationSteps:
        "Create the security group in a VPC (set vpcId) and move its instances off the classic network.",
    configSchema: configSchema({}),
    validateResource: validateResourceOfType(SecurityGroup, (_props, args, reportViolation) => {
        if (!readGroup(proxyTarget(args.props)).vpc) {
            reportViolation(
                `Security group ${args.name} has no vpcId, so it is a classic-network group; set vpcId to create it in a VPC.`,
            );
        }
    }),
};
