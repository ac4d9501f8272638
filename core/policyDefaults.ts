import { MANAGED_BY_TAG_KEY } from "./limits";

/**
 * Defaults of the policy pack's settings that are not platform limits (those live in `limits.ts`). The pack's
 * `configSchema` defaults and its fallbacks (when the engine sent no configuration) both read these.
 */

/**
 * The bundled pack's name, as `pulumi preview --policy-pack` reports it.
 * @internal
 */
export const POLICY_PACK_NAME = "alicloud-secure-groups";

/**
 * The policy whose `riskyPorts` setting names the ports that must not face the open Internet.
 * @internal
 */
export const RISKY_PORTS_POLICY = "disallow-public-risky-ports";

/**
 * Tag keys every security group must carry. Empty: any non-empty set of tags will do.
 * @internal
 */
export const DEFAULT_REQUIRED_TAG_KEYS: readonly string[] = [];

/**
 * Tags `missing-security-group-tags` adds at level `remediate`.
 * @internal
 */
export const DEFAULT_REMEDIATION_TAGS: Readonly<Record<string, string>> = { [MANAGED_BY_TAG_KEY]: "pulumi" };

/**
 * Blocks exempt from `disallow-broad-intranet-cidr`.
 * @internal
 */
export const DEFAULT_ALLOWED_CIDRS: readonly string[] = [];

/**
 * Accounts whose security groups may be named as a cross-account source.
 * @internal
 */
export const DEFAULT_TRUSTED_ACCOUNTS: readonly string[] = [];

/**
 * Policies of the bundled pack that each judge one rule for admitting too broad a peer (any address, a broad
 * block, a CIDR where a source group belongs, every port). Several of them on one rule are one problem with one
 * fix, the rule's peer, so reports present them together while each keeps its own judgement.
 * @internal
 */
export const SAME_CAUSE_POLICIES: readonly string[] = [
    "disallow-broad-intranet-cidr",
    RISKY_PORTS_POLICY,
    "disallow-classic-intranet-cidr",
    "disallow-all-ports-accept",
    "prefer-source-group-authorization",
];
