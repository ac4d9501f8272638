import type * as jspbTypes from "google-protobuf";
import { loadSdk } from "./sdk";

/**
 * `AnalyzeResponse` read straight from its bytes with `google-protobuf`'s own reader, into plain objects: what
 * the generated `deserializeBinary` reads, field for field, without a message object per diagnostic and per
 * not-applicable entry. A pack answers every `Analyze` call with one (a rule of an account gets four or five
 * "only applies to resources of type" entries), and building those objects was a tenth of the gate's own CPU on
 * `npm run bench`'s account. Unknown fields are skipped, as the generated code skips them.
 */

/** `AnalyzeDiagnostic` as the wire carries it: proto3 strings default to "", enums to 0. */
export interface WireDiagnostic {
    readonly policyName: string;
    readonly policyPackName: string;
    readonly policyPackVersion: string;
    readonly description: string;
    readonly message: string;
    readonly enforcementLevel: number;
    readonly urn: string;
    readonly severity: number;
}

export interface WireAnalyzeResponse {
    readonly diagnostics: WireDiagnostic[];
    readonly notApplicable: { readonly policyName: string; readonly reason: string }[];
}

type Reader = jspbTypes.BinaryReader;

/** The fields of a message, in order, each read by `read` (which must consume it) or skipped. */
function readFields(reader: Reader, read: (field: number) => boolean): void {
    while (reader.nextField()) {
        if (reader.isEndGroup()) {
            break;
        }
        if (!read(reader.getFieldNumber())) {
            reader.skipField();
        }
    }
}

function readDiagnostic(reader: Reader): WireDiagnostic {
    const d = {
        policyName: "",
        policyPackName: "",
        policyPackVersion: "",
        description: "",
        message: "",
        enforcementLevel: 0,
        urn: "",
        severity: 0,
    };
    readFields(reader, (field) => {
        switch (field) {
            case 1:
                d.policyName = reader.readString();
                return true;
            case 2:
                d.policyPackName = reader.readString();
                return true;
            case 3:
                d.policyPackVersion = reader.readString();
                return true;
            case 4:
                d.description = reader.readString();
                return true;
            case 5:
                d.message = reader.readString();
                return true;
            case 7:
                d.enforcementLevel = reader.readEnum();
                return true;
            case 8:
                d.urn = reader.readString();
                return true;
            case 9:
                d.severity = reader.readEnum();
                return true;
            default:
                return false;
        }
    });
    return d;
}

function readNotApplicable(reader: Reader): { policyName: string; reason: string } {
    const entry = { policyName: "", reason: "" };
    readFields(reader, (field) => {
        if (field === 1) {
            entry.policyName = reader.readString();
            return true;
        }
        if (field === 2) {
            entry.reason = reader.readString();
            return true;
        }
        return false;
    });
    return entry;
}

/** The `AnalyzeResponse` of `Analyze` and `AnalyzeStack`. */
export function decodeAnalyzeResponse(bytes: Uint8Array): WireAnalyzeResponse {
    const { jspb } = loadSdk();
    const reader = new jspb.BinaryReader(bytes);
    const response: WireAnalyzeResponse = { diagnostics: [], notApplicable: [] };
    readFields(reader, (field) => {
        if (field === 2) {
            reader.readMessage(undefined, () => response.diagnostics.push(readDiagnostic(reader)));
            return true;
        }
        if (field === 3) {
            reader.readMessage(undefined, () => response.notApplicable.push(readNotApplicable(reader)));
            return true;
        }
        return false;
    });
    return response;
}
