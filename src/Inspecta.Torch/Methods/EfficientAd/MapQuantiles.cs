using System.Text.Json.Nodes;
using Inspecta.Persistence;
using Inspecta.Torch.Nn;
using static TorchSharp.torch;

namespace Inspecta.Torch.Methods.EfficientAd;

/// <summary>
/// EfficientAD's map normalisation: on validation images, the 0.9 and 0.995 quantiles (qa, qb) of the student–teacher
/// and of the student–autoencoder maps; each map then becomes 0.1 (m − qa) / (qb − qa), so that a normal image's map sits
/// near 0 and 0.1 marks its rare highs, and the two are averaged.
/// </summary>
internal sealed record MapQuantiles(double StudentA, double StudentB, double AutoencoderA, double AutoencoderB)
{
    public const double Low = 0.9, High = 0.995;

    public static MapQuantiles From(IEnumerable<(float[] Student, float[] Autoencoder)> maps)
    {
        var st = new List<float>();
        var ae = new List<float>();
        foreach (var (s, a) in maps)
        {
            st.AddRange(s);
            ae.AddRange(a);
        }
        var sortedSt = st.ToArray();
        var sortedAe = ae.ToArray();
        Array.Sort(sortedSt);
        Array.Sort(sortedAe);
        return new MapQuantiles(Quantile(sortedSt, Low), Quantile(sortedSt, High), Quantile(sortedAe, Low), Quantile(sortedAe, High));
    }

    /// <summary>Linear-interpolation quantile of sorted values (numpy's default).</summary>
    internal static double Quantile(float[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int lo = (int)Math.Floor(at), hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (at - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>The combined N×1×h×w map from the raw student–teacher and student–autoencoder maps.</summary>
    public Tensor Combine(Tensor student, Tensor autoencoder) =>
        Normalize(student, StudentA, StudentB).Plus(Normalize(autoencoder, AutoencoderA, AutoencoderB));

    // 0.5 · 0.1 (m − qa) / (qb − qa): the average of the two normalised maps.
    private static Tensor Normalize(Tensor m, double a, double b) => m.Plus(-a).Times(0.05 / Math.Max(b - a, 1e-12));

    public JsonObject ToJson() => new()
    {
        ["student_q90"] = StudentA, ["student_q995"] = StudentB, ["autoencoder_q90"] = AutoencoderA, ["autoencoder_q995"] = AutoencoderB,
    };

    public static MapQuantiles Read(ModelReader reader)
    {
        var q = reader.Parameters["map_quantiles"] as JsonObject ?? throw reader.Error("the manifest has no 'map_quantiles'.");
        double Get(string k) => q[k]?.GetValue<double>() is double v && double.IsFinite(v) ? v : throw reader.Error($"map_quantiles.{k} is missing or not finite.");
        return new MapQuantiles(Get("student_q90"), Get("student_q995"), Get("autoencoder_q90"), Get("autoencoder_q995"));
    }
}
