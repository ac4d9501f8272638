import { StackValidationPolicy } from "@pulumi/policy";
import { memberDisplayName } from "../core/members/catalog";
import { describeVpc, NetworkLookup, NetworkOf, sameVpc } from "../core/members/network";
import { StackGroup, StackMember } from "../core/stack";
import { configSchema } from "./lib/settings";
import { stackModel } from "./lib/stack";

/** Why a member of `memberNetwork` cannot join `group`, or undefined when it can (or cannot be told yet). */
function mismatch(
    memberNetwork: NetworkOf,
    group: StackGroup,
): "other-vpc" | "vpc-group" | "classic-group" | undefined {
    const groupNetwork = group.network;
    if (memberNetwork.kind === "unknown" || groupNetwork.kind === "unknown") {
        return undefined;
    }
    if (memberNetwork.kind === "classic") {
        return groupNetwork.kind === "vpc" ? "vpc-group" : undefined;
    }
    if (groupNetwork.kind === "classic") {
        return "classic-group";
    }
    return sameVpc(memberNetwork.vpc, groupNetwork.vpc) === false ? "other-vpc" : undefined;
}

function whereMemberIs(network: NetworkOf, lookup: NetworkLookup): string {
    switch (network.kind) {
        case "vpc":
            return `in ${describeVpc(network.vpc, lookup)} (through ${network.via})`;
        case "classic":
            return `in the classic network (${network.via})`;
        case "unknown":
            return "in a network not known yet";
    }
}

function message(member: StackMember, groups: readonly StackGroup[], lookup: NetworkLookup): string {
    const display = memberDisplayName(member.type, member.name);
    const network = member.network;
    const named = groups.map((group) =>
        group.network.kind === "vpc"
            ? `${group.name} of ${describeVpc(group.network.vpc, lookup)}`
            : `${group.name} of the classic network`,
    );
    const joins = `joins security group${groups.length > 1 ? "s" : ""} ${named.join(", ")}`;
    const refusal = "so Alibaba Cloud refuses the membership at deploy (InvalidInstanceId.Mismatch)";
    if (network.kind === "classic") {
        return `${display} is ${whereMemberIs(network, lookup)} but ${joins}; a classic-network resource joins only classic-network security groups, ${refusal}: give it a vSwitch of the group's VPC.`;
    }
    if (network.kind === "vpc" && groups.every((group) => group.network.kind === "classic")) {
        return `${display} is ${whereMemberIs(network, lookup)} but ${joins}; a VPC resource joins only security groups of its own VPC, ${refusal}: use a group created with vpcId in ${describeVpc(network.vpc, lookup)}.`;
    }
    const vpc = network.kind === "vpc" ? describeVpc(network.vpc, lookup) : "its VPC";
    return `${display} is ${whereMemberIs(network, lookup)} but ${joins}; a VPC resource joins only security groups of its own VPC, ${refusal}: use groups created in ${vpc}, or move the resource to the group's VPC.`;
}

export const disallowCrossNetworkMembership: StackValidationPolicy = {
    name: "disallow-cross-network-membership",
    description:
        "Rejects resources that join a security group of another network: a VPC resource (known through its vSwitch, VPC or scaling group) joins only groups of its own VPC, a classic-network resource only classic-network groups; Alibaba Cloud refuses anything else at deploy.",
    enforcementLevel: "mandatory",
    // A membership Alibaba Cloud refuses fails the deploy rather than exposing anything; no CIS control covers it.
    displayName: "Security group of another network",
    severity: "medium",
    remediationSteps:
        "Join a VPC resource only to security groups created with the vpcId of its own vSwitch's VPC, and a classic-network resource only to classic-network groups; or move the resource to the group's VPC by giving it a vSwitch there.",
    configSchema: configSchema({}),
    validateStack: (args, reportViolation) => {
        const model = stackModel(args);
        for (const member of model.members) {
            const wrong = new Set<StackGroup>();
            for (const attachment of member.attachments) {
                for (const ref of attachment.groups) {
                    if (ref.kind === "stack" && mismatch(member.network, ref.group)) {
                        wrong.add(ref.group);
                    }
                }
            }
            if (wrong.size > 0) {
                reportViolation(message(member, [...wrong], model.lookup), member.urn);
            }
        }
    },
};
