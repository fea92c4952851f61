using System.Numerics;
using Inspecta.Geometry.Spatial;

namespace Inspecta.Geometry.Features;

/// <summary>Settings for computing FPFH on a whole cloud, normals included.</summary>
public sealed record FpfhSettings
{
    /// <summary>FPFH neighbourhood radius (required).</summary>
    public required float FeatureRadius { get; init; }
    /// <summary>At most this many nearest neighbours within the feature radius (Open3D's max_nn).</summary>
    public int MaxNeighbours { get; init; } = int.MaxValue;
    /// <summary>Radius for PCA normals when the cloud has none (required then).</summary>
    public float? NormalRadius { get; init; }
    public int NormalMaxNeighbours { get; init; } = int.MaxValue;
    /// <summary>Estimated normals face this point; default the cloud's viewpoint origin.</summary>
    public Vector3? Viewpoint { get; init; }
    public FpfhWeighting Weighting { get; init; } = FpfhWeighting.InverseSquaredDistance;
}

/// <param name="Features">33 values per input point, in input order.</param>
/// <param name="NormalsFromInput">True when the cloud's own normals were used.</param>
/// <param name="MeanNeighbours">Mean FPFH neighbourhood size (the point itself included).</param>
public sealed record FpfhResult(float[] Features, bool NormalsFromInput, double MeanNeighbours, int PointsWithoutNeighbours);

/// <summary>Normals (when missing) then FPFH for every point of a cloud, sharing one KD-tree.</summary>
public static class FpfhExtractor
{
    public static FpfhResult Run(PointCloud cloud, FpfhSettings settings)
    {
        if (!(settings.FeatureRadius > 0) || !float.IsFinite(settings.FeatureRadius)) throw new InspectaUserException($"The feature radius must be a positive number, got {settings.FeatureRadius}.");
        if (settings.MaxNeighbours < 2) throw new InspectaUserException($"max-nn must be at least 2 (the point itself and one neighbour), got {settings.MaxNeighbours}.");
        var tree = new KdTree(cloud.Positions);
        float[] normals;
        bool fromInput = cloud.Normals is not null;
        if (fromInput) normals = cloud.Normals!;
        else
        {
            float r = settings.NormalRadius ?? throw new InspectaUserException("The input has no normals: give a normal radius (--normal-radius) to estimate them.");
            if (!(r > 0) || !float.IsFinite(r)) throw new InspectaUserException($"The normal radius must be a positive number, got {r}.");
            if (settings.NormalMaxNeighbours < 3) throw new InspectaUserException($"The normal neighbour limit must be at least 3, got {settings.NormalMaxNeighbours}.");
            normals = NormalEstimation.Estimate(cloud, Neighbourhood.WithinRadius(r, settings.NormalMaxNeighbours), settings.Viewpoint ?? cloud.Viewpoint.Origin, tree);
        }
        var graph = Neighbourhood.WithinRadius(settings.FeatureRadius, settings.MaxNeighbours).Search(tree, cloud.Positions);
        var features = Fpfh.Compute(cloud.Positions, normals, graph, settings.Weighting);
        int lonely = 0;
        long finiteNeighbours = 0; int finite = 0;
        for (int i = 0; i < cloud.Count; i++)
        {
            int c = graph.Count(i);
            if (c == 0) continue; // non-finite point
            finite++; finiteNeighbours += c;
            if (c <= 1) lonely++;
        }
        return new FpfhResult(features, fromInput, finite == 0 ? 0 : (double)finiteNeighbours / finite, lonely);
    }
}
