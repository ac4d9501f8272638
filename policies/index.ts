import { PolicyPack } from "@pulumi/policy";
import { packReadme, PACK_METADATA } from "./lib/metadata";
import { POLICIES, POLICY_PACK_NAME } from "./policies";

// Constructing the pack starts its gRPC server and prints the port: this file is the runner's entry point only.
new PolicyPack(POLICY_PACK_NAME, {
    policies: [...POLICIES],
    ...PACK_METADATA,
    readme: packReadme(__dirname),
});
