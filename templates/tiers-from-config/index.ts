import * as pulumi from "@pulumi/pulumi";
import { threeTierGroupsFromConfig } from "alicloud-secure-groups";

const config = new pulumi.Config();

// Everything about the tiers is in the `tiers` config key; a mistake there stops the preview before anything
// is created, naming the key and its value.
const tiers = threeTierGroupsFromConfig(pulumi.getProject(), {
    vpcId: config.require("vpcId"),
    tags: { owner: config.require("owner"), project: pulumi.getProject(), stack: pulumi.getStack() },
});

export const securityGroupIds = tiers.securityGroupIds;
