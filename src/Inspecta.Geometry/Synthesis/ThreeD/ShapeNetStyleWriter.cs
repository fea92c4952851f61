using System.Globalization;
using System.Text;
using Inspecta.Datasets;
using Inspecta.Detectors;
using Inspecta.Geometry;
using Inspecta.Geometry.IO;

namespace Inspecta.Synthesis.ThreeD;

/// <summary>
/// Writes Anomaly-ShapeNet layout: <c>&lt;class&gt;/train/&lt;class&gt;_template0.pcd</c>,
/// <c>&lt;class&gt;/test/&lt;class&gt;_bulge0.pcd</c> (normals are "positive"), and per test sample
/// <c>&lt;class&gt;/GT/&lt;name&gt;.txt</c> with lines "x y z label".
/// </summary>
public static class ShapeNetStyleWriter
{
    public static void Write(string outDir, IReadOnlyList<ShapeSource3D> sources, ShapeNetStyleOptions options,
        IProgress<ProgressUpdate>? progress = null, CancellationToken ct = default)
    {
        options.Validate();
        var generator = new ShapeNetStyleGenerator(options);
        var jobs = sources.SelectMany(s => generator.Plan(s.Name).Select(p => (Source: s, p.Name, p.Split, p.Defect, p.Index))).ToList();
        long done = 0;
        progress?.Report(new ProgressUpdate("3D objects", 0, jobs.Count));
        Parallel.ForEach(jobs, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount }, job =>
        {
            var sample = generator.Generate(job.Source, job.Name, job.Split, job.Defect, job.Index);
            string classDir = Path.Combine(outDir, job.Source.Name);
            string folder = Path.Combine(classDir, job.Split == Split.Train ? "train" : "test");
            Directory.CreateDirectory(folder);
            PcdWriter.Write(Path.Combine(folder, job.Name + ".pcd"), new PointCloud(sample.Cloud.Positions), PcdEncoding.Ascii);
            if (job.Split == Split.Test)
            {
                Directory.CreateDirectory(Path.Combine(classDir, "GT"));
                WriteLabels(Path.Combine(classDir, "GT", job.Name + ".txt"), sample.Cloud);
            }
            progress?.Report(new ProgressUpdate("3D objects", Interlocked.Increment(ref done), jobs.Count));
        });
    }

    /// <summary>Per-point ground truth as "x y z label" lines.</summary>
    public static void WriteLabels(string path, PointCloud cloud)
    {
        var labels = cloud.Labels ?? new int[cloud.Count];
        var sb = new StringBuilder(cloud.Count * 40);
        var inv = CultureInfo.InvariantCulture;
        var p = cloud.Positions;
        for (int i = 0; i < cloud.Count; i++)
            sb.Append(inv, $"{p[3 * i]:0.######} {p[3 * i + 1]:0.######} {p[3 * i + 2]:0.######} {labels[i]}\n");
        File.WriteAllText(path, sb.ToString());
    }
}
