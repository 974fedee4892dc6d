import { hexGroups } from "../lib/counts";

/** A SHA-256 in groups of four, two rows of eight, to read aloud. */
export function HashGroups({ value, testId }: { value: string; testId?: string }) {
  return (
    <span className="hash-groups mono" data-testid={testId} aria-label={`SHA-256 ${value}`} title={value}>
      {hexGroups(value).map((g, i) => (
        <span key={i}>{g}</span>
      ))}
    </span>
  );
}
