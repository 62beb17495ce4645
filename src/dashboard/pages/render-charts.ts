import { max } from "d3-array";
import { scaleBand, scaleLinear, scaleUtc } from "d3-scale";
import { area, line } from "d3-shape";
import { html, type SafeHtml } from "./html.ts";

/*
 * Charts drawn on the server as SVG (d3-scale for the scales, d3-shape for the paths): readable
 * without JavaScript, each with a title, a description, labelled axes, and its figures as a table
 * in a <details> below for screen readers and for reading exact values.
 */

const WIDTH = 640;
const HEIGHT = 240;
const MARGIN = { top: 16, right: 16, bottom: 48, left: 64 };

type ChartText = {
  /** Unique on the page: prefixes the ids of the title and description. */
  id: string;
  title: string;
  description: string;
  xLabel: string;
  yLabel: string;
  format: (value: number) => string;
};

/** One value per UTC day (`YYYY-MM-DD`), as a line over a shaded area. */
export function renderTimeSeriesChart(
  text: ChartText,
  points: { day: string; value: number }[],
): SafeHtml {
  const dates = points.map((p) => new Date(`${p.day}T00:00:00Z`));
  const x = scaleUtc()
    .domain([dates[0] ?? new Date(0), dates.at(-1) ?? new Date(0)])
    .range([MARGIN.left, WIDTH - MARGIN.right]);
  const y = scaleLinear()
    .domain([0, Math.max(max(points, (p) => p.value) ?? 0, 1e-9)])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const xOf = (_: unknown, i: number) => x(dates[i]!);
  const linePath =
    line<{ value: number }>()
      .x(xOf)
      .y((p) => y(p.value))(points) ?? "";
  const areaPath =
    area<{ value: number }>()
      .x(xOf)
      .y0(y(0))
      .y1((p) => y(p.value))(points) ?? "";
  const xTicks =
    points.length <= 1
      ? points
      : [points[0]!, points[Math.floor(points.length / 2)]!, points.at(-1)!];
  const xAxis = xTicks.map(
    (p) =>
      html`<text
        x="${x(new Date(`${p.day}T00:00:00Z`)).toFixed(1)}"
        y="${HEIGHT - MARGIN.bottom + 16}"
        text-anchor="middle"
        >${p.day}</text
      >`,
  );
  const body = html`${yAxis(y, text)}${xAxisLine()}${xAxis}
    <path class="area" d="${areaPath}" />
    <path class="series" d="${linePath}" />`;
  const rows = points.map(
    (p) =>
      html`<tr>
        <td>${p.day}</td>
        <td class="num">${text.format(p.value)}</td>
      </tr>`,
  );
  return figure(text, body, rows);
}

/** One bar per category (severities, histogram bins), in the order given. */
export function renderBarChart(
  text: ChartText,
  bars: { label: string; value: number }[],
): SafeHtml {
  const x = scaleBand()
    .domain(bars.map((b) => b.label))
    .range([MARGIN.left, WIDTH - MARGIN.right])
    .padding(0.2);
  const y = scaleLinear()
    .domain([0, Math.max(max(bars, (b) => b.value) ?? 0, 1e-9)])
    .nice()
    .range([HEIGHT - MARGIN.bottom, MARGIN.top]);
  const rects = bars.map((b) => {
    const left = x(b.label) ?? 0;
    const top = y(b.value);
    return html`<rect
        class="bar"
        x="${left.toFixed(1)}"
        y="${top.toFixed(1)}"
        width="${x.bandwidth().toFixed(1)}"
        height="${(y(0) - top).toFixed(1)}"
        ><title>${b.label}: ${text.format(b.value)}</title></rect
      >
      <text
        x="${(left + x.bandwidth() / 2).toFixed(1)}"
        y="${HEIGHT - MARGIN.bottom + 16}"
        text-anchor="middle"
        >${b.label}</text
      >`;
  });
  const body = html`${yAxis(y, text)}${xAxisLine()}${rects}`;
  const rows = bars.map(
    (b) =>
      html`<tr>
        <td>${b.label}</td>
        <td class="num">${text.format(b.value)}</td>
      </tr>`,
  );
  return figure(text, body, rows);
}

function yAxis(y: ReturnType<typeof scaleLinear<number, number>>, text: ChartText): SafeHtml {
  const ticks = y
    .ticks(4)
    .map(
      (t) =>
        html`<line
            x1="${MARGIN.left - 4}"
            x2="${MARGIN.left}"
            y1="${y(t).toFixed(1)}"
            y2="${y(t).toFixed(1)}"
          /><text x="${MARGIN.left - 8}" y="${(y(t) + 4).toFixed(1)}" text-anchor="end"
            >${text.format(t)}</text
          >`,
    );
  const middle = (MARGIN.top + HEIGHT - MARGIN.bottom) / 2;
  return html`<g class="axis"
      ><line
        x1="${MARGIN.left}"
        x2="${MARGIN.left}"
        y1="${MARGIN.top}"
        y2="${HEIGHT - MARGIN.bottom}"
      />${ticks}</g
    >
    <text class="axis-label" transform="translate(14 ${middle}) rotate(-90)" text-anchor="middle"
      >${text.yLabel}</text
    >
    <text
      class="axis-label"
      x="${(MARGIN.left + WIDTH - MARGIN.right) / 2}"
      y="${HEIGHT - 8}"
      text-anchor="middle"
      >${text.xLabel}</text
    >`;
}

function xAxisLine(): SafeHtml {
  return html`<g class="axis"
    ><line
      x1="${MARGIN.left}"
      x2="${WIDTH - MARGIN.right}"
      y1="${HEIGHT - MARGIN.bottom}"
      y2="${HEIGHT - MARGIN.bottom}"
  /></g>`;
}

function figure(text: ChartText, body: SafeHtml, rows: SafeHtml[]): SafeHtml {
  return html`<figure>
    <figcaption id="${text.id}-caption">${text.title}</figcaption>
    <svg
      viewBox="0 0 ${WIDTH} ${HEIGHT}"
      width="${WIDTH}"
      height="${HEIGHT}"
      role="img"
      aria-label="${text.title}"
      aria-describedby="${text.id}-desc"
    >
      <title id="${text.id}-title">${text.title}</title>
      <desc id="${text.id}-desc">${text.description}</desc>
      ${body}
    </svg>
    <details>
      <summary>${text.title}: the figures as a table</summary>
      <table>
        <caption>
          ${text.title}
        </caption>
        <thead>
          <tr>
            <th scope="col">${text.xLabel}</th>
            <th scope="col" class="num">${text.yLabel}</th>
          </tr>
        </thead>
        <tbody>
          ${rows}
        </tbody>
      </table>
    </details>
  </figure>`;
}
