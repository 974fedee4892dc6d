// The words the core accepts (casebook-ledger vocab.rs), in display order.
export const PHASES = ["detect", "respond", "remediate", "closed"] as const;
export const WORK_PHASES = ["detect", "respond", "remediate"] as const;
export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export const TLPS = ["clear", "green", "amber", "amber+strict", "red"] as const;
export const TASK_STATUSES = ["todo", "doing", "blocked", "done"] as const;
export const ASSET_KINDS = ["host", "account", "service", "network"] as const;
export const COMPROMISE = ["unknown", "clean", "suspected", "compromised", "restored"] as const;
export const OBSERVABLE_TYPES = [
  "ipv4",
  "ipv6",
  "domain",
  "url",
  "email",
  "md5",
  "sha1",
  "sha256",
  "filename",
  "hostname",
  "account",
  "registry-key",
  "process",
  "other",
] as const;
