using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Inspecta.Detectors;

namespace Inspecta.Reporting;

/// <summary>
/// Writes the evaluation report: one HTML file with the summary table, plots and a thumbnail
/// gallery embedded as data URIs (it opens offline, with no network or CDN), plus the full-size
/// views in a <c>&lt;name&gt;_files/</c> folder beside it that the thumbnails link to. Keeping
/// full-size pictures out of the HTML keeps the page light (the whole MVTec bottle test set stays
/// far below 30 MB) while every pixel stays one click away.
/// </summary>
public static class HtmlReportWriter
{
    public static ReportResult Write(ReportInput input, string htmlPath, ReportOptions? options = null,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        options ??= new ReportOptions();
        string full = Path.GetFullPath(htmlPath);
        string dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new InspectaUserException($"{htmlPath}: the output folder '{dir}' does not exist.");
        string filesName = Path.GetFileNameWithoutExtension(full) + "_files";
        string filesDir = Path.Combine(dir, filesName);

        // The calibrated rule judges; only without one does the test-optimal oracle, and the summary says so.
        var oracle = input.Oracle ?? ReportThresholds.BestF1(input.Items);
        var threshold = input.Threshold ?? oracle;
        var range = input.MapRange ?? MapRange(input.Items, options, progress, ct);

        var rendered = new RenderedItem[input.Items.Count];
        var fileNames = new ConcurrentDictionary<(int Item, int View), string>();
        int done = 0, written = 0;
        if (input.Items.Count > 0 && options.FullSizeImages) Directory.CreateDirectory(filesDir);
        Parallel.For(0, input.Items.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = ct }, i =>
        {
            var item = input.Items[i];
            var r = GalleryRenderer.Render(item, threshold!, range, options);
            for (int v = 0; v < r.Views.Count; v++)
            {
                var view = r.Views[v];
                if (view.FullSize is null) continue;
                string name = $"{i:D4}_{Safe(item.Label)}_{Safe(item.Id)}_{view.Kind}{view.FullSizeExtension}";
                File.WriteAllBytes(Path.Combine(filesDir, name), view.FullSize);
                fileNames[(i, v)] = name;
                Interlocked.Increment(ref written);
            }
            // Drop the full-size bytes now that they are on disk.
            rendered[i] = r with { Views = [.. r.Views.Select(v => v with { FullSize = null })] };
            progress?.Report(new ProgressUpdate("gallery", Interlocked.Increment(ref done), input.Items.Count));
        });

        var order = Enumerable.Range(0, rendered.Length).OrderBy(i => SortKey(rendered[i], threshold)).ThenBy(i => input.Items[i].Label, StringComparer.Ordinal).ThenBy(i => input.Items[i].Id, StringComparer.Ordinal).ToArray();

        var html = new StringBuilder(1 << 20);
        WriteHead(html, input, options);
        WriteSummary(html, input, threshold, oracle, rendered);
        WritePlots(html, input, threshold?.Rule is null ? threshold : oracle);
        WriteGallery(html, input, rendered, order, fileNames, filesName, threshold, range);
        html.Append("<script>").Append(HtmlReportAssets.Script).Append("</script>\n</body>\n</html>\n");

