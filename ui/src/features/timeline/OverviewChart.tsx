/** A bucket of the overview (buckets without a start are dropped when loaded). */
export type ChartBucket = { start: number; count: number };
import { formatUtc } from "../../lib/time";

const W = 1000;
const H = 56;

/** Event counts over the case's span; clicking a bar calls `onPick` with the bucket's start. */
export function OverviewChart({ buckets, onPick, from }: { buckets: ChartBucket[]; onPick: (startUs: number) => void; from: number | null }) {
  if (buckets.length === 0) {
    return (
      <div className="overview empty-chart" data-testid="overview-chart">
        No events yet.
      </div>
    );
  }
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const bw = W / buckets.length;
  const step = buckets.length > 1 ? buckets[1].start - buckets[0].start : 0;
  return (
    <div className="overview">
      <svg
        data-testid="overview-chart"
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label="Events over time; click a bar to show events from its start"
      >
        {buckets.map((b, i) => {
          const h = b.count === 0 ? 0 : Math.max(2, (b.count / max) * (H - 4));
          const active = from !== null && b.start <= from && (step === 0 || from < b.start + step);
          return (
            <g key={b.start} className={"bar" + (active ? " active" : "")} onClick={() => onPick(b.start)}>
              <title>{`${formatUtc(b.start)} — ${b.count} event${b.count === 1 ? "" : "s"}`}</title>
              <rect className="hit" x={i * bw} y={0} width={bw} height={H} />
              <rect className="fill" x={i * bw + 0.5} y={H - h} width={Math.max(0.5, bw - 1)} height={h} />
            </g>
          );
        })}
      </svg>
      <div className="overview-axis muted small">
        <span>{formatUtc(Math.floor(buckets[0].start / 1e6) * 1e6)}</span>
        <span>{formatUtc(Math.ceil((buckets[buckets.length - 1].start + step) / 1e6) * 1e6)}</span>
      </div>
    </div>
  );
}
