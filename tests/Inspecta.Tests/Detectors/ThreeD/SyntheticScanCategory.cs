using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Synthesis.ThreeD.Scan;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary>
/// A small MVTec 3D-AD-layout category on disk from the synthesis generator (object on a plane, sensor noise,
/// holes; defects change the geometry). Written once per test class and deleted afterwards.
/// </summary>
public sealed class SyntheticScanCategory : IDisposable
{
    public const string ObjectName = "disc";
    private readonly TempDir _tmp = new();

    public string Root => _tmp.Path;
    public string CategoryDir => Path.Combine(_tmp.Path, ObjectName);

    /// <param name="defects">Test defect types; contamination is colour-only (invisible to geometry-only methods).</param>
    public SyntheticScanCategory(int size = 128, int train = 10, int testGood = 5, int perDefect = 2, IReadOnlyList<string>? defects = null, ulong seed = 7)
    {
        var gen = new ScanStyleGenerator(new ScanStyleOptions { Seed = seed, Size = size, TrainCount = train });
        var obj = ScanObjectClass.Get(ObjectName);
        var plan = new List<(Split, string, int)>();
        for (int i = 0; i < train; i++) plan.Add((Split.Train, Sample.GoodLabel, i));
        for (int i = 0; i < testGood; i++) plan.Add((Split.Test, Sample.GoodLabel, i));
        foreach (string d in defects ?? [ScanDefectTypes.Dent, ScanDefectTypes.Bump, ScanDefectTypes.Hole, ScanDefectTypes.Cut])
            for (int i = 0; i < perDefect; i++) plan.Add((Split.Test, d, i));
        Parallel.ForEach(plan, p =>
        {
            var (split, label, i) = p;
            Write(gen.Generate(obj, split, label, i.ToString("000", System.Globalization.CultureInfo.InvariantCulture), i));
        });
    }

    private void Write(ScanSample s)
    {
        string dir = Path.Combine(CategoryDir, s.Split == Split.Train ? "train" : "test", s.Label);
        foreach (string sub in new[] { "rgb", "xyz", "gt" }) Directory.CreateDirectory(Path.Combine(dir, sub));
        ImageIO.WritePng(Path.Combine(dir, "rgb", s.Id + ".png"), s.Rgb);
        ImageIO.WriteTiff(Path.Combine(dir, "xyz", s.Id + ".tiff"), s.Xyz);
        if (s.Split == Split.Test) ImageIO.WritePng(Path.Combine(dir, "gt", s.Id + ".png"), s.GroundTruth);
    }

    public Category Read() => DatasetReader.Open(CategoryDir).Categories.Single();

    public void Dispose() => _tmp.Dispose();
}