        string tmp = full + ".tmp";
        File.WriteAllText(tmp, html.ToString(), new UTF8Encoding(false));
        File.Move(tmp, full, overwrite: true);
        return new ReportResult(full, new FileInfo(full).Length, written > 0 ? filesDir : null, written, rendered.Length);
    }

    /// <summary>Worst first: missed defects (furthest below the threshold first), false alarms
    /// (furthest above first), then correct images, closest calls first.</summary>
    private static (int, float) SortKey(RenderedItem r, ReportThreshold? t)
    {
        float margin = t is null ? 0 : r.Margin;
        return r.Verdict switch
        {
            Verdict.Missed => (0, margin),
            Verdict.FalseAlarm => (1, -margin),
            _ => (2, MathF.Abs(margin)),
        };
    }

    private static (float Lo, float Hi) MapRange(IReadOnlyList<GalleryItem> items, ReportOptions options, IProgress<ProgressUpdate>? progress, CancellationToken ct)
    {
        float lo = float.PositiveInfinity, hi = float.NegativeInfinity;
        object gate = new();
        int done = 0;
        Parallel.For(0, items.Count, new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism, CancellationToken = ct }, i =>
        {
            var map = items[i].LoadMap();
            if (map is not null)
            {
                float mn = float.PositiveInfinity, mx = float.NegativeInfinity;
                foreach (float v in map.Data)
                    if (float.IsFinite(v)) { if (v < mn) mn = v; if (v > mx) mx = v; }
                lock (gate) { lo = MathF.Min(lo, mn); hi = MathF.Max(hi, mx); }
            }
            progress?.Report(new ProgressUpdate("map range", Interlocked.Increment(ref done), items.Count));
        });
        if (!float.IsFinite(lo)) return (0f, 1f);
        if (!(hi > lo)) hi = lo + 1f;
        return (lo, hi);
    }

    private static void WriteHead(StringBuilder html, ReportInput input, ReportOptions options)
    {
        html.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .Append("<title>").Append(E(input.Title)).Append("</title>\n")
            .Append("<style>").Append(HtmlReportAssets.Css)
            .Append(".views figure { max-width: ").Append(options.ThumbnailSize).Append("px; }\n</style>\n</head>\n<body>\n")
            .Append("<header class=\"top\"><h1>").Append(E(input.Title)).Append("</h1>\n<dl class=\"context\">");
        foreach (var (k, v) in input.Context)
            html.Append("<div><dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd></div>");
        html.Append("<div><dt>generated</dt><dd>").Append(DateTime.UtcNow.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture)).Append("</dd></div>");
        html.Append("</dl></header>\n");
    }

    private static void WriteSummary(StringBuilder html, ReportInput input, ReportThreshold? threshold, ReportThreshold? oracle, RenderedItem[] rendered)
    {
        html.Append("<section id=\"summary\"><h2>Summary</h2>\n<table class=\"metrics\"><thead><tr><th>metric</th><th>value</th><th>notes</th></tr></thead><tbody>\n");
        foreach (var m in input.Metrics)
            html.Append("<tr><td>").Append(E(m.Name)).Append("</td><td class=\"v\">").Append(m.Format is null ? F(m.Value) : m.Value.ToString(m.Format, CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(E(m.Note ?? "")).Append("</td></tr>\n");
        if (threshold is not null)
        {
            string name = threshold.IsOracle ? "oracle threshold" : threshold.Rule is not null ? "decision rule threshold" : "threshold";
            html.Append("<tr class=\"").Append(threshold.IsOracle ? "oracle" : "stored").Append("\"><td>").Append(name).Append("</td><td class=\"v\">").Append(threshold.Value.ToString("G6", CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(E(threshold.Source)).Append("</td></tr>\n");
            if (threshold.Rule is null && threshold.Pixel is float p)
                html.Append("<tr><td>pixel threshold</td><td class=\"v\">").Append(p.ToString("G6", CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">predicted masks</td></tr>\n");
            // The gallery's own verdicts: the numbers and the pictures cannot disagree.
            string at = threshold.IsOracle ? "judged by the oracle threshold (chosen on this test set)" : "judged by the rule above";
            AccuracyRows(html, rendered.Where(r => r.Item.IsGood).Select(r => r.Verdict == Verdict.Ok).ToArray(),
                rendered.Where(r => !r.Item.IsGood).Select(r => r.Verdict == Verdict.Detected).ToArray(), "", at);
        }
        if (oracle is not null && threshold is not null && !threshold.IsOracle)
        {
            html.Append("<tr class=\"oracle\"><td>oracle threshold</td><td class=\"v\">").Append(oracle.Value.ToString("G6", CultureInfo.InvariantCulture)).Append("</td><td class=\"n\">").Append(E(oracle.Source)).Append("</td></tr>\n");
            AccuracyRows(html, input.Items.Where(i => i.IsGood).Select(i => i.Score < oracle.Value).ToArray(),
                input.Items.Where(i => !i.IsGood).Select(i => i.Score >= oracle.Value).ToArray(), "oracle ", "image score against the oracle threshold; for comparison only");
        }
        html.Append("</tbody></table>\n</section>\n");
    }

    private static void AccuracyRows(StringBuilder html, bool[] good, bool[] defective, string prefix, string note)
    {
        if (good.Length > 0)
            html.Append("<tr><td>").Append(prefix).Append("accuracy on good images</td><td class=\"v\">").Append(F(good.Count(c => c) / (double)good.Length)).Append("</td><td class=\"n\">").Append(good.Length).Append(" images, ").Append(E(note)).Append("</td></tr>\n");
        if (defective.Length > 0)
            html.Append("<tr><td>").Append(prefix).Append("accuracy on defective images</td><td class=\"v\">").Append(F(defective.Count(c => c) / (double)defective.Length)).Append("</td><td class=\"n\">").Append(defective.Length).Append(" images, ").Append(E(note)).Append("</td></tr>\n");
    }

    private static void WritePlots(StringBuilder html, ReportInput input, ReportThreshold? threshold)
    {
        var plots = new List<(string Alt, byte[] Png)>();
        if (input.ImageRoc is not null) plots.Add(("Image ROC", ReportPlots.Roc(input.ImageRoc, "Image ROC")));
        if (input.PixelRoc is not null) plots.Add(("Pixel ROC", ReportPlots.Roc(input.PixelRoc, "Pixel ROC")));
        if (input.Pro is not null) plots.Add(("PRO vs FPR", ReportPlots.Pro(input.Pro, input.ProLimits, input.Pro.Area)));
        if (input.Items.Count > 0)
        {
            var good = input.Items.Where(i => i.IsGood).Select(i => (double)i.Score).ToArray();
            var bad = input.Items.Where(i => !i.IsGood).Select(i => (double)i.Score).ToArray();
            plots.Add(("Image score histogram", ReportPlots.ScoreHistogram(good, bad, threshold)));
        }
        if (plots.Count == 0) return;
        html.Append("<section id=\"plots\"><h2>Curves</h2>\n<div class=\"plots\">\n");
        foreach (var (alt, png) in plots)
            html.Append("<figure><img alt=\"").Append(E(alt)).Append("\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(png)).Append("\"></figure>\n");
        html.Append("</div>\n</section>\n");
    }

    private static void WriteGallery(StringBuilder html, ReportInput input, RenderedItem[] rendered, int[] order,
        IReadOnlyDictionary<(int, int), string> fileNames, string filesName, ReportThreshold? threshold, (float Lo, float Hi) range)
    {
        if (rendered.Length == 0) return;
        var labels = rendered.GroupBy(r => r.Item.Label).OrderBy(g => g.Key == "good" ? "" : g.Key, StringComparer.Ordinal).ToArray();
        int errors = rendered.Count(r => r.Verdict is Verdict.Missed or Verdict.FalseAlarm);
        html.Append("<section id=\"gallery\"><h2>Images</h2>\n<div class=\"filters\">")
            .Append("<label>defect type <select id=\"filter-type\"><option value=\"\">all (").Append(rendered.Length).Append(")</option>");
        foreach (var g in labels)
            html.Append("<option value=\"").Append(E(g.Key)).Append("\">").Append(E(g.Key)).Append(" (").Append(g.Count()).Append(")</option>");
        html.Append("</select></label>")
            .Append("<label><input type=\"checkbox\" id=\"filter-errors\"> errors only (").Append(errors).Append(")</label>")
            .Append("<span id=\"shown-count\"></span>")
            .Append("<span class=\"colorbar\">").Append(F(range.Lo)).Append(" <img alt=\"colour scale\" src=\"data:image/png;base64,").Append(Convert.ToBase64String(ColorBarPng())).Append("\"> ").Append(F(range.Hi)).Append("</span>")
            .Append("</div>\n<p class=\"note\">Worst first: missed defects, then false alarms, then correct images closest to the threshold. ")
            .Append("Green outline: ground truth; red: predicted region. Thumbnails link to full-size images in <code>").Append(E(filesName)).Append("/</code>.</p>\n<div id=\"items\">\n");
        foreach (int i in order)
        {
            var r = rendered[i];
            var item = r.Item;
            string cls = r.Verdict switch { Verdict.Missed => "missed", Verdict.FalseAlarm => "false-alarm", Verdict.Detected => "detected", _ => "ok" };
            string verdict = r.Verdict switch { Verdict.Missed => "missed defect", Verdict.FalseAlarm => "false alarm", Verdict.Detected => "defect found", _ => "good, passed" };
            html.Append("<article class=\"item ").Append(cls).Append("\" data-label=\"").Append(E(item.Label)).Append("\" data-id=\"").Append(E(item.Id))
                .Append("\" data-defective=\"").Append(r.Verdict is Verdict.Detected or Verdict.FalseAlarm ? '1' : '0').Append("\" data-error=\"")
                .Append(r.Verdict is Verdict.Missed or Verdict.FalseAlarm ? '1' : '0').Append("\">")
                .Append("<div class=\"meta\"><div class=\"id\"");
            if (item.SourcePath is not null) html.Append(" title=\"").Append(E(item.SourcePath)).Append('"');
            html.Append('>').Append(E(item.Label)).Append('/').Append(E(item.Id)).Append("</div>")
                .Append("<div class=\"score\">score ").Append(item.Score.ToString("G5", CultureInfo.InvariantCulture)).Append("</div>")
                .Append("<div class=\"verdict\">").Append(verdict).Append("</div>");
            if (r.DefectPixels > 0) html.Append("<div class=\"n\">defect px ").Append(r.DefectPixels).Append("</div>");
            html.Append("</div><div class=\"views\">");
            for (int v = 0; v < r.Views.Count; v++)
            {
                var view = r.Views[v];
                html.Append("<figure>");
                bool link = fileNames.TryGetValue((i, v), out var file);
                if (link) html.Append("<a href=\"").Append(E(Uri.EscapeDataString(filesName) + "/" + Uri.EscapeDataString(file!))).Append("\" target=\"_blank\">");
                html.Append("<img loading=\"eager\" alt=\"").Append(E(view.Caption)).Append("\" src=\"data:").Append(view.ThumbnailMime).Append(";base64,")
                    .Append(Convert.ToBase64String(view.Thumbnail)).Append("\">");
                if (link) html.Append("</a>");
                html.Append("<figcaption>").Append(E(view.Caption)).Append("</figcaption></figure>");
            }
            html.Append("</div></article>\n");
        }
        html.Append("</div>\n</section>\n");
    }

    private static byte[] ColorBarPng()
    {
        var bar = new Imaging.ImageF(3, 1, Colormap.Size);
        ReadOnlySpan<float> lut = Colormap.Lut;
        for (int i = 0; i < Colormap.Size; i++)
            for (int c = 0; c < 3; c++) bar[c, 0, i] = lut[3 * i + c];
        return ReportImageEncoder.Png(bar);
    }

    private static string Safe(string s)
    {
        var sb = new StringBuilder(s.Length);
        foreach (char ch in s) sb.Append(char.IsAsciiLetterOrDigit(ch) || ch is '-' or '.' ? ch : '_');
        return sb.ToString();
    }

    private static string E(string s) => WebUtility.HtmlEncode(s);
    private static string F(double v) => double.IsNaN(v) ? "n/a" : v.ToString("0.0000", CultureInfo.InvariantCulture);
}
