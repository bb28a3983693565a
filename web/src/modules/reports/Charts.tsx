import { useMantineTheme } from '@mantine/core';
import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';

type Series = { key: string; label: string; color: string };
type ChartProps = {
  data: Record<string, unknown>[];
  x: string;
  series: Series[];
  height?: number;
  label: string;
  stacked?: boolean;
};

/** A bar chart in the theme's colours (recharts). */
export function Bars({ data, x, series, height = 240, label, stacked }: ChartProps) {
  const theme = useMantineTheme();
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={x} fontSize={12} />
          <YAxis fontSize={12} allowDecimals={false} width={40} />
          <Tooltip />
          <Legend />
          {series.map((s) => (
            <Bar
              key={s.key}
              dataKey={s.key}
              name={s.label}
              fill={theme.colors[s.color]?.[6] ?? s.color}
              {...(stacked ? { stackId: 'a' } : {})}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/** A line chart in the theme's colours (recharts). */
export function Lines({ data, x, series, height = 240, label }: ChartProps) {
  const theme = useMantineTheme();
  return (
    <div role="img" aria-label={label} style={{ width: '100%', height }}>
      <ResponsiveContainer>
        <LineChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey={x} fontSize={12} />
          <YAxis fontSize={12} allowDecimals={false} width={40} />
          <Tooltip />
          <Legend />
          {series.map((s) => (
            <Line
              key={s.key}
              dataKey={s.key}
              name={s.label}
              stroke={theme.colors[s.color]?.[6] ?? s.color}
              strokeWidth={2}
              dot={false}
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
