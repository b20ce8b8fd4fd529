/** networking.istio.io, security.istio.io, telemetry.istio.io, extensions.istio.io… */
export const isIstioGroup = (group: string): boolean => group === "istio.io" || group.endsWith(".istio.io");
