using Inspecta.Geometry.Meshes;

namespace Inspecta.Synthesis.ThreeD.Scan;

/// <summary>
/// Everything that varies between good scans: where the object lies on the plane, its rotation and
/// scale, the plane's distance and tilt, the light direction and the texture seed. Metres, camera frame
/// (z away from the camera).
/// </summary>
public sealed record ScanScene(int Size, float ObjectX, float ObjectY, float Angle, float Scale,
    float PlaneDistance, float TiltX, float TiltY, Vec3 Light, ulong TextureSeed)
{
    /// <summary>Focal length in pixels: about 24° field of view, so the object fills about half the frame.</summary>
    public float Focal => Size * 2.4f;

    public static ScanScene Random(SynthRandom rng, int size) => new(size,
        rng.Range(-0.01f, 0.01f), rng.Range(-0.01f, 0.01f), rng.Range(0, MathF.Tau), rng.Range(0.96f, 1.04f),
        0.3f + rng.Range(-0.003f, 0.003f), rng.Range(-0.03f, 0.03f), rng.Range(-0.03f, 0.03f),
        new Vec3(rng.Range(-0.5f, 0.5f), rng.Range(-0.5f, 0.5f), -1f).Normalized(), rng.NextUInt64());

    /// <summary>Camera-frame (X, Y) on the plane → object coordinates.</summary>
    public (float X, float Y) ToObject(float x, float y)
    {
        float dx = (x - ObjectX) / Scale, dy = (y - ObjectY) / Scale;
        float c = MathF.Cos(Angle), s = MathF.Sin(Angle);
        return (c * dx + s * dy, -s * dx + c * dy);
    }

    public float PlaneDepth(float x, float y) => PlaneDistance + TiltX * x + TiltY * y;
}
