import { isEverySourcePort, parsePortRange } from "../../../core/ports";
import { parsePriority } from "../../../core/read";
import { UNKNOWN_SENTINEL } from "../../../core/wire";
import { text, type AliyunItem } from "./responses";

/**
 * One `Permissions.Permission[]` entry of `DescribeSecurityGroupAttribute` as the `SecurityGroupRule` resource
 * the provider records for it. The API spells enumerations in any case (`Accept`, `TCP`, `ALL`, `Intranet`) and
 * priorities as strings; the provider records them lower case and as numbers. A peer is the rule's source for
 * ingress and its destination for egress, in the same provider fields (`cidrIp`, `ipv6CidrIp`,
 * `sourceSecurityGroupId`, `prefixListId`).
 *
 * Two things the provider cannot record must not make a rule look stronger than it is: a port list
 * (`PortRangeListId`, whose ports the responses do not hold) makes the ports unknown, and a source port range
 * makes a drop's effect unknown (it drops only some packets), while an accept is judged as if it had none
 * (it admits at most that).
 */
export function ruleProps(
    groupId: string,
    permission: AliyunItem,
    isAccountGroup: (id: string) => boolean,
): Record<string, unknown> {
    const lower = (key: string): string | undefined => text(permission, key)?.toLowerCase();
    const direction = lower("Direction");
    const side = direction === "egress" ? "Dest" : "Source";
    const props: Record<string, unknown> = { securityGroupId: groupId };
    const set = (key: string, value: unknown): void => {
        if (value !== undefined) {
            props[key] = value;
        }
    };
    set("type", direction);
    set("ipProtocol", lower("IpProtocol"));
    set("portRange", text(permission, "PortRangeListId") ? UNKNOWN_SENTINEL : text(permission, "PortRange"));
    const policy = lower("Policy");
    set("policy", policy === "drop" && restrictsSourcePorts(permission) ? UNKNOWN_SENTINEL : policy);
    const priority = permission.Priority;
    set("priority", parsePriority(priority) ?? (priority === "" ? undefined : priority));
    set("nicType", lower("NicType"));
    set("description", text(permission, "Description"));
    set("cidrIp", text(permission, `${side}CidrIp`));
    set("ipv6CidrIp", text(permission, `Ipv6${side}CidrIp`));
    const peerGroup = text(permission, `${side}GroupId`);
    set("sourceSecurityGroupId", peerGroup);
    // Group ids are unique across accounts: a group read from this account is this account's, whatever owner the
    // API repeats; any other owner names another account.
    if (peerGroup !== undefined && !isAccountGroup(peerGroup)) {
        set("sourceGroupOwnerAccount", text(permission, `${side}GroupOwnerAccount`));
    }
    set("prefixListId", text(permission, `${side}PrefixListId`));
    return props;
}

/** A source port range that may leave some source ports out; one that cannot be read may too. */
function restrictsSourcePorts(permission: AliyunItem): boolean {
    const given = text(permission, "SourcePortRange");
    if (given === undefined) {
        return false;
    }
    const range = parsePortRange(given);
    return range === undefined || !isEverySourcePort(range);
}
