using System.Text;
using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Detectors.Registry;
using Inspecta.Persistence;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// <c>cluster fit</c>'s item: fit one category with the job's method and options (a <c>--config</c> document, the format
/// <c>fit --config</c> reads) and write <c>&lt;out&gt;/&lt;category&gt;.inspecta</c> atomically (temp file, rename: a silo killed
/// mid-write leaves no partial model, and a redone item replaces the file with an identical fit of the same seed).
/// </summary>
public sealed class FitWork : IWorkKind
{
    public string Kind => "fit";

    public static JsonObject Spec(string dataset, JsonObject config, string outDir, int threads, int? minDefectArea) => new()
    {
        ["dataset"] = dataset, ["config"] = config, ["out"] = outDir, ["threads"] = threads, ["min_defect_area"] = minDefectArea,
    };

    public byte[] Run(JsonObject spec, JsonObject payload, JobResources resources, CancellationToken cancel)
    {
        var config = MethodConfig.FromJson(spec["config"]!.AsObject(), MethodRegistry.Default);
        string categoryName = (string)payload["category"]!;
        var category = resources.Category((string)spec["dataset"]!, categoryName, config.Options.Seed);
        var train = category.RequireTrain();
        var options = config.Options.ForCategory(category.IsTexture);
        string outPath = Path.Combine((string)spec["out"]!, categoryName + Server.Inference.ModelCatalog.Extension);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using var model = ModelTrainer.Train(config.Method, options, new FitContext(train)
        {
            Validation = category.Validation, TextureCategory = category.IsTexture, Threads = (int)spec["threads"]!, Cancellation = cancel,
        }, (int?)spec["min_defect_area"], category.Path, category.Name);
        model.Save(outPath, cancel);
        string hash = FileHash.Sha256Of(outPath);
        return Encoding.UTF8.GetBytes(new JsonObject
        {
            ["category"] = categoryName, ["model"] = outPath, ["method"] = config.Method.Id, ["sha256"] = hash,
            ["fit_s"] = Math.Round(started.Elapsed.TotalSeconds, 2), ["train_images"] = train.Count, ["validation_images"] = category.Validation.Count,
            ["thresholds"] = model.Thresholds?.ToJson(),
        }.ToJsonString());
    }
}
