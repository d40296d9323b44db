package dev.braid.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Renders a {@link Trace} as one self-contained HTML page: no scripts, no external resources (a
 * Content-Security-Policy forbids both), every user string (thread names, resource labels,
 * messages) escaped. Lanes are columns, one per thread; steps are rows, oldest first.
 */
final class TraceHtml {
    private static final String STYLE =
            """
            body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222}
            h1{font-size:20px;margin:0 0 8px} h2{font-size:16px;margin:20px 0 6px}
            .verdict{font-weight:bold;color:#a00;font-size:16px}
            pre{background:#f6f6f6;padding:8px;overflow:auto;max-height:320px}
            table.timeline{border-collapse:collapse}
            .timeline th{position:sticky;top:0;background:#eef;border:1px solid #ccd;padding:4px 8px}
            .timeline td{border:1px solid #eee;padding:2px 6px;vertical-align:top;min-width:140px}
            .timeline td.n{color:#888;min-width:40px;text-align:right}
            .mark{background:#e8f0ff;border-left:3px solid #36c;padding:2px 4px}
            .mark .api{color:#555} .mark .site{color:#070;font-family:monospace;font-size:12px}
            tr.fatal td{background:#fff3f3}
            tr.fatal .mark{background:#ffd6d6;border-left:4px solid #d00;font-weight:bold}
            .waits li{margin:2px 0} code{font-family:monospace}
            svg text{font:13px sans-serif}
            """;

    private TraceHtml() {}

    static String render(Trace trace) {
        StringBuilder h = new StringBuilder(16_384);
        String headline = trace.result().message().lines().findFirst().orElse("");
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src")
                .append(" 'none'; style-src 'unsafe-inline'\">\n")
                .append("<title>braid trace: ")
                .append(esc(headline))
                .append("</title>\n<style>")
                .append(STYLE)
                .append("</style></head>\n<body>\n<h1>braid simulation trace</h1>\n")
                .append("<p class=\"verdict\" id=\"verdict\">")
                .append(esc(headline))
                .append("</p>\n<p>replay: <code id=\"schedule\">")
                .append(esc(trace.result().schedule()))
                .append("</code></p>\n");
        if (trace.fatal() >= 0) {
            Trace.Step f = trace.steps().get(trace.fatal());
            h.append("<p>fatal step: <a href=\"#fatal\">#")
                    .append(f.step())
                    .append(" by ")
                    .append(esc(f.thread()))
                    .append(": ")
                    .append(esc(f.what()))
                    .append(" at ")
                    .append(esc(f.site()))
                    .append("</a></p>\n");
        }
        if (!trace.faults().isEmpty()) {
            h.append("<h2>Injected faults</h2>\n<ul class=\"faults\">\n");
            for (String f : trace.faults()) {
                h.append("<li>").append(esc(f)).append("</li>\n");
            }
            h.append("</ul>\n");
        }
        if (trace.result() instanceof SimResult.Deadlock d) {
            deadlock(h, d, trace);
        }
        timeline(h, trace);
        h.append("<h2>Message</h2>\n<pre id=\"message\">")
                .append(esc(trace.result().message()))
                .append("</pre>\n");
        h.append("</body></html>\n");
        return h.toString();
    }

    private static void deadlock(StringBuilder h, SimResult.Deadlock d, Trace trace) {
        h.append("<h2>Deadlock</h2>\n<ul class=\"waits\">\n");
        for (Trace.Waiting w : trace.waits()) {
            h.append("<li>thread <b>")
                    .append(esc(w.thread()))
                    .append("</b> waits for <b>")
                    .append(esc(w.waitsFor()))
                    .append("</b> at <code>")
                    .append(esc(w.site()))
                    .append("</code></li>\n");
        }
        h.append("</ul>\n");
        if (!d.cycle().isEmpty()) {
            h.append("<p>wait-for cycle: <code>").append(esc(d.cycle())).append("</code></p>\n");
            cycle(h, d.cycle());
        }
    }

