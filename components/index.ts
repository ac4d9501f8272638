export * from "./sources";
export { PortSpec } from "./plan";
export * from "./ruleSpec";
export * from "./groupComponent";
export * from "./secureGroup";
export * from "./webTierGroup";
export * from "./serviceGroupFromSource";
export * from "./redisGroupFromSource";
export * from "./joinSecurityGroups";
