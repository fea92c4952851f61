using Inspecta.Datasets;
using Inspecta.Imaging;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// MVTec 3D-AD-style data: an object on a plane under a fixed camera, as RGB + organised xyz + GT.
/// The ground truth is exactly the set of pixels whose measurement (xyz, validity or colour) the defect
/// changed, computed against the defect-free rendering of the same sample with the same sensor noise.
/// </summary>
public sealed class ScanStyleGenerator(ScanStyleOptions options)
{
    /// <summary>Depth change (m) below which a pixel counts as unchanged: well under the sensor noise.</summary>
    public const float DepthTolerance = 0.0001f;

    public ScanStyleOptions Options { get; } = options;

    public IReadOnlyList<(Split Split, string Label, string Id, int Index)> Plan()
    {
        var plan = new List<(Split, string, string, int)>();
        for (int i = 0; i < Options.TrainCount; i++) plan.Add((Split.Train, Sample.GoodLabel, Id(i), i));
        for (int i = 0; i < Options.EffectiveValidation; i++) plan.Add((Split.Validation, Sample.GoodLabel, Id(i), i));
        for (int i = 0; i < Options.EffectiveTestGood; i++) plan.Add((Split.Test, Sample.GoodLabel, Id(i), i));
        foreach (var type in ScanDefectTypes.All)
            for (int i = 0; i < Options.EffectiveTestPerDefect; i++) plan.Add((Split.Test, type, Id(i), i));
        return plan;
    }

    private static string Id(int i) => i.ToString("000", System.Globalization.CultureInfo.InvariantCulture);

    public ScanSample Generate(ScanObjectClass obj, Split split, string label, string id, int index)
    {
        for (int attempt = 0; ; attempt++)
        {
            var rng = SynthRandom.For(Options.Seed, SynthRandom.Key("scan:" + obj.Name), (ulong)split, SynthRandom.Key(label), (ulong)index, (ulong)attempt);
            var scene = ScanScene.Random(rng.Fork(1), Options.Size);
            var sensor = new ScanSensorNoise(Options.Size, rng.Fork(2));
            var clean = ScanRenderer.Render(scene, obj, null, sensor);
            if (label == Sample.GoodLabel)
                return new ScanSample(obj.Name, split, label, id, clean.Rgb, clean.Xyz, new Mask(Options.Size, Options.Size), clean.Rgb, clean.Xyz);
            var defect = PlaceDefect(obj, label, scene, rng.Fork(3));
            var broken = ScanRenderer.Render(scene, obj, defect, sensor);
            var mask = Changed(clean, broken);
            if (mask.CountNonZero() < 12 && attempt < 10) continue;
            return new ScanSample(obj.Name, split, label, id, broken.Rgb, broken.Xyz, mask, clean.Rgb, clean.Xyz);
        }
    }

    private static ScanDefect PlaceDefect(ScanObjectClass obj, string type, ScanScene scene, SynthRandom rng)
    {
        var noise = new GradientNoise(new SynthRandom(scene.TextureSeed));
        // Peak height, to place defects on the body rather than on a thin rim.
        float peak = 0;
        for (int k = 0; k < 400; k++)
        {
            float x = rng.Range(-obj.Extent, obj.Extent), y = rng.Range(-obj.Extent, obj.Extent);
            peak = MathF.Max(peak, obj.Height(x, y, noise));
        }
        float cx = 0, cy = 0;
        for (int k = 0; k < 2000; k++)
        {
            float x = rng.Range(-obj.Extent, obj.Extent), y = rng.Range(-obj.Extent, obj.Extent);
            if (obj.Height(x, y, noise) > 0.55f * peak) { cx = x; cy = y; break; }
        }
        float direction = rng.Range(0, MathF.Tau);
        return type switch
        {
            ScanDefectTypes.Dent => new ScanDefect(type, cx, cy, rng.Range(0.004f, 0.007f), rng.Range(0.0015f, 0.003f), direction),
            ScanDefectTypes.Bump => new ScanDefect(type, cx, cy, rng.Range(0.004f, 0.007f), rng.Range(0.0015f, 0.003f), direction),
            ScanDefectTypes.Hole => new ScanDefect(type, cx, cy, rng.Range(0.003f, 0.005f), 0.05f, direction),
            ScanDefectTypes.Cut => new ScanDefect(type, cx, cy, rng.Range(0.01f, 0.016f), rng.Range(0.002f, 0.004f), direction),
            ScanDefectTypes.Contamination => new ScanDefect(type, cx, cy, rng.Range(0.004f, 0.007f), 0, direction),
            _ => throw new InspectaUserException($"Unknown 3D scan defect '{type}'. Known: {string.Join(", ", ScanDefectTypes.All)}."),
        };
    }

    /// <summary>Pixels whose validity, depth or colour differ between the two renderings.</summary>
    private static Mask Changed(ScanRenderer.Result a, ScanRenderer.Result b)
    {
        int n = a.Rgb.Width, plane = n * n;
        var mask = new Mask(n, n);
        for (int i = 0; i < plane; i++)
        {
            bool changed = a.Valid[i] != b.Valid[i]
                || (a.Valid[i] && MathF.Abs(a.Xyz.Data[2 * plane + i] - b.Xyz.Data[2 * plane + i]) > DepthTolerance);
            for (int c = 0; c < 3 && !changed; c++) changed = MathF.Abs(a.Rgb.Data[c * plane + i] - b.Rgb.Data[c * plane + i]) > 1.5f / 255f;
            if (changed) mask.Data[i] = 255;
        }
        return mask;
    }
}