    /** The cycle as nodes on a circle, threads as boxes and resources as ellipses, with arrows. */
    private static void cycle(StringBuilder h, String cycle) {
        String[] parts = cycle.split(" -> ");
        List<String> nodes = new ArrayList<>(List.of(parts).subList(0, parts.length - 1));
        int n = nodes.size();
        double radius = 70 + 28 * n;
        double cx = radius + 110;
        double cy = radius + 40;
        int width = (int) (2 * cx);
        int height = (int) (2 * cy);
        h.append("<svg id=\"cycle\" xmlns=\"http://www.w3.org/2000/svg\" width=\"")
                .append(width)
                .append("\" height=\"")
                .append(height)
                .append("\" role=\"img\" aria-label=\"wait-for cycle\">\n")
                .append("<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\"")
                .append(" markerWidth=\"8\" markerHeight=\"8\" orient=\"auto\">")
                .append("<path d=\"M0,0 L10,5 L0,10 z\" fill=\"#c00\"/></marker></defs>\n");
        double[] xs = new double[n];
        double[] ys = new double[n];
        for (int i = 0; i < n; i++) {
            double a = -Math.PI / 2 + 2 * Math.PI * i / n;
            xs[i] = cx + radius * Math.cos(a);
            ys[i] = cy + radius * Math.sin(a);
        }
        for (int i = 0; i < n; i++) {
            int j = (i + 1) % n;
            double dx = xs[j] - xs[i];
            double dy = ys[j] - ys[i];
            double len = Math.max(1, Math.hypot(dx, dy));
            double cut = Math.min(38, len / 3);
            h.append(
                    String.format(
                            Locale.ROOT,
                            "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c00\""
                                    + " stroke-width=\"2\" marker-end=\"url(#arrow)\"/>%n",
                            xs[i] + dx / len * cut,
                            ys[i] + dy / len * cut,
                            xs[j] - dx / len * cut,
                            ys[j] - dy / len * cut));
        }
        for (int i = 0; i < n; i++) {
            boolean thread = i % 2 == 0;
            String label = nodes.get(i);
            int w = Math.min(200, 16 + 8 * label.length());
            if (thread) {
                h.append(
                        String.format(
                                Locale.ROOT,
                                "<rect x=\"%.1f\" y=\"%.1f\" width=\"%d\" height=\"28\" rx=\"6\""
                                        + " fill=\"#e8f0ff\" stroke=\"#36c\"/>%n",
                                xs[i] - w / 2.0,
                                ys[i] - 14,
                                w));
            } else {
                h.append(
                        String.format(
                                Locale.ROOT,
                                "<ellipse cx=\"%.1f\" cy=\"%.1f\" rx=\"%.1f\" ry=\"16\""
                                        + " fill=\"#fff3d6\" stroke=\"#b80\"/>%n",
                                xs[i],
                                ys[i],
                                w / 2.0));
            }
            h.append(
                            String.format(
                                    Locale.ROOT,
                                    "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">",
                                    xs[i],
                                    ys[i] + 5))
                    .append(esc(label))
                    .append("</text>\n");
        }
        h.append("</svg>\n");
    }

    private static void timeline(StringBuilder h, Trace trace) {
        List<String> threads = trace.threads();
        h.append("<h2>Timeline</h2>\n");
        if (!trace.steps().isEmpty() && trace.steps().getFirst().step() > 1) {
            h.append("<p>(the first ")
                    .append(trace.steps().getFirst().step() - 1)
                    .append(" steps are not shown)</p>\n");
        }
        h.append("<table class=\"timeline\"><thead><tr><th>step</th>");
        for (String t : threads) {
            h.append("<th class=\"lane\">").append(esc(t)).append("</th>");
        }
        h.append("</tr></thead>\n<tbody>\n");
        List<Trace.Step> steps = trace.steps();
        for (int i = 0; i < steps.size(); i++) {
            Trace.Step s = steps.get(i);
            boolean fatal = i == trace.fatal();
            h.append(fatal ? "<tr id=\"fatal\" class=\"fatal\">" : "<tr>")
                    .append("<td class=\"n\">#")
                    .append(s.step())
                    .append("</td>");
            int lane = threads.indexOf(s.thread());
            for (int c = 0; c < threads.size(); c++) {
                if (c != lane) {
                    h.append("<td></td>");
                    continue;
                }
                h.append("<td><div class=\"mark\"><span class=\"what\">")
                        .append(esc(s.what()))
                        .append("</span>");
                if (!s.api().isEmpty()) {
                    h.append(" <span class=\"api\">via ").append(esc(s.api())).append("</span>");
                }
                h.append("<br><span class=\"site\">")
                        .append(esc(s.site()))
                        .append("</span></div></td>");
            }
            h.append("</tr>\n");
        }
        h.append("</tbody></table>\n");
    }

    /** Escapes text for HTML element content and attribute values. */
    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> sb.append("&amp;");
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
