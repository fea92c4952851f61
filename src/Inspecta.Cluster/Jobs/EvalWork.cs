using System.Text.Json.Nodes;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Cluster.Jobs;

/// <summary>
/// <c>cluster eval</c>'s item: predict test samples [from, to) of a category with a model and return each one's score and
/// raw anomaly map. The coordinator builds the evaluation input from them exactly as <c>eval --model</c> does
/// (<see cref="ModelTestRun.Evaluated"/>), so the metrics are the same.
/// </summary>
public sealed class EvalWork : IWorkKind
{
    public string Kind => "eval";

    public static JsonObject Spec(string model, string dataset, string category, string? backbone) => new()
    {
        ["model"] = model, ["dataset"] = dataset, ["category"] = category, ["backbone"] = backbone,
    };

    public byte[] Run(JsonObject spec, JsonObject payload, JobResources resources, CancellationToken cancel)
    {
        var model = resources.Model((string)spec["model"]!, (string?)spec["backbone"]);
        var category = resources.Category((string)spec["dataset"]!, (string)spec["category"]!);
        int from = (int)payload["from"]!, to = (int)payload["to"]!;
        if (from < 0 || to > category.Test.Count || from >= to)
            throw new InspectaUserException($"work item [{from}, {to}) is outside the {category.Test.Count} test images of {category.Name}: the dataset differs between nodes.");
        var predictions = new List<(int, Prediction)>();
        for (int i = from; i < to; i++)
        {
            cancel.ThrowIfCancellationRequested();
            var p = model.Detector.Predict(category.Test[i]);
            if (p.Map is null) throw new InspectaUserException($"Method {model.Detector.Method} produces no anomaly map; eval needs one.");
            predictions.Add((i, p));
        }
        return Encode(predictions);
    }

    /// <summary>(index, score, height, width, map) per sample, little-endian.</summary>
    public static byte[] Encode(IReadOnlyList<(int Index, Prediction Prediction)> predictions)
    {
        using var stream = new MemoryStream();
        using var w = new BinaryWriter(stream);
        w.Write(predictions.Count);
        foreach (var (index, p) in predictions)
        {
            var map = p.Map!;
            w.Write(index);
            w.Write(p.Score);
            w.Write(map.Height);
            w.Write(map.Width);
            w.Write(System.Runtime.InteropServices.MemoryMarshal.AsBytes(map.Data.AsSpan()));
        }
        w.Flush();
        return stream.ToArray();
    }

    public static IReadOnlyList<(int Index, Prediction Prediction)> Decode(byte[] bytes)
    {
        using var r = new BinaryReader(new MemoryStream(bytes));
        int n = r.ReadInt32();
        var list = new List<(int, Prediction)>(n);
        for (int k = 0; k < n; k++)
        {
            int index = r.ReadInt32();
            float score = r.ReadSingle();
            int h = r.ReadInt32(), w = r.ReadInt32();
            var data = new float[checked(h * w)];
            r.BaseStream.ReadExactly(System.Runtime.InteropServices.MemoryMarshal.AsBytes(data.AsSpan()));
            list.Add((index, new Prediction(score, new AnomalyMap(h, w, data))));
        }
        return list;
    }
}
