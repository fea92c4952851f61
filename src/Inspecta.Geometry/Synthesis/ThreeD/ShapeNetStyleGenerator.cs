using Inspecta.Datasets;
using Inspecta.Geometry;
using Inspecta.Geometry.Meshes;
using Inspecta.Synthesis.ThreeD.Carving;

namespace Inspecta.Synthesis.ThreeD;

/// <summary>
/// Anomaly-ShapeNet-style data: per class, defect-free templates for training and a test set mixing
/// normal instances with each of the six carved defect types. Every sample is a pure function of
/// (seed, class, name), so output is reproducible and order-independent.
/// </summary>
public sealed class ShapeNetStyleGenerator(ShapeNetStyleOptions options)
{
    /// <summary>Anomalous share of the points is kept inside this range (the Anomaly-ShapeNet convention: 1–10%).</summary>
    public const double MinAnomalousShare = 0.01, MaxAnomalousShare = 0.10;

    public ShapeNetStyleOptions Options { get; } = options;

    /// <summary>Names of all samples of a class in output order: templates, then test samples.</summary>
    public IReadOnlyList<(string Name, Split Split, string? Defect, int Index)> Plan(string className)
    {
        var plan = new List<(string, Split, string?, int)>();
        for (int i = 0; i < Options.Templates; i++) plan.Add(($"{className}_template{i}", Split.Train, null, i));
        for (int i = 0; i < Options.TestNormal; i++) plan.Add(($"{className}_positive{i}", Split.Test, null, i));
        foreach (var defect in DefectTypes3D.All)
            for (int i = 0; i < Options.TestPerDefect; i++) plan.Add(($"{className}_{defect}{i}", Split.Test, defect, i));
        return plan;
    }

    public ShapeNetSample Generate(ShapeSource3D source, string name, Split split, string? defect, int index)
    {
        for (int attempt = 0; ; attempt++)
        {
            var rng = SynthRandom.For(Options.Seed, SynthRandom.Key(source.Name), (ulong)split, SynthRandom.Key(defect ?? "good"), (ulong)index, (ulong)attempt);
            var mesh = source.Instance(rng.Fork(1), Options.EdgeLength);
            var carved = defect is null
                ? new CarvedMesh(mesh, mesh, null)
                : MeshDefectCarver.Carve(mesh, defect, rng.Range(0.025f, 0.07f), rng.Fork(2));
            int count = rng.Next(Options.MinPoints, Options.MaxPoints + 1);
            var sampleRng = rng.Fork(3);
            var surface = SurfaceSampler.Sample(carved.Deformed, count, sampleRng.NextDouble);
            var positions = new float[3 * count];
            var clean = new float[3 * count];
            var labels = new int[count];
            float threshold2 = Options.LabelThreshold * Options.LabelThreshold;
            int anomalous = 0;
            for (int i = 0; i < count; i++)
            {
                var p = surface[i].On(carved.Deformed);
                var q = surface[i].On(carved.Clean);
                positions[3 * i] = p.X; positions[3 * i + 1] = p.Y; positions[3 * i + 2] = p.Z;
                clean[3 * i] = q.X; clean[3 * i + 1] = q.Y; clean[3 * i + 2] = q.Z;
                var d = p - q;
                if (Vec3.Dot(d, d) >= threshold2) { labels[i] = 1; anomalous++; }
            }
            double share = anomalous / (double)count;
            // Retry with new draws when the carved region is outside the 1–10% convention (e.g. a break on a thin rim).
            if (defect is not null && (share < MinAnomalousShare || share > MaxAnomalousShare) && attempt < 12) continue;
            var cloud = new PointCloud(positions) { Labels = labels };
            return new ShapeNetSample(source.Name, name, split, defect, cloud, clean, carved);
        }
    }
}
