using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Imaging;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// Writes MVTec 3D-AD layout: <c>&lt;cat&gt;/{train,validation,test}/&lt;label&gt;/{rgb,xyz,gt}/NNN.{png,tiff}</c>
/// (xyz as 3-channel float32 TIFF in metres, invalid pixels 0; gt only for test samples).
/// </summary>
public static class ScanStyleWriter
{
    public static void Write(string outDir, IReadOnlyList<ScanObjectClass> classes, ScanStyleOptions options,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var generator = new ScanStyleGenerator(options);
        var jobs = classes.SelectMany(c => generator.Plan().Select(p => (Class: c, Plan: p))).ToList();
        long done = 0;
        progress?.Report(new ProgressUpdate("3D scans", 0, jobs.Count));
        Parallel.ForEach(jobs, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var (split, label, id, index) = job.Plan;
            WriteSample(Path.Combine(outDir, job.Class.Name), generator.Generate(job.Class, split, label, id, index));
            progress?.Report(new ProgressUpdate("3D scans", Interlocked.Increment(ref done), jobs.Count));
        });
    }

    /// <summary>Writes one scan under its category folder; returns the RGB and xyz paths.</summary>
    public static (string Rgb, string Xyz) WriteSample(string categoryDir, ScanSample s)
    {
        string dir = Path.Combine(categoryDir, s.Split switch { Split.Train => "train", Split.Validation => "validation", _ => "test" }, s.Label);
        Directory.CreateDirectory(Path.Combine(dir, "rgb"));
        Directory.CreateDirectory(Path.Combine(dir, "xyz"));
        string rgb = Path.Combine(dir, "rgb", s.Id + ".png"), xyz = Path.Combine(dir, "xyz", s.Id + ".tiff");
        ImageIO.WritePng(rgb, s.Rgb);
        ImageIO.WriteTiff(xyz, s.Xyz);
        if (s.Split == Split.Test)
        {
            Directory.CreateDirectory(Path.Combine(dir, "gt"));
            ImageIO.WritePng(Path.Combine(dir, "gt", s.Id + ".png"), s.GroundTruth);
        }
        return (rgb, xyz);
    }
}
