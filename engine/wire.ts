/**
 * The engine's wire encoding of property values, and the two ways the gate rewrites it: for analyzers (as the
 * engine sends them) and for reports (readable, never leaking a secret).
 */

import {
    OUTPUT_VALUE_SIG,
    RESOURCE_REF_SIG,
    SECRET_LABEL,
    SECRET_SIG,
    SIG_KEY,
    UNKNOWN_LABEL,
    UNKNOWN_SENTINEL,
} from "../core/wire";

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * What the engine hands an analyzer: resource references flattened to the referenced resource's id (custom
 * resources) or URN (components), output values unwrapped to their value (or the unknown sentinel, keeping
 * their secretness); secrets, unknowns, assets and archives stay in wire form for the policy SDK to decode.
 */
export function toAnalyzerValue(value: unknown): unknown {
    if (Array.isArray(value)) {
        return value.map(toAnalyzerValue);
    }
    if (!isObject(value)) {
        return value;
    }
    const sig = value[SIG_KEY];
    if (sig === RESOURCE_REF_SIG) {
        if ("id" in value) {
            const id = value.id;
            return typeof id === "string" && id !== "" ? id : UNKNOWN_SENTINEL;
        }
        return value.urn;
    }
    if (sig === OUTPUT_VALUE_SIG) {
        const inner = "value" in value ? toAnalyzerValue(value.value) : UNKNOWN_SENTINEL;
        return value.secret === true ? { [SIG_KEY]: SECRET_SIG, value: inner } : inner;
    }
    if (sig === SECRET_SIG) {
        return { [SIG_KEY]: SECRET_SIG, value: toAnalyzerValue(value.value) };
    }
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
        result[key] = toAnalyzerValue(inner);
    }
    return result;
}

export function toAnalyzerProperties(props: Record<string, unknown>): Record<string, unknown> {
    return toAnalyzerValue(props) as Record<string, unknown>;
}

/** For reports: unknowns become `"[unknown]"`, secrets `"[secret]"`, references the referenced URN. */
export function toDisplayValue(value: unknown): unknown {
    if (value === UNKNOWN_SENTINEL) {
        return UNKNOWN_LABEL;
    }
    if (Array.isArray(value)) {
        return value.map(toDisplayValue);
    }
    if (!isObject(value)) {
        return value;
    }
    const sig = value[SIG_KEY];
    if (sig === SECRET_SIG) {
        return SECRET_LABEL;
    }
    if (sig === RESOURCE_REF_SIG) {
        return value.urn;
    }
    if (sig === OUTPUT_VALUE_SIG) {
        if (value.secret === true) {
            return SECRET_LABEL;
        }
        return "value" in value ? toDisplayValue(value.value) : UNKNOWN_LABEL;
    }
    const result: Record<string, unknown> = {};
    for (const [key, inner] of Object.entries(value)) {
        result[key] = toDisplayValue(inner);
    }
    return result;
}
