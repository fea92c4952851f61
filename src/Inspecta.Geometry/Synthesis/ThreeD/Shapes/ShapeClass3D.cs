using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Shapes;

/// <summary>
/// A class of 3D objects: builds one watertight instance, with its own random parameter variation,
/// triangulated with edges of about <c>edge</c> length.
/// </summary>
public sealed record ShapeClass3D(string Name, string Description, Func<SynthRandom, float, TriangleMesh> Build);
