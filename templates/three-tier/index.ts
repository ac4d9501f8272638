import * as pulumi from "@pulumi/pulumi";
import { ThreeTierGroups } from "alicloud-secure-groups";

const config = new pulumi.Config();
const adminGroupId = config.get("adminGroupId");

// The company standard: the Internet reaches the web tier on 80/443, the web tier reaches the app port, the
// app tier reaches MySQL and Redis in the data tier, administrators reach every tier from the bastion only.
const tiers = new ThreeTierGroups(pulumi.getProject(), {
    vpcId: config.require("vpcId"),
    tags: { owner: config.require("owner"), project: pulumi.getProject(), stack: pulumi.getStack() },
    app: { serves: { http: { to: ["web"], ports: [config.requireNumber("appPort")] } } },
    data: { serves: { mysql: ["app"], redis: ["app"] } },
    ...(adminGroupId ? { admin: { from: [{ group: adminGroupId, key: "bastion" }] } } : {}),
});

// Instances, launch templates and scaling groups of other stacks join the tiers by these ids.
export const webSecurityGroupId = tiers.web.securityGroupId;
export const appSecurityGroupId = tiers.app.securityGroupId;
export const dataSecurityGroupId = tiers.data.securityGroupId;
