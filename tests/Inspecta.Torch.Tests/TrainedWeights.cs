using Inspecta.Detectors;
using Inspecta.Persistence;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Torch.Tests;

/// <summary>A fitted detector's stored float weights, concatenated in file order, for bit-for-bit comparisons.</summary>
internal static class TrainedWeights
{
    public static float[] Of(IAnomalyDetector detector, params string[] prefixes)
    {
        var w = new ModelWriter(detector.Method);
        detector.Save(w);
        using var dir = new TempDir();
        w.WriteTo(dir["m.inspecta"]);
        var r = ModelReader.Open(dir["m.inspecta"]);
        return [.. r.Manifest["arrays"]!.AsObject().Select(kv => kv.Key).Where(k => prefixes.Any(k.StartsWith))
            .Where(k => r.Manifest["arrays"]![k]!["dtype"]!.GetValue<string>() == "float32").SelectMany(k => r.ReadFloats(k))];
    }
}
