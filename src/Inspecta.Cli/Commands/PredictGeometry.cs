using Inspecta.Detectors.Registry;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Geometry.IO;
using Inspecta.Imaging;

namespace Inspecta.Cli.Commands;

/// <summary>The 3D side of <c>inspecta predict</c>: which files are inputs, and per-point outputs (PLY with a score field, x y z score text).</summary>
internal static class PredictGeometry
{
    private static readonly string[] CloudExtensions = [".pcd", ".ply", ".xyz", ".txt", ".pts"];
    private static readonly string[] ScanExtensions = [".tif", ".tiff"];

    /// <summary>
    /// One file, or every cloud (or xyz scan) under a folder; ids are relative paths without extension. Organised scans
    /// follow the MVTec 3D-AD layout: a scan's id drops its <c>xyz</c> folder (<c>hole/xyz/000.tiff</c> → <c>hole/000</c>,
    /// the layout `eval --maps` reads), and <see cref="Sample.Path"/> is its sibling <c>rgb</c> image when there is one
    /// (the overlay, and btf-fpfh-rgb's colour features), else the scan itself.
    /// </summary>
    public static IReadOnlyList<Sample> ListInputs(string input, InputKind kind)
    {
        var extensions = kind == InputKind.PointCloud ? CloudExtensions : ScanExtensions;
        string what = kind == InputKind.PointCloud ? "point clouds (pcd, ply, xyz, txt, pts)" : "organised xyz scans (tiff)";
        if (File.Exists(input)) return [ToSample(Path.GetFileNameWithoutExtension(input), input, kind)];
        if (!Directory.Exists(input)) throw InspectaUserException.ForFile(input, $"no such file or folder of {what}.");
        var files = Directory.GetFiles(input, "*", SearchOption.AllDirectories)
            .Where(f => extensions.Contains(Path.GetExtension(f).ToLowerInvariant()))
            // Real3D-AD / Anomaly-ShapeNet ground-truth text files sit next to the clouds; they are not inputs.
            .Where(f => !IsGroundTruthFolder(Path.GetFileName(Path.GetDirectoryName(f)!)))
            .Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0) throw InspectaUserException.ForFile(input, $"the folder holds no {what}.");
        return files.Select(f => ToSample(Id(Path.GetRelativePath(input, f), kind), f, kind)).ToArray();
    }

    private static string Id(string relative, InputKind kind)
    {
        string id = Path.ChangeExtension(relative, null);
        if (kind != InputKind.OrganizedScan) return id;
        string? dir = Path.GetDirectoryName(id);
        if (dir is null || Path.GetFileName(dir) != "xyz") return id;
        return Path.Combine(Path.GetDirectoryName(dir)!, Path.GetFileName(id));
    }

    private static Sample ToSample(string id, string file, InputKind kind)
    {
        string full = Path.GetFullPath(file);
        string image = kind == InputKind.OrganizedScan && Mvtec3dXyz.RgbPathFor(full) is { } rgb && File.Exists(rgb) ? rgb : full;
        return new Sample(id, image, Split.Test, "unlabelled") { GeometryPath = full };
    }

    private static bool IsGroundTruthFolder(string? name) => name is "gt" or "GT";

    /// <summary>The rgb image of an organised scan listed by <see cref="ListInputs"/>, when it has one.</summary>
    public static ImageF? RgbFor(Sample sample) =>
        sample.GeometryPath is { } scan && !string.Equals(sample.Path, scan, StringComparison.Ordinal) && File.Exists(sample.Path) ? sample.LoadImage() : null;

    /// <summary>Writes <c>id.ply</c> (the cloud with a float "score" field) and <c>id.txt</c> (x y z score per line).</summary>
    public static PredictCommand.Row WritePoints(TrainedModel trained, ImageVerdict? verdict, Sample sample, float score, float[] pointScores, string outDir)
    {
        var cloud = GeometryInput.ReadCloud(sample, trained.Detector.Method);
        var scored = new Geometry.PointCloud(cloud.Positions);
        scored.SetField("score", pointScores);
        string stem = Path.Combine(outDir, sample.Id);
        Directory.CreateDirectory(Path.GetDirectoryName(stem)!);
        PointCloudIO.Write(stem + ".ply", scored);
        XyzFormat.WriteColumns(stem + ".txt", scored, ["x", "y", "z", "score"]);
        return new PredictCommand.Row(sample.Id, sample.GeometryPath ?? sample.Path, score, verdict?.Defective, verdict?.LargestRegion,
            verdict?.DefectPixels, stem + ".ply", null, null, stem + ".txt");
    }
}
