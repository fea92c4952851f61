using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Carving;

/// <summary>
/// A mesh before and after carving, with identical triangles (removed ones dropped from both) and
/// vertex positions that differ only where the defect moved the surface. Sampling the same surface
/// point on both gives its exact displacement, which defines the per-point ground truth.
/// </summary>
public sealed record CarvedMesh(TriangleMesh Clean, TriangleMesh Deformed, string? DefectType);
