using System.Globalization;

namespace Inspecta.Evaluation;

/// <summary>What to compute besides the always-computed metrics.</summary>
public sealed record EvaluationOptions
{
    /// <summary>The FPR integration limits reported by default (the thesis' MVTec AD and LOCO tables).</summary>
    public static readonly IReadOnlyList<double> DefaultLimits = [0.01, 0.05, 0.1, 0.3, 1.0];

    /// <summary>The headline AU-PRO limit of the MVTec AD papers.</summary>
    public const double DefaultLimit = 0.3;

    /// <summary>FPR integration limits for AU-PRO / AU-sPRO, each in (0, 1].</summary>
    public IReadOnlyList<double> Limits { get; init; } = DefaultLimits;

    /// <summary>When set, also computes AU-PRO from this many equidistant thresholds (the MVTec 3D-AD code's variant).</summary>
    public int? ProThresholds { get; init; }

    /// <summary>Keep the PRO, ROC and PR curves (thinned for plotting) in the result.</summary>
    public bool ExportCurves { get; init; }

    /// <summary>Category name written to the result.</summary>
    public string Category { get; init; } = "";

    /// <summary>Throws a user error when a limit or the threshold count is out of range.</summary>
    public void Validate()
    {
        if (Limits.Count == 0) throw new InspectaUserException("At least one integration limit is needed.");
        foreach (double l in Limits)
            if (!(l > 0 && l <= 1)) throw new InspectaUserException($"Integration limit {l.ToString(CultureInfo.InvariantCulture)} is outside (0, 1].");
        if (ProThresholds is { } n && n < 2) throw new InspectaUserException($"--pro-thresholds needs at least 2 thresholds, got {n}.");
    }

    /// <summary>Parses "0.01,0.05,0.3" (invariant culture).</summary>
    public static IReadOnlyList<double> ParseLimits(string text)
    {
        var limits = new List<double>();
        foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!double.TryParse(part, NumberStyles.Float, CultureInfo.InvariantCulture, out double v))
                throw new InspectaUserException($"Cannot read integration limit '{part}' (expected numbers like 0.01,0.05,0.3).");
            limits.Add(v);
        }
        var options = new EvaluationOptions { Limits = limits };
        options.Validate();
        return limits;
    }
}
