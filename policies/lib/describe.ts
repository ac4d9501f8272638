import { describeTraffic } from "../../core/ports";
import { isKnown } from "../../core/read";
import { SecurityRule } from "../../core/rule";
import { StackRule } from "../../core/stack";

/** `0.0.0.0/0`, `security group web`, `prefix list pl-1`, `security group sg-1 of account 1234`. */
function describePeer(rule: StackRule): string {
    const peer = rule.reading.peer;
    if (!peer) {
        return "no peer";
    }
    if (peer.field === "sourceSecurityGroupId") {
        if (rule.source?.kind === "stack") {
            return `security group ${rule.source.group.name}`;
        }
        if (rule.source?.kind === "external") {
            return rule.source.ownerId === undefined
                ? `security group ${rule.source.id}`
                : `security group ${rule.source.id} of account ${rule.source.ownerId}`;
        }
        return "a security group not known yet";
    }
    if (!isKnown(peer.value)) {
        return "a peer not known yet";
    }
    return peer.field === "prefixListId" ? `prefix list ${peer.value}` : peer.value;
}

/** `Rule web-ssh allows tcp 22 from 0.0.0.0/0 at priority 1`. */
export function describeRule(stackRule: StackRule, rule: SecurityRule<string>): string {
    const verb = rule.policy === "accept" ? "allows" : "drops";
    const preposition = rule.direction === "ingress" ? "from" : "to";
    return `Rule ${stackRule.name} ${verb} ${describeTraffic(rule.protocol, rule.ports)} ${preposition} ${describePeer(stackRule)} at priority ${rule.priority}`;
}

export { describeTraffic };
