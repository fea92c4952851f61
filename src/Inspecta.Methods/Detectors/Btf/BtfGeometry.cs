using Inspecta.Geometry;
using Inspecta.Geometry.Features;
using Inspecta.Geometry.Segmentation;

namespace Inspecta.Detectors.Btf;

/// <summary>
/// BTF's geometric preprocessing of one organised scan: nearest resize to the input size, background plane
/// removal, per-point features (raw xyz or FPFH) on the remaining valid points, zero-filled elsewhere, and
/// average pooling to the patch grid.
/// </summary>
/// <param name="InputSize">Square side the scan is resized to (BTF: 224).</param>
/// <param name="NormalRadius">Normal estimation radius in scan units (BTF: 0.1 with 30 neighbours).</param>
/// <param name="FeatureRadius">FPFH radius in scan units (BTF: 0.25 with 100 neighbours).</param>
/// <param name="Background">Plane removal settings in scan units; null keeps the plane.</param>
public sealed record BtfGeometry(int InputSize, float NormalRadius, int NormalMaxNeighbours, float FeatureRadius,
    int FeatureMaxNeighbours, BackgroundRemovalOptions? Background)
{
    /// <summary>Side of an input pixel block pooled into one patch (224 → 28).</summary>
    public const int PatchStride = 8;

    public static BtfGeometry Default(int inputSize) => new(inputSize, 0.1f, 30, 0.25f, 100, new BackgroundRemovalOptions());

    public int GridSize => Math.Max(1, InputSize / PatchStride);

    public static int Dimension(BtfFeatures kind) => kind == BtfFeatures.Raw ? 3 : Fpfh.Dimensions;

    /// <summary>
    /// Writes the pooled geometric feature of every grid cell into <paramref name="output"/>[cell × stride + offset ..]
    /// (Dimension(kind) values each). <paramref name="path"/> only names the scan in errors.
    /// </summary>
    public void PatchFeatures(OrganizedCloud scan, string path, BtfFeatures kind, int gridH, int gridW, Span<float> output, int stride, int offset)
    {
        var resized = ScanGrid.ResizeNearest(scan, InputSize, InputSize);
        if (Background is { } bg)
        {
            // The frame and cluster size are given for ~800 px MVTec scans; keep them proportional at the input size.
            var scaled = bg with { BorderWidth = Math.Max(1, (int)Math.Round(bg.BorderWidth * InputSize / (double)Math.Max(scan.Width, 1))) };
            try { resized = BackgroundRemoval.Remove(resized, scaled).Scan; }
            catch (InspectaUserException e) { throw InspectaUserException.ForFile(path, "background removal failed: " + e.Message); }
        }
        var cloud = resized.ToPointCloud(out int[] pixel);
        int dim = Dimension(kind);
        var perPixel = new float[InputSize * InputSize * dim];
        if (cloud.Count > 0)
        {
            if (kind == BtfFeatures.Raw)
            {
                for (int i = 0; i < pixel.Length; i++) cloud.Positions.AsSpan(3 * i, 3).CopyTo(perPixel.AsSpan(pixel[i] * 3, 3));
            }
            else
            {
                var fpfh = FpfhExtractor.Run(cloud, new FpfhSettings
                {
                    FeatureRadius = FeatureRadius, MaxNeighbours = FeatureMaxNeighbours,
                    NormalRadius = NormalRadius, NormalMaxNeighbours = NormalMaxNeighbours,
                }).Features;
                for (int i = 0; i < pixel.Length; i++)
                {
                    var f = fpfh.AsSpan(i * dim, dim);
                    // A point whose normal could not be estimated has no defined histogram; treat it like a hole.
                    if (!System.Numerics.Tensors.TensorPrimitives.IsFiniteAll<float>(f)) continue;
                    f.CopyTo(perPixel.AsSpan(pixel[i] * dim, dim));
                }
            }
        }
        ScanGrid.AveragePool(perPixel, InputSize, InputSize, dim, gridH, gridW, output, stride, offset);
    }

    public void WriteTo(System.Text.Json.Nodes.JsonObject p)
    {
        p["input_size"] = InputSize;
        p["normal_radius"] = NormalRadius; p["normal_max_nn"] = NormalMaxNeighbours;
        p["feature_radius"] = FeatureRadius; p["feature_max_nn"] = FeatureMaxNeighbours;
        p["background"] = Background is null ? null : new System.Text.Json.Nodes.JsonObject
        {
            ["border_width"] = Background.BorderWidth, ["fit_threshold"] = Background.FitThreshold,
            ["remove_threshold"] = Background.RemoveThreshold, ["iterations"] = Background.Iterations, ["seed"] = Background.Seed,
            ["cluster_eps"] = Background.ClusterEps, ["cluster_min_points"] = Background.ClusterMinPoints,
        };
    }

    public static BtfGeometry Read(System.Text.Json.Nodes.JsonObject p, Persistence.ModelReader reader)
    {
        T Get<T>(System.Text.Json.Nodes.JsonNode? n, string name) => n is null ? throw reader.Error($"BTF parameters have no '{name}'.") : n.GetValue<T>();
        BackgroundRemovalOptions? bg = null;
        if (p["background"] is System.Text.Json.Nodes.JsonObject b)
            bg = new BackgroundRemovalOptions
            {
                BorderWidth = Get<int>(b["border_width"], "border_width"), FitThreshold = Get<float>(b["fit_threshold"], "fit_threshold"),
                RemoveThreshold = Get<float>(b["remove_threshold"], "remove_threshold"), Iterations = Get<int>(b["iterations"], "iterations"),
                Seed = Get<int>(b["seed"], "seed"), ClusterEps = b["cluster_eps"]?.GetValue<float>(),
                ClusterMinPoints = Get<int>(b["cluster_min_points"], "cluster_min_points"),
            };
        return new BtfGeometry(Get<int>(p["input_size"], "input_size"), Get<float>(p["normal_radius"], "normal_radius"),
            Get<int>(p["normal_max_nn"], "normal_max_nn"), Get<float>(p["feature_radius"], "feature_radius"),
            Get<int>(p["feature_max_nn"], "feature_max_nn"), bg);
    }
}
