using System.Globalization;
using Inspecta.Detectors;
using Inspecta.Server.Api;
using Microsoft.AspNetCore.Http;

namespace Inspecta.Server.Inference;

/// <summary>
/// What a predict request asks for besides the image: verdict overrides (<c>threshold</c>, <c>min_defect_area</c>, as
/// predict's <c>--threshold</c> and <c>--min-defect-area</c>), images to include in the JSON (<c>include=map,overlay,mask,values</c>,
/// base64) or one image as the whole answer (<c>output=map|overlay|mask</c>).
/// </summary>
public sealed record PredictQuery(double? Threshold, int? MinDefectArea, IReadOnlySet<string> Include, string? Output)
{
    public static readonly IReadOnlySet<string> Parts = new HashSet<string>(["map", "overlay", "mask", "values"], StringComparer.Ordinal);

    public static PredictQuery Parse(IQueryCollection query, bool allowOutput)
    {
        double? threshold = null;
        if (query["threshold"].FirstOrDefault() is { } t)
        {
            if (!double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                throw ApiProblem.BadRequest($"threshold must be a finite number, got '{t}'.");
            threshold = v;
        }
        int? area = null;
        if (query["min_defect_area"].FirstOrDefault() is { } a)
        {
            if (!int.TryParse(a, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < 1)
                throw ApiProblem.BadRequest($"min_defect_area must be a whole number of at least 1 pixel, got '{a}'.");
            area = v;
        }
        var include = new HashSet<string>(StringComparer.Ordinal);
        foreach (string part in query["include"].SelectMany(s => (s ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!Parts.Contains(part)) throw ApiProblem.BadRequest($"include: unknown part '{part}' (known: {string.Join(", ", Parts)}).");
            include.Add(part);
        }
        string? output = query["output"].FirstOrDefault();
        if (output is not null)
        {
            if (!allowOutput) throw ApiProblem.BadRequest("output= is for one image; the batch endpoint answers JSON (use include=).");
            if (output is not ("map" or "overlay" or "mask")) throw ApiProblem.BadRequest($"output must be map, overlay or mask, got '{output}'.");
        }
        return new PredictQuery(threshold, area, include, output);
    }

    /// <summary>The model's stored <see cref="VerdictRule"/> with this request's overrides (<see cref="VerdictRule.Resolve"/>,
    /// as <c>inspecta predict</c> decides); null = no verdict (no stored rule and no threshold given).</summary>
    public VerdictRule? Rule(ServedModel model)
    {
        try { return VerdictRule.Resolve(model.Model.Rule, Threshold, MinDefectArea, model.Name); }
        catch (InspectaUserException e) { throw ApiProblem.BadRequest(e.Message); }
    }
}
