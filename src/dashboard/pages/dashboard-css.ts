/**
 * The dashboard's one stylesheet, served by the route at `${basePath}/dashboard.css`. Colours
 * meet WCAG AA contrast on white (text #1b1f24, links #0b4f9c, muted #4a5562); focus is always
 * visible.
 */
export const DASHBOARD_CSS = `
:root { color-scheme: light; font-family: system-ui, sans-serif; color: #1b1f24; background: #fff; }
body { margin: 0; line-height: 1.5; }
header, main, footer { max-width: 72rem; margin: 0 auto; padding: 0.75rem 1.25rem; }
header { display: flex; justify-content: space-between; align-items: center; border-bottom: 1px solid #d0d7de; }
header nav a { margin-right: 1rem; }
a { color: #0b4f9c; }
a:focus-visible, button:focus-visible, summary:focus-visible { outline: 3px solid #bf5700; outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: #fff; padding: 0.5rem; }
h1 { font-size: 1.6rem; margin: 0.5rem 0; }
h2 { font-size: 1.25rem; margin-top: 2rem; border-bottom: 1px solid #d0d7de; }
.muted { color: #4a5562; }
.figures { display: flex; flex-wrap: wrap; gap: 1rem; padding: 0; list-style: none; }
.figures li { border: 1px solid #d0d7de; border-radius: 6px; padding: 0.5rem 1rem; min-width: 9rem; }
.figures strong { display: block; font-size: 1.4rem; }
table { border-collapse: collapse; margin: 0.5rem 0; width: 100%; }
th, td { text-align: left; padding: 0.3rem 0.6rem; border-bottom: 1px solid #d0d7de; vertical-align: top; }
th { background: #f3f5f7; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0; }
figcaption { font-weight: 600; }
svg { max-width: 100%; height: auto; }
svg text { font: 12px system-ui, sans-serif; fill: #1b1f24; }
.axis line, .axis path { stroke: #4a5562; }
.series { fill: none; stroke: #0b4f9c; stroke-width: 2; }
.area { fill: #0b4f9c; fill-opacity: 0.15; }
.bar { fill: #0b4f9c; }
.problem { color: #a40e26; }
code { font-family: ui-monospace, monospace; font-size: 0.9em; background: #f3f5f7; padding: 0 0.2em; }
button { font: inherit; color: #fff; background: #a40e26; border: 0; border-radius: 4px; padding: 0.2rem 0.6rem; cursor: pointer; }
`;
