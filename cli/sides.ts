import type { Command } from "commander";
import { GateError } from "../engine/errors";
import { parseSideArgument, type SideSpec } from "../engine/review/sides";

/**
 * The sides of `diff` (BASE HEAD) and `explain` (TARGET) in the order they were given, whether as positionals
 * (`DIR`, `git:REF`) or spelled as `audit` spells them (`--stack-export FILE`, `--aliyun DIR`):
 * `alicloud-sg diff --stack-export prod.json .` compares what is deployed (BASE) with the program (HEAD).
 * Commander keeps options and positionals apart, so the order is read from the tokens, knowing from the
 * command's own options which ones take a value.
 */
export function orderedSides(command: Command, tokens: readonly string[]): SideSpec[] {
    const takesValue = new Set<string>();
    for (const option of command.options) {
        if (option.required || option.optional) {
            [option.long, option.short].forEach((flag) => flag && takesValue.add(flag));
        }
    }
    const sides: SideSpec[] = [];
    let positionalOnly = false;
    for (let index = 0; index < tokens.length; index++) {
        const token = tokens[index];
        if (positionalOnly || !token.startsWith("-") || token === "-") {
            sides.push(parseSideArgument(token));
            continue;
        }
        if (token === "--") {
            positionalOnly = true;
            continue;
        }
        const equals = token.indexOf("=");
        const flag = equals > 0 && token.startsWith("--") ? token.slice(0, equals) : token;
        const inline = equals > 0 && token.startsWith("--");
        const value = inline ? token.slice(equals + 1) : takesValue.has(flag) ? tokens[++index] : undefined;
        if (flag === "--stack-export" || flag === "--aliyun") {
            if (value === undefined) {
                throw new GateError(
                    "arguments",
                    `${flag} needs a ${flag === "--aliyun" ? "directory" : "file"}`,
                );
            }
            sides.push(
                flag === "--aliyun" ? { kind: "aliyun", dir: value } : { kind: "stack-export", file: value },
            );
        }
    }
    return sides;
}
