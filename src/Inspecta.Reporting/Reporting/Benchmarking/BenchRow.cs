using System.Text.Json.Nodes;
using Inspecta.Evaluation;

namespace Inspecta.Reporting.Benchmarking;

/// <summary>One method on one category: accuracy next to efficiency (the Zheng et al. benchmark's columns).</summary>
public sealed record BenchRow
{
    public required string Category { get; init; }
    public required string Method { get; init; }
    public string? Backbone { get; init; }
    public int TrainImages { get; init; }
    public int TestImages { get; init; }
    public double ImageAuroc { get; init; } = double.NaN;
    /// <summary>Pixel AUROC for maps; point AUROC for per-point scores; NaN without either.</summary>
    public double PixelAuroc { get; init; } = double.NaN;
    public double AuPro30 { get; init; } = double.NaN;
    public double AuPro05 { get; init; } = double.NaN;
    /// <summary>Share of good test images the stored decision rule (<see cref="Inspecta.Detectors.VerdictRule"/>) passes.</summary>
    public double GoodAccuracy { get; init; } = double.NaN;
    /// <summary>Share of defective test images the stored decision rule flags.</summary>
    public double DefectiveAccuracy { get; init; } = double.NaN;
    /// <summary>The stored rule's verdict per test image (empty when the model has no calibrated threshold).</summary>
    public IReadOnlyList<BenchVerdict> Verdicts { get; init; } = [];
    public double FitSeconds { get; init; }
    /// <summary>Per-image inference latency at batch size 1 after warm-up (image decoding excluded).</summary>
    public required LatencyStats Latency { get; init; }
    /// <summary>Per-image time per stage at batch size 1 (decode, preprocess, backbone, embed, search, map, as the method reports them).</summary>
    public Diagnostics.StageSplit Stages { get; init; } = Diagnostics.StageSplit.Empty;
    public double ThroughputImagesPerSecond { get; init; }
    public int BestBatchSize { get; init; } = 1;
    public double ModelMegabytes { get; init; }
    public double PeakRssMegabytes { get; init; }
    /// <summary>Why a row has no numbers, when it failed (the bench continues with the next row).</summary>
    public string? Error { get; init; }
    /// <summary>True when <see cref="Error"/> is a user error (bad option or data for this method), false for an internal failure.</summary>
    public bool ErrorIsUserError { get; init; }
    /// <summary>MVTec LOCO AD metrics, for a LOCO category: <see cref="ImageAuroc"/> is then their mean image AUROC and
    /// the MVTec AD pixel metrics stay empty (the LOCO protocol has none).</summary>
    public LocoEvaluationResult? Loco { get; init; }
    /// <summary>The evaluation protocol of the category: <see cref="LocoProtocol"/> or <see cref="MvtecAdProtocol"/> (image AUROC, pixel AUROC, AU-PRO).</summary>
    public string Protocol { get; init; } = MvtecAdProtocol;

    public const string MvtecAdProtocol = "mvtec_ad", LocoProtocol = "mvtec_loco";

    public JsonObject ToJson() => new()
    {
        ["category"] = Category,
        ["method"] = Method,
        ["backbone"] = Backbone,
        ["train_images"] = TrainImages,
        ["test_images"] = TestImages,
        ["image_auroc"] = Num(ImageAuroc),
        ["pixel_auroc"] = Num(PixelAuroc),
        ["au_pro_0.3"] = Num(AuPro30),
        ["au_pro_0.05"] = Num(AuPro05),
        ["good_accuracy"] = Num(GoodAccuracy),
        ["defective_accuracy"] = Num(DefectiveAccuracy),
        ["verdicts"] = new JsonArray([.. Verdicts.Select(v => (JsonNode)new JsonObject
        {
            ["label"] = v.Label, ["id"] = v.Id, ["defective"] = v.Defective, ["largest_region"] = v.LargestRegion,
        })]),
        ["fit_s"] = Num(FitSeconds),
        ["inference_ms_median"] = Num(Latency.Median),
        ["inference_ms_p95"] = Num(Latency.P95),
        ["stages_ms_median"] = Stages.ToJson(),
        ["throughput_images_per_s"] = Num(ThroughputImagesPerSecond),
        ["best_batch_size"] = BestBatchSize,
        ["model_mb"] = Num(ModelMegabytes),
        ["peak_rss_mb"] = Num(PeakRssMegabytes),
        ["error"] = Error,
        ["error_kind"] = Error is null ? null : ErrorIsUserError ? "user" : "internal",
        ["protocol"] = Protocol,
        ["loco"] = Loco?.ToJsonNode(),
    };

    private static JsonNode? Num(double v) => double.IsFinite(v) ? JsonValue.Create(Math.Round(v, 6)) : null;
}
