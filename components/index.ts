export {
    isSecurityGroupProvider,
    SecurityGroupType,
    type SecurityGroupLike,
    type SecurityGroupProvider,
    type SecurityGroupSource,
    type SourceGroupSpec,
} from "./sources";
export { type AdminAccess, type DropBaseline, InnerAccessPolicy, type PortSpec } from "./plan";
export { type Portable } from "./portable";
export { type RuleArgs, type RuleSpec } from "./ruleSpec";
export { ValidationError } from "./validationError";
export { SecureGroup, type SecureGroupArgs } from "./secureGroup";
export { type ServiceAccess, WebTierGroup, type WebTierGroupArgs } from "./webTierGroup";
export {
    ServiceGroupFromSource,
    type ServiceGroupCommonArgs,
    type ServiceGroupFromSourceArgs,
} from "./serviceGroupFromSource";
export { RedisGroupFromSource, type RedisGroupFromSourceArgs } from "./redisGroupFromSource";
export { joinSecurityGroups, type JoinSecurityGroupsOptions } from "./joinSecurityGroups";
export {
    type InnerTierSpec,
    type ThreeTierDescription,
    ThreeTierGroups,
    type ThreeTierGroupsArgs,
    TIER_NAMES,
    type TierAdminAccess,
    type TierGroupIds,
    TierName,
    type TierServes,
    type TierServiceSpec,
    type WebTierSpec,
} from "./threeTierGroups";
export {
    parseTierDescription,
    type ParsedTierDescription,
    type ParseTierDescriptionOptions,
    TIER_DESCRIPTION_SCHEMA,
    type TierDescriptionConfig,
    threeTierGroupsFromConfig,
    type ThreeTierGroupsFromConfigArgs,
} from "./declarativeTiers";
