import { ResourceValidationPolicy } from "@pulumi/policy";
import { readGroup, SECURITY_GROUP_TYPE } from "../core/read";
import { configSchema } from "./lib/settings";

export const missingVpc: ResourceValidationPolicy = {
    name: "missing-vpc",
    description:
        "Flags classic-network security groups (no vpcId): the classic network is shared between tenants and retired; create groups in a VPC.",
    enforcementLevel: "advisory",
    configSchema: configSchema({}),
    validateResource: (args, reportViolation) => {
        if (args.type === SECURITY_GROUP_TYPE && !readGroup(args.props).vpc) {
            reportViolation(
                `Security group ${args.name} has no vpcId, so it is a classic-network group; set vpcId to create it in a VPC.`,
            );
        }
    },
};
