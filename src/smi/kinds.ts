// The kinds of SMI's API groups that meshlint knows exist but has no schema for: they are served wherever the SMI
// CRDs are installed (smi-sdk-go's specs.smi-spec.io bundle), so they are not "not served", only not validated.
const UNMODELLED: Readonly<Record<string, readonly string[]>> = {
  "specs.smi-spec.io": ["TCPRoute", "UDPRoute"],
  "access.smi-spec.io": ["TrafficTarget"],
};

/** Whether SMI defines this kind in this group although meshlint bundles no schema for it. */
export const isUnmodelledSmiKind = (group: string, kind: string): boolean => UNMODELLED[group]?.includes(kind) ?? false;
