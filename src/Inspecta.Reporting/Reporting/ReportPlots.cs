using ScottPlot;

namespace Inspecta.Reporting;

/// <summary>The report's plots, rendered by ScottPlot (SkiaSharp, headless) to PNG bytes.</summary>
public static class ReportPlots
{
    public const int Width = 560, Height = 420;

    private static readonly Color CurveColor = Color.FromHex("#1f77b4");
    private static readonly Color GoodColor = Color.FromHex("#2ca02c");
    private static readonly Color DefectColor = Color.FromHex("#d62728");
    private static readonly Color MarkColor = Color.FromHex("#444444");

    public static byte[] Roc(ReportCurve roc, string title)
    {
        using var plot = NewPlot(title, "false positive rate", "true positive rate");
        plot.Add.Line(0, 0, 1, 1).LinePattern = LinePattern.Dashed;   // chance diagonal
        var s = plot.Add.ScatterLine(roc.X, roc.Y, CurveColor);
        s.LineWidth = 2;
        s.LegendText = roc.Area is double a ? $"AUROC {a:F4}" : "ROC";
        plot.ShowLegend(Alignment.LowerRight);
        plot.Axes.SetLimits(-0.01, 1.01, -0.01, 1.01);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>PRO against FPR, with each integration limit marked; the x axis spans twice the
    /// largest limit (capped at 1) so the integrated part is readable.</summary>
    public static byte[] Pro(ReportCurve pro, IReadOnlyList<double> limits, double? headlineArea)
    {
        using var plot = NewPlot("PRO vs FPR", "false positive rate (pixels)", "per-region overlap");
        var s = plot.Add.ScatterLine(pro.X, pro.Y, CurveColor);
        s.LineWidth = 2;
        s.LegendText = headlineArea is double a && limits.Count > 0 ? $"AU-PRO@{limits[0]:0.###} {a:F4}" : "PRO";
        for (int i = 0; i < limits.Count; i++)
        {
            var line = plot.Add.VerticalLine(limits[i], 1.5f, i == 0 ? DefectColor : MarkColor, LinePattern.Dashed);
            line.LegendText = $"FPR limit {limits[i]:0.###}";
        }
        plot.ShowLegend(Alignment.LowerRight);
        double xmax = limits.Count == 0 ? 1 : Math.Min(1, 2 * limits.Max());
        plot.Axes.SetLimits(-0.005 * xmax, xmax * 1.01, -0.01, 1.01);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Overlaid histograms of image scores, good vs defective, with the threshold marked.</summary>
    public static byte[] ScoreHistogram(IReadOnlyList<double> good, IReadOnlyList<double> defective, ReportThreshold? threshold)
    {
        using var plot = NewPlot("Image scores", "image anomaly score", "images");
        var all = good.Concat(defective).ToArray();
        if (all.Length > 0)
        {
            double lo = all.Min(), hi = all.Max();
            if (threshold is not null) { lo = Math.Min(lo, threshold.Value); hi = Math.Max(hi, threshold.Value); }
            if (!(hi > lo)) { lo -= 0.5; hi += 0.5; }
            int bins = Math.Clamp((int)Math.Ceiling(Math.Sqrt(all.Length) * 2), 10, 60);
            AddHistogram(plot, good, lo, hi, bins, GoodColor, $"good ({good.Count})");
            AddHistogram(plot, defective, lo, hi, bins, DefectColor, $"defective ({defective.Count})");
        }
        if (threshold is not null)
        {
            var line = plot.Add.VerticalLine(threshold.Value, 2f, MarkColor, LinePattern.Dashed);
            line.LegendText = $"{(threshold.IsOracle ? "oracle threshold" : "threshold")} {threshold.Value:G4}";
        }
        plot.ShowLegend(Alignment.UpperRight);
        plot.Axes.Margins(bottom: 0);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static void AddHistogram(Plot plot, IReadOnlyList<double> values, double lo, double hi, int bins, Color color, string legend)
    {
        if (values.Count == 0) return;
        // Counted here (not ScottPlot's Histogram plottable) so the bars carry a legend entry.
        double width = (hi - lo) / bins;
        var counts = new int[bins];
        foreach (double v in values) counts[Math.Clamp((int)((v - lo) / width), 0, bins - 1)]++;
        var list = new List<Bar>(bins);
        for (int i = 0; i < bins; i++)
            if (counts[i] > 0)
                list.Add(new Bar { Position = lo + (i + 0.5) * width, Value = counts[i], Size = width, FillColor = color.WithAlpha(0.55), LineWidth = 0 });
        var bars = plot.Add.Bars(list);
        bars.LegendText = legend;
    }

    private static Plot NewPlot(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(xLabel);
        plot.YLabel(yLabel);
        return plot;
    }
}
