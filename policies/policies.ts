import { Policy } from "@pulumi/policy";
import { disallowAllPortsAccept } from "./disallowAllPortsAccept";
import { disallowBroadIntranetCidr } from "./disallowBroadIntranetCidr";
import { disallowClassicIntranetCidr } from "./disallowClassicIntranetCidr";
import { disallowCrossNetworkMembership } from "./disallowCrossNetworkMembership";
import { disallowExcessSecurityGroups } from "./disallowExcessSecurityGroups";
import { disallowInvalidRule } from "./disallowInvalidRule";
import { disallowOpenEgress } from "./disallowOpenEgress";
import { disallowPublicRiskyPorts } from "./disallowPublicRiskyPorts";
import { disallowShadowedRule } from "./disallowShadowedRule";
import { disallowUntrustedCrossAccountSource } from "./disallowUntrustedCrossAccountSource";
import { disallowUnusedSecurityGroup } from "./disallowUnusedSecurityGroup";
import { enableInnerAccessDrop } from "./enableInnerAccessDrop";
import { missingDropBaseline } from "./missingDropBaseline";
import { missingExplicitRuleSettings } from "./missingExplicitRuleSettings";
import { missingSecurityGroupDescription } from "./missingSecurityGroupDescription";
import { missingSecurityGroupTags } from "./missingSecurityGroupTags";
import { missingVpc } from "./missingVpc";
import { preferSourceGroupAuthorization } from "./preferSourceGroupAuthorization";
import { policyUrl } from "./lib/metadata";

export { POLICY_PACK_NAME } from "../core/policyDefaults";

/**
 * Every policy, in catalog order (DESIGN §5), each with the `url` of its section in the pack's README. Importing
 * this module starts nothing.
 */
export const POLICIES: readonly Policy[] = [
    disallowBroadIntranetCidr,
    missingSecurityGroupTags,
    disallowExcessSecurityGroups,
    disallowPublicRiskyPorts,
    disallowInvalidRule,
    disallowClassicIntranetCidr,
    disallowCrossNetworkMembership,
    missingDropBaseline,
    preferSourceGroupAuthorization,
    disallowAllPortsAccept,
    disallowOpenEgress,
    missingExplicitRuleSettings,
    missingSecurityGroupDescription,
    disallowUnusedSecurityGroup,
    disallowShadowedRule,
    enableInnerAccessDrop,
    disallowUntrustedCrossAccountSource,
    missingVpc,
].map((policy) => ({ ...policy, url: policyUrl(policy.name) }));
