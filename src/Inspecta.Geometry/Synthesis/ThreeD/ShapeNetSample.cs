using Inspecta.Datasets;
using Inspecta.Geometry;
using Inspecta.Synthesis.ThreeD.Carving;

namespace Inspecta.Synthesis.ThreeD;

/// <summary>
/// One Anomaly-ShapeNet-style sample: the point cloud (with per-point labels, 1 = on the deformed
/// surface) and, for checking, the position each point had before carving and the meshes it was sampled from.
/// </summary>
/// <param name="Name">File stem, e.g. "vase_template0", "vase_bulge1", "vase_positive2".</param>
public sealed record ShapeNetSample(string ClassName, string Name, Split Split, string? DefectType, PointCloud Cloud, float[] CleanPositions, CarvedMesh Mesh)
{
    public int AnomalousCount => Cloud.Labels?.Count(l => l != 0) ?? 0;
}
