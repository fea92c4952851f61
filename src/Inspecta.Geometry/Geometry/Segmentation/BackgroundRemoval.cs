using Inspecta.Geometry.Registration;

namespace Inspecta.Geometry.Segmentation;

public sealed record BackgroundRemovalOptions
{
    /// <summary>Width in pixels of the image frame whose points define the background plane.</summary>
    public int BorderWidth { get; init; } = 10;
    /// <summary>RANSAC inlier distance when fitting the plane to the frame points.</summary>
    public float FitThreshold { get; init; } = 0.004f;
    /// <summary>Pixels closer than this to the plane are background.</summary>
    public float RemoveThreshold { get; init; } = 0.005f;
    public int Iterations { get; init; } = 1000;
    public int Seed { get; init; }
    /// <summary>After removing the plane, keep only the largest DBSCAN cluster (drops debris); null to skip.</summary>
    public float? ClusterEps { get; init; } = 0.006f;
    public int ClusterMinPoints { get; init; } = 30;
}

/// <param name="Scan">A copy of the scan with background pixels set to (0, 0, 0), i.e. invalid.</param>
public sealed record BackgroundRemovalResult(OrganizedCloud Scan, Plane Plane, int PlanePixels, int ClusterPixels);

/// <summary>
/// MVTec 3D-AD background removal as in "Back to the Feature" preprocessing: fit a plane (RANSAC) to the valid points
/// of the image border, invalidate every pixel near it, then keep only the largest connected cluster of what remains.
/// </summary>
public static class BackgroundRemoval
{
    public static BackgroundRemovalResult Remove(OrganizedCloud scan, BackgroundRemovalOptions? options = null)
    {
        options ??= new BackgroundRemovalOptions();
        int h = scan.Height, w = scan.Width, b = options.BorderWidth;
        if (b <= 0 || 2 * b >= Math.Min(h, w)) throw new InspectaUserException($"Border width {b} does not fit a {w}×{h} scan.");
        var border = new List<int>();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                if ((y < b || y >= h - b || x < b || x >= w - b) && scan.IsValid(y * w + x)) border.Add(y * w + x);
        if (border.Count < 3) throw new InspectaUserException($"The scan border has only {border.Count} valid pixels; cannot find the background plane.");
        var fit = PlaneFit.Ransac(scan.Xyz, options.FitThreshold, options.Iterations, options.Seed, border.ToArray());

        var xyz = (float[])scan.Xyz.Clone();
        int planePixels = 0;
        for (int p = 0; p < h * w; p++)
        {
            if (!scan.IsValid(p)) { xyz[3 * p] = xyz[3 * p + 1] = xyz[3 * p + 2] = 0; continue; }
            if (MathF.Abs(fit.Plane.SignedDistance(xyz[3 * p], xyz[3 * p + 1], xyz[3 * p + 2])) < options.RemoveThreshold)
            {
                xyz[3 * p] = xyz[3 * p + 1] = xyz[3 * p + 2] = 0;
                planePixels++;
            }
        }
        var cleaned = new OrganizedCloud(h, w, xyz);
        int clusterPixels = 0;
        if (options.ClusterEps is { } eps)
        {
            var valid = cleaned.ToPointCloud(out int[] pixel);
            if (valid.Count > 0)
            {
                var labels = Dbscan.Cluster(valid.Positions, eps, options.ClusterMinPoints);
                var sizes = new Dictionary<int, int>();
                foreach (int l in labels) if (l >= 0) sizes[l] = sizes.GetValueOrDefault(l) + 1;
                int keep = sizes.Count == 0 ? -2 : sizes.MaxBy(kv => kv.Value).Key;
                if (keep != -2)
                    for (int i = 0; i < labels.Length; i++)
                        if (labels[i] != keep)
                        {
                            int p = pixel[i];
                            xyz[3 * p] = xyz[3 * p + 1] = xyz[3 * p + 2] = 0;
                            clusterPixels++;
                        }
            }
        }
        return new BackgroundRemovalResult(cleaned, fit.Plane, planePixels, clusterPixels);
    }
}
