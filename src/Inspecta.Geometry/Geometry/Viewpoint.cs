using System.Numerics;

namespace Inspecta.Geometry;

/// <summary>The acquisition pose of a cloud (PCD VIEWPOINT tx ty tz qw qx qy qz).</summary>
public readonly record struct Viewpoint(Vector3 Origin, Quaternion Orientation)
{
    public static Viewpoint Identity { get; } = new(Vector3.Zero, Quaternion.Identity);
}
