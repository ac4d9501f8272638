import * as assert from "assert";
import Ajv04 from "ajv-draft-04";
import addFormats from "ajv-formats";
import type { ValidateFunction } from "ajv";
import sarifSchema from "@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json";

let validator: ValidateFunction | undefined;

/**
 * The official SARIF 2.1.0 JSON schema (OASIS's final rtm.5, draft-04, as `@microsoft/jest-sarif` ships it),
 * compiled once. Its patterns use Unicode classes that ajv's `u`-flag regular expressions reject, hence
 * `unicodeRegExp: false`; `uri` and `date-time` formats are checked, not ignored.
 */
function sarifValidator(): ValidateFunction {
    if (!validator) {
        const ajv = new Ajv04({ unicodeRegExp: false, strict: false, allErrors: true });
        addFormats(ajv);
        validator = ajv.compile(sarifSchema);
    }
    return validator;
}

/** Fails, listing every schema error, unless `log` (a parsed SARIF document) is valid SARIF 2.1.0. */
export function assertValidSarif(log: unknown): void {
    const validate = sarifValidator();
    const valid = validate(log);
    assert.ok(
        valid,
        `not valid SARIF 2.1.0:\n${(validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`).join("\n")}`,
    );
}
