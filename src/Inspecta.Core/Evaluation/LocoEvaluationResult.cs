using System.Text.Json;
using System.Text.Json.Nodes;

namespace Inspecta.Evaluation;

/// <summary>
/// MVTec LOCO AD metrics of one category. <see cref="ToJson"/> writes category, n_images,
/// au_spro {structural, logical, mean: {limit: value}} and image_auroc {structural, logical, mean}.
/// </summary>
public sealed record LocoEvaluationResult(
    string Category,
    int ImageCount,
    int StructuralRegions,
    int LogicalRegions,
    IReadOnlyDictionary<double, double> AuSproStructural,
    IReadOnlyDictionary<double, double> AuSproLogical,
    IReadOnlyDictionary<double, double> AuSproMean,
    double ImageAurocStructural,
    double ImageAurocLogical,
    double ImageAurocMean)
{
    /// <summary>sPRO and image ROC curves per subset (thinned for plotting) when requested.</summary>
    public IReadOnlyList<Curve>? Curves { get; init; }

    public JsonObject ToJsonNode() => new()
    {
        ["category"] = Category,
        ["n_images"] = ImageCount,
        ["au_spro"] = new JsonObject
        {
            ["structural"] = EvaluationResult.ByLimit(AuSproStructural),
            ["logical"] = EvaluationResult.ByLimit(AuSproLogical),
            ["mean"] = EvaluationResult.ByLimit(AuSproMean),
        },
        ["image_auroc"] = new JsonObject
        {
            ["structural"] = EvaluationResult.Number(ImageAurocStructural),
            ["logical"] = EvaluationResult.Number(ImageAurocLogical),
            ["mean"] = EvaluationResult.Number(ImageAurocMean),
        },
    };

    public string ToJson() => ToJsonNode().ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
