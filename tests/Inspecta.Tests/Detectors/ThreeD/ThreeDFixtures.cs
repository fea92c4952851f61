using Inspecta.Datasets;
using Inspecta.Imaging;
using Inspecta.Synthesis.ThreeD;
using Inspecta.Synthesis.ThreeD.Scan;
using Inspecta.Synthesis.ThreeD.Shapes;
using Inspecta.Tests.Infrastructure;

namespace Inspecta.Tests.Detectors.ThreeD;

/// <summary>Small synthetic 3D datasets on disk, written once per test class by the synthesis generators.</summary>
public sealed class ThreeDFixtures : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Lazy<string> _shapeNet, _scans, _fixedPose;

    public ThreeDFixtures()
    {
        _shapeNet = new(() =>
        {
            string root = _dir["shapenet"];
            ShapeNetStyleWriter.Write(root, [ShapeSource3D.Procedural(ShapeCatalog3D.Get(ShapeClass))],
                new ShapeNetStyleOptions { Seed = 3, Templates = 4, TestNormal = 6, TestPerDefect = 1, MinPoints = 6000, MaxPoints = 7000 });
            return root;
        });
        _scans = new(() => WriteScans(_dir["scans"]));
        _fixedPose = new(() => FixedPoseScans.Write(_dir["dome"]));
    }

    public const string ShapeClass = "capsule";
    public const string ScanClass = "disc";

    /// <summary>Anomaly-ShapeNet layout: one class, 4 templates, 6 normal and 6 defective (one per type) test clouds.</summary>
    public string ShapeNetRoot => _shapeNet.Value;

    /// <summary>MVTec 3D-AD layout (rgb, xyz TIFF, gt) of one scan class at 64×64.</summary>
    public string ScanRoot => _scans.Value;

    /// <summary>MVTec 3D-AD layout, fixed-pose dome scans with bumps and dents (<see cref="FixedPoseScans"/>).</summary>
    public string FixedPoseRoot => _fixedPose.Value;

    private static string WriteScans(string root)
    {
        var generator = new ScanStyleGenerator(new ScanStyleOptions { Seed = 2, Size = 64, TrainCount = 10, ValidationCount = 2, TestGoodCount = 4, TestPerDefect = 2 });
        var obj = ScanObjectClass.Get(ScanClass);
        foreach (var (split, label, id, index) in generator.Plan())
        {
            var s = generator.Generate(obj, split, label, id, index);
            string dir = Path.Combine(root, ScanClass, split.ToString().ToLowerInvariant(), label);
            foreach (string sub in (string[])["rgb", "xyz", "gt"]) Directory.CreateDirectory(Path.Combine(dir, sub));
            ImageIO.WritePng(Path.Combine(dir, "rgb", id + ".png"), s.Rgb);
            ImageIO.WriteTiff(Path.Combine(dir, "xyz", id + ".tiff"), s.Xyz);
            ImageIO.WritePng(Path.Combine(dir, "gt", id + ".png"), s.GroundTruth);
        }
        return root;
    }

    public void Dispose() => _dir.Dispose();
}
